"""cleaners.htmldate_speedups: each fast findall finds exactly what its htmldate pattern's findall does."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

import cleaners.html  # noqa: F401  (puts the finders in place, as the pipeline does)
from cleaners import htmldate_speedups
from cleaners.htmldate_speedups import (
    CORES,
    FILTER_DIGEST,
    LONG_TEXT_DIGEST,
    DigitLedFindall,
    YearLedSearch,
    pattern_digest,
    use_fast_findall,
    use_year_led_search,
)
from tests.conftest import FIXTURE_HTML_PAGES, SHARED_CORPUS, parse_html_file, shared_corpus_pages


def _pattern(name: str) -> re.Pattern[str]:
    import htmldate.core

    return getattr(htmldate.core, name)


def _finders() -> list[tuple[str, re.Pattern[str], DigitLedFindall]]:
    return [(name, _pattern(name), DigitLedFindall(_pattern(name), core)) for (name, _), core in CORES.items()]


def _assert_same(strings) -> None:
    for name, pattern, finder in _finders():
        for string in strings:
            assert finder.findall(string) == pattern.findall(string), (name, string[:200])


def _serialized(path: Path) -> str:
    """The page as search_page reads it: htmldate's serialization of the parsed tree."""
    from htmldate.core import serialize

    return serialize(parse_html_file(path))


# what goes between digit runs: each separator, letters, © and Unicode digits (\d and \D are
# Unicode here), the lookbehind's w3.org
SEPARATORS = "/.-"
BETWEEN = [" ", "a", "_", "©", "٣", "٢٠٢٠", "w3.org", "w3xorg", ""]


def _digit_run(rng: random.Random) -> str:
    """Digits as dates have them (a day or month of one or two, a year of two or four, eight in a
    row), led by the digits the patterns ask for first more often than not."""
    length = rng.choice([1, 1, 2, 2, 2, 2, 3, 4, 4, 4, 5, 8])
    lead = rng.choice("0123912" if rng.random() < 0.7 else "0123456789")
    return lead + "".join(rng.choice("0123456789" if rng.random() < 0.5 else "019") for _ in range(length - 1))


def _random_strings(count: int, seed: int) -> list[str]:
    """Digit runs and what goes between them, alternating: date shapes, their near misses and
    neighbours sharing a separator."""
    rng = random.Random(seed)
    strings = []
    for _ in range(count):
        separator = rng.choice(SEPARATORS)  # a date's two separators are most often the same
        parts = [rng.choice(BETWEEN) if rng.random() < 0.5 else ""]
        for _ in range(rng.randint(0, 8)):
            after = rng.random()
            between = separator if after < 0.5 else rng.choice(SEPARATORS) if after < 0.7 else rng.choice(BETWEEN)
            parts += [_digit_run(rng), between]
        strings.append("".join(parts))
    return strings


def test_each_finder_finds_what_its_pattern_finds_in_random_strings():
    strings = _random_strings(30_000, seed=1)
    _assert_same(strings)
    for name, pattern, _ in _finders():  # enough matches to tell a finder that misses some
        assert sum(1 for s in strings if pattern.search(s)) > 100, name


def test_each_finder_finds_what_its_pattern_finds_in_random_characters():
    rng = random.Random(2)
    alphabet = "0123456789/.- a©٣w"
    _assert_same(["".join(rng.choices(alphabet, k=rng.randint(0, 30))) for _ in range(20_000)])


@pytest.mark.parametrize("string", [
    "", "1", " 2020-01-01 ", "2020-01-01 ", " 2020-01-01", " 2020-01-01 2020-02-02 ",  # the edges
    " 01.02.2020 03.04.2021 ",  # matches sharing a \D: findall consumes it, the second is missed
    "x2020x2021x2022x", "w3.org2020 x2020 ", "w3.org/2020/ a2019b",  # the lookbehind
    "٣2020-01-01 ", " 2020-01-01٣", "©2019 ", " 20200101 19991231 ", "1/2/99 12.12.12 3/4/05 ",
])
def test_each_finder_finds_what_its_pattern_finds_at_the_edges(string):
    _assert_same([string])


