"""XPath building blocks and the markup tests every reader shares: what is the article, comment
chrome inside an item, hidden elements, pingbacks, forms, names that are no comment section, link-heavy blocks."""
from __future__ import annotations

import re
from functools import lru_cache

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
    """A whole-page XPath each of whose matches holds one of a few names (`names`, a regex) in its
    own "id class" text, and that tests nothing but the element's own tag, id and class. It is
    not run as a walk over the whole tree: it is tried on the few elements of the page whose id or
    class holds a name of some _PageQuery (_PageNames.candidates), in document order."""

    registry: list[re.Pattern[str]] = []  # the names of every _PageQuery: what a candidate holds

    def __init__(self, expr: str, names: re.Pattern[str], namespaces: dict | None = None):
        self.xpath = etree.XPath(expr, namespaces=namespaces)
        self.names = names
        branches = expr.split(" | ")
        # "//*[test] | //h2[test]" asked of one element: "self::*[test] | self::h2[test]"
        own = all(b.startswith("//") and "//" not in b[2:] for b in branches)
        self.own = etree.XPath(f"boolean({' | '.join('self::' + b[2:] for b in branches)})",
                               namespaces=namespaces) if own else None
        _PageQuery.registry.append(names)

    def __call__(self, tree, page: "_PageNames") -> list:
        """The matches in `tree`, the page _PageNames was read from."""
        if not self.names.search(page.text):
            return []
        if self.own is None:
            return self.xpath(tree)
        return [el for el, key in page.candidates() if self.names.search(key) and self.own(el)]


def _page_query(expr: str) -> _PageQuery:
    """_PageQuery for an XPath that only compares classes and ids with string literals: the names
    are its literals."""
    literals = sorted({s.strip() for s in re.findall(r"'([^']*)'", expr)} - {""})
    return _PageQuery(expr, re.compile("|".join(map(re.escape, literals))))


_CLASSES_AND_IDS = etree.XPath("//@class | //@id", smart_strings=False)
_NAMED = etree.XPath("//*[@id or @class]")


@lru_cache(maxsize=1)
def _any_name(registered: int) -> re.Pattern[str]:
    """What the names of the first `registered` _PageQuery match, or more (case is ignored)."""
    return re.compile("|".join(_fewest_alternatives(_PageQuery.registry[:registered])), re.IGNORECASE)


def _fewest_alternatives(patterns: list[re.Pattern[str]]) -> list[str]:
    """The patterns as alternatives, their ASCII words apart, without the words that hold another
    (case aside): a text holds one of all the words exactly when it holds one of those left, and
    the search tries a few words at each letter instead of dozens."""
    words, others = set(), []
    for pattern in patterns:
        parts = [re.sub(r"\\(.)", r"\1", part) for part in pattern.pattern.split("|")]
        if "|".join(map(re.escape, parts)) == pattern.pattern and all(map(str.isascii, parts)):
            words.update(part.lower() for part in parts)
        else:
            others.append(f"(?:{pattern.pattern})")
    shortest = sorted(w for w in words if not any(v != w and v in w for v in words))
    return [*map(re.escape, shortest), *others]


class _PageNames:
    """Every class and id value of the page, one a line (`text`: a _PageQuery that finds none of
    its names there is not tried), and the elements whose id or class holds a name of some
    _PageQuery (`candidates`, read when first asked for). comments_html gives no element a class
    or id, and the boxes it makes keep the document order of the elements they hold."""

    def __init__(self, tree) -> None:
        self.tree = tree
        self.text = "\n".join(_CLASSES_AND_IDS(tree))
        self._candidates: list | None = None

    def candidates(self) -> list:
        """(element, its "id class" text as EXSLT's concat(@id, ' ', @class) gives it), in document order."""
        if self._candidates is None:
            any_name = _any_name(len(_PageQuery.registry))
            keys = ((el, f"{el.get('id') or ''} {el.get('class') or ''}") for el in _NAMED(self.tree))
            self._candidates = [(el, key) for el, key in keys if any_name.search(key)]
        return self._candidates


def _xps(*exprs: str) -> tuple[etree.XPath, ...]:
    return tuple(_xp(e) for e in exprs)


_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}

# Content that is the article, never a comment section: a candidate holding one is left alone. A
# comment's own body may reuse the theme's article classes (WordPress Twenty Twenty: "comment-content
# entry-content"): an element whose class also names a comment is not the article.
_ARTICLE_CLASSES = frozenset({"entry-content", "post-body", "post-content", "article-body", "article-content",
                              "entry-body", "field-name-body", "field--name-body", "hentry", "h-entry", "type-post"})
_NOT_ARTICLE_CLASSES = frozenset({"comment", "comment-content", "comment-body", "comment-text", "comment-entry"})
_ARTICLE_CLASS_TEXT = re.compile("|".join(map(re.escape, sorted(_ARTICLE_CLASSES))))
_CLASS_SPACE = re.compile(r"[ \t\r\n]+")  # what splits class tokens (XPath's normalize-space, HTML)


def _is_article(el) -> bool:
    """An h1, the articleBody, or an element classed as the article and not as a comment. Python,
    not an XPath over the descendants: libxml2 ran 11 contains() on each (5x slower, 0.6 ms a page)."""
    if el.tag == "h1" or el.get("itemprop") == "articleBody":
        return True
    classes = el.get("class")
    if not classes or not _ARTICLE_CLASS_TEXT.search(classes):  # most elements: no token can match
        return False
    tokens = set(_CLASS_SPACE.split(classes))
    return not tokens.isdisjoint(_ARTICLE_CLASSES) and tokens.isdisjoint(_NOT_ARTICLE_CLASSES)


def _article_parts(el) -> list:
    """`el` and its descendants that are the article, in document order."""
    return [node for node in el.iter(etree.Element) if _is_article(node)]


def _holds_article(el) -> bool:
    return any(_is_article(node) for node in el.iter(etree.Element))


# Comment chrome inside a comment item: never part of a comment's text.
_CHROME_TAGS = frozenset({"img", "form", "button", "svg"})
_CHROME_CLASSES = frozenset({
    "reply", "comment-reply", "comment-reply-link", "comment-actions", "comment-likes", "comment-like",
    "sharedaddy", "avatar", "avatar-image-container", "user-picture", "says", "comment-meta", "commentmetadata",
    "comment-metadata", "comment-author", "links", "comment-permalink", "visually-hidden", "screen-reader-text",
    "item-control", "rdf-meta", "comment-arrow", "thread-toggle", "continue", "comment-replybox-single",
    "comment-replybox-thread", "edit-link", "comment-edit-link", "comment-awaiting-moderation", "dsq-comment-footer",
    "comment-footer", "comment-tools", "comment-toolbar", "comment-links", "report", "report-abuse",
    "comment-reply-login", "reply-link", "reply_link", "comment-rating", "rating", "vote", "votes", "actions", "share",
})


def _item_chrome(el) -> list:
    """The comment chrome inside `el`, in document order. Python, not an XPath: libxml2 ran a
    contains() per class name on each descendant (5x slower, 0.3 ms a page)."""
    return [node for node in el.iterdescendants(etree.Element)
            if node.tag in _CHROME_TAGS or _classed(node, _CHROME_CLASSES)]


def _classed(el, names: frozenset) -> bool:
    """One of the class tokens of `el` is in `names` (tokens split as XPath's normalize-space splits)."""
    classes = el.get("class")
    return bool(classes) and not names.isdisjoint(_CLASS_SPACE.split(classes))


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
