"""Reader comments from the HTML markup of blog platforms, read from the page's lxml tree.

Recognised markup (the research note spam_and_comments.md §2 has real examples):
  WordPress    ol.commentlist / ol.comment-list > li.comment: Twenty Ten, the classic div callback,
               HTML5 core markup, WordPress.com highlander, Genesis; replies in ol/ul.children;
               themes that mark no li are read li by li, the text straight in the li
  Blogger      classic dl#comments-block (dt "NAME said..." + dd.comment-body + dd.comment-footer),
               threaded div.comments-content li.comment (cite.user, span.datetime, p.comment-content)
  Typepad      div.comment with the "Posted by: NAME | DATE" footer AFTER the text
  Drupal       7 (div.comment, p.commenter-name, p.comment-time, h3 subject; replies in div.indented),
               9/10 Olivero (article.comment, p.comment__author, p.comment__time, div.comment__content)
  Disqus       the server-rendered fallback ul#dsq-comments (no dates)
Without a platform profile, in this order:
  marked       items marked by class ("comment", "comment-item", "commentbody") or id (comment-12,
               li-comment-12, comment_item_12, c1234) repeated under one parent, replies nested in
               them; a dt is read with its dd, an item with the short footer repeated after it
               ("Posted by: NAME at DATE"); cut out of a parent that also holds the article
  unmarked     a section named for comments (comments_displayed, discussion-comments), or a
               "Comments" heading, followed by blocks of one kind, most of them dated
  generic      #comments / .comments / section.comments holding repeated blocks with an author and text
  last resort  #comments, .commentlist, #disqus_thread ... whose items cannot be read: each paragraph
               of reader prose is kept as a comment without author or date rather than lost
An item's author: the platform paths, then author-like classes, a "by NAME on DATE" byline, a
heading or the bold name it opens with; its date: time/@datetime, date-like classes, the byline;
its text: the text paths, or the item minus its head and chrome.

The whole comment section (list, heading, closed notice, respond form, pingbacks) is removed from
the tree, so that a main-text extractor run afterwards cannot leak comment text into the body.
Every text dropped on the way is returned as a Removal. Nothing is touched when the page has no
comment markup, and no candidate that holds the page's h1 or article body is ever removed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from lxml import etree

from .boilerplate import chrome_reason
from .comments import comment_id
from .dates import find_date, parse_date
from .document import Comment, Removal
from .normalize import collapse_spaces, comparable

STEP = "comments"

# ---------------------------------------------------------------- selectors


def _cls(*names: str) -> str:
    """XPath test: the element's class list holds one of `names` (whole tokens only)."""
    return "(" + " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {n} ')" for n in names) + ")"


def _xp(expr: str) -> etree.XPath:
    return etree.XPath(expr)


def _xps(*exprs: str) -> tuple[etree.XPath, ...]:
    return tuple(_xp(e) for e in exprs)


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

_SKIP_TAGS = {"script", "style", "noscript", "template", "textarea", "select", "option", "head", "title"}
_BLOCK_TAGS = {
    "p", "div", "blockquote", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "table", "tr", "td", "th", "section", "article", "header", "footer", "aside", "nav", "form", "fieldset",
    "address", "figure", "figcaption", "hr", "main", "label",
}


# ---------------------------------------------------------------- platforms


@dataclass(frozen=True)
class Profile:
    """How one platform marks up its comment thread. Paths after `items` are relative to an item;
    each tuple is tried in order and the first path with a node of this very comment wins."""

    name: str
    containers: etree.XPath | None
    items: etree.XPath | None
    author: tuple[etree.XPath, ...] = ()
    date: tuple[etree.XPath, ...] = ()
    text: tuple[etree.XPath, ...] = ()
    subject: etree.XPath | None = None  # Drupal: a title that is often just the start of the body
    footer: etree.XPath | None = None  # Typepad: "Posted by: NAME | DATE" after the text
    fallback_items: etree.XPath | None = None  # when `items` finds none
    strict: bool = False  # no platform markup: size limits apply to the container


def _desc(*names: str, tag: str = "*", after: str = "") -> str:
    """XPath: descendants `tag` with one of the classes `names`, then the path `after`."""
    return f".//{tag}[{_cls(*names)}]{after}"


_WP_AUTHOR = _xps(
    _desc("fn", tag="cite"), _desc("fn"), _desc("comment-author-name"), _desc("comment-author", tag="cite"),
    _desc("comment-author", after="//cite"), _desc("comment-author"),
)
_WP_DATE = _xps(
    ".//time[@datetime]", _desc("comment-metadata"), _desc("commentmetadata"), _desc("comment-meta"),
    _desc("comment-time", "comment-date"),
)
_WP_TEXT = _xps(
    _desc("comment-content"), _desc("contenttext"), _desc("comment-text"), _desc("comment-entry"),
    _desc("comment-body"),
)
_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}
# Any class token naming a comment's text: comment_body, commentText, comment-message, comment__content.
_TEXT_LIKE = etree.XPath(
    ".//*[re:test(@class, '(^|\\s)comments?[-_]*(text|body|content|message|entry|copy)(\\s|$)', 'i')]",
    namespaces=_REGEX_NS,
)
_ITEM_TEXT = (*_WP_TEXT, _TEXT_LIKE, _xp("."))  # "." last: the item minus its head and chrome
_FOOTER = _desc("comment-footer", "posted", "comments-post")
_AUTHOR_LIKE = (
    ".//*[(self::cite or @itemprop='author' or contains(@class, 'author') or contains(@class, 'user') or "
    "contains(@class, 'commenter') or contains(@class, '-name') or " + _cls("fn", "name") + ") and "
    "not(contains(@class, 'avatar'))]"
)
_DATE_LIKE = ".//*[self::time or contains(@class, 'date') or contains(@class, 'time')]"
_AUTHOR_LIKE_XP = _xp(_AUTHOR_LIKE)
_DATE_LIKE_XP = _xp(_DATE_LIKE)
# After the platform paths: any author-like element, then the WordPress link to the author's site.
_ITEM_AUTHOR = (*_WP_AUTHOR, _AUTHOR_LIKE_XP, _xp(_desc("url", tag="a")))
_ITEM_DATE = (*_WP_DATE, _DATE_LIKE_XP)
_COMMENTS_ID = "@id='comments' or "

