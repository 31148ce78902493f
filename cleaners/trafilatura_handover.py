"""Hand a parsed tree to trafilatura's bare_extraction without its defensive copy of it.

bare_extraction copies a tree it is given (`if tree is filecontent: tree = copy(tree)`) so that the
caller's tree survives the extraction, which prunes it in place. Our HTML step parses each page
for trafilatura alone and never reads the tree afterwards: that copy is 0.42 ms of every page,
and bare_extraction is 0.22-0.26 ms faster without it (trafilatura walks a fresh copy a little
faster than our much-edited parse tree).
`handed_over(tree)` wraps the tree so that trafilatura's load_html unwraps it: the tree it loads is
then not the object it was given, and it works on ours. Only that first copy is skipped; the
copies trafilatura makes further on, for its own stages, are all still made.

The wrapper is understood only while bare_extraction's source is the one this was written
against (`use_handover`): a release that changes it gets the plain tree, and copies it.
"""
from __future__ import annotations

import lxml.html

from .pinned import source_digest

# sha256 of trafilatura.core.bare_extraction's source in the pinned trafilatura (2.3.1), first 16 digits
BARE_EXTRACTION_SHA256 = "2e57adb3062086f9"


class HandedOver:
    """A tree given to bare_extraction for it to consume: it is pruned in place."""

    __slots__ = ("tree",)

    def __init__(self, tree: lxml.html.HtmlElement):
        self.tree = tree


_installed = False


def _unwrapping(load_html):
    """trafilatura's load_html, with a HandedOver given as its tree."""

    def load_html_or_handed_over(htmlobject, max_size=None):
        if type(htmlobject) is HandedOver:
            return htmlobject.tree
        return load_html(htmlobject, max_size)

    return load_html_or_handed_over


def use_handover() -> bool:
    """Let bare_extraction take a HandedOver tree, while its source reads as it did. True when it does."""
    global _installed
    import trafilatura.core
    import trafilatura.utils

    if _installed:
        return True
    if trafilatura.core.load_html is not trafilatura.utils.load_html:
        return False  # someone else's load_html: leave it be
    if source_digest(trafilatura.core.bare_extraction) != BARE_EXTRACTION_SHA256:
        return False
    trafilatura.core.load_html = _unwrapping(trafilatura.utils.load_html)
    _installed = True
    return True


def handed_over(tree: lxml.html.HtmlElement) -> HandedOver | lxml.html.HtmlElement:
    """What to give bare_extraction for `tree`, which it may then consume: the tree itself (copied
    by trafilatura) when the handover is not in place."""
    return HandedOver(tree) if _installed else tree
