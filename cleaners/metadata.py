"""Metadata the markup states outright, read before our DOM work, to correct trafilatura's.

htmldate, asked for the original date, still returns the "last modified" date on pages whose only
dated meta is `article:modified_time`, or where a "Last updated" line sits above the article,
although the post carries its publication date in a <time> element. trafilatura's tags come from
tag-page URLs only; WordPress, Blogger and others mark tags with rel="tag".
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from .dates import find_date as find_text_date, states_date
from .normalize import collapse_spaces

_ISO_DAY = re.compile(r"((?:19|20)\d\d)-(\d\d)-(\d\d)")
# Every element a stated date or tag can come from, in one query (each "//" of it walks the whole tree,
# and one query per kind of mark walked it a dozen times).
_MARKED = etree.XPath("//meta | //*[@itemprop] | //time[@datetime] | //abbr | //script[@type='application/ld+json']"
                      " | //a[@rel]")
_PUBLISHED_PROPERTY = frozenset({"article:published_time", "og:published_time"})
_PUBLISHED_NAME = frozenset({"date", "pubdate", "publish-date", "DC.date.issued", "citation_publication_date",
                             "parsely-pub-date"})
_MODIFIED_PROPERTY = frozenset({"article:modified_time", "og:updated_time"})
_MODIFIED_NAME = frozenset({"last-modified", "revised"})
# a post's own date element: WordPress "entry-date published", hAtom "published", <time pubdate>
_PUBLISHED_TIME = etree.XPath(
    "//time[@datetime][@pubdate or contains(concat(' ', normalize-space(@class), ' '), ' published ')"
    " or contains(@class, 'entry-date') or contains(@class, 'post-date') or contains(@class, 'posted-on')"
    " or ancestor::*[contains(@class, 'entry-meta') or contains(@class, 'post-meta') or contains(@class, 'posted-on')"
    " or contains(@class, 'byline') or contains(@class, 'dateline')]]"
    "[not(contains(@class, 'updated') or contains(@class, 'modified'))]/@datetime"
    " | //abbr[contains(concat(' ', normalize-space(@class), ' '), ' published ')]/@title")
_SCRIPT_TEXT = etree.XPath("text()", smart_strings=False)
_UPDATED_LINE = re.compile(r"\b(?:last\s+)?(?:updated|modified|revised|edited)\b\s*(?:on|:)?\s*", re.IGNORECASE)
_UPDATED_WORDS = (b"updated", b"modified", b"revised", b"edited")
_TEXT_NODES = etree.XPath("//body//text()[not(ancestor::script or ancestor::style)]", smart_strings=False)
_TAG_LINKS = etree.XPath("//a[@rel][contains(concat(' ', normalize-space(@rel), ' '), ' tag ')]"
                         "[not(contains(concat(' ', normalize-space(@rel), ' '), ' category '))]")
MAX_TAGS = 30  # a tag cloud widget is not the post's tags


@dataclass
class MarkupDates:
    published: list[str] = field(default_factory=list)  # stated publication dates, document order
    modified: set[str] = field(default_factory=set)  # "last updated" dates anywhere on the page
    tags: list[str] = field(default_factory=list)


def _day(value: str | None) -> str | None:
    match = _ISO_DAY.search(value or "")
    return "-".join(match.groups()) if match else None


def _ld_dates(scripts: list[str], key: str) -> list[str]:
    found = []
    for script in scripts:
        for match in re.finditer(rf'"{key}"\s*:\s*"([^"]+)"', script):
            if day := _day(match.group(1)):
                found.append(day)
    return found


@dataclass
class _Marked:
    """The _MARKED elements sorted by what they say, values in document order."""
    published: list[str] = field(default_factory=list)  # meta and itemprop values
    modified: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)  # JSON-LD
    dated: bool = False  # a <time datetime> or <abbr>: the post's own date element may be there
    tagged: bool = False  # a rel holds "tag"


def _sort_marked(tree: etree._Element) -> _Marked:
    found = _Marked()
    for el in _MARKED(tree):
        tag, get = el.tag, el.get
        if tag == "meta":
            content = get("content")
            if content is not None:
                if get("property") in _PUBLISHED_PROPERTY or get("itemprop") == "datePublished" or \
                        get("name") in _PUBLISHED_NAME:
                    found.published.append(content)
                if get("property") in _MODIFIED_PROPERTY or get("itemprop") == "dateModified" or \
                        get("name") in _MODIFIED_NAME:
                    found.modified.append(content)
            continue
        itemprop = get("itemprop")
        if itemprop == "datePublished":  # both attributes, in the order the element has them
            found.published += [v for k, v in el.items() if k == "datetime" or k == "content"]
        elif itemprop == "dateModified" and get("datetime") is not None:
            found.modified.append(get("datetime"))
        if tag == "script" and get("type") == "application/ld+json":
            found.scripts += _SCRIPT_TEXT(el)
        elif tag == "time" or tag == "abbr":
            found.dated = True
        elif tag == "a" and "tag" in (get("rel") or ""):
            found.tagged = True
    return found


def _may_say_updated(tree: etree._Element) -> bool:
    """Whether some text may hold an _UPDATED_LINE word: all the page's text lowered at once and
    searched (most pages have none), not every text node matched one by one."""
    text = etree.tostring(tree, method="text", encoding="utf-8", with_tail=False)
    # re.IGNORECASE also matches İ and ı to i and ſ to s, which bytes.lower() leaves as they are
    # (one-byte searches first: memchr, where two-byte ones crawl)
    if (b"\xc4" in text and (b"\xc4\xb0" in text or b"\xc4\xb1" in text)) or (b"\xc5" in text and b"\xc5\xbf" in text):
        return True
    text = text.lower()
    return any(word in text for word in _UPDATED_WORDS)


def read_markup_dates(tree: etree._Element) -> MarkupDates:
    """What the page's markup says, read from the whole tree before any of it is removed."""
    marks, marked = MarkupDates(), _sort_marked(tree)
    stated = _ld_dates(marked.scripts, "datePublished") + [_day(v) for v in marked.published] + \
        [_day(v) for v in (_PUBLISHED_TIME(tree) if marked.dated else ())]
    marks.published = [d for d in dict.fromkeys(stated) if d]
    marks.modified = {d for d in _ld_dates(marked.scripts, "dateModified") + [_day(v) for v in marked.modified] if d}
    for text in _TEXT_NODES(tree) if _may_say_updated(tree) else ():
        if len(text) < 200 and _UPDATED_LINE.search(text):
            line = collapse_spaces(text)
            if found := find_text_date(line[_UPDATED_LINE.search(line).end():]):
                marks.modified.add(found[0])
    links = _TAG_LINKS(tree) if marked.tagged else []
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


def without_guessed_new_year(published: str | None, marks: MarkupDates, page: str) -> str | None:
    """`published`, or None when it is January 1 that nothing on the page states: htmldate's last
    resort turns a year it sees anywhere (a "© 2019" footer, a charset named iso-2022-jp) into
    January 1 of it, a date nobody published the page on."""
    if not published or published[4:] != "-01-01" or published in marks.published or published in marks.modified:
        return published
    return published if states_date(page, published) else None