PROFILES: tuple[Profile, ...] = (
    Profile(
        "disqus", _xp("//*[@id='dsq-comments']"), _xp(_desc("comment", tag="li")),
        author=_xps(_desc("dsq-comment-header", after="//cite")),
        date=_xps(_desc("dsq-comment-header", after="//time"), _desc("dsq-comment-date")),
        text=_xps(_desc("dsq-comment-message")),
    ),
    Profile(
        "blogger_threaded", _xp(f"//*[{_cls('comments-content')}]"), _xp(_desc("comment", tag="li")),
        author=_xps(_desc("user", tag="cite")), date=_xps(_desc("datetime")), text=_xps(_desc("comment-content")),
    ),
    Profile(  # dt "NAME said..." + dd.comment-body + dd.comment-footer, siblings in one dl
        "blogger_classic", _xp("//dl[@id='comments-block']"), _xp(f"./dt[{_cls('comment-author')}]"),
        author=_xps("."),
        date=_xps(f"following-sibling::dd[{_cls('comment-footer')}][1]"),
        text=_xps(f"following-sibling::*[1][self::dd and {_cls('comment-body')}]"),
    ),
    Profile(
        "wordpress", _xp(f"//*[(self::ol or self::ul) and {_cls('commentlist', 'comment-list')}]"),
        _xp(".//li[" + _cls("comment", "pingback", "trackback") + " or starts-with(@id, 'comment-') or "
            "starts-with(@id, 'li-comment-')]"),
        author=_ITEM_AUTHOR, date=_WP_DATE, text=_ITEM_TEXT, fallback_items=_xp("./li"),
    ),
    Profile(
        "drupal7", _xp(f"//*[{_COMMENTS_ID}{_cls('comment-wrapper')}]"),
        _xp(_desc("comment", tag="div", after=f"[./*[{_cls('attribution', 'comment-text')}]]")),
        author=_xps(_desc("commenter-name"), _desc("username")),
        date=_xps(_desc("comment-time")),
        text=_xps(_desc("comment-text", after=f"/*[{_cls('content')}]"), _desc("comment-text")),
        subject=_xp(_desc("comment-text", after="/*[self::h3 or self::h2]")),
    ),
    Profile(
        "drupal_olivero", _xp(f"//*[{_COMMENTS_ID}{_cls('comments', 'field--type-comment', 'comment-wrapper')}]"),
        _xp(_desc("comment", tag="article")),
        author=_xps(_desc("comment__author")),
        date=_xps(_desc("comment__time"), ".//*[@data-comment-timestamp]"),
        text=_xps(_desc("comment__content")),
        subject=_xp(_desc("comment__content", after="/*[self::h3 or self::h2]")),
    ),
    Profile(  # the author and date come AFTER the text, in "Posted by: NAME | DATE"
        "typepad", _xp(f"//*[{_COMMENTS_ID}{_cls('comments-content', 'comments')}]"),
        _xp(_desc("comment", "comments-body", tag="div", after=f"[{_FOOTER}]")),
        text=_xps(_desc("comment-content"), "."), footer=_xp(_FOOTER),
    ),
)
# Items marked as comments by their class or id, wherever they are (see "marked items" below).
MARKED = Profile("marked", None, None, author=_ITEM_AUTHOR, date=_ITEM_DATE, text=_ITEM_TEXT)
GENERIC = (
    Profile(  # no platform markup: repeated blocks with a short author element and some text
        "generic",
        _xp(f"//*[{_COMMENTS_ID}@id='comment-list' or @id='commentlist' or "
            + _cls("comments", "comments-area", "comment-list", "comments-list", "comment-section", "comments-section")
            + "]"),
        None, author=(_AUTHOR_LIKE_XP,), date=(_xp(".//time[@datetime]"), _DATE_LIKE_XP), text=_xps("."), strict=True,
    ),
)

# Wrappers a thread list sits in, removed with it: headings, forms and notices live there.
_WRAPPER = _xp(
    "boolean(self::*[@id='comments' or @id='disqus_thread' or "
    + _cls("comments-area", "comments", "entry-comments", "comment-wrapper", "comments-wrapper", "comments-section",
           "comment-section", "field--type-comment")
    + "])"
)
# A comment section with no comments yet: "No comments:" + "Post a Comment", a lone respond form.
_EMPTY_SECTIONS = _xp(
    "//*[@id='comments' or @id='disqus_thread' or "
    + _cls("comments-area", "entry-comments", "comment-wrapper", "comments-section", "comment-section") + "]"
)
# Comment chrome found next to a thread rather than inside its wrapper.
_SATELLITES = _xp(
    "//*[@id='respond' or @id='comment-form' or @id='commentform' or @id='comment-post-message' or @id='nocomments' "
    "or " + _cls("comment-respond", "comment-form", "nocomments", "no-comments", "comments-closed") + "]"
    " | //*[(self::h2 or self::h3 or self::h4) and (@id='comments' or @id='comments-title' or @id='reply-title' or "
    + _cls("comments-title", "comments-header", "commentsheader", "comment-reply-title") + ")]"
)

# ---------------------------------------------------------------- text lines

_LOCAL_CHROME: dict[str, re.Pattern[str]] = {
    reason: re.compile("(?:" + "|".join(alternatives) + ")", re.IGNORECASE)
    for reason, alternatives in {
        "chrome:comments_closed": [
            r"the comments to this entry are closed\.?", r"comments (?:are )?(?:now )?(?:closed|off)\.?",
        ],
        "chrome:comment_form": [
            r"you can follow this conversation by subscribing to the comment feed for this post\.?",
            r"(?:add|post) (?:new |a )?comment", r"(?:neuen )?kommentar (?:hinzufügen|posten|schreiben)",
            r"(?:log in|login|sign in|register)(?: or register)? to (?:post comments|comment|reply)\.?",
            r"please enable javascript to view the comments.{0,80}", r"comments powered by disqus\.?",
            r"(?:kommentar|comentario|commentaire|betreff|subject|your name|ihr name)\s*\*?:?",
        ],
        "chrome:comment_action": [
            r"permalink", r"\(?edit\)?", r"in reply to .{1,150} by .{1,80}", r"antwort auf .{1,150} von .{1,80}", r"repl(?:y|ies)",
            r"load more\.{0,3}", r"add comment", r"show \d+ more repl(?:y|ies)", r"flag|report",
        ],
        "chrome:share": [r"(?:like\s*)?liked by (?:\d+|one|two|three) (?:people|person|others?)", r"\d+ likes?"],
        "chrome:comment_count": [
            r"(?:reader )?(?:comments?|responses|replies|discussion|kommentare?|comentarios|commentaires)"
            r"(?:\s*\(?\d+\)?)?:?",
        ],
    }.items()
}
_COMMENT_CHROME = {"chrome:comment_action", "chrome:comment_form", "chrome:comment_count",
                   "chrome:comments_closed", "chrome:share"}
