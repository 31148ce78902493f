"""Tree and text helpers shared by the passes: the tag lists, the visible text of an element, text
set back into the tree, and small tests on text and elements (meaningful, clean prose, exempt)."""
from __future__ import annotations

import re

from lxml import etree

from .lexicon import may_match

SKIP_TAGS = ("script", "style", "template", "noscript")
BLOCK_TAGS = (
    "address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl", "dt",
    "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li",
    "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
)
FARM_TAGS = ("ul", "ol", "dl", "div", "p", "td", "span", "li", "nav", "footer", "aside", "section", "center", "font")
INLINE_TAGS = ("span", "font", "b", "strong", "em", "i", "small", "big", "u", "mark", "cite", "label", "ins", "s")
# Accessibility classes hide short UI text ("Skip to content", "Search for:") on purpose.
EXEMPT_CLASS = re.compile(
    r"^(?:screen-reader(?:-text|-only)?|sr-only(?:-focusable)?|visually-?hidden|assistive-text|element-invisible"
    r"|a11y-hidden|hidden-visually|u-visually-hidden|show-for-sr|skip-link)$", re.I)
_VISIBLE_TEXT = ".//text()[not(%s)]" % " or ".join(f"ancestor::{t}" for t in SKIP_TAGS)
_TEXT = etree.XPath(_VISIBLE_TEXT, smart_strings=False)
_TEXT_NODES = etree.XPath(_VISIBLE_TEXT)  # smart strings: each knows its parent and whether it is a tail
_HAS_BLOCK = etree.XPath("boolean(descendant::*[%s])" % " or ".join(f"self::{t}" for t in BLOCK_TAGS))
_LINKS = etree.XPath(".//a[@href]")
_STYLED = etree.XPath(".//*[@style or @class or @id]")
_SENTENCE = re.compile(r"[^.!?。]+(?:[.!?。]+|$)")
# The same, with stop marks that start the text as a piece of their own: cut into pieces and joined
# again, a text must come back whole ('. "No free lunch," he said.' after a link keeps its period).
_SENTENCE_PIECE = re.compile(r"[^.!?。]+(?:[.!?。]+|$)|[.!?。]+")
_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SKIPPED = frozenset(SKIP_TAGS)
_WALK_EVENTS = ("start", "end", "comment", "pi")


def _text(el) -> str:
    """The text nodes _TEXT finds, joined and spaces collapsed, read in one walk that skips the
    inside of scripts and styles: the XPath tests each text node's ancestors four times over
    (a page's body: twice the time). Its text nodes are the elements' text and tails: libxml2
    merges adjacent character data, so no element has two text nodes in a row."""
    if any(anc.tag in _SKIPPED for anc in el.iterancestors()):
        return ""
    parts = []
    walk = etree.iterwalk(el, events=_WALK_EVENTS)
    for event, node in walk:
        if event == "start":
            if node.tag in _SKIPPED:
                walk.skip_subtree()  # its end event still comes: its tail is visible
            elif node.text:
                parts.append(node.text)
        elif node is not el and node.tail:  # "end", or a comment's or processing instruction's
            parts.append(node.tail)
    return " ".join(" ".join(parts).split())


class VisibleTexts:
    """`_text` of the elements of one page's body. Before fill() each is read when asked for (one
    XPath: the hidden pass and the page gate ask for a few); fill() computes all of them in one
    walk (children before parents, each from its children's), for the passes that ask for the
    text of nested blocks again and again. A change to the tree is reported (`removing`,
    `changed`) and only the texts it touches are computed again."""

    def __init__(self, body):
        self.body = body
        self.texts: dict = {}
        self.filled = False

    def fill(self) -> None:
        if not self.filled:
            self.texts.update(_texts_below(self.body))  # what is known already is the same
            self.filled = True

    def __call__(self, el) -> str:
        text = self.texts.get(el)
        if text is None:  # not read yet, outside the body, or cut off from it
            text = self.texts[el] = _text(el) if isinstance(el.tag, str) else ""  # a comment's text is no page text
        return text

    def removing(self, el) -> None:
        """Before `el` leaves the tree: its subtree's texts go (they are read again if asked for;
        dropping the element proxies while attached also spares lxml a slow cleanup)."""
        for inner in el.iter():
            self.texts.pop(inner, None)

    def changed(self, el) -> None:
        """After the text or the children of `el` changed: it and its ancestors are read again
        (before fill(): when next asked for)."""
        chain = [el, *el.iterancestors()]
        if not self.filled:
            for node in chain:
                self.texts.pop(node, None)
            return
        hidden = [False] * len(chain)  # inside a skipped element (script, noscript, ...)
        inside = False
        for i in range(len(chain) - 1, -1, -1):
            inside = hidden[i] = inside or chain[i].tag in SKIP_TAGS
        for node, skipped in zip(chain, hidden):
            if node in self.texts:
                visible = isinstance(node.tag, str) and not skipped  # a comment's text is no page text
                self.texts[node] = _joined_text(node, self) if visible else ""


def _texts_below(root) -> dict:
    """{element: _text(element)} for `root` and every element inside it."""
    if any(anc.tag in SKIP_TAGS for anc in root.iterancestors()):
        return {}  # no text is visible here: left to _text
    texts: dict = {}
    for el in reversed(list(root.iter())):  # an element's children come before it
        texts[el] = "" if not isinstance(el.tag, str) or el.tag in SKIP_TAGS else _joined_text(el, texts.__getitem__)
    for skipped in root.iter(*SKIP_TAGS):  # noscript and template can hold elements: hidden too
        for el in skipped.iter():
            texts[el] = ""
    return texts


def _joined_text(el, text_of) -> str:
    """The text of an element outside skipped ones, from its own text, its children's (text_of)
    and their tails: each part is normalised, so joining the non-empty ones normalises the whole."""
    parts = [" ".join(el.text.split())] if el.text else []
    for child in el:
        parts.append(text_of(child))
        if child.tail:
            parts.append(" ".join(child.tail.split()))
    return " ".join(filter(None, parts))


def _set_text(node, attr: str, text: str) -> None:
    try:
        setattr(node, attr, text)
    except ValueError:  # the parser kept control characters that lxml refuses to set
        setattr(node, attr, _CONTROL.sub("", text))


def _containers(blocks) -> set:
    """The blocks of `blocks` that hold another block."""
    out: set = set()
    for el in blocks:
        for anc in el.iterancestors():
            if anc in out:
                break
            out.add(anc)
    return out


def _text_slots(el):
    """(node, 'text' | 'tail') for every visible text node inside `el`."""
    return [(t.getparent(), "tail" if t.is_tail else "text") for t in _TEXT_NODES(el)]


def _body(tree):
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    if root is None:
        return None, None
    if root.tag == "body":
        return root, root
    body = root.find("body")
    return root, body if body is not None else root.find(".//body")


def _mostly_clean_prose(text: str) -> bool:
    """Several sentences, most of the text in sentences without a spam word: honest prose that
    spam was appended to. Its spam sentences are cut, the paragraph stays."""
    sentences = _SENTENCE.findall(text)
    clean = sum(len(s) for s in sentences if not may_match(s))
    return len(sentences) >= 2 and clean >= 0.5 * len(text)


def _meaningful(text: str) -> bool:
    return len(_LETTER_WORD.findall(text)) >= 3


def _exempt(el) -> bool:
    return any(EXEMPT_CLASS.match(c) for c in (el.get("class") or "").split())
