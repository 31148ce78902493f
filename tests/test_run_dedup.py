"""Dedup across pages and runs, through the real cleaning pass (flows/run.py, flows/dedup.py)."""
import random

from flows.config import Settings
from flows.run import clean_pass
from tests.sitegen import article, record, write_jsonl
from tests.test_run import read_feed


def _feed(out):
    return read_feed(out, "articles"), read_feed(out, "rejected")


def _edit_words(paragraphs, share, rng):
    words = " ".join(paragraphs).split()
    for i in rng.sample(range(len(words)), int(len(words) * share)):
        words[i] = "changed"
    return [" ".join(words)]


def test_syndicated_copy_is_a_duplicate_of_the_earliest_fetched_whatever_the_file_order(tmp_path):
    rng = random.Random(3)
    text = article(rng)
    copy = _edit_words(text, 0.03, rng)  # another site's copy: a few words changed, one paragraph
    original = record("https://first.example/story", "Story", text, fetched_at="2021-03-01T00:00:00Z")
    later = record("https://second.example/copy", "Story", copy, fetched_at="2021-03-05T00:00:00Z")
    kept = []
    for names in (("a.jsonl", "b.jsonl"), ("b.jsonl", "a.jsonl")):  # listing order swapped
        raw, out = tmp_path / names[0] / "raw", tmp_path / names[0] / "clean"
        write_jsonl(raw / names[0], [later])
        write_jsonl(raw / names[1], [original])
        clean_pass(Settings(), raw, out)
        articles, rejected = _feed(out)
        assert [a["url"] for a in articles] == ["https://first.example/story"]
        assert [(r["reason"], r["duplicate_of"]) for r in rejected] == [("duplicate", articles[0]["id"])]
        assert "near-identical text" in rejected[0]["detail"]
        kept.append(articles[0]["text"])
    assert kept[0] == kept[1]


def test_a_later_run_rejects_a_copy_of_an_article_it_published_before(tmp_path):
    rng = random.Random(4)
    text = article(rng)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "day1.jsonl", [record("https://first.example/a", "A", text)])
    clean_pass(Settings(), raw, out)
    first_id = read_feed(out, "articles")[0]["id"]
    write_jsonl(raw / "day2.jsonl", [record("https://mirror.example/a", "A", text[2:] + text[:2])])  # reordered
    report = clean_pass(Settings(), raw, out)
    assert report["articles"] == 0 and report["rejected_by_reason"] == {"duplicate": 1}
    assert [r["duplicate_of"] for r in read_feed(out, "rejected")] == [first_id]


def test_a_page_sharing_one_paragraph_with_another_is_not_a_duplicate(tmp_path):
    rng = random.Random(5)
    first, second = article(rng), article(rng)
    second[3] = first[2]  # a quoted paragraph
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "pages.jsonl", [record("https://a.example/1", "One", first),
                                      record("https://b.example/2", "Two", second)])
    report = clean_pass(Settings(), raw, out)
    assert report["articles"] == 2 and report["rejected"] == 0


def test_a_re_crawl_with_new_comments_is_a_new_revision_of_the_same_id(tmp_path):
    rng = random.Random(6)
    text = article(rng)
    url = "https://blog.example/2021/03/post"
    first_comment = ("Ann", "Lovely to read about the orchard again after all these years.")
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "crawl1.jsonl", [record(url, "Post", text, comments=[first_comment])])
    clean_pass(Settings(), raw, out)
    # fetched again from a newsletter link: tracking parameters and http do not make another page
    again = url.replace("https://", "http://") + "?utm_source=newsletter&utm_medium=email"
    write_jsonl(raw / "crawl2.jsonl", [record(again, "Post", text, fetched_at="2021-04-01T00:00:00Z", comments=[
        first_comment, ("Tom", "We planted two of the old varieties in our own garden this spring.")])])
    clean_pass(Settings(), raw, out)
    articles = read_feed(out, "articles")
    assert len({a["id"] for a in articles}) == 1
    assert sorted((a["revision"], len(a["comments"])) for a in articles) == [(1, 1), (2, 2)]
    # the same page fetched again, nothing changed: no third revision, and nothing lost
    write_jsonl(raw / "crawl3.jsonl", [record(url, "Post", text, fetched_at="2021-05-01T00:00:00Z", comments=[
        first_comment, ("Tom", "We planted two of the old varieties in our own garden this spring.")])])
    report = clean_pass(Settings(), raw, out)
    assert report["articles"] == 0
    [unchanged] = read_feed(out, "rejected")
    assert (unchanged["reason"], unchanged["duplicate_of"]) == ("duplicate", articles[0]["id"])
    assert "unchanged re-crawl" in unchanged["detail"]


SPAM = ("Jenny", "Great post! Visit http://cheap-pills.example/buy for the best prices on pills.")


def _site(rng, pages, comments_of, footer_of=lambda n: ""):
    return [record(f"https://garden.example/post-{n}", f"Post {n}", article(rng), comments=comments_of(n),
                   footer=footer_of(n)) for n in range(pages)]


def test_a_comment_posted_under_many_pages_of_a_site_is_removed_from_all(tmp_path):
    rng = random.Random(7)
    own = [("Reader %d" % n, f"Comment number {n} about this particular post and its {rng.choice(['roses', 'beans'])}.")
           for n in range(4)]
    # the same spam under every post, its link varied; once with a different case and spacing
    spam = [SPAM, (SPAM[0], SPAM[1].replace("cheap-pills", "pills-now")), SPAM, (SPAM[0], SPAM[1].upper())]
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "site.jsonl", _site(rng, 4, lambda n: [own[n], spam[n]]))
    report = clean_pass(Settings(), raw, out)
    articles = read_feed(out, "articles")
    assert [[c["author"] for c in a["comments"]] for a in articles] == [[f"Reader {n}"] for n in range(4)]
    assert report["dedup"]["removed"] == {"comment:site_spam": 4}
    assert all(any(r["reason"] == "comment:site_spam" for r in a["provenance"]["removed"]) for a in articles)


