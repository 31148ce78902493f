"""Pages whose main text lies in several containers: several whole posts (blog front pages,
archives, category pages), or one article body cut into chunks between ad slots.

trafilatura keeps the first container that looks like a post body, so on such a page it keeps
one post of many, or the first chunk of an article. When containers of one kind each carry
substantial text and together hold most of the page's text, they are gathered into one
container that trafilatura picks first, in page order. Siblings are wrapped with whatever lies
between them (date headers); containers in different parents are moved together.
"""
from __future__ import annotations

from collections import defaultdict

import lxml.html
from trafilatura.xpaths import BODY_XPATH

from .dom import remove_keeping_tail, visible_chars

# class names themes give to one post in a list of posts
_POST_CLASS = frozenset({"post", "entry", "hentry", "blogpost", "blog-post", "type-post", "post-outer", "date-outer",
                         "article", "story", "item"})
MIN_POST_CHARS = 300  # a teaser or a related-story box is shorter
MIN_POSTS = 2
MIN_PAGE_SHARE = 0.4  # the posts are the page, not a sidebar of it
WRAPPER_CLASS = "entry-content winnow-posts"


def _candidate_groups(tree: lxml.html.HtmlElement) -> list[list]:
    """Containers of one kind, in page order: sibling posts by their post-like class names (not
    the whole class: themes add a per-post id, "entry entry-8075656"), and the body containers
    trafilatura looks for, wherever they are."""
    posts: dict[tuple, list] = defaultdict(list)
    for element in tree.iter("div", "article", "section"):
        names = _POST_CLASS.intersection((element.get("class") or "").lower().split())
        if element.tag == "article" or names:
            parent = element.getparent()
            if parent is not None:
                posts[(parent, element.tag, names)].append(element)  # siblings only: "item" is everywhere
    bodies: dict[tuple, list] = defaultdict(list)
    for element in BODY_XPATH[0](tree):
        bodies[(element.tag, element.get("class"), element.get("id"))].append(element)
    return [*posts.values(), *(_outermost(m) for m in bodies.values())]


def _outermost(members: list) -> list:
    inside = set(members)
    return [m for m in members if not any(a in inside for a in m.iterancestors())]


def join_repeated_posts(tree: lxml.html.HtmlElement) -> int:
    """Gather the page's posts or body chunks into one container; the number gathered (0: none)."""
    page_chars = None  # measured only when a group needs it (few pages): the whole page's text
    best, best_chars = None, 0
    for members in _candidate_groups(tree):
        if len(members) < MIN_POSTS:
            continue  # most groups are one element: no text to measure
        sizes = [visible_chars(m) for m in members]
        if sum(s >= MIN_POST_CHARS for s in sizes) < MIN_POSTS or sum(sizes) <= best_chars:
            continue
        if page_chars is None:
            body = tree.find("body")
            page_chars = visible_chars(body if body is not None else tree)
        total = sum(sizes)
        if total >= MIN_PAGE_SHARE * page_chars:
            best, best_chars = [m for m, s in zip(members, sizes) if s], total
    if best is None:
        return 0
    _gather(best)
    return len(best)


def _gather(members: list) -> None:
    parent = members[0].getparent()
    wrapper = lxml.html.Element("div", {"class": WRAPPER_CLASS})
    if all(m.getparent() is parent for m in members):
        moved = list(parent)[parent.index(members[0]):parent.index(members[-1]) + 1]
    else:
        moved = members
    parent.insert(parent.index(members[0]), wrapper)
    for element in moved:
        remove_keeping_tail(element)  # text after it stays where it was
        wrapper.append(element)
