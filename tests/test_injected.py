"""Injected spam removed from the HTML tree before extraction (cleaners/injected/).

Fixtures: tests/fixtures/html/spam_<technique>.html (one page per injection technique) and
honest_<case>.html (pages that must come through untouched, or lose only honest hidden chrome).
"""
from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from cleaners.injected import hiding_kind, href_category, strip_injected_spam
from cleaners.injected.css import _declarations
from cleaners.settings import SpamSettings

S = SpamSettings()
FIXTURES = Path(__file__).parent / "fixtures" / "html"

EN = ["rebuild the old stone bridge", "foundations have been weakened", "regional transport grant",
      "Shop owners on the east bank"]
DE = ["die alte Steinbrücke", "Fundamente durch die Hochwasser", "Förderprogramm des Landes",
      "Geschäftsleute am Ostufer"]
ES = ["viejo puente de piedra", "sus cimientos se han debilitado", "subvención regional",
      "Los comerciantes de la orilla este"]


def article_html(times: int = 1) -> str:
    """Paragraphs of an honest English article, repeated `times` times."""
    return "".join(f"<p>{p} and the council will meet again next month to agree on the details.</p>" for p in EN) * times


def strip(name: str):
    tree = lxml.html.document_fromstring((FIXTURES / f"{name}.html").read_text(encoding="utf-8"))
    removed, spam_chars = strip_injected_spam(tree, S)
    return tree, removed, spam_chars


def text_of(tree) -> str:
    return " ".join(tree.text_content().split())


def spam_reasons(removed) -> list[str]:
    return [r.reason for r in removed if r.reason.startswith("spam:")]


# ------------------------------------------------------------------ one page per technique

@pytest.mark.parametrize("name, gone, reasons, article", [
    ("spam_display_none", ["casino siteleri", "deneme bonusu", "canlı bahis"], ["spam:hidden_links"], EN),
    ("spam_visibility_hidden", ["slot gacor", "situs judi", "togel"], ["spam:hidden_links"], EN),
    ("spam_font_size_zero", ["viagra", "cialis", "prescription"], ["spam:hidden_block"], EN),
    ("spam_offscreen", ["replica watches", "fake rolex", "replica handbags"], ["spam:hidden_links"], EN),
    ("spam_text_indent", ["Echtgeld", "Online Casinos"], ["spam:hidden_block"], EN),
    ("spam_style_class", ["nhà cái", "cá cược", "soi kèo"], ["spam:hidden_links"], EN),
    ("spam_style_id", ["apuestas", "bono sin depósito", "giros gratis"], ["spam:hidden_block"], EN),
    ("spam_hidden_attr", ["porn", "sex cams", "adult dating"], ["spam:hidden_links"], EN),
    ("spam_link_farm", ["casino siteleri", "slot gacor", "buy viagra", "replica watches"], ["spam:link_farm"], EN),
    ("spam_line_tr", ["casino siteleri", "bahis"], ["spam:gambling_line", "spam:gambling_line"], EN),
    ("spam_line_id", ["slot gacor", "situs judi", "maxwin"], ["spam:gambling_line"], EN),
    ("spam_line_vi", ["Nhà cái", "cá cược", "soi kèo"], ["spam:gambling_line"], EN),
    ("spam_line_de", ["Echtgeld", "Freispiele", "Online Casinos"], ["spam:gambling_line"], DE),
    ("spam_line_es", ["casinos online", "bono sin depósito", "casas de apuestas"], ["spam:gambling_line"], ES),
    ("spam_line_pharma", ["viagra", "cialis", "levitra", "canadian pharmacy"],
     ["spam:pharma_line", "spam:pharma_sentence"], EN),
    ("spam_language_outlier", ["bahis", "slot oyunları", "jackpot besar"],
     ["spam:gambling_outlier", "spam:gambling_sentence"], DE),
])
def test_injected_spam_is_removed_and_the_article_stays(name, gone, reasons, article):
    tree, removed, spam_chars = strip(name)
    text = text_of(tree)
    for spam in gone:
        assert spam.casefold() not in text.casefold(), spam
    for paragraph in article:
        assert paragraph in text, paragraph
    assert spam_reasons(removed) == reasons
    assert spam_chars == sum(r.chars for r in removed if r.reason.startswith("spam:"))
    assert all(r.step == "spam" for r in removed)
    assert tree.find("head/title") is not None and tree.find("head/title").text  # <head> untouched


