from cleaners.chrome_html import strip_chrome_blocks
from cleaners.html import parse_html
from tests.conftest import REPO, RUN, html_page

PAGE = (REPO / "tests" / "fixtures" / "html" / "chrome_news.html").read_text(encoding="utf-8")


def test_chrome_blocks_are_removed_with_their_reason_and_the_article_stays():
    tree = parse_html(PAGE)
    reasons = {r.reason for r in strip_chrome_blocks(tree)}
    assert reasons == {"chrome:cookie_banner", "chrome:share", "chrome:newsletter", "chrome:author_bio",
                       "chrome:related", "chrome:advert", "chrome:link_block"}  # link_block: the menu
    text = tree.text_content()
    for gone in ("We use cookies", "Share on Facebook", "morning briefing", "joined the paper", "new bus routes"):
        assert gone not in text
    for kept in ("harbour bridge reopened", "corroded steel bearings", "glad to see the cars back"):
        assert kept in text


def test_the_block_holding_the_headline_or_most_text_is_never_chrome():
    html = ('<html><body><div class="share-story-wrapper"><h1>Title</h1><p>' + "Body text. " * 50 +
            '</p></div><div id="related-content"><p>' + "Whole page text in a related div. " * 80 + "</p></div></body></html>")
    tree = parse_html(html)
    assert strip_chrome_blocks(tree) == []
    assert "Body text." in tree.text_content() and "Whole page text" in tree.text_content()


def test_html_article_has_no_chrome_and_the_removals_are_audited(cleaner):
    kind, rec = cleaner.record(html_page(PAGE), RUN)
    assert kind == "article"
    assert rec["author"] == "Dana Whitfield"
    for gone in ("cookies", "Share on", "newsletter", "joined the paper", "bus routes", "Advertisement"):
        assert gone not in rec["text"]
    reasons = {r["reason"] for r in rec["provenance"]["removed"]}
    assert {"chrome:newsletter", "chrome:author_bio", "chrome:related"} <= reasons


def test_lists_of_bare_links_are_removed_but_lists_of_prose_stay():
    html = ("<html><body><article><h1>T</h1><p>" + "Article text. " * 30 + "</p>"
            "<ul><li>Flour, 500 g</li><li>Water, 300 ml</li><li>Salt, <a href='/salt'>see our guide</a></li></ul>"
            "<ul><li><a href='/a'>Council approves bus routes</a></li><li><a href='/b'>Storm bill tops two million</a></li>"
            "<li><a href='/c'>Ferry timetable to change</a></li></ul>"
            "<ul><li><a href='/x'>Only two</a></li><li><a href='/y'>links here</a></li></ul></article></body></html>")
    tree = parse_html(html)
    removals = strip_chrome_blocks(tree)
    assert [r.reason for r in removals] == ["chrome:link_list"]
    text = tree.text_content()
    assert "Flour, 500 g" in text and "Only two" in text
    assert "Council approves bus routes" not in text


def test_a_post_tagged_share_or_social_is_not_a_share_bar(cleaner):
    para = "<p>" + "Spinlet finds the songs saved on the phone and shares the favourites with your friends. " * 4 + "</p>"
    html = ("<html><body><div id='main'><div class='post hentry tag-share category-social-media'>"
            f"<h2>Spinlet</h2>{para * 2}</div><div class='sharedaddy'><a href='#'>Share this</a></div></div>"
            "<div id='sidebar'><p>Archives and categories of the site, with links to each.</p></div></body></html>")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article" and "Spinlet finds the songs" in rec["text"]
    assert [r["reason"] for r in rec["provenance"]["removed"]].count("chrome:share") == 1


def test_taxonomy_classes_do_not_make_a_post_boilerplate():
    from cleaners.dom import drop_taxonomy_classes
    tree = parse_html("<html><body><div class='post tag-rhubarb category-menu s-tag-sidebar' id='p1'>x</div></body></html>")
    drop_taxonomy_classes(tree)
    assert tree.get_element_by_id("p1").get("class") == "post"


