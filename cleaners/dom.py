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


_STRING_LENGTH = etree.XPath("string-length()")


def text_length(element: etree._Element) -> int:
    """len(element.text_content()), scripts and styles included, without making the string."""
    return int(_STRING_LENGTH(element))


def attribute_owners(attributes) -> list:
    """The elements of XPath `attributes` (in document order, an element's together), each once.
    Finding elements by their attributes ("descendant::*/@class | descendant::*/@id") is faster
    than by a predicate ("descendant::*[@class or @id]"), which libxml2 tests slowly on each element."""
    owners: list = []
    for attribute in attributes:
        owner = attribute.getparent()
        if not owners or owners[-1] is not owner:
            owners.append(owner)
    return owners


def visible_chars(element: etree._Element) -> int:
    """Characters of `element`'s visible text, spaces collapsed."""
    return len(" ".join(visible_text(element).split()))


# Class names that describe what a post is about, not what a block is: WordPress and other CMSs
# put "tag-share", "category-social-media", "tag-rhubarb" on the post container itself.
_TAXONOMY = r"(?:s-)?(?:tag|tags|category|categories|cat|topic|term|format|taxonomy)[-_]"
_TAXONOMY_CLASS = re.compile("^" + _TAXONOMY, re.IGNORECASE)
# The same name anywhere in a class attribute, or in all of a page's joined by line breaks: a name
# starts at the start or after a space (what str.split() splits on, the same in \s), and the pattern
# matches no space, so it finds exactly the names _TAXONOMY_CLASS matches.
_TAXONOMY_IN_CLASSES = re.compile(r"(?<!\S)" + _TAXONOMY, re.IGNORECASE)
_CLASS_VALUES = etree.XPath("//@class")  # smart strings: each knows its element


def drop_taxonomy_classes(tree: etree._Element) -> None:
    """Remove taxonomy class names: class-based boilerplate rules match substrings ("bar" in
    "tag-rhubarb", "share" in "tag-share") and would throw the whole post away."""
    values = _CLASS_VALUES(tree)
    if not _TAXONOMY_IN_CLASSES.search("\n".join(values)):
        return  # most pages: one search, no element touched
    for value in values:
        if _TAXONOMY_IN_CLASSES.search(value):
            value.getparent().set("class", " ".join(c for c in value.split() if not _TAXONOMY_CLASS.match(c)))


_KEEPS_WHITESPACE = frozenset({"pre", "textarea", "script", "style", "code", "listing", "plaintext", "xmp"})
# From the first blank of a run only: tried at every blank of a long run that no line break ends,
# "[ \t]*[\r\n]" takes quadratic time (200,000 spaces: minutes).
_LINE_BREAKS = re.compile(r"(?<![ \t])[ \t]*[\r\n]\s*")


def join_source_lines(tree: etree._Element) -> None:
    """Line breaks in the HTML source are spaces to a browser: a hard-wrapped paragraph is one
    paragraph, and the feed writes one paragraph per line. <pre> and its kind keep theirs."""
    kept = {e for keeper in tree.iter(*_KEEPS_WHITESPACE) for e in keeper.iter()}
    # Texts without a line break are left as they are (the pattern needs one), not set again.
    for element in tree.iter():
        text, tail = element.text, element.tail
        if text and ("\n" in text or "\r" in text) and element not in kept and isinstance(element.tag, str):
            element.text = _LINE_BREAKS.sub(" ", text)
        if tail and ("\n" in tail or "\r" in tail) and element.getparent() not in kept:
            element.tail = _LINE_BREAKS.sub(" ", tail)
