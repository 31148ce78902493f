"""Python answers to trafilatura's slowest XPaths: the same elements in the same order, 3x faster.

trafilatura finds its article body, discarded blocks, comment sections, author names and category
links with XPaths such as `.//*[self::div or ...][@class='post' or re:test(@class, '...')]`.
libxml2 tests such a predicate on every element of the page, each regex test by a call back into
Python: the first seventeen below cost 21.7 ms on a corpus page's whole tree, 6.9 ms answered here,
and about 4 ms of each page in our HTML step; the eleven after them 1 ms more of each page. Here lxml's iter() walks the elements of the tags asked
for (filtered natively) and a Python test reads their attributes with the same regexes.

Each answer replaces trafilatura's XPath only while that XPath's text is the one it was written
from (`use_python_queries`): a release that changes one keeps its own XPath there.
tests/test_trafilatura_queries.py compares every answer with the XPath's on real pages.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache

from lxml import etree

from .pinned import text_digest


def _first_of(element: etree._Element, names: frozenset[str]) -> str:
    """The string value of the XPath `@a|@b` on `element`: its first of those attributes, in the
    order the element has them; "" when it has none."""
    for name, value in element.items():
        if name in names:
            return value
    return ""


def _searcher(pattern: str) -> Callable[[str | None], bool]:
    """re:test(@x, pattern) as lxml's EXSLT runs it: re.search, an absent attribute read as ""."""
    search = re.compile(pattern).search
    absent = search("") is not None  # most elements lack the attribute: no search for them
    return lambda value: absent if value is None else search(value) is not None


@dataclass(frozen=True)
class AttributeQuery:
    """The elements an XPath `.//*[tags][test]` (or `//*[...]`) selects: those whose tag is in
    `tags` (None: any) and that pass `test`, a test of their attributes, in document order."""

    test: Callable[[etree._Element], bool]
    tags: frozenset[str] | None = None
    whole_document: bool = False  # //* (the document's elements), not .//* (the context's descendants)
    first_per_parent: bool = False  # the XPath's step ends in [1]: the first such child of each parent
    first_only: bool = False  # the XPath is (...)[1]: the first such element of all
    links_below: bool = False  # the XPath goes on with //a[@href]: the links in those elements
    unless: etree.XPath | None = None  # when true on the tree, the XPath itself answers
    xpath: etree.XPath | None = None  # the XPath answered for (`standing_in_for`)

    @property
    def path(self) -> str:
        return self.xpath.path

    def standing_in_for(self, xpath: etree.XPath) -> AttributeQuery:
        return replace(self, xpath=xpath)

    def __call__(self, tree: etree._Element) -> list:
        if self.unless is not None and self.unless(tree):
            return self.xpath(tree)
        tags = self.tags or (etree.Element,)
        # lxml filters the tags natively: twice as fast as finding the attributes' owners
        if self.whole_document:  # //*: the document's elements
            elements = tree.getroottree().getroot().iter(*tags)
        else:  # .//*: the context's descendants
            elements = tree.iterdescendants(*tags)
        test = self.test
        if self.first_only:
            first = next((el for el in elements if test(el)), None)
            return [] if first is None else [first]
        found = [el for el in elements if test(el)]
        if self.first_per_parent:
            found = _first_of_each_parent(found)
        return _links_below(found) if self.links_below else found


def _first_of_each_parent(elements: list) -> list:
    first, parents = [], set()
    for el in elements:
        parent = el.getparent()
        if parent not in parents:
            parents.add(parent)
            first.append(el)
    return first


def _links_below(elements: list) -> list:
    """`elements` (in document order) followed by the XPath step //a[@href]: their links, each once,
    in document order. An element inside one already taken adds no link of its own."""
    links, outer = [], None
    for el in elements:
        if outer is not None and any(a is outer for a in el.iterancestors()):
            continue
        outer = el
        links += [a for a in el.iterdescendants("a") if a.get("href") is not None]
    return links


_ID_CLASS = frozenset({"id", "class"})
_ID_STYLE = frozenset({"id", "style"})


