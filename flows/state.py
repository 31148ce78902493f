"""What earlier runs did, in an embedded SQLite database: clean/state/winnow.sqlite.

- `processed`: every raw record handled, by raw sha256 (a later run skips it);
- `articles`, `text_keys`, `lsh`, `minhashes`: the kept articles' latest revision and signatures,
  so a later run deduplicates against everything before it;
- `site_comments`, `site_lines`: which pages of each site carried a comment, how many a line.

Workers only read `processed`; the flow reads the rest and writes everything in one transaction,
after the run's parts are published: a run that does not finish its writes changes nothing.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

from cleaners.dedup import Decisions, Signature, band_keys
from cleaners.settings import DedupSettings

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outcome TEXT NOT NULL,      -- article | rejected
    reason TEXT,                -- the rejection reason
    record_id TEXT NOT NULL,
    run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    revision INTEGER NOT NULL,
    content_key TEXT NOT NULL,  -- text and comments of the latest revision
    site TEXT,
    run_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS text_keys (key TEXT PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lsh (band INTEGER NOT NULL, bucket INTEGER NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (band, bucket, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minhashes (id TEXT PRIMARY KEY, minhash BLOB NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_comments (site TEXT NOT NULL, hash INTEGER NOT NULL, id TEXT NOT NULL,
    PRIMARY KEY (site, hash, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS site_lines (site TEXT NOT NULL, hash INTEGER NOT NULL, pages INTEGER NOT NULL,
    PRIMARY KEY (site, hash)) WITHOUT ROWID;
"""


def state_path(clean_dir: Path) -> Path:
    return clean_dir / "state" / "winnow.sqlite"


def _connect(db: Path) -> sqlite3.Connection:
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    return conn


class SeenInputs:
    """Read-only view for workers: has this raw record been processed before?"""

    def __init__(self, db: Path):
        self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True) if db.exists() else None

    def __contains__(self, sha256: str) -> bool:
        if self._conn is None:
            return False
        row = self._conn.execute("SELECT 1 FROM processed WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()


def _chunks(items: list, size: int = 500) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


class StateIndex:
    """The dedup index of earlier runs (cleaners.dedup.PriorIndex) on the state database."""

    def __init__(self, db: Path, settings: DedupSettings):
        self.settings = settings
        self.conn = _connect(db)

    def close(self) -> None:
        self.conn.close()

    def latest(self, article_id: str) -> tuple[int, str] | None:
        row = self.conn.execute("SELECT revision, content_key FROM articles WHERE id = ?", (article_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def exact(self, key: str) -> str | None:
        row = self.conn.execute("SELECT id FROM text_keys WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def candidates(self, keys: list[tuple[int, int]]) -> set[str]:
        found: set[str] = set()
        for band, bucket in keys:
            found.update(r[0] for r in self.conn.execute(
                "SELECT id FROM lsh WHERE band = ? AND bucket = ?", (band, bucket)))
        return found

    def minhash(self, article_id: str) -> bytes | None:
        row = self.conn.execute("SELECT minhash FROM minhashes WHERE id = ?", (article_id,)).fetchone()
        return bytes(row[0]) if row else None

    def comment_pages(self, site: str, hashes: Iterable[int]) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for chunk in _chunks(sorted(hashes)):
            marks = ",".join("?" * len(chunk))
            for h, article in self.conn.execute(
                    f"SELECT hash, id FROM site_comments WHERE site = ? AND hash IN ({marks})", (site, *chunk)):
                found.setdefault(h, set()).add(article)
        return found

    def line_pages(self, site: str, hashes: Iterable[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for chunk in _chunks(sorted(hashes)):
            marks = ",".join("?" * len(chunk))
            found.update(self.conn.execute(
                f"SELECT hash, pages FROM site_lines WHERE site = ? AND hash IN ({marks})", (site, *chunk)))
        return found


def record_run(db: Path, processed: list[tuple], signatures: list[Signature], decisions: Decisions | None,
               run_id: str, settings: DedupSettings) -> None:
    """Remember a completed run in one transaction: its inputs, and what it kept."""
    conn = _connect(db)
    try:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO processed VALUES (?, ?, ?, ?, ?, ?)", processed)
            if decisions is not None:
                _remember_articles(conn, signatures, decisions, run_id, settings)
    finally:
        conn.close()


def _remember_articles(conn: sqlite3.Connection, signatures: list[Signature], decisions: Decisions, run_id: str,
                       settings: DedupSettings) -> None:
    for sig in signatures:
        decision = decisions.by_source.get(sig.source)
        if decision is None or decision.status != "keep":
            continue
        conn.execute("INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?)",
                     (sig.id, decision.revision, sig.content_key, sig.site, run_id))
        conn.execute("INSERT OR IGNORE INTO text_keys VALUES (?, ?)", (sig.text_key, sig.id))
        conn.execute("INSERT OR REPLACE INTO minhashes VALUES (?, ?)", (sig.id, sig.minhash))
        conn.executemany("INSERT OR IGNORE INTO lsh VALUES (?, ?, ?)",
                         [(band, bucket, sig.id) for band, bucket in band_keys(sig.minhash, settings)])
        if not sig.site:
            continue
        conn.executemany("INSERT OR IGNORE INTO site_comments VALUES (?, ?, ?)",
                         [(sig.site, h, sig.id) for h in sig.comments])
        if sig.id in decisions.new_ids and decision.revision == 1:
            conn.executemany("INSERT INTO site_lines VALUES (?, ?, 1) ON CONFLICT (site, hash) "
                             "DO UPDATE SET pages = pages + 1", [(sig.site, h) for h in sig.lines])
