"""cleaners.trafilatura_queries: each Python query selects exactly what trafilatura's XPath does."""
from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

import cleaners.html  # noqa: F401  (puts the queries in place, as the pipeline does)
from cleaners.trafilatura_queries import QUERIES, AttributeQuery, path_digest, use_python_queries
from tests.conftest import FIXTURE_HTML_PAGES, SHARED_CORPUS, parse_html_file, shared_corpus_pages


def _pairs():
    """(name, query, trafilatura's own XPath) for every query."""
    import trafilatura.xpaths

    pairs = []
    for (name, index, _), _query in QUERIES.items():
        query = getattr(trafilatura.xpaths, name)[index]
        assert isinstance(query, AttributeQuery), f"{name}[{index}] is not answered by its query"
        pairs.append((f"{name}[{index}]", query, query.xpath))
    return pairs


def _assert_same(trees, every: int = 40) -> None:
    """Each query and its XPath select the same elements, in the same order, from each tree and
    (.//* queries) from a spread of its elements taken as the context."""
    for name, query, xpath in _pairs():
        for tree in trees:
            contexts = [tree] if query.whole_document else [tree] + list(tree.iter(etree.Element))[1::every]
            for context in contexts:
                assert query(context) == xpath(context), (name, context.tag, context.get("class"))


def test_every_query_selects_what_its_xpath_selects_on_the_fixture_pages():
    trees = [parse_html_file(p) for p in FIXTURE_HTML_PAGES]
    assert len(trees) > 80
    _assert_same(trees)


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not here")
def test_every_query_selects_what_its_xpath_selects_on_corpus_pages():
    paths = shared_corpus_pages()
    assert paths
    _assert_same([parse_html_file(p) for p in paths[::16]], every=80)


def test_the_pinned_trafilatura_has_every_xpath_the_queries_answer_for():
    # a release that rewrites one of them keeps its own XPath there: this says which to look at again
    import trafilatura.xpaths

    for (name, index, digest), _ in QUERIES.items():
        assert path_digest(getattr(trafilatura.xpaths, name)[index].xpath) == digest, f"{name}[{index}]"
    assert use_python_queries() == len(QUERIES)


def test_an_xpath_whose_text_changed_keeps_its_place(monkeypatch):
    import trafilatura.xpaths

    changed = etree.XPath(".//*[self::div][@class='comments-area']")
    monkeypatch.setattr(trafilatura.xpaths, "COMMENTS_XPATH", [changed] + trafilatura.xpaths.COMMENTS_XPATH[1:])
    use_python_queries.__wrapped__()
    assert trafilatura.xpaths.COMMENTS_XPATH[0] is changed


@pytest.mark.parametrize("markup", [
    # @id|@class is the first of the two the element has, in its order
    '<div id="main" class="cookie-box">a</div><div class="cookie-box" id="main">b</div>',
    '<span id="reply-1" class="x">a</span><span class="x" id="reply-1">b</span>',
    '<div id="x" style="visibility: hidden">a</div><div style="visibility: hidden" id="x">b</div>',
    '<section class="comment-list" id="c">a</section><div id="comments-1" class="Comments">b</div>',
    # the [1] of BODY_XPATH[0]: the first such child of each parent
    '<div><div class="post">a</div><div class="post">b</div></div><section class="entry">c</section>',
    # a role of navigation in capitals, a data attribute, aria-hidden, an h1 in a pruned box
    '<div role="NAVigation">a</div><p data-lp-replacement-content="">b</p><span aria-hidden="true">c</span>'
    '<div class="infinite-scroll"><h1>t</h1></div><div class="mvp-post-add-box"><h1>t</h1></div>',
    # authors: rel, itemprop, a <rel> child and an <author> element (which the XPath itself answers)
    '<a rel="author">Ann</a><span itemprop="author name">Bo</span><div><rel>me</rel>Cy</div><author>Di</author>',
    '<p class="byline">By Ed</p><h4 id="zuozhe">Fu</h4><div data-component="Byline">Gil</div>',
    # (...)[1]: the first of the page, the context left out; a class matched whatever its case
    '<div class="text" id="x"><div class="FullText">a</div></div><div id="Main-Content">b</div>',
    # //container//a[@href]: nested containers give each link once, in order; no link without href
    '<div class="meta"><a href="/a">a</a><div class="meta-x"><a href="/b">b</a><a>c</a></div></div>'
    '<p class="postmeta"><a href="/d">d</a></p><span class="cat-links"><a href="/e">e</a></span>'
    '<div class="tags-links topics"><a href="/f">f</a></div>',
    # comment sections: an ol or ul only by the narrower id test (commentary is no comment)
    '<ol id="comments"><li>a</li></ol><ul id="dsq-comments">b</ul><div id="dsq-comments">c</div>'
    '<ul class="post-comments">d</ul><div id="commentary">e</div><details class="Comment-box">f</details>',
    '<section id="social-links">a</section><div class="no-comment">b</div><div id="comol">c</div>'
    '<div class="x elementor-share-buttons">d</div><aside class="elementor-share-buttons--view">e</aside>',
    # captions, headlines and titles by id, class or itemprop
    '<p id="img-caption">a</p><span class="wp-caption-text">b</span><h1 class="entry-title">t</h1>'
    '<h2 id="main-headline">u</h2><h1 itemprop="headline">v</h1><h3 id="subtitle">w</h3><h4 class="title">x</h4>',
    # //footer, //header, //div and //p boxes of category and tag links
    '<footer class="entry-footer x"><a href="/a">a</a></footer><header class="entry-header"><a href="/b">b</a>'
    '<div class="row"><a href="/c">c</a><a>d</a></div></header><div class="tags"><p class="entry-tags">'
    '<a href="/e">e</a></p></div><footer class="x entry-meta"><a href="/f">f</a></footer>',
])
def test_queries_agree_with_their_xpaths_on_attribute_order_and_edge_markup(markup):
    tree = lxml.html.document_fromstring(f"<html><body><article>{markup}</article></body></html>")
    _assert_same([tree], every=1)
