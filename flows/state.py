"""What earlier runs did, in an embedded SQLite database: clean/state/winnow.sqlite.

- `processed`: every raw record handled, by raw sha256 and place (`source`: file path, and line or
  record number): a later run skips the same bytes at the same place. The same bytes at another
  place are cleaned again (an exact copy is then rejected as a duplicate), so that every input
  record of every run is accounted for in the feed;
- `articles`, `text_keys`, `lsh`: the kept articles' latest revision, text key and MinHash, and
  their LSH buckets, so a run deduplicates against everything before it;
- `site_comments`, `site_lines`: which pages of each site carried a comment, how many a line.

- `journal`: the runs committed whose publication is not finished (see below).

Workers only read `processed`. The flow's dedup step adds the run's articles inside one open
transaction; the run commits it, with the run's inputs and its journal row, once every part is
staged. That commit is the run's commit point: before it a crash changes nothing (the next run
removes the staged parts and cleans the same inputs again); after it the journal row names every
staged part, its place in the feed and the run report, and the next run finishes the publication
(`flows.run.recover`) before it starts. A part is therefore never published without its inputs
being remembered, nor remembered without being published.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from array import array
from typing import Iterable

from cleaners.dedup import Signature
from cleaners.settings import DedupSettings

SCHEMA_VERSION = 3  # 1: `processed` only; 2: keyed by sha256 alone
PROCESSED = """
CREATE TABLE IF NOT EXISTS processed (
    sha256 TEXT NOT NULL,
    source TEXT NOT NULL,
    outcome TEXT NOT NULL,      -- article | rejected
    reason TEXT,                -- the rejection reason
    record_id TEXT NOT NULL,
    run_id TEXT NOT NULL,
    PRIMARY KEY (sha256, source)
) WITHOUT ROWID;
"""
SCHEMA = PROCESSED + """
CREATE TABLE IF NOT EXISTS articles (
    num INTEGER PRIMARY KEY,    -- short key for the LSH table
    id TEXT NOT NULL UNIQUE,
    revision INTEGER NOT NULL,
    content_key TEXT NOT NULL,  -- text and comments of the latest revision
    minhash BLOB NOT NULL       -- of the latest revision
);
CREATE TABLE IF NOT EXISTS text_keys (key TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsh (bucket INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY (bucket, num)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_comments (site TEXT NOT NULL, hash INTEGER NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (site, hash, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_lines (site TEXT NOT NULL, hash INTEGER NOT NULL, pages INTEGER NOT NULL,
    PRIMARY KEY (site, hash)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS journal (
    run_id TEXT PRIMARY KEY,    -- a run committed, its publication not finished
    plan BLOB NOT NULL          -- JSON: the parts (staged path, feed path, manifest entry) and the run report
);
"""


def state_path(clean_dir: Path) -> Path:
    return clean_dir / "state" / "winnow.sqlite"


class StateUnreadable(OSError):
    """The state database is damaged: a message for the user, naming it and what to do."""


def _connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA schema_version").fetchone()  # reads the first page: a damaged file fails here
    except sqlite3.DatabaseError as exc:
        conn.close()
        if "disk is full" in str(exc):
            raise
        raise StateUnreadable(
            f"{db}: the feed's state database cannot be read ({exc}). It holds which inputs were cleaned and the "
            "dedup index: restore it from a backup, or clean into a new feed folder") from None
    # The index is read at random (LSH buckets): a page cache of up to 128 MB keeps a big state
    # from going to the disk for every lookup. Used as needed, not allocated up front.
    conn.execute("PRAGMA cache_size = -131072")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < 2:
        # dedup tables of a development version, shaped otherwise: rebuilt (`processed` is kept)
        conn.executescript("DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS text_keys; DROP TABLE IF EXISTS lsh; "
                           "DROP TABLE IF EXISTS minhashes; DROP TABLE IF EXISTS site_comments; "
                           "DROP TABLE IF EXISTS site_lines;")
    if version < 3 and conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'processed'").fetchone():
        # `processed` keyed by sha256 alone: the same rows, keyed by sha256 and source
        conn.executescript("BEGIN; ALTER TABLE processed RENAME TO processed_v2;" + PROCESSED +
                           "INSERT OR IGNORE INTO processed SELECT * FROM processed_v2; DROP TABLE processed_v2; COMMIT;")
    if version < SCHEMA_VERSION:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.executescript(SCHEMA)
    return conn


class SeenInputs:
    """Read-only view for workers: has this raw record (these bytes at this place) been processed before?"""

    def __init__(self, db: Path):
        self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True) if db.exists() else None

    def __contains__(self, record: tuple[str, str]) -> bool:
        """`(sha256, source)` in seen."""
        if self._conn is None:
            return False
        row = self._conn.execute("SELECT 1 FROM processed WHERE sha256 = ? AND source = ?", record).fetchone()
        return row is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


class StateIndex:
    """The dedup index (cleaners.dedup.DedupIndex) on the state database. What a run adds stays in
    one open transaction: `commit` makes it last, with the run's processed inputs, once the run's
    parts are published; closing without it (a crash, an error) leaves the state as it was."""

    def __init__(self, db: Path, settings: DedupSettings):
        self.settings = settings
        self.conn = _connect(db)
        self.conn.execute("BEGIN IMMEDIATE")  # one writer: a second run waits for this one

    def commit(self, processed: Iterable[tuple], journal: tuple[str, bytes] | None = None) -> None:
        _remember_inputs(self.conn, processed)
        if journal is not None:
            self.conn.execute("INSERT INTO journal VALUES (?, ?)", journal)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()  # without commit: rolled back

    def latest(self, article_id: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT revision, content_key FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def exact(self, key: str) -> str | None:
        row = self.conn.execute("SELECT id FROM text_keys WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def candidates(self, buckets: array) -> dict[str, bytes]:
        marks = ",".join("?" * len(buckets))
        rows = self.conn.execute(f"SELECT DISTINCT a.id, a.minhash FROM lsh JOIN articles a ON a.num = lsh.num "
                                 f"WHERE lsh.bucket IN ({marks})", tuple(buckets))
        return {article_id: bytes(sketch) for article_id, sketch in rows}

    def add(self, sig: Signature, revision: int, first: bool) -> None:
        self.conn.execute(
            "INSERT INTO articles (id, revision, content_key, minhash) VALUES (?, ?, ?, ?) ON CONFLICT (id) "
            "DO UPDATE SET revision = excluded.revision, content_key = excluded.content_key, "
            "minhash = excluded.minhash", (sig.id, revision, sig.content_key, sig.minhash))
        num = self.conn.execute("SELECT num FROM articles WHERE id = ?", (sig.id,)).fetchone()[0]
        self.conn.execute("INSERT OR IGNORE INTO text_keys VALUES (?, ?)", (sig.text_key, sig.id))
        self.conn.executemany("INSERT OR IGNORE INTO lsh VALUES (?, ?)", [(b, num) for b in sig.buckets])
        if not sig.site:
            return
        self.conn.executemany("INSERT OR IGNORE INTO site_comments VALUES (?, ?, ?)",
                              [(sig.site, h, sig.id) for h in sig.comments])
        if first:  # a page's lines count once, when it first enters the feed
            self.conn.executemany("INSERT INTO site_lines VALUES (?, ?, 1) ON CONFLICT (site, hash) "
                                  "DO UPDATE SET pages = pages + 1", [(sig.site, h) for h in sig.lines])

    def line_pages(self, site: str, hashes: array) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in _chunks(list(hashes)):
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT hash, pages FROM site_lines WHERE site = ? AND hash IN ({marks})", (site, *chunk)))
        return found

    def comment_pages(self, site: str, hashes: array, enough: int) -> dict[int, int]:
        # counted up to `enough`: a spam comment under thousands of pages costs no more than under three
        return {h: self.conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM site_comments WHERE site = ? AND hash = ? "
                                     "LIMIT ?)", (site, h, enough)).fetchone()[0] for h in hashes}


def record_processed(db: Path, processed: Iterable[tuple], journal: tuple[str, bytes] | None = None) -> None:
    """Remember a run's inputs (when dedup is off, that is all a run remembers), with its journal row."""
    conn = _connect(db)
    try:
        with conn:
            _remember_inputs(conn, processed)
            if journal is not None:
                conn.execute("INSERT INTO journal VALUES (?, ?)", journal)
    finally:
        conn.close()


def open_journal(db: Path) -> list[tuple[str, bytes]]:
    """The runs committed whose publication did not finish (a crash), oldest first."""
    if not db.exists():
        return []
    conn = _connect(db)
    try:
        return [(run_id, bytes(plan)) for run_id, plan in conn.execute("SELECT run_id, plan FROM journal ORDER BY rowid")]
    finally:
        conn.close()


def close_journal(db: Path, run_id: str) -> None:
    """The run's publication is finished: forget its journal row."""
    conn = _connect(db)
    try:
        with conn:
            conn.execute("DELETE FROM journal WHERE run_id = ?", (run_id,))
    finally:
        conn.close()


def _remember_inputs(conn: sqlite3.Connection, processed: Iterable[tuple]) -> None:
    """(sha256, source, outcome, reason, record id, run id) rows."""
    conn.executemany("INSERT OR REPLACE INTO processed VALUES (?, ?, ?, ?, ?, ?)", processed)


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