_PINGBACK_TEXT = re.compile(r"(pingback|trackback)\s*:", re.IGNORECASE)
_DELETED = re.compile(
    r"this (?:comment|post) (?:has been|was) (?:removed|deleted)(?: by (?:the author|a blog administrator|"
    r"the moderator))?\.?|dieser kommentar wurde (?:vom autor |von einem blog-administrator )?entfernt\.?",
    re.IGNORECASE,
)
_AUTHOR_TAIL = re.compile(
    r"\s*(?:\((?:not verified|nicht überprüft|nicht verifiziert|no verificado|non vérifié|não verificado|"
    r"non verificato|niet geverifieerd)\)|(?:says|said|wrote|writes|sagt|sagte|schreibt|schrieb|dice|dijo|dit|"
    r"a dit|disse|escreveu|berkata|diyor)\s*(?::|\.\.\.|…)?)\s*$",
    re.IGNORECASE,
)
_BY_LEAD = re.compile(
    r"^(?:(?:posted|written|submitted|added|commented|comment|geschrieben|publié|posté|escrito)\b\s*)?"
    r"(?:(?:by|von|par|por|di|door)\b\s*:?\s*)?", re.IGNORECASE,
)
_BY_TAIL = re.compile(r"(?:(?:^|\s+)(?:on|at|am|um|le|el|em|op|in)|\s*[|,·•@:–—-])\s*$", re.IGNORECASE)
_BY_AFTER = re.compile(r"\b(?:by|von|par|por|di|door)\b\s*:?\s*(?P<author>[^|]{1,60})$", re.IGNORECASE)
_BYLINE_MAX = 160
_TIME_OR_MONTH = re.compile(
    r"\b\d{1,2}:\d\d\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|"
    r"\b\d{1,2}\.? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE,
)
_NUMBERING = re.compile(r"^#?\d+[.):]?\s+")  # '12. NAME', the number of the comment
_AFTER_NAME = re.compile(r"$|\s*(?:[|:,·•(–—-]|https?:|says|said|wrote|sagt|schrieb)", re.IGNORECASE)
_NAME_NODES = _xp(".//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::b or self::strong]")
_SAYS_LINE = re.compile(r"(?:says|said|wrote|writes|sagt|sagte|schreibt|schrieb|dice|dijo|dit|a dit|disse|escreveu)"
                        r"\s*(?::|\.\.\.|…)?", re.IGNORECASE)
_POSTED_BY = re.compile(r"posted by:?\s*(?P<author>.{1,80}?)\s*(?:\||$)\s*(?P<date>.*)", re.IGNORECASE | re.DOTALL)


def chrome_line_reason(line: str) -> str | None:
    """The chrome reason of one line of a comment section, or None when it is not chrome."""
    reason = chrome_reason(line)
    if reason:
        return reason
    for local, pattern in _LOCAL_CHROME.items():
        if pattern.fullmatch(line.strip()):
            return local
    return _button_row(line)


def _button_row(line: str) -> str | None:
    """A row of comment buttons run together: 'Like Reply', 'Reply · Report'."""
    words = [w for w in re.split(r"[\s|·•]+", line.strip()) if w]
    if 2 <= len(words) <= 5 and all(chrome_reason(w) or _LOCAL_CHROME["chrome:comment_action"].fullmatch(w)
                                    for w in words):
        return "chrome:comment_action"
    return None


def _has_words(line: str) -> bool:
    return any(ch.isalnum() for ch in line)


def _walk(el, skip: Callable, out: list[str], skipped: list | None, pre: bool = False) -> None:
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None or tag in _SKIP_TAGS:
        return
    if skip(el):
        if skipped is not None:
            skipped.append(el)
        return
    block, pre = tag in _BLOCK_TAGS, pre or tag == "pre"
    out.append("\n" if block or tag == "br" else "")
    out.append(_source_text(el.text, pre))
    for child in el:
        _walk(child, skip, out, skipped, pre)
        out.append(_source_text(child.tail, pre))
    out.append("\n" if block else "")


def _source_text(text: str | None, pre: bool) -> str:
    """Text as shown: a line break in the HTML source is a space, except inside <pre>."""
    if not text:
        return ""
    return text if pre else text.replace("\n", " ")


def render_lines(el, skip: Callable = lambda e: False, skipped: list | None = None) -> list[str]:
    """Visible text of `el`, one line per block or <br>, whitespace collapsed, empty lines dropped.
    Elements for which `skip` is true are left out (and appended to `skipped` when given)."""
    out: list[str] = []
    _walk(el, skip, out, skipped)
    lines = (collapse_spaces(line) for line in "".join(out).split("\n"))
    return [line for line in lines if line]


# ---------------------------------------------------------------- page guards


@dataclass
class _Page:
    text_chars: int
    order: dict

    @classmethod
    def of(cls, tree) -> "_Page":
        order = {el: i for i, el in enumerate(tree.iter())}
        return cls(text_chars=_visible_chars(tree), order=order)


def _visible_chars(el) -> int:
    return sum(len(line) for line in render_lines(el))


def _holds_article(el) -> bool:
    return bool(_HOLDS_ARTICLE(el))


def _safe(el, page: _Page, strict: bool) -> bool:
    """May `el` go as (part of) the comment section? Never when it holds the article; without
    platform markup, never when it holds half of the page's text."""
    if _holds_article(el):
        return False
    return not strict or _visible_chars(el) <= 0.5 * page.text_chars


def _without_article(items: list, container) -> list:
    """The items that hold no part of the article (checked with one pass over the container)."""
    markers = _ARTICLE_PARTS(container)
    if not markers:
        return items
    holders = {a for m in markers for a in (m, *m.iterancestors())}
    return [item for item in items if item not in holders]


def _overlaps(el, claimed: Iterable) -> bool:
    chain = {el, *el.iterancestors()}
    return any(c in chain or el in set(c.iterancestors()) for c in claimed)


def _outermost(elements: list) -> list:
    chosen = set(elements)
    return [el for el in elements if not any(a in chosen for a in el.iterancestors())]


# ---------------------------------------------------------------- one comment


@dataclass
class _Thread:
    """The items of one thread container being read, and what reading them has used up."""

    profile: Profile
    container: object
    items: list
    item_set: set = field(default_factory=set)
    consumed: set = field(default_factory=set)
    hidden: set = field(default_factory=set)
    chrome: set = field(default_factory=set)
    removals: list[Removal] = field(default_factory=list)
    _texts: set | None = None

    def __post_init__(self) -> None:
        self.item_set = set(self.items)
        self.hidden = set(_HIDDEN(self.container))
        self.chrome = set(_ITEM_CHROME(self.container))
        self.consumed |= set(_SAYS(self.container))

    def owned(self, node, item) -> bool:
        """True when `node` belongs to `item` itself, not to a reply nested in it."""
        cur = node
        while cur is not None:
            if cur is item:
                return True
            if cur in self.item_set:
                return False
            cur = cur.getparent()
        return True  # a sibling of the item (Blogger classic dt/dd)

    def first_owned(self, paths: tuple[etree.XPath, ...], item, accept: Callable = lambda n: True):
        for path in paths:
            for node in path(item):
                if self.owned(node, item) and node not in self.consumed and accept(node):
                    return node
        return None

    def all_owned(self, paths: tuple[etree.XPath, ...], item) -> list:
        return [n for path in paths for n in path(item) if self.owned(n, item) and n not in self.consumed]

    def text_nodes(self) -> set:
        """The elements the profile's text paths (but ".") find anywhere in the thread."""
        if self._texts is None:
            self._texts = {n for path in self.profile.text[:-1] for n in path(self.container)}
        return self._texts

    def skip(self, item) -> Callable:
        return lambda el: (el in self.consumed or el in self.hidden or el in self.chrome
                           or (el in self.item_set and el is not item))


