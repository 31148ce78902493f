import pytest

from tests.conftest import REPO, RUN, html_page


def test_wordpress_sample_page_gives_article_metadata_and_separate_comments(cleaner):
    html = (REPO / "raw" / "html" / "wordpress-river-cleanup.html").read_text(encoding="utf-8")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article"
    assert rec["title"] == "Volunteers pull two tons of rubbish from the Avon"
    assert rec["author"] == "Helen Marsh"
    assert rec["published"] == "2023-04-16"
    assert rec["url"] == "https://riverside-notes.example.org/2023/04/volunteers-avon-cleanup/"
    assert rec["site"] == "riverside-notes.example.org"
    assert rec["language"] == "en"
    assert "sixty volunteers" in rec["text"]
    assert not rec["text"].startswith("Volunteers pull")  # the headline is metadata, not body
    comment_texts = " ".join(c["text"] for c in rec["comments"])
    assert "old mill" in comment_texts and "autumn clean-up" in comment_texts
    for leak in ("old mill", "Leave a Reply", "email address", "slot gacor", "Share this"):
        assert leak not in rec["text"]


def test_doorway_spam_page_is_rejected(cleaner):
    html = (REPO / "raw" / "html" / "casino-doorway.html").read_text(encoding="utf-8")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert (kind, rec["reason"]) == ("rejected", "spam_page")


def test_html_without_text_is_rejected_as_empty(cleaner):
    kind, rec = cleaner.record(html_page("<html><head><title>x</title></head><body><div> </div></body></html>"), RUN)
    assert (kind, rec["reason"]) == ("rejected", "empty")


def test_page_with_an_xml_declaration_is_parsed(cleaner):
    para = "A paragraph of an old XHTML page that declares its encoding in an XML prolog, with enough words. "
    html = ('<?xml version="1.0" encoding="iso-8859-1"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml">'
            f"<head><title>Old page</title></head><body><div><p>{para * 3}</p><p>{para * 2}</p></div></body></html>")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article" and "XML prolog" in rec["text"]


def test_control_characters_do_not_empty_the_page(cleaner):
    para = "Old pages sometimes carry stray control characters\x0b from their content systems, in the text. "
    html = f"<html><head><title>T</title></head><body><div><p>{para * 3}</p><p>{para * 2}\x01</p></div></body></html>"
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article" and "stray control characters from their content systems" in rec["text"]


def test_control_character_references_do_not_empty_the_page(cleaner):
    # "&#151;" is an em dash to every browser, "&#26;" nothing; as controls, lxml refuses the text
    para = "The bushes around here aren't idiots either&#151;they stay right where they are,&#26; by the road. "
    html = f"<html><body><table><tr><td>{para * 4}<br><br>{para * 3}</td></tr></table></body></html>"
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article" and "idiots either—they stay" in rec["text"]


def test_raw_c1_codes_read_as_windows_1252_with_or_without_other_control_characters():
    # a page decoded as Latin-1 that was windows-1252 keeps its quotes and dashes as C1 codes
    from cleaners.html import parse_html

    for stray in ("", "\x01"):
        tree = parse_html(f"<html><body><p>\x93Quoted\x94 \x96 done{stray}, &#150; too</p></body></html>")
        assert tree.findtext(".//p") == "\u201cQuoted\u201d \u2013 done, \u2013 too"


def test_a_huge_inline_script_is_dropped_before_extraction_and_the_text_after_it_stays():
    from cleaners.html import HUGE_SCRIPT_CHARS, drop_huge_scripts, parse_html

    blob = "var state = '" + "x" * (HUGE_SCRIPT_CHARS + 1) + "';"
    tree = parse_html(f"<html><body><script>var small = 1;</script><p>Before</p><script>{blob}</script>"
                      "After the blob.<p>Last</p></body></html>")
    drop_huge_scripts(tree)
    scripts = [s.text for s in tree.iter("script")]
    assert scripts == ["var small = 1;"]
    assert "After the blob." in tree.text_content()


def test_a_date_htmldate_cannot_read_is_read_without_dateparser(cleaner, monkeypatch):
    """htmldate hands the dates its own rules cannot read to an external parser: ours, not
    dateparser (20-35 ms a call, 1.8 s and 40 MB to set up in every process)."""
    from dateparser.date import DateDataParser

    monkeypatch.setattr(DateDataParser, "get_date_data", lambda *a, **k: pytest.fail("dateparser was called"))
    para = "<p>" + "The harbour board voted on Tuesday to rebuild the old pier before the summer season. " * 4 + "</p>"
    html = ("<html><head><title>Pier vote</title></head><body><div class='post'><h1>Pier vote</h1>"
            f"<div class='dateline'>Knight Ridder News Service<br>Dec. 25, 2004 12:00 AM</div>{para}{para}</div></body></html>")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert (kind, rec["published"]) == ("article", "2004-12-25")


