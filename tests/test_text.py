import pytest

from cleaners.text import parse_byline
from tests.conftest import ARTICLE_TEXT, reasons


@pytest.mark.parametrize("line, expected", [
    ("18.11.2021 Author: Viktor Mikhin", ("Viktor Mikhin", "2021-11-18")),
    ("By The Cradle's Iraq Correspondent", ("The Cradle's Iraq Correspondent", None)),
    ("By Jane Doe | March 3, 2021", ("Jane Doe", "2021-03-03")),
    ("Posted on March 3, 2021 by admin", ("admin", "2021-03-03")),
    ("Von Hans Müller, 12.03.2021", ("Hans Müller", "2021-03-12")),
    ("Published on 2021-03-03", (None, "2021-03-03")),
    ("Updated: March 4, 2021", (None, None)),  # a dateline, but not the publication date
    ("Last updated March 4, 2021", (None, None)),
    ("Posted on: 07-20-2012 Posted by: Bob Walsh", ("Bob Walsh", "2012-07-20")),  # US order when day-first cannot be
    ("By Ana Lima | 05/06/2021", ("Ana Lima", "2021-06-05")),  # ambiguous: day first
    ("By Jane Smith | March 15, 2022 | 4 min read", ("Jane Smith", "2022-03-15")),  # a reading time
    ("March 3, 2021 · 5 min read", (None, "2021-03-03")),
    ("By Jane Doe, Staff Writer", ("Jane Doe", None)),  # a role or an agency after the name
    ("By JOHN SMITH, Associated Press", ("JOHN SMITH", None)),
    ("By Jane Doe | Reuters", ("Jane Doe", None)),
    ("Posted on 2021-03-03 by Jane Doe in News", ("Jane Doe", "2021-03-03")),  # a category after the name
    ("By Jane Doe Updated March 3, 2021", ("Jane Doe", None)),
    ("Posted by Eleanor at 8:42 PM", ("Eleanor", None)),  # Blogger's footer: a time, no date
    ("15/03/2022 - 10:32", (None, "2022-03-15")),
    ("Last updated: March 3, 2021", (None, None)),
])
def test_bylines_and_datelines(line, expected):
    assert parse_byline(line) == expected


@pytest.mark.parametrize("line", [
    "By the way, I think the council is wrong.",
    "Iraq Update: Update on the attacks in Iraq",
    "By 2030 the city wants to plant a million trees along its rivers and roads.",
    "By Monday, the council will decide whether to act",
    "By Jane Doe, who has covered the city for years.",
])
def test_sentences_are_not_bylines(line):
    assert parse_byline(line) is None


def test_title_byline_and_date_become_metadata(clean_text):
    kind, rec = clean_text("By Jane Doe\nMarch 3, 2021\n\nCouncil agrees new budget\n\n" + ARTICLE_TEXT)
    assert (rec["title"], rec["author"], rec["published"]) == ("Council agrees new budget", "Jane Doe", "2021-03-03")
    assert not rec["text"].startswith(("By Jane", "March 3", "Council agrees"))
    assert {"metadata:byline", "metadata:dateline", "metadata:title"} <= set(reasons(rec))


def test_a_long_first_line_is_body_not_title(clean_text):
    first = ("Baghdad grapples with a dual challenge: balancing US threats to stop attacks on its bases, with the "
             "commitment of the factions to persist until the war ends.")
    kind, rec = clean_text(first + "\n" + ARTICLE_TEXT)
    assert rec["title"] is None
    assert rec["text"].startswith(first)


def test_title_given_by_the_record_is_not_repeated_in_the_body(clean_text):
    kind, rec = clean_text("Garden notes\n\n" + ARTICLE_TEXT, title="Garden notes")
    assert rec["title"] == "Garden notes"
    assert not rec["text"].startswith("Garden notes")


def test_body_is_one_paragraph_per_line_with_whitespace_collapsed(clean_text):
    kind, rec = clean_text("A Title\n\n   First   paragraph with   spaces and a bit more text to make it long enough.  \n\n\n"
                           "Second paragraph.\tWith a tab, and more words so the article is not too short.\n")
    assert rec["text"].split("\n") == [
        "First paragraph with spaces and a bit more text to make it long enough.",
        "Second paragraph. With a tab, and more words so the article is not too short.",
    ]


