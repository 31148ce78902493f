"""What a run did to each of its pages, kept on disk while it runs: clean/.staging/<run>/ledger.sqlite.

Every batch's manifest brings back a line per page (its outcome) and a dedup signature per article.
Held in the flow's memory until the run's end they cost about 3 KB a page, several GB for a run of
a million pages; here they cost disk, and the flow's memory stays what one batch needs. The dedup
step reads the signatures back in the order it decides them (cleaners.dedup.decide_in_order) and
writes its decisions here; the plan, the commit and the report read the outcomes.

Scratch: it lives in the run's staging folder, is removed with it, and is never read after a crash
(a run that did not reach its commit point is cleaned again; one that did has its plan in the journal).
"""
from __future__ import annotations

import pickle
import sqlite3
from array import array
from collections import Counter
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from cleaners.dedup import Decision, DedupIndex, Signature

from .tally import BatchTally

if TYPE_CHECKING:
    from .run import BatchManifest

SCHEMA = """
CREATE TABLE outcomes (batch INTEGER NOT NULL, seq INTEGER NOT NULL, sha256 TEXT, source TEXT NOT NULL,
    kind TEXT NOT NULL, reason TEXT, record_id TEXT NOT NULL, PRIMARY KEY (batch, seq)) WITHOUT ROWID;
CREATE TABLE signatures (source TEXT PRIMARY KEY, batch INTEGER NOT NULL, id TEXT NOT NULL, site TEXT,
    fetched_at TEXT, length INTEGER NOT NULL, text_key TEXT NOT NULL, content_key TEXT NOT NULL,
    minhash BLOB NOT NULL, buckets BLOB NOT NULL, lines BLOB NOT NULL, comments BLOB NOT NULL);
CREATE INDEX signatures_by_batch ON signatures (batch);
-- per article id of the run: its latest revision in the feed before the run (NULL: new), and the
-- policy key of its first page (Signature.policy_key), which orders the groups
CREATE TABLE articles (id TEXT PRIMARY KEY, revision INTEGER, content_key TEXT, unknown_fetch INTEGER NOT NULL,
    fetched TEXT NOT NULL, minus_length INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE decisions (source TEXT PRIMARY KEY, status TEXT NOT NULL, revision INTEGER NOT NULL,
    duplicate_of TEXT, detail TEXT NOT NULL) WITHOUT ROWID;
-- the site's template lines and spam comments in a kept article (hash64 arrays)
CREATE TABLE repeats (source TEXT PRIMARY KEY, template BLOB NOT NULL, spam BLOB NOT NULL) WITHOUT ROWID;
-- the report's counts of each batch's parts (flows/tally.py BatchTally, pickled), as they were written
CREATE TABLE tallies (batch INTEGER PRIMARY KEY, tally BLOB NOT NULL);
"""
SIGNATURE_COLUMNS = ("s.id, s.source, s.site, s.fetched_at, s.length, s.text_key, s.content_key, s.minhash, "
                     "s.buckets, s.lines, s.comments")  # Signature's fields, in order (_signature reads them)
# Signature.policy_key in SQL: SQLite compares text as UTF-8 bytes, which orders as Python orders str
POLICY_ORDER = "s.fetched_at IS NULL, COALESCE(s.fetched_at, ''), -s.length, s.id, s.source"
CHUNK = 2000  # rows written at once
LEDGER = "ledger.sqlite"  # in the run's staging folder