def test_blocks_of_headline_links_go_and_sentences_with_links_stay():
    from cleaners.chrome_html import strip_link_blocks

    headlines = "".join(f"<div class='h'><a href='/s{n}'>Storm story number {n} of the night</a> <span>10:0{n} AM</span></div>"
                        for n in range(5))
    sentence = ("<div class='note'>The full report <a href='/r'>is here</a>; the <a href='/d'>raw data</a> and the "
                "<a href='/m'>method notes</a> are published alongside it as <a href='/c'>CSV files</a>.</div>")
    html = (f"<html><body><article><h1>Storm</h1><p>{'The storm reached the coast at night. ' * 30}</p>{sentence}</article>"
            f"<div id='latest'>{headlines}</div></body></html>")
    tree = parse_html(html)
    removals = strip_link_blocks(tree, len(tree.text_content()))
    assert [r.reason for r in removals] == ["chrome:link_block"]
    text = tree.text_content()
    assert "Storm story number" not in text and "raw data" in text and "reached the coast" in text


def test_a_paragraph_of_menu_links_goes_and_a_sentence_citing_sources_stays():
    from cleaners.chrome_html import strip_link_blocks

    menu = "<p><a href='/'>Home</a> | <a href='/n'>News</a> | <a href='/a'>Archive</a> | <a href='/c'>Contact</a></p>"
    cited = ("<p>The figures come from <a href='/r'>the annual report</a>, and the regional breakdown from "
             "<a href='/d'>the open data portal</a> and <a href='/s'>the statistics office</a>, as explained below.</p>")
    tree = parse_html(f"<html><body><article><h1>T</h1><p>{'Article text here. ' * 40}</p>{cited}</article>{menu}</body></html>")
    assert [r.text for r in strip_link_blocks(tree, len(tree.text_content()))] == ["Home | News | Archive | Contact"]
    assert "the open data portal" in tree.text_content()


def test_a_sidebar_by_name_goes_but_a_layout_that_has_one_keeps_its_article():
    article = "<p>" + "The ferry timetable changes on Monday, with two extra sailings at weekends. " * 12 + "</p>"
    about = "<div id='profile-container'><p class='profile-textblock'>I live. I learn. I teach. I write here.</p></div>"
    html = (f"<html><body><div class='l-sidebar-fixed l-article-body-segment'><h1>Ferries</h1>{article}</div>"
            f"<div id='sidebar'><h2>Archive</h2><p>Older posts by month and by topic, with a search box.</p></div>"
            f"<div class='column'>{about}</div></body></html>")
    tree = parse_html(html)
    reasons = [r.reason for r in strip_chrome_blocks(tree)]
    assert reasons == ["chrome:sidebar", "chrome:author_bio"]
    text = tree.text_content()
    assert "two extra sailings" in text and "Older posts" not in text and "I live." not in text


def test_the_page_text_measured_leaves_out_scripts_styles_and_noscripts_as_visible_text_does():
    from cleaners.chrome_html import _page_chars
    from cleaners.dom import visible_text

    tree = parse_html("<html><head><title>Tïtle</title><style>p {}</style><script>var a;</script></head><body>"
                      "<p>One <b>two</b><script>x()</script> tail of the script</p><noscript><p>nope<script>y</script>"
                      "<style>q</style></p> after</noscript> after noscript\u00a0\u200b ✓<!-- a comment --></body></html>")
    assert _page_chars(tree) == len(visible_text(tree)) > 0


def test_the_kind_named_is_the_first_kind_of_any_class_or_id_word():
    from lxml import etree

    from cleaners.chrome_html import chrome_kind

    def kind(**attributes):
        return chrome_kind(etree.Element("div", attributes))
    assert kind(**{"class": "related-posts share-buttons"}) == "chrome:share"  # share comes first, wherever it stands
    assert kind(**{"class": "box", "id": "main newsletter-signup"}) == "chrome:newsletter"
    assert kind(**{"class": "l-sidebar-fixed"}) is None and kind(**{"class": "l-sidebar-fixed", "id": "sidebar2"}) == "chrome:sidebar"
    assert kind(**{"class": "Post share"}) is None and kind(**{"id": "Cookie-Notice"}) == "chrome:cookie_banner"