def _body_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("(?:entry|article|art)-content|article__content|article(?:-|__)?body|articleBody|body-text")
    class_test = _searcher("post[-_]text|post-body|post-?entry|post[-_]?content|postContent|post_inner_wrapper|"
                           "article-?text|articleText|(?:entry|page|text|article|art)-content|article__content|"
                           "article(?:-|__)?body|articleBody|ArticleContent|body-text|article__container")

    def test(el: etree._Element) -> bool:
        cls, ident = el.get("class"), el.get("id")
        return (cls == "post" or cls == "entry" or el.get("itemprop") == "articleBody" or ident == "articleContent"
                or id_test(ident) or class_test(cls))
    return test


def _overall_discard_test() -> Callable[[etree._Element], bool]:
    cookie = _searcher("cookie")
    id_test = _searcher("^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
                        "^(?:jp-|dpsp-content)|bmdh|footer|Footer|share|Share|nav|Nav|menu|related|message-container|"
                        "premium|^ad-")
    class_test = _searcher(
        "^shar|social|viral|newsletter|syndication|tags|sidebar|banner|bread-?crumb|button|author|"
        "^(?:nav|post-nav|ZendeskForm)|subnav|avigation|navbar|navbox|menu|bar| ad |-ad-|(?:^| )ad-|dfp[Aa]d|outbrain|"
        "taboola|criteo|paid-?content|widget|footer|Footer|byline|Byline|share-|sociable|embedded|embed|tag-list|"
        "consent|modal-content|permission|elated|next-|-stories|most-popular|more-on|meta|rating|attachment|"
        "timestamp|user-info|user-profile|-icon|article-infos|message-container|slide|viewport|overlay|options|"
        "expand|obfuscated|blurred|mol-factbox|yin|zlylin|nfoline")

    def test(el: etree._Element) -> bool:
        return (el.get("data-lp-replacement-content") is not None
                or "nav" in (el.get("role") or "").replace("N", "n")
                or "MostPopularStories" in (el.get("data-component") or "")
                or cookie(_first_of(el, _ID_CLASS)) or id_test(el.get("id")) or class_test(el.get("class")))
    return test


def _hidden_discard_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("reader-comments|akismet")
    class_test = _searcher("^hide-|comments-title|nocomments|-reply-|message|akismet|suggest-links|-hide-|hide-print|"
                           " hidden| hide|noprint|notloaded")

    def test(el: etree._Element) -> bool:
        style = el.get("style") or ""
        return (el.get("class") == "comments-title" or _first_of(el, _ID_CLASS).startswith("reply-")
                or "hidden" in _first_of(el, _ID_STYLE) or "display:none" in style or "display: none" in style
                or id_test(el.get("id")) or class_test(el.get("class")) or el.get("aria-hidden") == "true")
    return test


def _author_discard_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("^comments|comment-?list|ProductReviews")
    class_test = _searcher("^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
                           "article-(?:share|support)|print|category|meta-date|meta-reviewer")

    def test(el: etree._Element) -> bool:
        ident, cls = el.get("id"), el.get("class")
        return (ident == "comments" or cls in ("comments", "title", "date") or id_test(ident) or class_test(cls)
                or "Figure" in (el.get("data-component") or ""))
    return test


def _author_link_test() -> Callable[[etree._Element], bool]:
    class_test = _searcher("author-?name|AuthorName|authorName")

    def test(el: etree._Element) -> bool:
        return (el.get("rel") == "author" or el.get("id") == "author" or el.get("class") == "author"
                or el.get("itemprop") == "author name" or el.get("data-testid") in ("AuthorCard", "AuthorURL")
                or class_test(el.get("class")))
    return test


def _author_byline_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("author|zuozhe|bianji|xiaobian")
    class_test = _searcher("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")

    def test(el: etree._Element) -> bool:
        cls = el.get("class")
        return (cls in ("byline", "username", "byl", "BBL") or "author" in (el.get("itemprop") or "")
                or id_test(el.get("id")) or class_test(cls))
    return test


