from pathlib import Path

import lxml.html

from cleaners.blocks import wrap_loose_text, wrap_runs
from tests.conftest import RUN, html_page

PAGE = Path(__file__).parent / "fixtures" / "html" / "loose_text.html"


def test_text_written_straight_into_the_body_after_headings_is_kept(cleaner):
    kind, rec = cleaner.record(html_page(PAGE.read_text(encoding="utf-8")), RUN)
    assert kind == "article"
    text = rec["text"]
    # each section's first paragraph lies loose after its heading, not in a <p>
    assert "Top-working an old apple tree is the quickest way" in text
    assert "A scion should be one year's growth" in text
    assert "Saw the branch off square" in text
    # inline markup around blocks: its loose text is a paragraph too
    assert "Rub out the shoots of the stub" in text


def test_runs_between_blocks_become_paragraphs_in_page_order():
    tree = lxml.html.fromstring("<div>Intro <b>bold</b> text.<h2>Head</h2>After the head.<ul><li>x</li></ul>"
                                "<br><img src='a.png'>Last.</div>")
    assert wrap_runs(tree)
    assert [child.tag for child in tree] == ["p", "h2", "p", "ul", "p"]
    assert [" ".join(child.text_content().split()) for child in tree] == [
        "Intro bold text.", "Head", "After the head.", "x", "Last."]
    assert tree[4].find("img") is not None  # inline markup goes with its run


def test_a_container_without_blocks_or_without_loose_text_is_left_alone():
    paragraph_like = lxml.html.fromstring("<div>Just a line of <a href='#'>text</a>.</div>")
    assert not wrap_runs(paragraph_like)
    assert paragraph_like.find("p") is None
    only_blocks = lxml.html.fromstring("<div>\n <p>One.</p>\n <p>Two.</p>\n</div>")
    assert not wrap_runs(only_blocks)
    assert len(only_blocks.findall("p")) == 2


def test_list_items_and_paragraphs_are_not_rewrapped():
    tree = lxml.html.document_fromstring("<html><body><ul><li>Item <div>box</div> tail</li></ul>"
                                         "<p>A paragraph.</p></body></html>")
    wrap_loose_text(tree)
    assert tree.find(".//li/p") is None
    assert tree.find(".//p/p") is None


SHORT_NOTICE = """<html><head><title>Village hall notes</title></head><body>
<h1>Village hall notes</h1>
The hall committee met on Tuesday and agreed to repaint the main room
before the spring fair. Volunteers are asked to bring brushes and old
clothes on the first Saturday of March, from nine in the morning.<p>
<h2>Heating</h2>
The boiler was serviced in January and the engineer says it will last
another two winters at most; the committee will ask the parish council
for a grant towards a new one before next autumn.<p>
</body></html>"""


def test_a_hard_wrapped_paragraph_is_one_line_of_the_feed_text(cleaner):
    # a short page: the extractor's fallback path, which kept the source's line breaks
    kind, rec = cleaner.record(html_page(SHORT_NOTICE), RUN)
    assert kind == "article"
    assert rec["text"].split("\n") == [
        "The hall committee met on Tuesday and agreed to repaint the main room before the spring fair. "
        "Volunteers are asked to bring brushes and old clothes on the first Saturday of March, from nine in the morning.",
        "Heating",
        "The boiler was serviced in January and the engineer says it will last another two winters at most; "
        "the committee will ask the parish council for a grant towards a new one before next autumn.",
    ]


def test_preformatted_text_keeps_its_line_breaks():
    from cleaners.dom import join_source_lines

    tree = lxml.html.fromstring("<div><p>one\ntwo</p><pre>a\n  b<b>c\nd</b></pre>tail\nend</div>")
    join_source_lines(tree)
    assert tree.find("p").text == "one two"
    assert tree.find("pre").text_content() == "a\n  bc\nd"
    assert tree.find("pre").tail == "tail end"
