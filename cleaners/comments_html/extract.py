"""extract_html_comments: every way of finding a comment section, in order, then the sections
removed from the tree."""
from __future__ import annotations

from ..document import Comment, Removal
from .chrome_sections import _EMPTY_SECTIONS, _SATELLITES, _chrome_sections
from .guards import _Page
from .last_resort import _paragraph_sections
from .marked import _marked_sections
from .platforms import _profile_sections
from .profiles import GENERIC, PROFILES
from .section import _Section
from .unmarked import _heading_sections, _named_sections


def _thread_sections(tree, page: _Page) -> list[_Section]:
    sections: list[_Section] = []
    _profile_sections(PROFILES, tree, page, sections)
    _marked_sections(tree, page, sections)
    _named_sections(tree, page, sections)
    _heading_sections(tree, page, sections)
    _profile_sections(GENERIC, tree, page, sections)
    return sections


def _position(el, page: _Page) -> int:
    """Where `el` is in the page; a div made here counts where its first original element was."""
    return next((page.order[e] for e in el.iter() if e in page.order), 0)


def extract_html_comments(tree) -> tuple[list[Comment], list[Removal]]:
    """Find the page's comment section(s); return the comments as records (document order,
    depth-first, replies with `parent` = the id of the comment they answer) and the removals
    (chrome dropped, pingbacks, etc.). REMOVE the whole comment section from `tree` (the list,
    its heading like '5 thoughts on ...', 'No comments:', the respond/comment form, 'Comments are closed',
    pingbacks) so that a main-text extractor run on the tree afterwards cannot leak comment text
    into the article body."""
    page = _Page(tree)
    sections = _thread_sections(tree, page)
    sections += _paragraph_sections(tree, page, [s.element for s in sections])
    sections += _chrome_sections(list(_EMPTY_SECTIONS(tree, page.names)), page, [s.element for s in sections])
    sections += _chrome_sections(list(_SATELLITES(tree, page.names)), page, [s.element for s in sections])
    # the root element is the page, never its comment section (a stray class on <html>)
    sections = [s for s in sections if s.element.getparent() is not None]
    sections.sort(key=lambda s: _position(s.element, page))
    del page  # free the element proxies before their subtrees are detached: lxml frees
    # proxies of a detached subtree by walking that subtree, once per proxy
    comments = [c for s in sections for c in s.comments]
    removals = [r for s in sections for r in s.removals]
    for section in sections:
        section.element.drop_tree()
    return comments, removals