def test_spam_anchors_go_and_their_paragraphs_stay():
    tree, removed, spam_chars = strip("spam_anchor_in_paragraph")
    text = text_of(tree)
    assert "Daftar sekarang" not in text  # honest words, spam target: slot-gacor-hari-ini
    assert "click here" not in text  # pharmacy target: buy-cialis-online
    assert "Replica Watches" not in text  # a spam comment author
    for paragraph in EN:
        assert paragraph in text
    # a comment signed with a spam site and phrase is spam, its generic praise with it
    assert "Great post, thanks for sharing" not in text
    assert "Mary Jones" in text and "school run" in text
    assert spam_reasons(removed)[:3] == ["spam:gambling_anchor", "spam:pharma_anchor", "spam:counterfeit_comment"]
    signed = "Replica Watches says: Great post, thanks for sharing this with us!"
    assert [r.text for r in removed][2] == signed
    assert spam_chars == len("Daftar sekarang") + len("click here") + len(signed)
    assert tree.xpath("//li[@id='comment-1']") == [] and tree.xpath("//li[@id='comment-2']")


def test_the_appended_spam_sentence_goes_and_the_rest_of_its_paragraph_stays():
    tree, removed, _ = strip("spam_line_pharma")
    paragraph = tree.xpath("//div[@class='entry-content']/p")[2].text_content()
    assert paragraph.startswith("The repair will cost about four million pounds")
    assert paragraph.rstrip().endswith("once the river level drops.")
    assert "canadian pharmacy" not in paragraph


def test_cutting_spam_sentences_keeps_the_stop_after_a_link():
    # A text node that starts with its sentence's period (after a link) lost the period when
    # the node was cut into sentences and joined again.
    html = ("<html><body><p>Casino siteleri bahis siteleri deneme bonusu veren siteler</p>"
            f"{article_html()}<p>He said so, via <a href='/x'>the Post-Gazette</a>. "
            "\"No free lunch for the best players here,\" he added after the long game on Sunday night. "
            "The team will travel to Denver next week for the next game of the season, the coach said. "
            "Buy cheap viagra online now at our canadian pharmacy.</p></body></html>")
    tree = lxml.html.document_fromstring(html)
    strip_injected_spam(tree, S)
    assert 'the Post-Gazette. "No free lunch for the best players here," he added after' in text_of(tree)


# ------------------------------------------------------------------ honest pages

@pytest.mark.parametrize("name, kept", [
    ("honest_gambling_regulation", ["online casino operators and sports betting sites", "online casino bonus offers",
                                    "a poker tournament with an entry fee", "Gambling Commission guidance",
                                    "casino regulation", "Sports betting"]),
    ("honest_pharmacology", ["sold under the brand name Viagra", "it requires a prescription",
                             "Patients should never buy viagra online without a prescription.",
                             "Wikipedia article on sildenafil", "low dose of sildenafil"]),
    ("honest_nav_menu", ["Poker News", "Casino Reviews", "Poker Strategy", "record field of 1,204 players",
                         "Chip leader Anna Kowalski", "the series will return in the autumn"]),
    ("honest_screen_reader", ["Skip to content", "Posted on", "Search for:", "about the bridge vote", *EN]),
])
def test_honest_pages_lose_nothing(name, kept):
    tree, removed, spam_chars = strip(name)
    text = text_of(tree)
    for phrase in kept:
        assert phrase in text, phrase
    assert removed == [] and spam_chars == 0


def test_hidden_honest_chrome_may_go_but_is_not_spam():
    tree, removed, spam_chars = strip("honest_hidden")
    text = text_of(tree)
    assert spam_chars == 0 and spam_reasons(removed) == []
    assert {r.reason for r in removed} == {"hidden:block"}
    assert "We use cookies" not in text  # the hidden attribute
    for paragraph in EN:
        assert paragraph in text  # includes the opacity:0 fade-in section
    # Not hidden after all: shown again by a state rule, hidden only on small screens, a font-size:0
    # inline-block container whose items set their size, a padded responsive video wrapper.
    for phrase in ["Timeline of the bridge dispute", "Flood defences on the Lea", "Email this story", "Print",
                   "Video: the bridge at dawn", "Roads"]:
        assert phrase in text, phrase


def test_a_hidden_block_holding_most_of_the_page_is_kept():
    paragraphs = article_html()
    tree = lxml.html.document_fromstring(f"<html><body><div id='page' style='display:none'>{paragraphs}</div>"
                                         "<p>Footer</p></body></html>")
    removed, spam_chars = strip_injected_spam(tree, S)
    assert removed == [] and spam_chars == 0
    assert EN[0] in tree.text_content()


def test_long_hidden_prose_behind_a_tab_is_left_to_the_extractor():
    review = "The reviewer found the rooms quiet, the staff helpful and the breakfast excellent. " * 13
    # Long prose (over HIDDEN_PROSE_CHARS), but well under 40% of the page's text.
    paragraphs = article_html(8)
    tree = lxml.html.document_fromstring(
        f"<html><body><article>{paragraphs}</article><div id='tab-review' style='display: none;'><p>{review}</p></div>"
        "<div id='tab-map' style='display:none'>Map of the bridge</div></body></html>")
    removed, spam_chars = strip_injected_spam(tree, S)
    assert [(r.reason, r.text) for r in removed] == [("hidden:block", "Map of the bridge")] and spam_chars == 0
    assert tree.get_element_by_id("tab-review") is not None


