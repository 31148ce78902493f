"""Comment chrome without comments: an empty comment section ('No comments:', a lone respond form)
and the chrome found next to a thread (respond form, comments heading)."""
from __future__ import annotations

from ..document import Removal
from .chrome import STEP, chrome_line_reason
from .guards import _holds_article, _outermost, _overlaps, _Page, _safe
from .markup import _FORMISH, _HIDDEN, _cls, _page_query
from .render import _has_words, render_lines
from .section import _Section

# A comment section with no comments yet: "No comments:" + "Post a Comment", a lone respond form.
_EMPTY_SECTIONS = _page_query(
    "//*[@id='comments' or @id='disqus_thread' or "
    + _cls("comments-area", "entry-comments", "comment-wrapper", "comments-section", "comment-section") + "]"
)
# Comment chrome found next to a thread rather than inside its wrapper.
_SATELLITES = _page_query(
    "//*[@id='respond' or @id='comment-form' or @id='commentform' or @id='comment-post-message' or @id='nocomments' "
    "or " + _cls("comment-respond", "comment-form", "nocomments", "no-comments", "comments-closed") + "]"
    " | //*[(self::h2 or self::h3 or self::h4) and (@id='comments' or @id='comments-title' or @id='reply-title' or "
    + _cls("comments-title", "comments-header", "commentsheader", "comment-reply-title") + ")]"
)


def _chrome_only(el, page: _Page) -> list[Removal] | None:
    """Removals for a block that is nothing but comment chrome (or a comment form), else None."""
    if _holds_article(el) or (not _FORMISH(el) and not _safe(el, page, strict=True)):
        return None
    hidden = set(_HIDDEN(el))
    lines = [line for line in render_lines(el, lambda e: e in hidden) if _has_words(line)]
    unknown = [line for line in lines if chrome_line_reason(line) is None]
    if unknown and not (_FORMISH(el) and sum(map(len, unknown)) <= 300):
        return None
    if not lines and not _FORMISH(el):
        return None
    return [Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_form", line) for line in lines]


def _chrome_sections(candidates: list, page: _Page, claimed: list) -> list[_Section]:
    sections: list[_Section] = []
    for el in _outermost(candidates):
        if _overlaps(el, claimed + [s.element for s in sections]):
            continue
        removals = _chrome_only(el, page)
        if removals is not None:
            sections.append(_Section(el, [], removals))
    return sections