def open_scratch_db(path: Path, cache_kib: int) -> sqlite3.Connection:
    """A new SQLite file for a run's scratch (the ledger, the input listing): any earlier one at
    `path` replaced; no journal, no fsync (never read after a crash); a page cache of `cache_kib`
    (the point is to keep the flow's memory flat)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -{int(cache_kib)};")
    return conn


class RunLedger:
    """The run's pages, by batch: outcomes, signatures, and the dedup step's decisions."""

    def __init__(self, path: Path):
        self.conn = open_scratch_db(path, 16384)
        self.conn.executescript(SCHEMA)
        self._decided: list[tuple] = []
        self._repeated: list[tuple] = []

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # --- while batches finish -------------------------------------------------------------
    def add(self, manifest: "BatchManifest") -> None:
        """Take over the manifest's outcomes, signatures and tally (it keeps its counts and parts)."""
        with self._transaction():
            self._add(manifest)
            if manifest.tally is not None:
                self.tallied(manifest.index, manifest.tally)
        manifest.outcomes, manifest.signatures, manifest.tally = [], [], None

    def _add(self, manifest: "BatchManifest") -> None:
        self.conn.executemany("INSERT INTO outcomes VALUES (?, ?, ?, ?, ?, ?, ?)",
                              [(manifest.index, seq, *o) for seq, o in enumerate(manifest.outcomes)])
        self.conn.executemany(
            "INSERT INTO signatures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(s.source, manifest.index, s.id, s.site, s.fetched_at, s.length, s.text_key, s.content_key, s.minhash,
              s.buckets.tobytes(), s.lines.tobytes(), s.comments.tobytes()) for s in manifest.signatures])

    # --- the dedup step ---------------------------------------------------------------------
    def groups(self, index: DedupIndex) -> Iterator[tuple[list[Signature], tuple[int, str] | None]]:
        """The run's signatures grouped by article id, in deciding order (see decide_in_order), each
        group with the article's latest revision in `index` before the run (read here, first)."""
        self._note_articles(index)
        rows = self.conn.execute(
            f"SELECT {SIGNATURE_COLUMNS}, a.revision, a.content_key FROM signatures s JOIN articles a ON a.id = s.id "
            f"ORDER BY a.revision IS NULL, a.unknown_fetch, a.fetched, a.minus_length, {POLICY_ORDER}")
        group: list[Signature] = []
        current: tuple[int, str] | None = None
        for row in rows:
            sig = _signature(row)
            if group and sig.id != group[0].id:
                yield group, current
                group = []
            group.append(sig)
            current = (row[11], row[12]) if row[11] is not None else None
        if group:
            yield group, current

    def _note_articles(self, index: DedupIndex) -> None:
        """Each article id of the run, with its latest revision before the run and its first page's
        policy key, read in one pass over the signatures sorted by id."""
        rows = self.conn.execute(f"SELECT s.id, s.fetched_at IS NULL, COALESCE(s.fetched_at, ''), -s.length "
                                 f"FROM signatures s ORDER BY s.id, {POLICY_ORDER}")
        first = _first_of_each(rows)
        while chunk := list(islice(first, CHUNK)):
            with self._transaction():
                self.conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?)",
                                      [(i, *(index.latest(i) or (None, None)), unknown, fetched, minus)
                                       for i, unknown, fetched, minus in chunk])

    def decided(self, sig: Signature, decision: Decision) -> None:
        self._decided.append((sig.source, decision.status, decision.revision, decision.duplicate_of, decision.detail))
        if len(self._decided) >= CHUNK:
            self._flush()

    def kept(self) -> Iterator[Signature]:
        """The signatures of the articles kept, once every decision is in."""
        self._flush()
        rows = self.conn.execute(f"SELECT {SIGNATURE_COLUMNS} FROM signatures s JOIN decisions d ON d.source = s.source "
                                 f"WHERE d.status = 'keep' ORDER BY s.source")
        yield from map(_signature, rows)

    def repeats(self, sig: Signature, template: set[int], spam: set[int]) -> None:
        """The site's template lines and spam comments found in a kept article."""
        self._repeated.append((sig.source, _hashes(template), _hashes(spam)))
        if len(self._repeated) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        if not self._decided and not self._repeated:
            return
        with self._transaction():
            self.conn.executemany("INSERT INTO decisions VALUES (?, ?, ?, ?, ?)", self._decided)
            self.conn.executemany("INSERT INTO repeats VALUES (?, ?, ?)", self._repeated)
        self._decided, self._repeated = [], []

    def decisions(self, batch: int) -> dict[str, tuple[Decision, set[int], set[int]]]:
        """The batch's articles by source: (decision, template lines, spam comments)."""
        self._flush()
        rows = self.conn.execute("SELECT d.source, d.status, d.revision, d.duplicate_of, d.detail, r.template, r.spam "
                                 "FROM signatures s JOIN decisions d ON d.source = s.source "
                                 "LEFT JOIN repeats r ON r.source = s.source WHERE s.batch = ?", (batch,))
        return {source: (Decision(status, revision, duplicate_of, detail), _set(template), _set(spam))
                for source, status, revision, duplicate_of, detail, template, spam in rows}

    def rejected(self, batch: int, changed: dict[str, tuple[str, str]]) -> None:
        """Articles of the batch the dedup step turned into rejected records: (kind, reason) by source."""
        with self._transaction():
            self.conn.executemany("UPDATE outcomes SET kind = ?, reason = ? WHERE batch = ? AND source = ?",
                                  [(kind, reason, batch, source) for source, (kind, reason) in sorted(changed.items())])

    def tallied(self, batch: int, tally: BatchTally) -> None:
        """The report's counts of the batch's parts as written (again when the dedup step rewrites them)."""
        self.conn.execute("INSERT OR REPLACE INTO tallies VALUES (?, ?)", (batch, pickle.dumps(tally)))

    # --- the plan, the commit, the report ---------------------------------------------------
    def tallies(self) -> dict[int, BatchTally]:
        """The batches' tallies by batch (a batch whose manifest brought none has no entry)."""
        return {batch: pickle.loads(blob) for batch, blob in self.conn.execute("SELECT batch, tally FROM tallies")}

    def counts(self) -> Counter:
        """Records by (batch, kind)."""
        return Counter({(batch, kind): n for batch, kind, n in
                        self.conn.execute("SELECT batch, kind, COUNT(*) FROM outcomes GROUP BY batch, kind")})

    def rejected_by_reason(self) -> dict[str, int]:
        return dict(self.conn.execute("SELECT reason, COUNT(*) FROM outcomes WHERE kind = 'rejected' "
                                      "GROUP BY reason ORDER BY reason"))

    def processed(self, run_id: str) -> Iterator[tuple]:
        """The state database's `processed` rows of the run's pages (those with raw bytes)."""
        rows = self.conn.execute("SELECT sha256, source, kind, reason, record_id FROM outcomes "
                                 "WHERE sha256 IS NOT NULL AND sha256 != '' ORDER BY batch, seq")
        return ((*row, run_id) for row in rows)


def _signature(row: tuple) -> Signature:
    return Signature(id=row[0], source=row[1], site=row[2], fetched_at=row[3], length=row[4], text_key=row[5],
                     content_key=row[6], minhash=bytes(row[7]), buckets=array("q", row[8]), lines=array("q", row[9]),
                     comments=array("q", row[10]))


def _first_of_each(rows: Iterable[tuple]) -> Iterator[tuple]:
    """The first row of each run of rows with the same first column."""
    previous = None
    for row in rows:
        if row[0] != previous:
            previous = row[0]
            yield row


def _hashes(values: set[int]) -> bytes:
    return array("q", sorted(values)).tobytes()


def _set(blob: bytes | None) -> set[int]:
    return set(array("q", blob)) if blob else set()


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