def test_too_little_text_is_rejected_as_too_short(clean_text):
    kind, rec = clean_text("A Title\n\nJust one line.\n")
    assert (kind, rec["reason"]) == ("rejected", "too_short")
    assert "fewer than filters.min_text_chars" in rec["detail"]


def test_empty_page_is_rejected_as_empty(clean_text):
    kind, rec = clean_text("\n\n   \n")
    assert (kind, rec["reason"]) == ("rejected", "empty")


def test_a_footer_byline_closing_the_post_is_metadata(clean_text):
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\nPosted by Menzie Chinn at October 29, 2012 05:10 PM\n")
    assert (rec["author"], rec["published"]) == ("Menzie Chinn", "2012-10-29")
    assert "Posted by" not in rec["text"]


def test_a_closing_posted_on_by_line_before_the_categories_is_metadata(clean_text):
    page = "A Title\n\n" + ARTICLE_TEXT + "\nPosted on: 07-20-2012 Posted by: Bob Walsh\nCategories: Podcast\n"
    kind, rec = clean_text(page)
    assert (rec["author"], rec["published"], rec["categories"]) == ("Bob Walsh", "2012-07-20", ["Podcast"])
    assert "Posted" not in rec["text"] and "Podcast" not in rec["text"]


def test_a_closing_sentence_with_by_is_kept(clean_text):
    last = "The photographs were taken by the author during the winter of 2012 in the mountains."
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + last + "\n")
    assert rec["text"].endswith(last)


def test_unicode_repair_skips_plain_lines_without_changing_what_ftfy_gives():
    import unicodedata

    import ftfy

    from cleaners.normalize import _FTFY, fix_text

    texts = [
        "caf\u00c3\u00a9 &amp; more\n<b>x</b> &lt;\n&amp; after the tag, not unescaped\n",
        "&amp; before any tag is unescaped\nplain line\n\u00e2\u20ac\u0153quoted\u00e2\u20ac\x9d\n",
        "a\x1b[31mred\x1b[0m\nctl\x00\x07\x0b\x7f end\n\ufb01ne\u2028x\r\ny\rz",
        "Plain ASCII only.\nNothing to do here.",
    ]
    for text in texts:
        expected = unicodedata.normalize("NFC", ftfy.fix_text(text.replace("\r\n", "\n").replace("\r", "\n"), config=_FTFY))
        assert fix_text(text) == expected
    assert fix_text("caf\u00c3\u00a9 ok") == "café ok"


def test_unicode_repair_of_generated_pages_is_ftfys():
    """fix_text hands ftfy only the lines it could change (and no page when none of its lines
    holds a character of _BADNESS_ANCHORS, a control character or an HTML entity): on pages of
    lines made of plain words, typographic punctuation, mojibake, '&' with and without entities,
    tags and control characters, its text is ftfy's."""
    import random
    import unicodedata

    import ftfy
    import ftfy.bad_codecs  # noqa: F401 - registers the sloppy codecs that make the mojibake

    from cleaners.normalize import _FTFY, TYPOGRAPHIC, fix_text
    from tests.conftest import SEEDS_RAW

    honest = ["“Quoted” text – it’s fine", "Grüße aus Köln, señor", "Москва — столица", "café «très» bien…"]
    pieces = ["plain", "words", " ", "  ", "Q&A", "AT&T;", "&amp;", "&eacute;", "&EACUTE;", "&#39;", "&#x27;", "&nbsp",
              "&lt;b&gt;", "<b>", "x<y", "\x1b[31m", "\x00", "\x85", "\u2028", "\ufb01", "\uff21", "\u00a0", "\t",
              *TYPOGRAPHIC, "°", "é", "½", *honest]
    pieces += [t.encode("utf-8").decode(codec, "replace") for t in honest for codec in ("sloppy-windows-1252", "latin-1")]
    rng = random.Random(5)
    pages = ["\n".join("".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(1, 6)))
             for _ in range(1500)]
    pages += [p.read_text(encoding="utf-8") for p in sorted(SEEDS_RAW.glob("*.txt"))]
    changed = 0
    for page in pages:
        expected = unicodedata.normalize("NFC", ftfy.fix_text(page.replace("\r\n", "\n").replace("\r", "\n"), config=_FTFY))
        assert fix_text(page) == expected, page
        changed += expected != page
    assert changed > 300  # the pages do hold what ftfy repairs


