"""The run report's counts of a run's records: removals per step and reason, pages by outcome, a
few sample records per reason (flows/report_html.py renders them). Light: a cleaning process
imports it to count its batch's records as it writes them."""
from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import orjson

SAMPLES_PER_REASON = 2
MAX_SAMPLES = 40


@dataclass
class Counts:
    """What a run's records say, counted record by record: removals per (step, reason), pages by outcome."""

    removals: Counter = field(default_factory=Counter)  # (step, reason) -> spans
    removed_chars: Counter = field(default_factory=Counter)
    pages_by_removal: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)  # "article" or "rejected: <reason>" -> pages

    def count(self, kind: str, record: dict[str, Any]) -> list[str]:
        """Count a record of a part of `kind` ("articles" or "rejected"); the reasons it is offered
        as a sample for, in order (twice for a reason two steps removed spans for)."""
        self.outcomes["article" if kind == "articles" else f"rejected: {record['reason']}"] += 1
        offered = []
        seen = set()
        for r in record["provenance"]["removed"]:
            key = (r["step"], r["reason"])
            self.removals[key] += 1
            self.removed_chars[key] += r["chars"]
            if key not in seen:
                seen.add(key)
                self.pages_by_removal[key] += 1
                offered.append(r["reason"])
        if kind == "rejected":
            offered.append(f"rejected: {record['reason']}")
        return offered

    def merge(self, other: "Counts") -> None:
        for mine, theirs in ((self.removals, other.removals), (self.removed_chars, other.removed_chars),
                             (self.pages_by_removal, other.pages_by_removal), (self.outcomes, other.outcomes)):
            mine.update(theirs)


@dataclass
class RunTally(Counts):
    """What the run's records say, counted in one pass over its parts, with a few sample records per reason."""

    samples: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))  # reason -> records

    def add(self, kind: str, record: dict[str, Any]) -> None:
        for reason in self.count(kind, record):
            self._sample(reason, record)

    def _sample(self, reason: str, record: Any) -> None:
        if len(self.samples[reason]) < SAMPLES_PER_REASON and sum(map(len, self.samples.values())) < MAX_SAMPLES:
            self.samples[reason].append(record)

    def removal_rows(self) -> list[dict[str, Any]]:
        """Counts per step and reason, most characters first: for the run report and artifacts."""
        keys = sorted(self.removals, key=lambda k: (-self.removed_chars[k], k))
        return [{"step": step, "reason": reason, "spans": self.removals[(step, reason)],
                 "pages": self.pages_by_removal[(step, reason)], "chars": self.removed_chars[(step, reason)]}
                for step, reason in keys]


@dataclass
class BatchTally(Counts):
    """One batch's share of the run's tally, counted as its parts are written (by its cleaning
    process, or by the dedup step when it rewrites them), so the report sums the batches' counts
    instead of reading every record of the run back (2,000 text pages: 0.18 s, serial at the run's
    end). Its sample candidates are positions in its parts, and only the first SAMPLES_PER_REASON
    of each reason in a part: a later one is never taken (RunTally._sample refuses it, its reason
    full or MAX_SAMPLES reached, as it refused the earlier ones)."""

    offers: list[tuple[int, int, str]] = field(default_factory=list)  # (part: 0 articles, 1 rejected; line; reason)
    lines: list[int] = field(default_factory=lambda: [0, 0])  # records written to each part
    offered: Counter = field(default_factory=Counter)  # (part, reason) -> offers

    def add(self, kind: str, record: dict[str, Any]) -> None:
        part = 0 if kind == "articles" else 1
        line = self.lines[part]
        self.lines[part] += 1
        for reason in self.count(kind, record):
            if self.offered[part, reason] < SAMPLES_PER_REASON:
                self.offered[part, reason] += 1
                self.offers.append((part, line, reason))

    def in_part_order(self) -> list[tuple[int, int, str]]:
        """The offers as the parts are read, articles first (the two parts are written interleaved;
        a stable sort keeps a record's offers in their order)."""
        return sorted(self.offers, key=lambda offer: offer[:2])


def tally_batches(batches: Iterable[tuple[BatchTally, tuple[Path | None, Path | None]]]) -> RunTally:
    """The run's tally from its batches' (in batch order, each with its articles and rejected
    parts): what tally_parts counts reading every part, reading only the parts the samples are in."""
    tally = RunTally()
    wanted: dict[Path, set[int]] = defaultdict(set)
    for batch, parts in batches:
        tally.merge(batch)
        for part, line, reason in batch.in_part_order():
            tally._sample(reason, (parts[part], line))
    for positions in tally.samples.values():
        for path, line in positions:
            wanted[path].add(line)
    records = {(path, line): record for path, lines in wanted.items() for line, record in _lines_of(path, lines)}
    for reason, positions in tally.samples.items():
        tally.samples[reason] = [records[position] for position in positions]  # one object per record, as read
    return tally


def _lines_of(path: Path, lines: set[int]) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number from 0, record) of the records of a part at `lines`."""
    last = max(lines)
    for number, (_, record) in enumerate(read_records([("", path)])):
        if number in lines:
            yield number, record
        if number >= last:
            return


def read_records(parts: list[tuple[str, Path]]) -> Iterator[tuple[str, dict[str, Any]]]:
    """('articles' | 'rejected', record) for every record of the given parts, in order."""
    for kind, path in parts:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rb") as handle:
            for line in handle:
                if line.strip():
                    yield kind, orjson.loads(line)


def tally_parts(parts: list[tuple[str, Path]]) -> RunTally:
    tally = RunTally()
    for kind, record in read_records(parts):
        tally.add(kind, record)
    return tally
