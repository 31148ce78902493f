"""HTML pages: one lxml parse, handed to trafilatura for main text, comments and metadata."""
from __future__ import annotations

import logging
import re
from datetime import datetime
from urllib.parse import urlsplit

import htmldate.extractors
import lxml.html
from lxml import etree
from trafilatura import bare_extraction
from trafilatura.settings import Document

from .blocks import wrap_loose_text
from .chrome_html import strip_chrome_blocks
from .comments_html import extract_html_comments
from .dates import parse_date
from .document import Draft, Drop
from .dom import drop_taxonomy_classes, join_source_lines
from .htmldate_speedups import use_fast_findall, use_year_led_search
from .injected import strip_injected_spam
from .metadata import MarkupDates, correct_published, read_markup_dates, without_guessed_new_year
from .normalize import drop_hiding_chars, fix_text
from .posts import join_repeated_posts
from .tables import strip_calendar_tables, unwrap_layout_tables
from .settings import HtmlSettings, SpamSettings
from .trafilatura_handover import handed_over, use_handover
from .trafilatura_link_density import use_fast_link_density
from .trafilatura_queries import use_python_queries

STEP = "html"
_LOG = logging.getLogger(__name__)


# HTML comments dropped at parse time: left in the tree, they cut text nodes apart and
# trafilatura loses the text after them (half an article on some pages). huge_tree lifts libxml2's
# defaults that drop content without an error: text nodes over 10 MB (the article after a huge
# inline script is lost) and nesting deeper than 256 levels (everything after the 256th unclosed
# <font> or <div> is lost); inputs are bounded by run.max_input_bytes before they get here.
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False,
                               huge_tree=True)
# Every element an HtmlElement (what trafilatura takes), chosen in C: lxml.html's default lookup is a
# Python call each time an element is touched (the form-field classes it picks are of no use here),
# a tenth of a page's time.
_PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment, pi=lxml.html.HtmlProcessingInstruction,
    entity=lxml.html.HtmlEntity))
# Even with huge_tree libxml2 stops at 2,048 levels and drops the rest of the page. Such a page is
# parsed again flattened: the contents of script-like elements removed, block tags turned into
# paragraph breaks, every other tag dropped (browsers stop nesting at a depth too: Blink at 512).
_TOO_DEEP = "Excessive depth in document"
_RAW_TEXT_START = re.compile(r"<(script|style|template|noscript|textarea|svg|math|iframe|!--)", re.IGNORECASE)
_TAG = re.compile(r"<(/?)([a-zA-Z][^\s/>]*)[^>]{0,4096}>")  # bounded: linear on any input
_BREAKS = re.compile(r"<p>(?:\s*<p>)+")
_FLAT_KEEP = frozenset("html head body title meta link base br p".split())
_FLAT_BLOCK = frozenset(
    "address article aside blockquote center dd details dialog dir div dl dt fieldset figcaption figure footer form "
    "h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol pre section summary table tbody td tfoot th thead tr ul"
    .split())


_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Control characters XML cannot hold: left in, trafilatura's serialisation fails and the page comes out empty.
_INVALID_XML_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_INVALID_XML_CHARS = re.compile(f"[{_INVALID_XML_CLASS}]")


# Control characters written as references ("&#151;", "&#26;"): old pages mean windows-1252 by
# C1 codes, as browsers read them (HTML5 maps &#151; to an em dash); C0 codes are nothing. Left as
# controls, lxml refuses the text and the page comes out empty. Matched: the codes _control_reference
# changes (0-8, 11, 12, 14-31, 128-159, up to three decimal or two hex digits after leading zeros),
# not every short reference: &#39; or &#160; (a dozen a page) took a Python call each to be set back
# as it was (300 corpus pages: 0.13 -> 0.06 ms a page). No reference can start inside another (none
# holds a "&"), so leaving those unmatched changes no other match.
_CONTROL_REFERENCE = re.compile(
    r"&#(?:0*([0-8]|1[124-9]|2\d|3[01]|12[89]|1[34]\d|15\d)|[xX]0*([0-8bBcCeEfF]|1[0-9a-fA-F]|[89][0-9a-fA-F]));")