def test_mojibake_test_near_non_ascii_characters_equals_ftfys_on_every_line():
    """_is_bad searches ftfy's pattern only around non-ASCII characters; its '^' alternative
    ("Ã " at a line's start only) and matches at window edges must come out as ftfy's."""
    import random

    import ftfy.bad_codecs  # noqa: F401 - registers the sloppy codecs that make the mojibake
    from ftfy.badness import is_bad

    from cleaners.normalize import _BADNESS_ANCHORS, _BADNESS_WIDTH, TYPOGRAPHIC, _is_bad

    assert _BADNESS_WIDTH is not None  # proved for this ftfy: else is_bad runs on whole lines (slower)
    assert not any(_BADNESS_ANCHORS.match(c) for c in TYPOGRAPHIC)  # curly quotes and dashes open no window
    honest = ["“Quoted” text – it’s fine", "Grüße aus Köln, señor", "Москва — столица", "東京は晴れ",
              "Ã start of line", "no: x Ã start", "a\u00c3 b", "ends in mojibake " * 3 + "caf\u00c3\u00a9"]
    lines = honest + [t.encode("utf-8").decode(codec, "replace") for t in honest
                      for codec in ("sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "macroman")]
    rng = random.Random(1)
    pool = "abc ,.\tÃÂØÙВГРСŒœ×²³°€“”’–—é\u00a0\x85àµ√±≈‚Ä"
    lines += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 24))) for _ in range(3000)]
    assert sum(map(is_bad, lines)) > 300  # the lines do hit the pattern
    assert [_is_bad(line) for line in lines] == [is_bad(line) for line in lines]


def test_comparable_keys_and_collapsed_spaces_are_what_the_character_rules_say():
    import re
    import sys

    from cleaners.normalize import collapse_spaces, comparable

    # the regex shortcut in comparable() relies on this, for every code point
    assert all((re.match(r"[\W_]", chr(c)) is not None) == (not chr(c).isalnum()) for c in range(0, sys.maxunicode + 1, 7))
    assert comparable("Great   post!! Thanks_a lot, Ünïcode ½ ") == "great post thanks a lot ünïcode 1 2"
    assert collapse_spaces("  plain line  ") == "plain line"
    assert collapse_spaces("tab\there  and\u00a0nbsp\u200b ") == "tab here and nbsp"


def test_comparable_of_ascii_text_with_typographic_punctuation_is_the_full_rules():
    """comparable() makes typographic punctuation spaces when that leaves ASCII text: its key must
    be the one of NFKC, casefold and the runs of letters and digits, next to every ASCII character
    and in generated texts."""
    import random
    import unicodedata

    from cleaners.normalize import _ALNUM_RUN, _SPACE_LIKE, comparable

    def full_rule(text: str) -> str:
        return " ".join(_ALNUM_RUN.findall(unicodedata.normalize("NFKC", text).casefold()))

    for mark in _SPACE_LIKE:
        assert not any(map(str.isalnum, unicodedata.normalize("NFKC", mark)))
        for code in range(128):
            for text in (chr(code) + mark, mark + chr(code), f"a{chr(code)}{mark}{chr(code)}b"):
                assert comparable(text) == full_rule(text), (hex(code), mark)
    rng = random.Random(9)
    pool = ["Don", "t", "’", "“", "”", "–", "—", "…", "\xa0", " ", "  ", "A1", "x_y", "É", "e\u0301", "ﬁ", "½", ".", "'"]
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    assert [comparable(t) for t in texts] == [full_rule(t) for t in texts]
    assert sum(not t.isascii() and t.translate({ord(m): None for m in _SPACE_LIKE}).isascii() for t in texts) > 1000


def test_collapse_spaces_shortcut_gives_what_the_full_rule_gives_for_every_character():
    import sys

    from cleaners.normalize import _INVISIBLE, _SPACES, collapse_spaces

    special = [c for c in range(sys.maxunicode + 1) if _SPACES.match(chr(c)) or _INVISIBLE.match(chr(c))]
    # the shortcut for printable lines: ' ' is the only one of those, and the only whitespace, that is printable
    assert [chr(c) for c in special if chr(c).isprintable()] == [" "]
    assert [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable()] == [" "]
    for code in [*special, *range(0, sys.maxunicode + 1, 97)]:
        for line in (f" a{chr(code)}b c ", f"“x”{chr(code)}", f"    {chr(code)} indented{chr(code)}  ", f"{chr(code)}x",
                     f"a.  {chr(code)}b  c", f"  x {chr(code)}  y\n", f"{chr(code)}  x   y {chr(code)}",  # runs of ' '
                     f"\xa0a\xa0{chr(code)}b \xa0 c\xa0\xa0d{chr(code)}     e\xa0"):  # and no-break spaces
            assert collapse_spaces(line) == _SPACES.sub(" ", _INVISIBLE.sub("", line)).strip(), hex(code)
            # the comment step asks chrome_reason and parse_head (which collapse first) of the raw line
            assert collapse_spaces(collapse_spaces(line)) == collapse_spaces(line), hex(code)


