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
