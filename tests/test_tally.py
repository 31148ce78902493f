"""The report's tally counted as parts are written (flows/tally.py BatchTally, summed by
tally_batches) is the tally of reading the run's parts back (tally_parts): the same counts, the
same sample records, in the same order, one object per record."""
import random
import shutil

import pytest

import flows.report_html as report_html
import flows.tally as tally_module
from flows.config import Settings
from flows.report_html import published_parts
from flows.run import clean_pass
from flows.tally import BatchTally, tally_batches, tally_parts
from tests.conftest import SEEDS_RAW
from tests.sitegen import article, record, write_jsonl


def _run_capturing_tally(monkeypatch, raw, out, settings):
    """clean_pass, with the tally its HTML report was rendered from."""
    seen = []
    render = report_html.render_html

    def capture(report, tally, settings=None):
        seen.append(tally)
        return render(report, tally, settings)

    monkeypatch.setattr(report_html, "render_html", capture)
    report = clean_pass(settings, raw, out)
    assert len(seen) == 1 and report["html_report"]
    return report, seen[0]


def _shape(tally):
    """Everything a tally says: its counts, its samples by reason, and which samples are one record."""
    first_seen = {}
    samples = {reason: [(record, first_seen.setdefault(id(record), (reason, n))) for n, record in enumerate(records)]
               for reason, records in sorted(tally.samples.items())}
    return (dict(tally.removals), dict(tally.removed_chars), dict(tally.pages_by_removal), dict(tally.outcomes),
            samples)


def _assert_same_as_reading_the_parts(report, out, tally):
    read = tally_parts(published_parts(out, report))
    assert _shape(tally) == _shape(read)
    assert report["removed_by_step_reason"] == read.removal_rows()


def _seed_pages(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SEEDS_RAW, raw)
    (raw / "empty.txt").write_text("", encoding="utf-8")
    (raw / "short.txt").write_text("Too short.", encoding="utf-8")
    return raw


@pytest.mark.parametrize("max_samples", [40, 3])
def test_the_tally_counted_in_batches_is_the_tally_of_the_parts(tmp_path, monkeypatch, max_samples):
    # a batch per page or two, so samples come from several batches; with a small cap the cap decides
    monkeypatch.setattr(tally_module, "MAX_SAMPLES", max_samples)
    raw = _seed_pages(tmp_path)
    settings = Settings.model_validate({"run": {"workers": 1, "batch_pages": 2}})
    report, tally = _run_capturing_tally(monkeypatch, raw, tmp_path / "clean", settings)
    assert report["batches"] > 3
    assert sum(map(len, tally.samples.values())) == min(max_samples, sum(map(len, tally_parts(
        published_parts(tmp_path / "clean", report)).samples.values())))
    _assert_same_as_reading_the_parts(report, tmp_path / "clean", tally)


def test_the_tally_of_parts_the_dedup_step_rewrote_is_the_tally_of_the_parts(tmp_path, monkeypatch):
    # duplicates move to rejected, template lines are removed: the batches' parts are written again
    rng = random.Random(11)
    footer = "Photographs by the Riverside Camera Club, used with their kind permission."
    texts = [article(rng) for _ in range(6)]
    site = [record(f"https://garden.example/post-{n}", f"Post {n}", text, footer=footer) for n, text in enumerate(texts)]
    copies = [record(f"https://mirror.example/post-{n}", f"Post {n}", text, fetched_at="2021-03-05T00:00:00Z")
              for n, text in enumerate(texts[:3])]
    raw, out = tmp_path / "raw", tmp_path / "clean"
    write_jsonl(raw / "site.jsonl", site)
    write_jsonl(raw / "copies.jsonl", copies)
    shutil.copytree(SEEDS_RAW, raw / "seeds")
    settings = Settings.model_validate({"run": {"workers": 1, "batch_pages": 3}})
    report, tally = _run_capturing_tally(monkeypatch, raw, out, settings)
    assert report["dedup"]["duplicates"] >= 3 and report["dedup"]["removed"].get("template:site_line")
    _assert_same_as_reading_the_parts(report, out, tally)


def test_a_run_whose_batches_brought_no_tally_reads_its_parts(tmp_path, monkeypatch):
    # batches whose counts the ledger does not hold: the report reads the parts, as before
    from flows.ledger import RunLedger

    monkeypatch.setattr(RunLedger, "tallied", lambda self, batch, tally: None)
    raw = _seed_pages(tmp_path)
    report, tally = _run_capturing_tally(monkeypatch, raw, tmp_path / "clean",
                                         Settings.model_validate({"run": {"workers": 1}}))
    _assert_same_as_reading_the_parts(report, tmp_path / "clean", tally)


def test_a_batch_keeps_the_first_samples_of_each_reason_in_each_part_only():
    batch = BatchTally()
    removed = [{"step": "spam", "reason": "spam:line", "chars": 5}, {"step": "text", "reason": "spam:line", "chars": 2}]
    batch.add("rejected", {"reason": "empty", "provenance": {"removed": removed[:1]}})
    for n in range(4):
        batch.add("articles", {"provenance": {"removed": removed}})
    batch.add("rejected", {"reason": "empty", "provenance": {"removed": []}})
    # one record offers a reason once per step that removed it; the articles part is read first
    assert batch.in_part_order() == [(0, 0, "spam:line"), (0, 0, "spam:line"), (1, 0, "spam:line"),
                                     (1, 0, "rejected: empty"), (1, 1, "rejected: empty")]
    assert batch.removals == {("spam", "spam:line"): 5, ("text", "spam:line"): 4}
    assert batch.pages_by_removal == {("spam", "spam:line"): 5, ("text", "spam:line"): 4}
    assert batch.outcomes == {"article": 4, "rejected: empty": 2}
    assert tally_batches([]).samples == {}
