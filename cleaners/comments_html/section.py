"""A comment section: the thread read into comments, the wrapper removed with it (heading, forms,
notices), and everything in it that no comment took as removals."""
from __future__ import annotations

from dataclasses import dataclass

from ..document import Comment, Removal
from .chrome import STEP, chrome_line_reason
from .guards import _Page, _safe, _visible_chars
from .item import _read_thread
from .markup import _HIDDEN, _cls, _xp
from .profiles import Profile
from .render import _has_words, render_lines
from .thread import _Thread

# Wrappers a thread list sits in, removed with it: headings, forms and notices live there.
_WRAPPER = _xp(
    "boolean(self::*[@id='comments' or @id='disqus_thread' or "
    + _cls("comments-area", "comments", "entry-comments", "comment-wrapper", "comments-wrapper", "comments-section",
           "comment-section", "field--type-comment")
    + "])"
)


@dataclass
class _Section:
    element: object
    comments: list[Comment]
    removals: list[Removal]


def _wrapper(container, page: _Page):
    """The outermost comment-section wrapper around a thread list that is safe to remove."""
    best = container
    for depth, ancestor in enumerate(container.iterancestors()):
        if depth >= 6 or ancestor.tag in ("body", "html", "main"):
            break
        if _WRAPPER(ancestor):
            if not _safe(ancestor, page, strict=False) or not _small_extra(ancestor, container, page):
                break
            best = ancestor
    return best


def _small_extra(wrapper, container, page: _Page) -> bool:
    """The wrapper adds headings and forms to the thread, not a page's worth of text."""
    extra = _visible_chars(wrapper) - _visible_chars(container)
    return extra <= 1500 or extra <= 0.25 * page.text_chars


def _leftovers(element, consumed: set, hidden: set) -> list[Removal]:
    """Everything in the section that no comment took: headings, forms, notices, Reply links."""
    lines = render_lines(element, lambda e: e in consumed or e in hidden)
    return [Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_section", line)
            for line in lines if _has_words(line)]


def _read_items(profile: Profile, container, items: list, page: _Page) -> _Section:
    thread = _Thread(profile, container, items)
    comments = _read_thread(thread)
    element = _wrapper(container, page)
    hidden = thread.hidden | set(_HIDDEN(element))
    return _Section(element, comments, thread.removals + _leftovers(element, thread.consumed, hidden))
