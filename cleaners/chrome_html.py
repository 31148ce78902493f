"""Page chrome found by its markup before extraction: share bars, newsletter and cookie boxes,
related-link lists, author bio boxes. Removed from the tree (and audited) so that no extractor
mistakes it for article text.

A block is chrome when its class or id names it so; it is never the block that holds the
page's headline or most of its text.
"""
from __future__ import annotations

import re
from itertools import islice

from lxml import etree

from .caching import cache_short
from .document import Removal
from .dom import attribute_owners, remove_keeping_tail, text_length
from .normalize import collapse_spaces

STEP = "boilerplate"

# reason -> class/id vocabulary, matched as whole dash/underscore-separated words
_KINDS = {
    "chrome:share": r"share|shares|sharing|sharebar|share-?buttons?|social-?share|sharedaddy|addtoany|a2a_kit|"
                    r"sociable|social-?(?:links|icons|buttons|bar)|sharethis|shareaholic",
    "chrome:newsletter": r"newsletter|newsletter-signup|subscribe-?box|subscription-?box|signup-?form|mc4wp|"
                         r"optin|email-?signup|mailchimp",
    "chrome:cookie_banner": r"cookie|cookies|cookie-?(?:banner|notice|consent|bar)|consent|gdpr|cmplz|onetrust|"
                            r"cookiebot|borlabs|cc-window|cookie-?law",
    "chrome:related": r"related|related-?(?:posts|articles|stories|content|links)|yarpp|jp-relatedposts|"
                      r"more-?stories|recommended|read-?next|also-?read|you-?may-?also-?like|most-?(?:read|popular)|"
                      r"popular-?posts|trending",
    "chrome:sidebar": r"sidebar\d?|side-?bar|sidebar-?wrapper|widget-?area|secondary-?sidebar",
    "chrome:author_bio": r"author-?bio|about[-_]?(?:the[-_]?)?author|author-?box|authorbox|author-?info|saboxplugin|"
                         r"profile-?container|profile-?textblock|widget-?profile|"
                         r"author-?card|post-?author-?bio",
    "chrome:advert": r"advert|advertisement|ad-?(?:container|slot|wrapper|unit|banner)|adsbygoogle|sponsor-?box",
}
_PATTERNS = {
    reason: re.compile(rf"(?:^|[\s_-])(?:{words})(?:$|[\s_-]|\d)", re.IGNORECASE)
    for reason, words in _KINDS.items()
}
# A sidebar only by a whole class or id: "l-sidebar-fixed" names a layout that has one beside the article.
_PATTERNS["chrome:sidebar"] = re.compile(rf"(?:^|\s)(?:{_KINDS['chrome:sidebar']})(?:$|\s)", re.IGNORECASE)
# Blocks with a class or id, through their attributes (dom.attribute_owners): 0.27 ms a page, 0.4 by a predicate
# (and by a walk of the body when the page has one: _in_body)
_NAMED = etree.XPath("//body//*/@class | //body//*/@id")
_NEVER_CHROME = ("body", "html", "main", "article")
# Share of the page's text a chrome block may hold at most: more is the article itself.
_MAX_SHARE = 0.3


_POST_CLASS = {"hentry", "h-entry", "type-post", "post"}
_HAS_H1 = etree.XPath("boolean(.//h1)")
_MARKED = etree.XPath("//*[@data-winnow-removed]")
_ANY_MARKED = etree.XPath("boolean(//@data-winnow-removed)")
# Text a reader never sees: the outermost scripts, styles and noscripts (text inside one is in it).
_UNSEEN = etree.XPath("(descendant-or-self::script | descendant-or-self::style | descendant-or-self::noscript)"
                      "[not(ancestor::script or ancestor::style or ancestor::noscript)]")


def chrome_kind(element: etree._Element) -> str | None:
    """The chrome its class or id names. Taxonomy classes ("tag-share") are gone by now:
    cleaners.dom.drop_taxonomy_classes runs first."""
    return _kind_named(element.get("class"), element.get("id"))


_CACHED_NAME_CHARS = 500
_REASONS = list(_PATTERNS)


@cache_short(maxsize=4096, max_chars=_CACHED_NAME_CHARS)  # a page repeats its class names, a site on every page
def _kind_named(class_names: str | None, id_name: str | None) -> str | None:
    classes = (class_names or "").split()
    if _POST_CLASS.intersection(c.lower() for c in classes):
        return None  # the post itself, whatever else its classes say
    # The patterns match within a word (their bounds are spaces or the ends), so the names are
    # searched a word at a time, each word once a process; the first kind in _PATTERNS wins.
    rank = min(map(_kind_rank, (*classes, *(id_name or "").split())), default=len(_REASONS))
    return _REASONS[rank] if rank < len(_REASONS) else None


