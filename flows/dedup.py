"""The run's dedup step, between cleaning and publishing: decide over every article of the run
against the state database, then rewrite each batch's staged parts with the decisions applied."""
from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import orjson

from cleaners.dedup import DedupIndex, decide_in_order, duplicate_rejection, site_repeats, strip_site_repeats
from cleaners.document import rejection
from cleaners.settings import DedupSettings

from .config import Settings
from .ledger import RunLedger
from .sinks import PartWriter, path_or_none
from .state import StateIndex
from .tally import BatchTally

if TYPE_CHECKING:
    from .run import BatchManifest


@dataclass
class DedupSummary:
    duplicates: int = 0  # rejected: same text, near-identical text, or an unchanged re-crawl
    revisions: int = 0  # kept as a new revision of an article already in the feed
    removed: Counter = field(default_factory=Counter)  # template lines and site-wide spam comments

    def as_dict(self) -> dict[str, Any]:
        return {"duplicates": self.duplicates, "revisions": self.revisions, "removed": dict(sorted(self.removed.items()))}


def deduplicate(manifests: list["BatchManifest"], ledger: RunLedger, db: Path,
                settings: Settings) -> tuple[StateIndex, DedupSummary]:
    """Decide over the run's articles (their signatures in the run's ledger) and apply the decisions
    to the staged parts. The returned index holds the run's additions uncommitted: the caller
    commits them once the parts are published, or closes it (and nothing is remembered)."""
    index = StateIndex(db, settings.dedup)
    try:
        decide_run(ledger, index, settings.dedup)
        summary = DedupSummary()
        for manifest in manifests:
            _apply(manifest, ledger, settings, summary)
    except BaseException:
        index.close()
        raise
    return index, summary


def decide_run(ledger: RunLedger, index: DedupIndex, settings: DedupSettings) -> None:
    """cleaners.dedup.decide over the signatures in the run's ledger, the decisions written to it."""
    for sig, decision in decide_in_order(ledger.groups(index), index, settings):
        ledger.decided(sig, decision)
    for sig in ledger.kept():  # every page of the run counted first: the order of pages does not matter
        template, spam = site_repeats(sig, index, settings)
        if template or spam:
            ledger.repeats(sig, template, spam)


def _read_part(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as part:
        for line in part:
            yield orjson.loads(line)


def _apply(manifest: "BatchManifest", ledger: RunLedger, settings: Settings, summary: DedupSummary) -> None:
    """Rewrite the batch's staged parts: duplicates move to rejected, kept articles lose their
    site's template lines and spam comments and carry their revision."""
    if manifest.articles_part is None:
        return
    decisions = ledger.decisions(manifest.index)
    if all(d.status == "keep" and d.revision == 1 and not template and not spam for d, template, spam in decisions.values()):
        return  # every article kept as it was written: the staged parts stand
    staged = Path(manifest.articles_part)
    stem = staged.name.split("-articles")[0]
    articles = PartWriter(staged.with_name(f"{stem}-articles-final"), settings.output.compress)
    rejected = PartWriter(staged.with_name(f"{stem}-rejected-final"), settings.output.compress)
    tally = BatchTally()  # the report's counts of the rewritten parts

    def reject(record: dict[str, Any]) -> None:
        rejected.write(record)
        tally.add("rejected", record)

    if manifest.rejected_part:
        for record in _read_part(Path(manifest.rejected_part)):
            reject(record)
    changed: dict[str, tuple[str, str]] = {}
    for record in _read_part(staged):
        source = record["provenance"]["source"]
        decision, template, spam = decisions[source]
        if decision.status == "duplicate":
            reject(duplicate_rejection(record, decision))
            changed[source] = ("rejected", "duplicate")
            summary.duplicates += 1
            continue
        record["revision"] = decision.revision
        summary.revisions += decision.revision > 1
        before = len(record["provenance"]["removed"])
        strip_site_repeats(record, template, spam, settings.dedup)
        summary.removed.update(r["reason"] for r in record["provenance"]["removed"][before:])
        if len(record["text"]) < settings.filters.min_text_chars:
            reject(_too_short(record))
            changed[source] = ("rejected", "too_short")
            continue
        articles.write(record)
        tally.add("articles", record)
    for old in (manifest.articles_part, manifest.rejected_part):
        if old:
            Path(old).unlink()
    manifest.articles_part = path_or_none(articles.close())
    manifest.rejected_part = path_or_none(rejected.close())
    ledger.rejected(manifest.index, changed)
    ledger.tallied(manifest.index, tally)


def _too_short(record: dict[str, Any]) -> dict[str, Any]:
    return rejection(record["id"], record["url"], "too_short",
                     f"{record['provenance']['source']}: {len(record['text'])} characters left after removing the "
                     f"site's template lines", record["provenance"])
