"""Unmarked blocks: a section named for comments, or a 'Comments' heading, followed by repeated
blocks of one kind, most of them dated."""
from __future__ import annotations

import re

from .bylines import _any_date
from .chrome import _comment_heading, _is_body_line
from .guards import _holds_article, _leaves_a_page, _outermost, _overlaps, _Page, _visible_chars
from .marked import _item_groups, _joined, _sibling_sig, _thread_box, _wrap
from .markup import _FORMISH, _NOT_A_SECTION, _REGEX_NS, _mostly_links, _PageQuery
from .profiles import MARKED
from .render import render_lines
from .section import _read_items, _Section

# No item is marked, but a section named for comments (or a "Comments" heading) is followed by
# blocks of one kind, most of them dated: each block is a comment.

_BLOCK_ITEM_TAGS = {"div", "li", "article", "section", "table", "dl", "blockquote", "dt", "dd", "tr"}
_SECTION_WORDS = "comment|discussion|kommentar|commentaire|comentario"
_SECTION_NAMES = _PageQuery(
    "//*[self::div or self::section or self::aside or self::ul or self::ol or self::dl or self::table]"
    f"[re:test(concat(@id, ' ', @class), '{_SECTION_WORDS}', 'i')]",
    re.compile(_SECTION_WORDS, re.I),  # as EXSLT's re:test reads it: Python's re
    namespaces=_REGEX_NS,
)


def _dated(el) -> bool:
    return bool(_any_date(" ".join(render_lines(el))) or el.find(".//time") is not None)


def _repeated(kids: list) -> list:
    """The children of one kind (tag and classes) that each hold a reader's line, at least two of
    them and most of them dated; the kind with the most dated blocks wins."""
    blocks = [kid for kid in kids if kid.tag in _BLOCK_ITEM_TAGS and not _FORMISH(kid) and not _mostly_links(kid)
              and any(_is_body_line(line) for line in render_lines(kid))]
    by_sig: dict = {}
    for block in blocks:
        by_sig.setdefault(_sibling_sig(block), []).append(block)
    best, best_dated = [], 0
    for same in by_sig.values():
        dated = sum(1 for block in same if _dated(block))
        if len(same) >= 2 and 2 * dated >= len(same) and dated > best_dated:
            best, best_dated = same, dated
    return _alternating(blocks, best)


def _alternating(blocks: list, chosen: list) -> list:
    """`chosen` with the dated blocks of the same tag among and after them: rows styled in turns
    (div.comgrey, div.comwhite) are one kind."""
    if not chosen:
        return chosen
    same = set(chosen)
    return [block for block in blocks[blocks.index(chosen[0]):]
            if block in same or (block.tag == chosen[0].tag and _dated(block))]


def _blocks_in(section, depth: int = 3) -> tuple[object, list] | None:
    """(parent, blocks): the repeated blocks in `section`, or in the child holding most of its text."""
    kids = [kid for kid in section if isinstance(kid.tag, str)]
    blocks = _repeated(kids)
    if blocks:
        return section, blocks
    total = _visible_chars(section)
    big = [kid for kid in kids if _visible_chars(kid) >= 0.6 * total > 0]
    return _blocks_in(big[0], depth - 1) if big and depth > 0 else None


def _block_thread(parent, blocks: list) -> tuple[object, list]:
    """(container, items) for repeated `blocks` of `parent`, each joined with its footer."""
    chosen = set(blocks)
    kids = [kid for kid in parent if isinstance(kid.tag, str)]
    tops = _joined(_item_groups(kids, lambda el: el in chosen))
    return _thread_box(parent, tops), _with_replies(tops, _sibling_sig(blocks[0]))


def _with_replies(tops: list, sig: tuple) -> list:
    """The items and, in document order among them, the blocks of the same kind nested in them
    (a kind named by a class: a bare div inside a bare div is no reply)."""
    items = []
    for top in tops:
        items.append(top)
        items += [el for el in top.iterdescendants(sig[0]) if sig[1] and _sibling_sig(el) == sig]
    return items


def _named_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for section in _outermost(list(_SECTION_NAMES(tree, page.names))):
        names = f"{section.get('id') or ''} {section.get('class') or ''}"
        if _NOT_A_SECTION.search(names) or _overlaps(section, [s.element for s in sections]):
            continue
        # the blocks first (both tests only read the tree): 104 of the 107 named sections of 300
        # corpus pages that leave a page hold none, and the page's text length, which
        # _leaves_a_page reads (a walk of the whole page), is then only owed (guards._Page)
        found = _blocks_in(section)
        if found is None:
            page.owe_text_chars()  # as _leaves_a_page would have read it here
            continue
        if not _leaves_a_page([section], page):
            continue
        container, items = _block_thread(*found)
        sections.append(_read_items(MARKED, container, items, page))


def _heading_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for heading in list(tree.getroottree().iter("h2", "h3", "h4")):  # the page's, as //h2 | //h3 | //h4
        if not _comment_heading(heading) or _overlaps(heading, [s.element for s in sections]):
            continue
        anchor = _heading_box(heading)
        run = _run_after(anchor, int(heading.tag[1]))
        blocks = _repeated(run)
        if not blocks:
            if section := _section_in_wrapper(anchor, run, page):
                sections.append(section)
            continue
        if any(_holds_article(el) for el in run[:run.index(blocks[-1]) + 1]):
            continue
        page.pay_text_chars()  # the tree changes below
        chosen = set(blocks)
        tops = _joined(_item_groups(run, lambda el: el in chosen))
        kids = [kid for kid in anchor.getparent() if isinstance(kid.tag, str)]
        container = _wrap(kids[kids.index(anchor):kids.index(tops[-1]) + 1])
        sections.append(_read_items(MARKED, container, _with_replies(tops, _sibling_sig(blocks[0])), page))


def _heading_box(heading):
    """The heading, or the element that holds it alone (<div class="title"><h3>Comments</h3></div>):
    the comments follow that one."""
    parent = heading.getparent()
    alone = parent is not None and parent.tag in ("div", "header", "section") and \
        [kid for kid in parent if isinstance(kid.tag, str)] == [heading] and not (parent.text or "").strip()
    return parent if alone and parent.getnext() is not None else heading


def _section_in_wrapper(anchor, run: list, page: _Page) -> _Section | None:
    """A comment heading followed by one wrapper (<ul>, <ol>, <div>) whose children are the comments."""
    wrapper = run[0] if run else None
    if wrapper is None or _holds_article(wrapper):
        return None
    blocks = _repeated([kid for kid in wrapper if isinstance(kid.tag, str)])
    if not blocks:
        return None
    page.pay_text_chars()  # the tree changes below
    box, items = _block_thread(wrapper, blocks)
    if box is wrapper:  # the wrapper holds nothing else: the heading goes with it
        kids = [kid for kid in anchor.getparent() if isinstance(kid.tag, str)]
        box = _wrap(kids[kids.index(anchor):kids.index(wrapper) + 1])
    return _read_items(MARKED, box, items, page)


def _run_after(anchor, level: int) -> list:
    """The siblings after a heading (or the box holding it), up to the next heading of its level or above."""
    run = []
    for sibling in anchor.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if re.fullmatch(r"h[1-6]", sibling.tag) and int(sibling.tag[1]) <= level:
            break
        run.append(sibling)
    return run
