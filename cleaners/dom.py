"""Small lxml helpers shared by the DOM steps."""
from __future__ import annotations

from lxml import etree


def remove_keeping_tail(element: etree._Element) -> None:
    """Remove `element` and its subtree; its tail text belongs to the parent and stays."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)