def test_a_spam_word_in_a_normal_sentence_is_kept():
    html = ("<html><body><article>"
            "<p>The old casino on the harbour front closed in 1998 and has been empty ever since, the mayor said.</p>"
            "<p>Residents want the building turned into a library, and the council agreed to study the idea.</p>"
            "<p><b>Casino</b> owners were not available for comment, and the harbour board declined to speak.</p>"
            "</article></body></html>")
    tree = lxml.html.document_fromstring(html)
    removed, spam_chars = strip_injected_spam(tree, S)
    assert removed == [] and spam_chars == 0


def test_loose_spam_text_between_blocks_is_removed():
    html = ("<html><body><div>casino siteleri yeni bahis siteleri deneme bonusu veren siteler"
            + article_html()
            + "</div></body></html>")
    tree = lxml.html.document_fromstring(html)
    removed, spam_chars = strip_injected_spam(tree, S)
    assert "casino" not in tree.text_content() and EN[0] in tree.text_content()
    assert [r.reason for r in removed] == ["spam:gambling_line"] and spam_chars == 63


def test_scripts_styles_and_head_are_left_alone():
    html = ("<html><head><title>casino siteleri deneme bonusu</title>"
            "<meta name='keywords' content='slot gacor, situs judi'></head><body>"
            "<script>var ads = 'casino siteleri yeni bahis siteleri deneme bonusu veren siteler';</script>"
            "<noscript><img src='/pixel.gif' style='display:none'></noscript>"
            + article_html()
            + "</body></html>")
    tree = lxml.html.document_fromstring(html)
    removed, _ = strip_injected_spam(tree, S)
    assert removed == []
    assert tree.find("head/title").text == "casino siteleri deneme bonusu"
    assert tree.find("body/script") is not None and tree.find("body/noscript") is not None


def test_hidden_blocks_are_found_at_any_depth_but_not_under_script_like_tags():
    links = ("<a href='https://a.example/'>casino siteleri</a> <a href='https://b.example/'>deneme bonusu</a> "
             "<a href='https://c.example/'>canlı bahis</a>")
    html = ("<html><head><style>.promo-x { display: none }</style></head><body>" + article_html(3)
            + f"<div><section style='color:red'><div class='box'><p><span class='promo-x'>{links}</span></p></div></section></div>"
            + f"<div class='wrap'><div><div hidden>{links}</div></div></div>"
            + f"<noscript><div style='display:none'>{links}</div></noscript></body></html>")
    tree = lxml.html.document_fromstring(html)
    removed, _ = strip_injected_spam(tree, S)
    # hidden by a sheet's class under a styled element, and by the attribute under plain ones
    assert [r.reason for r in removed] == ["spam:hidden_links", "spam:hidden_links"]
    assert "casino siteleri" in tree.find("body/noscript").text_content()  # never read as page text


def test_a_page_that_is_only_spam_is_left_to_the_text_steps():
    # Nothing may take more than 40% of the page: the text step sees the spam and rejects the page.
    tree = lxml.html.document_fromstring("<html><body><p>slot gacor hari ini situs judi online</p></body></html>")
    assert strip_injected_spam(tree, S) == ([], 0)


def test_a_tree_without_body_gives_nothing():
    assert strip_injected_spam(etree.fromstring("<div><p>slot gacor hari ini</p></div>"), S) == ([], 0)
    head_only = lxml.html.document_fromstring("<html><head><title>x</title></head></html>")
    assert strip_injected_spam(head_only, S) == ([], 0)


# ------------------------------------------------------------------ the pieces

@pytest.mark.parametrize("style, kind", [
    ("display:none", "display"),
    ("DISPLAY: none !important", "display"),
    ("visibility:hidden;height:0", "visibility"),
    ("font-size:0px", "font"), ("font-size:0", "font"), ("font-size:0pt", "font"), ("font-size:0em", "font"),
    ("font-size:1px", "font"), ("font: 0/0 a", "font"),
    ("position:absolute;left:-9999px;top:-9999px", "offscreen"),
    ("position:fixed;top:-5000px", "offscreen"),
    ("position:absolute;left:-100em", "offscreen"),
    ("text-indent:-9999px", "offscreen"),
    ("height:0;overflow:hidden", "size"), ("width:0px;overflow:hidden", "size"),
    ("opacity:0", "opacity"), ("opacity:0.0", "opacity"),
    ("position:absolute;clip:rect(0 0 0 0)", "clip"),
    # one case for each property hiding_kind looks for first (a rule with none of them hides nothing)
    ("visibility:collapse", "visibility"), ("position:absolute;right:-9999px", "offscreen"),
    ("margin-left:-9999px", "offscreen"), ("margin-top:-9999px", "offscreen"),
    ("max-height:0;overflow-y:hidden", "size"), ("max-width:0;overflow-x:clip", "size"),
    ("clip-path:inset(50%)", "clip"), ("position:absolute;height:0;width:0", None),
    ("display:block", None), ("font-size:12px", None), ("left:-9999px", None),
    ("position:absolute;left:-20px", None), ("text-indent:-2em", None), ("overflow:hidden", None),
    ("position:relative;padding-bottom:56.25%;height:0;overflow:hidden", None),  # responsive video box
    ("opacity:0.5", None), ("", None),
])
def test_hiding_styles(style, kind):
    assert hiding_kind(_declarations(style)) == kind