def test_collapse_spaces_of_block_text_gives_what_the_full_rule_gives():
    """Text with line breaks (a block's text_content) takes the path that joins only runs of ' '
    when tabs and no-break spaces are its only other _SPACES: it must equal the rule, and with
    any other space or invisible character in it too."""
    import random

    from cleaners.normalize import _INVISIBLE, _ODD_SPACE, _SPACES, collapse_spaces

    rng = random.Random(11)
    pool = ["\n", "\t", " ", "  ", "    ", "\xa0", "word", "é", "x.", "\r", "\u3000", "\u2009", "\u200b", "\ufeff"]
    weights = [8, 4, 8, 4, 4, 2, 8, 2, 2, 1, 0.3, 0.3, 0.3, 0.3]
    texts = ["".join(rng.choices(pool, weights, k=rng.randint(0, 30))) for _ in range(20_000)]
    for text in texts:
        assert collapse_spaces(text) == _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip(), repr(text)
    # both the new path and the one past it are taken, many times
    def new_path(text):
        stripped = text.strip()
        return (not stripped.replace("\xa0", " ").isprintable() and "  " in stripped
                and not _ODD_SPACE.search(stripped.replace("\xa0", " ").replace("\t", " ")))
    assert sum(map(new_path, texts)) > 5000
    assert sum(not new_path(t) and bool(_ODD_SPACE.search(t.strip().replace("\xa0", " ").replace("\t", " ")))
               for t in texts) > 1000


def test_long_lines_are_collapsed_but_only_paragraphs_are_remembered():
    """collapse_spaces remembers the lines it saw (steps collapse the same ones again): short
    lines in a large cache, paragraphs of up to CACHED_LONG_LINE_CHARS in a small one, and a
    longer line not at all: a minified page is one line of megabytes, and the worker's memory
    must stay bounded."""
    from cleaners.normalize import CACHED_LINE_CHARS, CACHED_LONG_LINE_CHARS, collapse_spaces

    short, long = collapse_spaces.cached, collapse_spaces.cached_long
    short_misses, long_misses = short.cache_info().misses, long.cache_info().misses
    paragraph = " a  b " + "x" * CACHED_LINE_CHARS
    assert collapse_spaces(paragraph) == "a b " + "x" * CACHED_LINE_CHARS
    assert collapse_spaces(paragraph) == "a b " + "x" * CACHED_LINE_CHARS
    assert collapse_spaces(" once  in this test ") == "once in this test"
    minified = " a  b " + "x" * CACHED_LONG_LINE_CHARS
    assert collapse_spaces(minified) == "a b " + "x" * CACHED_LONG_LINE_CHARS
    assert short.cache_info().misses == short_misses + 1  # the short one only
    assert long.cache_info().misses == long_misses + 1  # the paragraph, once; never the minified line
    assert long.cache_info().maxsize * CACHED_LONG_LINE_CHARS <= 1_000_000  # a bounded memory


def test_a_cookie_banner_above_the_title_does_not_hide_title_and_byline(clean_text):
    page = ("This website uses cookies to improve your experience. We'll assume you're ok with this, but you can "
            "opt-out if you wish. Accept Read More\nCookie settings ACCEPT\n\nFive ways to make your coffee better\n"
            "By Hannah Cole | May 2, 2023\n\n" + ARTICLE_TEXT)
    kind, rec = clean_text(page)
    assert kind == "article"
    assert rec["title"] == "Five ways to make your coffee better"
    assert (rec["author"], rec["published"]) == ("Hannah Cole", "2023-05-02")
    assert "cookies" not in rec["text"] and "ACCEPT" not in rec["text"]
    assert {"chrome:cookie"} <= {r["reason"] for r in rec["provenance"]["removed"]}