def test_a_core_missing_some_matches_is_caught():
    # the comparison above fails a core that is not a superset: here a day of one digit is lost
    pattern = _pattern("SELECT_YMD_PATTERN")
    narrow = DigitLedFindall(pattern, r"[0-9]{2}[/.-][0-9][0-9]?[/.-][0-9]{4}\D")
    assert any(narrow.findall(s) != pattern.findall(s) for s in _random_strings(5_000, seed=3))


def test_each_finder_finds_what_its_pattern_finds_on_the_fixture_pages():
    strings = [_serialized(p) for p in FIXTURE_HTML_PAGES]
    assert len(strings) > 80
    _assert_same(strings)


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not here")
def test_each_finder_finds_what_its_pattern_finds_on_corpus_pages():
    paths = shared_corpus_pages()
    assert paths
    _assert_same([_serialized(p) for p in paths[::8]])


def test_the_pinned_htmldate_has_every_pattern_the_finders_stand_in_for():
    # a release that rewrites one keeps its own pattern: this says which core to look at again
    import htmldate.core
    import htmldate.validators

    for name, digest in CORES:
        assert pattern_digest(_pattern(name)) == digest, name
    assert FILTER_DIGEST and htmldate.core.plausible_year_filter.__wrapped__ is htmldate.validators.plausible_year_filter
    assert use_fast_findall() == len(CORES)


def test_a_changed_pattern_keeps_its_own_findall(monkeypatch):
    import htmldate.core
    import htmldate.validators

    changed = re.compile(r"\D([0-9]{4}[/.-][0-9]{2}[/.-][0-9]{2})(?:\D|$)")
    monkeypatch.setattr(htmldate.core, "plausible_year_filter", htmldate.validators.plausible_year_filter)
    monkeypatch.setattr(htmldate.core, "THREE_LOOSE_PATTERN", changed)
    assert use_fast_findall.__wrapped__() == len(CORES) - 1


def test_a_changed_filter_is_left_in_place(monkeypatch):
    import htmldate.core

    def plausible_year_filter(htmlstring, *, pattern, yearpat, earliest, latest):
        return pattern.findall(htmlstring)

    monkeypatch.setattr(htmldate.core, "plausible_year_filter", plausible_year_filter)
    assert use_fast_findall.__wrapped__() == 0
    assert htmldate.core.plausible_year_filter is plausible_year_filter


def test_search_page_finds_the_same_date_through_the_finders():
    import htmldate.core
    from htmldate.core import search_page
    from htmldate.utils import Extractor
    from htmldate.validators import get_max_date, get_min_date

    options = Extractor(True, get_max_date(None), get_min_date(None), False, "%Y-%m-%d")
    original = htmldate.core.plausible_year_filter.__wrapped__
    for html in ["<p>posted 12.03.2021, updated 2021/04</p>", "<p>© 2015 x 3/4/2016 y 2017</p>", "<p>20190312</p>"]:
        fast = search_page(html, options)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(htmldate.core, "plausible_year_filter", original)
            assert search_page(html, options) == fast, html


# regex_parse's LONG_TEXT_PATTERN through YearLedSearch

def _long_text_pattern() -> re.Pattern[str]:
    import htmldate.extractors

    return htmldate.extractors.LONG_TEXT_PATTERN.pattern  # the YearLedSearch stands in for it


def _every_search(searcher, string: str) -> list:
    """The matches regex_parse can meet: searched from 0, then from each match's start + 1."""
    found, pos = [], 0
    while match := searcher.search(string, pos):
        found.append((match.span(), match.groups()))
        pos = match.start() + 1
    return found


def _year_led_search() -> YearLedSearch:
    searcher = YearLedSearch(_long_text_pattern())
    searcher.SHORT = 0  # every string through its starts, short ones too
    return searcher


def _assert_same_search(strings) -> int:
    pattern, searcher = _long_text_pattern(), _year_led_search()
    matches = 0
    for string in strings:
        expected = _every_search(pattern, string)
        assert _every_search(searcher, string) == expected, string[:200]
        matches += len(expected)
    return matches


