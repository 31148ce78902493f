"""Dates written in page text (cleaners/dates.py)."""
import re

import pytest

from cleaners.dates import find_date, parse_date


@pytest.mark.parametrize("text, iso", [
    ("Posted on March 30, 2008 at 10:24 am by Ann", "2008-03-30"),
    ("Deidre : June 27th, 2012 at 7:03 am", "2012-06-27"),
    ("Am 18.11.2021 um 14:05 schrieb Jan", "2021-11-18"),
    ("mardi 3 mars 2015", "2015-03-03"),
    ("updated 2019-07-04T10:00:00Z", "2019-07-04"),
    ("07/20/2012 said:", "2012-07-20"),
    ("Rabu, 12 Agustus 2020 pukul 10.15", "2020-08-12"),
    ("Escrito por João Silva em 14 de março de 2022", "2022-03-14"),
    ("Pubblicato il lunedì 2 marzo 2020 alle 10:15 da Marco", "2020-03-02"),
    ("Geplaatst op 2 maart 2020 door Jan", "2020-03-02"),
    ("Опубликовано 2 марта 2020 г. в 10:15", "2020-03-02"),
    ("Dodano 2 marca 2020 r.", "2020-03-02"),
    ("投稿日：2020年3月2日 10:00", "2020-03-02"),
    ("2020년 3월 2일 오전", "2020-03-02"),
    ("2020/03/02 12:34 返信", "2020-03-02"),
    ("Le 12 janvier 2023 à 14 h 32 min", "2023-01-12"),
    ("1er mars 2020", "2020-03-01"),
    ("30 March, 2008 at 9:00 pm", "2008-03-30"),
    ("3 févr. 2021", "2021-02-03"),
    ("Submitted by Ann on Mon, 23/02/2020 - 10:00", "2020-02-23"),
    ("Last updated: Sunday, 20-Jun-2004 06:14:06 EST", "2004-06-20"),
    ("Adhering to the guidelines 21-Sep-2006", "2006-09-21"),  # Drupal: a weekday before a numeric date
])
def test_the_first_date_written_in_a_text_is_found(text, iso):
    found = find_date(text)
    assert found is not None and found[0] == iso
    assert find_date(text[found[1][0]:found[1][1]])[0] == iso  # the span is the date as written


@pytest.mark.parametrize("text", ["No date here at all", "3 days ago", "Page 12 of 1999 pages", "March 30, 1899",
                                  "call 555-2020-19", ""])
def test_a_text_without_a_date_has_none(text):
    assert find_date(text) is None


def test_the_year_shortcut_changes_no_answer(monkeypatch):
    """find_date returns at once when no year is written: every pattern needs one. Its answers are
    those of trying every pattern, on texts with and without years, digits of other scripts included."""
    from cleaners import dates

    texts = ["Written 4 March 20٢١ by Omar", "٢٠٢١-٠٣-٠٤", "On 31.12.1999, late", "1 2 3 2000", "Sat, 01 Feb 2020",
             "the 1980s", "May 5", "12/13/2019 and 2019-12-14", "Tue Mar 3 2015", "20 19 18", "March 30, 1899"]
    shortcut = [find_date(text) for text in texts]
    monkeypatch.setattr(dates, "_A_YEAR", re.compile(""))  # found in every text: every pattern is tried
    assert shortcut == [find_date(text) for text in texts]
    assert sum(found is not None for found in shortcut) >= 5
    assert parse_date("4 March 2021") == "2021-03-04"


def _searched_over_the_whole_text(text: str):
    """find_date as it was: the first match of every pattern, searched from the text's start."""
    from cleaners import dates

    best = None
    for pattern in dates.DATE_PATTERNS:
        match = pattern.search(text)
        iso = dates._to_iso(match) if match else None
        if iso and (best is None or match.start() < best[1][0]):
            best = (iso, match.span())
    return best


def _texts_of_date_parts(count: int) -> list[str]:
    """Texts made of the parts of dates (weekdays, months, days, years) in the order of a date or
    out of it, joined by separators, runs of whitespace of every kind, or nothing (a name glued to
    a word): many hold a date that opens with names a few runs of whitespace before its digits."""
    import random

    weekdays = ["Monday", "mon", "Mon.", "DIENSTAG", "mardi", "Sunday,", "segunda-feira", "lunedì", "x", ""]
    months = ["March", "mar", "Sept.", "févr.", "marca", "de", "Jun", "x", ""]
    days = ["30", "3rd", "1er", "07", "5", "18.11.", "23/02/", "20-", "x"]
    years = ["2008", "1999", "2021", "2008 г.", "1899", "12:05"]
    joins = ["", " ", "  ", ", ", "-", ".", "/", "\n", "\t \t", "\u00a0", "\u2003", " de ", "x "]
    rng = random.Random(11)

    def date() -> str:
        parts = [rng.choice(weekdays), rng.choice(months), rng.choice(days), rng.choice(years)]
        if rng.random() < 0.3:
            rng.shuffle(parts)
        return "".join(part + rng.choice(joins) for part in parts)

    return ["".join(date() + rng.choice(joins + ["by Ann on "]) for _ in range(rng.randint(1, 3)))
            for _ in range(count)]


