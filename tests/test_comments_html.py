"""Structured comments from blog-platform markup (cleaners.comments_html), one fixture page per
platform in tests/fixtures/html/comments_<platform>.html."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest
from trafilatura import bare_extraction

from cleaners.boilerplate import chrome_reason
from cleaners.comments import comment_id
from cleaners.comments_html import extract_html_comments

FIXTURES = Path(__file__).parent / "fixtures" / "html"


@dataclass
class Case:
    platform: str
    # (author, published, index of the parent comment or None, text), in document order
    comments: list[tuple[str | None, str | None, int | None, str]]
    article: list[str]  # body sentences that must survive
    chrome: list[str]  # section text that must go: headings, form, notices, pingbacks
    reasons: set[str] = field(default_factory=set)  # removal reasons expected


CASES = [
    Case(
        "wp_twentyten",
        [
            ("Will", "2008-03-30", None,
             "The Iranians have been playing both sides since 2005. Sadr gets the guns, Hakim gets the money.\n"
             "Nobody in the Green Zone wants to say it out loud."),
            ("Jason", "2008-03-30", 0,
             "Agreed on Sadr. I am less sure about Hakim; the money flows both ways."),
            ("Maria Keller", "2008-03-31", None,
             "Good piece. The ceasefire terms were read out on Iraqiya, not by a government spokesman, which "
             "says it all."),
        ],
        ["Reports out of Basra this week", "matter of time."],
        ["4 Responses to", "says:", "Pingback:", "Small Wars Digest", "Comments are closed.", "Reply"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comments_closed", "comment:pingback"},
    ),
    Case(
        "wp_classic_de",
        [
            ("Jasmin", "2019-02-10", None,
             "Oh nein, das ist mir auch schon mit einem Mantel passiert! Aber die Mini steht dir wirklich "
             "gut.\n"
             "Behältst du sie jetzt?"),
            ("Franziska", "2019-02-11", 0,
             "Danke dir! Ja, ich behalte sie, zurückschicken bringe ich nicht übers Herz."),
            ("Lena", "2019-02-12", None,
             "Die Flauschjacke ist der Wahnsinn. Von welcher Marke ist die?"),
        ],
        ["Hast du schon einmal aus Versehen", "passt zum Glück trotzdem perfekt dazu."],
        ["4 Kommentare zu", "sagt:", "Antworten", "Pingback", "Wochenrückblick KW 7", "Schreibe einen Kommentar",
         "Deine E-Mail-Adresse wird nicht veröffentlicht", "Erforderliche Felder"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form", "comment:pingback"},
    ),
    Case(
        "wp_html5",
        [
            ("degski", "2019-08-03T04:11:57+00:00", None,
             "Did you compare against the standard library parser with exceptions turned off?\n"
             "My numbers are about 20% better without them."),
            ("Daniel", "2019-08-03T13:40:02+00:00", 0,
             "Yes. Exceptions make little difference in our benchmarks because the error path is never taken.\n"
             "The gain you see probably comes from inlining."),
            ("Paul Dreik", "2019-08-04T09:02:14+00:00", None,
             "Have you fuzzed the number parser? Hand-written float conversion is a classic source of crashes."),
        ],
        ["Our parser reads JSON at several gigabytes", "where we spent the last six months."],
        ["4 thoughts on", "Trackback:", "Weekly links #212", "Leave a Reply", "Cancel reply",
         "Your email address will not be published", "Save my name, email, and website", "Δ"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form", "comment:trackback"},
    ),
    Case(
        "wp_highlander",
        [
            ("Kathleen", "2012-06-20", None,
             "I went to the first workshop in Leeds and it was brilliant. The mentor idea is what makes it "
             "work."),
            ("Jen", "2012-06-20", 0,
             "So glad to hear it, Kathleen. Leeds will run again in September."),
            ("Tomasz", "2012-06-21", None,
             "Is there a list of the towns that already have a venue?\n"
             "Our library in Gdańsk would be happy to host one."),
        ],
        ["This summer we are running a series of free workshops", "in languages other than English."],
        ["3 Comments", "Comments are closed.", "Liked by 2 people"],
        {"chrome:comment_count", "chrome:comments_closed", "chrome:share"},
    ),
    Case(
        "wp_genesis",
        [
            ("Sarah", "2021-05-02T08:10:45-05:00", None,
             "Made these for Sunday brunch and they disappeared in minutes. I used orange zest because that "
             "is what I had."),
            ("Claire", "2021-05-02T10:32:07-05:00", 0,
             "Orange sounds lovely, Sarah! I will try that next time."),
            ("Mark T.", "2021-05-06T19:55:12-05:00", None,
             "Can the batter be made the night before?"),
        ],
        ["These pancakes are light, tangy", "serve with berries and a spoonful of yoghurt."],
        ["Leave a Reply", "Your email address will not be published", "Required fields are marked", "says"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form"},
    ),
    Case(
        "blogger_classic",
        [
            ("Pete Miller", "2014-02-01", None,
             "Great write-up. Did the 8008 really have no dedicated carry lookahead at all?\n"
             "I always assumed the Datapoint requirements forced something faster."),
            ("Ken Shirriff", "2014-02-01", None,
             "Pete: no lookahead. The Manchester chain was fast enough for the 500 kHz clock."),
            ("Anonymous", "2014-02-03", None,
             "The die photos are stunning. Which microscope do you use?"),
        ],
        ["The Intel 8008 was the first 8-bit microprocessor", "needs few transistors."],
        ["4 comments:", "said...", "This comment has been removed by the author.", "Post a Comment"],
        {"chrome:comment_count", "chrome:comment_form", "comment:deleted"},
    ),
    Case(
        "blogger_threaded",
        [
            ("Pat Conolly", "2015-07-13", None,
             "The 1960s list has \"I Heard It Through the Grapevine\" twice, once by Marvin Gaye and once by "
             "the Beach Boys.\n"
             "I think the second one was meant to be \"Good Vibrations\"."),
            ("Dave Whitaker", "2015-07-13", 0,
             "Thanks for the catch, Pat. It has been corrected."),
            ("Alvex", "2018-12-17", None,
             "Great list of songs from each decade.\n"
             "How come \"Charleston\" isn't in the 1920s?"),
            ("Dave Whitaker", "2019-03-31", 2,
             "\"Charleston\" is eleventh, just outside the top ten. It is on the full list of the 1920s."),
        ],
        ["This list picks the ten biggest songs of every decade", "corrections are always welcome."],
        ["4 comments:", "ReplyDelete", "Replies", "Add comment", "Load more", "Post a Comment"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form"},
    ),
    Case(
        "typepad",
        [
            ("Jane", "2008-03-30", None,
             "Does the fermenting step work for peppers too, or only for tomatoes?"),
            ("Anne", "2008-03-30", None,
             "Only for tomatoes and cucumbers, Jane. Pepper seed can be dried straight away."),
            ("Rob Hughes", "2008-04-02", None,
             "I have saved Gardener's Delight for six years this way.\n"
             "The plants are as good as ever."),
        ],
        ["Tomato seed is the easiest seed to save", "storing them in a paper envelope."],
        ["Posted by:", "You can follow this conversation", "The comments to this entry are closed."],
        {"chrome:comment_form", "chrome:comments_closed"},
    ),
    Case(
        "drupal7_de",
        [
            ("Katrin", "2013-05-14T10:22:31+02:00", None,
             "An der Einmündung zur Gartenstraße endet der Radweg einfach im Nichts.\n"
             "Ist da noch eine Markierung geplant?"),
            # the subject is not the start of the body: it stays, as the first line
            ("Redaktion", "2013-05-14T16:05:10+02:00", 0,
             "Danke für den Hinweis\n"
             "Laut Bauamt wird die Markierung bis Ende Mai nachgeholt."),
            ("Jonas Weber", "2013-05-15T07:48:00+02:00", None,
             "Endlich kann man morgens mit den Kindern sicher zur Schule fahren. Vielen Dank an alle, die "
             "sich dafür eingesetzt haben!"),
        ],
        ["Seit Montag sind die neuen Radwege", "geben sie an das Bauamt weiter."],
        ["nicht überprüft", "Permalink", "Antworten", "Keine HTML-Tags erlaubt.", "Ihr Name"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form"},
    ),
    Case(
        "drupal_olivero",
        [
            ("Nadia", "2022-04-13T09:12:00+00:00", None,
             "Does the 22:40 also run on bank holidays?"),
            ("Editor", "2022-04-13T11:47:00+00:00", 0,
             "Bank holidays\n"
             "Yes, bank holidays follow the Sunday timetable."),
            ("Owen Price", "2022-04-14T18:03:00+00:00", None,
             "About time! Two hours between trains was never going to win anyone back from the car."),
        ],
        ["From the first Sunday in May the valley line runs every hour", "can get home by rail."],
        ["not verified", "In reply to", "Add new comment", "About text formats", "Your name"],
        {"chrome:comment_action", "chrome:comment_form"},
    ),
    Case(
        "disqus",
        [
            ("Marco Rossi", None, None,
             "How do you isolate jobs from each other on a shared runner? We had a test leak files into /tmp "
             "and break the next build."),
            ("Ops Log", None, 0,
             "Every job runs in a fresh container, and the runner wipes the work directory afterwards.\n"
             "Only the dependency cache is shared."),
            ("Hannah K", None, None,
             "Eight minutes from thirty-five is impressive. What did the hardware cost?"),
        ],
        ["Our build minutes bill tripled in a year", "the trade is still clearly worth it."],
        [],
    ),
    Case(
        "generic",
        [
            ("Priya N.", "2021-06-03", None,
             "Brilliant news. The homework club will make a real difference for families without a quiet "
             "place to study."),
            ("Friends of Millbrook Library", "2021-06-03", 0,
             "Thank you, Priya! We are still looking for volunteers for Thursdays.\n"
             "Ask at the front desk."),
            ("George W", "2021-06-04", None,
             "Will the car park stay open in the evenings as well?"),
        ],
        ["Millbrook library will stay open until 8pm", "a book swap in the courtyard."],
        ["Reader comments (3)", "Like Reply", "Write a comment", "Post comment"],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comment_form"},
    ),
    # A news CMS whose section trafilatura does not know: without extraction it leaks into the body.
    Case(
        "generic_news",
        [
            ("Sam Trewin", "2023-01-18T09:12:00Z", None,
             "Fourteen weeks is optimistic. The last repair in 2014 ran over by two months."),
            ("Harbour Board", "2023-01-18T11:40:00Z", 0,
             "The 2014 work was delayed by winter storms. This time the contractor starts in spring and has a "
             "penalty clause."),
            ("Lowenna", "2023-01-19T18:05:00Z", None,
             "Good to hear the fishing boats come first. They have been paying double at the marina since "
             "December."),
        ],
        ["Work to repair the storm-damaged harbour wall", "publish a new berthing plan in May."],
        ["Discussion (3)", "Report", "Comments are closed."],
        {"chrome:comment_action", "chrome:comment_count", "chrome:comments_closed"},
    ),
]
# Comment chrome that no comment text may hold, on any platform.
CHROME_EVERYWHERE = ["Leave a Reply", "Your email address", "Log in to reply", "Comments are closed", "No comments:",
                     "Post a Comment", "ReplyDelete", "Pingback", "Trackback", "Liked by", "says:", "sagt:", "said..."]


def load(platform: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring((FIXTURES / f"comments_{platform}.html").read_text(encoding="utf-8"))


def flat(text: str) -> str:
    return " ".join(text.split())


def comment_lines(case: Case) -> list[str]:
    return [line for *_, text in case.comments for line in text.split("\n")]


@pytest.fixture(params=CASES, ids=lambda case: case.platform)
def case(request) -> Case:
    return request.param


@pytest.fixture
def extracted(case: Case):
    tree = load(case.platform)
    comments, removals = extract_html_comments(tree)
    return tree, comments, removals


def test_comments_come_out_as_records_in_document_order(case, extracted):
    _, comments, _ = extracted
    assert [(c.author, c.published, c.text) for c in comments] == [(a, p, t) for a, p, _, t in case.comments]


def test_replies_point_at_the_comment_they_answer(case, extracted):
    _, comments, _ = extracted
    expected = [comments[parent].id if parent is not None else None for _, _, parent, _ in case.comments]
    assert [c.parent for c in comments] == expected


def test_ids_are_the_stable_comment_ids(extracted):
    _, comments, _ = extracted
    assert all(c.id == comment_id(c.author, c.text) and c.duplicates == 1 for c in comments)


def test_no_chrome_or_pingback_in_any_comment_text(case, extracted):
    _, comments, _ = extracted
    for comment in comments:
        for leak in CHROME_EVERYWHERE + case.chrome:
            assert leak not in comment.text, (comment.author, leak)
        assert not [line for line in comment.text.split("\n") if chrome_reason(line)]


def test_the_comment_section_is_gone_from_the_tree_and_the_article_stays(case, extracted):
    tree, _, _ = extracted
    text = flat(tree.text_content())
    for line in comment_lines(case):
        assert flat(line) not in text
    for leak in case.chrome:
        assert leak not in text
    for sentence in case.article:
        assert sentence in text


def test_dropped_chrome_is_written_down(case, extracted):
    _, _, removals = extracted
    assert {r.step for r in removals} <= {"comments"}
    assert case.reasons <= {r.reason for r in removals}


def test_trafilatura_finds_the_article_and_no_comment_after_extraction(case, extracted):
    tree, _, _ = extracted
    doc = bare_extraction(tree, include_comments=False, with_metadata=True)
    body = flat(doc.text)
    assert case.article[0] in body
    for line in comment_lines(case):
        assert flat(line) not in body


def test_pingbacks_and_trackbacks_are_removals_not_comments():
    for platform, reason, text in [
        ("wp_twentyten", "comment:pingback", "Pingback: Iran’s hand in Basra « Small Wars Digest"),
        ("wp_classic_de", "comment:pingback", "Pingback: Wochenrückblick KW 7 | Andere Seite"),
        ("wp_html5", "comment:trackback", "Trackback: Weekly links #212 – Links for Developers"),
    ]:
        _, removals = extract_html_comments(load(platform))
        assert (reason, text) in [(r.reason, r.text) for r in removals]


def test_drupal_subject_that_only_repeats_the_body_is_dropped():
    comments, _ = extract_html_comments(load("drupal7_de"))
    assert not comments[0].text.startswith("An der Einmündung zur\n")
    assert comments[2].text.startswith("Endlich kann man morgens mit")


def test_blogger_section_with_no_comments_is_removed_as_chrome():
    tree = load("blogger_empty")
    comments, removals = extract_html_comments(tree)
    assert comments == []
    assert [(r.reason, r.text) for r in removals] == [
        ("chrome:comment_count", "No comments:"), ("chrome:comment_form", "Post a Comment")]
    text = flat(tree.text_content())
    assert "No comments:" not in text and "Post a Comment" not in text
    assert "This ballad opened the singer's third album" in text


# ---------------------------------------------------------------- false positives


def test_page_without_comment_markup_is_left_unchanged():
    tree = load("none")
    before = lxml.html.tostring(tree)
    assert extract_html_comments(tree) == ([], [])
    assert lxml.html.tostring(tree) == before
    assert "Comments are closed on posts older than a year" in tree.text_content()


def test_article_with_comment_class_on_its_wrapper_is_kept():
    tree = load("guard")
    comments, _ = extract_html_comments(tree)
    assert [c.author for c in comments] == ["Iris Vogel", "Tom Becker"]
    text = flat(tree.text_content())
    assert "Notes from the comments section" in text
    for sentence in ("Every month we collect the best reader comments", "paper prices rose by a third",
                     "subscribers to print will get it free."):
        assert sentence in text
    assert "A digital edition at last" not in text and "Comments are closed." not in text


ARTICLE = "".join(
    f"<p>Paragraph {i} of the article explains the council's plan for the new cycle lanes in some detail.</p>"
    for i in range(4)
)


def _unchanged(html: str) -> None:
    tree = lxml.html.document_fromstring(html)
    before = lxml.html.tostring(tree)
    assert extract_html_comments(tree) == ([], [])
    assert lxml.html.tostring(tree) == before


def test_comments_wrapper_around_the_whole_article_is_not_removed():
    blocks = "".join(
        f'<article class="comment"><p class="comment__author">Reader {i}</p><div class="comment__content">'
        f"<p>Comment number {i} on the plan.</p></div></article>" for i in range(2)
    )
    _unchanged(f'<html><body><div id="comments" class="comments"><h1>Cycle lanes</h1>'
               f'<div class="entry-content">{ARTICLE}</div>{blocks}</div></body></html>')


def test_generic_blocks_holding_most_of_the_page_are_not_taken_for_comments():
    quotes = "".join(
        f'<div class="quote"><span class="author">Author {i}</span><p>{"A long quotation from a book. " * 12}</p></div>'
        for i in range(3)
    )
    _unchanged(f'<html><body><p>Short intro.</p><div class="comments">{quotes}</div></body></html>')


def test_a_section_called_respond_that_holds_prose_is_kept():
    _unchanged(f'<html><body><div class="entry-content">{ARTICLE}</div><section id="respond">'
               "<p>The author responds to the objection in this section.</p></section></body></html>")


def test_a_post_meta_comments_link_is_not_a_section():
    _unchanged(f'<html><body><div class="post hentry"><h1>Cycle lanes</h1><span class="comments">'
               f'<a href="#comments">3 Comments</a></span><div class="entry-content">{ARTICLE}</div></div>'
               "</body></html>")


def test_a_reader_line_that_looks_like_section_chrome_stays_in_the_comment():
    tree = lxml.html.document_fromstring(
        f'<html><body><article><h1>Cycle lanes</h1><div class="entry-content">{ARTICLE}</div></article>'
        '<div id="comments"><ol class="comment-list"><li class="comment"><article class="comment-body">'
        '<footer class="comment-meta"><b class="fn">Ann</b></footer><div class="comment-content">'
        "<p>In reply to Tom's point about parking by the station: it was fine.</p><p>Reply</p></div>"
        "</article></li></ol></div></body></html>"
    )
    comments, removals = extract_html_comments(tree)
    assert [c.text for c in comments] == ["In reply to Tom's point about parking by the station: it was fine."]
    assert ("chrome:comment_action", "Reply") in [(r.reason, r.text) for r in removals]