# Every string a kind's words match, in lower case, holds one of these (tests check each of them):
# an ASCII word, lowered, that holds none names no kind, and the seven searches are spared (the
# most words of a page: each is new to a cache that other sites' words fill). Corpus class and id
# words: 6.5 -> 2.3 us a word.
_KIND_TOKENS = re.compile("|".join(map(re.escape, (
    "share", "sharing", "social", "sociable", "addtoany", "a2a_kit",
    "newsletter", "subscri", "signup", "mc4wp", "optin", "mailchimp",
    "cookie", "consent", "gdpr", "cmplz", "onetrust", "borlabs", "cc-window",
    "related", "yarpp", "more", "recommended", "read", "you", "popular", "trending",
    "side", "widget",
    "author", "saboxplugin", "profile",
    "advert", "container", "slot", "wrapper", "unit", "banner", "adsbygoogle", "sponsor",
))))


@cache_short(maxsize=16_384, max_chars=_CACHED_NAME_CHARS)
def _kind_rank(word: str) -> int:
    """The place in _PATTERNS of the first kind `word` names; past the end for none."""
    if word.isascii() and not _KIND_TOKENS.search(word.lower()):
        return len(_REASONS)  # re's IGNORECASE on ASCII is lower() on both sides
    return next((rank for rank, pattern in enumerate(_PATTERNS.values()) if pattern.search(word)), len(_REASONS))


def _named_chrome(element: etree._Element, page_chars: int) -> str | None:
    """The reason a named chrome block goes, unless it holds the headline or most of the page."""
    reason = chrome_kind(element)
    if reason is None or _HAS_H1(element):
        return None
    if len(collapse_spaces(element.text_content())) > _MAX_SHARE * page_chars:
        return None
    return reason


_LIST_TAGS = ("ul", "ol")
_LISTS = etree.XPath(" | ".join(f"//body//{tag}" for tag in _LIST_TAGS))


def _link_list(element: etree._Element, anchor_chars) -> bool:
    """A list of three or more items that are nothing but links: related stories, navigation."""
    items = [li for li in element if li.tag == "li"]
    if len(items) < 3:
        return False
    text = collapse_spaces(element.text_content())
    links = sum(anchor_chars(a) for a in element.iter("a"))
    return bool(text) and links >= 0.9 * len(text) and all(li.find(".//a") is not None for li in items)


def _strip_matching(tree: etree._Element, candidates: list, judge, premarked: bool) -> list[Removal]:
    """Remove the outermost candidates `judge` gives a reason for, each audited with it.

    Nothing changes in the tree until all are judged, and the blocks marked are disjoint and come
    in document order: a candidate has a marked ancestor only if it is in one marked here. A page
    whose own markup carries the mark (`premarked`) is checked ancestor by ancestor."""
    removals, marked, inside = [], [], set()
    for element in candidates:
        if element in inside or (premarked and _removed_ancestor(element)):
            continue
        reason = judge(element)
        if reason is None:
            continue
        element.set("data-winnow-removed", reason)
        marked.append(element)
        inside.update(element.iterdescendants())
        removals.append(Removal.of(STEP, reason, collapse_spaces(element.text_content())))
    for element in _MARKED(tree) if premarked else marked:
        remove_keeping_tail(element)
    return removals


def _anchor_chars():
    """Characters of a link's text, read once a pass: blocks nest, and each reads its links."""
    seen: dict[etree._Element, int] = {}  # its keys keep the proxies, so an element is found again

    def chars(anchor: etree._Element) -> int:
        count = seen.get(anchor)
        if count is None:
            count = seen[anchor] = len(collapse_spaces(anchor.text_content()))
        return count
    return chars


def strip_link_lists(tree: etree._Element, premarked: bool = True, body=...) -> list[Removal]:
    chars = _anchor_chars()

    def judge(element: etree._Element) -> str | None:
        return "chrome:link_list" if _link_list(element, chars) else None
    return _strip_matching(tree, _in_body(tree, body, _LISTS, _LIST_TAGS), judge, premarked)


_BLOCK_TAGS = ("div", "section", "aside", "nav", "td", "p")
_BLOCKS = etree.XPath(" | ".join(f"//body//{tag}" for tag in _BLOCK_TAGS))
MIN_BLOCK_LINKS = 3
LINK_SHARE = 0.5  # of the block's text in its links: headline lists, blogrolls, tag clouds, menus
MAX_PROSE_CHARS = 300  # text outside the links: more is an article with a menu in it
MIN_SENTENCE_WORDS = 6  # a run of this many words outside the links is a sentence
_TEXT_OUTSIDE_LINKS = etree.XPath(".//text()[not(ancestor::a)][normalize-space()]")
_HEADLINE_OR_PROSE = etree.XPath("boolean(.//h1 | .//p[string-length(normalize-space()) > 200])")


