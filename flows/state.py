"""What earlier runs processed, by raw sha256, in an embedded SQLite database under clean/state/.

Workers only read it; the flow writes it once, after the run's parts are published."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Iterable

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed (
    sha256 TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outcome TEXT NOT NULL,      -- article | rejected
    reason TEXT,                -- the rejection reason
    record_id TEXT NOT NULL,
    run_id TEXT NOT NULL
);
"""


def state_path(clean_dir: Path) -> Path:
    return clean_dir / "state" / "winnow.sqlite"


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


def record_processed(db: Path, rows: Iterable[tuple[str, str, str, str | None, str, str]]) -> None:
    """Remember (sha256, source, outcome, reason, record_id, run_id) rows in one transaction."""
    db.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.executescript(SCHEMA)
        with conn:
            conn.executemany("INSERT OR REPLACE INTO processed VALUES (?, ?, ?, ?, ?, ?)", rows)
    finally:
        conn.close()
