"""The cleaning pass as scheduled runs and the CLI use it (flows/run.py)."""
import gzip
import json
import random
import shutil

from flows.config import Settings
from flows.listing import batch_limits, plan_batches
from flows.run import clean_pass
from flows.sources import InputFile
from tests.conftest import REPO


def read_feed(clean_dir, folder):
    records = []
    for part in sorted((clean_dir / folder).glob("*.jsonl*")):
        opener = gzip.open if part.name.endswith(".gz") else open
        with opener(part, "rt", encoding="utf-8") as handle:
            records += [json.loads(line) for line in handle]
    return records


def sample_raw(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(REPO / "raw", raw)
    (raw / "misc").mkdir()
    (raw / "misc" / "notes.pdf").write_bytes(b"%PDF-1.4 not a page")
    (raw / "misc" / "empty.txt").write_bytes(b"")
    return raw


def test_every_input_record_ends_in_exactly_one_place(tmp_path):
    raw, out = sample_raw(tmp_path), tmp_path / "clean"
    report = clean_pass(Settings(), raw, out)
    articles, rejected = read_feed(out, "articles"), read_feed(out, "rejected")
    sources = [r["provenance"]["source"] for r in articles + rejected]
    # 5 seeds + 3 html + 3 jsonl records + 2 misc files
    assert report["records_in"] == 13 == len(sources) == len(set(sources))
    assert report["articles"] == len(articles) and report["rejected"] == len(rejected)
    assert {r["provenance"]["source"]: r["reason"] for r in rejected} == {
        "html/casino-doorway.html": "spam_page",
        "jsonl/crawl-sample.jsonl#3": "unreadable",
        "misc/empty.txt": "empty",
        "misc/notes.pdf": "unsupported_format",
    }
    assert len({r["id"] for r in articles + rejected}) == 13
    assert all(r["detail"] for r in rejected)
    assert not (out / ".staging").exists()  # no temporary files left behind


def test_provenance_block_is_complete(tmp_path):
    out = tmp_path / "clean"
    report = clean_pass(Settings(), REPO / "raw" / "seeds", out)
    for record in read_feed(out, "articles"):
        prov = record["provenance"]
        assert set(prov) == {"source", "sha256", "format", "fetched_at", "run_id", "pipeline_version",
                             "config_sha256", "removed"}
        assert prov["run_id"] == report["run_id"] and prov["config_sha256"] == Settings().sha256()
        raw_bytes = (REPO / "raw" / "seeds" / prov["source"]).read_bytes()
        import hashlib
        assert prov["sha256"] == hashlib.sha256(raw_bytes).hexdigest()
        assert all(set(r) == {"step", "reason", "chars", "text"} for r in prov["removed"])


def test_second_run_on_unchanged_inputs_writes_nothing_new(tmp_path):
    raw, out = sample_raw(tmp_path), tmp_path / "clean"
    first = clean_pass(Settings(), raw, out)
    parts = sorted(p.name for p in out.rglob("*.jsonl*"))
    second = clean_pass(Settings(), raw, out)
    assert second["articles"] == second["rejected"] == 0
    assert second["skipped_already_processed"] == first["records_in"]
    assert sorted(p.name for p in out.rglob("*.jsonl*")) == parts
    assert (out / "runs" / f"{second['run_id']}.json").exists()
    # a new page is picked up, the old ones stay skipped
    (raw / "new.txt").write_text("A New Page\n\n" + "Some fresh text that was not there before, long enough. " * 4)
    third = clean_pass(Settings(), raw, out)
    assert (third["articles"], third["skipped_already_processed"]) == (1, first["records_in"])
    # --reprocess cleans everything again
    assert clean_pass(Settings(), raw, out, reprocess=True)["records_in"] == first["records_in"] + 1


def test_a_feed_inside_the_raw_folder_is_not_read_as_input(tmp_path):
    """`winnow clean . --out clean`: the second run read the first one's parts, run reports and
    state database as raw pages (rejected as unreadable and unsupported, a feed record even became
    an article). The feed folder is left out of the raw folder's files, however it is named."""
    raw = sample_raw(tmp_path)
    first = clean_pass(Settings(), raw, raw / "clean")
    second = clean_pass(Settings(), raw, raw / "sub" / ".." / "clean")
    assert (second["records_in"], second["skipped_already_processed"]) == (first["records_in"], first["records_in"])
    assert second["articles"] == second["rejected"] == 0
    (raw / "clean-notes").mkdir()  # a folder that only looks like it is still read
    (raw / "clean-notes" / "page.txt").write_text("A Note\n\n" + "A page that sits next to the feed folder. " * 5)
    assert clean_pass(Settings(), raw, raw / "clean")["articles"] == 1


def test_output_is_the_same_whatever_the_run_and_worker_count(tmp_path):
    raw = sample_raw(tmp_path)
    one = Settings.model_validate({"run": {"workers": 1}})
    two = Settings.model_validate({"run": {"workers": 2, "batch_pages": 3}})
    clean_pass(one, raw, tmp_path / "a")
    clean_pass(two, raw, tmp_path / "b")

    def strip_run(records):
        for r in records:
            r["provenance"].pop("run_id")  # workers and batch size do not change the config hash
        return [json.dumps(r, sort_keys=True, ensure_ascii=False) for r in records]  # nor the feed's order

    for folder in ("articles", "rejected"):
        assert strip_run(read_feed(tmp_path / "a", folder)) == strip_run(read_feed(tmp_path / "b", folder))


def test_batches_respect_page_and_byte_limits():
    files = [InputFile(path=None, rel=f"{i}.txt", size=10) for i in range(7)]
    assert [len(b) for b in plan_batches(files, pages=3, size=10_000)] == [3, 3, 1]
    assert [len(b) for b in plan_batches(files, pages=100, size=25)] == [2, 2, 2, 1]


def test_batch_size_adapts_to_page_size_and_run_size():
    def files(count, size):
        return [InputFile(path=None, rel=f"{i:06d}.html", size=size) for i in range(count)]

    # a large run: 80 KB HTML pages fill a batch by bytes, 2 KB text pages by page count
    def batches(files):
        return list(plan_batches(files, *batch_limits(len(files), sum(f.size for f in files), 1000, 16_000_000)))

    html = files(5_000, 80_000)
    assert {len(b) for b in batches(html)} == {200}
    text = files(50_000, 2_000)
    assert len(batches(text)) == 50
    # a small run is spread over several batches (every core busy), never into crumbs
    small = files(181, 50_000)
    assert 8 <= len(batches(small)) <= 16
    assert len(batches(files(5, 20_000))) == 1


def test_the_biggest_batches_start_first_and_the_parts_stay_in_batch_order(tmp_path):
    """A run must not end with one worker on its biggest batch while the others wait; the order
    batches run in must not show in the feed."""
    from flows.listing import biggest_first, estimated_pages

    def order(batches):
        return biggest_first([sum(map(estimated_pages, batch)) for batch in batches])

    batches = [[InputFile(path=None, rel=f"{i}.html", size=size)] for i, size in enumerate([10, 300, 20, 300, 5])]
    assert order(batches) == [1, 3, 2, 0, 4]
    # a page costs about the same whatever its size: 25 pages of 30 KB are more work than 6 of
    # 400 KB; a JSONL piece is counted by its bytes (its records are not counted before reading)
    batches = [[InputFile(path=None, rel=f"a{i}.html", size=400_000) for i in range(6)],
               [InputFile(path=None, rel=f"b{i}.htm", size=30_000) for i in range(25)],
               [InputFile(path=None, rel="c.jsonl", size=16_000_000)],
               [InputFile(path=None, rel="d.warc.gz", size=100_000)]]
    assert order(batches) == [2, 1, 0, 3]

    raw = tmp_path / "raw"
    raw.mkdir()
    rng = random.Random(5)
    words = ["".join(rng.choice("aeioubcdfgklmnprst") for _ in range(rng.randint(3, 9))) for _ in range(3000)]
    for n in range(60):  # pages growing in size: the last batches are the biggest
        body = " ".join(rng.choice(words) for _ in range(100 + 40 * n))
        (raw / f"{n:03d}.txt").write_text(f"Report {n}\n\nThe meeting of the council. {body}.\n")
    report = clean_pass(Settings.model_validate({"run": {"workers": 2, "batch_pages": 7}}), raw, tmp_path / "clean")
    assert report["batches"] == 9
    assert [r["provenance"]["source"] for r in read_feed(tmp_path / "clean", "articles")] == sorted(
        p.name for p in raw.iterdir())


def test_a_page_that_crashes_a_step_is_rejected_and_the_run_goes_on(tmp_path, monkeypatch):
    from cleaners import pipeline

    original = pipeline.Cleaner.record

    def explode_on_002(self, page, run):
        if page.source.startswith("002"):
            raise RuntimeError("boom")
        return original(self, page, run)

    monkeypatch.setattr(pipeline.Cleaner, "record", explode_on_002)
    report = clean_pass(Settings.model_validate({"run": {"workers": 1}}), REPO / "raw" / "seeds", tmp_path / "out")
    assert (report["articles"], report["rejected_by_reason"]) == (4, {"error": 1})
    [rejected] = read_feed(tmp_path / "out", "rejected")
    assert rejected["detail"] == "002_b86a3215d1c1ebec.txt: cleaning failed: RuntimeError: boom"


def test_a_page_that_takes_too_long_is_rejected_as_timeout_and_the_run_goes_on(tmp_path, monkeypatch):
    import time

    from cleaners import Cleaner

    raw, out = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a-slow.txt").write_text("Slow page\n\nThis page never finishes cleaning, whatever is tried.\n" * 3)
    (raw / "b-fine.txt").write_text("Fine page\n\nThis page is cleaned in the usual time and kept as an article.\n" * 3)
    real = Cleaner.record

    def record(self, page, run):
        if "never finishes" in page.content:
            while True:  # a pathological page: only the deadline ends it
                time.sleep(0.01)
        return real(self, page, run)

    monkeypatch.setattr(Cleaner, "record", record)
    settings = Settings.model_validate({"run": {"workers": 1, "page_timeout_seconds": 0.3}})
    report = clean_pass(settings, raw, out)
    assert report["rejected_by_reason"] == {"timeout": 1} and report["articles"] == 1
    [rejected] = read_feed(out, "rejected")
    assert rejected["provenance"]["source"] == "a-slow.txt" and "page_timeout_seconds" in rejected["detail"]


def test_one_large_jsonl_file_spreads_over_batches_with_the_same_records(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    text = "This is page {n} of the crawl, a short report on the {n}th meeting of the parish council. " * 3
    (raw / "crawl.jsonl").write_text("".join(
        json.dumps({"url": f"https://parish.example/meeting-{n}", "text": f"Meeting {n}\n\n" + text.format(n=n)}) + "\n"
        for n in range(30)))
    whole = Settings.model_validate({"run": {"workers": 1}})
    pieced = Settings.model_validate({"run": {"workers": 2, "batch_bytes": 2000}})
    report_whole = clean_pass(whole, raw, tmp_path / "a")
    report_pieced = clean_pass(pieced, raw, tmp_path / "b")
    assert report_whole["batches"] == 1 and report_pieced["batches"] > 3
    assert report_pieced["files"] == 1 and report_pieced["records_in"] == 30

    def records(folder):
        found = read_feed(tmp_path / folder, "articles")
        for r in found:
            r["provenance"].pop("run_id")
            r["provenance"].pop("config_sha256")
        return found

    assert records("a") == records("b")  # same records, same order, same sources (crawl.jsonl#N)


def test_the_manifest_lists_every_part_in_the_order_runs_wrote_them(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(REPO / "raw" / "seeds", raw)
    first = clean_pass(Settings(), raw, out)
    (raw / "later.txt").write_text("A later page\n\nWritten after the first run, and cleaned by the second one.\n" * 3)
    second = clean_pass(Settings(), raw, out)
    manifest = json.loads((out / "manifest.json").read_text())
    parts = manifest["parts"]
    assert [p["path"] for p in parts] == first["parts"] + second["parts"]
    assert [p["run_id"] for p in parts] == [first["run_id"]] * len(first["parts"]) + [second["run_id"]]
    for part in parts:  # the counts are the records in the files
        assert part["records"] == len(read_feed_part(out / part["path"]))
    clean_pass(Settings(), raw, out)  # nothing new: no part, the manifest stays as it was
    assert json.loads((out / "manifest.json").read_text()) == manifest


def read_feed_part(path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def test_a_big_gzipped_crawl_file_is_cleaned_in_several_batches_the_same_whatever_the_workers(tmp_path):
    """A .jsonl.gz was one batch (one core); its strided pieces are batches of their own. They give
    the records a whole read gives, and the same bytes with one worker or two."""
    from tests.accounting import check_feed
    from tests.sitegen import article, record
    from tests.test_crash_safety import feed_parts

    rng = random.Random(4)
    pages = [record(f"https://news{n % 7}.example/{n}", f"Story {n}", article(rng)) for n in range(240)]
    lines = [json.dumps(page) for page in pages] + ["{broken"]
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "crawl.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
    small = Settings.model_validate({"run": {"batch_bytes": 40_000}})
    feeds = {}
    for workers in (1, 2):
        out = tmp_path / f"clean-{workers}"
        report = clean_pass(small.model_copy(update={"run": small.run.model_copy(update={"workers": workers})}), raw, out)
        assert report["batches"] > 4 and report["records_in"] == 241
        check_feed(out, raw, expected_inputs=241)
        feeds[workers] = feed_parts(out)
    assert feeds[1] == feeds[2]
    whole = clean_pass(Settings(), raw, tmp_path / "whole")  # one batch: the same records
    assert whole["batches"] == 1
    key = lambda r: (r["provenance"]["source"], r.get("reason"), r.get("text"))  # noqa: E731
    for folder in ("articles", "rejected"):
        whole_records, pieced_records = read_feed(tmp_path / "whole", folder), read_feed(tmp_path / "clean-1", folder)
        assert sorted(map(key, whole_records)) == sorted(map(key, pieced_records))