@pytest.mark.parametrize("text", ["Monday,\n\n\t  March   30,   2008 at 10:24 am", "Mon, \u00a0 23/02/2020 - 10:00",
                                  "xMonday March 30, 2008", "Thursday 5 2008, then Monday, March 30, 2008",
                                  "Sunday,   20-Jun-2004 06:14:06 EST", "lunedì  2  marzo  2020", "mardi 18.11.2021"])
def test_searching_from_the_core_changes_no_answer(text):
    """find_date searches a pattern that opens with names (a weekday, a month) from a few runs of
    whitespace before the pattern's digits, not over the whole text: its answers are the same."""
    assert find_date(text) == _searched_over_the_whole_text(text)


def test_searching_from_the_core_changes_no_answer_on_texts_of_date_parts():
    texts = _texts_of_date_parts(4000)
    answers = [find_date(text) for text in texts]
    assert answers == [_searched_over_the_whole_text(text) for text in texts]
    assert sum(found is not None for found in answers) >= 300  # the texts do hold dates
    # and dates that open with a weekday or a month written before their digits
    assert sum(1 for text, found in zip(texts, answers) if found and not text[found[1][0]].isdigit()) >= 200


def _required_groups(items) -> set[int]:
    """Numbers of the groups that every match of the parsed sequence `items` holds: groups met
    along the sequence, not inside a branch, a repeat or a lookaround."""
    from re import _constants as sre

    found: set[int] = set()
    for op, av in items:
        if op is sre.SUBPATTERN:
            group, _, _, inner = av
            found |= {group} if group else set()
            found |= _required_groups(inner)
    return found


def test_every_date_pattern_needs_a_year():
    """parse_date and find_date answer None at once when no year is written: every pattern holds
    the year's group outside any optional part, so each of its matches holds a match of _A_YEAR."""
    from re import _parser as sre_parse

    from cleaners import dates

    for pattern in dates.DATE_PATTERNS:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
        assert pattern.groupindex["year"] in _required_groups(tree), pattern.pattern[:80]
        assert dates._A_YEAR.pattern in pattern.pattern  # and the year's group is _A_YEAR's pattern


def test_the_year_shortcut_changes_no_answer_of_parse_date(monkeypatch):
    """parse_date's answers are those of trying every pattern, on dates alone (found in texts of
    date parts), with words or separators around them, and on lines of the seed pages."""
    from cleaners import dates
    from tests.conftest import SEEDS_RAW

    texts = _texts_of_date_parts(3000)
    spans = [found[1] if found else None for found in map(find_date, texts)]
    alone = [text[start:end] for text, span in zip(texts, spans) if span for start, end in [span]]
    texts += alone + [f"{around}{date}{around}" for date in alone[:500] for around in (" ", " - ", ", ", "x", "\u00a0")]
    texts += [line for page in sorted(SEEDS_RAW.glob("*.txt")) for line in page.read_text(encoding="utf-8").split("\n")]
    shortcut = [parse_date(text) for text in texts]
    monkeypatch.setattr(dates, "_A_YEAR", re.compile(""))  # found in every text: every pattern is tried
    assert shortcut == [parse_date(text) for text in texts]
    assert sum(found is not None for found in shortcut) >= 1000  # the texts do hold dates alone


def _states_date_with_every_pattern(text: str, iso: str) -> bool:
    """states_date as it was: every pattern run in the window around each place the year is written."""
    from cleaners import dates

    start = text.find(iso[:4])
    while start != -1:
        window = text[max(0, start - dates._AROUND_YEAR):start + 4 + dates._AROUND_YEAR]
        if any(dates._to_iso(match) == iso for pattern in dates.DATE_PATTERNS for match in pattern.finditer(window)):
            return True
        start = text.find(iso[:4], start + 4)
    return False


def test_states_date_leaves_out_only_patterns_whose_core_is_not_there():
    """states_date skips a pattern that opens with names where its core is not in the window: the
    same answer on texts of date parts (for each date they hold, its neighbours and January 1) and
    on the fixture and corpus-sample pages (for every January 1 and every date found in them)."""
    import gzip
    from datetime import date, timedelta

    from cleaners.dates import states_date
    from tests.conftest import FIXTURE_HTML_PAGES

    texts = _texts_of_date_parts(3000)
    pages = [(gzip.decompress(p.read_bytes()) if p.suffix == ".gz" else p.read_bytes()).decode("utf-8", "replace")
             for p in FIXTURE_HTML_PAGES]
    stated = 0
    for text in texts + pages:
        found = find_date(text)
        isos = {f"{year}-01-01" for year in ("1999", "2008", "2020", "2021")}
        if found:
            day = date.fromisoformat(found[0])
            isos |= {(day + timedelta(days=shift)).isoformat() for shift in (-1, 0, 1, 365)}
        for iso in sorted(isos):
            answer = states_date(text, iso)
            assert answer == _states_date_with_every_pattern(text, iso), (text[:200], iso)
            stated += answer
    assert stated >= 300  # the texts do state many of the dates asked about
