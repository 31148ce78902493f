"""htmldate's page-wide date patterns, found without trying them at every character: the same matches.

When nothing else dates a page, htmldate's search_page runs nine patterns over the page's whole
serialized HTML (23 KB on average) with `pattern.findall`, most of them `\\D(<digits and
separators>)\\D`. A pattern that opens with `\\D` gives Python's re no first character to skip to,
so it is tried at each position of the string: 2 ms of a page that gets there.

Here each such pattern has a `core`, a regex that matches wherever the text after the pattern's
leading `\\D` could (a superset of what follows it) and opens with a digit class, which re skips to
in C. `DigitLedFindall.findall` visits only the core's positions and runs the pattern itself from
the character before each, resuming after each match as findall does: the same matches, in the
same order.

Then search_page's regex_parse looks for a date in words ("March 3, 2019", "3 de março 2019")
with LONG_TEXT_PATTERN, tried at each character too. Each of its matches ends in " <year>", and
its start lies a few characters before that or at the start of a run of letters there:
`YearLedSearch` runs the pattern from those starts only.

A pattern stands in only while its text is the one it was written for, and only while its caller
(plausible_year_filter, regex_parse) reads as it did (`use_fast_findall`, `use_year_led_search`).
tests/test_htmldate_speedups.py compares each with the pattern itself on corpus pages and on
random strings.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from .pinned import source_digest, text_digest


class DigitLedFindall:
    """`pattern.findall` for a pattern `\\D<rest>` (one group) whose `<rest>` always matches where
    `core` does: a match of the pattern at p has the core matching at p + 1."""

    __slots__ = ("pattern", "_core_at", "_match")

    def __init__(self, pattern: re.Pattern[str], core: str):
        if pattern.groups != 1:
            raise ValueError("findall returns group 1 only for a pattern with one group")
        self.pattern = pattern
        self._core_at = re.compile(core, pattern.flags).search
        self._match = pattern.match

    def findall(self, string: str) -> list[str]:
        found = []
        core_at, match = self._core_at, self._match
        candidate = core_at(string, 1)  # a match starting at 0 has its core at 1
        while candidate is not None:
            start = candidate.start() - 1
            matched = match(string, start)  # lookbehinds still see the text before `start`
            if matched is None:
                candidate = core_at(string, start + 2)
            else:
                found.append(matched[1])
                # findall goes on after the match (its trailing \D is consumed): the next match
                # starts at end or later, its core one character on
                candidate = core_at(string, matched.end() + 1)
        return found


# (name in htmldate.core, sha256 of the pattern's text and flags in the htmldate pinned in requirements.lock,
# first 16 digits) -> the core: what follows the leading \D of each match, loosened to open with
# a digit class ([0-3]?[0-9] read as [0-9][0-9]?, 19|20 as [12][09])
CORES: dict[tuple[str, str], str] = {
    ("THREE_LOOSE_PATTERN", "0f76705938694b27"): r"[0-9][0-9]{3}[/.-][0-9]{2}[/.-][0-9]{2}\D",
    ("SELECT_YMD_PATTERN", "49864254c0e99a3d"): r"[0-9][0-9]?[/.-][0-9][0-9]?[/.-][0-9]{4}\D",
    ("DATESTRINGS_PATTERN", "1e1c1ce1831e209f"): r"[12][09][0-9]{2}[01][0-9][0-3][0-9]\D",
    ("SLASHES_PATTERN", "d91dd05bae74e958"): r"[0-9][0-9]?[/.][0-9][0-9]?[/.][0-9]{2}\D",
    ("YYYYMM_PATTERN", "27dbe83be8f4b287"): r"[12][0-9]{3}[/.-][01][0-9]\D",
    ("MMYYYY_PATTERN", "3e0a4847b3323fe1"): r"[0-9][0-9]?[/.-][12][0-9]{3}\D",
    ("SIMPLE_PATTERN", "3bc918c52f8c3200"): r"[12][09][0-9]{2}\D",
}

# sha256 of htmldate.validators.plausible_year_filter's source, pinned version, first 16 digits:
# it must use its pattern for findall only
FILTER_DIGEST = "07fda71f441a756a"


def pattern_digest(pattern: re.Pattern[str]) -> str:
    return text_digest(f"{pattern.pattern} flags={pattern.flags}")


@lru_cache(maxsize=1)
def use_fast_findall() -> int:
    """Have htmldate's search_page find each pattern with a core through `DigitLedFindall`, while
    the pattern and plausible_year_filter read as they did. The number of patterns replaced."""
    import htmldate.core
    import htmldate.validators

    original = htmldate.validators.plausible_year_filter
    if htmldate.core.plausible_year_filter is not original or source_digest(original) != FILTER_DIGEST:
        return 0
    finders: dict[re.Pattern[str], DigitLedFindall] = {}
    for (name, digest), core in CORES.items():
        pattern = getattr(htmldate.core, name, None)
        if isinstance(pattern, re.Pattern) and pattern_digest(pattern) == digest:
            finders[pattern] = DigitLedFindall(pattern, core)
    if not finders:
        return 0

    def plausible_year_filter(htmlstring, *, pattern, **limits):
        # the original reads `pattern` for pattern.findall(htmlstring) only (FILTER_DIGEST)
        return original(htmlstring, pattern=finders.get(pattern, pattern), **limits)

    plausible_year_filter.__wrapped__ = original
    htmldate.core.plausible_year_filter = plausible_year_filter
    return len(finders)


# a letter as htmldate's month words read it: [^\W\d_] (Unicode, under re.I as LONG_TEXT_PATTERN)
_LETTER = re.compile(r"[^\W\d_]", re.I).match
# a year as LONG_TEXT_PATTERN ends with one, after its space
_SPACED_YEAR = re.compile(r" (?:199[0-9]|20[0-3][0-9])")


def _letter_run_start(string: str, last: int) -> int:
    """Where the run of letters ending at `last` starts."""
    start = last
    while start and _LETTER(string, start - 1):
        start -= 1
    return start


def long_text_starts(string: str) -> list[int]:
    r"""Every position a LONG_TEXT_PATTERN match can start at (and a few more), in order.

    Its two forms, each ending in a space and a year that starts at y:
      month first: <word> \s <day 1-2> (st|nd|rd|th)? ,? " " -> the whitespace at q in y-7..y-3,
        the word a whole run of letters (the lookbehind) ending at q - 1: it starts the match;
      day first: <day 1-2> (st|nd|rd|th|.)? " " (of )? <word> [,.]? " " -> the word, after a
        space, a whole run of letters ending at y-2 or y-3; the match starts 2 to 8 before it."""
    starts = set()
    for year in _SPACED_YEAR.finditer(string):
        y = year.start() + 1
        for q in range(max(1, y - 7), y - 2):
            if _LETTER(string, q - 1):
                starts.add(_letter_run_start(string, q - 1))
        for word_end in (y - 1, y - 2):
            if word_end >= 1 and _LETTER(string, word_end - 1):
                word_start = _letter_run_start(string, word_end - 1)
                starts.update(range(max(0, word_start - 8), word_start - 1))
    return sorted(starts)


class YearLedSearch:
    """`pattern.search(string, pos)` for LONG_TEXT_PATTERN, trying the pattern only where a match
    can start (`long_text_starts`). Short strings (the texts of elements) are searched as they are."""

    SHORT = 1_000

    def __init__(self, pattern: re.Pattern[str]):
        self.pattern = pattern
        self._match = pattern.match
        # regex_parse searches one string again after each match that is not a date
        self._last: tuple[str, list[int]] = ("", [])

    def search(self, string: str, pos: int = 0) -> re.Match[str] | None:
        if len(string) < self.SHORT:
            return self.pattern.search(string, pos)
        last, starts = self._last  # one read: another thread may replace it
        if last is not string:
            starts = long_text_starts(string)
            self._last = (string, starts)
        match = self._match
        for start in starts[bisect_left(starts, pos):]:
            found = match(string, start)  # its lookbehind sees the text before `start`
            if found is not None:
                return found
        return None


# sha256 (first 16 digits) of LONG_TEXT_PATTERN's text and flags and of regex_parse's source in the
# pinned htmldate: regex_parse must call only LONG_TEXT_PATTERN.search(string, pos)
LONG_TEXT_DIGEST = "8b3866729c129d09"
REGEX_PARSE_DIGEST = "9fd62fbd665071ea"


@lru_cache(maxsize=1)
def use_year_led_search() -> bool:
    """Put `YearLedSearch` in htmldate's LONG_TEXT_PATTERN while it and regex_parse read as they did."""
    import htmldate.extractors

    pattern = htmldate.extractors.LONG_TEXT_PATTERN
    if not isinstance(pattern, re.Pattern) or pattern_digest(pattern) != LONG_TEXT_DIGEST:
        return False
    if source_digest(htmldate.extractors.regex_parse) != REGEX_PARSE_DIGEST:
        return False
    htmldate.extractors.LONG_TEXT_PATTERN = YearLedSearch(pattern)
    return True
