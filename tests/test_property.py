"""Property tests (issue 6, item 8): arbitrary bytes, text and nested markup given to the readers,
the decode step and the page cleaner never raise; every record is an article with text or a
rejection with a known reason and a detail, and can be written as JSON.

Deterministic (derandomize, no example database written). CI runs a modest number of examples
per property; `--long` runs many more.
"""
from __future__ import annotations

import gzip
import hashlib
import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaners import Cleaner, CleaningSettings
from cleaners.decode import DecodeError, decode_bytes
from cleaners.document import Page
from flows.sources import InputFile, Unreadable, read_pages
from tests.conftest import RUN

CI_EXAMPLES, LONG_EXAMPLES = 75, 2500
# the reasons a page can be rejected for before the run's own (timeout, error, duplicate ...)
PAGE_REASONS = {"spam_page", "empty", "too_short", "language", "unreadable", "unsupported_format", "too_large"}


def run_property(long_run: bool, strategy, check) -> None:
    """Run `check` on examples of `strategy`: derandomized, no database, no deadline."""

    @settings(max_examples=LONG_EXAMPLES if long_run else CI_EXAMPLES, derandomize=True, database=None,
              deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(strategy)
    def prop(example):
        check(example)

    prop()


# ---------------------------------------------------------------- strategies

TAGS = ("html head body title meta div p span a b i font table tr td th ul ol li article section main header "
        "footer nav aside h1 h2 h3 pre code br hr img iframe form input textarea script style noscript template "
        "svg blockquote time abbr").split()
ATTRIBUTES = ("", ' class="comment"', ' class="comments-area"', ' id="comments"', ' class="share-bar"',
              ' style="display:none"', " hidden", ' href="http://casino.example/bonus"', ' href="/tag/news" rel="tag"',
              ' class="entry-content"', ' itemprop="articleBody"', ' class="tag-share"', ' onload="alert(1)"',
              ' class="author vcard"', ' datetime="2021-02-03T04:05:06Z"', ' charset="utf-16"',
              ' property="article:published_time" content="2020-01-01"', ' class="reply"', ' lang="tr"')
PHRASES = ("The council met on Tuesday to discuss the budget for next year and the new library.",
           "casino siteleri deneme bonusu veren siteler", "Will says:", "March 3, 2012 at 7:03 am", "Reply",
           "Comments are closed.", "Posted by: Anna | June 27, 2012", "Share this:", "3 Responses to “A post”",
           "Ein Artikel über die Radwege der Stadt.", "Leave a Reply", "&amp; &lt;b&gt; &#151; &#0; &#x1F600;",
           "<!--", "-->", "<![CDATA[", "]]>", "<?xml version='1.0' encoding='utf-8'?>", "\x00", "\r\n", "\t",
           "\u202e", "\ufeff", "😀", "日本語のテキスト", "Читать далее")

words = st.one_of(st.text(max_size=80), st.sampled_from(PHRASES))


def _element(tag: str, attributes: str, children: list[str], closed: bool) -> str:
    return f"<{tag}{attributes}>{''.join(children)}" + (f"</{tag}>" if closed else "")


markup = st.recursive(
    words,
    lambda children: st.builds(_element, st.sampled_from(TAGS), st.sampled_from(ATTRIBUTES),
                               st.lists(children, max_size=6), st.booleans()),
    max_leaves=60,
)
pages_of_markup = st.builds(lambda parts, wrap: ("<html><body>" if wrap else "") + "".join(parts),
                            st.lists(markup, min_size=1, max_size=8), st.booleans())
text_pages = st.lists(words, max_size=40).map("\n".join)


# ---------------------------------------------------------------- checks

@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(CleaningSettings())


def check_record(kind: str, record: dict) -> None:
    assert kind in ("article", "rejected")
    orjson.dumps(record)  # a sink can write it (no lone surrogate, nothing unserialisable)
    assert record["id"] and record["provenance"]["source"]
    if kind == "article":
        assert record["text"].strip()
    else:
        assert record["reason"] in PAGE_REASONS, record["reason"]
        assert isinstance(record["detail"], str) and record["detail"].strip()


def clean(cleaner: Cleaner, content: str, content_type: str) -> None:
    page = Page(source=f"page.{content_type}", sha256=hashlib.sha256(content.encode("utf-8", "replace")).hexdigest(),
                format=content_type, content=content, content_type=content_type)
    check_record(*cleaner.record(page, RUN))


# ---------------------------------------------------------------- properties

def test_nested_markup_never_breaks_the_html_cleaner(cleaner, long_run):
    run_property(long_run, pages_of_markup, lambda html: clean(cleaner, html, "html"))


def test_arbitrary_text_never_breaks_either_cleaner(cleaner, long_run):
    def check(text: str) -> None:
        clean(cleaner, text, "text")
        clean(cleaner, text, "html")

    run_property(long_run, st.one_of(text_pages, st.text()), check)


def test_arbitrary_bytes_decode_to_text_or_a_decode_error(long_run):
    def check(data: bytes) -> None:
        for html in (True, False):
            try:
                text = decode_bytes(data, html=html)
            except DecodeError as exc:
                assert str(exc)
            else:
                assert isinstance(text, str)
                text.encode("utf-8")  # no lone surrogate reaches the cleaner

    run_property(long_run, st.one_of(st.binary(max_size=2048), pages_of_markup.map(lambda s: s.encode("utf-16-le"))),
                 check)


_NAMES = ("page.html", "page.txt", "page.html.gz", "page.jsonl", "page.warc", "page.warc.gz", "page.pdf")


def test_arbitrary_bytes_in_any_input_file_give_pages_or_rejections(cleaner, long_run):
    """The whole read path: bytes under every input name -> reader -> decode -> cleaner."""
    with tempfile.TemporaryDirectory() as folder:
        def check(example: tuple[bytes, str, bool]) -> None:
            data, name, gzipped = example
            path = Path(folder) / name
            path.write_bytes(gzip.compress(data, mtime=0) if gzipped and name.endswith(".gz") else data)
            items = list(read_pages(InputFile(path, name, len(data)), 100_000))
            assert items or name.endswith((".warc", ".warc.gz"))  # an archive of no response has no page
            for item in items:
                if isinstance(item, Unreadable):
                    assert item.reason in PAGE_REASONS and item.detail.strip()
                    orjson.dumps([item.source, item.detail])
                else:
                    check_record(*cleaner.record(item, RUN))

        jsonl = st.lists(st.one_of(st.binary(max_size=200),
                                   st.builds(lambda v: orjson.dumps({"text": v, "url": "https://x.example/"}),
                                             st.one_of(words, markup))), max_size=5).map(b"\n".join)
        data = st.one_of(st.binary(max_size=2048), pages_of_markup.map(str.encode), jsonl)
        run_property(long_run, st.tuples(data, st.sampled_from(_NAMES), st.booleans()), check)


# found by the --long property run: the root <html> was taken for the comment section
def test_a_comment_class_on_the_root_element_does_not_break_the_cleaner(cleaner):
    clean(cleaner, "<html class=\x01comments-area\x01><form>", "html")
