"""Last resort: a section that is clearly the comments but whose items cannot be read; each
paragraph of reader prose in it is kept as a comment without author or date."""
from __future__ import annotations

import re
from collections.abc import Callable

from ..comments import comment_id
from ..document import Comment, Removal
from .chrome import STEP, chrome_line_reason
from .guards import _leaves_a_page, _outermost, _overlaps, _Page
from .markup import _HIDDEN, _cls, _mostly_links, _page_query, _xp
from .render import _BLOCK_TAGS, _has_words, render_lines
from .section import _Section

# A section that is clearly the comments (#comments, .commentlist, #disqus_thread, ...) but whose
# items could not be read: its text blocks are kept as comments without author or date rather
# than lost. Chrome lines and forms in it are removals, as everywhere.

_PARAGRAPH_SECTIONS = _page_query(
    "//*[(self::div or self::section or self::aside or self::ol or self::ul or self::dl) and "
    "(@id='comments' or @id='disqus_thread' or @id='dsq-comments' or "
    + _cls("comments", "commentlist", "comment-list", "comments-list", "comments-area", "entry-comments",
           "comment-wrapper", "comments-wrapper", "comments-section", "comment-section", "comments-content")
    + ")]"
)

_SYSTEM_WORDS = re.compile(
    r"\b(?:comments?|commento|kommentar\w*|commentaires?|comentarios?|repl(?:y|ies)|responses?|trackbacks?|"
    r"pingbacks?|log ?in|sign ?in|register|account|subscribe|rss|feed|powered by|loading|javascript|click|"
    r"guidelines|policy|moderat\w*)\b", re.IGNORECASE)
_CHROME_NAMES = re.compile(
    r"form|privacy|policy|notice|consent|legal|terms|disclaimer|guideline|rules|respond|login|register|"
    r"subscribe|share|rating|vote|nav|pagination|pager", re.IGNORECASE)
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_FORM_CONTROLS = _xp("boolean(.//form or .//textarea or .//input or .//select or .//button)")
_HIDDEN_SELF = _xp("boolean(self::*[@hidden or " + _cls("hidden", "display-none", "d-none", "hide") + "])")


def _paragraph_sections(tree, page: _Page, claimed: list) -> list[_Section]:
    sections: list[_Section] = []
    for el in _outermost(list(_PARAGRAPH_SECTIONS(tree, page.names))):
        if _overlaps(el, claimed + [s.element for s in sections]) or not _leaves_a_page([el], page):
            continue
        section = None if _HIDDEN_SELF(el) else _paragraph_section(el)
        if section is not None:
            sections.append(section)
    return sections


def _paragraph_section(el) -> _Section | None:
    """Each paragraph of reader prose in `el` as an authorless comment; None when there is none."""
    hidden = set(_HIDDEN(el))
    skip = lambda e: e in hidden or e.tag in ("form", "textarea")  # noqa: E731
    forms = [f for f in el.iter("form", "textarea") if f not in hidden]
    comments = []
    removals = [Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_form", line)
                for form in forms for line in render_lines(form, lambda e: e in hidden) if _has_words(line)]
    for lines, chrome in _paragraphs(el, skip):
        kept = [line for line in lines if _has_words(line) and _system_line(line) is None]
        if chrome or not any(_prose(line) for line in kept):
            kept = []  # chrome, or no line of a reader's prose: 'View comments', '18', 'Loading...'
        removals += [Removal.of(STEP, _system_line(line) or "chrome:comment_section", line)
                     for line in lines if _has_words(line) and line not in kept]
        if kept:
            comment = Comment(author=None, text="\n".join(kept))
            comment.id = comment_id(None, comment.text)
            comments.append(comment)
    return _Section(el, comments, removals) if comments else None


def _prose(line: str) -> bool:
    """A sentence: five words or more ending like one, or ten words or more."""
    words = sum(1 for word in line.split() if _has_words(word))
    return words >= 10 or (words >= 5 and line.rstrip(" )\"'”’»")[-1:] in ".!?…")


def _system_line(line: str) -> str | None:
    """The chrome reason of a line, or of a line the comment system writes about itself ('Log in
    to comment', 'Comments are subject to our guidelines', 'Loading comments...')."""
    return chrome_line_reason(line) or ("chrome:comment_section" if _SYSTEM_WORDS.search(line) else None)


def _paragraphs(el, skip: Callable) -> list[tuple[list[str], bool]]:
    """(lines, chrome) of each paragraph of `el`: the text between its blocks, then each block,
    split into its own blocks when it has any. Chrome: a heading, a block around a form (labels),
    a block named for chrome (privacy notice, pagination), a block of links."""
    blocks = [kid for kid in el if isinstance(kid.tag, str) and kid.tag in _BLOCK_TAGS and not skip(kid)]
    chosen = set(blocks)
    loose = render_lines(el, lambda e: skip(e) or e in chosen)
    out = [(loose, False)] if loose else []
    for block in blocks:
        names = f"{block.get('id') or ''} {block.get('class') or ''}"
        if block.tag in _HEADING_TAGS or _FORM_CONTROLS(block) or _CHROME_NAMES.search(names):
            out.append((render_lines(block, skip), True))
        elif any(isinstance(d.tag, str) and d.tag in _BLOCK_TAGS for d in block.iterdescendants()):
            out += _paragraphs(block, skip)
        else:
            out.append((render_lines(block, skip), _mostly_links(block)))
    return out
