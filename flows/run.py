"""One cleaning pass: discover -> batches -> clean (in parallel) -> publish -> remember -> report.

This is the body of the Prefect flow (flows/clean.py). It does not import Prefect, so a
one-off `winnow clean` runs the same code without paying for orchestration; the flow
passes its own `map_batches` to run each batch as a Prefect task instead.
"""
from __future__ import annotations

import os
import shutil
import time
import uuid
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from cleaners import Cleaner, CleaningSettings
from cleaners.dedup import Signature, signature_of
from cleaners.document import Page, rejected_record

from .config import Settings
from .deadline import PageTimeout, page_deadline
from .dedup import DedupSummary, deduplicate
from .sinks import ARTICLES, REJECTED, RUNS, STAGING, PartWriter, append_to_manifest, path_or_none, publish, write_json_atomic
from .sources import InputFile, Unreadable, discover, read_pages, split_records
from .state import SeenInputs, StateIndex, record_processed, state_path

try:
    PIPELINE_VERSION = version("winnow")
except PackageNotFoundError:  # running from a source tree that was not installed
    PIPELINE_VERSION = "0.0.0+source"


@dataclass(frozen=True)
class BatchSpec:
    index: int
    raw_dir: str
    files: tuple[tuple[str, int, int | None, int], ...]  # (path, start byte, end byte, first line)
    staging: str
    cleaning: dict[str, Any]
    run: dict[str, str]
    state_db: str
    reprocess: bool
    max_input_bytes: int
    compress: bool
    page_timeout: float = 0.0


@dataclass
class BatchManifest:
    """What a batch did; small, so it travels cheaply between processes and Prefect tasks."""

    index: int
    articles_part: str | None = None
    rejected_part: str | None = None
    outcomes: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)  # sha, source, outcome, reason, id
    skipped: int = 0
    seconds: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)  # of the articles, for the dedup step


SPREAD_BATCHES = 16  # a small run is still cut into this many batches, so every core gets work
MIN_BATCH_PAGES, MIN_BATCH_BYTES = 20, 1_000_000  # ... but no batch smaller than this (a second or so of work)


