import pytest
from pathlib import Path

import lxml.html

from cleaners.metadata import correct_published, read_markup_dates
from tests.conftest import RUN, html_page

PAGE = Path(__file__).parent / "fixtures" / "html" / "metadata_post.html"


def test_a_post_gives_its_publication_date_not_the_sites_last_update(cleaner):
    kind, rec = cleaner.record(html_page(PAGE.read_text(encoding="utf-8")), RUN)
    assert kind == "article"
    # the page's only dated meta is article:modified_time, and a "Last updated" line heads it
    assert rec["published"] == "2021-03-14"
    assert rec["title"] == "Why the library kept its card catalogue"
    assert rec["author"] == "Ruth Calder"
    assert rec["url"] == "https://northfield-courier.example.com/2021/03/library-card-catalogue/"
    assert rec["site"] == "northfield-courier.example.com"
    assert rec["categories"] == ["Local history"]
    assert rec["tags"] == ["libraries"]  # rel="tag", not a /tag/ URL trafilatura knows


def test_the_author_is_never_a_commenter(cleaner):
    html = PAGE.read_text(encoding="utf-8").replace(
        '<span class="byline">By <a class="url fn n" rel="author" href="/author/ruth/">Ruth Calder</a></span>', "")
    kind, rec = cleaner.record(html_page(html), RUN)
    assert [c["author"] for c in rec["comments"]] == ["Margaret Ellison", "Tom Reyes"]
    assert rec["author"] is None  # the post names nobody; the commenters are not its author


def _marks(html: str):
    return read_markup_dates(lxml.html.document_fromstring(html))


def test_json_ld_publication_date_wins_over_a_modification_date():
    marks = _marks('<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
                   '"datePublished": "2012-07-23T19:42:06Z", "dateModified": "2012-07-24T08:00:00Z"}</script>'
                   "</head><body><p>x</p></body></html>")
    assert marks.published == ["2012-07-23"] and marks.modified == {"2012-07-24"}
    assert correct_published("2012-07-24", marks) == "2012-07-23"


def test_a_date_htmldate_found_is_kept_when_nothing_says_it_was_a_modification():
    marks = _marks('<html><body><p>Posted <time class="entry-date published" datetime="2020-05-01">May 1</time></p>'
                   '<p>Last updated: 3 June 2020</p></body></html>')
    assert marks.published == ["2020-05-01"] and marks.modified == {"2020-06-03"}
    assert correct_published("2020-04-30", marks) == "2020-04-30"
    assert correct_published("2020-06-03", marks) == "2020-05-01"  # the "Last updated" line's date
    assert correct_published(None, marks) == "2020-05-01"
    assert correct_published(None, _marks("<html><body><p>x</p></body></html>")) is None


def test_an_updated_time_element_is_not_a_publication_date():
    marks = _marks('<html><body><div class="entry-meta"><time class="entry-date published" datetime="2019-02-02">'
                   '</time><time class="updated" datetime="2021-09-09"></time></div></body></html>')
    assert marks.published == ["2019-02-02"]


def test_a_tag_cloud_is_not_the_posts_tags():
    cloud = "".join(f'<a rel="tag" href="/tag/t{i}/">t{i}</a>' for i in range(40))
    assert _marks(f"<html><body><p>x</p><div class='widget'>{cloud}</div></body></html>").tags == []


def test_an_updated_line_is_found_in_any_case_the_pattern_accepts():
    # the whole page's text is searched lowered first: capitals, and the letters re.IGNORECASE
    # folds to ASCII (dotless ı, long ſ), must not be lost there
    for line in ("LAST UPDATED: 3 June 2020", "Last modıfied: 3 June 2020", "Reviſed on 3 June 2020"):
        assert _marks(f"<html><body><p>x</p><p>{line}</p></body></html>").modified == {"2020-06-03"}, line
    assert _marks("<html><body><p>Posted 3 June 2020</p></body></html>").modified == set()


def test_stated_publication_dates_keep_page_order():
    # correct_published takes the first: meta and itemprop values interleave as the page has them
    marks = _marks('<html><head><meta property="article:published_time" content="2018-01-01"></head><body>'
                   '<span itemprop="datePublished" content="2018-02-02" datetime="2018-03-03"></span>'
                   '<meta name="date" content="2018-04-04"><meta itemprop="dateModified" content="2019-01-01">'
                   '<p itemprop="dateModified" datetime="2019-02-02" content="2019-03-03">x</p></body></html>')
    assert marks.published == ["2018-01-01", "2018-02-02", "2018-03-03", "2018-04-04"]
    assert marks.modified == {"2019-01-01", "2019-02-02"}


def _post(footer: str, head: str = "") -> str:
    paragraphs = "".join(f"<p>Paragraph {i}: the keeper climbed the hundred and twelve steps of the lighthouse every "
                         f"evening to check the lamp, whatever the weather.</p>" for i in range(4))
    return (f"<html><head><title>The keeper</title>{head}</head><body><article><h1>The keeper</h1>{paragraphs}"
            f"</article><footer>{footer}</footer></body></html>")


@pytest.mark.parametrize("page, published", [
    (_post("© 2019 Harbour Times. All rights reserved."), None),  # a copyright year is no publication date
    (_post("Posted on January 1, 2019"), "2019-01-01"),  # New Year's Day written out: kept
    (_post("", '<meta property="article:published_time" content="2019-01-01T08:00:00Z">'), "2019-01-01"),
    (_post("Posted on 14 March 2019 · © 2019 Harbour Times"), "2019-03-14"),
])
def test_no_publication_date_is_made_up_from_a_bare_year(cleaner, page, published):
    kind, rec = cleaner.record(html_page(page), RUN)
    assert kind == "article" and rec["published"] == published
