"""Page guards: what may be removed as a comment section (never the article, not half of the
page without platform markup), and helpers on sets of elements (overlap, outermost)."""
from __future__ import annotations

from collections.abc import Iterable

from .markup import _PageNames, _article_parts, _holds_article
from .render import render_lines


class _Page:
    """What the page was before comments_html changed it. The text length and the element order
    are read when first asked for, or by settle() before the tree's first change: most pages
    have no comment section and never need them (each is a walk over the whole tree)."""

    def __init__(self, tree) -> None:
        self.tree = tree
        self.names = _PageNames(tree)  # for _PageQuery
        self._text_chars: int | None = None
        self._order: dict | None = None
        self._text_chars_owed = False

    @property
    def text_chars(self) -> int:
        if self._text_chars is None:
            self._text_chars = _visible_chars(self.tree)
        return self._text_chars

    @property
    def order(self) -> dict:
        if self._order is None:
            self._order = {el: i for i, el in enumerate(self.tree.iter())}
        return self._order

    def settle(self) -> None:
        """Read what the page is now: the tree is about to change."""
        _ = self.text_chars, self.order  # the properties compute and keep them

    def owe_text_chars(self) -> None:
        """The text length is to be the page's as it is now, but it need not be read yet: it is
        read when first asked for or by pay_text_chars(), which is called before the tree changes."""
        self._text_chars_owed = True

    def pay_text_chars(self) -> None:
        """The tree is about to change: an owed text length is read now."""
        if self._text_chars_owed:
            _ = self.text_chars


def _visible_chars(el) -> int:
    return sum(len(line) for line in render_lines(el))


def _safe(el, page: _Page, strict: bool) -> bool:
    """May `el` go as (part of) the comment section? Never when it holds the article; without
    platform markup, never when it holds half of the page's text."""
    if _holds_article(el):
        return False
    return not strict or _visible_chars(el) <= 0.5 * page.text_chars


def _without_article(items: list, container) -> list:
    """The items that hold no part of the article (checked with one pass over the container)."""
    markers = _article_parts(container)
    if not markers:
        return items
    holders = {a for m in markers for a in (m, *m.iterancestors())}
    return [item for item in items if item not in holders]


def _overlaps(el, claimed: Iterable) -> bool:
    chain = {el, *el.iterancestors()}
    return any(c in chain or el in set(c.iterancestors()) for c in claimed)


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


def _leaves_a_page(elements: list, page: _Page) -> bool:
    """Without platform markup, a section may go when it holds no article and either less than half
    of the page's text or leaves a page's worth of text (1000 characters) outside it."""
    if any(_holds_article(el) for el in elements):
        return False
    chars = sum(_visible_chars(el) for el in elements)
    return chars <= 0.5 * page.text_chars or page.text_chars - chars >= 1000