def _author_any_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("[Aa]uthor")
    class_test = _searcher("[Aa]uthor|screenname|writer|[Bb]yline")

    def test(el: etree._Element) -> bool:
        return ("Byline" in (el.get("data-component") or "") or "author" in (el.get("itemprop") or "")
                or id_test(el.get("id")) or class_test(el.get("class")))
    return test


def _raw_prune_test() -> Callable[[etree._Element], bool]:
    either = _searcher("mvp-post-add-(?:box|wrap)|infinite-?scroll")
    add_box = _searcher("mvp-post-add-(?:box|wrap)")

    def test(el: etree._Element) -> bool:
        ident, cls = el.get("id"), el.get("class")
        if not (either(ident) or either(cls)):
            return False
        return next(el.iterdescendants("h1"), None) is None or add_box(ident) or add_box(cls)
    return test


def _comment_list_test() -> Callable[[etree._Element], bool]:
    listed = _searcher("comment-?list")
    class_test = _searcher("comment-page|comments-content|post-comments")
    return lambda el: listed(_first_of(el, _ID_CLASS)) or class_test(el.get("class"))


def _comments_test() -> Callable[[etree._Element], bool]:
    starts = _searcher("^comment[s-]")
    class_test = _searcher("^Comments|article-comments")
    return lambda el: starts(_first_of(el, _ID_CLASS)) or class_test(el.get("class"))


def _article_frame_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("^primary|story-body")
    fulltext = re.compile("fulltext", re.IGNORECASE).search  # re:test(..., 'i')
    class_test = _searcher("^article |post-bodycopy|story-?content|(?:theme|blog|section|single)-content|single-post|"
                           "main-column|wpb_text_column|story-body|field-body")

    def test(el: etree._Element) -> bool:
        ident, cls = el.get("id"), el.get("class")
        return (el.get("role") == "article" or ident in ("article", "story")
                or cls in ("postarea", "art-postcontent", "text", "cell", "story")
                or id_test(ident) or (cls is not None and fulltext(cls) is not None) or class_test(cls))
    return test


def _content_frame_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("content-main|content-body|contentBody")
    class_test = _searcher("content[-_]main|content(?:-|__)body")

    def test(el: etree._Element) -> bool:
        ident, cls = el.get("id") or "", el.get("class") or ""
        return (ident == "content" or cls == "content" or id_test(ident) or class_test(cls)
                or "main-content" in ident.replace("C", "c").replace("M", "m")
                or "main-content" in cls.replace("C", "c").replace("M", "m")
                or "page-content" in cls.replace("C", "c").replace("P", "p"))
    return test


def _post_meta_test() -> Callable[[etree._Element], bool]:
    class_test = _searcher("^(?:post-?info|post-?meta|meta|entry-meta|entry-info|entry-utility)")
    return lambda el: class_test(el.get("class")) or (el.get("id") or "").startswith("postpath")


def _post_meta_paragraph_test(el: etree._Element) -> bool:
    cls = el.get("class") or ""
    return (cls.startswith(("postmeta", "entry-categories")) or el.get("class") == "postinfo"
            or el.get("id") == "filedunder")


def _category_test(el: etree._Element) -> bool:
    cls = el.get("class")
    return cls in ("post-category", "postcategory", "entry-category") or "cat-links" in (cls or "")


def _tag_box_test() -> Callable[[etree._Element], bool]:
    class_test = _searcher("^(?:tag|postmeta|meta)")
    return lambda el: el.get("class") in ("row", "jp-relatedposts", "entry-utility") or class_test(el.get("class"))


def _topics_test(el: etree._Element) -> bool:
    cls = el.get("class")
    return cls == "entry-meta" or "topics" in (cls or "") or "tags-links" in (cls or "")


def _share_buttons_test(el: etree._Element) -> bool:
    return "elementor-share-buttons" in (el.get("class") or "")


def _comment_embed_test() -> Callable[[etree._Element], bool]:
    id_test = _searcher("^(?:comol|disqus_thread|dsq-comments)")
    return lambda el: id_test(el.get("id"))


def _social_or_comment_test(el: etree._Element) -> bool:
    return (el.get("id") or "").startswith("social") or "comment" in (el.get("class") or "")


