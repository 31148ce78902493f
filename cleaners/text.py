"""Plain-text pages: title, byline and dateline lines at the top become metadata; the rest is body."""
from __future__ import annotations

import re

from .boilerplate import chrome_reason
from .dates import find_date
from .document import Draft
from .normalize import collapse_spaces, comparable, fix_text
from .settings import TextSettings

STEP = "text"

_BYLINE = re.compile(
    r"(?:by|written by|posted by|words by|von|por|par|oleh|yazan|author|autor|auteur|penulis|yazar|tác giả)"
    r"\s*:?\s+(?P<name>[^|•·]{2,80}?)\s*(?:[|•·,]\s*(?P<rest>.*))?",
    re.IGNORECASE,
)
_DATE_LABEL = re.compile(
    r"(?:published on|published|posted on|posted|updated on|updated|last modified|date|on|veröffentlicht am|"
    r"veröffentlicht|aktualisiert am|aktualisiert|am|publicado el|publicado|actualizado|publié le|publié|"
    r"mis à jour le|diterbitkan|diperbarui|yayınlanma|güncellendi)"
    r"(?: tarihi)?\s*:?",
    re.IGNORECASE,
)
_FOOTER_START = re.compile(r"(?:posted|written|published|submitted) (?:by|on)\b", re.IGNORECASE)
_UPDATED = re.compile(r"\b(?:(?:last )?updated|last modified|aktualisiert|actualizado|mis à jour|diperbarui|güncellendi)\b", re.I)
_DANGLING = re.compile(r"\s+(?:at|on|am|um|el|le|em|pada|,|\||-)$", re.IGNORECASE)
# What a byline may carry beside the name and the date: a reading time, a time of day, a category
_READ_TIME = re.compile(r"\s*[|•·,–—-]?\s*\d+\s*(?:min(?:ute)?s?\.?)\s*(?:read|de lecture|de lectura|lesezeit)?\s*$",
                        re.IGNORECASE)
_TIME_OF_DAY = re.compile(r"\s+(?:at|um|à|a las|alle|om|pukul)\s+\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*$", re.IGNORECASE)
_IN_CATEGORY = re.compile(r"\s+in\s+[A-Z][\w&' -]{0,40}$")  # "by Jane Doe in News"
_ROLE = re.compile(r"[A-Z][^\d.!?;:,]{1,40}")  # "Staff Writer", "Associated Press", "Reuters" after the name
# Particles that may stand lowercase inside a name ("Abu Alaa al-Wala'i", "Ludwig van Beethoven").
_NAME_PARTICLES = {"al", "el", "bin", "ibn", "de", "da", "di", "del", "der", "van", "von", "la", "le", "du", "and", "&"}


def page_lines(content: str) -> list[str]:
    """The page's lines after Unicode repair; indentation is kept for the comment splitter."""
    return [line.rstrip() for line in fix_text(content).split("\n")]


def _looks_like_name(name: str) -> bool:
    words = name.split()
    if not 1 <= len(words) <= 8 or name[-1] in ".!?;:":
        return False
    capitalised = [w for w in words if w[0].isupper() or w[0].isdigit()]
    lower_ok = all(w[0].isupper() or w[0].isdigit() or w.lower().split("-")[0] in _NAME_PARTICLES for w in words)
    return words[0][0].isupper() and lower_ok and len(capitalised) * 2 >= len(words)


def _is_role(text: str) -> bool:
    """A writer's role or agency after the name, in title case: 'Staff Writer', 'Associated Press'."""
    words = text.split()
    return bool(_ROLE.fullmatch(text)) and len(words) <= 4 and all(w[0].isupper() or w in ("of", "for", "at") for w in words)


