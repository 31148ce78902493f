"""An item's author and date: the profile's paths, a Typepad footer, a byline element or the item's
loose text, a heading or opening bold name; the nodes they come from are marked consumed."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from ..dates import find_date, parse_date
from .bylines import (
    _BY_LEAD, _NUMBERING, _any_date, _author_after, _byline_author, _clean_author, _date_in, _dateish, _iso_attr,
    _namelike, _read_byline,
)
from .markup import _xp
from .render import render_lines
from .thread import _Thread

_BYLINE_MAX = 160
_DIGIT = re.compile(r"\d")
_AFTER_NAME = re.compile(r"$|\s*(?:[|:,·•(–—-]|https?:|says|said|wrote|sagt|schrieb)", re.IGNORECASE)
_NAME_NODES = _xp(".//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::b or self::strong]")
_POSTED_BY = re.compile(r"posted by:?\s*(?P<author>.{1,80}?)\s*(?:\||$)\s*(?P<date>.*)", re.IGNORECASE | re.DOTALL)


def _short(node) -> bool:
    """A date or byline element, not a wrapper that merely has 'date' or 'time' in its class."""
    return len(" ".join(render_lines(node))) <= 100


def _authorish(node) -> bool:
    text = _clean_author(" ".join(render_lines(node)))
    return bool(text) and len(text) <= 80 and len(text.split()) <= 8


def _machine_date(node) -> str | None:
    """A date the markup states for machines: time[datetime], RDF @content, Drupal's timestamp."""
    for el in node.iter():
        if not isinstance(el.tag, str):
            continue
        iso = _iso_attr(el.get("datetime")) or _iso_attr(el.get("content"))
        if iso:
            return iso
        stamp = el.get("data-comment-timestamp")
        if stamp and stamp.isdigit():
            return datetime.fromtimestamp(int(stamp), timezone.utc).isoformat()
    return None


def _visible_date(node) -> str | None:
    return _date_in(" ".join(render_lines(node)))


def _published(nodes: list) -> str | None:
    for node in nodes:
        iso = _machine_date(node)
        if iso:
            return iso
    for node in nodes:
        iso = _visible_date(node)
        if iso:
            return iso
    for node in nodes:  # "2 days ago" shown, the date in a tooltip (wpDiscuz, Disqus, Commento)
        iso = _title_date(node)
        if iso:
            return iso
    return None


def _title_date(node) -> str | None:
    """A date that an element's title attribute holds and nothing else (a tooltip)."""
    for el in node.iter():
        title = el.get("title") if isinstance(el.tag, str) else None
        if title and (iso := parse_date(title)):
            return iso
    return None


def _read_footer(thread: _Thread, item) -> tuple[str | None, str | None]:
    """Typepad: author and date from the 'Posted by: NAME | DATE' line under the text."""
    footer = thread.first_owned((thread.profile.footer,), item)
    if footer is None:
        return None, None
    thread.consumed.add(footer)
    match = _POSTED_BY.match(" ".join(render_lines(footer)))
    if not match:
        return None, _published([footer])
    return _clean_author(match.group("author")), _date_in(match.group("date"))


def _read_author(thread: _Thread, item) -> tuple[str | None, str | None]:
    """The author, and the date when it shares a header with the name (h4 > a.url + span)."""
    node = thread.first_owned(thread.profile.author, item, _authorish)
    if node is None:
        return None, None
    thread.consumed.add(node)
    author = _clean_author(" ".join(render_lines(node, lambda e: e in thread.chrome and e is not node)))
    header = _header_of(thread, item, node)
    if header is node:
        return author, None
    thread.consumed.add(header)
    return author, _published([header])


def _header_of(thread: _Thread, item, node):
    """The author's element grown to the header around it, as long as all else there is a date."""
    best = node
    for parent in node.iterancestors():
        if parent is item or parent in thread.item_set or parent in thread.consumed:
            break
        rest = " ".join(render_lines(parent, lambda e: e is best))
        if len(rest) > 80 or (rest and not _dateish(rest)):
            break
        best = parent
    return best