_C1_CLASS = "\x80-\x9f"
_RAW_C1 = re.compile(f"[{_C1_CLASS}]")
_ODD_CHAR = re.compile(f"[{_INVALID_XML_CLASS}{_C1_CLASS}]")  # either: most pages hold neither


def _as_cp1252(code: int) -> str:
    return bytes([code]).decode("cp1252", errors="ignore")  # the five codes cp1252 leaves undefined: nothing


def _control_reference(match: re.Match[str]) -> str:
    code = int(match.group(1)) if match.group(1) else int(match.group(2), 16)
    if 0x80 <= code <= 0x9F:
        return _as_cp1252(code)
    if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
        return ""
    return match.group(0)


def _flat_tag(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name in _FLAT_KEEP:
        return match.group(0)
    return "<p>" if name in _FLAT_BLOCK else ""


def _flattened(content: str) -> str:
    """The page with no element left that can nest: for pages nested deeper than libxml2 parses."""
    kept, position = [], 0
    while match := _RAW_TEXT_START.search(content, position):  # one scan: an unclosed <script> ends the page
        kept.append(content[position:match.start()])
        name = match.group(1)
        end = re.compile("-->" if name == "!--" else rf"</{name}\s*>", re.IGNORECASE).search(content, match.end())
        position = end.end() if end else len(content)
        kept.append(" ")
    kept.append(content[position:])
    return _BREAKS.sub("<p>", _TAG.sub(_flat_tag, "".join(kept)))  # a run of breaks is one break


# _ODD_CHAR in the page's UTF-8: ASCII controls are bytes of their own (never inside another
# character's bytes), U+0080-U+009F are C2 80-9F, surrogates ED A0-BF, U+FFFE and U+FFFF EF BF BE-BF.
_ODD_BYTES = bytes(c for c in range(0x80) if _ODD_CHAR.match(chr(c)))
_ODD_UTF8 = (re.compile(rb"\xc2[\x80-\x9f]"), re.compile(rb"\xed[\xa0-\xbf]"), re.compile(rb"\xef\xbf[\xbe\xbf]"))


def _holds_odd_chars(content: str) -> bool:
    """_ODD_CHAR.search(content) is not None, on the page's UTF-8: bytes.translate finds the controls
    and each search of the others skips to its lead byte (the regex tests its class at every
    character). 300 corpus pages: 0.42 -> 0.24 ms a page."""
    data = content.encode("utf-8", "surrogatepass")
    return len(data.translate(None, _ODD_BYTES)) != len(data) or any(p.search(data) for p in _ODD_UTF8)


def parse_html(content: str) -> lxml.html.HtmlElement | None:
    # lxml refuses a str that still declares its encoding; the text is decoded already. (A match:
    # the pattern holds at the start only, and sub() tried it at every character.)
    if declaration := _XML_DECLARATION.match(content):
        content = content[declaration.end():]
    if not content.isascii():
        # the text steps drop them anyway; str.replace of each one the page holds, not the regex's
        # class test at every character (0.18 -> 0.01 ms a page; 184 of 300 corpus pages are not ASCII)
        content = drop_hiding_chars(content)
    odd = _holds_odd_chars(content)  # most pages hold none: one scan of the page, not two
    if odd:
        content = _INVALID_XML_CHARS.sub("", content)
    if "&#" in content:
        content = _CONTROL_REFERENCE.sub(_control_reference, content)
    if odd:  # the references give no raw C1 code: _as_cp1252 decodes them
        content = _RAW_C1.sub(lambda m: _as_cp1252(ord(m.group(0))), content)
    try:
        tree = lxml.html.document_fromstring(content, parser=_PARSER)
        if _TOO_DEEP in str(_PARSER.error_log.last_error or ""):
            _LOG.warning("markup nested deeper than libxml2's 2,048 levels: parsed again without its nesting")
            tree = lxml.html.document_fromstring(_flattened(content), parser=_PARSER)
        return tree
    except (etree.ParserError, ValueError):
        return None


# A script this long is a data blob (an inlined bundle, a state dump), never the page's metadata:
# htmldate's patterns would read all of it (a 10 MB script: 3.5 s of a page's time).
HUGE_SCRIPT_CHARS = 1_000_000


def drop_huge_scripts(tree: lxml.html.HtmlElement) -> None:
    for script in [s for s in tree.iter("script") if len(s.text or "") > HUGE_SCRIPT_CHARS]:
        script.drop_tree()


def _date_in_words(text: str) -> datetime | None:
    """htmldate's last resort for a date its own rules cannot read ("Dec. 25, 2004 12:00 AM",
    "2 de março de 2020"), read by our date patterns in place of dateparser. dateparser tried every
    locale on such a text: 20-35 ms a call, most often for no date (event ranges, "©2012 Core77"),
    1.8 s and 40 MB to set up in every process, and readings such as "14-16 Apr" as 2016-04-14.
    Ours know fewer forms: of the 1,275 dates of the 1,580 corpus pages, 5 differ (two were such misreadings)."""
    iso = parse_date(text)
    return datetime.fromisoformat(iso) if iso else None


# htmldate calls this module-level function (pinned in requirements.lock; tests/test_html.py
# fails if a release renames it).
htmldate.extractors._external_date = _date_in_words
# trafilatura's slowest XPaths answered in Python, the same elements (cleaners.trafilatura_queries)
use_python_queries()
# htmldate's page-wide date patterns tried only where a match can start, the same matches
# (cleaners.htmldate_speedups)
use_fast_findall()
use_year_led_search()
# the parsed tree is trafilatura's alone: its defensive copy of it skipped (cleaners.trafilatura_handover)
use_handover()
# its link density test without lxml's Python path lookups (cleaners.trafilatura_link_density)
use_fast_link_density()


def site_of(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


class ExtractHtml:
    """Main text and comment section from the page's tree; metadata where trafilatura finds it."""

    name = STEP

    def __init__(self, settings: HtmlSettings, spam: SpamSettings):
        self.settings, self.spam = settings, spam

    def __call__(self, draft: Draft) -> Draft | Drop:
        tree = parse_html(draft.page.content)
        if tree is None:
            return Drop("unreadable", "the HTML could not be parsed")
        drop_huge_scripts(tree)
        marks = read_markup_dates(tree)  # before our DOM work removes the post's meta line
        section_found = self._strip_tree(tree, draft)
        doc = bare_extraction(
            handed_over(tree),  # not read after: trafilatura may prune it in place
            url=draft.page.url,
            with_metadata=True,
            # trafilatura's own comment text only when the markup named no comment section
            include_comments=self.settings.include_comments and not section_found,
            favor_precision=self.settings.favor_precision,
            favor_recall=self.settings.favor_recall,
        )
        if doc is None or not (doc.text or "").strip():
            if draft.spam_chars:
                return draft  # nothing but spam: the filter step rejects it as spam_page
            return Drop("empty", "no main text found in the HTML")
        _take_extraction(doc, draft, self.settings.include_comments, marks)
        return draft

    def _strip_tree(self, tree: lxml.html.HtmlElement, draft: Draft) -> bool:
        """Our DOM work before extraction: injected spam, the comment section (as records) and
        chrome blocks leave the tree. True when a comment section was found."""
        drop_taxonomy_classes(tree)
        removed, spam_chars = strip_injected_spam(tree, self.spam)
        draft.removed += removed
        draft.spam_chars += spam_chars
        comments, removed = extract_html_comments(tree)
        draft.comments += comments
        draft.removed += removed
        draft.removed += strip_chrome_blocks(tree)
        draft.removed += strip_calendar_tables(tree)
        unwrap_layout_tables(tree)
        wrap_loose_text(tree)
        join_repeated_posts(tree)
        # last: the steps before read the source's line breaks (comment and chrome lines)
        join_source_lines(tree)
        return bool(comments or removed)


def _take_extraction(doc: Document, draft: Draft, include_comments: bool, marks: MarkupDates) -> None:
    draft.lines = fix_text(doc.text).split("\n")
    comments = fix_text(doc.comments or "") if include_comments else ""
    draft.comment_block = comments.split("\n") if comments else []
    draft.title = draft.title or (fix_text(doc.title) if doc.title else None)
    draft.author = fix_text(doc.author) if doc.author else None
    draft.published = without_guessed_new_year(correct_published(doc.date, marks), marks, draft.page.content)
    draft.url = draft.page.url or doc.url
    draft.site = site_of(draft.url) or doc.hostname
    draft.categories = list(doc.categories or [])
    draft.tags = list(doc.tags or marks.tags)
