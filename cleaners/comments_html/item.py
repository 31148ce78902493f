"""One comment: an item's text without its chrome, pingbacks and deleted comments, the printed
header; then every item of a thread read in document order, with the comment each one answers."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..boilerplate import chrome_reason
from ..comments import comment_id
from ..document import Comment, Removal
from ..normalize import collapse_spaces, comparable
from .bylines import _any_date
from .chrome import _COMMENT_CHROME, STEP, _button_row, _says_line, chrome_line_reason
from .guards import _outermost
from .headers import _read_head
from .markup import _PINGBACK_CLASS
from .render import _has_words, render_lines
from .thread import _parent_item, _Thread

_PINGBACK_TEXT = re.compile(r"(pingback|trackback)\s*:", re.IGNORECASE)
_DELETED = re.compile(
    r"this (?:comment|post) (?:has been|was) (?:removed|deleted)(?: by (?:the author|a blog administrator|"
    r"the moderator))?\.?|dieser kommentar wurde (?:vom autor |von einem blog-administrator )?entfernt\.?",
    re.IGNORECASE,
)


def _drop_subject(subject: str | None, lines: list[str]) -> list[str]:
    """Drupal's subject defaults to the first words of the body: keep it only when it is not."""
    if not subject:
        return lines
    head = comparable(subject.rstrip(" .…"))
    if head and comparable(" ".join(lines)).startswith(head):
        return lines
    return [subject, *lines]


@dataclass
class _Read:
    """What one item gave: a comment, or a reason it is not one."""

    comment: Comment | None
    removals: list[Removal]


def _chrome_removals(elements: list, skip: Callable) -> list[Removal]:
    """Removals for chrome elements met inside a comment's text (Reply links, Like buttons)."""
    out = []
    for el in elements:
        for line in render_lines(el, skip):
            if _has_words(line):
                out.append(Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_action", line))
    return out


def _read_subject(thread: _Thread, item) -> str | None:
    node = thread.first_owned((thread.profile.subject,), item) if thread.profile.subject else None
    if node is None:
        return None
    thread.consumed.add(node)
    return " ".join(render_lines(node))


def _text_nodes(thread: _Thread, item) -> list:
    """The elements holding the comment's text: those of the first text path that has any."""
    for path in thread.profile.text:
        nodes = [n for n in thread.found(path, item) if thread.owned(n, item) and n not in thread.consumed]
        if nodes:
            return _outermost(nodes)
    return []


# a vote or recommendation count alone on its line (news sites, Reddit-like and wpDiscuz threads)
_COUNTER = re.compile(r"[+−-]?\d{1,6}(?:\s*(?:points?|votes?|likes?|recommendations?))?")


def _counter(line: str) -> str | None:
    return "chrome:comment_action" if _COUNTER.fullmatch(line.strip()) else None


def _split_chrome(lines: list[str]) -> tuple[list[str], list[Removal]]:
    """Drop whole-line comment chrome from a comment's own lines. Only the shared chrome patterns
    apply here: a reader may well write a line that the section-level patterns would take."""
    kept, removals = [], []
    for line in lines:
        if not _has_words(line):
            continue  # a separator left between links: '|', '·', '—'
        reason = chrome_reason(line) or _button_row(line) or _says_line(line) or _counter(line)
        if reason in _COMMENT_CHROME:
            removals.append(Removal.of(STEP, reason, line))
        else:
            kept.append(line)
    return kept, removals


def _read_text(thread: _Thread, item) -> tuple[list[str], list[Removal]]:
    """The comment's paragraphs, without chrome; chrome met on the way becomes removals."""
    subject = _read_subject(thread, item)
    nodes = _text_nodes(thread, item)
    skip, skipped, lines = thread.skip(item), [], []
    for node in nodes:
        lines += render_lines(node, skip, skipped)
    thread.consumed.update(nodes)
    chrome = [el for el in skipped if el in thread.chrome and el not in thread.consumed]
    removals = _chrome_removals(chrome, lambda e: e in thread.consumed or e in thread.hidden)
    kept, dropped = _split_chrome(lines)
    return _drop_subject(subject, kept), removals + dropped


def _pingback(thread: _Thread, item) -> Removal | None:
    """Pingbacks and trackbacks are links from other sites, not reader comments."""
    text = " ".join(render_lines(item, lambda e: e in thread.item_set and e is not item))
    match = _PINGBACK_TEXT.match(text)
    if match:
        return Removal.of(STEP, f"comment:{match.group(1).lower()}", text)
    if _PINGBACK_CLASS(item):
        kind = "trackback" if "trackback" in (item.get("class") or "") else "pingback"
        return Removal.of(STEP, f"comment:{kind}", text)
    return None


def _read_item(thread: _Thread, item) -> _Read:
    ping = _pingback(thread, item)
    if ping:
        thread.consumed.add(item)
        return _Read(None, [ping])
    before = {n for n in item.iter() if n in thread.consumed}  # bounded by the item, not the thread
    author, published = _read_head(thread, item)
    byline = _printed_header(thread, item, before)
    lines, removals = _read_text(thread, item)
    text = "\n".join(lines)
    if _DELETED.fullmatch(text):
        return _Read(None, [*removals, Removal.of(STEP, "comment:deleted", text)])
    if not text:
        return _Read(None, [*removals, Removal.of(STEP, "comment:empty", author or "")])
    comment = Comment(author=author, text=text, published=published, byline=_without_text(byline, lines))
    comment.id = comment_id(author, text)
    return _Read(comment, removals)


def _printed_header(thread: _Thread, item, before: set) -> str | None:
    """The text of the nodes the author and date were read from, in page order."""
    nodes = [n for n in item.iter() if n in thread.consumed and n not in before and thread.owned(n, item)]
    inside = set(nodes)
    nodes = [n for n in nodes if not any(a in inside for a in n.iterancestors())]
    parts = []
    for node in nodes:
        parts.append(" ".join(render_lines(node)))
        if _any_date(parts[-1]):
            break  # one header, one date: later dates belong to other comments
    return collapse_spaces(" ".join(parts))[:200] or None


def _without_text(byline: str | None, lines: list[str]) -> str | None:
    """The header without the comment's own words, where a header node also held them."""
    for line in lines:
        line = collapse_spaces(line)
        if byline and len(line) >= 12 and line[:40] in byline:
            byline = collapse_spaces(byline[: byline.index(line[:40])])
    return byline or None


def _read_thread(thread: _Thread) -> list[Comment]:
    """Comments in document order with parents; a reply to a dropped item answers its parent."""
    kept: dict = {}
    parent_of: dict = {}
    comments = []
    for item in thread.items:
        parent_of[item] = _parent_item(item, thread.item_set, thread.container)
        read = _read_item(thread, item)
        thread.removals += read.removals
        if read.comment is None:
            continue
        parent = parent_of[item]
        while parent is not None and parent not in kept:
            parent = parent_of.get(parent)
        read.comment.parent = kept[parent].id if parent is not None else None
        kept[item] = read.comment
        comments.append(read.comment)
    return comments