def _read_date(thread: _Thread, item) -> tuple[str | None, list]:
    dates = [n for n in thread.all_owned(thread.profile.date, item) if _short(n)]
    thread.consumed.update(dates)
    return _published(dates), dates


def _author_in_dates(nodes: list) -> str | None:
    """The name a date line states before its date: 'by NAME on DATE'."""
    for node in nodes:
        text = " ".join(render_lines(node))
        found = find_date(text)
        author = _byline_author(text, found[1][0]) or _author_after(text[found[1][0]:]) if found else None
        if author:
            return author
    return None


def _byline_candidate(thread: _Thread, el, text: str) -> bool:
    """Short, and no classless paragraph: that is the reader's own, unless it opens 'Posted by'."""
    if el in thread.consumed or len(text) > _BYLINE_MAX or not _DIGIT.search(text):
        return False
    return el.tag not in ("p", "blockquote", "pre", "li") or bool(el.get("class")) or _BY_LEAD.match(text).end() > 0


def _own_elements(thread: _Thread, item):
    """The elements inside `item` that are its own, not those of the replies nested in it."""
    stack = list(reversed(item))
    while stack:
        el = stack.pop()
        if isinstance(el.tag, str) and el not in thread.item_set:
            yield el
            stack.extend(reversed(el))


def _byline(thread: _Thread, item) -> tuple[object, str | None, str | None] | None:
    """The short element of `item` that states its date, with at most a name before it and a few
    action links after it: 'by NAME on DATE Reply', 'Posted on DATE'; else the item's own loose
    text when it is such a line ('NAME on DATE' straight in the li). (node or None, author, date)."""
    for el in _own_elements(thread, item):
        written = el.text_content()  # what it shows is less: no digit there, no byline (most elements)
        if len(written) > 2 * _BYLINE_MAX or el in thread.consumed or not _DIGIT.search(written):
            continue
        text = " ".join(render_lines(el))
        found = _any_date(text) if _byline_candidate(thread, el, text) else None
        if found is None or el in thread.text_nodes():
            continue  # the comment's own text is no byline, however short and dated
        byline = _read_byline(text, found)
        if byline:
            return el, *byline
    loose = " ".join(render_lines(item, lambda e: e is not item))
    found = _any_date(loose) if len(loose) <= _BYLINE_MAX else None
    byline = _read_byline(loose, found) if found else None
    return (None, *byline) if byline else None


def _name_nodes(thread: _Thread, item) -> list:
    """Where a name may stand when nothing marks it: a heading of the item, or the bold text it
    opens with."""
    lines = render_lines(item, thread.skip(item))
    first = lines[0] if lines else ""
    return [node for node in _NAME_NODES(item) if node.tag not in ("b", "strong") or _opens(first, node)]


def _opens(line: str, node) -> bool:
    """`node` is all of `line`, or starts it followed by a separator, a link or 'said'."""
    text = " ".join(render_lines(node))
    return bool(text) and line.startswith(text) and bool(_AFTER_NAME.match(line[len(text):]))


def _heading_author(thread: _Thread, item) -> str | None:
    """Last resort: a short heading (or opening bold text) of the item, with the date left out."""
    for node in _name_nodes(thread, item):
        if node in thread.consumed or not thread.owned(node, item):
            continue
        skip = lambda e: e is not node and _dateish(" ".join(render_lines(e)))  # noqa: E731
        author = _clean_author(_NUMBERING.sub("", " ".join(render_lines(node, skip))))
        if author and _namelike(author):
            thread.consumed.add(node)
            return author
        return None
    return None


def _read_head(thread: _Thread, item) -> tuple[str | None, str | None]:
    """Author and date of `item`; the nodes they came from are marked consumed."""
    if thread.profile.footer is not None:
        return _read_footer(thread, item)
    author, published = _read_author(thread, item)
    dated, nodes = _read_date(thread, item)
    published = dated or published
    author = author or _author_in_dates(nodes)
    if author is None or published is None:
        byline = _byline(thread, item)
        if byline is not None:
            if byline[0] is not None:  # None: the item's loose text, no element to mark
                thread.consumed.add(byline[0])
            author, published = author or byline[1], published or byline[2]
    if author is None and thread.profile.subject is None:
        author = _heading_author(thread, item)
    return author, published
