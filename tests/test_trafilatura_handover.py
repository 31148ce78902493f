"""cleaners.trafilatura_handover: a handed-over tree is extracted exactly as trafilatura's own copy of it."""
from __future__ import annotations

from copy import copy
from pathlib import Path

import lxml.html
import pytest
import trafilatura.core
import trafilatura.utils
from trafilatura import bare_extraction

import cleaners.html  # noqa: F401  (puts the handover in place, as the pipeline does)
from cleaners import trafilatura_handover
from cleaners.pinned import source_digest
from cleaners.trafilatura_handover import (
    BARE_EXTRACTION_SHA256,
    HandedOver,
    handed_over,
    use_handover,
)
from tests.conftest import (
    FIXTURE_HTML_PAGES,
    SHARED_CORPUS,
    parse_html_file,
    shared_corpus_pages,
)


def _result(doc) -> dict | None:
    """Everything bare_extraction returned, its element trees serialised."""
    if doc is None:
        return None
    fields = doc.as_dict()
    for name in ("body", "commentsbody"):
        element = fields.pop(name, None)
        fields[name] = None if element is None else lxml.html.tostring(element, encoding="unicode")
    return fields


def _assert_same_extraction(paths: list[Path]) -> None:
    for path in paths:
        for comments in (True, False):
            kwargs = {"url": "https://example.com/a", "with_metadata": True, "include_comments": comments}
            tree = parse_html_file(path)
            own = _result(bare_extraction(tree, **kwargs))  # trafilatura copies it
            assert _result(bare_extraction(handed_over(tree), **kwargs)) == own, (path.name, comments)


def test_the_pinned_trafilatura_takes_a_handed_over_tree():
    # a release that rewrites bare_extraction gets plain trees: this says to look at it again
    assert source_digest(trafilatura.core.bare_extraction) == BARE_EXTRACTION_SHA256
    assert use_handover()
    assert isinstance(handed_over(lxml.html.document_fromstring("<p>a</p>")), HandedOver)


def test_a_handed_over_tree_is_extracted_as_trafilatura_extracts_its_copy_on_the_fixture_pages():
    assert len(FIXTURE_HTML_PAGES) > 80
    _assert_same_extraction(FIXTURE_HTML_PAGES)


@pytest.mark.skipif(not SHARED_CORPUS.exists(), reason="../shared/corpus is not here")
def test_a_handed_over_tree_is_extracted_as_trafilatura_extracts_its_copy_on_corpus_pages():
    paths = shared_corpus_pages()
    assert paths
    _assert_same_extraction(paths[::20])


def test_only_the_top_level_copy_is_skipped(monkeypatch):
    # trafilatura's later copies (cleaning, comparison) are its stages' own: all still made
    made = []
    monkeypatch.setattr(trafilatura.core, "copy", lambda tree: made.append(tree) or copy(tree))
    page = parse_html_file(FIXTURE_HTML_PAGES[0])
    bare_extraction(copy(page), with_metadata=True)
    copies = len(made)
    made.clear()
    bare_extraction(handed_over(page), with_metadata=True)
    assert len(made) == copies - 1


def test_other_inputs_are_loaded_by_trafilatura():
    html = "<html><body><article><p>" + "A sentence of the article. " * 20 + "</p></article></body></html>"
    assert "A sentence" in bare_extraction(html).text


def test_a_changed_bare_extraction_gets_the_tree_itself(monkeypatch):
    monkeypatch.setattr(trafilatura.core, "load_html", trafilatura.utils.load_html)
    monkeypatch.setattr(trafilatura_handover, "_installed", False)
    monkeypatch.setattr(trafilatura_handover, "BARE_EXTRACTION_SHA256", "0" * 64)
    assert not use_handover()
    assert trafilatura.core.load_html is trafilatura.utils.load_html
    tree = lxml.html.document_fromstring("<p>a</p>")
    assert handed_over(tree) is tree


def test_someone_elses_load_html_is_left_in_place(monkeypatch):
    def theirs(htmlobject, max_size=None):
        return trafilatura.utils.load_html(htmlobject, max_size)

    monkeypatch.setattr(trafilatura.core, "load_html", theirs)
    monkeypatch.setattr(trafilatura_handover, "_installed", False)
    assert not use_handover()
    assert trafilatura.core.load_html is theirs