@pytest.mark.parametrize("href, category", [
    ("https://slot-gacor.example/", "gambling"),
    ("https://www.slotgacor88.example/daftar", "gambling"),
    ("http://example.net/casino-siteleri/2024", "gambling"),
    ("https://deneme-bonusu-veren-siteler.example/", "gambling"),
    ("https://shop.example/buy-viagra-online", "pharma"),
    ("https://replica-watches.example/rolex", "counterfeit"),
    ("https://example.org/?q=cheap+cialis", "pharma"),
    ("/category/poker-news/", None),
    ("https://www.gamblingcommission.gov.uk/licensees-and-businesses", None),
    ("https://en.wikipedia.org/wiki/Sildenafil", None),
    ("/tag/casino/", None),
    ("mailto:editor@example.org", None),
    ("", None), (None, None),
])
def test_href_category(href, category):
    assert href_category(href) == category


@pytest.mark.parametrize("head, body, sites", [
    ("<link rel='canonical' href='https://www.gazette.example/a/'>", "", {"gazette.example"}),
    ("<meta property='og:url' content='https://news.example.co.uk/a/'>", "", {"example.co.uk"}),
    ("<base href='https://blog.example.org/'>", "", {"example.org"}),
    ("<link rel='stylesheet' href='https://cdn.example/s.css'><meta property='og:image' content='https://img.example/x.png'>",
     "".join(f"<a href='https://mine.example/{i}'>post {i}</a>" for i in range(5)) + "<a href='https://other.example/'>x</a>",
     {"mine.example"}),  # none named: the host most links go to
    ("", "<a href='https://a.example/'>a</a><a href='https://b.example/'>b</a>", set()),  # too few links to tell
])
def test_the_pages_own_site(head, body, sites):
    from cleaners.injected.urls import _own_sites

    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body><p>text</p>{body}</body></html>")
    assert _own_sites(tree, tree.find("body")) == frozenset(sites)


def test_complex_and_media_query_selectors_do_not_hide():
    html = ("<html><head><style>@media print { .story { display:none } } nav .story { display:none }"
            " .story:hover { display:none }</style></head><body>"
            + "".join(f"<div class='story'><p>{p} and more words follow here to make a paragraph.</p></div>" for p in EN)
            + "</body></html>")
    tree = lxml.html.document_fromstring(html)
    removed, _ = strip_injected_spam(tree, S)
    assert removed == []


def test_results_are_deterministic():
    first = strip("spam_language_outlier")[1]
    second = strip("spam_language_outlier")[1]
    assert first == second


@pytest.mark.parametrize("anchor, spam", [
    ('<a href="https://apuestas.example/">apuestas deportivas</a>', True),  # spam word in text and host
    ('<a href="https://togel88.example/">togel hari ini</a>', True),
    ('<a href="https://meds.example/shop/tramadol">tramadol 50mg</a>', True),  # keyword-only text, word in path
    ('<a href="https://en.wikipedia.org/wiki/Sildenafil">the Wikipedia article on sildenafil</a>', False),
    ('<a href="https://en.wikipedia.org/wiki/Poker">poker</a>', False),  # an encyclopedia's article on the word
    ('<a href="https://en.wikipedia.org/wiki/Sports_betting">sports betting</a>', False),
    ('<a href="https://en.wikipedia.org/wiki/Slot_gacor">slot gacor</a>', True),  # a strong phrase still is spam
    ('<a href="https://www.dell.ie/outlet/unison">Dell outlet</a>', False),  # counterfeit words name shops too
    ('<a href="https://gazette.example/tag/poker/">poker</a>', False),  # the page's own site (canonical)
    ('<a href="https://www.gamblingcommission.gov.uk/">Gambling Commission</a>', False),
])
def test_keyword_anchors_to_other_sites(anchor, spam):
    paragraphs = article_html()
    tree = lxml.html.document_fromstring(
        "<html><head><link rel='canonical' href='https://www.gazette.example/2024/bridge/'></head><body>"
        f"{paragraphs}<p>Read more about it: {anchor} and elsewhere on the web.</p></body></html>")
    removed, _ = strip_injected_spam(tree, S)
    assert bool(spam_reasons(removed)) is spam


