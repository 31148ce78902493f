"""Page chrome found by its markup before extraction: share bars, newsletter and cookie boxes,
related-link lists, author bio boxes. Removed from the tree (and audited) so that no extractor
mistakes it for article text.

A block is chrome when its class or id names it so; it is never the block that holds the
page's headline or most of its text.
"""
from __future__ import annotations

import re

from lxml import etree

from .document import Removal
from .dom import remove_keeping_tail, visible_text
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
_CANDIDATES = etree.XPath("//body//*[@class or @id][not(self::body or self::html or self::main or self::article)]")
# Share of the page's text a chrome block may hold at most: more is the article itself.
_MAX_SHARE = 0.3


_POST_CLASS = {"hentry", "h-entry", "type-post", "post"}


def chrome_kind(element: etree._Element) -> str | None:
    """The chrome its class or id names. Taxonomy classes ("tag-share") are gone by now:
    cleaners.dom.drop_taxonomy_classes runs first."""
    classes = (element.get("class") or "").split()
    if _POST_CLASS.intersection(c.lower() for c in classes):
        return None  # the post itself, whatever else its classes say
    names = " ".join([*classes, element.get("id") or ""])
    for reason, pattern in _PATTERNS.items():
        if pattern.search(names):
            return reason
    return None


_LISTS = etree.XPath("//body//ul | //body//ol")


def _link_list(element: etree._Element) -> bool:
    """A list of three or more items that are nothing but links: related stories, navigation."""
    items = [li for li in element if li.tag == "li"]
    if len(items) < 3:
        return False
    text = collapse_spaces(element.text_content())
    links = sum(len(collapse_spaces(a.text_content())) for a in element.iter("a"))
    return bool(text) and links >= 0.9 * len(text) and all(li.find(".//a") is not None for li in items)


def _strip_matching(tree: etree._Element, candidates: etree.XPath, is_chrome, reason: str) -> list[Removal]:
    """Remove the outermost candidates `is_chrome` accepts, each audited with `reason`."""
    removals = []
    for element in candidates(tree):
        if element.getparent() is None or _removed_ancestor(element) or not is_chrome(element):
            continue
        element.set("data-winnow-removed", reason)
        removals.append(Removal.of(STEP, reason, collapse_spaces(element.text_content())))
    for element in tree.xpath("//*[@data-winnow-removed]"):
        remove_keeping_tail(element)
    return removals


def strip_link_lists(tree: etree._Element) -> list[Removal]:
    return _strip_matching(tree, _LISTS, _link_list, "chrome:link_list")


_BLOCKS = etree.XPath("//body//div | //body//section | //body//aside | //body//nav | //body//td | //body//p")
MIN_BLOCK_LINKS = 3
LINK_SHARE = 0.5  # of the block's text in its links: headline lists, blogrolls, tag clouds, menus
MAX_PROSE_CHARS = 300  # text outside the links: more is an article with a menu in it
MIN_SENTENCE_WORDS = 6  # a run of this many words outside the links is a sentence
_TEXT_OUTSIDE_LINKS = etree.XPath(".//text()[not(ancestor::a)][normalize-space()]")


def _link_block(element: etree._Element, page_chars: int) -> bool:
    """A block that is mostly links: a list of headlines, a blogroll or a tag cloud laid out without
    a list, beside the article; never one holding the headline, a paragraph or a sentence of prose."""
    anchors = [a for a in element.iter("a") if collapse_spaces(a.text_content())]
    if len(anchors) < MIN_BLOCK_LINKS or element.xpath("boolean(.//h1 | .//p[string-length(normalize-space()) > 200])"):
        return False
    text = len(collapse_spaces(element.text_content()))
    links = sum(len(collapse_spaces(a.text_content())) for a in anchors)
    if not (0 < text <= _MAX_SHARE * page_chars and links >= LINK_SHARE * text and text - links < MAX_PROSE_CHARS):
        return False
    # a sentence with links in it ("the file can be downloaded here") is text, however many links
    return max((len(run.split()) for run in _TEXT_OUTSIDE_LINKS(element)), default=0) < MIN_SENTENCE_WORDS


def strip_link_blocks(tree: etree._Element, page_chars: int) -> list[Removal]:
    return _strip_matching(tree, _BLOCKS, lambda e: _link_block(e, page_chars), "chrome:link_block")


def strip_chrome_blocks(tree: etree._Element) -> list[Removal]:
    """Remove chrome blocks from `tree`; the removals, outermost blocks only."""
    page_chars = len(visible_text(tree)) or 1  # scripts and styles are not page text
    removals: list[Removal] = []
    for element in _CANDIDATES(tree):
        if element.getparent() is None or _removed_ancestor(element):
            continue
        reason = chrome_kind(element)
        if reason is None or element.xpath("boolean(.//h1)"):
            continue
        text = collapse_spaces(element.text_content())
        if len(text) > _MAX_SHARE * page_chars:
            continue
        element.set("data-winnow-removed", reason)
        removals.append(Removal.of(STEP, reason, text))
    for element in tree.xpath("//*[@data-winnow-removed]"):
        remove_keeping_tail(element)
    # lists of bare links after the named blocks, so that those keep their more precise reason
    return [r for r in removals + strip_link_lists(tree) + strip_link_blocks(tree, page_chars) if r.chars]


def _removed_ancestor(element: etree._Element) -> bool:
    return any(a.get("data-winnow-removed") for a in element.iterancestors())
