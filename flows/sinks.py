"""Writers for clean/: parts are written aside and renamed into place, so a reader polling
the folder never sees half a file. Gzip headers carry no timestamp: same records, same bytes."""
from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any, BinaryIO

import orjson

ARTICLES, REJECTED, RUNS, STATE, STAGING = "articles", "rejected", "runs", "state", ".staging"
# gzip level of the parts: measured on 1,885 text-page records, level 3 compresses 3x faster than
# gzip's default 9 (0.6 against 1.7 ms a record, a tenth of cleaning a text page) for 8% more bytes
GZIP_LEVEL = 3


class PartWriter:
    """Appends records to one staged part file; opened on the first record only."""

    def __init__(self, path: Path, compress: bool):
        self.path = path.with_name(path.name + (".jsonl.gz" if compress else ".jsonl"))
        self.compress = compress
        self.count = 0
        self._raw: BinaryIO | None = None
        self._out: BinaryIO | None = None

    def write(self, record: dict[str, Any]) -> None:
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._raw = open(self.path, "wb")
            self._out = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0,
                                      compresslevel=GZIP_LEVEL) if self.compress else self._raw
        self._out.write(orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE))
        self.count += 1

    def close(self) -> Path | None:
        """Flush to disk; the staged path, or None when nothing was written."""
        if self._out is None:
            return None
        if self.compress:
            self._out.close()
        self._raw.flush()
        os.fsync(self._raw.fileno())
        self._raw.close()
        return self.path


def path_or_none(path: Path | None) -> str | None:
    """A staged part's path as the batch manifest carries it (None: the part got no record)."""
    return str(path) if path else None


def publish(staged: Path, folder: Path, name: str) -> Path:
    """Move a staged part into the feed under `name` (same file system: an atomic rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    suffix = ".jsonl.gz" if staged.name.endswith(".gz") else ".jsonl"
    target = folder / f"{name}{suffix}"
    if target.exists():
        raise FileExistsError(f"{target} already exists; a run never overwrites the feed")
    os.replace(staged, target)
    return target


def write_json_atomic(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS))
    os.replace(tmp, path)


MANIFEST = "manifest.json"


def append_to_manifest(clean_dir: Path, parts: list[dict[str, Any]]) -> None:
    """clean/manifest.json: every part of the feed in the order it was written, with its run and
    record count, so a consumer reads "everything after the part I saw last". Rewritten whole and
    atomically after each run (a run with no parts leaves it as it is)."""
    if not parts:
        return
    path = clean_dir / MANIFEST
    listed = orjson.loads(path.read_bytes())["parts"] if path.exists() else []
    write_json_atomic(path, {"schema_version": "1", "parts": listed + parts})
