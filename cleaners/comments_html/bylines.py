"""Author names and dates in the text of a comment's header: 'by NAME on DATE', 'NAME says:',
'Posted by: NAME | DATE', ISO attributes, numeric dates. Strings in, strings out: no tree."""
from __future__ import annotations

import re
from datetime import datetime

from ..comments import COMMENT_VERBS
from ..dates import find_date, parse_date
from ..normalize import collapse_spaces, ends_in_initial
from .render import _has_words

_AUTHOR_TAIL = re.compile(
    r"\s*(?:\((?:not verified|nicht überprüft|nicht verifiziert|no verificado|non vérifié|não verificado|"
    rf"non verificato|niet geverifieerd)\)|(?<!\w)(?:{COMMENT_VERBS})\s*(?::|\.\.\.|…)?)\s*$",
    re.IGNORECASE,
)
_BY_LEAD = re.compile(
    r"^(?:(?:posted|written|submitted|added|commented|comment|geschrieben|publié|posté|escrito)\b\s*)?"
    r"(?:(?:by|von|par|por|di|door)\b\s*:?\s*)?", re.IGNORECASE,
)
_BY_TAIL = re.compile(r"(?:(?:^|\s+)(?:on|at|am|um|le|el|em|op|in)|\s*[|,·•@:–—-])\s*$", re.IGNORECASE)
_BY_AFTER = re.compile(r"\b(?:by|von|par|por|di|door)\b\s*:?\s*(?P<author>[^|]{1,60})$", re.IGNORECASE)
_TIME_OR_MONTH = re.compile(
    r"\b\d{1,2}:\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE,
)
_NUMBERING = re.compile(r"^#?\d+[.):]?\s+")  # '12. NAME', the number of the comment
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b\d{4}-\d\d-\d\d\b")


def _clean_author(text: str) -> str | None:
    text = collapse_spaces(text)
    previous = None
    while previous != text:
        previous, text = text, _AUTHOR_TAIL.sub("", text).strip(" ,:-–—")
    return text or None


def _iso_attr(value: str | None) -> str | None:
    value = (value or "").strip()
    if not re.match(r"\d{4}-\d\d-\d\d", value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value[:10])
    if len(value) <= 10:
        return parsed.date().isoformat()
    return value if "T" in value else parsed.isoformat()


def _date_in(text: str) -> str | None:
    """The ISO date written in `text` ('March 30, 2008 at 9:14 am', '10. Februar 2019 um 18:05 Uhr')."""
    found = find_date(text)
    return parse_date(text) or (found[0] if found else None)


def _byline_author(text: str, start: int) -> str | None:
    """The name before the date in 'by NAME on DATE', 'Posted by: NAME at DATE', 'NAME | DATE'."""
    head = _BY_LEAD.sub("", _NUMBERING.sub("", text[:start].strip()), count=1)
    previous = None
    while previous != head:
        previous, head = head, _BY_TAIL.sub("", head).strip()
    author = _clean_author(head) if head else None
    return author if author and _namelike(author) else None


def _namelike(text: str) -> bool:
    """Short enough for a name: at most 60 characters and 6 words, no sentence end."""
    words = [w for w in text.split() if _has_words(w)]
    return len(text) <= 60 and 1 <= len(words) <= 6 and (text[-1] not in ".!?" or ends_in_initial(text))


def _author_after(rest: str) -> str | None:
    """The name after the date: 'posted on DATE by NAME' (`rest` starts at the date)."""
    match = _BY_AFTER.search(rest)
    author = _clean_author(match.group("author")) if match else None
    return author if author and _namelike(author) else None


def _read_byline(text: str, found: tuple) -> tuple[str | None, str | None] | None:
    """(author, date) when `text` around the date `found` reads as a byline, else None."""
    if len(text) - found[1][1] > 60:
        return None
    author = _byline_author(text, found[1][0]) or _author_after(text[found[1][0]:])
    if author or not _has_words(text[: found[1][0]]) or _BY_LEAD.match(text).end():
        return author, found[0]
    return None


def _any_date(text: str) -> tuple[str | None, tuple[int, int]] | None:
    """find_date, and numeric dates it leaves out (10/31/2012); the ISO date only when unambiguous."""
    found = find_date(text)
    if found:
        return found
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    parts = [int(n) for n in re.findall(r"\d+", match.group())]
    iso = None
    if len(str(parts[0])) < 4 and len(str(parts[2])) == 4 and (parts[0] > 12 or parts[1] > 12):
        day, month = (parts[0], parts[1]) if parts[0] > 12 else (parts[1], parts[0])
        iso = parse_date(f"{parts[2]:04d}-{month:02d}-{day:02d}")
    return iso, match.span()


def _dateish(text: str) -> bool:
    return bool(_any_date(text) or _TIME_OR_MONTH.search(text))