def batch_limits(files: list[InputFile], pages: int, size: int) -> tuple[int, int]:
    """The run's batch limits: the configured ones (pages bound batches of small text pages, bytes
    bound batches of large HTML pages), lowered for a small run to spread it over SPREAD_BATCHES
    batches. They depend on the inputs only, never on the worker count, so the parts written are
    the same whatever the number of workers."""
    total_bytes = sum(f.size for f in files)
    pages = min(pages, max(MIN_BATCH_PAGES, -(-len(files) // SPREAD_BATCHES)))
    size = min(size, max(MIN_BATCH_BYTES, -(-total_bytes // SPREAD_BATCHES)))
    return pages, size


def plan_batches(files: list[InputFile], pages: int, size: int) -> list[list[InputFile]]:
    """Consecutive files grouped until a batch holds `pages` files or `size` bytes."""
    batches: list[list[InputFile]] = []
    current: list[InputFile] = []
    current_bytes = 0
    for file in files:
        if current and (len(current) >= pages or current_bytes + file.size > size):
            batches.append(current)
            current, current_bytes = [], 0
        current.append(file)
        current_bytes += file.size
    if current:
        batches.append(current)
    return batches


def clean_batch(spec: BatchSpec) -> BatchManifest:
    """Clean every record of the batch's files into two staged parts (articles, rejected)."""
    started = time.perf_counter()
    cleaning = CleaningSettings.model_validate(spec.cleaning)
    cleaner = Cleaner(cleaning)
    seen = SeenInputs(Path(spec.state_db))
    staging = Path(spec.staging)
    articles = PartWriter(staging / f"{spec.index:05d}-articles", spec.compress)
    rejected = PartWriter(staging / f"{spec.index:05d}-rejected", spec.compress)
    manifest = BatchManifest(index=spec.index)
    timings: list[tuple[float, str]] = []
    try:
        for rel, start, end, first_line in spec.files:
            file = InputFile(Path(spec.raw_dir) / rel, rel, 0, start, end, first_line)
            for item in read_pages(file, spec.max_input_bytes):
                if not spec.reprocess and item.sha256 and item.sha256 in seen:
                    manifest.skipped += 1
                    continue
                page_started = time.perf_counter()
                kind, record = _record_of(item, cleaner, spec.run, spec.page_timeout)
                timings.append((time.perf_counter() - page_started, item.source))
                (articles if kind == "article" else rejected).write(record)
                if kind == "article" and cleaning.dedup.enabled:
                    manifest.signatures.append(signature_of(record, cleaning.dedup))
                manifest.outcomes.append((item.sha256, item.source, kind, record.get("reason"), record["id"]))
    finally:
        seen.close()
        manifest.articles_part = path_or_none(articles.close())
        manifest.rejected_part = path_or_none(rejected.close())
    manifest.seconds = time.perf_counter() - started
    manifest.slowest = sorted(timings, reverse=True)[:5]
    return manifest


def _record_of(item: Page | Unreadable, cleaner: Cleaner, run: dict[str, str],
               timeout: float = 0.0) -> tuple[str, dict[str, Any]]:
    if isinstance(item, Unreadable):
        page = Page(source=item.source, sha256=item.sha256, format=item.format, content="", content_type="text")
        return "rejected", rejected_record(page, item.reason, item.detail, run)
    try:
        with page_deadline(timeout):
            return cleaner.record(item, run)
    except PageTimeout:
        return "rejected", rejected_record(item, "timeout", f"{item.source}: cleaning took longer than "
                                           f"run.page_timeout_seconds ({timeout:g} s)", run)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run; it is reported
        detail = f"{item.source}: cleaning failed: {type(exc).__name__}: {exc}"
        return "rejected", rejected_record(item, "error", detail, run)


MapBatches = Callable[[list[BatchSpec]], Iterable[BatchManifest]]


def pool_map_batches(workers: int) -> MapBatches:
    """Run batches in a process pool (inline when one worker or one batch is enough)."""

    def run(specs: list[BatchSpec]) -> Iterator[BatchManifest]:
        if workers <= 1 or len(specs) <= 1:
            yield from map(clean_batch, specs)
            return
        with ProcessPoolExecutor(max_workers=min(workers, len(specs))) as pool:
            futures = [pool.submit(clean_batch, spec) for spec in specs]
            for future in as_completed(futures):
                yield future.result()

    return run


def worker_count(settings: Settings, override: int | None = None) -> int:
    wanted = override if override is not None else settings.run.workers
    return wanted if wanted > 0 else (os.cpu_count() or 1)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def clean_pass(
    settings: Settings,
    raw_dir: Path,
    clean_dir: Path,
    *,
    reprocess: bool = False,
    map_batches: MapBatches | None = None,
    on_batch: Callable[[BatchManifest, int], None] | None = None,
) -> dict[str, Any]:
    """Clean everything new under `raw_dir` into `clean_dir`; returns the run report."""
    started = time.perf_counter()
    run = {"run_id": new_run_id(), "pipeline_version": PIPELINE_VERSION, "config_sha256": settings.sha256()}
    files = discover(raw_dir)
    batch_pages, batch_bytes = batch_limits(files, settings.run.batch_pages, settings.run.batch_bytes)
    pieces = [piece for f in files for piece in split_records(f, batch_bytes)]
    staging = clean_dir / STAGING / run["run_id"]
    specs = [
        BatchSpec(
            index=i, raw_dir=str(raw_dir), files=tuple((f.rel, f.start, f.end, f.first_line) for f in batch),
            staging=str(staging),
            cleaning=settings.cleaning().model_dump(mode="json"), run=run, state_db=str(state_path(clean_dir)),
            reprocess=reprocess, max_input_bytes=settings.run.max_input_bytes, compress=settings.output.compress,
            page_timeout=settings.run.page_timeout_seconds,
        )
        for i, batch in enumerate(plan_batches(pieces, batch_pages, batch_bytes))
    ]
    mapper = map_batches or pool_map_batches(worker_count(settings))
    manifests = []
    for manifest in mapper(specs):
        manifests.append(manifest)
        if on_batch:
            on_batch(manifest, len(specs))
    manifests.sort(key=lambda m: m.index)
    index, summary = None, DedupSummary()
    if settings.dedup.enabled:
        index, summary = deduplicate(manifests, state_path(clean_dir), settings)
    try:
        published = commit(manifests, clean_dir, run, index)
    finally:
        if index is not None:
            index.close()
    shutil.rmtree(staging, ignore_errors=True)
    _remove_if_empty(clean_dir / STAGING)
    report = run_report(run, files, manifests, published, time.perf_counter() - started, raw_dir, clean_dir)
    report["dedup"] = summary.as_dict()
    report["runner"] = settings.run.runner
    write_json_atomic(clean_dir / RUNS / f"{run['run_id']}.json", report)
    return report


def commit(manifests: list[BatchManifest], clean_dir: Path, run: dict[str, str], index: StateIndex | None) -> list[str]:
    """Publish the staged parts in batch order, then remember the run: its inputs as processed,
    what it kept as the dedup index of later runs."""
    published, parts = [], []
    for manifest in manifests:
        counts = Counter(kind for _, _, kind, _, _ in manifest.outcomes)
        for staged, folder, kind in ((manifest.articles_part, ARTICLES, "article"),
                                     (manifest.rejected_part, REJECTED, "rejected")):
            if staged:
                target = publish(Path(staged), clean_dir / folder, f"{run['run_id']}-{manifest.index:05d}")
                published.append(target.relative_to(clean_dir).as_posix())
                parts.append({"path": published[-1], "kind": folder, "run_id": run["run_id"], "records": counts[kind]})
    rows = [
        (sha, source, outcome, reason, record_id, run["run_id"])
        for m in manifests for sha, source, outcome, reason, record_id in m.outcomes if sha
    ]
    # the manifest before the state: a crash between the two re-cleans this run's inputs next time,
    # rather than leaving published parts no manifest lists
    append_to_manifest(clean_dir, parts)
    if index is not None:
        index.commit(rows)
    elif rows:
        record_processed(state_path(clean_dir), rows)
    return published


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def run_report(
    run: dict[str, str], files: list[InputFile], manifests: list[BatchManifest], published: list[str],
    seconds: float, raw_dir: Path, clean_dir: Path,
) -> dict[str, Any]:
    outcomes = [o for m in manifests for o in m.outcomes]
    rejected = Counter(reason for _, _, outcome, reason, _ in outcomes if outcome == "rejected")
    articles = sum(1 for o in outcomes if o[2] == "article")
    skipped = sum(m.skipped for m in manifests)
    slowest = sorted((s for m in manifests for s in m.slowest), reverse=True)[:10]
    return {
        **run,
        "raw_dir": str(raw_dir),
        "clean_dir": str(clean_dir),
        "files": len(files),
        "records_in": len(outcomes) + skipped,
        "skipped_already_processed": skipped,
        "articles": articles,
        "rejected": sum(rejected.values()),
        "rejected_by_reason": dict(sorted(rejected.items())),
        "batches": len(manifests),
        "seconds": round(seconds, 3),
        "clean_seconds_by_batch": [round(m.seconds, 3) for m in manifests],
        "slowest_pages": [{"source": src, "seconds": round(sec, 4)} for sec, src in slowest],
        "parts": published,
    }
