"""Issue 6, item 3: after every run, articles + rejected = input records, ids unique, every
duplicate_of names a kept article, no temporary file left (the checker: tests/accounting.py)."""
import gzip
import random
import shutil

import pytest

from flows.config import Settings
from flows.run import clean_pass
from tests.accounting import check_feed, check_no_leftovers
from tests.conftest import REPO, SEEDS_RAW
from tests.sitegen import article, record, write_jsonl


def test_seed_pages_are_all_accounted_for(tmp_path):
    out = tmp_path / "clean"
    report = clean_pass(Settings(), SEEDS_RAW, out)
    totals = check_feed(out, SEEDS_RAW)
    assert totals.inputs == report["records_in"] == 5 and totals.articles == 5


def mixed_raw(tmp_path):
    """Every kind of input and outcome in one folder: articles, spam, unreadable and unsupported
    files, a JSONL crawl with an exact and a near copy, bad JSON lines, empty pages."""
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    rng = random.Random(6)
    story = article(rng)
    write_jsonl(raw / "crawl" / "day1.jsonl", [
        record("https://a.example/story", "Story", story, fetched_at="2021-03-01T00:00:00Z"),
        record("https://b.example/copy", "Story", story, fetched_at="2021-03-02T00:00:00Z"),  # exact copy
        record("https://c.example/near", "Story", story[:-1] + ["A new last paragraph " * 3],
               fetched_at="2021-03-03T00:00:00Z"),
        {"url": "https://d.example/empty", "text": ""},
    ] + [record(f"https://e.example/{n}", f"Post {n}", article(rng)) for n in range(12)])
    with open(raw / "crawl" / "day1.jsonl", "a") as handle:
        handle.write("{not json\n\n[1, 2]\n")
    (raw / "bad").mkdir()
    (raw / "bad" / "image.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (raw / "bad" / "blank.txt").write_text("   \n\n  ")
    (raw / "bad" / "notes.pdf").write_bytes(b"%PDF-1.4 not a page")
    (raw / "bad" / "broken.txt.gz").write_bytes(gzip.compress(b"A page\n\n" + b"text " * 100)[:-20])
    return raw


@pytest.mark.parametrize("workers", [1, 2])
def test_a_mixed_run_and_a_later_run_are_accounted_for(tmp_path, workers):
    raw, out = mixed_raw(tmp_path), tmp_path / "clean"
    settings = Settings.model_validate({"run": {"workers": workers, "batch_pages": 4}})
    report = clean_pass(settings, raw, out)
    totals = check_feed(out, raw)
    assert totals.inputs == report["records_in"] and report["batches"] > 1
    assert {"duplicate", "spam_page", "unsupported_format", "unreadable", "empty"} <= set(totals.reasons)
    # a later run with new pages and a re-crawl of a kept one: still every input exactly once
    rng = random.Random(7)
    write_jsonl(raw / "crawl" / "day2.jsonl", [record(f"https://f.example/{n}", f"Later {n}", article(rng))
                                               for n in range(5)])
    second = clean_pass(settings, raw, out)
    assert second["articles"] == 5 and second["skipped_already_processed"] == totals.inputs
    assert check_feed(out, raw).inputs == totals.inputs + 5


def test_the_checker_catches_a_lost_record_a_duplicate_and_a_leftover(tmp_path):
    # the checker itself: each broken invariant is reported
    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(SEEDS_RAW, raw)
    clean_pass(Settings(), raw, out)
    (raw / "unseen.txt").write_text("Unseen\n\n" + "A page no run has cleaned yet, so it is in no part. " * 3)
    with pytest.raises(AssertionError, match="neither articles/ nor rejected/"):
        check_feed(out, raw)
    (raw / "unseen.txt").unlink()
    part = next((out / "articles").glob("*.jsonl.gz"))
    shutil.copy(part, part.with_name("copy-" + part.name))
    with pytest.raises(AssertionError, match="more than once"):
        check_feed(out, raw)
    part.with_name("copy-" + part.name).unlink()
    (out / ".staging" / "x").mkdir(parents=True)
    with pytest.raises(AssertionError, match="staged parts left"):
        check_no_leftovers(out)


def test_a_copy_of_an_earlier_input_under_another_name_is_accounted_for(tmp_path):
    # found by the growing-feed crash test: a later run skipped a byte-identical copy of an input
    # an earlier run had processed (the skip was by sha256 alone), so the copy was in neither folder
    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(SEEDS_RAW, raw)
    clean_pass(Settings(), raw, out)
    first = sorted(raw.iterdir())[0]
    shutil.copy(first, raw / "copy-of-the-first.txt")
    report = clean_pass(Settings(), raw, out)
    assert (report["skipped_already_processed"], report["rejected_by_reason"]) == (5, {"duplicate": 1})
    check_feed(out, raw)
    assert clean_pass(Settings(), raw, out)["skipped_already_processed"] == 6  # and then it is skipped


def test_a_state_database_keyed_by_sha256_alone_is_migrated(tmp_path):
    import sqlite3

    from flows.state import state_path

    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(SEEDS_RAW, raw)
    clean_pass(Settings(), raw, out)
    conn = sqlite3.connect(state_path(out))  # as version 2 left it
    conn.executescript("ALTER TABLE processed RENAME TO p; CREATE TABLE processed (sha256 TEXT PRIMARY KEY, "
                       "source TEXT NOT NULL, outcome TEXT NOT NULL, reason TEXT, record_id TEXT NOT NULL, "
                       "run_id TEXT NOT NULL); INSERT INTO processed SELECT * FROM p; DROP TABLE p; "
                       "PRAGMA user_version = 2;")
    conn.close()
    report = clean_pass(Settings(), raw, out)
    assert (report["skipped_already_processed"], report["articles"]) == (5, 0)
    conn = sqlite3.connect(state_path(out))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
    assert conn.execute("SELECT COUNT(*) FROM processed").fetchone()[0] == 5
    assert conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == 5  # the dedup index is kept
    conn.close()
