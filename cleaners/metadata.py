"""Metadata the markup states outright, read before our DOM work, to correct trafilatura's.

htmldate, asked for the original date, still returns the "last modified" date on pages whose only
dated meta is `article:modified_time`, or where a "Last updated" line sits above the article,
although the post carries its publication date in a <time> element. trafilatura's tags come from
tag-page URLs only; WordPress, Blogger and others mark tags with rel="tag".
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from .dates import find_date as find_text_date
from .normalize import collapse_spaces

_ISO_DAY = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
_PUBLISHED_META = etree.XPath(
    "//meta[@property='article:published_time' or @property='og:published_time' or @itemprop='datePublished'"
    " or @name='date' or @name='pubdate' or @name='publish-date' or @name='DC.date.issued'"
    " or @name='citation_publication_date' or @name='parsely-pub-date']/@content"
    " | //*[@itemprop='datePublished'][not(self::meta)]/@datetime | //*[@itemprop='datePublished'][not(self::meta)]/@content")
_MODIFIED_META = etree.XPath(
    "//meta[@property='article:modified_time' or @property='og:updated_time' or @itemprop='dateModified'"
    " or @name='last-modified' or @name='revised']/@content"
    " | //*[@itemprop='dateModified'][not(self::meta)]/@datetime")
# a post's own date element: WordPress "entry-date published", hAtom "published", <time pubdate>
_PUBLISHED_TIME = etree.XPath(
    "//time[@datetime][@pubdate or contains(concat(' ', normalize-space(@class), ' '), ' published ')"
    " or contains(@class, 'entry-date') or contains(@class, 'post-date') or contains(@class, 'posted-on')"
    " or ancestor::*[contains(@class, 'entry-meta') or contains(@class, 'post-meta') or contains(@class, 'posted-on')"
    " or contains(@class, 'byline') or contains(@class, 'dateline')]]"
    "[not(contains(@class, 'updated') or contains(@class, 'modified'))]/@datetime"
    " | //abbr[contains(concat(' ', normalize-space(@class), ' '), ' published ')]/@title")
_LD_JSON = etree.XPath("//script[@type='application/ld+json']/text()")
_UPDATED_LINE = re.compile(r"\b(?:last\s+)?(?:updated|modified|revised|edited)\b\s*(?:on|:)?\s*", re.IGNORECASE)
_TAG_LINKS = etree.XPath("//a[@rel][contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"
                         "[not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))]")
_TEXT_NODES = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]")
MAX_TAGS = 30  # a tag cloud widget is not the post's tags


@dataclass
class MarkupDates:
    published: list[str] = field(default_factory=list)  # stated publication dates, document order
    modified: set[str] = field(default_factory=set)  # "last updated" dates anywhere on the page
    tags: list[str] = field(default_factory=list)


def _day(value: str | None) -> str | None:
    match = _ISO_DAY.search(value or "")
    return "-".join(match.groups()) if match else None


def _ld_dates(tree: etree._Element, key: str) -> list[str]:
    found = []
    for script in _LD_JSON(tree):
        for match in re.finditer(rf'"{key}"\s*:\s*"([^"]+)"', script):
            if day := _day(match.group(1)):
                found.append(day)
    return found


def read_markup_dates(tree: etree._Element) -> MarkupDates:
    """What the page's markup says, read from the whole tree before any of it is removed."""
    marks = MarkupDates()
    stated = _ld_dates(tree, "datePublished") + [_day(v) for v in _PUBLISHED_META(tree)] + \
        [_day(v) for v in _PUBLISHED_TIME(tree)]
    marks.published = [d for d in dict.fromkeys(stated) if d]
    marks.modified = {d for d in _ld_dates(tree, "dateModified") + [_day(v) for v in _MODIFIED_META(tree)] if d}
    for text in _TEXT_NODES(tree):
        if len(text) < 200 and _UPDATED_LINE.search(text):
            line = collapse_spaces(text)
            if found := find_text_date(line[_UPDATED_LINE.search(line).end():]):
                marks.modified.add(found[0])
    links = _TAG_LINKS(tree)
    if len(links) <= MAX_TAGS:
        names = (collapse_spaces(a.text_content()) for a in links)
        marks.tags = list(dict.fromkeys(n for n in names if n and len(n) <= 60))
    return marks


def correct_published(found: str | None, marks: MarkupDates) -> str | None:
    """The publication date: the one the markup states when htmldate's is a modification date
    (or it found none); htmldate's otherwise."""
    stated = [d for d in marks.published if d not in marks.modified] or marks.published
    if found is None or (found in marks.modified and found not in marks.published):
        return stated[0] if stated else found
    return found
