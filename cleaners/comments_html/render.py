"""Text rendering: the visible text of an element as lines, one per block or <br>."""
from __future__ import annotations

from collections.abc import Callable

from ..normalize import collapse_spaces

_SKIP_TAGS = {"script", "style", "noscript", "template", "textarea", "select", "option", "head", "title"}
_BLOCK_TAGS = {
    "p", "div", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "table", "tr", "td", "th", "section", "article", "header", "footer", "aside", "nav", "form", "fieldset",
    "address", "figure", "figcaption", "hr", "main", "label",
}


def _has_words(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def _walk(el, skip: Callable, out: list[str], skipped: list | None, pre: bool = False) -> None:
    # text as shown: a line break in the HTML source is a space, except inside <pre>. The hot loop
    # of comment reading: written out, and empty strings are not appended
    tag = el.tag
    if not isinstance(tag, str) or tag in _SKIP_TAGS:
        return
    if skip(el):
        if skipped is not None:
            skipped.append(el)
        return
    block, pre = tag in _BLOCK_TAGS, pre or tag == "pre"
    if block or tag == "br":
        out.append("\n")
    text = el.text
    if text:
        out.append(text if pre else text.replace("\n", " "))
    for child in el:
        _walk(child, skip, out, skipped, pre)
        tail = child.tail
        if tail:
            out.append(tail if pre else tail.replace("\n", " "))
    if block:
        out.append("\n")


def render_lines(el, skip: Callable = lambda e: False, skipped: list | None = None) -> list[str]:
    """Visible text of `el`, one line per block or <br>, whitespace collapsed, empty lines dropped.
    Elements for which `skip` is true are left out (and appended to `skipped` when given)."""
    out: list[str] = []
    _walk(el, skip, out, skipped)
    # two lines in three are empty or blank (between two blocks): they collapse to nothing
    lines = (collapse_spaces(line) for line in "".join(out).split("\n") if line and not line.isspace())
    return [line for line in lines if line]