def _link_block(element: etree._Element, page_chars: int, anchor_chars) -> bool:
    """A block that is mostly links: a list of headlines, a blogroll or a tag cloud laid out without
    a list, beside the article; never one holding the headline, a paragraph or a sentence of prose."""
    lengths = [n for n in map(anchor_chars, element.iter("a")) if n]
    if len(lengths) < MIN_BLOCK_LINKS:
        return False
    text = len(collapse_spaces(element.text_content()))
    links = sum(lengths)
    if not (0 < text <= _MAX_SHARE * page_chars and links >= LINK_SHARE * text and text - links < MAX_PROSE_CHARS):
        return False
    if _HEADLINE_OR_PROSE(element):
        return False
    # a sentence with links in it ("the file can be downloaded here") is text, however many links
    return max((len(run.split()) for run in _TEXT_OUTSIDE_LINKS(element)), default=0) < MIN_SENTENCE_WORDS


def strip_link_blocks(tree: etree._Element, page_chars: int, premarked: bool = True, body=...) -> list[Removal]:
    blocks, chars = _in_body(tree, body, _BLOCKS, _BLOCK_TAGS), _anchor_chars()
    over = _over_share(blocks, _MAX_SHARE * page_chars)

    def judge(block: etree._Element) -> str | None:
        return "chrome:link_block" if block not in over and _link_block(block, page_chars, chars) else None
    return _strip_matching(tree, blocks, judge, premarked)


def _over_share(blocks: list, limit: float) -> set:
    """The blocks (and their ancestors) whose text, spaces collapsed, is longer than `limit`.

    Read from the innermost out: a block holding one over the limit is over it too (its text holds
    the other's, and collapsing spaces never makes that part shorter), so the large outer blocks,
    whose texts cost most to collapse, are never read."""
    over = set()
    for block in reversed(blocks):  # a block's descendants come after it in document order
        if block in over or text_length(block) <= limit:  # collapsing spaces only shortens
            continue
        if len(collapse_spaces(block.text_content())) > limit:
            over.add(block)
            for ancestor in block.iterancestors():
                if ancestor in over:
                    break  # and so are all of its ancestors
                over.add(ancestor)
    return over


def _only_body(tree) -> etree._Element | None:
    """The page's body when it has exactly one (as parsed pages do), else None."""
    document = tree if isinstance(tree, etree._ElementTree) else tree.getroottree()
    bodies = list(islice(document.iter("body"), 2))
    return bodies[0] if len(bodies) == 1 else None


def _in_body(tree, body, path: etree.XPath, tags: tuple[str, ...] | None) -> list:
    """What `path` finds: the elements with one of `tags` inside the body (`tags` None: those with a
    class or id, as _NAMED finds them through their attributes), in document order. With the page's
    only body (`body`; ... when not read yet) in one walk of the body, not one walk per tag and a
    sort of their union (corpus pages: _BLOCKS 0.32 -> 0.05 ms). A body alone keeps being alone:
    what the passes remove lies inside it."""
    if body is ...:
        body = _only_body(tree)
    if body is None:
        return attribute_owners(path(tree)) if tags is None else path(tree)
    if tags is None:
        return [el for el in body.iterdescendants(etree.Element) if el.get("class") is not None or el.get("id") is not None]
    return list(body.iterdescendants(*tags))


def _page_chars(tree: etree._Element) -> int:
    """len(visible_text(tree)) for the page's root, without joining its text nodes one by one:
    all of its text less that of its scripts, styles and noscripts."""
    return text_length(tree) - sum(text_length(unseen) for unseen in _UNSEEN(tree))


def strip_chrome_blocks(tree: etree._Element) -> list[Removal]:
    """Remove chrome blocks from `tree`; the removals, outermost blocks only."""
    page_chars = _page_chars(tree) or 1  # scripts and styles are not page text
    # marks in the page's own markup; ours are all removed by the end of each pass
    premarked = _ANY_MARKED(tree)
    body = _only_body(tree)
    candidates = [el for el in _in_body(tree, body, _NAMED, None) if el.tag not in _NEVER_CHROME]
    removals = _strip_matching(tree, candidates, lambda e: _named_chrome(e, page_chars), premarked)
    # lists of bare links after the named blocks, so that those keep their more precise reason
    removals += strip_link_lists(tree, premarked, body) + strip_link_blocks(tree, page_chars, premarked, body)
    return [r for r in removals if r.chars]


def _removed_ancestor(element: etree._Element) -> bool:
    return any(a.get("data-winnow-removed") for a in element.iterancestors())