def parse_byline(line: str) -> tuple[str | None, str | None] | None:
    """(author, ISO date) from a byline/dateline such as 'By Jane Doe', '18.11.2021 Author: Viktor Mikhin',
    'Posted on March 3, 2021 by admin'; None when the line says something else."""
    text = collapse_spaces(line)
    if not text or len(text) > 160:
        return None
    text = _READ_TIME.sub("", text)  # "| 4 min read" says nothing of author or date
    published = None
    found = find_date(text)
    if found:
        iso, (start, end) = found
        published = None if _UPDATED.search(text) else iso  # "last updated" is not the publication date
        text = collapse_spaces(text[:start] + " " + text[end:]).strip(" |,-–—·•")
        text = _DATE_LABEL.sub("", text, count=1).strip(" |,-–—·•") if _DATE_LABEL.match(text) else text
        text = text.strip(" |,-–—·•:")
        if not text or _UPDATED.fullmatch(text):
            return None, published
        text = _DANGLING.sub("", text)  # "Posted by NAME at" once the date is gone
    text = _TIME_OF_DAY.sub("", text).strip(" |,-–—·•")  # "Posted by NAME at 8:42 PM"
    match = _BYLINE.fullmatch(text)
    if not match:
        return None
    name = _UPDATED.split(match.group("name"))[0].strip()  # "By Jane Doe Updated March 3"
    name = _IN_CATEGORY.sub("", name) if not _looks_like_name(name) else name
    rest = match.group("rest")
    if rest and not (published is None and find_date(rest)):
        if rest.strip() and not _is_role(rest.strip()):
            return None
    if published is None and rest and (in_rest := find_date(rest)):
        published = in_rest[0]
    if _looks_like_name(name):
        return name, published
    # Beside a date, "by admin" is a user name, whatever its case.
    if found and re.fullmatch(r"[\w.\-]{2,30}", name):
        return name, published
    return None


def _title_like(line: str, next_line: str | None, settings: TextSettings) -> bool:
    words = line.split()
    if not words or len(words) > settings.title_max_words or len(line) > 200:
        return False
    if line[-1] in ":,;" or line.startswith(("“", '"', "'", "(", "-", "*", "•")):
        return False
    # A short sentence can be a title ("Quds force mediated Iraqi Fighting.") when it stands alone.
    if line[-1] in ".!" and (len(words) > 12 or (next_line or "").strip()):
        return False
    return next_line is not None  # a page's only line is its text, not a title


class ExtractTextHead:
    """Title, author and date from the first lines of a text page."""

    name = STEP

    def __init__(self, settings: TextSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft:
        lines, seen, drop = draft.lines, 0, set()
        given_title = comparable(draft.title) if draft.title else None
        for i, raw in enumerate(lines):
            line = collapse_spaces(raw)
            if not line:
                continue
            seen += 1
            if seen > self.settings.head_lines:
                break
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            byline = parse_byline(line)
            if byline is not None:
                draft.author = draft.author or byline[0]
                draft.published = draft.published or byline[1]
                draft.remove(STEP, "metadata:byline" if byline[0] else "metadata:dateline", line)
                drop.add(i)
            elif given_title is not None and comparable(line) == given_title:
                draft.remove(STEP, "metadata:title", line)
                drop.add(i)
            elif draft.title is None and _title_like(line, nxt, self.settings):
                draft.title = line
                draft.remove(STEP, "metadata:title", line)
                drop.add(i)
            elif chrome_reason(line):
                continue  # a cookie banner or a menu above the title: the boilerplate step removes it
            else:
                break  # the body has begun
        drop |= self._footer_bylines(draft)
        draft.lines = [line for i, line in enumerate(lines) if i not in drop]
        return draft

    def _footer_bylines(self, draft: Draft) -> set[int]:
        """'Posted by NAME at DATE' closing a post (Blogger, Movable Type) is metadata too."""
        drop: set[int] = set()
        tail = [i for i, raw in enumerate(draft.lines) if raw.strip()][-2:]
        for i in reversed(tail):
            line = collapse_spaces(draft.lines[i])
            byline = parse_byline(line)
            if not byline or not byline[0] or not _FOOTER_START.match(line):
                break
            draft.author = draft.author or byline[0]
            draft.published = draft.published or byline[1]
            draft.remove(STEP, "metadata:byline", line)
            drop.add(i)
        return drop


def finish_body(draft: Draft) -> Draft:
    """One paragraph per line, whitespace collapsed, no blank lines."""
    draft.lines = [p for p in (collapse_spaces(line) for line in draft.lines) if p]
    return draft
