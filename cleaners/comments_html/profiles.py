"""Platform profiles: how WordPress, Blogger, Drupal, Typepad and Disqus mark up a comment thread
(PROFILES), the paths for marked items without a platform (MARKED), and the generic profile (GENERIC)."""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from .markup import _REGEX_NS, _cls, _page_query, _PageQuery, _xp, _xps


@dataclass(frozen=True)
class Profile:
    """How one platform marks up its comment thread. Paths after `items` are relative to an item;
    each tuple is tried in order and the first path with a node of this very comment wins."""

    name: str
    containers: _PageQuery | None
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
# Any class token naming a comment's text: comment_body, commentText, comment-message, comment__content.
_TEXT_LIKE = etree.XPath(
    ".//*[re:test(@class, '(^|\\s)comments?[-_]*(text|body|content|message|entry|copy)(\\s|$)', 'i')]",
    namespaces=_REGEX_NS,
)
_ITEM_TEXT = (*_WP_TEXT, _TEXT_LIKE, _xp("."))  # "." last: the item minus its head and chrome
_FOOTER = _desc("comment-footer", "posted", "comments-post")
_HEAD_MARKUP = ".//*[" + _cls("comment-author", "comment-meta", "comment-metadata", "comment-date", "vcard") + "]"
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
        "disqus", _page_query("//*[@id='dsq-comments']"), _xp(_desc("comment", tag="li")),
        author=_xps(_desc("dsq-comment-header", after="//cite")),
        date=_xps(_desc("dsq-comment-header", after="//time"), _desc("dsq-comment-date")),
        text=_xps(_desc("dsq-comment-message")),
    ),
    Profile(
        "blogger_threaded", _page_query(f"//*[{_cls('comments-content')}]"), _xp(_desc("comment", tag="li")),
        author=_xps(_desc("user", tag="cite")), date=_xps(_desc("datetime")), text=_xps(_desc("comment-content")),
    ),
    Profile(  # dt "NAME said..." + dd.comment-body + dd.comment-footer, siblings in one dl
        "blogger_classic", _page_query("//dl[@id='comments-block']"), _xp(f"./dt[{_cls('comment-author')}]"),
        author=_xps("."),
        date=_xps(f"following-sibling::dd[{_cls('comment-footer')}][1]"),
        text=_xps(f"following-sibling::*[1][self::dd and {_cls('comment-body')}]"),
    ),
    Profile(
        "wordpress", _page_query(f"//*[(self::ol or self::ul) and {_cls('commentlist', 'comment-list')}]"),
        _xp(".//li[" + _cls("comment", "pingback", "trackback") + " or starts-with(@id, 'comment-') or "
            "starts-with(@id, 'li-comment-')]"),
        author=_ITEM_AUTHOR, date=_WP_DATE, text=_ITEM_TEXT, fallback_items=_xp("./li"),
    ),
    Profile(
        "drupal7", _page_query(f"//*[{_COMMENTS_ID}{_cls('comment-wrapper')}]"),
        _xp(_desc("comment", tag="div", after=f"[./*[{_cls('attribution', 'comment-text')}]]")),
        author=_xps(_desc("commenter-name"), _desc("username")),
        date=_xps(_desc("comment-time")),
        text=_xps(_desc("comment-text", after=f"/*[{_cls('content')}]"), _desc("comment-text")),
        subject=_xp(_desc("comment-text", after="/*[self::h3 or self::h2]")),
    ),
    Profile(  # Drupal 7's core comment template (Garland, Seven and themes that keep it): the title,
        # "Submitted by NAME on DATE" (the date also in @content), the text, the links; replies in div.indented
        "drupal7_core", _page_query(f"//*[{_COMMENTS_ID}{_cls('comment-wrapper')}]"),
        _xp(_desc("comment", tag="div", after=f"[./*[{_cls('submitted')}]][./*[{_cls('content')}]]")),
        author=_xps(_desc("username")),
        date=_xps(_desc("submitted")),
        text=_xps(f"./*[{_cls('content')}]"),
        subject=_xp("./*[self::h3 or self::h2]"),
    ),
    Profile(
        "drupal_olivero", _page_query(f"//*[{_COMMENTS_ID}{_cls('comments', 'field--type-comment', 'comment-wrapper')}]"),
        _xp(_desc("comment", tag="article")),
        author=_xps(_desc("comment__author")),
        date=_xps(_desc("comment__time"), ".//*[@data-comment-timestamp]"),
        text=_xps(_desc("comment__content")),
        subject=_xp(_desc("comment__content", after="/*[self::h3 or self::h2]")),
    ),
    Profile(  # the author and date come AFTER the text, in "Posted by: NAME | DATE"; a theme whose
        # comments name their author and date up front (and call the Reply row a footer) is not Typepad
        "typepad", _page_query(f"//*[{_COMMENTS_ID}{_cls('comments-content', 'comments')}]"),
        _xp(_desc("comment", "comments-body", tag="div", after=f"[{_FOOTER}][not({_HEAD_MARKUP})]")),
        text=_xps(_desc("comment-content"), "."), footer=_xp(_FOOTER),
    ),
)
# Items marked as comments by their class or id, wherever they are (see marked.py).
MARKED = Profile("marked", None, None, author=_ITEM_AUTHOR, date=_ITEM_DATE, text=_ITEM_TEXT)
GENERIC = (
    Profile(  # no platform markup: repeated blocks with a short author element and some text
        "generic",
        _page_query(f"//*[{_COMMENTS_ID}@id='comment-list' or @id='commentlist' or "
            + _cls("comments", "comments-area", "comment-list", "comments-list", "comment-section", "comments-section")
            + "]"),
        None, author=(_AUTHOR_LIKE_XP,), date=(_xp(".//time[@datetime]"), _DATE_LIKE_XP), text=_xps("."), strict=True,
    ),
)
