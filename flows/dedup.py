"""The run's dedup step, between cleaning and publishing: decide over every article of the run
against the state database, then rewrite each batch's staged parts with the decisions applied."""
from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import orjson

from cleaners.dedup import Decisions, decide, duplicate_rejection, strip_site_repeats
from cleaners.document import rejection

from .config import Settings
from .sinks import PartWriter, path_or_none
from .state import StateIndex

if TYPE_CHECKING:
    from .run import BatchManifest


@dataclass
class DedupSummary:
    duplicates: int = 0  # rejected: same text, near-identical text, or an unchanged re-crawl
    revisions: int = 0  # kept as a new revision of an article already in the feed
    removed: Counter = field(default_factory=Counter)  # template lines and site-wide spam comments

    def as_dict(self) -> dict[str, Any]:
        return {"duplicates": self.duplicates, "revisions": self.revisions, "removed": dict(sorted(self.removed.items()))}


def deduplicate(manifests: list["BatchManifest"], db: Path, settings: Settings) -> tuple[StateIndex, DedupSummary]:
    """Decide over the run's articles and apply the decisions to the staged parts. The returned
    index holds the run's additions uncommitted: the caller commits them once the parts are
    published, or closes it (and nothing is remembered)."""
    index = StateIndex(db, settings.dedup)
    try:
        decisions = decide([s for m in manifests for s in m.signatures], index, settings.dedup)
        summary = DedupSummary()
        for manifest in manifests:
            _apply(manifest, decisions, settings, summary)
            manifest.signatures = []  # decided: no longer needed
    except BaseException:
        index.close()
        raise
    return index, summary


def _read_part(path: Path) -> Iterator[dict[str, Any]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as part:
        for line in part:
            yield orjson.loads(line)


def _apply(manifest: "BatchManifest", decisions: Decisions, settings: Settings, summary: DedupSummary) -> None:
    """Rewrite the batch's staged parts: duplicates move to rejected, kept articles lose their
    site's template lines and spam comments and carry their revision."""
    if manifest.articles_part is None or not _touched(manifest, decisions):
        return  # every article kept as it was written: the staged parts stand
    staged = Path(manifest.articles_part)
    stem = staged.name.split("-articles")[0]
    articles = PartWriter(staged.with_name(f"{stem}-articles-final"), settings.output.compress)
    rejected = PartWriter(staged.with_name(f"{stem}-rejected-final"), settings.output.compress)
    if manifest.rejected_part:
        for record in _read_part(Path(manifest.rejected_part)):
            rejected.write(record)
    changed: dict[str, tuple[str, str]] = {}
    for record in _read_part(staged):
        source = record["provenance"]["source"]
        decision = decisions.by_source[source]
        if decision.status == "duplicate":
            rejected.write(duplicate_rejection(record, decision))
            changed[source] = ("rejected", "duplicate")
            summary.duplicates += 1
            continue
        record["revision"] = decision.revision
        summary.revisions += decision.revision > 1
        before = len(record["provenance"]["removed"])
        strip_site_repeats(record, decisions.template_lines.get(source, set()),
                           decisions.spam_comments.get(source, set()), settings.dedup)
        summary.removed.update(r["reason"] for r in record["provenance"]["removed"][before:])
        if len(record["text"]) < settings.filters.min_text_chars:
            rejected.write(_too_short(record))
            changed[source] = ("rejected", "too_short")
            continue
        articles.write(record)
    for old in (manifest.articles_part, manifest.rejected_part):
        if old:
            Path(old).unlink()
    manifest.articles_part = path_or_none(articles.close())
    manifest.rejected_part = path_or_none(rejected.close())
    manifest.outcomes = [(sha, src, *changed.get(src, (kind, reason)), rid) for sha, src, kind, reason, rid in manifest.outcomes]


def _touched(manifest: "BatchManifest", decisions: Decisions) -> bool:
    for _, source, kind, _, _ in manifest.outcomes:
        decision = decisions.by_source.get(source) if kind == "article" else None
        if decision is not None and (decision.status != "keep" or decision.revision != 1 or
                                     source in decisions.template_lines or source in decisions.spam_comments):
            return True
    return False


def _too_short(record: dict[str, Any]) -> dict[str, Any]:
    return rejection(record["id"], record["url"], "too_short",
                     f"{record['provenance']['source']}: {len(record['text'])} characters left after removing the "
                     f"site's template lines", record["provenance"])
