"""XPath building blocks and the markup tests every reader shares: what is the article, comment
chrome inside an item, hidden elements, pingbacks, forms, names that are no comment section, link-heavy blocks."""
from __future__ import annotations

import re

from lxml import etree


def _cls(*names: str) -> str:
    """XPath test: the element's class list holds one of `names` (whole tokens only)."""
    tokens = " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')" for n in names)
    # A plain substring test first: most elements fail it, and it costs far less than normalize-space.
    return f"(({_substrings(names)}) and ({tokens}))"


def _substrings(names) -> str:
    """XPath test: @class contains one of `names` as a substring (names inside another name suffice)."""
    shortest = [n for n in names if not any(m != n and m in n for m in names)]
    return " or ".join(f"contains(@class, '{n}')" for n in dict.fromkeys(shortest))


def _xp(expr: str) -> etree.XPath:
    return etree.XPath(expr)


class _PageQuery:
    """A whole-page XPath each of whose matches holds one of a few names in its class or id: on a
    page where no class or id holds one of them it finds nothing, and is not run (each run is a
    walk over the whole tree)."""

    def __init__(self, expr: str, names: re.Pattern[str], namespaces: dict | None = None):
        self.xpath = etree.XPath(expr, namespaces=namespaces)
        self.names = names

    def __call__(self, tree, page_names: str) -> list:
        """The matches in `tree`; `page_names` holds every class and id of the page (_page_names)."""
        return self.xpath(tree) if self.names.search(page_names) else []


def _page_query(expr: str) -> _PageQuery:
    """_PageQuery for an XPath that only compares classes and ids with string literals: the names
    are its literals."""
    literals = sorted({s.strip() for s in re.findall(r"'([^']*)'", expr)} - {""})
    return _PageQuery(expr, re.compile("|".join(map(re.escape, literals))))


_CLASSES_AND_IDS = etree.XPath("//@class | //@id", smart_strings=False)


def _page_names(tree) -> str:
    """Every class and id value of the page, one a line: what _PageQuery looks for."""
    return "\n".join(_CLASSES_AND_IDS(tree))


def _xps(*exprs: str) -> tuple[etree.XPath, ...]:
    return tuple(_xp(e) for e in exprs)


_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}

# Content that is the article, never a comment section: a candidate holding one is left alone.
_ARTICLE = (
    "descendant-or-self::*[self::h1 or @itemprop='articleBody' or "
    + _cls("entry-content", "post-body", "post-content", "article-body", "article-content", "entry-body",
           "field-name-body", "field--name-body", "hentry", "h-entry", "type-post")
    + "]"
)
_HOLDS_ARTICLE = _xp(f"boolean({_ARTICLE})")
_ARTICLE_PARTS = _xp(_ARTICLE)
# Comment chrome inside a comment item: never part of a comment's text.
_ITEM_CHROME = _xp(
    ".//*[self::img or self::form or self::button or self::svg or @class and "
    + _cls("reply", "comment-reply", "comment-reply-link", "comment-actions", "comment-likes", "comment-like",
           "sharedaddy", "avatar", "avatar-image-container", "user-picture", "says", "comment-meta",
           "commentmetadata", "comment-metadata", "comment-author", "links", "comment-permalink",
           "visually-hidden", "screen-reader-text", "item-control", "rdf-meta", "comment-arrow",
           "thread-toggle", "continue", "comment-replybox-single", "comment-replybox-thread", "edit-link",
           "comment-edit-link", "comment-awaiting-moderation", "dsq-comment-footer", "comment-footer",
           "comment-tools", "comment-toolbar", "comment-links", "report", "report-abuse", "comment-reply-login",
           "reply-link", "reply_link", "comment-rating", "rating", "vote", "votes", "actions", "share")
    + "]"
)
_HIDDEN = _xp(
    ".//*[(@style and (contains(translate(@style, ' ', ''), 'display:none') or "
    "contains(translate(@style, ' ', ''), 'visibility:hidden'))) or @hidden or "
    "(@class and " + _cls("hidden", "akismet-fields-container") + ")]"
)
_SAYS = _xp(".//*[" + _cls("says") + "]")
_PINGBACK_CLASS = _xp("boolean(self::*[" + _cls("pingback", "trackback") + "])")
_FORMISH = _xp("boolean(descendant-or-self::*[self::form or self::textarea or @id='comment-editor'])")
_NOT_A_SECTION = re.compile(
    r"recent|latest|popular|most|widget|count|form|respond|link|nav|pagination|pager|rss|feed|closed|policy|"
    r"rule|button|share|meta|author|num|title|head|reply|tool|avatar|rating|vote", re.I)


def _mostly_links(*elements) -> bool:
    """Half of the blocks' text is link text: tags, navigation, 'Read more'."""
    text = sum(len(el.text_content().strip()) for el in elements)
    links = sum(len(a.text_content().strip()) for el in elements for a in el.iter("a"))
    return text > 0 and links >= 0.5 * text
