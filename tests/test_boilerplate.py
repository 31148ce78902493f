import re

import pytest

from cleaners.boilerplate import category_footer, chrome_reason, counted_entry_runs
from tests.conftest import ARTICLE_TEXT, reasons


@pytest.mark.parametrize("line, reason", [
    ("Leave a Reply", "chrome:comment_form"),
    ("Leave a Comment", "chrome:comment_form"),
    ("Leave a Reply Cancel reply", "chrome:comment_form"),
    ("Your email address will not be published. Required fields are marked *", "chrome:comment_form"),
    ("Your email address will not be published.", "chrome:comment_form"),
    ("Schreibe einen Kommentar", "chrome:comment_form"),
    ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert", "chrome:comment_form"),
    ("Deja una respuesta", "chrome:comment_form"),
    ("Tinggalkan Balasan", "chrome:comment_form"),
    ("E-posta adresiniz yayımlanmayacak.", "chrome:comment_form"),
    ("Post a Comment", "chrome:comment_form"),
    ("ReplyDelete", "chrome:comment_action"),
    ("Log in to reply", "chrome:comment_action"),
    ("23 Responses to Quds force mediated Iraqi Fighting.", "chrome:comment_count"),
    ("One Response to “Hello world”", "chrome:comment_count"),
    ("5 thoughts on “A post about rivers”", "chrome:comment_count"),
    ("12 Kommentare zu „Radwege“", "chrome:comment_count"),
    ("No comments:", "chrome:comment_count"),
    ("3 comments:", "chrome:comment_count"),
    ("Comments are closed.", "chrome:comments_closed"),
    ("Comments and trackbacks are closed.", "chrome:comments_closed"),
    ("Kommentare sind geschlossen.", "chrome:comments_closed"),
    ("Please select digest to download:", "chrome:download_prompt"),
    ("Click here to download the PDF", "chrome:download_prompt"),
    ("Share this:", "chrome:share"),
    ("Like this:", "chrome:share"),
    ("Continue reading →", "chrome:navigation"),
    # WordPress, Jetpack and Blogger strings as other languages print them
    ("3 Gedanken zu „Der Winter kommt“", "chrome:comment_count"),
    ("2 réflexions sur « Le pain au levain »", "chrome:comment_count"),
    ("2 comentários sobre “Receita de pão”", "chrome:comment_count"),
    ("5 комментариев к записи «Зима»", "chrome:comment_count"),
    ("Comments", "chrome:comment_count"),  # the section's bare heading
    ("Laisser un commentaire Annuler la réponse", "chrome:comment_form"),
    ("Deixe um comentário Cancelar resposta", "chrome:comment_form"),
    ("Lascia un commento Annulla risposta", "chrome:comment_form"),
    ("Добавить комментарий Отменить ответ", "chrome:comment_form"),
    ("Partager :", "chrome:share"),
    ("Compartilhe isso:", "chrome:share"),
    ("Gefällt mir Wird geladen …", "chrome:share"),
    ("Email ThisBlogThis!Share to XShare to FacebookShare to Pinterest", "chrome:share"),
    ("Ähnliche Beiträge", "chrome:share"),
    ("Artikel Terkait", "chrome:share"),
    ("← Pos Sebelumnya", "chrome:navigation"),
    ("Newer Post Older Post Home", "chrome:navigation"),
    ("Postagem mais antiga", "chrome:navigation"),
])
def test_chrome_lines_in_several_phrasings_and_languages(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize("line", [
    'The sign on the door said "Leave a Reply" in faded letters, and nobody knew why.',
    "Comments are closed, the minister said, until the inquiry reports in June.",
    "Government response and ongoing investigations",
    "A divided house",
    "He replied to every letter he received.",
    "Related studies show the effect is real.",
    "Relacionado con el tema, el ministro dijo que no habrá cambios.",
    "Comments from readers poured in after the broadcast.",
])
def test_sentences_that_quote_chrome_are_not_chrome(line):
    assert chrome_reason(line) is None


@pytest.mark.parametrize("line, cats, tags", [
    ("This entry was posted in Current Affairs. Bookmark the permalink.", ["Current Affairs"], []),
    ("This entry was posted in Arts and Culture, Local news and tagged rivers, volunteers. Bookmark the permalink.",
     ["Arts and Culture", "Local news"], ["rivers", "volunteers"]),
    ("Posted in News | Tagged elections, Iraq | 3 Comments", ["News"], ["elections", "Iraq"]),
    ("Filed under: Gardening", ["Gardening"], []),
    ("This entry was posted on March 3, 2008 at 7:14 pm and is filed under About us, Blogging. You can follow any "
     "responses to this entry through the RSS 2.0 feed.", ["About us", "Blogging"], []),
    ("Categories: Startup  Success Podcast", ["Startup Success Podcast"], []),
    ("Tags: Das Racist, Kool A.D.", [], ["Das Racist", "Kool A.D"]),
    ("Tagged With: gardening, tomatoes", [], ["gardening", "tomatoes"]),  # not the tag "With: gardening"
    ("Labels: travel, food", [], ["travel", "food"]),  # Blogger
])
def test_category_footer_becomes_categories_and_tags(line, cats, tags):
    assert category_footer(line) == (cats, tags)


@pytest.mark.parametrize("line, reason", [
    ("Image 3 of 8", "chrome:gallery"), ("1of/8", "chrome:gallery"), ("Caption", "chrome:gallery"),
    ("Close", "chrome:gallery"), ("Advertisement", "chrome:gallery"),
    ("Tags", "chrome:label"), ("Categorias", "chrome:label"), ("Updated", "chrome:label"),
    ("Subscribe to:", "chrome:label"), ("Post Comments (Atom)", "chrome:label"), ("Blog Archive", "chrome:label"),
    ("View all posts by Becky", "chrome:label"), ("Enlarge Photo", "chrome:label"), ("Add comment", "chrome:label"),
    ("Get our email newsletter", "chrome:newsletter"), ("Subscribe to The Crafty Crow by Email", "chrome:newsletter"),
    ("Follow us!", "chrome:share"), ("Connect With Us on Twitter", "chrome:share"),
    ("powered by WordPress", "chrome:copyright"), ("blog comments powered by Disqus", "chrome:comment_form"),
])
def test_gallery_buttons_and_lone_labels(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize("line", ["read on >>", "Full story »", "About us |", "| Contact us", "Privacy Policy",
                                  "Send it to a friend |", "Printer-friendly version", "Back to the top",
                                  "« Towleroad Talking Points: Election Day 2012", "Autumn Corn Necklace »"])
def test_menu_and_page_tool_lines_are_navigation(line):
    assert chrome_reason(line) == "chrome:navigation"


@pytest.mark.parametrize("line", [
    "Close to the river the houses are older than the church.",
    "Photo: Statia Grossman for DailyCandy",  # a credit line is attribution, not chrome
    "Updated guidance was published by the ministry on Monday.",
    "« Il faut cultiver notre jardin », dit Candide.",  # a French quotation, not a link to the previous post
    "Hacker Monthly is a print magazine curated from the top articles of Hacker News. Learn more »",
])
def test_sentences_starting_like_gallery_chrome_are_kept(line):
    assert chrome_reason(line) is None


@pytest.mark.parametrize("line", [
    "Tags: I think this line is a sentence about many things that goes on and on, really.",
    "Category: the one where the whole plot of the film turns on a misread telegram from Vienna.",
])
def test_sentences_after_a_tag_or_category_label_are_not_footers(line):
    assert category_footer(line) is None


def test_chrome_is_removed_from_the_body_and_audited(clean_text):
    kind, rec = clean_text(
        "A Title\n\n" + ARTICLE_TEXT + "\nThis entry was posted in Environment. Bookmark the permalink.\n\n"
        "Leave a Reply\n\nYour email address will not be published. Required fields are marked *\n"
    )
    assert kind == "article"
    assert rec["categories"] == ["Environment"]
    for junk in ("Leave a Reply", "email address", "permalink"):
        assert junk not in rec["text"]
    assert {"chrome:comment_form", "metadata:category_footer"} <= set(reasons(rec))


def test_article_quoting_leave_a_reply_keeps_the_sentence(clean_text):
    quote = 'The old forum software printed "Leave a Reply" under every post, even the locked ones.'
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + quote + "\n")
    assert kind == "article"
    assert quote in rec["text"]


@pytest.mark.parametrize("line, reason", [
    ("Sign-up To The Newsletter And Get A Free eBook", "chrome:newsletter"),
    ("Subscribe to our newsletter", "chrome:newsletter"),
    ("Get Email Updates (It's Free)", "chrome:newsletter"),
    ("Related: The 15 Weirdest Galaxies in Our Universe", "chrome:related_link"),
    ("Read more: Why the bridge closed for eight months", "chrome:related_link"),
    ("Lesen Sie auch: Neue Radwege für die Innenstadt", "chrome:related_link"),
])
def test_newsletter_prompts_and_related_links(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize("line", [
    "He said he would subscribe to the newsletter of the party if it changed its policy on housing.",
    "More: the ministry said on Tuesday that it would review all contracts.",
])
def test_prose_about_newsletters_is_kept(line):
    assert chrome_reason(line) is None


def test_tag_line_becomes_tags():
    assert category_footer("Tagged Adele, Blink 182, Christina Aguilera") == ([], ["Adele", "Blink 182", "Christina Aguilera"])


@pytest.mark.parametrize("line, reason", [
    ("| © 2001 - 2012 Softpedia. All rights reserved. Softpedia® is a registered trademark", "chrome:copyright"),
    ("(c) 2012 The Curious Brain |", "chrome:copyright"),
    ("Copyright 2019 The Associated Press. All rights reserved.", "chrome:copyright"),
    ("Get the latest updates right in your inbox. Subscribe to NJ.com’s newsletters.", "chrome:newsletter"),
])
def test_copyright_lines_and_newsletter_calls(line, reason):
    assert chrome_reason(line) == reason


@pytest.mark.parametrize("line", [
    "Copyright law is changing fast in Europe, and creators worry about the new rules.",
    "The copyright of the book expired in 1990, and the publisher reissued it.",
])
def test_prose_about_copyright_is_kept(line):
    assert chrome_reason(line) is None


def test_archive_and_category_widgets_go_but_a_bibliography_stays():
    lines = ["Intro paragraph of the post.", "- Nov 2011 (25)", "- Dec 2011 (22)", "► 2012 (40)", "Personal Tools (98)",
             "Closing paragraph.", "Orientalism (1978)", "Covering Islam (1981)", "Culture and Imperialism (1993)",
             "Apples (3)", "Then the archive:", "November 2009", "October 2009", "September 2009", "In March 2009 we moved."]
    assert counted_entry_runs(lines) == {1, 2, 3, 4, 11, 12, 13}


def test_one_pattern_for_all_chrome_lines_gives_the_first_reason_in_order():
    """chrome_reason tries every CHROME_LINES pattern in one fullmatch: the reason must be the one
    the patterns give tried one by one, in order, on lines of every seed page and fixture."""
    from pathlib import Path

    from cleaners.boilerplate import _EDGE_SEPARATORS, CHROME_LINES
    from cleaners.normalize import collapse_spaces
    from tests.conftest import SEEDS_RAW

    fixtures = Path(__file__).parent / "fixtures"
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEEDS_RAW.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(fixtures.rglob("*.html"))]
    lines = {line for text in texts for line in text.split("\n")}
    found = 0
    for line in sorted(lines):
        collapsed = collapse_spaces(line)
        text = collapsed.strip(_EDGE_SEPARATORS) or collapsed
        expected = next((r for r, p in CHROME_LINES.items() if p.fullmatch(text)), None) if len(text) <= 300 else None
        found += expected is not None
        assert chrome_reason(line) in (expected, "chrome:newsletter" if expected is None else expected), line
        if expected:
            assert chrome_reason(line) == expected, line
    assert found >= 10


def _chrome_reason_one_pattern_at_a_time(line: str) -> str | None:
    """chrome_reason as the rule says it: the first CHROME_LINES pattern that matches the whole
    line, else a call to subscribe."""
    from cleaners.boilerplate import _EDGE_SEPARATORS, _NEWSLETTER_CALL, CHROME_LINES
    from cleaners.normalize import collapse_spaces

    collapsed = collapse_spaces(line)
    text = collapsed.strip(_EDGE_SEPARATORS) or collapsed
    if len(text) > 300:
        return None
    reason = next((r for r, p in CHROME_LINES.items() if p.fullmatch(text)), None)
    if reason is None and len(text.split()) <= 30 and all(p.search(text) for p in _NEWSLETTER_CALL):
        return "chrome:newsletter"
    return reason


def test_the_pieces_that_gate_a_scan_are_what_lower_gives_of_every_character_taken_for_them():
    """A scanning alternative (and the newsletter test) is tried only on a line whose lower() holds
    one of its pieces: every character the pattern takes for a letter of a piece, case ignored,
    must lower to that letter, for every code point ("ı" is taken for "i" and "ſ" for "s": no piece
    holds them); and each piece is written in its alternative."""
    import sys

    from cleaners.boilerplate import _FLAGS, _LIST_WORD_PIECES, _NEWSLETTER_CALL, _SCANNING

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    letters = {c for pieces in [*_SCANNING.values(), _LIST_WORD_PIECES] for piece in pieces for c in piece}
    for letter in sorted(letters):
        assert {c.lower() for c in re.findall(re.escape(letter), every, _FLAGS)} == {letter}, letter
    assert {c.lower() for c in re.findall("i", every, _FLAGS)} != {"i"}  # the test sees the quirks
    for alternative, pieces in [*_SCANNING.items(), (_NEWSLETTER_CALL[1].pattern, _LIST_WORD_PIECES)]:
        assert all(piece in alternative for piece in pieces)


def test_scanning_alternatives_tried_apart_give_the_reason_of_one_pattern_at_a_time():
    """Lines made to match (and nearly match) the alternatives tried apart, the newsletter test and
    their neighbours, in every case, with "ı", "İ", "ſ" and the Kelvin sign where the pattern takes
    them for letters: chrome_reason's reason is the one of trying the patterns one by one."""
    import random

    from cleaners.boilerplate import chrome_reason

    stems = ["© 2020 Acme. All rights reserved.", "Copyright 2019 Foo — all rights reserved", "Some text all rights reserved",
             "all rights reservedx", "Older post title »", "« Newer post title", "Next › ", "a b c d e f g h i »",
             "Word. Then »", "“Başlık” için 3 yorum", "Yazı hakkında 2 yanıt", "x için bir cevap", "23 Responses to “X”",
             "Sign up for our newsletter today", "Join our mailing list for free", "newsletter", "Subscribe to the inbox",
             "Read more »", "Share this:", "Comments (3)", "Reply", "reserved", "served » rights", "hakkında"]
    swaps = [("i", "ı"), ("i", "İ"), ("s", "ſ"), ("k", "\u212a"), ("K", "\u212a"), ("I", "ı"), (" ", "  "), (".", "")]
    rng = random.Random(3)
    lines = list(stems)
    for _ in range(4000):
        line = rng.choice(stems)
        if rng.random() < 0.5:
            line = "".join(c.upper() if rng.random() < 0.5 else c for c in line)
        for old, new in rng.sample(swaps, rng.randint(0, 3)):
            line = line.replace(old, new)
        if rng.random() < 0.3:
            line = rng.choice(["| ", "- ", "x ", ""]) + line + rng.choice([" |", " ·", "!", ""])
        lines.append(line)
    answers = [chrome_reason(line) for line in lines]
    assert answers == [_chrome_reason_one_pattern_at_a_time(line) for line in lines]
    assert {"chrome:copyright", "chrome:navigation", "chrome:comment_count", "chrome:newsletter"} <= set(answers)


def test_widget_entries_end_as_the_shortcut_says(monkeypatch):
    """counted_entry_runs tries its patterns only on lines ending in ")" or a digit: \\d is every
    character isdecimal() says, and the runs found are those of trying every line, on seed lines
    and widget entries ending in digits of other scripts, brackets and spaces."""
    import random
    import sys

    from cleaners import boilerplate
    from tests.conftest import SEEDS_RAW

    every = "".join(map(chr, range(sys.maxunicode + 1)))
    assert re.findall(r"\d", every) == [c for c in every if c.isdecimal()]
    assert re.findall(r"\d", every, re.IGNORECASE) == re.findall(r"\d", every)
    entries = ["- Nov 2011 (25)", "► 2012 (40)", "Personal Tools (98)", "November 2009", "Mai 2020", "x (١٢)",
               "March 20٢٠", "Apples (3) ", "Tools (98).", "Orientalism (1978)", "- Dec 2011 (22)\u00a0", "plain line", ""]
    rng = random.Random(4)
    pages = [[rng.choice(entries) for _ in range(rng.randint(0, 12))] for _ in range(2000)]
    pages += [p.read_text(encoding="utf-8").split("\n") for p in sorted(SEEDS_RAW.glob("*.txt"))]
    found = [boilerplate.counted_entry_runs(lines) for lines in pages]
    monkeypatch.setattr(boilerplate, "_ends_as_entry", bool)  # every non-empty line is tried
    assert found == [boilerplate.counted_entry_runs(lines) for lines in pages]
    assert sum(map(len, found)) > 1000


def test_footer_opening_is_a_start_of_every_footer_pattern(monkeypatch):
    """category_footer tries its patterns only on lines that _FOOTER_OPENING matches: each pattern's
    alternatives open with one of its words (checked on the patterns' parse trees), and the footers
    found are those of trying every line, on seeds and generated footer lines in every case."""
    import random
    from re import _constants as sre, _parser as sre_parse

    from cleaners import boilerplate
    from tests.conftest import SEEDS_RAW

    openings = boilerplate._FOOTER_OPENING.pattern.split("|")

    def literal_starts(items, prefix=""):
        """Every literal start of the parsed sequence, up to its first non-literal item."""
        for i, (op, av) in enumerate(items):
            if op is sre.LITERAL:
                prefix += chr(av)
                continue
            if op is sre.SUBPATTERN:
                return literal_starts(list(av[3]) + list(items[i + 1:]), prefix)
            if op is sre.BRANCH:
                return [s for alt in av[1] for s in literal_starts(list(alt) + list(items[i + 1:]), prefix)]
            return [prefix]
        return [prefix]

    for pattern in boilerplate._FOOTER_PATTERNS:
        assert pattern.flags == boilerplate._FOOTER_OPENING.flags
        for start in literal_starts(list(sre_parse.parse(pattern.pattern, pattern.flags))):
            assert any(start.startswith(opening) for opening in openings), (pattern.pattern[:40], start)
    stems = ["This entry was posted in News. Bookmark the permalink.", "Posted in Tech | Tagged a, b | 3 Comments",
             "Filed under: Arts, Music", "Tags: x, y, z", "Tagged With: Apples", "Labels: one, two", "tag: solo",
             "Categories: A; B", "Kategorie: Kultur", "Catégories : Art", "Schlagwörter: Eins", "Etiketler: bir",
             "Étiquettes : un", "This post was posted on May 3 and is filed under Life. You can follow", "plain text"]
    rng = random.Random(8)
    lines = ["".join(c.upper() if rng.random() < 0.5 else c for c in rng.choice(stems)) for _ in range(3000)]
    lines += [line for page in sorted(SEEDS_RAW.glob("*.txt")) for line in page.read_text(encoding="utf-8").split("\n")]
    found = [boilerplate.category_footer(line) for line in lines]
    monkeypatch.setattr(boilerplate, "_FOOTER_OPENING", re.compile(""))  # every line is tried
    assert found == [boilerplate.category_footer(line) for line in lines]
    assert sum(f is not None for f in found) > 2000


def _whole_pattern_reason(text: str) -> str | None:
    from cleaners.boilerplate import _CHROME_LINE

    match = _CHROME_LINE.fullmatch(text)
    return match.lastgroup if match else None


def _first_character_reason(text: str) -> str | None:
    from cleaners.boilerplate import _chrome_line_match

    match = _chrome_line_match(text)
    return match.lastgroup if match else None


def _chrome_sample_lines() -> list[str]:
    """Chrome lines of the tests above, and of the fixture, corpus-sample and seed pages."""
    from cleaners.boilerplate import _EDGE_SEPARATORS
    from cleaners.normalize import collapse_spaces
    from tests.test_spam import lexicon_gate_texts

    params = [mark.args[1] for test in (test_chrome_lines_in_several_phrasings_and_languages,
                                        test_gallery_buttons_and_lone_labels, test_menu_and_page_tool_lines_are_navigation,
                                        test_newsletter_prompts_and_related_links, test_copyright_lines_and_newsletter_calls)
              for mark in test.pytestmark if mark.name == "parametrize"]
    lines = [p[0] if isinstance(p, tuple) else p for ps in params for p in ps] + lexicon_gate_texts()
    texts = [(c.strip(_EDGE_SEPARATORS) or c) for c in map(collapse_spaces, lines)]
    return [t for t in texts if len(t) <= 300]


def test_chrome_lines_tried_by_their_first_character_give_the_whole_patterns_reason():
    """_chrome_line_match tries only the alternatives that can start with the line's first
    character: on every line of the samples, and on each chrome line with its first character
    replaced by every character re takes for it case ignored (the whole Unicode range searched:
    Kelvin sign, long s, dotted and dotless i) and by others, the reason is _CHROME_LINE's."""
    import random

    texts = _chrome_sample_lines()
    chrome = sorted({t for t in texts if _whole_pattern_reason(t)})
    assert len(chrome) > 150
    everything = "".join(chr(i) for i in range(0x110000) if not 0xD800 <= i < 0xE000)
    rng, variants = random.Random(2), ["", "a", "Ω", "\x00"]
    for first in sorted({t[0] for t in chrome}):
        same = re.findall(re.escape(first), everything, re.IGNORECASE)
        variants += [v + t[1:] for v in same + [rng.choice(everything) for _ in range(5)] for t in chrome if t[0] == first]
    for text in texts + variants:
        assert _first_character_reason(text) == _whole_pattern_reason(text), text


def test_each_chrome_alternative_starts_its_matches_with_a_character_of_its_first_pattern():
    """_first_character's reading of re's parse: on strings hypothesis writes for each alternative
    (case changed too), the first character is one the pattern takes."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from cleaners.boilerplate import _FLAGS, _LINE_ALTERNATIVES

    @settings(max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def check(data):
        _, alternative, first = data.draw(st.sampled_from(_LINE_ALTERNATIVES))
        text = data.draw(st.from_regex(re.compile(alternative, _FLAGS), fullmatch=True))
        assert first is None or (text and first.fullmatch(text[0])), (alternative, text)

    check()


def test_first_characters_of_patterns_as_re_parses_them():
    from cleaners.boilerplate import _first_character

    assert _first_character("abc").pattern == "(?:a)"
    assert set(_first_character(r"(?:«|←|<)?\s*(?:previous|older) post").pattern[3:-1].split("|")) == \
        {"[«←<]", "[\\s]", "o", "p"}
    assert _first_character(r"\|?\s*(?:©|\(c\)).{0,240}").fullmatch("(")
    assert _first_character(r"(?:\d+|one|two)").fullmatch("٣")  # any digit re takes for \d
    assert _first_character(r"[^«».!?\s]+ x").fullmatch("a") and not _first_character(r"[^«».!?\s]+ x").fullmatch("»")
    assert _first_character(r".{0,120}x") is None and _first_character(r"a?") is None  # any, or nothing at all
    assert _first_character(r"(?-i:[A-Z])x") is None  # a flag changed inside: not followed
    assert _first_character(r"(?=abc)\bb") is not None and _first_character(r"(?=abc)\bb").fullmatch("b")