WORDS = ["March", "mars", "Dezember", "ekim", "Şubat", "aout", "May", "word", "ab", "xMarch", "é", "ß",
         "of", "OF", "st", "nd", "TH", "rd", "²", "_", "٣", "a1"]
GAPS = [" "] * 12 + [",", ".", ", ", ". ", " of ", "\t", "\n", "\u00a0", "", "/"]


def _random_texts(count: int, seed: int) -> list[str]:
    """Words (months, near misses, letters that are not ASCII), days, suffixes and years with
    the gaps the pattern allows and some it does not."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 10)):
            roll = rng.random()
            if roll < 0.4:
                parts.append(rng.choice(WORDS))
            elif roll < 0.7:
                parts.append(str(rng.choice([1, 3, 9, 12, 21, 31, 39, 40, 123])))
            else:
                parts.append(rng.choice(["1999", "2019", "2039", "2040", "1989", "20190"]))
            parts.append(rng.choice(GAPS))
        texts.append("".join(parts))
    return texts


def test_year_led_search_finds_what_the_pattern_finds_in_random_texts():
    assert _assert_same_search(_random_texts(30_000, seed=4)) > 1_000  # enough to tell a miss


@pytest.mark.parametrize("text", [
    "March 3, 2019", "March 3rd, 2019", "March 03 2019", "xMarch 3 2019", "3 March 2019", "31st of March, 2019",
    "3. März 2019", "12 of Dezember. 2019", "Şubat 4 2019", "word 3 2019 then 4 May 2019",
    "March\t3 2019", "March 3,  2019", "3 2019 2019", "May 40 2019", "2019 March 3 2019", "é 3 2019",
])
def test_year_led_search_finds_what_the_pattern_finds_in_date_words(text):
    for context in [text, "<p>" + text + "</p>", "ab" + text, "1" + text]:
        _assert_same_search([context])


def test_year_led_search_finds_what_the_pattern_finds_on_the_fixture_pages():
    assert _assert_same_search([_serialized(p) for p in FIXTURE_HTML_PAGES]) > 20


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not here")
def test_year_led_search_finds_what_the_pattern_finds_on_corpus_pages():
    paths = shared_corpus_pages()
    _assert_same_search([_serialized(p) for p in paths[::8]])


def test_starts_that_miss_the_day_first_form_are_caught(monkeypatch):
    # the comparison above fails a start list short of some matches: here the day-first ones
    every_start = htmldate_speedups.long_text_starts

    def month_first_only(string):
        return [start for start in every_start(string) if not string[start].isdigit()]

    monkeypatch.setattr(htmldate_speedups, "long_text_starts", month_first_only)
    with pytest.raises(AssertionError):
        _assert_same_search(_random_texts(2_000, seed=5))


def test_regex_parse_reads_the_same_date_through_year_led_search(monkeypatch):
    import htmldate.extractors

    texts = [_serialized(p) for p in FIXTURE_HTML_PAGES]
    fast = [htmldate.extractors.regex_parse(t) for t in texts]
    monkeypatch.setattr(htmldate.extractors, "LONG_TEXT_PATTERN", _long_text_pattern())
    assert [htmldate.extractors.regex_parse(t) for t in texts] == fast
    assert any(fast)


def test_the_pinned_htmldate_has_the_long_text_pattern_and_regex_parse():
    import htmldate.extractors

    assert isinstance(htmldate.extractors.LONG_TEXT_PATTERN, YearLedSearch)
    assert pattern_digest(_long_text_pattern()) == LONG_TEXT_DIGEST
    assert use_year_led_search()


def test_a_changed_regex_parse_keeps_its_pattern(monkeypatch):
    import htmldate.extractors

    monkeypatch.setattr(htmldate.extractors, "LONG_TEXT_PATTERN", _long_text_pattern())
    monkeypatch.setattr(htmldate.extractors, "regex_parse", lambda string: None)
    assert use_year_led_search.__wrapped__() is False
    assert isinstance(htmldate.extractors.LONG_TEXT_PATTERN, re.Pattern)
