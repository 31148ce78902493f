"""Reader comments from the HTML markup of blog platforms, read from the page's lxml tree.

Recognised markup (the research note spam_and_comments.md §2 has real examples):
  WordPress    ol.commentlist / ol.comment-list > li.comment: Twenty Ten, the classic div callback,
               HTML5 core markup, WordPress.com highlander, Genesis; replies in ol/ul.children
  Blogger      classic dl#comments-block (dt "NAME said..." + dd.comment-body + dd.comment-footer),
               threaded div.comments-content li.comment (cite.user, span.datetime, p.comment-content)
  Typepad      div.comment with the "Posted by: NAME | DATE" footer AFTER the text
  Drupal       7 (div.comment, p.commenter-name, p.comment-time, h3 subject; replies in div.indented),
               9/10 Olivero (article.comment, p.comment__author, p.comment__time, div.comment__content)
  Disqus       the server-rendered fallback ul#dsq-comments (no dates)
  generic      #comments / .comments / section.comments holding repeated blocks with an author and text

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
           "comment-tools", "comment-toolbar", "comment-links")
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
    containers: etree.XPath
    items: etree.XPath | None
    author: tuple[etree.XPath, ...] = ()
    date: tuple[etree.XPath, ...] = ()
    text: tuple[etree.XPath, ...] = ()
    subject: etree.XPath | None = None  # Drupal: a title that is often just the start of the body
    footer: etree.XPath | None = None  # Typepad: "Posted by: NAME | DATE" after the text
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
_FOOTER = _desc("comment-footer", "posted", "comments-post")
_AUTHOR_LIKE = (
    ".//*[(self::cite or @itemprop='author' or contains(@class, 'author') or contains(@class, 'user') or "
    "contains(@class, 'commenter') or contains(@class, '-name') or " + _cls("fn", "name") + ") and "
    "not(contains(@class, 'avatar'))]"
)
_DATE_LIKE = ".//*[self::time or contains(@class, 'date') or contains(@class, 'time')]"
_AUTHOR_LIKE_XP = _xp(_AUTHOR_LIKE)
_DATE_LIKE_XP = _xp(_DATE_LIKE)
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
        _xp(_desc("comment", "pingback", "trackback", tag="li")),
        author=_WP_AUTHOR, date=_WP_DATE, text=_WP_TEXT,
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


def _walk(el, skip: Callable, out: list[str], skipped: list | None) -> None:
    tag = el.tag if isinstance(el.tag, str) else None
    if tag is None or tag in _SKIP_TAGS:
        return
    if skip(el):
        if skipped is not None:
            skipped.append(el)
        return
    block = tag in _BLOCK_TAGS
    out.append("\n" if block or tag == "br" else "")
    out.append(el.text or "")
    for child in el:
        _walk(child, skip, out, skipped)
        out.append(child.tail or "")
    out.append("\n" if block else "")


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


def _read_author(thread: _Thread, item) -> str | None:
    node = thread.first_owned(thread.profile.author, item, _authorish)
    if node is None:
        return None
    thread.consumed.add(node)
    return _clean_author(" ".join(render_lines(node, lambda e: e in thread.chrome and e is not node)))


def _read_date(thread: _Thread, item) -> str | None:
    dates = [n for n in thread.all_owned(thread.profile.date, item) if _short(n)]
    thread.consumed.update(dates)
    return _published(dates)


def _read_head(thread: _Thread, item) -> tuple[str | None, str | None]:
    """Author and date of `item`; the nodes they came from are marked consumed."""
    if thread.profile.footer is not None:
        return _read_footer(thread, item)
    return _read_author(thread, item), _read_date(thread, item)


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
        reason = chrome_reason(line) or _button_row(line)
        if reason in _COMMENT_CHROME:
            removals.append(Removal.of(STEP, reason, line))
        else:
            kept.append(line)
    return kept, removals


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


def _pingback(item) -> Removal | None:
    """Pingbacks and trackbacks are links from other sites, not reader comments."""
    text = " ".join(render_lines(item))
    match = _PINGBACK_TEXT.match(text)
    if match:
        return Removal.of(STEP, f"comment:{match.group(1).lower()}", text)
    if _PINGBACK_CLASS(item):
        kind = "trackback" if "trackback" in (item.get("class") or "") else "pingback"
        return Removal.of(STEP, f"comment:{kind}", text)
    return None


def _read_item(thread: _Thread, item) -> _Read:
    ping = _pingback(item)
    if ping:
        thread.consumed.add(item)
        return _Read(None, [ping])
    author, published = _read_head(thread, item)
    lines, removals = _read_text(thread, item)
    text = "\n".join(lines)
    if _DELETED.fullmatch(text):
        return _Read(None, [*removals, Removal.of(STEP, "comment:deleted", text)])
    if not text:
        return _Read(None, [*removals, Removal.of(STEP, "comment:empty", author or "")])
    comment = Comment(author=author, text=text, published=published)
    comment.id = comment_id(author, text)
    return _Read(comment, removals)


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
    return list(profile.items(container))


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
    if not _safe(container, page, profile.strict):
        return None
    items = _without_article(_find_items(profile, container), container)
    if not items:
        return None
    thread = _Thread(profile, container, items)
    comments = _read_thread(thread)
    element = _wrapper(container, page)
    hidden = thread.hidden | set(_HIDDEN(element))
    return _Section(element, comments, thread.removals + _leftovers(element, thread.consumed, hidden))


def _thread_sections(tree, page: _Page) -> list[_Section]:
    sections: list[_Section] = []
    for profile in PROFILES:
        for container in profile.containers(tree):
            if _overlaps(container, [s.element for s in sections]):
                continue
            section = _read_section(profile, container, page)
            if section is not None:
                sections.append(section)
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


def extract_html_comments(tree) -> tuple[list[Comment], list[Removal]]:
    """Find the page's comment section(s); return the comments as records (document order,
    depth-first, replies with `parent` = the id of the comment they answer) and the removals
    (chrome dropped, pingbacks, etc.). REMOVE the whole comment section from `tree` (the list,
    its heading like '5 thoughts on ...', 'No comments:', the respond/comment form, 'Comments are closed',
    pingbacks) so that a main-text extractor run on the tree afterwards cannot leak comment text
    into the article body."""
    page = _Page.of(tree)
    sections = _thread_sections(tree, page)
    sections += _chrome_sections(list(_EMPTY_SECTIONS(tree)), page, [s.element for s in sections])
    sections += _chrome_sections(list(_SATELLITES(tree)), page, [s.element for s in sections])
    sections.sort(key=lambda s: page.order.get(s.element, 0))
    del page  # free the element proxies before their subtrees are detached: lxml frees
    # proxies of a detached subtree by walking that subtree, once per proxy
    comments = [c for s in sections for c in s.comments]
    removals = [r for s in sections for r in s.removals]
    for section in sections:
        section.element.drop_tree()
    return comments, removals
