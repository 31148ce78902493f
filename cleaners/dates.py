"""Dates written in page text ("18.11.2021", "March 30, 2008 at 10:24 am", "2021-11-18") to ISO."""
from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    # English, German, Spanish, French, Indonesian, Turkish, Portuguese; full names and abbreviations
    **{m: i for i, m in enumerate(["january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                   "nov", "dec"], 1)},
    "sept": 9,
    **{m: i for i, m in enumerate(["januar", "februar", "märz", "april", "mai", "juni", "juli", "august",
                                   "september", "oktober", "november", "dezember"], 1)},
    **{m: i for i, m in enumerate(["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                                   "septiembre", "octubre", "noviembre", "diciembre"], 1)},
    **{m: i for i, m in enumerate(["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                   "septembre", "octobre", "novembre", "décembre"], 1)},
    **{m: i for i, m in enumerate(["januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus",
                                   "september", "oktober", "november", "desember"], 1)},
    **{m: i for i, m in enumerate(["ocak", "şubat", "mart", "nisan", "mayıs", "haziran", "temmuz", "ağustos",
                                   "eylül", "ekim", "kasım", "aralık"], 1)},
    # Portuguese, Italian, Dutch; Russian and Polish in the genitive, as a date writes them
    **{m: i for i, m in enumerate(["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
                                   "setembro", "outubro", "novembro", "dezembro"], 1)},
    **{m: i for i, m in enumerate(["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
                                   "settembre", "ottobre", "novembre", "dicembre"], 1)},
    **{m: i for i, m in enumerate(["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
                                   "september", "oktober", "november", "december"], 1)},
    **{m: i for i, m in enumerate(["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
                                   "сентября", "октября", "ноября", "декабря"], 1)},
    **{m: i for i, m in enumerate(["stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia",
                                   "września", "października", "listopada", "grudnia"], 1)},
    # abbreviations of the other languages ("févr.", "Okt.", "dic", "out")
    **{m: i for i, m in enumerate(["janv", "févr", "mars", "avr", "mai", "juin", "juil", "août", "sept", "oct",
                                   "nov", "déc"], 1)},
    **{m: i for i, m in enumerate(["jan", "feb", "mär", "apr", "mai", "jun", "jul", "aug", "sep", "okt", "nov",
                                   "dez"], 1)},
    **{m: i for i, m in enumerate(["ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
                                   "dic"], 1)},
    **{m: i for i, m in enumerate(["jan", "fev", "mar", "abr", "mai", "jun", "jul", "ago", "set", "out", "nov",
                                   "dez"], 1)},
}
MONTH_NAMES = "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True))
_MONTH = f"(?P<month>{MONTH_NAMES})" + r"\.?"
_WEEKDAY = (r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun|"
            r"montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miércoles|jueves|viernes|"
            r"sábado|domingo|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|senin|selasa|rabu|kamis|jumat|"
            r"sabtu|minggu|pazartesi|salı|çarşamba|perşembe|cuma|cumartesi|pazar|lunedì|martedì|mercoledì|giovedì|"
            r"venerdì|sabato|domenica|segunda-feira|terça-feira|quarta-feira|quinta-feira|sexta-feira|maandag|"
            r"dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|понедельник|вторник|среда|четверг|пятница|суббота|"
            r"воскресенье)\.?,?\s+)?")
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|\.)?"
# a time after the date: 10:24 am, 14.32, "à 14 h 32 min"
_TIME = (r"(?:,?\s*(?:[-–—|·@]\s*)?(?:at|um|a las|à|às|alle|om|в|pukul|saat)?\s*"
         r"(?:\d{1,2}[:.]\d\d(?:[:.]\d\d)?|\d{1,2}\s?h\s?\d\d(?:\s?min)?)"
         r"\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?")
_YEAR_WORD = r"(?:\s*(?:г\.?|года|r\.?|roku))?"  # Russian "2 марта 2020 г.", Polish "2 marca 2020 r."
_MONTH_DAY = rf"{_MONTH}\s+"  # the month before the day: "March 30, 2008"


def _opening_with_names(lead: str, core: str, tail: str, runs: int, flags: int = 0) -> re.Pattern[str]:
    """The pattern `lead` + `core` + `tail`, where `lead` is made of names (a weekday, a month) and
    at most `runs` runs of whitespace, and `core` starts with the day's digits; find_date searches
    it from its core (see _SEARCHED_FROM_CORE)."""
    pattern = re.compile(lead + core + tail, flags)
    _SEARCHED_FROM_CORE[pattern] = (re.compile(core, flags), runs)
    return pattern


_SEARCHED_FROM_CORE: dict[re.Pattern[str], tuple[re.Pattern[str], int]] = {}
DATE_PATTERNS = [
    re.compile(rf"{_YEAR}-(?P<month>[01]?\d)-(?P<day>[0-3]?\d)(?:[T ]\d\d:\d\d(?::\d\d)?\S*)?"),
    # 18.11.2021 (day first)
    _opening_with_names(rf"(?i:{_WEEKDAY})", rf"(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.{_YEAR}", _TIME, 1),
    # 18/11/2021 or 18-11-2021: day first as in most of the world; 07/20/2012 can only be month first
    # ("Mon, 03/02/2020 - 10:00": Drupal's default)
    _opening_with_names(rf"(?i:{_WEEKDAY})", rf"(?P<day>[0-3]?\d)(?P<sep>[/-])(?P<month>[0-3]?\d)(?P=sep){_YEAR}",
                        _TIME, 1),
    # Monday, March 30, 2008
    _opening_with_names(_WEEKDAY + _MONTH_DAY, rf"{_DAY},?\s+{_YEAR}", _TIME, 2, re.IGNORECASE),
    # 30 March 2008, 30 March, 2008, 2 de março de 2020, 2 марта 2020 г.
    _opening_with_names(_WEEKDAY, rf"{_DAY}\s+(?:de\s+)?{_MONTH},?\s+(?:de\s+)?{_YEAR}", _YEAR_WORD + _TIME, 1,
                        re.IGNORECASE),
    # 10-Dec-2006, Sunday, 20-Jun-2004 06:14:06 (listings, press releases, server pages)
    _opening_with_names(_WEEKDAY, rf"(?P<day>[0-3]?\d)-{_MONTH}-{_YEAR}", _TIME, 1, re.IGNORECASE),
    # East Asian: 2020年3月2日, 2020년 3월 2일
    re.compile(rf"{_YEAR}\s*[年년]\s*(?P<month>[01]?\d)\s*[月월]\s*(?P<day>[0-3]?\d)\s*[日일]{_TIME}"),
    # year first with slashes or dots: 2020/03/02 (Japanese and Chinese sites), 2020.03.02 (Korean)
    re.compile(rf"{_YEAR}(?P<sep>[/.])(?P<month>[01]?\d)(?P=sep)(?P<day>[0-3]?\d){_TIME}"),
]


def _to_iso(match: re.Match[str]) -> str | None:
    month = match.group("month")
    month_no = int(month) if month.isdigit() else _MONTHS.get(month.lower().rstrip("."))
    day = int(match.group("day"))
    if month.isdigit() and month_no > 12 >= day:
        month_no, day = day, month_no  # US order, the only valid reading
    try:
        return date(int(match.group("year")), month_no or 0, day).isoformat()
    except ValueError:
        return None


def parse_date(text: str) -> str | None:
    """The ISO date when `text` is (essentially) only a date, else None."""
    text = text.strip(" ,.|-–—:")
    if not _A_YEAR.search(text):  # no pattern matches without a year (see _A_YEAR): most lines have none
        return None
    for pattern in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            return _to_iso(match)
    return None


# Every pattern above holds _YEAR outside any optional part (tests: test_every_date_pattern_needs_a_year),
# so each of its matches holds a match of _YEAR: a text without one holds no date. Most texts asked
# about have none: parse_date on comment lines 10 -> 0.5 us, find_date on pages.
_A_YEAR = re.compile(_YEAR)
assert all(_YEAR in pattern.pattern for pattern in DATE_PATTERNS)


def find_date(text: str) -> tuple[str, tuple[int, int]] | None:
    """The first date written anywhere in `text`, with its span."""
    if not _A_YEAR.search(text):
        return None
    best = None
    for pattern, core, runs in _SEARCHES:
        start = _search_start(core, runs, text) if core else 0
        match = pattern.search(text, start) if start is not None else None
        iso = _to_iso(match) if match else None
        if iso and (best is None or match.start() < best[1][0]):
            best = (iso, match.span())
    return best


# The names a pattern opens with (weekdays, months) are tried at every character of the text: most
# of find_date's time (comments of corpus pages: 2.6 ms → 0.25 ms a page). Its core (from the day's
# digits on) is quick to search; a text without it holds no match, and a match starts no earlier
# than `runs` runs of whitespace before the first core, its lead being names and whitespace. No
# pattern looks behind its start (lookbehind, \b, ^): searched from there, it finds the same match.
_BACK_OVER_RUNS = {runs: re.compile(rf"\S*(?:\s+\S+){{0,{runs}}}") for runs in (1, 2)}
# (pattern, core or None, runs) in the patterns' order. A list, not lookups in _SEARCHED_FROM_CORE:
# hashing a compiled pattern hashes its whole code (10 µs for the names of months and weekdays).
_SEARCHES = [(pattern, *_SEARCHED_FROM_CORE.get(pattern, (None, 0))) for pattern in DATE_PATTERNS]


def _search_start(core: re.Pattern[str], runs: int, text: str) -> int | None:
    """Where the first match of the pattern with this `core` can start in `text` at the earliest;
    None: it has none."""
    found = core.search(text)
    if found is None:
        return None
    before = text[found.start() - 1::-1] if found.start() else ""  # read backwards from the core
    return found.start() - _BACK_OVER_RUNS[runs].match(before).end()


_AROUND_YEAR = 40  # characters on each side of a year that a date written with it can take


def states_date(text: str, iso: str) -> bool:
    """Whether `text` writes the date `iso` (YYYY-MM-DD) in one of the forms above: the patterns
    run only around each place the year is written, not over a whole page."""
    year, start = iso[:4], text.find(iso[:4])
    while start != -1:
        window = text[max(0, start - _AROUND_YEAR):start + 4 + _AROUND_YEAR]
        if any(_to_iso(match) == iso for pattern in _patterns_in(window) for match in pattern.finditer(window)):
            return True
        start = text.find(year, start + 4)
    return False


def _patterns_in(window: str) -> list[re.Pattern[str]]:
    """The patterns that may match in `window`: one that opens with names (tried at every character)
    is left out when its core, which each of its matches holds, is not there. A page's year is
    written dozens of times, most of them in no date (corpus pages: 0.34 -> 0.09 ms a page in profile)."""
    return [pattern for pattern, core, _ in _SEARCHES if core is None or core.search(window)]
