"""The run's inputs cut into batches, kept on disk while the run lasts: clean/.staging/<run>/inputs.sqlite.

A crawl saved one page per file is common, and such a folder can hold millions of files. Listed,
cut into batches and made into batch specs as Python objects, its files cost about 350 bytes each
for the whole run (350 MB a million). Here the listing goes to SQLite as the folder is walked, is
read back sorted by relative path (batches are cut in that order whatever the file system's), and
each batch's files are read when the batch starts: the flow's memory holds a number per batch
(its estimated work) and the files of the batches running.

Scratch, like the run ledger (flows/ledger.py): removed with the staging folder, never read after a
crash (the next run lists the folder again).
"""
from __future__ import annotations

import os
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

from .ledger import CHUNK, open_scratch_db
from .sources import InputFile, kind_of, split_records, strided_size, walk_inputs

PLAN = "inputs.sqlite"  # in the run's staging folder
SPREAD_BATCHES = 16  # a small run is still cut into this many batches, so every core gets work
MIN_BATCH_PAGES, MIN_BATCH_BYTES = 20, 1_000_000  # ... but no batch smaller than this (a second or so of work)
# What cleaning a file costs, roughly, in pages: an HTML page of 400 KB takes about one and a half
# times one of 30 KB (the per-page work dominates: extraction, metadata, language); a file of records
# (JSONL, WARC) is counted by its bytes, since its records are not counted before it is read.
PAGE_EQUIVALENT_BYTES = 800_000
RECORD_BYTES = 50_000

# rel is kept as UTF-8 bytes ('surrogatepass': a name that is not UTF-8 is carried as surrogates),
# which SQLite compares as memcmp does: the order of the bytes is the order Python gives the str
SCHEMA = """
CREATE TABLE files (rel BLOB PRIMARY KEY, size INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE pieces (batch INTEGER NOT NULL, seq INTEGER NOT NULL, rel BLOB NOT NULL, start INTEGER NOT NULL,
    stop INTEGER, first_line INTEGER NOT NULL, PRIMARY KEY (batch, seq)) WITHOUT ROWID;
"""

BatchFiles = tuple[tuple[str, int, "int | None", int], ...]  # (path, start byte, end byte, first line), as BatchSpec.files


def batch_limits(files: int, total_bytes: int, pages: int, size: int) -> tuple[int, int]:
    """The run's batch limits: the configured ones (pages bound batches of small text pages, bytes
    bound batches of large HTML pages), lowered for a small run to spread it over SPREAD_BATCHES
    batches. They depend on the inputs only, never on the worker count, so the parts written are
    the same whatever the number of workers."""
    pages = min(pages, max(MIN_BATCH_PAGES, -(-files // SPREAD_BATCHES)))
    size = min(size, max(MIN_BATCH_BYTES, -(-total_bytes // SPREAD_BATCHES)))
    return pages, size


def plan_batches(files: Iterable[InputFile], pages: int, size: int) -> Iterator[list[InputFile]]:
    """Consecutive files grouped until a batch holds `pages` files or `size` bytes."""
    current: list[InputFile] = []
    current_bytes = 0
    for file in files:
        if current and (len(current) >= pages or current_bytes + file.size > size):
            yield current
            current, current_bytes = [], 0
        current.append(file)
        current_bytes += file.size
    if current:
        yield current


def estimated_pages(file: InputFile) -> float:
    if kind_of(file.rel)[0] in ("html", "text"):
        return 1 + file.size / PAGE_EQUIVALENT_BYTES
    return file.size / RECORD_BYTES


def biggest_first(work: list[float]) -> list[int]:
    """The batches' numbers in the order to start them: the most work first, so that a run does not
    end with one worker on a big batch while the others wait. The parts are written in batch order
    whatever the order batches finish in."""
    return sorted(range(len(work)), key=lambda index: (-work[index], index))


def _blob(rel: str) -> bytes:
    return rel.encode("utf-8", "surrogatepass")


def _rel(blob: bytes) -> str:
    return blob.decode("utf-8", "surrogatepass")


class BatchPlan:
    """The files under a raw folder, sorted and cut into batches (`plan_batches` with
    `batch_limits`); a large JSONL file is cut into pieces first (`split_records`)."""

    def __init__(self, path: Path, raw_dir: Path, pages: int, size: int, feed: Path | None = None):
        self.conn = open_scratch_db(path, 8192)
        try:
            self.conn.executescript(SCHEMA)
            self.files, total_bytes = self._list(raw_dir, feed)
            self.pages, self.size = batch_limits(self.files, total_bytes, pages, size)
            self.work: list[float] = []  # estimated pages of each batch, by number
            self._cut(raw_dir)
        except BaseException:  # an unreadable raw folder, an interrupt: the caller never gets the plan to close
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __len__(self) -> int:
        return len(self.work)

    def _list(self, raw_dir: Path, feed: Path | None) -> tuple[int, int]:
        self._record_files: list[int] = []  # inflated sizes of the files strided pieces could be cut from

        def found_file(file: InputFile) -> tuple[bytes, int]:
            if (inflated := strided_size(file)) is not None:
                self._record_files.append(inflated)
            return _blob(file.rel), file.size

        found = (found_file(f) for f in walk_inputs(raw_dir, feed))
        self.conn.execute("BEGIN")
        while chunk := list(islice(found, CHUNK)):
            self.conn.executemany("INSERT INTO files VALUES (?, ?)", chunk)
        self.conn.execute("COMMIT")
        count, total = self.conn.execute("SELECT count(*), coalesce(sum(size), 0) FROM files").fetchone()
        return count, total

    def _sorted_files(self, raw_dir: Path) -> Iterator[InputFile]:
        root = str(raw_dir)
        # a cursor of its own: SQLite lets it read while the same connection writes another table
        for blob, size in self.conn.execute("SELECT rel, size FROM files ORDER BY rel"):
            rel = _rel(blob)
            yield InputFile(path=os.path.join(root, rel), rel=rel, size=size)

    def _cut(self, raw_dir: Path) -> None:
        # strided pieces only as many as spread the run over SPREAD_BATCHES batches: each inflates its
        # whole file, so a run of many big archives (Common Crawl's) gets its spread from its files
        big = sum(1 for inflated in self._record_files if inflated > self.size)
        most = max(1, -(-SPREAD_BATCHES // big)) if big else 1
        pieces = (piece for file in self._sorted_files(raw_dir) for piece in split_records(file, self.size, most))
        self.conn.execute("BEGIN")
        for index, batch in enumerate(plan_batches(pieces, self.pages, self.size)):
            self.conn.executemany("INSERT INTO pieces VALUES (?, ?, ?, ?, ?, ?)",
                                  [(index, seq, _blob(p.rel), p.start, p.end, p.first_line) for seq, p in enumerate(batch)])
            self.work.append(sum(map(estimated_pages, batch)))
        self.conn.execute("COMMIT")

    def order(self) -> list[int]:
        return biggest_first(self.work)

    def files_of(self, index: int) -> BatchFiles:
        rows = self.conn.execute("SELECT rel, start, stop, first_line FROM pieces WHERE batch = ? ORDER BY seq", (index,))
        return tuple((_rel(blob), start, stop, first_line) for blob, start, stop, first_line in rows)