def test_collapsing_spaces_never_makes_a_text_shorter_than_a_part_of_it():
    # what strip_link_blocks relies on to skip the blocks holding one over the page's share
    import random
    from cleaners.normalize import collapse_spaces

    rng = random.Random(3)
    alphabet = [" ", " ", "  ", "\t", "\n", "\r", "\xa0", "\u2009", "\u3000", "\u200b", "\ufeff", "\u2028", "a", "é", "-"]
    for _ in range(5000):
        before, part, after = ("".join(rng.choices(alphabet, k=rng.randint(0, 6))) for _ in range(3))
        assert len(collapse_spaces(before + part + after)) >= len(collapse_spaces(part))


def test_a_link_block_inside_the_page_wrapper_goes_once_and_the_wrapper_stays():
    links = "".join(f"<div class='item'><a href='/s{n}'>Another story, number {n}</a></div>" for n in range(4))
    html = (f"<html><body><div id='wrap'><div class='box'><div class='inner'>{links}</div></div>"
            f"<article><h2>Ferries</h2><p>{'The ferry sails at dawn. ' * 40}</p></article>"
            f"<p>{'Closing words of the page. ' * 10}</p></div></body></html>")
    tree = parse_html(html)
    removals = strip_chrome_blocks(tree)
    assert [(r.reason, r.text.count("Another story")) for r in removals] == [("chrome:link_block", 4)]
    text = tree.text_content()
    assert "Another story" not in text and "sails at dawn" in text and "Closing words" in text


def test_chrome_inside_a_block_the_page_itself_marks_removed_is_not_audited():
    html = ("<html><body><p>" + "Article text. " * 40 + "</p><div data-winnow-removed='x'><div class='share'>Share this</div></div>"
            "<div class='newsletter'>Sign up</div></body></html>")
    tree = parse_html(html)
    assert [r.reason for r in strip_chrome_blocks(tree)] == ["chrome:newsletter"]
    assert "Share this" not in tree.text_content() and "Article text." in tree.text_content()


def test_the_named_candidates_are_every_block_with_a_class_or_id_inside_the_body():
    from lxml import html as lxml_html

    from cleaners.chrome_html import _NAMED, _NEVER_CHROME
    from cleaners.dom import attribute_owners

    tree = lxml_html.document_fromstring(
        "<html class='h'><head><meta id='m'></head><body class='b'><main id='x'><div class='share' id='s'>"
        "<p>a</p><span id='t'>b</span></div><article class='post'><aside class='related'>c</aside></article>"
        "</main></body></html>")
    found = [el for el in attribute_owners(_NAMED(tree)) if el.tag not in _NEVER_CHROME]
    expected = tree.xpath("//body//*[@class or @id][not(self::body or self::html or self::main or self::article)]")
    assert [el.tag for el in found] == ["div", "span", "aside"] and found == expected


def _fixture_and_corpus_trees() -> list:
    """The HTML fixtures and the corpus sample (in the repository), parsed as the pipeline parses."""
    import gzip
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures"
    pages = [p.read_bytes().decode("utf-8", "replace") for p in sorted((fixtures / "html").glob("*.html"))]
    pages += [gzip.decompress(p.read_bytes()).decode("utf-8", "replace")
              for p in sorted((fixtures / "corpus_sample").glob("*/*.html.gz"))]
    return [tree for tree in map(parse_html, pages) if tree is not None]