def test_absolute_links_to_the_pages_own_site_are_not_keyword_spam():
    # No canonical URL: the host most absolute links go to is the page's own.
    nav = "".join(f'<li><a href="https://www.pokerworld.example/category/{slug}/">{name}</a></li>' for slug, name in
                  [("poker", "Poker"), ("casino", "Casino"), ("poker-news", "Poker news"), ("slots", "Slots"),
                   ("about", "About"), ("contact", "Contact")])
    paragraphs = article_html()
    tree = lxml.html.document_fromstring(f"<html><body><nav><ul>{nav}</ul></nav>{paragraphs}</body></html>")
    removed, spam_chars = strip_injected_spam(tree, S)
    assert removed == [] and spam_chars == 0


def test_the_pages_own_site_is_read_before_the_hidden_pass_removes_links():
    # The links that make pokerworld.example the page's own site sit in an honest hidden menu, which
    # the hidden pass removes (hidden:block): the site is the page's as it came, so a keyword link to it
    # is no spam. Read after that removal, the page would have no site of its own.
    menu = "".join(f'<a href="https://www.pokerworld.example/{slug}/">{slug.title()}</a>' for slug in
                   ["news", "events", "rules", "about", "contact", "archive"])
    paragraphs = article_html()
    tree = lxml.html.document_fromstring(
        f"<html><body><div style='display:none'>{menu}</div>{paragraphs}"
        "<p>Read more about it: <a href='https://casino.pokerworld.example/x'>casino</a> and elsewhere.</p></body></html>")
    removed, spam_chars = strip_injected_spam(tree, S)
    assert [r.reason for r in removed] == ["hidden:block"] and spam_chars == 0
    assert tree.find(".//a[@href='https://casino.pokerworld.example/x']") is not None


def test_short_english_headlines_are_not_language_outliers():
    # langdetect calls these it / no / de / nl with 0.99 confidence; their function words say English.
    headlines = ["Casino Royale dir. Martin Campbell", "4: Online poker duo settle for $731m",
                 "Poker Sites Reach Settlement", "Open king valve, open independent outlet valve."]
    paragraphs = article_html()
    items = "".join(f"<li>{h}</li>" for h in headlines)
    tree = lxml.html.document_fromstring(f"<html><body>{paragraphs}<ul class='most-read'>{items}</ul></body></html>")
    removed, spam_chars = strip_injected_spam(tree, S)
    assert removed == [] and spam_chars == 0


def test_text_walk_reads_what_the_text_xpath_finds():
    from cleaners.injected.tree import _TEXT, _text

    html = ("<html><body>lead <div> one <script>var x</script> tail <noscript><p>not <i>x</i></p></noscript>"
            "<p>three<b>four</b>five<!-- c --> six<?pi x?>seven</p><style>p{}</style></div> end</body></html>")
    for path in [None, *sorted(FIXTURES.glob("*.html"))]:
        tree = lxml.html.document_fromstring(path.read_text(encoding="utf-8") if path else html)
        for el in tree.iter(etree.Element):
            assert _text(el) == " ".join(" ".join(_TEXT(el)).split()), (path, el.tag)


def test_visible_texts_read_every_element_as_the_text_xpath_does():
    from cleaners.dom import remove_keeping_tail
    from cleaners.injected.tree import VisibleTexts, _text

    html = ("<html><head><title>t</title></head><body>lead <div id='a'> one\n two <script>var x</script> tail "
            "<noscript><p>not shown <i>x</i></p></noscript><p>  three <b>four</b>five<!-- c --> six</p></div>"
            "<template><span>nor this</span></template> end <style>p{}</style><ul><li>a</li><li> b </li></ul></body></html>")
    for path, filled in [(None, True), (None, False), *((p, True) for p in sorted(FIXTURES.glob("*.html")))]:
        tree = lxml.html.document_fromstring(path.read_text(encoding="utf-8") if path else html)
        body = tree.find("body")
        texts = VisibleTexts(body)
        assert texts(body) == _text(body)  # read alone, as the hidden pass and the page gate do
        if filled:
            texts.fill()

        def same():
            elements = [el for el in body.iter() if isinstance(el.tag, str)]
            assert [texts(el) for el in elements] == [_text(el) for el in elements], path

        same()
        for el in list(body.iter("p", "i", "li"))[:4]:  # removed, as the passes remove them
            parent = el.getparent()
            texts.removing(el)
            remove_keeping_tail(el)
            texts.changed(parent)
            same()
        for el in list(body.iter("div", "b"))[:2]:  # text set, as the passes cut sentences
            el.text, el.tail = "new words", " and a tail "
            texts.changed(el)
            same()