@pytest.mark.parametrize("widget", [
    '<h2>Comments</h2><div id="disqus_thread"></div>',
    '<section class="gh-comments"><h2>Member discussion</h2><div data-ghost-comments></div></section>',
    '<div class="comments"><h3>Kommentare</h3><script src="https://utteranc.es/client.js"></script></div>',
])
def test_an_empty_comment_widget_gives_no_comment(cleaner, widget):
    # the widget fills itself in the browser: in the page there is only its heading
    paragraphs = "".join(f"<p>Paragraph {i}: the council met on Tuesday to discuss the new bridge and the "
                         f"detour that residents of the north bank have complained about for months.</p>" for i in range(4))
    html = f"<html><body><article><h1>The bridge</h1>{paragraphs}</article>{widget}</body></html>"
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article" and rec["comments"] == []
    assert "Comments" not in rec["text"].split("\n") and "Member discussion" not in rec["text"]


def test_spam_words_split_by_invisible_characters_are_still_spam(cleaner):
    paragraphs = "".join(f"<p>Paragraph {i}: the council met on Tuesday to discuss the new bridge and the detour that "
                         f"residents of the north bank have complained about for months.</p>" for i in range(4))
    spam = ('<p>The works start in May and should last a year. <a href="https://x.example/">sl\u200bot ga\u00adcor '
            'situs ju\u200bdi online</a></p>')  # spliced into a paragraph
    kind, rec = cleaner.record(html_page(f"<html><body><article><h1>Bridge</h1>{spam}{paragraphs}</article></body></html>"), RUN)
    assert kind == "article" and "gacor" not in rec["text"] and "judi" not in rec["text"]
    assert any(r["reason"].startswith("spam:gambling") for r in rec["provenance"]["removed"])


# ------------------------------------------------------------------ parse_html's scans of the page

def _prepared_as_it_was(content: str) -> str:
    """The text parse_html handed to lxml before its scans were made cheaper."""
    import re

    from cleaners.html import _INVALID_XML_CHARS, _ODD_CHAR, _RAW_C1, _XML_DECLARATION, _as_cp1252, _control_reference
    from cleaners.normalize import HIDING_CHARS

    content = _XML_DECLARATION.sub("", content, count=1)
    if not content.isascii():
        content = HIDING_CHARS.sub("", content)
    odd = _ODD_CHAR.search(content) is not None
    if odd:
        content = _INVALID_XML_CHARS.sub("", content)
    if "&#" in content:
        content = re.sub(r"&#(?:0*(\d{1,3})|[xX]0*([0-9a-fA-F]{1,2}));", _control_reference, content)
    if odd:
        content = _RAW_C1.sub(lambda m: _as_cp1252(ord(m.group(0))), content)
    return content


def _prepared(content: str, monkeypatch) -> str:
    """The text parse_html hands to lxml now."""
    import cleaners.html

    handed = []
    monkeypatch.setattr(cleaners.html.lxml.html, "document_fromstring", lambda text, parser: handed.append(text))
    cleaners.html.parse_html(content)
    return handed[0]


def test_the_odd_and_hiding_character_scans_agree_with_the_regexes_on_every_code_point():
    from cleaners.html import _ODD_CHAR, _holds_odd_chars
    from cleaners.normalize import HIDING_CHARS, drop_hiding_chars

    for code in range(0x110000):
        char = chr(code)
        odd = _ODD_CHAR.search(char) is not None
        assert _holds_odd_chars(char) == odd, hex(code)
        assert _holds_odd_chars(f"ab\u00e9{char}\u20ac\U0001f600") == odd, hex(code)  # after and before other widths
        text = f"\u00e9{char}a{char}"
        assert drop_hiding_chars(text) == HIDING_CHARS.sub("", text), hex(code)


def test_only_references_that_change_are_replaced_and_the_page_is_prepared_as_before(monkeypatch):
    import random

    from cleaners.html import _CONTROL_REFERENCE, _control_reference

    refs = [f"&#{zeros}{code}{end}" for code in range(1000) for zeros in ("", "0", "000") for end in (";", "", "0;")]
    refs += [f"&#{x}{zeros}{code:{form}}{end}" for code in range(256) for x in "xX" for zeros in ("", "0", "00")
             for form in ("x", "X", "02x") for end in (";", "g;", "")]
    changed = 0
    for ref in refs:
        old = _prepared_as_it_was(f"a{ref}b")
        assert _prepared(f"a{ref}b", monkeypatch) == old, ref
        changed += old != f"a{ref}b"
        match = _CONTROL_REFERENCE.search(ref)  # matched only where the text changes
        assert match is None or _control_reference(match) != match.group(0), ref
    assert changed > 300
    rng = random.Random(3)
    pieces = refs[::7] + ["&", "&#", "#", ";", "x", "0", " ", "<?xml version='1.0'?>", "\x0b", "\x85", "\u200b",
                          "\ufeff", "\u00ad", "\ud800", "\uffff", "\u00e9", "<p>", "&amp;", "\u2060", "\x1f", "\x9f"]
    for _ in range(3000):
        content = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 12)))
        assert _prepared(content, monkeypatch) == _prepared_as_it_was(content), repr(content)


def test_fixture_and_corpus_pages_are_prepared_as_before(monkeypatch):
    import gzip

    from cleaners.decode import decode_bytes
    from tests.conftest import FIXTURE_HTML_PAGES, shared_corpus_pages

    for path in FIXTURE_HTML_PAGES + shared_corpus_pages()[::5]:
        data = path.read_bytes()
        content = decode_bytes(gzip.decompress(data) if path.suffix == ".gz" else data, html=True)
        assert _prepared(content, monkeypatch) == _prepared_as_it_was(content), path.name