def test_the_blocks_read_in_the_body_are_what_the_xpaths_find():
    """_in_body walks the page's only body instead of asking _BLOCKS, _LISTS and _NAMED: the same
    elements in the same order on every fixture and corpus-sample page, before and after the
    named chrome is removed, and on trees with no body or two (where the XPaths are asked)."""
    from lxml import etree

    from cleaners.chrome_html import (
        _BLOCK_TAGS, _BLOCKS, _LIST_TAGS, _LISTS, _NAMED, _in_body, _only_body, _strip_matching, chrome_kind,
    )
    from cleaners.dom import attribute_owners

    def same(tree, body):
        assert _in_body(tree, body, _BLOCKS, _BLOCK_TAGS) == _BLOCKS(tree)
        assert _in_body(tree, body, _LISTS, _LIST_TAGS) == _LISTS(tree)
        assert _in_body(tree, body, _NAMED, None) == attribute_owners(_NAMED(tree))
        return len(_BLOCKS(tree))

    two_bodies = parse_html("<html><body><div class='a'><p>x</p><ul><li>y</li></ul></div></body></html>")
    second = etree.SubElement(two_bodies.find("body").find("div"), "body")
    etree.SubElement(second, "div", {"id": "share"}).text = "z"
    no_body = etree.fromstring("<html><div class='a'><p>x</p></div></html>")
    assert _only_body(two_bodies) is None and _only_body(no_body) is None
    same(two_bodies, ...), same(no_body, ...)
    blocks = 0
    for tree in _fixture_and_corpus_trees():
        body = _only_body(tree)
        assert body is not None and body is tree.find("body")
        blocks += same(tree, body) + same(tree, ...)
        named = [el for el in _in_body(tree, body, _NAMED, None) if el.tag not in ("body", "html", "main", "article")]
        _strip_matching(tree, named, lambda e: chrome_kind(e) if e.tag != "p" else None, premarked=False)
        same(tree, body)  # the named blocks are gone, the body is still the only one
    assert blocks > 1000


def _every_match(words: str) -> list[str]:
    """Every string the regex `words` matches: the kinds' words are finite (literals, classes,
    alternatives and '?'), and this reads them from re's own parse."""
    from re import _constants as c, _parser

    def expand(items) -> list[str]:
        out = [""]
        for op, arg in items:
            if op is c.LITERAL:
                options = [chr(arg)]
            elif op is c.SUBPATTERN:
                options = expand(arg[3])
            elif op is c.BRANCH:
                options = [s for branch in arg[1] for s in expand(branch)]
            elif op is c.MAX_REPEAT:
                low, high, sub = arg
                assert high <= 2, "a bounded repeat"
                options, repeated = [], [""]
                for count in range(high + 1):
                    if count >= low:
                        options += repeated
                    repeated = [a + b for a in repeated for b in expand(sub)]
            elif op is c.IN:
                options = []
                for kind, value in arg:
                    if kind is c.LITERAL:
                        options.append(chr(value))
                    else:
                        assert kind is c.CATEGORY and value is c.CATEGORY_DIGIT, (kind, value)
                        options += list("0123456789")
            else:
                raise AssertionError(f"not expanded: {op}")
            out = [a + b for a in out for b in options]
        return out
    return expand(_parser.parse(words))


def test_every_string_a_kind_names_holds_one_of_the_gate_tokens():
    from cleaners.chrome_html import _KIND_TOKENS, _KINDS, _PATTERNS

    matches = {reason: _every_match(words) for reason, words in _KINDS.items()}
    assert sum(map(len, matches.values())) > 150
    for reason, strings in matches.items():
        for string in strings:
            assert string == string.lower() and string.isascii(), string
            assert _KIND_TOKENS.search(string), (reason, string)
            # the expansion is what the kind's pattern matches, bounded as a class word
            assert _PATTERNS[reason].search(f"x {string} y") or _PATTERNS[reason].search(string), string


def test_the_kind_rank_gate_gives_what_trying_every_kind_gives():
    import random

    from cleaners.chrome_html import _PATTERNS, _REASONS, _kind_rank

    def every_kind(word):  # what _kind_rank computed before its gate
        return next((rank for rank, pattern in enumerate(_PATTERNS.values()) if pattern.search(word)), len(_REASONS))
    words = {word for tree in _fixture_and_corpus_trees() for value in tree.xpath("//@class | //@id")
             for word in value.split()}
    rng = random.Random(5)
    pieces = ["share", "SHARE", "Ad", "-", "_", "container", "side", "bar", "2", "cookie", "law", "x", "K", "\u212a",
              "\u017f", "ſhare", "about", "the", "author", "most", "read", "popular", "a2a", "kit", "widget", "area"]
    words |= {"".join(rng.choices(pieces, k=rng.randint(1, 5))) for _ in range(20_000)}
    ranks = {word: _kind_rank.__wrapped__(word) for word in words}
    assert ranks == {word: every_kind(word) for word in words}
    assert sum(rank < len(_REASONS) for rank in ranks.values()) > 300
