"""Readers for the raw folder: every file, recursively, becomes one or more Pages, or a
rejection naming the file and the problem. Nothing is skipped silently."""
from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import orjson

from cleaners.decode import DecodeError, decode_bytes, sniff_binary
from cleaners.document import Page

PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
RECORD_SUFFIXES = {".jsonl"}


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path  # absolute
    rel: str  # relative to the raw folder, with '/' separators
    size: int


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input record that cannot become a Page."""

    source: str
    sha256: str
    format: str
    reason: str  # stable code
    detail: str


def discover(raw_dir: Path) -> list[InputFile]:
    """Every regular file under `raw_dir`, sorted by relative path (hidden files are skipped)."""
    files = []
    for path in raw_dir.rglob("*"):
        rel = path.relative_to(raw_dir).as_posix()
        if any(part.startswith(".") for part in rel.split("/")) or not path.is_file():
            continue
        files.append(InputFile(path=path, rel=rel, size=path.stat().st_size))
    return sorted(files, key=lambda f: f.rel)


def kind_of(rel: str) -> tuple[str | None, bool]:
    """(format, gzipped) from the file name; format None for an unsupported file."""
    name = rel.lower()
    gz = name.endswith(".gz")
    stem = name[:-3] if gz else name
    suffix = "." + stem.rsplit(".", 1)[-1] if "." in stem.rsplit("/", 1)[-1] else ""
    if suffix in PAGE_SUFFIXES:
        return PAGE_SUFFIXES[suffix], gz
    if suffix in RECORD_SUFFIXES:
        return "jsonl", gz
    return None, gz


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(file: InputFile, gz: bool, limit: int) -> bytes:
    if not gz:
        with open(file.path, "rb") as handle:
            data = handle.read(limit + 1)
    else:
        with gzip.open(file.path, "rb") as handle:
            data = handle.read(limit + 1)  # bounded: a gzip bomb stops here
    if len(data) > limit:
        raise _TooLarge()
    return data


class _TooLarge(Exception):
    pass


def read_pages(file: InputFile, max_bytes: int) -> Iterator[Page | Unreadable]:
    fmt, gz = kind_of(file.rel)
    if fmt is None:
        data = file.path.read_bytes()[:max_bytes]
        yield Unreadable(file.rel, _sha(data), "unknown", "unsupported_format",
                         f"{file.rel}: not a supported input (.html, .htm, .txt, .jsonl, optionally .gz)")
        return
    if fmt == "jsonl":
        yield from _read_jsonl(file, gz, max_bytes)
        return
    try:
        data = _read(file, gz, max_bytes)
    except _TooLarge:
        yield Unreadable(file.rel, "", fmt, "too_large", f"{file.rel}: more than run.max_input_bytes ({max_bytes})")
        return
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Unreadable(file.rel, _sha(file.path.read_bytes()), fmt, "unreadable", f"{file.rel}: {exc}")
        return
    try:
        text = decode_bytes(data, html=fmt == "html")
    except DecodeError as exc:
        yield Unreadable(file.rel, _sha(data), fmt, "unreadable", f"{file.rel}: {exc}")
        return
    yield Page(source=file.rel, sha256=_sha(data), format=fmt, content=text, content_type=fmt)


def _read_jsonl(file: InputFile, gz: bool, max_bytes: int) -> Iterator[Page | Unreadable]:
    opener = gzip.open if gz else open
    try:
        with opener(file.path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield _jsonl_record(file.rel, number, line, max_bytes)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Unreadable(f"{file.rel}#end", "", "jsonl", "unreadable",
                         f"{file.rel}: the file breaks off or is corrupt after the records read so far: {exc}")


def _jsonl_record(rel: str, number: int, line: bytes, max_bytes: int) -> Page | Unreadable:
    source, sha = f"{rel}#{number}", _sha(line)
    if len(line) > max_bytes:
        return Unreadable(source, sha, "jsonl", "too_large", f"{source}: record larger than run.max_input_bytes")
    try:
        record = orjson.loads(line)
    except orjson.JSONDecodeError as exc:
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: invalid JSON: {exc}")
    if not isinstance(record, dict):
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: a JSON object per line is expected")
    html = record.get("html")
    body = html if isinstance(html, str) else record.get("text", record.get("content"))
    if not isinstance(body, str) or not body.strip():
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: no 'text', 'html' or 'content' string")
    if "\x00" in body or sniff_binary(body[:64].encode("utf-8", "ignore")):
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: the page content is binary")
    is_html = isinstance(html, str) or body.lstrip()[:1] == "<"
    fetched = record.get("fetched_at") or record.get("date")
    return Page(
        source=source, sha256=sha, format="jsonl", content=body, content_type="html" if is_html else "text",
        url=_str(record.get("url")), fetched_at=_str(fetched), title=_str(record.get("title")),
        record_id=_str(record.get("id")),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
