"""Marked items: comments marked by class or id without a known platform, grouped with the siblings
they own (dt + dd, a repeated footer or header) and cut out of a parent that also holds other text."""
from __future__ import annotations

import re
from collections.abc import Callable

from .chrome import _comment_heading, _is_body_line, chrome_line_reason
from .guards import _holds_article, _overlaps, _Page, _without_article
from .markup import _FORMISH, _NOT_A_SECTION, _PINGBACK_CLASS, _article_parts, _mostly_links
from .profiles import MARKED
from .render import _has_words, render_lines
from .section import _read_items, _Section

# Themes without a known platform profile still mark each comment: class "comment", an id like
# comment-123 / li-comment-123 / c123. Such items repeat under one parent; a dt is read with the
# dd after it, an item with the short footer repeated after each one ("Posted by: NAME at DATE").

_ITEM_TAGS = ("li", "div", "dd", "dt", "article", "section", "table", "ul", "tr")
_ITEM_ID = re.compile(r"(?:^|[-_])(?:comment|reply)[-_]?(?:item[-_]?)?\d+$|^(?:c|com|cmt)[-_]?\d{3,}$", re.I)
_ITEM_CLASS = re.compile(r"comment(?:[-_]?(?:item|entry|single|node|body))?", re.I)
_GROUP = "data-comment-group"  # the div made to hold one item with the siblings that belong to it
_NO_SATELLITE = {"h1", "h2", "h3", "h4", "h5", "h6", "form", "script", "style", "ol", "ul", "dl", "table"}


def _is_marked(el) -> bool:
    if not isinstance(el.tag, str) or el.tag not in _ITEM_TAGS:
        return False
    if el.get(_GROUP) is not None or _ITEM_ID.search(el.get("id") or ""):
        return True
    classes = el.get("class")  # most classes name no comment: one search, not a match per token
    return bool(classes) and _ITEM_CLASS.search(classes) is not None and \
        any(_ITEM_CLASS.fullmatch(token) for token in classes.split())


def _key(el) -> tuple:
    """What the items of one thread share: their tag with the id pattern or the marking classes."""
    if el.get(_GROUP) is not None:
        return ("group",)
    ident = el.get("id") or ""
    if _ITEM_ID.search(ident):
        return (el.tag, re.sub(r"\d+", "N", ident))
    return (el.tag, tuple(sorted(t for t in (el.get("class") or "").split() if _ITEM_CLASS.fullmatch(t))))


def _thread_parents(tree) -> list:
    """The outermost elements holding two marked items (one in a section named comments)."""
    counts: dict = {}
    for el in tree.iter(*_ITEM_TAGS):
        if _is_marked(el):
            counts[el.getparent()] = counts.get(el.getparent(), 0) + 1
    parents = [p for p, n in counts.items() if p is not None and (n >= 2 or _named(p))]
    chosen = set(parents)
    return [p for p in parents if not any(a in chosen for a in p.iterancestors())]


def _named(el) -> bool:
    """The element's id or class names a list of comments (comments, commentlist, comments_list)."""
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(re.search("comment", names, re.I)) and not _NOT_A_SECTION.search(names)


def _sibling_sig(el) -> tuple:
    classes = (el.get("class") or "").split()
    return el.tag, tuple(sorted(t for t in classes if not re.search(r"\d|^(?:odd|even|alt)$", t)))


def _satellite(el, is_item: Callable) -> bool:
    if not isinstance(el.tag, str) or el.tag in _NO_SATELLITE or is_item(el) or _FORMISH(el):
        return False
    text = " ".join(render_lines(el))
    return _has_words(text) and len(text) <= 300


