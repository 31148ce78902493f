"""cleaners.trafilatura_link_density: the same verdict as trafilatura's own link density test."""
from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import trafilatura.htmlprocessing
from trafilatura.htmlprocessing import convert_tags, tree_cleaning
from trafilatura.settings import Extractor

import cleaners.html  # noqa: F401  (puts the test in place, as the pipeline does)
from cleaners import trafilatura_link_density
from cleaners.pinned import source_digest
from cleaners.trafilatura_link_density import (
    LIBRARY_LINK_DENSITY_TEST as LIBRARY_TEST,
)
from cleaners.trafilatura_link_density import (
    LINK_DENSITY_TEST_SHA256,
    link_density_test,
    use_fast_link_density,
)
from tests.conftest import FIXTURE_HTML_PAGES, SHARED_CORPUS, parse_html_file, shared_corpus_pages

# the tags trafilatura tests (delete_by_link_density), after its tag conversion
TESTED_TAGS = ("div", "list", "p", "head", "quote", "item", "table")


def _converted(path: Path):
    """A page as trafilatura's extractor sees it: cleaned, its tags converted (links are <ref>)."""
    tree = parse_html_file(path)
    options = Extractor()
    return convert_tags(tree_cleaning(tree, options), options)


def _assert_same_verdicts(paths: list[Path]) -> int:
    tested = 0
    for path in paths:
        tree = _converted(path)
        for element in tree.iter(*TESTED_TAGS):
            for favor_precision in (False, True):
                expected = LIBRARY_TEST(element, favor_precision)
                assert link_density_test(element, favor_precision) == expected, (path.name, element.tag)
                tested += expected != (False, False)
    return tested


def test_the_pinned_trafilatura_uses_it():
    # a release that rewrites link_density_test keeps its own: this says to look at it again
    assert source_digest(LIBRARY_TEST) == LINK_DENSITY_TEST_SHA256
    assert trafilatura.htmlprocessing.link_density_test is link_density_test


def test_same_verdicts_as_trafilatura_on_the_fixture_pages():
    assert len(FIXTURE_HTML_PAGES) > 80
    assert _assert_same_verdicts(FIXTURE_HTML_PAGES) > 100  # many link-rich blocks among them


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not here")
def test_same_verdicts_as_trafilatura_on_corpus_pages():
    paths = shared_corpus_pages()
    assert paths
    assert _assert_same_verdicts(paths[::20]) > 100


@pytest.mark.parametrize("markup", [
    "<p><ref>a lone link of more than a hundred characters, " + "long " * 20 + "</ref></p>",
    "<div><ref>a</ref><ref>b</ref><ref>c</ref></div><div>x</div>",
    "<div><ref>menu</ref> <graphic src='x.png'/></div>",
    "<list><item><ref>one</ref></item><item><ref>two</ref></item><item><ref></ref></item></list>",
    "<div>" + "<p><ref>a card title long enough to be read as one item</ref></p>" * 6 + "</div>",
    "<div>" + "text " * 80 + "<ref>x</ref>" * 6 + "</div>",
])
def test_same_verdicts_on_edge_markup(markup):
    tree = lxml.html.fragment_fromstring(f"<section>{markup}</section>")
    for element in tree.iter(*TESTED_TAGS):
        for favor_precision in (False, True):
            assert link_density_test(element, favor_precision) == LIBRARY_TEST(element, favor_precision)


def test_a_changed_link_density_test_keeps_its_place(monkeypatch):
    def theirs(element, favor_precision=False):
        return False, False

    monkeypatch.setattr(trafilatura.htmlprocessing, "link_density_test", theirs)
    assert not use_fast_link_density()
    assert trafilatura.htmlprocessing.link_density_test is theirs
    monkeypatch.setattr(trafilatura_link_density, "LINK_DENSITY_TEST_SHA256", "0" * 64)
    monkeypatch.setattr(trafilatura.htmlprocessing, "link_density_test", LIBRARY_TEST)
    assert not use_fast_link_density()
    assert trafilatura.htmlprocessing.link_density_test is LIBRARY_TEST