def test_a_comment_on_two_pages_only_is_kept(tmp_path):
    rng = random.Random(8)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "site.jsonl", _site(rng, 4, lambda n: [SPAM] if n < 2 else []))
    clean_pass(Settings(), raw, out)
    assert sum(len(a["comments"]) for a in read_feed(out, "articles")) == 2


FOOTER = "Photographs by the Riverside Camera Club, used with their kind permission."


def test_a_line_on_many_pages_of_a_site_is_removed_as_template(tmp_path):
    rng = random.Random(9)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "site.jsonl", _site(rng, 6, lambda n: [], footer_of=lambda n: FOOTER))
    # the same line on pages of six different sites is no evidence by itself
    write_jsonl(raw / "others.jsonl", [record(f"https://site{n}.example/p", "P", article(rng), footer=FOOTER)
                                       for n in range(6)])
    report = clean_pass(Settings(), raw, out)
    articles = read_feed(out, "articles")
    on_site = [a for a in articles if a["site"] == "garden.example"]
    assert len(on_site) == 6 and not any(FOOTER in a["text"] for a in on_site)
    assert all(FOOTER in a["text"] for a in articles if a["site"] != "garden.example")
    assert report["dedup"]["removed"] == {"template:site_line": 6}


def test_template_evidence_accumulates_across_runs(tmp_path):
    rng = random.Random(10)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    pages = _site(rng, 6, lambda n: [], footer_of=lambda n: FOOTER)
    write_jsonl(raw / "day1.jsonl", pages[:4])  # four pages: not yet a template
    clean_pass(Settings(), raw, out)
    assert all(FOOTER in a["text"] for a in read_feed(out, "articles"))
    write_jsonl(raw / "day2.jsonl", pages[4:])  # the fifth and sixth page make it one
    clean_pass(Settings(), raw, out)
    latest = [a for a in read_feed(out, "articles") if a["url"].endswith(("post-4", "post-5"))]
    assert len(latest) == 2 and not any(FOOTER in a["text"] for a in latest)


def _state_rows(db):
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("processed", "articles", "text_keys", "lsh", "site_comments", "site_lines")}
    finally:
        conn.close()


def _second_run_killed_in(function: str, tmp_path, monkeypatch):
    """A first run of one article, then a second run of one more killed when it calls
    flows.run.`function`: (the feed folder, the state's row counts between the two runs)."""
    import pytest

    import flows.run
    from flows.state import state_path

    rng = random.Random(11)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "day1.jsonl", [record("https://a.example/1", "One", article(rng))])
    clean_pass(Settings(), raw, out)
    before = _state_rows(state_path(out))
    write_jsonl(raw / "day2.jsonl", [record("https://a.example/2", "Two", article(rng))])

    def crash(*args, **kwargs):
        raise KeyboardInterrupt(f"killed in {function}")

    monkeypatch.setattr(flows.run, function, crash)
    with pytest.raises(KeyboardInterrupt):
        clean_pass(Settings(), raw, out)
    monkeypatch.undo()
    return out, before


def test_a_run_interrupted_before_its_commit_point_changes_neither_the_state_nor_the_feed(tmp_path, monkeypatch):
    from flows.state import state_path

    out, before = _second_run_killed_in("commit", tmp_path, monkeypatch)
    assert len(read_feed(out, "articles")) == 1
    assert _state_rows(state_path(out)) == before
    report = clean_pass(Settings(), tmp_path / "raw", out)  # the next run does what the interrupted one did not
    assert (report["articles"], report["skipped_already_processed"]) == (1, 1)
    assert "recovered_runs" not in report
    assert len(read_feed(out, "articles")) == 2
    assert not (out / ".staging").exists()  # the interrupted run's staged parts are gone


def test_a_run_interrupted_while_publishing_is_finished_by_the_next_run(tmp_path, monkeypatch):
    # the state commit is the commit point: after it, the journal row lets the next run finish
    # the publication (before: the next run cleaned those inputs again and published them twice)
    from flows.state import open_journal, state_path

    out, _ = _second_run_killed_in("publish", tmp_path, monkeypatch)
    assert len(read_feed(out, "articles")) == 1
    [(interrupted, _)] = open_journal(state_path(out))
    report = clean_pass(Settings(), tmp_path / "raw", out)
    assert report["recovered_runs"] == [interrupted]
    assert (report["articles"], report["skipped_already_processed"]) == (0, 2)
    articles = read_feed(out, "articles")
    assert sorted(a["url"] for a in articles) == ["https://a.example/1", "https://a.example/2"]
    assert [a["provenance"]["run_id"] for a in articles if a["url"].endswith("/2")] == [interrupted]
    assert open_journal(state_path(out)) == [] and not (out / ".staging").exists()
    assert (out / "runs" / f"{interrupted}.json").exists()


def test_a_state_database_from_before_dedup_keeps_what_it_processed(tmp_path):
    import sqlite3

    from flows.state import state_path

    rng = random.Random(12)
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "day1.jsonl", [record("https://a.example/1", "One", article(rng))])
    clean_pass(Settings(), raw, out)
    conn = sqlite3.connect(state_path(out))  # as an earlier version left it: `processed` only
    conn.executescript("DROP TABLE articles; DROP TABLE lsh; PRAGMA user_version = 0;")
    conn.close()
    report = clean_pass(Settings(), raw, out)
    assert (report["skipped_already_processed"], report["articles"]) == (1, 0)
