from pathlib import Path

import lxml.html

from cleaners.posts import join_repeated_posts
from tests.conftest import RUN, html_page

FIXTURES = Path(__file__).parent / "fixtures" / "html"
FIRST, SECOND, THIRD = "Charlotte for salads", "forty degrees in the middle", "an old dustbin"


def test_every_post_of_a_blog_front_page_is_kept_in_page_order(cleaner):
    html = (FIXTURES / "blog_front_page.html").read_text(encoding="utf-8")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article"
    text = rec["text"]
    positions = [text.find(p) for p in (FIRST, SECOND, THIRD.capitalize())]
    assert -1 not in positions and positions == sorted(positions), text
    assert "The Seed Swap" not in text  # the sidebar stays out


def test_posts_are_wrapped_with_the_date_headers_between_them():
    tree = lxml.html.document_fromstring((FIXTURES / "blog_front_page.html").read_text(encoding="utf-8"))
    assert join_repeated_posts(tree) == 3
    wrapper = tree.xpath("//div[contains(@class, 'winnow-posts')]")[0]
    assert [h.text for h in wrapper.iter("h2")] == ["Saturday, March 4, 2023", "Monday, February 27, 2023"]
    assert not wrapper.xpath(".//*[@id='sidebar']")


def test_an_article_with_short_related_teasers_is_left_alone():
    body = "<p>" + "The council voted on Tuesday to keep the library open for another year. " * 8 + "</p>"
    teaser = '<article class="post teaser"><h3><a href="/x">Another story</a></h3><p>Two lines of a teaser.</p></article>'
    html = f"<html><body><article class='post'>{body}</article><aside>{teaser * 3}</aside></body></html>"
    tree = lxml.html.document_fromstring(html)
    assert join_repeated_posts(tree) == 0
    assert not tree.xpath("//div[contains(@class, 'winnow-posts')]")


def test_a_sidebar_of_long_posts_is_not_mistaken_for_the_page():
    article = "<p>" + "A long article paragraph about the river survey and what the volunteers found. " * 30 + "</p>"
    side = "<div class='item'><p>" + "A sidebar extract that runs on for a while. " * 8 + "</p></div>"
    tree = lxml.html.document_fromstring(f"<html><body><div id='content'>{article}</div><div id='side'>{side * 2}</div></body></html>")
    assert join_repeated_posts(tree) == 0


def test_an_article_body_cut_into_chunks_between_ad_slots_is_kept_whole(cleaner):
    first = "<p>" + "The first half of the story sets out who tapped on whose profile and when they did it. " * 20 + "</p>"
    second = "<p>" + "The second half explains what the analytics show to business accounts about followers. " * 20 + "</p>"
    chunk = "<div class='grid'><div class='body article__body'>{}</div><aside class='ad'>Advert</aside></div>"
    html = (f"<html><body><nav><a href='/'>Home</a></nav><article><h1>Who looked at your profile</h1>"
            f"<div class='chunks'>{chunk.format(first)}{chunk.format(second)}</div></article></body></html>")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert kind == "article"
    assert "The first half" in rec["text"] and "The second half" in rec["text"]
    assert rec["text"].index("The first half") < rec["text"].index("The second half")


def test_body_chunks_in_different_parents_are_gathered_in_page_order():
    chunk = "<div class='grid'><div class='article__body'><p>{}</p></div><aside class='ad'>Advert</aside></div>"
    parts = [f"Chunk {n} of the article, a paragraph long enough to count as text. " * 6 for n in (1, 2, 3)]
    tree = lxml.html.document_fromstring(f"<html><body><article>{''.join(chunk.format(p) for p in parts)}</article></body></html>")
    assert join_repeated_posts(tree) == 3
    wrapper = tree.xpath("//div[contains(@class, 'winnow-posts')]")[0]
    assert [c.text_content()[:7] for c in wrapper] == ["Chunk 1", "Chunk 2", "Chunk 3"]
    assert len(tree.xpath("//aside[@class='ad']")) == 3  # what lay between stays where it was
