"""Pages that list several whole posts (blog front pages, archives, category pages).

trafilatura takes the first container that looks like a post body, so on such a page it keeps
one post of many. When sibling containers with a post-like class each carry substantial text and
together hold most of the page's text, they are wrapped in one container trafilatura picks first,
so every post is extracted, in page order, with whatever lies between them (date headers).
"""
from __future__ import annotations

import re
from collections import defaultdict

import lxml.html

# class names themes give to one post in a list of posts
_POST_CLASS = {"post", "entry", "hentry", "blogpost", "blog-post", "type-post", "post-outer", "date-outer",
               "article", "story", "item"}
MIN_POST_CHARS = 300  # a teaser or a related-story box is shorter
MIN_POSTS = 2
MIN_PAGE_SHARE = 0.4  # the posts are the page, not a sidebar of it
WRAPPER_CLASS = "entry-content winnow-posts"


def _text_chars(element: lxml.html.HtmlElement) -> int:
    return len(" ".join("".join(element.itertext()).split()))


def _post_groups(tree: lxml.html.HtmlElement) -> dict[tuple, list]:
    groups: dict[tuple, list] = defaultdict(list)
    for element in tree.iter("div", "article", "section"):
        # the post-like names, not the whole class: themes add a per-post id ("entry entry-8075656")
        names = frozenset(n for n in (element.get("class") or "").lower().split() if n in _POST_CLASS)
        if element.tag != "article" and not names:
            continue
        parent = element.getparent()
        if parent is not None:
            groups[(parent, element.tag, names)].append(element)
    return groups


def join_repeated_posts(tree: lxml.html.HtmlElement) -> int:
    """Wrap a run of sibling posts in one container; returns the number of posts wrapped (0: none)."""
    body = tree.find("body")
    page_chars = _text_chars(body if body is not None else tree)
    best, best_chars = None, 0
    for members in _post_groups(tree).values():
        sizes = [_text_chars(m) for m in members]
        if sum(s >= MIN_POST_CHARS for s in sizes) < MIN_POSTS:
            continue
        total = sum(sizes)
        if total > best_chars and total >= MIN_PAGE_SHARE * page_chars:
            best, best_chars = members, total
    if best is None:
        return 0
    parent = best[0].getparent()
    first, last = parent.index(best[0]), parent.index(best[-1])
    wrapper = lxml.html.Element("div", {"class": WRAPPER_CLASS})
    for child in list(parent)[first:last + 1]:
        wrapper.append(child)  # moves it, tail included
    parent.insert(first, wrapper)
    return len(best)
