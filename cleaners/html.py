"""HTML pages: one lxml parse, handed to trafilatura for main text, comments and metadata."""
from __future__ import annotations

from urllib.parse import urlsplit

import lxml.html
from lxml import etree
from trafilatura import bare_extraction

from .chrome_html import strip_chrome_blocks
from .document import Draft, Drop
from .normalize import fix_text
from .settings import HtmlSettings

STEP = "html"


# HTML comments dropped at parse time: left in the tree, they cut text nodes apart and
# trafilatura loses the text after them (half an article on some pages).
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False)


def parse_html(content: str) -> lxml.html.HtmlElement | None:
    try:
        return lxml.html.document_fromstring(content, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def site_of(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


class ExtractHtml:
    """Main text and comment section from the page's tree; metadata where trafilatura finds it."""

    name = STEP

    def __init__(self, settings: HtmlSettings):
        self.settings = settings

    def __call__(self, draft: Draft) -> Draft | Drop:
        tree = parse_html(draft.page.content)
        if tree is None:
            return Drop("unreadable", "the HTML could not be parsed")
        draft.removed += strip_chrome_blocks(tree)
        doc = bare_extraction(
            tree,
            url=draft.page.url,
            with_metadata=True,
            include_comments=self.settings.include_comments,
            favor_precision=self.settings.favor_precision,
        )
        if doc is None or not (doc.text or "").strip():
            return Drop("empty", "no main text found in the HTML")
        draft.lines = fix_text(doc.text).split("\n")
        comments = fix_text(doc.comments or "") if self.settings.include_comments else ""
        draft.comment_block = comments.split("\n") if comments else []
        draft.title = draft.title or (fix_text(doc.title) if doc.title else None)
        draft.author = fix_text(doc.author) if doc.author else None
        draft.published = doc.date
        draft.url = draft.page.url or doc.url
        draft.site = site_of(draft.url) or doc.hostname
        draft.categories = list(doc.categories or [])
        draft.tags = list(doc.tags or [])
        return draft