def _caption_test(el: etree._Element) -> bool:
    return "caption" in (el.get("id") or "") or "caption" in (el.get("class") or "")


def _comment_section_test() -> Callable[[etree._Element], bool]:
    """A comment section; an ol or ul only by the narrower id test or the class test."""
    id_test = _searcher("^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)")
    list_id_test = _searcher("^(?:[Cc]omment(?!ary)|comol)")
    class_test = _searcher("^[Cc]omment(?!ary)|(?:article|post)-comments")

    def test(el: etree._Element) -> bool:
        ident, cls = el.get("id"), el.get("class")
        if not (id_test(ident) or class_test(cls)):
            return False
        return el.tag not in ("ol", "ul") or list_id_test(ident) or class_test(cls)
    return test


def _headline_test() -> Callable[[etree._Element], bool]:
    class_test = _searcher("(?:post-|entry-|article-|post__)title|headline")
    return lambda el: (class_test(el.get("class")) or "headline" in (el.get("id") or "")
                       or "headline" in (el.get("itemprop") or ""))


def _entry_footer_test(el: etree._Element) -> bool:
    return (el.get("class") or "").startswith(("entry-meta", "entry-footer"))


def _entry_header_test(el: etree._Element) -> bool:
    return el.get("class") == "entry-header"


def _row_or_tags_test(el: etree._Element) -> bool:
    return el.get("class") in ("row", "tags")


def _entry_tags_test(el: etree._Element) -> bool:
    return (el.get("class") or "").startswith("entry-tags")


def _title_test(el: etree._Element) -> bool:
    return "title" in (el.get("class") or "") or "title" in (el.get("id") or "")