def _attached(kids: list, is_item: Callable) -> tuple[tuple | None, str]:
    """The signature of the short sibling repeated after each item (a footer) or before it (a
    header), and which of the two."""
    first = next(i for i, kid in enumerate(kids) if is_item(kid))
    items = sum(1 for kid in kids if is_item(kid))
    for direction, j in (("after", first + 1), ("before", first - 1)):
        if 0 <= j < len(kids) and _satellite(kids[j], is_item):
            sig = _sibling_sig(kids[j])
            same = sum(1 for kid in kids if _sibling_sig(kid) == sig and _satellite(kid, is_item))
            if same >= max(2, items // 2):
                return sig, direction
    return None, ""


def _item_groups(kids: list, is_item: Callable = _is_marked) -> list[list]:
    """The children of one parent that make up each item: [dt, dd], [item, footer], [header, item]."""
    sig, direction = _attached(kids, is_item)
    groups: list[list] = []
    current: list | None = None
    pending: list = []
    for kid in kids:
        attached = sig is not None and _sibling_sig(kid) == sig and _satellite(kid, is_item)
        if kid.tag == "dd" and current and current[0].tag == "dt":
            current.append(kid)
        elif is_item(kid):
            current, pending = [*pending, kid], []
            groups.append(current)
        elif attached and direction == "after" and current is not None:
            current.append(kid)
        elif attached and direction == "before":
            pending.append(kid)
        else:
            current, pending = None, []
    return groups


def _wrap(elements: list, **attrs: str):
    """A new div in place of `elements`, holding them (with their tails)."""
    box = elements[0].makeelement("div", attrs)
    elements[0].addprevious(box)
    for el in elements:
        box.append(el)
    return box


def _group_items(parent) -> None:
    """Join each marked item of `parent` and of the lists inside it with the siblings it owns."""
    for el in list(parent.iter()):
        kids = [kid for kid in el if isinstance(kid.tag, str)]
        if not any(_is_marked(kid) for kid in kids):
            continue
        _joined(_item_groups(kids))


def _items_apart(parent) -> bool:
    """No marked child of `parent` holds a part of the article: the items can be cut out of it."""
    holders = {a for m in _article_parts(parent) for a in (m, *m.iterancestors())}
    return not any(kid in holders for kid in parent if _is_marked(kid))


def _marked_thread(parent, page: _Page) -> tuple[object, list] | None:
    """(container, items) of the thread whose items are the marked children of `parent` and the
    replies nested in them; the container is `parent` or a new div around the run of items."""
    groups = _item_groups([kid for kid in parent if isinstance(kid.tag, str)])
    if not _reader_items(groups) or not any(_is_body_line(line) for group in groups for el in group
                                            for line in render_lines(el)):
        return None  # checked before the tree is changed
    page.settle()
    _group_items(parent)
    tops = [kid for kid in parent if _is_marked(kid)]
    keys = {_key(kid) for kid in tops}
    items = [el for el in parent.iterdescendants(*_ITEM_TAGS) if _is_marked(el) and _key(el) in keys]
    return _thread_box(parent, tops), _without_article(items, parent)


def _reader_items(groups: list[list]) -> bool:
    """Marked items (each with the siblings it owns) that read as comments: no comment form among
    them, and mostly not links (articles classed for the newspaper's Comment section are no thread)."""
    if any(el.find(".//textarea") is not None for group in groups for el in group):
        return False  # a box holding the comment form (small forms for votes and flags may be in items)
    readers = [group for group in groups if not _PINGBACK_CLASS(group[0])]
    return not readers or 2 * sum(1 for group in readers if _mostly_links(*group)) < len(readers)


def _thread_box(parent, tops: list):
    """`parent` when all it holds besides the items is comment chrome, else a div around the run
    from the first item (or the comment heading just before it) to the last one."""
    tops_set = set(tops)
    others = [line for line in render_lines(parent, lambda e: e in tops_set)
              if _has_words(line) and not chrome_line_reason(line)]
    if sum(map(len, others)) <= 200 and not _holds_article(parent):
        return parent
    kids = [kid for kid in parent if isinstance(kid.tag, str)]
    start, end = kids.index(tops[0]), kids.index(tops[-1])
    if start > 0 and _comment_heading(kids[start - 1]):
        start -= 1
    return _wrap(kids[start:end + 1])


def _joined(groups: list[list]) -> list:
    """One element per item: the item itself, or a new div holding its group."""
    return [group[0] if len(group) == 1 else _wrap(group, **{_GROUP: ""}) for group in groups]


def _marked_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for parent in _thread_parents(tree):
        if _overlaps(parent, [s.element for s in sections]) or not _items_apart(parent):
            continue
        found = _marked_thread(parent, page)
        if found is not None:
            container, items = found
            sections.append(_read_items(MARKED, container, items, page))
