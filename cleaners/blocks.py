"""Loose text: running text that sits directly in a container beside its blocks.

Old and hand-written pages put the article straight into <body> or a <div>, after an <h1> or
between <p> tags left unclosed ("<h1>Title</h1> The story starts here..."). A browser shows such
text as paragraphs; an extractor that scores paragraphs passes it over and keeps only what was
tagged. Each run of text and inline markup between a container's blocks becomes a <p>.
"""
from __future__ import annotations

from lxml import etree

BLOCK_TAGS = frozenset({
    "p", "div", "table", "ul", "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "form",
    "pre", "hr", "center", "section", "article", "aside", "nav", "header", "footer", "main", "address",
    "figure", "fieldset", "details", "menu", "noscript", "script", "style", "iframe", "select", "textarea",
})
# containers whose loose text a browser lays out as paragraphs of their own
_CONTAINERS = ("body", "div", "center", "section", "article", "main", "td", "th", "blockquote", "form")
_NOT_CONTAINERS = frozenset({"html", "head", "li", "dd", "dt", "tr", "tbody", "thead", "tfoot", "ul", "ol", "dl"})
_NEVER_WRAPPED = BLOCK_TAGS | _NOT_CONTAINERS
VISIBLE_BLOCK_TAGS = tuple(sorted(BLOCK_TAGS - {"script", "style", "noscript"}))


def _holding_blocks(root: etree._Element) -> set:
    """Elements with a block inside them, found in one pass (a walk up from each block stops at
    the first ancestor already seen): deeply nested markup costs no more than flat markup."""
    holding: set = set()
    for block in root.iter(*VISIBLE_BLOCK_TAGS):
        for ancestor in block.iterancestors():
            if ancestor in holding:
                break
            holding.add(ancestor)
    return holding


def _is_block(child: etree._Element, holding: set) -> bool:
    """A block, or inline markup wrapped around blocks (<font> around a page of paragraphs)."""
    if not isinstance(child.tag, str):
        return False  # comments, processing instructions: carried along with the run
    return child.tag in BLOCK_TAGS or child in holding


def wrap_runs(block: etree._Element, holding: set | None = None) -> bool:
    """Wrap the runs of text and inline markup between `block`'s blocks in <p>; True if any run
    held text. A container without blocks is left alone: it is a paragraph already."""
    holding = _holding_blocks(block) if holding is None else holding
    children = list(block)
    if not any(_is_block(c, holding) for c in children):
        return False
    loose = (block.text or "").strip() or any((c.tail or "").strip() for c in children if _is_block(c, holding))
    if not loose:
        return False
    rebuilt, run = [], None

    def close_run() -> None:
        nonlocal run
        if run is not None and ("".join(run.itertext()).strip() or len(run)):
            rebuilt.append(run)
        run = None

    if block.text and block.text.strip():
        run = etree.Element("p")
        run.text = block.text
    block.text = None
    for child in children:
        tail, child.tail = child.tail, None
        if _is_block(child, holding):
            close_run()
            rebuilt.append(child)
            if tail and tail.strip():
                run = etree.Element("p")
                run.text = tail
            elif tail:
                child.tail = tail
        else:
            if run is None:
                run = etree.Element("p")
            run.append(child)
            child.tail = tail
    close_run()
    block[:] = rebuilt
    return True


def wrap_loose_text(tree: etree._Element) -> int:
    """Wrap loose text in every container of the page; the number of containers changed."""
    holding = _holding_blocks(tree)
    changed = 0
    # inline markup around blocks (<span> or <font> around a page of headings and lists) too
    wrappable = [e for e in tree.iter() if e in holding and (e.tag in _CONTAINERS or e.tag not in _NEVER_WRAPPED)]
    for element in wrappable:
        changed += wrap_runs(element, holding)
    return changed