# ------------------------------------------------------------------ the page gate

ALL_FIXTURES = sorted(FIXTURES.glob("*.html")) + sorted((FIXTURES.parent / "corpus_sample").glob("*/*.html*"))


def _parse(path: Path):
    import gzip

    data = path.read_bytes()
    return lxml.html.document_fromstring(gzip.decompress(data) if path.suffix == ".gz" else data)


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_the_page_gate_never_changes_what_is_removed(path, monkeypatch):
    """Pages with no lexicon phrase and no spam link target skip the anchor, farm and line passes:
    the result must be what the passes would have given."""
    from cleaners.injected import stripper

    gated = _parse(path)
    removed, chars = strip_injected_spam(gated, S)
    monkeypatch.setattr(stripper._Stripper, "may_hold_spam", lambda self: True)
    full = _parse(path)
    assert (removed, chars) == strip_injected_spam(full, S)
    assert etree.tostring(gated) == etree.tostring(full)


def test_the_href_gate_passes_every_link_that_names_spam():
    from cleaners.injected.urls import hrefs_may_name_spam

    hrefs = sorted({a.get("href") for path in ALL_FIXTURES for a in _parse(path).iter("a") if a.get("href")})
    spam = [h for h in hrefs if href_category(h)]
    assert spam, "the fixtures hold spam link targets"
    assert all(hrefs_may_name_spam([h]) for h in spam)
    assert hrefs_may_name_spam(["https://news.example.org/a", "/about", "https://slotgacor88.example/"])
    assert not hrefs_may_name_spam([h for h in hrefs if not href_category(h)][:200])


def test_long_hrefs_are_judged_but_not_remembered():
    """A data: URL of megabytes is judged like any href, but kept out of the href caches."""
    from cleaners.injected.urls import _split_href

    _split_href_cached, _href_category_cached = _split_href.cached, href_category.cached
    misses = _split_href_cached.cache_info().misses, _href_category_cached.cache_info().misses
    huge = "https://x.example/slot-gacor-hari-ini/" + "a" * 5_000
    assert href_category(huge) == href_category("https://x.example/slot-gacor-hari-ini/once-in-this-test") == "gambling"
    assert (_split_href_cached.cache_info().misses, _href_category_cached.cache_info().misses) == (
        misses[0] + 1, misses[1] + 1)  # the short one only


def test_a_comment_signed_with_spam_goes_but_a_spam_link_in_a_comments_text_takes_only_itself():
    prose = "".join(f"<p>{p}</p>" for p in EN)
    comments = (
        '<ol class="comment-list">'
        '<li id="comment-11" class="comment"><article id="div-comment-11" class="comment-body"><footer>'
        '<div class="comment-author vcard"><b class="fn"><a href="https://slot-gacor-88.example/" rel="external nofollow ugc"'
        ' class="url">slot gacor hari ini</a></b> <span class="says">says:</span></div></footer>'
        '<div class="comment-content"><p>Great post, thanks for sharing this with us!</p></div></article></li>'
        '<li id="comment-12" class="comment"><article id="div-comment-12" class="comment-body"><footer>'
        '<div class="comment-author vcard"><b class="fn">Margaret Ellis</b></div></footer><div class="comment-content">'
        '<p>I cross that bridge every morning. <a href="https://slot-gacor-88.example/" rel="external nofollow">slot gacor'
        ' hari ini</a> the cracks have been visible for years.</p></div></article></li></ol>')
    tree = lxml.html.document_fromstring(f"<html><body><article>{prose}</article>{comments}</body></html>")
    removed, _ = strip_injected_spam(tree, S)
    text = text_of(tree)
    assert "Great post" not in text and "Margaret Ellis" in text and "I cross that bridge every morning" in text
    assert spam_reasons(removed) == ["spam:gambling_comment", "spam:gambling_anchor"]


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_the_hidden_pass_looks_at_every_element_with_a_style_hidden_class_or_id(path):
    """The hidden pass finds its elements through their attributes: the same elements, in the same
    order, as a test of each element (never the body itself)."""
    from cleaners.dom import attribute_owners as _owners
    from cleaners.injected.stripper import _MAY_HIDE, _MAY_HIDE_BY_RULES
    from cleaners.injected.tree import _body

    body = _body(_parse(path))[1]
    assert _owners(_MAY_HIDE(body)) == body.xpath(".//*[@style or @hidden]")
    assert _owners(_MAY_HIDE_BY_RULES(body)) == body.xpath(".//*[@style or @hidden or @class or @id]")


