"""The feed's accounting, checked after a run (issue 6, item 3): every input record is in exactly one
of articles/ and rejected/, ids are unique, every duplicate_of names a kept article, the manifest
lists exactly the parts on disk with their record counts, the run reports add up, and no temporary
file (staged part, half-written JSON, open journal row) is left in clean/.

    from tests.accounting import check_feed
    totals = check_feed(clean_dir, raw_dir)   # raises AssertionError naming the first problem
"""
from __future__ import annotations

import gzip
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from flows.sources import discover, read_pages
from flows.state import open_journal, state_path

# fields that differ between two runs of the same inputs and config, by design (README, "The feed")
RUN_SPECIFIC = ("run_id",)


@dataclass
class Totals:
    inputs: int
    articles: int
    rejected: int
    reasons: Counter


def read_part(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        return [json.loads(line) for line in handle]


def feed(clean_dir: Path, folder: str) -> list[dict]:
    """Every record of articles/ or rejected/, parts in name order."""
    return [r for part in sorted((clean_dir / folder).glob("*.jsonl*")) for r in read_part(part)]


def input_sources(raw_dir: Path, max_input_bytes: int = 50_000_000) -> list[str]:
    """provenance.source of every input record under raw_dir, read as the pipeline reads it."""
    return [item.source for file in discover(raw_dir) for item in read_pages(file, max_input_bytes)]


def without_run_specific(record: dict) -> dict:
    record = json.loads(json.dumps(record))
    for key in RUN_SPECIFIC:
        record["provenance"].pop(key, None)
    return record


def canonical(records: list[dict]) -> list[str]:
    """Records as sorted JSON lines without their run-specific fields: compare two feeds as sets."""
    return sorted(json.dumps(without_run_specific(r), sort_keys=True, ensure_ascii=False) for r in records)


def check_no_leftovers(clean_dir: Path) -> None:
    assert not (clean_dir / ".staging").exists(), f"staged parts left in {clean_dir / '.staging'}"
    leftovers = [p for p in clean_dir.rglob("*") if p.name.endswith(".tmp") or p.name.endswith("-final.jsonl.gz")]
    assert not leftovers, f"temporary files left in clean/: {leftovers}"
    assert open_journal(state_path(clean_dir)) == [], "a run's publication was never finished (journal row open)"


def check_feed(clean_dir: Path, raw_dir: Path | None = None, *, expected_inputs: int | None = None,
               unique_ids: bool = True) -> Totals:
    """Assert the accounting invariants of a feed folder after one or more runs (without
    --reprocess: each input record appears once). `raw_dir` (or `expected_inputs`) gives the input
    records that must all be accounted for; `unique_ids=False` for feeds holding revisions of one
    page (same id by design)."""
    check_no_leftovers(clean_dir)
    articles, rejected = feed(clean_dir, "articles"), feed(clean_dir, "rejected")
    sources = Counter(r["provenance"]["source"] for r in articles + rejected)
    twice = [s for s, n in sources.items() if n > 1]
    assert not twice, f"input records in the feed more than once: {twice[:5]}"
    if raw_dir is not None:
        wanted = input_sources(raw_dir)
        assert len(wanted) == len(set(wanted))
        missing, extra = set(wanted) - set(sources), set(sources) - set(wanted)
        assert not missing, f"{len(missing)} input records are in neither articles/ nor rejected/: {sorted(missing)[:5]}"
        assert not extra, f"records in the feed for no input: {sorted(extra)[:5]}"
    if expected_inputs is not None:
        assert len(articles) + len(rejected) == expected_inputs, (len(articles), len(rejected), expected_inputs)
    article_keys = Counter((a["id"], a.get("revision", 1)) for a in articles)
    assert all(n == 1 for n in article_keys.values()), "two articles with the same id and revision"
    if unique_ids:
        ids = Counter(r["id"] for r in articles + rejected)
        assert all(n == 1 for n in ids.values()), f"ids used twice: {[i for i, n in ids.items() if n > 1][:5]}"
    kept = {a["id"] for a in articles}
    for r in rejected:
        assert r.get("reason") and r.get("detail"), r
        if r["reason"] == "duplicate":
            assert r.get("duplicate_of") in kept, f"{r['provenance']['source']}: duplicate_of {r.get('duplicate_of')} is no kept article"
    _check_manifest_and_reports(clean_dir, len(articles), len(rejected))
    return Totals(len(articles) + len(rejected), len(articles), len(rejected), Counter(r["reason"] for r in rejected))


def _check_manifest_and_reports(clean_dir: Path, articles: int, rejected: int) -> None:
    on_disk = sorted(p.relative_to(clean_dir).as_posix() for folder in ("articles", "rejected")
                     for p in (clean_dir / folder).glob("*.jsonl*"))
    manifest = clean_dir / "manifest.json"
    listed = json.loads(manifest.read_text())["parts"] if manifest.exists() else []
    assert sorted(p["path"] for p in listed) == on_disk, "manifest.json and the part files disagree"
    assert len(listed) == len({p["path"] for p in listed}), "a part listed twice in manifest.json"
    for part in listed:
        assert part["records"] == len(read_part(clean_dir / part["path"])), part
    reports = [json.loads(p.read_text()) for p in sorted((clean_dir / "runs").glob("*.json"))]
    for report in reports:
        assert report["records_in"] == report["articles"] + report["rejected"] + report["skipped_already_processed"]
        assert sum(report["rejected_by_reason"].values()) == report["rejected"]
        html_report = clean_dir / "runs" / f"{report['run_id']}.html"
        assert html_report.is_file(), f"run {report['run_id']} has no HTML report"
    runs = {p["run_id"] for p in listed}
    assert runs <= {r["run_id"] for r in reports}, "parts of a run that has no run report"
    assert sum(r["articles"] for r in reports) == articles and sum(r["rejected"] for r in reports) == rejected