def _clean_author(text: str) -> str | None:
    text = collapse_spaces(text)
    previous = None
    while previous != text:
        previous, text = text, _AUTHOR_TAIL.sub("", text).strip(" ,:-–—")
    return text or None


def _short(node) -> bool:
    """A date or byline element, not a wrapper that merely has 'date' or 'time' in its class."""
    return len(" ".join(render_lines(node))) <= 100


def _authorish(node) -> bool:
    text = _clean_author(" ".join(render_lines(node)))
    return bool(text) and len(text) <= 80 and len(text.split()) <= 8


def _iso_attr(value: str | None) -> str | None:
    value = (value or "").strip()
    if not re.match(r"\d{4}-\d\d-\d\d", value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return parse_date(value[:10])
    if len(value) <= 10:
        return parsed.date().isoformat()
    return value if "T" in value else parsed.isoformat()


def _machine_date(node) -> str | None:
    """A date the markup states for machines: time[datetime], RDF @content, Drupal's timestamp."""
    for el in node.iter():
        if not isinstance(el.tag, str):
            continue
        iso = _iso_attr(el.get("datetime")) or _iso_attr(el.get("content"))
        if iso:
            return iso
        stamp = el.get("data-comment-timestamp")
        if stamp and stamp.isdigit():
            return datetime.fromtimestamp(int(stamp), timezone.utc).isoformat()
    return None


def _date_in(text: str) -> str | None:
    """The ISO date written in `text` ('March 30, 2008 at 9:14 am', '10. Februar 2019 um 18:05 Uhr')."""
    found = find_date(text)
    return parse_date(text) or (found[0] if found else None)


def _visible_date(node) -> str | None:
    return _date_in(" ".join(render_lines(node)))


def _published(nodes: list) -> str | None:
    for node in nodes:
        iso = _machine_date(node)
        if iso:
            return iso
    for node in nodes:
        iso = _visible_date(node)
        if iso:
            return iso
    return None


def _drop_subject(subject: str | None, lines: list[str]) -> list[str]:
    """Drupal's subject defaults to the first words of the body: keep it only when it is not."""
    if not subject:
        return lines
    head = comparable(subject.rstrip(" .…"))
    if head and comparable(" ".join(lines)).startswith(head):
        return lines
    return [subject, *lines]


@dataclass
class _Read:
    """What one item gave: a comment, or a reason it is not one."""

    comment: Comment | None
    removals: list[Removal]


def _read_footer(thread: _Thread, item) -> tuple[str | None, str | None]:
    """Typepad: author and date from the 'Posted by: NAME | DATE' line under the text."""
    footer = thread.first_owned((thread.profile.footer,), item)
    if footer is None:
        return None, None
    thread.consumed.add(footer)
    match = _POSTED_BY.match(" ".join(render_lines(footer)))
    if not match:
        return None, _published([footer])
    return _clean_author(match.group("author")), _date_in(match.group("date"))


def _read_author(thread: _Thread, item) -> tuple[str | None, str | None]:
    """The author, and the date when it shares a header with the name (h4 > a.url + span)."""
    node = thread.first_owned(thread.profile.author, item, _authorish)
    if node is None:
        return None, None
    thread.consumed.add(node)
    author = _clean_author(" ".join(render_lines(node, lambda e: e in thread.chrome and e is not node)))
    header = _header_of(thread, item, node)
    if header is node:
        return author, None
    thread.consumed.add(header)
    return author, _published([header])


def _header_of(thread: _Thread, item, node):
    """The author's element grown to the header around it, as long as all else there is a date."""
    best = node
    for parent in node.iterancestors():
        if parent is item or parent in thread.item_set or parent in thread.consumed:
            break
        rest = " ".join(render_lines(parent, lambda e: e is best))
        if len(rest) > 80 or (rest and not _dateish(rest)):
            break
        best = parent
    return best


def _read_date(thread: _Thread, item) -> tuple[str | None, list]:
    dates = [n for n in thread.all_owned(thread.profile.date, item) if _short(n)]
    thread.consumed.update(dates)
    return _published(dates), dates


def _author_in_dates(nodes: list) -> str | None:
    """The name a date line states before its date: 'by NAME on DATE'."""
    for node in nodes:
        text = " ".join(render_lines(node))
        found = find_date(text)
        author = _byline_author(text, found[1][0]) or _author_after(text[found[1][0]:]) if found else None
        if author:
            return author
    return None


def _byline_author(text: str, start: int) -> str | None:
    """The name before the date in 'by NAME on DATE', 'Posted by: NAME at DATE', 'NAME | DATE'."""
    head = _BY_LEAD.sub("", _NUMBERING.sub("", text[:start].strip()), count=1)
    previous = None
    while previous != head:
        previous, head = head, _BY_TAIL.sub("", head).strip()
    author = _clean_author(head) if head else None
    return author if author and _namelike(author) else None


def _namelike(text: str) -> bool:
    """Short enough for a name: at most 60 characters and 6 words, no sentence end."""
    words = [w for w in text.split() if _has_words(w)]
    return len(text) <= 60 and 1 <= len(words) <= 6 and text[-1] not in ".!?"


def _author_after(rest: str) -> str | None:
    """The name after the date: 'posted on DATE by NAME' (`rest` starts at the date)."""
    match = _BY_AFTER.search(rest)
    author = _clean_author(match.group("author")) if match else None
    return author if author and _namelike(author) else None


def _byline_candidate(thread: _Thread, el, text: str) -> bool:
    """Short, and no classless paragraph: that is the reader's own, unless it opens 'Posted by'."""
    if el in thread.consumed or len(text) > _BYLINE_MAX or not re.search(r"\d", text):
        return False
    return el.tag not in ("p", "blockquote", "pre", "li") or bool(el.get("class")) or _BY_LEAD.match(text).end() > 0


def _own_elements(thread: _Thread, item):
    """The elements inside `item` that are its own, not those of the replies nested in it."""
    stack = list(reversed(item))
    while stack:
        el = stack.pop()
        if isinstance(el.tag, str) and el not in thread.item_set:
            yield el
            stack.extend(reversed(el))


def _byline(thread: _Thread, item) -> tuple[object, str | None, str | None] | None:
    """The short element of `item` that states its date, with at most a name before it and a few
    action links after it: 'by NAME on DATE Reply', 'Posted on DATE'; else the item's own loose
    text when it is such a line ('NAME on DATE' straight in the li). (node or None, author, date)."""
    for el in _own_elements(thread, item):
        text = " ".join(render_lines(el)) if len(el.text_content()) <= 2 * _BYLINE_MAX else ""
        found = _any_date(text) if _byline_candidate(thread, el, text) else None
        if found is None or el in thread.text_nodes():
            continue  # the comment's own text is no byline, however short and dated
        byline = _read_byline(text, found)
        if byline:
            return el, *byline
    loose = " ".join(render_lines(item, lambda e: e is not item))
    found = _any_date(loose) if len(loose) <= _BYLINE_MAX else None
    byline = _read_byline(loose, found) if found else None
    return (None, *byline) if byline else None


def _read_byline(text: str, found: tuple) -> tuple[str | None, str | None] | None:
    """(author, date) when `text` around the date `found` reads as a byline, else None."""
    if len(text) - found[1][1] > 60:
        return None
    author = _byline_author(text, found[1][0]) or _author_after(text[found[1][0]:])
    if author or not _has_words(text[: found[1][0]]) or _BY_LEAD.match(text).end():
        return author, found[0]
    return None


def _any_date(text: str) -> tuple[str | None, tuple[int, int]] | None:
    """find_date, and numeric dates it leaves out (10/31/2012); the ISO date only when unambiguous."""
    found = find_date(text)
    if found:
        return found
    match = _NUMERIC_DATE.search(text)
    if not match:
        return None
    parts = [int(n) for n in re.findall(r"\d+", match.group())]
    iso = None
    if len(str(parts[0])) < 4 and len(str(parts[2])) == 4 and (parts[0] > 12 or parts[1] > 12):
        day, month = (parts[0], parts[1]) if parts[0] > 12 else (parts[1], parts[0])
        iso = parse_date(f"{parts[2]:04d}-{month:02d}-{day:02d}")
    return iso, match.span()


def _dateish(text: str) -> bool:
    return bool(_any_date(text) or _TIME_OR_MONTH.search(text))


def _name_nodes(thread: _Thread, item) -> list:
    """Where a name may stand when nothing marks it: a heading of the item, or the bold text it
    opens with."""
    lines = render_lines(item, thread.skip(item))
    first = lines[0] if lines else ""
    return [node for node in _NAME_NODES(item) if node.tag not in ("b", "strong") or _opens(first, node)]


def _opens(line: str, node) -> bool:
    """`node` is all of `line`, or starts it followed by a separator, a link or 'said'."""
    text = " ".join(render_lines(node))
    return bool(text) and line.startswith(text) and bool(_AFTER_NAME.match(line[len(text):]))


def _heading_author(thread: _Thread, item) -> str | None:
    """Last resort: a short heading (or opening bold text) of the item, with the date left out."""
    for node in _name_nodes(thread, item):
        if node in thread.consumed or not thread.owned(node, item):
            continue
        skip = lambda e: e is not node and _dateish(" ".join(render_lines(e)))  # noqa: E731
        author = _clean_author(_NUMBERING.sub("", " ".join(render_lines(node, skip))))
        if author and _namelike(author):
            thread.consumed.add(node)
            return author
        return None
    return None


def _read_head(thread: _Thread, item) -> tuple[str | None, str | None]:
    """Author and date of `item`; the nodes they came from are marked consumed."""
    if thread.profile.footer is not None:
        return _read_footer(thread, item)
    author, published = _read_author(thread, item)
    dated, nodes = _read_date(thread, item)
    published = dated or published
    author = author or _author_in_dates(nodes)
    if author is None or published is None:
        byline = _byline(thread, item)
        if byline is not None:
            if byline[0] is not None:  # None: the item's loose text, no element to mark
                thread.consumed.add(byline[0])
            author, published = author or byline[1], published or byline[2]
    if author is None and thread.profile.subject is None:
        author = _heading_author(thread, item)
    return author, published


def _chrome_removals(elements: list, skip: Callable) -> list[Removal]:
    """Removals for chrome elements met inside a comment's text (Reply links, Like buttons)."""
    out = []
    for el in elements:
        for line in render_lines(el, skip):
            if _has_words(line):
                out.append(Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_action", line))
    return out


def _read_subject(thread: _Thread, item) -> str | None:
    node = thread.first_owned((thread.profile.subject,), item) if thread.profile.subject else None
    if node is None:
        return None
    thread.consumed.add(node)
    return " ".join(render_lines(node))


def _text_nodes(thread: _Thread, item) -> list:
    """The elements holding the comment's text: those of the first text path that has any."""
    for path in thread.profile.text:
        nodes = [n for n in path(item) if thread.owned(n, item) and n not in thread.consumed]
        if nodes:
            return _outermost(nodes)
    return []


def _split_chrome(lines: list[str]) -> tuple[list[str], list[Removal]]:
    """Drop whole-line comment chrome from a comment's own lines. Only the shared chrome patterns
    apply here: a reader may well write a line that the section-level patterns would take."""
    kept, removals = [], []
    for line in lines:
        if not _has_words(line):
            continue  # a separator left between links: '|', '·', '—'
        reason = chrome_reason(line) or _button_row(line) or _says_line(line)
        if reason in _COMMENT_CHROME:
            removals.append(Removal.of(STEP, reason, line))
        else:
            kept.append(line)
    return kept, removals


def _says_line(line: str) -> str | None:
    """'Says:' left alone on a line after the author's name."""
    return "chrome:comment_action" if _SAYS_LINE.fullmatch(line) else None


def _read_text(thread: _Thread, item) -> tuple[list[str], list[Removal]]:
    """The comment's paragraphs, without chrome; chrome met on the way becomes removals."""
    subject = _read_subject(thread, item)
    nodes = _text_nodes(thread, item)
    skip, skipped, lines = thread.skip(item), [], []
    for node in nodes:
        lines += render_lines(node, skip, skipped)
    thread.consumed.update(nodes)
    chrome = [el for el in skipped if el in thread.chrome and el not in thread.consumed]
    removals = _chrome_removals(chrome, lambda e: e in thread.consumed or e in thread.hidden)
    kept, dropped = _split_chrome(lines)
    return _drop_subject(subject, kept), removals + dropped


def _pingback(thread: _Thread, item) -> Removal | None:
    """Pingbacks and trackbacks are links from other sites, not reader comments."""
    text = " ".join(render_lines(item, lambda e: e in thread.item_set and e is not item))
    match = _PINGBACK_TEXT.match(text)
    if match:
        return Removal.of(STEP, f"comment:{match.group(1).lower()}", text)
    if _PINGBACK_CLASS(item):
        kind = "trackback" if "trackback" in (item.get("class") or "") else "pingback"
        return Removal.of(STEP, f"comment:{kind}", text)
    return None


def _read_item(thread: _Thread, item) -> _Read:
    ping = _pingback(thread, item)
    if ping:
        thread.consumed.add(item)
        return _Read(None, [ping])
    before = {n for n in item.iter() if n in thread.consumed}  # bounded by the item, not the thread
    author, published = _read_head(thread, item)
    byline = _printed_header(thread, item, before)
    lines, removals = _read_text(thread, item)
    text = "\n".join(lines)
    if _DELETED.fullmatch(text):
        return _Read(None, [*removals, Removal.of(STEP, "comment:deleted", text)])
    if not text:
        return _Read(None, [*removals, Removal.of(STEP, "comment:empty", author or "")])
    comment = Comment(author=author, text=text, published=published, byline=_without_text(byline, lines))
    comment.id = comment_id(author, text)
    return _Read(comment, removals)


def _printed_header(thread: _Thread, item, before: set) -> str | None:
    """The text of the nodes the author and date were read from, in page order."""
    nodes = [n for n in item.iter() if n in thread.consumed and n not in before and thread.owned(n, item)]
    inside = set(nodes)
    nodes = [n for n in nodes if not any(a in inside for a in n.iterancestors())]
    parts = []
    for node in nodes:
        parts.append(" ".join(render_lines(node)))
        if _any_date(parts[-1]):
            break  # one header, one date: later dates belong to other comments
    return collapse_spaces(" ".join(parts))[:200] or None


def _without_text(byline: str | None, lines: list[str]) -> str | None:
    """The header without the comment's own words, where a header node also held them."""
    for line in lines:
        line = collapse_spaces(line)
        if byline and len(line) >= 12 and line[:40] in byline:
            byline = collapse_spaces(byline[: byline.index(line[:40])])
    return byline or None


# ---------------------------------------------------------------- threading


def _previous_item(el, item_set: set):
    for sibling in el.itersiblings(preceding=True):
        if sibling in item_set:
            return sibling
    return None


def _parent_item(item, item_set: set, container):
    """The item this one answers: an enclosing item (WordPress, Blogger, Disqus), or the item just
    before the reply wrapper it sits in (Drupal's div.indented)."""
    for ancestor in item.iterancestors():
        if ancestor in item_set:
            return ancestor
        if ancestor is container:
            return None
        before = _previous_item(ancestor, item_set)
        if before is not None:
            return before
    return None


def _read_thread(thread: _Thread) -> list[Comment]:
    """Comments in document order with parents; a reply to a dropped item answers its parent."""
    kept: dict = {}
    parent_of: dict = {}
    comments = []
    for item in thread.items:
        parent_of[item] = _parent_item(item, thread.item_set, thread.container)
        read = _read_item(thread, item)
        thread.removals += read.removals
        if read.comment is None:
            continue
        parent = parent_of[item]
        while parent is not None and parent not in kept:
            parent = parent_of.get(parent)
        read.comment.parent = kept[parent].id if parent is not None else None
        kept[item] = read.comment
        comments.append(read.comment)
    return comments


# ---------------------------------------------------------------- generic items


def _generic_items(container) -> list:
    """Blocks of a comments container that each hold one short author element and some text."""
    authors = _outermost([a for a in _AUTHOR_LIKE_XP(container) if _authorish(a)])
    marked = {el for a in authors for el in (a, *a.iterancestors())}
    dates = set(_DATE_LIKE_XP(container))
    chrome = set(_ITEM_CHROME(container)) - set(authors)
    items = []
    for author in authors:
        own = {author, *author.iterancestors()}
        foreign = marked - own
        for ancestor in author.iterancestors():
            if ancestor is container:
                break
            skip = lambda e, a=author: e is a or e in foreign or e in dates or e in chrome  # noqa: E731
            if any(_is_body_line(line) for line in render_lines(ancestor, skip)):
                items.append(ancestor)
                break
    unique = list(dict.fromkeys(items))
    return unique if len(unique) >= 2 else []


def _is_body_line(line: str) -> bool:
    return sum(ch.isalpha() for ch in line) >= 2 and not chrome_line_reason(line) and not parse_date(line)


def _find_items(profile: Profile, container) -> list:
    if profile.items is None:
        return _generic_items(container)
    items = list(profile.items(container))
    if not items and profile.fallback_items is not None:
        return list(profile.fallback_items(container))
    return items


# ---------------------------------------------------------------- marked items
# Themes without a known platform profile still mark each comment: class "comment", an id like
# comment-123 / li-comment-123 / c123. Such items repeat under one parent; a dt is read with the
# dd after it, an item with the short footer repeated after each one ("Posted by: NAME at DATE").

_ITEM_TAGS = ("li", "div", "dd", "dt", "article", "section", "table", "ul", "tr")
_ITEM_ID = re.compile(r"(?:^|[-_])(?:comment|reply)[-_]?(?:item[-_]?)?\d+$|^(?:c|com|cmt)[-_]?\d{3,}$", re.I)
_ITEM_CLASS = re.compile(r"comment(?:[-_]?(?:item|entry|single|node|body))?", re.I)
_GROUP = "data-comment-group"  # the div made to hold one item with the siblings that belong to it

_COMMENT_HEADINGS = _xp("//*[self::h2 or self::h3 or self::h4]")
_NO_SATELLITE = {"h1", "h2", "h3", "h4", "h5", "h6", "form", "script", "style", "ol", "ul", "dl", "table"}


def _is_marked(el) -> bool:
    if not isinstance(el.tag, str) or el.tag not in _ITEM_TAGS:
        return False
    if el.get(_GROUP) is not None or _ITEM_ID.search(el.get("id") or ""):
        return True
    return any(_ITEM_CLASS.fullmatch(token) for token in (el.get("class") or "").split())


def _key(el) -> tuple:
    """What the items of one thread share: their tag with the id pattern or the marking classes."""
    if el.get(_GROUP) is not None:
        return ("group",)
    ident = el.get("id") or ""
    if _ITEM_ID.search(ident):
        return (el.tag, re.sub(r"\d+", "N", ident))
    return (el.tag, tuple(sorted(t for t in (el.get("class") or "").split() if _ITEM_CLASS.fullmatch(t))))


def _thread_parents(tree) -> list:
    """The outermost elements holding two marked items (one in a section named comments)."""
    counts: dict = {}
    for el in tree.iter(*_ITEM_TAGS):
        if _is_marked(el):
            counts[el.getparent()] = counts.get(el.getparent(), 0) + 1
    parents = [p for p, n in counts.items() if p is not None and (n >= 2 or _named(p))]
    chosen = set(parents)
    return [p for p in parents if not any(a in chosen for a in p.iterancestors())]


def _named(el) -> bool:
    """The element's id or class names a list of comments (comments, commentlist, comments_list)."""
    names = f"{el.get('id') or ''} {el.get('class') or ''}"
    return bool(re.search("comment", names, re.I)) and not _NOT_A_SECTION.search(names)


def _sibling_sig(el) -> tuple:
    classes = (el.get("class") or "").split()
    return el.tag, tuple(sorted(t for t in classes if not re.search(r"\d|^(?:odd|even|alt)$", t)))


def _satellite(el, is_item: Callable) -> bool:
    if not isinstance(el.tag, str) or el.tag in _NO_SATELLITE or is_item(el) or _FORMISH(el):
        return False
    text = " ".join(render_lines(el))
    return _has_words(text) and len(text) <= 300


def _attached(kids: list, is_item: Callable) -> tuple[tuple | None, str]:
    """The signature of the short sibling repeated after each item (a footer) or before it (a
    header), and which of the two."""
    first = next(i for i, kid in enumerate(kids) if is_item(kid))
    items = sum(1 for kid in kids if is_item(kid))
    for direction, j in (("after", first + 1), ("before", first - 1)):
        if 0 <= j < len(kids) and _satellite(kids[j], is_item):
            sig = _sibling_sig(kids[j])
            same = sum(1 for kid in kids if _sibling_sig(kid) == sig and _satellite(kid, is_item))
            if same >= max(2, items // 2):
                return sig, direction
    return None, ""


def _item_groups(kids: list, is_item: Callable = _is_marked) -> list[list]:
    """The children of one parent that make up each item: [dt, dd], [item, footer], [header, item]."""
    sig, direction = _attached(kids, is_item)
    groups: list[list] = []
    current: list | None = None
    pending: list = []
    for kid in kids:
        attached = sig is not None and _sibling_sig(kid) == sig and _satellite(kid, is_item)
        if kid.tag == "dd" and current and current[0].tag == "dt":
            current.append(kid)
        elif is_item(kid):
            current, pending = [*pending, kid], []
            groups.append(current)
        elif attached and direction == "after" and current is not None:
            current.append(kid)
        elif attached and direction == "before":
            pending.append(kid)
        else:
            current, pending = None, []
    return groups


def _wrap(elements: list, **attrs: str):
    """A new div in place of `elements`, holding them (with their tails)."""
    box = elements[0].makeelement("div", attrs)
    elements[0].addprevious(box)
    for el in elements:
        box.append(el)
    return box


def _group_items(parent) -> None:
    """Join each marked item of `parent` and of the lists inside it with the siblings it owns."""
    for el in list(parent.iter()):
        kids = [kid for kid in el if isinstance(kid.tag, str)]
        if not any(_is_marked(kid) for kid in kids):
            continue
        _joined(_item_groups(kids))


def _items_apart(parent) -> bool:
    """No marked child of `parent` holds a part of the article: the items can be cut out of it."""
    holders = {a for m in _ARTICLE_PARTS(parent) for a in (m, *m.iterancestors())}
    return not any(kid in holders for kid in parent if _is_marked(kid))


def _marked_thread(parent) -> tuple[object, list] | None:
    """(container, items) of the thread whose items are the marked children of `parent` and the
    replies nested in them; the container is `parent` or a new div around the run of items."""
    groups = _item_groups([kid for kid in parent if isinstance(kid.tag, str)])
    if not _reader_items(groups) or not any(_is_body_line(line) for group in groups for el in group
                                            for line in render_lines(el)):
        return None  # checked before the tree is changed
    _group_items(parent)
    tops = [kid for kid in parent if _is_marked(kid)]
    keys = {_key(kid) for kid in tops}
    items = [el for el in parent.iterdescendants(*_ITEM_TAGS) if _is_marked(el) and _key(el) in keys]
    return _thread_box(parent, tops), _without_article(items, parent)


def _reader_items(groups: list[list]) -> bool:
    """Marked items (each with the siblings it owns) that read as comments: no comment form among
    them, and mostly not links (articles classed for the newspaper's Comment section are no thread)."""
    if any(el.find(".//textarea") is not None for group in groups for el in group):
        return False  # a box holding the comment form (small forms for votes and flags may be in items)
    readers = [group for group in groups if not _PINGBACK_CLASS(group[0])]
    return not readers or 2 * sum(1 for group in readers if _mostly_links(*group)) < len(readers)


def _thread_box(parent, tops: list):
    """`parent` when all it holds besides the items is comment chrome, else a div around the run
    from the first item (or the comment heading just before it) to the last one."""
    tops_set = set(tops)
    others = [line for line in render_lines(parent, lambda e: e in tops_set)
              if _has_words(line) and not chrome_line_reason(line)]
    if sum(map(len, others)) <= 200 and not _holds_article(parent):
        return parent
    kids = [kid for kid in parent if isinstance(kid.tag, str)]
    start, end = kids.index(tops[0]), kids.index(tops[-1])
    if start > 0 and _comment_heading(kids[start - 1]):
        start -= 1
    return _wrap(kids[start:end + 1])


def _joined(groups: list[list]) -> list:
    """One element per item: the item itself, or a new div holding its group."""
    return [group[0] if len(group) == 1 else _wrap(group, **{_GROUP: ""}) for group in groups]


# ---------------------------------------------------------------- unmarked blocks
# No item is marked, but a section named for comments (or a "Comments" heading) is followed by
# blocks of one kind, most of them dated: each block is a comment.

_BLOCK_ITEM_TAGS = {"div", "li", "article", "section", "table", "dl", "blockquote", "dt", "dd", "tr"}
_SECTION_NAMES = etree.XPath(
    "//*[self::div or self::section or self::aside or self::ul or self::ol or self::dl or self::table]"
    "[re:test(concat(@id, ' ', @class), 'comment|discussion|kommentar|commentaire|comentario', 'i')]",
    namespaces=_REGEX_NS,
)
_NOT_A_SECTION = re.compile(
    r"recent|latest|popular|most|widget|count|form|respond|link|nav|pagination|pager|rss|feed|closed|policy|"
    r"rule|button|share|meta|author|num|title|head|reply|tool|avatar|rating|vote", re.I)
_NUMERIC_DATE = re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b|\b\d{4}-\d\d-\d\d\b")


def _dated(el) -> bool:
    return bool(_any_date(" ".join(render_lines(el))) or el.find(".//time") is not None)


def _repeated(kids: list) -> list:
    """The children of one kind (tag and classes) that each hold a reader's line, at least two of
    them and most of them dated; the kind with the most dated blocks wins."""
    blocks = [kid for kid in kids if kid.tag in _BLOCK_ITEM_TAGS and not _FORMISH(kid) and not _mostly_links(kid)
              and any(_is_body_line(line) for line in render_lines(kid))]
    by_sig: dict = {}
    for block in blocks:
        by_sig.setdefault(_sibling_sig(block), []).append(block)
    best, best_dated = [], 0
    for same in by_sig.values():
        dated = sum(1 for block in same if _dated(block))
        if len(same) >= 2 and 2 * dated >= len(same) and dated > best_dated:
            best, best_dated = same, dated
    return _alternating(blocks, best)


def _alternating(blocks: list, chosen: list) -> list:
    """`chosen` with the dated blocks of the same tag among and after them: rows styled in turns
    (div.comgrey, div.comwhite) are one kind."""
    if not chosen:
        return chosen
    same = set(chosen)
    return [block for block in blocks[blocks.index(chosen[0]):]
            if block in same or (block.tag == chosen[0].tag and _dated(block))]


def _blocks_in(section, depth: int = 3) -> tuple[object, list] | None:
    """(parent, blocks): the repeated blocks in `section`, or in the child holding most of its text."""
    kids = [kid for kid in section if isinstance(kid.tag, str)]
    blocks = _repeated(kids)
    if blocks:
        return section, blocks
    total = _visible_chars(section)
    big = [kid for kid in kids if _visible_chars(kid) >= 0.6 * total > 0]
    return _blocks_in(big[0], depth - 1) if big and depth > 0 else None


def _block_thread(parent, blocks: list) -> tuple[object, list]:
    """(container, items) for repeated `blocks` of `parent`, each joined with its footer."""
    chosen = set(blocks)
    kids = [kid for kid in parent if isinstance(kid.tag, str)]
    tops = _joined(_item_groups(kids, lambda el: el in chosen))
    return _thread_box(parent, tops), _with_replies(tops, _sibling_sig(blocks[0]))


def _with_replies(tops: list, sig: tuple) -> list:
    """The items and, in document order among them, the blocks of the same kind nested in them
    (a kind named by a class: a bare div inside a bare div is no reply)."""
    items = []
    for top in tops:
        items.append(top)
        items += [el for el in top.iterdescendants(sig[0]) if sig[1] and _sibling_sig(el) == sig]
    return items


def _named_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for section in _outermost(list(_SECTION_NAMES(tree))):
        names = f"{section.get('id') or ''} {section.get('class') or ''}"
        if _NOT_A_SECTION.search(names) or _overlaps(section, [s.element for s in sections]):
            continue
        if not _leaves_a_page([section], page):
            continue
        found = _blocks_in(section)
        if found is not None:
            container, items = _block_thread(*found)
            sections.append(_read_items(MARKED, container, items, page))


def _leaves_a_page(elements: list, page: _Page) -> bool:
    """Without platform markup, a section may go when it holds no article and either less than half
    of the page's text or leaves a page's worth of text (1000 characters) outside it."""
    if any(_holds_article(el) for el in elements):
        return False
    chars = sum(_visible_chars(el) for el in elements)
    return chars <= 0.5 * page.text_chars or page.text_chars - chars >= 1000


def _heading_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for heading in _COMMENT_HEADINGS(tree):
        if not _comment_heading(heading) or _overlaps(heading, [s.element for s in sections]):
            continue
        run = _run_after(heading)
        blocks = _repeated(run)
        if not blocks or any(_holds_article(el) for el in run[:run.index(blocks[-1]) + 1]):
            continue
        chosen = set(blocks)
        tops = _joined(_item_groups(run, lambda el: el in chosen))
        kids = [kid for kid in heading.getparent() if isinstance(kid.tag, str)]
        container = _wrap(kids[kids.index(heading):kids.index(tops[-1]) + 1])
        sections.append(_read_items(MARKED, container, _with_replies(tops, _sibling_sig(blocks[0])), page))


def _run_after(heading) -> list:
    """The siblings after a heading, up to the next heading of its level or above."""
    level = int(heading.tag[1])
    run = []
    for sibling in heading.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if re.fullmatch(r"h[1-6]", sibling.tag) and int(sibling.tag[1]) <= level:
            break
        run.append(sibling)
    return run


def _comment_heading(el) -> bool:
    if el.tag not in ("h2", "h3", "h4", "h5", "h6"):
        return False
    marks = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    return "comment" in marks or chrome_line_reason(" ".join(render_lines(el))) == "chrome:comment_count"


# ---------------------------------------------------------------- sections


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


def _read_section(profile: Profile, container, page: _Page) -> _Section | None:
    if profile.strict and not _safe(container, page, strict=True):
        return None  # checked first: reading generic items is the costly part
    items = _find_items(profile, container)
    if not items or not _safe(container, page, profile.strict):
        return None
    items = _without_article(items, container)
    return _read_items(profile, container, items, page) if items else None


def _read_items(profile: Profile, container, items: list, page: _Page) -> _Section:
    thread = _Thread(profile, container, items)
    comments = _read_thread(thread)
    element = _wrapper(container, page)
    hidden = thread.hidden | set(_HIDDEN(element))
    return _Section(element, comments, thread.removals + _leftovers(element, thread.consumed, hidden))


def _profile_sections(profiles: Iterable[Profile], tree, page: _Page, sections: list[_Section]) -> None:
    for profile in profiles:
        for container in profile.containers(tree):
            if _overlaps(container, [s.element for s in sections]):
                continue
            section = _read_section(profile, container, page)
            if section is not None:
                sections.append(section)


def _marked_sections(tree, page: _Page, sections: list[_Section]) -> None:
    for parent in _thread_parents(tree):
        if _overlaps(parent, [s.element for s in sections]) or not _items_apart(parent):
            continue
        found = _marked_thread(parent)
        if found is not None:
            container, items = found
            sections.append(_read_items(MARKED, container, items, page))


def _thread_sections(tree, page: _Page) -> list[_Section]:
    sections: list[_Section] = []
    _profile_sections(PROFILES, tree, page, sections)
    _marked_sections(tree, page, sections)
    _named_sections(tree, page, sections)
    _heading_sections(tree, page, sections)
    _profile_sections(GENERIC, tree, page, sections)
    return sections


def _chrome_only(el, page: _Page) -> list[Removal] | None:
    """Removals for a block that is nothing but comment chrome (or a comment form), else None."""
    if _holds_article(el) or (not _FORMISH(el) and not _safe(el, page, strict=True)):
        return None
    hidden = set(_HIDDEN(el))
    lines = [line for line in render_lines(el, lambda e: e in hidden) if _has_words(line)]
    unknown = [line for line in lines if chrome_line_reason(line) is None]
    if unknown and not (_FORMISH(el) and sum(map(len, unknown)) <= 300):
        return None
    if not lines and not _FORMISH(el):
        return None
    return [Removal.of(STEP, chrome_line_reason(line) or "chrome:comment_form", line) for line in lines]


def _chrome_sections(candidates: list, page: _Page, claimed: list) -> list[_Section]:
    sections: list[_Section] = []
    for el in _outermost(candidates):
        if _overlaps(el, claimed + [s.element for s in sections]):
            continue
        removals = _chrome_only(el, page)
        if removals is not None:
            sections.append(_Section(el, [], removals))
    return sections


# ---------------------------------------------------------------- last resort
# A section that is clearly the comments (#comments, .commentlist, #disqus_thread, ...) but whose
# items could not be read: its text blocks are kept as comments without author or date rather
# than lost. Chrome lines and forms in it are removals, as everywhere.

_PARAGRAPH_SECTIONS = _xp(
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
    for el in _outermost(list(_PARAGRAPH_SECTIONS(tree))):
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


def _mostly_links(*elements) -> bool:
    """Half of the blocks' text is link text: tags, navigation, 'Read more'."""
    text = sum(len(el.text_content().strip()) for el in elements)
    links = sum(len(a.text_content().strip()) for el in elements for a in el.iter("a"))
    return text > 0 and links >= 0.5 * text


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
    page = _Page.of(tree)
    sections = _thread_sections(tree, page)
    sections += _paragraph_sections(tree, page, [s.element for s in sections])
    sections += _chrome_sections(list(_EMPTY_SECTIONS(tree)), page, [s.element for s in sections])
    sections += _chrome_sections(list(_SATELLITES(tree)), page, [s.element for s in sections])
    sections.sort(key=lambda s: _position(s.element, page))
    del page  # free the element proxies before their subtrees are detached: lxml frees
    # proxies of a detached subtree by walking that subtree, once per proxy
    comments = [c for s in sections for c in s.comments]
    removals = [r for s in sections for r in s.removals]
    for section in sections:
        section.element.drop_tree()
    return comments, removals