def test_the_hidden_pass_never_looks_at_the_body_itself():
    from cleaners.dom import attribute_owners as _owners
    from cleaners.injected.stripper import _MAY_HIDE, _MAY_HIDE_BY_RULES

    tree = lxml.html.document_fromstring(
        "<html><body style='margin:0' hidden class='home' id='top'><div class='a' id='b' style='color:red'>x"
        "<p hidden>y</p></div><p>z</p><span id='c'>w</span></body></html>")
    body = tree.find("body")
    assert [el.tag for el in _owners(_MAY_HIDE(body))] == ["div", "p"]
    assert [el.tag for el in _owners(_MAY_HIDE_BY_RULES(body))] == ["div", "p", "span"]


def test_the_strong_word_test_of_link_words_agrees_with_the_search():
    """may_name_strong_words skips the search only where no strong phrase has all its words."""
    from cleaners.injected.lexicon import may_name_strong_words
    from cleaners.injected.urls import _URL_WORD
    from cleaners.spam import lexicon_phrases, load_lexicon

    lex = load_lexicon()
    phrases = [p for kinds in lexicon_phrases().values() for ps in kinds["strong"].values() for p in ps]
    for phrase in phrases:
        words = " ".join(_URL_WORD.findall(f"https://www.example.com/{phrase}/2024".casefold()))
        assert may_name_strong_words(words) == lex.may_name_strong(words), phrase
        assert may_name_strong_words(words) or not phrase.isascii(), phrase
    hrefs = sorted({a.get("href") for path in ALL_FIXTURES for a in _parse(path).iter("a") if a.get("href")})
    texts = [" ".join(_URL_WORD.findall(h.casefold())) for h in hrefs] + ["casino online best", "no bonus deposit"]
    assert [may_name_strong_words(t) for t in texts] == [lex.may_name_strong(t) for t in texts]


def test_hrefs_of_the_plain_shapes_are_split_as_urlsplit_splits_them():
    """_split_href cuts most hrefs itself (_PLAIN_HREF) and leaves the rest to urlsplit: the same
    host and path for every href of the fixtures and of shapes near the plain ones. (Checked on the
    144,048 href, src and content values of all 1,580 pages of ../shared/corpus when it was written.)"""
    from urllib.parse import unquote, urlsplit

    from cleaners.injected.urls import _PLAIN_HREF, _split_href

    def by_urlsplit(href):  # _split_href as it was
        if not href:
            return None
        try:
            parts = urlsplit(href.strip())
            return parts.hostname or "", unquote(parts.path) + " " + unquote(parts.query)
        except ValueError:
            return None

    hrefs = {v for path in ALL_FIXTURES for el in _parse(path).iter(etree.Element) for v in el.values()}
    hrefs |= {"HTTP://Ex.COM/A%20b?Q=1#f", "https://x.example", "//x.example/p", "http://x.example?q#f?g", "/p?q#f?g",
              "/p#f?q", "#top", "?page=2", "/a:b/c", "  /caf%C3%A9  ", "http://x_y.example/", "http://x.example:80/p",
              "http://user@x.example/p", "http://[::1]/p", "http://[::1/p", "http://x.example/a\tb", "/a\nb?c\rd",
              "http://\u212aing.example/", "http\u017f://x.example/", "https:x.example/p", "http://", "///p",
              "http://münchen.example/straße", "mailto:a@x.example", "javascript:void(0)", "page.html", "../up",
              "\x01http://x.example/", "http://x.example/%zz%E2%80", "ftp://x.example/p", "http://x.example/p q/"}
    plain = 0
    for href in sorted(hrefs):
        assert _split_href.__wrapped__(href) == by_urlsplit(href), href
        plain += _PLAIN_HREF.fullmatch(href.strip()) is not None
    assert plain > 1000


def test_best_hits_and_strong_hits_find_nothing_where_the_folded_gates_find_nothing():
    """The outlier test skips _best_hits where may_name_spam finds nothing, the sentence test
    _strong_hits where may_name_strong does (tests/test_spam.py checks the gates on many more
    texts against the patterns these two scan with)."""
    from cleaners.injected.lexicon import _best_hits, _strong_hits
    from cleaners.spam import load_lexicon
    from tests.test_spam import lexicon_gate_texts

    lex, skipped = load_lexicon(), 0
    texts = lexicon_gate_texts()
    for text in texts[::20] + texts[-5000:]:  # a sample of the page lines, the lexicon's phrases in context
        if not lex.may_name_spam(text):
            assert _best_hits(text) == (None, 0.0), text
            skipped += 1
        if not lex.may_name_strong(text):
            assert _strong_hits(text) == 0, text
    assert skipped > 1000


