"""Small lxml helpers shared by the DOM steps."""
from __future__ import annotations

import re

from lxml import etree


def remove_keeping_tail(element: etree._Element) -> None:
    """Remove `element` and its subtree; its tail text belongs to the parent and stays there
    (the element, if it is put elsewhere, goes without it)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
        element.tail = None
    parent.remove(element)


_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]")


def visible_text(element: etree._Element) -> str:
    """The text a reader sees in `element`, as written: no scripts, no styles."""
    return "".join(_VISIBLE_TEXT(element))


def visible_chars(element: etree._Element) -> int:
    """Characters of `element`'s visible text, spaces collapsed."""
    return len(" ".join(visible_text(element).split()))


# Class names that describe what a post is about, not what a block is: WordPress and other CMSs
# put "tag-share", "category-social-media", "tag-rhubarb" on the post container itself.
_TAXONOMY_CLASS = re.compile(r"^(?:s-)?(?:tag|tags|category|categories|cat|topic|term|format|taxonomy)[-_]", re.IGNORECASE)
_WITH_CLASS = etree.XPath("//*[@class]")


def drop_taxonomy_classes(tree: etree._Element) -> None:
    """Remove taxonomy class names: class-based boilerplate rules match substrings ("bar" in
    "tag-rhubarb", "share" in "tag-share") and would throw the whole post away."""
    for element in _WITH_CLASS(tree):
        classes = element.get("class").split()
        kept = [c for c in classes if not _TAXONOMY_CLASS.match(c)]
        if len(kept) != len(classes):
            element.set("class", " ".join(kept))


_KEEPS_WHITESPACE = frozenset({"pre", "textarea", "script", "style", "code", "listing", "plaintext", "xmp"})
# From the first blank of a run only: tried at every blank of a long run that no line break ends,
# "[ \t]*[\r\n]" takes quadratic time (200,000 spaces: minutes).
_LINE_BREAKS = re.compile(r"(?<![ \t])[ \t]*[\r\n]\s*")


def join_source_lines(tree: etree._Element) -> None:
    """Line breaks in the HTML source are spaces to a browser: a hard-wrapped paragraph is one
    paragraph, and the feed writes one paragraph per line. <pre> and its kind keep theirs."""
    kept = {e for keeper in tree.iter(*_KEEPS_WHITESPACE) for e in keeper.iter()}
    for element in tree.iter():
        if element.text and element not in kept and isinstance(element.tag, str):
            element.text = _LINE_BREAKS.sub(" ", element.text)
        if element.tail and element.getparent() not in kept:
            element.tail = _LINE_BREAKS.sub(" ", element.tail)
