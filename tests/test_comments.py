from cleaners.comments import parse_head
from tests.conftest import ARTICLE_TEXT, reasons

import pytest


@pytest.mark.parametrize("line, author, date", [
    ("  1. Montag says:", "Montag", None),
    ("Lawyer Smith says:", "Lawyer Smith", None),
    ("robt willmann says:", "robt willmann", None),
    ("Anonymous said...", "Anonymous", None),
    ("Jane Doe says: March 30, 2008 at 10:24 am", "Jane Doe", "2008-03-30"),
    ("Jane on March 30, 2008 at 10:24 am said:", "Jane", "2008-03-30"),
    ("Hans schreibt:", "Hans", None),
    ("Mike R. says:", "Mike R.", None),  # a name ending in an initial: its stop ends no sentence
    ("John D. says: March 3, 2021 at 10:00 am", "John D.", "2021-03-03"),
    ("J.R.R. said...", "J.R.R.", None),
    ("Petra Schulz hat gesagt…", "Petra Schulz", None),
    ("Ольга Иванова сказал(а)...", "Ольга Иванова", None),
    ("Marco ha detto:", "Marco", None),
])
def test_comment_heads(line, author, date):
    assert parse_head(line)[:2] == (author, date)


@pytest.mark.parametrize("line", [
    "G9 said",
    "It was great. says:",
    "The minister said:",  # prose introducing a quote, not a commenter
    "A spokesman for the farmers' union wrote:",
    "2. The official guidance says:",
    "We moved to the USA. says:",
    "The minister said",
    "The minister said: we will not negotiate.",
    "He says: this is the last time I warn you, and I mean it.",
    "What the report says about the budget is that it will not be enough, a conclusion many share.",
])
def test_sentences_are_not_comment_heads(line):
    assert parse_head(line) is None


WORDPRESS_THREAD = """\
3 Responses to A Title

  1. Alice says:
    March 30, 2008 at 10:24 am

    First point about the article.
    It continues on a second line.

  2. Bob says:

    I disagree with the premise entirely, for reasons of my own.

  3. Alice says:

    first point about the ARTICLE!!
    It continues on a second line.

Comments are closed.
"""


def test_wordpress_thread_becomes_records_and_duplicates_collapse(clean_text):
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + WORDPRESS_THREAD)
    assert kind == "article"
    comments = rec["comments"]
    assert [c["author"] for c in comments] == ["Alice", "Bob"]
    assert comments[0]["published"] == "2008-03-30"
    assert comments[0]["text"] == "First point about the article.\nIt continues on a second line."
    assert comments[0]["duplicates"] == 2  # a repost differing in case and punctuation
    assert "comment:duplicate" in reasons(rec)
    # nothing of the thread leaks into the body, and the chrome is gone from both
    for leak in ("says:", "First point", "Responses to", "Comments are closed"):
        assert leak not in rec["text"]
    assert all("Comments are closed" not in c["text"] for c in comments)


def test_short_identical_comments_by_different_people_are_kept(clean_text):
    thread = "2 comments:\n\nAnn said...\nThanks!\nReplyDelete\n\nBen said...\nThanks!\nReplyDelete\n\nPost a Comment\n"
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + thread)
    assert [(c["author"], c["text"], c["duplicates"]) for c in rec["comments"]] == [("Ann", "Thanks!", 1), ("Ben", "Thanks!", 1)]
    assert "ReplyDelete" not in rec["text"] and "Post a Comment" not in rec["text"]


def test_blogger_thread_takes_the_date_under_the_text(clean_text):
    thread = ("2 comments:\n\nMaria said...\nMine are still green too.\nJune 3, 2021 at 6:12 PM\nReplyDelete\n\n"
              "Dave said...\nWhich variety did you grow?\nJune 4, 2021 at 9:30 AM\nReplyDelete\n\nPost a Comment\n")
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + thread)
    assert [(c["author"], c["published"], c["text"]) for c in rec["comments"]] == [
        ("Maria", "2021-06-03", "Mine are still green too."), ("Dave", "2021-06-04", "Which variety did you grow?")]


def test_typepad_footer_signs_the_text_above(clean_text):
    thread = ("Comments\n\nGreat write-up, thanks for the detail.\nPosted by: Kim | March 3, 2009 at 04:12 PM\n\n"
              "I was there too and remember it differently.\nPosted by: Lee | March 4, 2009 at 09:00 AM\n")
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n3 comments:\n" + thread)
    authors = [(c["author"], c["published"]) for c in rec["comments"]]
    assert ("Kim", "2009-03-03") in authors and ("Lee", "2009-03-04") in authors
    assert "Posted by" not in rec["text"]
    # the header as printed stays with the record: the date as written, where author and date came from
    assert {c["byline"] for c in rec["comments"]} >= {"Posted by: Kim | March 3, 2009 at 04:12 PM"}


def test_article_without_thread_has_no_comments(clean_text):
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\nThe minister says:\nWe will not negotiate.\n")
    assert rec["comments"] == []
    assert "We will not negotiate." in rec["text"]


def test_a_survey_quoting_respondents_keeps_its_body(clean_text):
    quotes = "".join(f"R{n} said\n\"I remember the first day at school very well, it was raining.\"\n\n" for n in range(1, 5))
    kind, rec = clean_text("A Title\n\n" + ARTICLE_TEXT + "\n" + quotes)
    assert rec["comments"] == []
    assert rec["text"].count("first day at school") == 4


def test_a_disqus_thread_in_a_text_capture_becomes_records_with_reply_parents(clean_text):
    page = (ARTICLE_TEXT + "\n\nAlso on Example News\n\n12 Comments\nSort by Best\n\n"
            "John Smith • 3 years ago\nTheir cinnamon rolls are even better than the bread. Well deserved!\n"
            "Reply • Share ›\n\nAnna K • a year ago\nI went on Saturday and the queue was crazy, but worth it.\n"
            "Reply • Share ›\n\n    Mark → Anna K • 3 years ago\n    Same, I waited forty minutes!\n    Reply • Share ›\n\n"
            "Load more comments\nDo Not Sell My Data\n")
    kind, rec = clean_text(page)
    assert kind == "article"
    comments = rec["comments"]
    assert [(c["author"], c["text"]) for c in comments] == [
        ("John Smith", "Their cinnamon rolls are even better than the bread. Well deserved!"),
        ("Anna K", "I went on Saturday and the queue was crazy, but worth it."),
        ("Mark", "Same, I waited forty minutes!"),
    ]
    assert comments[2]["parent"] == comments[1]["id"] and comments[0]["parent"] is None
    for chrome in ("Also on Example News", "Sort by Best", "Load more comments", "Do Not Sell My Data", "3 years ago"):
        assert chrome not in rec["text"]