def test_may_match_cuts_ascii_texts_into_the_words_the_findall_finds():
    """may_match cuts an ASCII text with bytes.translate: the same answer as the casefolded \\w-runs
    (_WORDS.findall) on every ASCII character next to a phrase's first word and on page texts."""
    from cleaners.injected.lexicon import _WORDS, _first_words, may_match
    from tests.test_spam import lexicon_gate_texts

    texts = [t for t in lexicon_gate_texts() if t.isascii()]
    texts += [f"{chr(c)}CASINO{chr(c)}x{chr(c)}poker_{chr(c)}" for c in range(128)]
    texts += [t for c in range(128) for t in (f"x{chr(c)}casino x{chr(c)}", f"Slot{chr(c)}", chr(c))]
    for text in texts:
        assert may_match(text) == (not _first_words().isdisjoint(_WORDS.findall(text.casefold()))), text


def test_href_category_reads_compact_phrases_as_the_flat_pattern_alone_did():
    """href_category asks the flat pattern of compact phrases (which phrase, so which category)
    only where the prefix tree finds one: the same category for every href of the fixtures and for
    hrefs holding the phrases whole, cut, overlapping and next to each other."""
    import random

    from cleaners.injected.lexicon import COMPACT_MIN, _compact_pattern, may_match, strong_category
    from cleaners.injected.urls import _NOT_WORD, _SEGMENT_SEPARATOR, _URL_WORD, _split_href

    def flat_only(href):  # href_category as it was
        split = _split_href(href)
        if split is None:
            return None
        host, path = split
        words = " ".join(_URL_WORD.findall(f"{host} {path}".casefold()))
        category = strong_category(words) if may_match(words) else None
        if category:
            return category
        pattern, categories = _compact_pattern()
        for segment in _SEGMENT_SEPARATOR.split(f"{host}/{path}".casefold()):
            match = pattern.search(_NOT_WORD.sub("", segment)) if len(segment) >= COMPACT_MIN else None
            if match:
                return categories[match.group()]
        return None

    phrases = sorted(_compact_pattern()[1])
    rng = random.Random(5)
    hrefs = sorted({a.get("href") for path in ALL_FIXTURES for a in _parse(path).iter("a") if a.get("href")})
    for phrase in phrases:
        other = rng.choice(phrases)
        cut = rng.randrange(1, len(phrase))
        hrefs += [f"https://{phrase}88.example/", f"/a/x-{phrase[:cut]}_{phrase[cut:]}-y/", f"/{phrase[:cut]}/{phrase[cut:]}",
                  f"https://{phrase[:cut]}.{phrase[cut:]}.example/", f"/{other}{phrase}", f"/{phrase[:-1]}{other}",
                  f"/p?{phrase.upper()}=1", f"/{phrase[:cut]}%2D{phrase[cut:]}", f"/{phrase[:-1]}", f"/{phrase[1:]}x"]
    found = 0
    for href in hrefs:
        assert href_category.cached.__wrapped__(href) == flat_only(href), href
        found += flat_only(href) is not None
    assert found > len(phrases)


def test_the_href_gate_gives_what_it_gave_before_its_compact_search_of_all_words():
    """hrefs_may_name_spam searches all the link words run together for a compact phrase before it
    cuts the segments: the same answer as before on the links of every fixture page and on lists
    holding compact phrases whole, cut between segments, between links and between words."""
    import random

    from cleaners.injected.lexicon import COMPACT_MIN, _compact_pattern, _compact_search, may_name_strong_words
    from cleaners.injected.urls import (
        _NOT_WORD_BUT_CUT, _SEGMENT_SEPARATOR, _URL_WORD, _split_href, hrefs_may_name_spam)

    def as_it_was(hrefs):
        splits = [split for href in hrefs if (split := _split_href(href)) is not None]
        words = " ".join(_URL_WORD.findall(" ".join(f"{host} {path}" for host, path in splits).casefold()))
        if may_name_strong_words(words):
            return True
        segments = _SEGMENT_SEPARATOR.split("/".join(f"{host}/{path}" for host, path in splits).casefold())
        compact = _NOT_WORD_BUT_CUT.sub("", "/".join(dict.fromkeys(s for s in segments if len(s) >= COMPACT_MIN)))
        return _compact_search().search(compact) is not None

    lists = [[a.get("href") for a in _parse(path).iter("a")] for path in ALL_FIXTURES]
    rng = random.Random(11)
    phrases = sorted(_compact_pattern()[1])
    for phrase in phrases:
        cut = rng.randrange(1, len(phrase))
        head, tail = phrase[:cut], phrase[cut:]
        lists += [[f"/{head}", f"/{tail}"], [f"https://{head}.{tail}.example/"], [f"/a/{head}/{tail}-x/"],
                  [f"/{head}?q={tail}"], [f"/{head}-{tail}/"], [f"/{head}_{tail}"], [f"https://x.example/{phrase}"],
                  [f"/{head}", None, f"https://{tail}.example/"], [f"/{head.upper()}%20{tail}"]]
    hits = 0
    for hrefs in lists:
        assert hrefs_may_name_spam(hrefs) == as_it_was(hrefs), hrefs
        hits += as_it_was(hrefs)
    assert hits > 2 * len(phrases)