_BLOCK_TAGS = frozenset({"article", "div", "main", "section"})
_COMMENT_TAGS = frozenset({"div", "list", "section"})
# (trafilatura list, index, sha256 of the XPath's text as written in the trafilatura pinned in
# requirements.lock, first 16 digits) -> the query answering for it
QUERIES: dict[tuple[str, int, str], AttributeQuery] = {
    ("BODY_XPATH", 0, "caaa561ceca17064"): AttributeQuery(_body_test(), _BLOCK_TAGS, first_per_parent=True),
    ("OVERALL_DISCARD_XPATH", 0, "a837e58a1b1ea116"): AttributeQuery(
        _overall_discard_test(), frozenset({"div", "item", "list", "p", "section", "span"})),
    ("OVERALL_DISCARD_XPATH", 1, "c1d5b70b8cd03783"): AttributeQuery(_hidden_discard_test()),
    ("AUTHOR_DISCARD_XPATHS", 0, "82f43e48c571d06b"): AttributeQuery(
        _author_discard_test(), frozenset({"a", "div", "section", "span"})),
    # rel='me' (a child element <rel>) and //author select elements by no attribute: a page with
    # either is answered by the XPath itself
    ("AUTHOR_XPATHS", 0, "4d49fee6aa1c77f4"): AttributeQuery(
        _author_link_test(), frozenset({"a", "address", "div", "link", "p", "span", "strong"}), whole_document=True,
        unless=etree.XPath("boolean(//rel | //author)")),
    ("AUTHOR_XPATHS", 1, "6120fddc3d75e8ea"): AttributeQuery(
        _author_byline_test(), frozenset({"a", "div", "h3", "h4", "p", "span"}), whole_document=True),
    ("AUTHOR_XPATHS", 2, "4ff2ef32ff7c0e5f"): AttributeQuery(_author_any_test(), whole_document=True),
    ("RAW_TREE_PRUNE_XPATH", 0, "01e7c660fd6406f2"): AttributeQuery(
        _raw_prune_test(), frozenset({"div", "section", "aside"})),
    ("COMMENTS_XPATH", 0, "c9bc44e8eabc1818"): AttributeQuery(_comment_list_test(), _COMMENT_TAGS),
    ("COMMENTS_XPATH", 1, "777ad139e734aa16"): AttributeQuery(_comments_test(), _COMMENT_TAGS),
    ("BODY_XPATH", 2, "6c9b5e1fdc092943"): AttributeQuery(_article_frame_test(), _BLOCK_TAGS, first_only=True),
    ("BODY_XPATH", 3, "10a7ceacc0ff8cdf"): AttributeQuery(_content_frame_test(), _BLOCK_TAGS, first_only=True),
    # the category and tag links: //container[test]//a[@href]
    ("CATEGORIES_XPATHS", 0, "f9db28129c98c3ff"): AttributeQuery(
        _post_meta_test(), frozenset({"div"}), whole_document=True, links_below=True),
    ("CATEGORIES_XPATHS", 1, "d381fa087dc00595"): AttributeQuery(
        _post_meta_paragraph_test, frozenset({"p"}), whole_document=True, links_below=True),
    ("CATEGORIES_XPATHS", 3, "f0d05a0c4fd23ebd"): AttributeQuery(
        _category_test, frozenset({"li", "span"}), whole_document=True, links_below=True),
    ("TAGS_XPATHS", 2, "238771784fb1d0a6"): AttributeQuery(
        _tag_box_test(), frozenset({"div"}), whole_document=True, links_below=True),
    ("TAGS_XPATHS", 3, "39ae2c0fc2971d72"): AttributeQuery(_topics_test, whole_document=True, links_below=True),
    # the eleven below: each faster here too, timed in place over 300 corpus pages
    ("RAW_TREE_PRUNE_XPATH", 1, "3c7afe92279543d5"): AttributeQuery(
        _share_buttons_test, frozenset({"div", "section", "aside"})),
    ("COMMENTS_XPATH", 2, "315ca4d6f2f992c4"): AttributeQuery(_comment_embed_test(), _COMMENT_TAGS),
    ("COMMENTS_XPATH", 3, "7d5d82f02ac69544"): AttributeQuery(_social_or_comment_test, frozenset({"div", "section"})),
    ("DISCARD_IMAGE_ELEMENTS", 0, "cb1ab981e44913f7"): AttributeQuery(
        _caption_test, frozenset({"div", "item", "list", "p", "section", "span"})),
    ("REMOVE_COMMENTS_AND_LISTS_XPATH", 0, "9cc18d34e6e2d258"): AttributeQuery(
        _comment_section_test(), frozenset({"div", "list", "section", "details", "ol", "ul"})),
    # //tag[test]//a[@href]: libxml2 gathers every node of the page for the // step first
    ("CATEGORIES_XPATHS", 2, "eb2a060545340df5"): AttributeQuery(
        _entry_footer_test, frozenset({"footer"}), whole_document=True, links_below=True),
    ("CATEGORIES_XPATHS", 4, "c079bcf261c4771f"): AttributeQuery(
        _entry_header_test, frozenset({"header"}), whole_document=True, links_below=True),
    ("CATEGORIES_XPATHS", 5, "c95ed6677acc0c52"): AttributeQuery(
        _row_or_tags_test, frozenset({"div"}), whole_document=True, links_below=True),
    ("TAGS_XPATHS", 1, "4c324e05b40ea485"): AttributeQuery(
        _entry_tags_test, frozenset({"p"}), whole_document=True, links_below=True),
    ("TITLE_XPATHS", 0, "048ec4e8457623d2"): AttributeQuery(_headline_test(), frozenset({"h1", "h2"}), whole_document=True),
    ("TITLE_XPATHS", 2, "29fd65cf824fda4f"): AttributeQuery(_title_test, frozenset({"h1", "h2", "h3"}), whole_document=True),
}


def path_digest(xpath: etree.XPath) -> str:
    return text_digest(xpath.path)


@lru_cache(maxsize=1)
def use_python_queries() -> int:
    """Put each query in its trafilatura list in place of the XPath it answers for, while that
    XPath reads as it did (the lists are shared by every trafilatura module that imports them).
    The number of XPaths replaced."""
    import trafilatura.xpaths

    replaced = 0
    for (name, index, digest), query in QUERIES.items():
        xpaths = getattr(trafilatura.xpaths, name)
        current = xpaths[index] if index < len(xpaths) else None
        if isinstance(current, etree.XPath) and path_digest(current) == digest:
            xpaths[index] = query.standing_in_for(current)
            replaced += 1
    return replaced
