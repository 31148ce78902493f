"""Readers for the raw folder: every file, recursively, becomes one or more Pages, or a
rejection naming the file and the problem. Nothing is skipped silently."""
from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import math
import os
import re
import stat
import zlib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import orjson
from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from cleaners.decode import DecodeError, decode_bytes, sniff_binary
from cleaners.dedup import utc_instant
from cleaners.document import Page, redact_url

from .payload import PayloadError, decode_content

PAGE_SUFFIXES = {".html": "html", ".htm": "html", ".txt": "text"}
RECORD_SUFFIXES = {".jsonl": "jsonl", ".warc": "warc"}
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True, slots=True)
class InputFile:
    path: str | Path  # absolute (discover keeps a str: a Path costs 200 bytes more, per file of a big folder)
    rel: str  # relative to the raw folder, with '/' separators
    size: int
    # a piece of a large JSONL file: its byte range, and the line number it starts at
    start: int = 0
    end: int | None = None
    first_line: int = 1


# A gzip stream cannot be entered in the middle, and a WARC record's number is only known by
# counting from the start: a large .jsonl.gz, .warc or .warc.gz is cut into strided pieces instead.
# Piece k of n takes the blocks of STRIDE_RECORDS records whose number (from 0) is k modulo n, and
# reads through the others: every piece inflates the whole file, which costs about 1/80 of cleaning
# it (zlib inflates ~400 MB/s; cleaning takes ~5 MB/s a core), so a file is cut into at most
# MAX_STRIDED_PIECES, and only as far as the run needs spreading (BatchPlan). The pieces depend on
# the inputs and the batch size only, never on the worker count: the parts written are the same
# whatever the number of workers.
STRIDE_RECORDS = 64
MAX_STRIDED_PIECES = 16
GZIP_RATIO = 4  # what a gzipped crawl file inflates to, roughly: the batch size counts inflated bytes


@dataclass(frozen=True, slots=True)
class Stride:
    """Which records of a file a strided piece takes (see STRIDE_RECORDS)."""

    piece: int
    pieces: int

    def takes(self, record: int) -> bool:
        """Whether record `record` (numbered from 1: a JSONL line, a WARC record) is this piece's."""
        return (record - 1) // STRIDE_RECORDS % self.pieces == self.piece


_STRIDED = (("jsonl", True), ("warc", True), ("warc", False))  # an uncompressed WARC's records are counted from its start


def stride_of(file: InputFile) -> Stride | None:
    """The stride of a strided piece (start: its number, end: their count); None for a whole file
    or a byte range of an uncompressed JSONL file."""
    if file.end is None or kind_of(file.rel) not in _STRIDED:
        return None
    return Stride(file.start, file.end)


def strided_size(file: InputFile, kind: tuple[str | None, bool] | None = None) -> int | None:
    """About what a file that strided pieces may be cut from inflates to; None for other files."""
    kind = kind or kind_of(file.rel)
    return file.size * (GZIP_RATIO if kind[1] else 1) if kind in _STRIDED else None


def split_records(file: InputFile, size: int, most_pieces: int = MAX_STRIDED_PIECES) -> list[InputFile]:
    """A large uncompressed JSONL file as pieces of about `size` bytes, cut after a line end, so
    that its records spread over several batches (and cores); a large gzipped JSONL file or WARC
    file as at most `most_pieces` strided pieces (Stride). Other files stay whole."""
    kind = kind_of(file.rel)
    inflated = strided_size(file, kind)
    if inflated is not None and inflated > size and min(most_pieces, MAX_STRIDED_PIECES) > 1:
        pieces = min(most_pieces, MAX_STRIDED_PIECES, -(-inflated // size))
        # each piece sized as a whole batch: two pieces in one batch would inflate the file twice there
        return [InputFile(file.path, file.rel, max(size, file.size // pieces), k, pieces, 1) for k in range(pieces)]
    if kind != ("jsonl", False) or file.size <= size:
        return [file]
    pieces, start, line = [], 0, 1
    with open(file.path, "rb") as handle:
        while start < file.size:
            handle.seek(min(start + size, file.size))
            end = min(handle.tell() + len(handle.readline()), file.size) if start + size < file.size else file.size
            pieces.append(InputFile(file.path, file.rel, end - start, start, end, line))
            handle.seek(start)
            line += sum(chunk.count(b"\n") for chunk in _chunks_of(handle, end - start))
            start = end
    return pieces


def _chunks_of(handle, length: int, block: int = 1 << 22) -> Iterator[bytes]:
    while length > 0:
        chunk = handle.read(min(block, length))
        if not chunk:
            return
        length -= len(chunk)
        yield chunk


@dataclass(frozen=True, slots=True)
class Unreadable:
    """An input record that cannot become a Page."""

    source: str
    sha256: str
    format: str
    reason: str  # stable code
    detail: str
    url: str | None = None  # where the record says the page was fetched from, when it says
    fetched_at: str | None = None


def walk_inputs(raw_dir: Path, feed: Path | None = None) -> Iterator[InputFile]:
    """Every entry under `raw_dir` but folders (hidden files and folders skipped; a link to a file is
    read; a link to a folder is not followed; a folder that cannot be listed, and anything that is
    not a file, such as a FIFO, a device or a dangling link, is yielded to be rejected by
    read_pages), in the order the file system lists them. One folder's entries at a time: pathlib's
    rglob remembers every path it yielded, 200 bytes a file. The `feed` folder is not read when it
    is under `raw_dir` (`winnow clean . --out clean`): a run is not the next one's input."""
    root = str(raw_dir)
    prefix = os.path.join(root, "")
    folders = [root]
    skip = _identity(feed)
    while folders:
        folder = folders.pop()
        try:
            entries = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue  # vanished since its parent was listed: nothing to read
        except PermissionError:
            if folder == root:
                raise  # the run's own folder: the caller names it
            # its files cannot be known: the folder itself becomes a rejected record (read_pages)
            yield InputFile(path=folder, rel=folder[len(prefix):], size=0)
            continue
        with entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    if skip is None or entry.inode() != skip[1] or _identity(entry.path) != skip:
                        folders.append(entry.path)
                else:
                    try:
                        size = entry.stat().st_size if entry.is_file() else 0
                    except FileNotFoundError:  # removed since it was listed: nothing to read
                        continue
                    except OSError:  # a link that loops: rejected by read_pages, like a FIFO or a device
                        size = 0
                    yield InputFile(path=entry.path, rel=entry.path[len(prefix):], size=size)


def _identity(path: str | Path | None) -> tuple[int, int] | None:
    """(device, inode) of a folder, None when there is none: the same folder however it is named."""
    try:
        info = os.stat(path, follow_symlinks=False) if path is not None else None
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if info is not None else None


def discover(raw_dir: Path) -> list[InputFile]:
    """Every regular file under `raw_dir`, sorted by relative path (hidden files are skipped). A run
    sorts them on disk instead (flows/listing.py): this list costs 275 bytes a file."""
    return sorted(walk_inputs(raw_dir), key=lambda f: f.rel)


def kind_of(rel: str) -> tuple[str | None, bool]:
    """(format, gzipped) from the file name; format None for an unsupported file."""
    name = rel.lower()
    gz = name.endswith(".gz")
    stem = name[:-3] if gz else name
    suffix = "." + stem.rsplit(".", 1)[-1] if "." in stem.rsplit("/", 1)[-1] else ""
    if suffix in PAGE_SUFFIXES:
        return PAGE_SUFFIXES[suffix], gz
    if suffix in RECORD_SUFFIXES:
        return RECORD_SUFFIXES[suffix], gz
    return None, gz


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_sha(path: str | Path) -> str:
    """sha256 of a whole file, read in blocks (a huge file is never held whole); "" when the file
    cannot be read (it vanished or is not readable: the rejection says so)."""
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def source_name(rel: str) -> str:
    """The relative path as records show it: a file name that is not UTF-8 (its bytes carried as
    surrogates by the file system API) has those bytes written as \\xNN, since no record, state row
    or id can hold a lone surrogate."""
    try:
        rel.encode("utf-8")
        return rel
    except UnicodeEncodeError:
        return rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _read(file: InputFile, gz: bool, limit: int) -> bytes:
    if not gz:
        with open(file.path, "rb") as handle:
            data = _read_at_most(handle, limit + 1)
    else:
        with gzip.open(file.path, "rb") as handle:
            data = handle.read(limit + 1)  # bounded: a gzip bomb stops here
    if len(data) > limit:
        raise _TooLarge()
    return data


def _read_at_most(handle, most: int) -> bytes:
    """handle.read(most), without allocating `most` bytes first for a smaller file: read(50 MB) of
    a 5 KB page allocated (and gave back) the 50 MB, 34 against 12 us a bench text page. The file's
    size is asked first; a file that grew since is read on, up to `most`."""
    want = min(os.fstat(handle.fileno()).st_size + 1, most)  # one more byte: the end is seen
    data = handle.read(want)
    if len(data) == want < most:
        data += handle.read(most - want)
    return data


class _TooLarge(Exception):
    pass


def _said(exc: Exception) -> str:
    """An error message for a rejection's detail: one line, bounded (libraries quote the input)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def read_pages(file: InputFile, max_bytes: int) -> Iterator[Page | Unreadable]:
    fmt, gz = kind_of(file.rel)
    name = source_name(file.rel)
    if problem := _not_a_file(file.path):  # opening a FIFO would wait for a writer forever
        reason, what = problem
        yield Unreadable(name, "", fmt or "unknown", reason, f"{name}: {what}")
        return
    if fmt is None:
        yield Unreadable(name, _file_sha(file.path), "unknown", "unsupported_format",
                         f"{name}: not a supported input (.html, .htm, .txt, .jsonl, .warc, optionally .gz)")
        return
    if fmt == "jsonl":
        yield from _read_jsonl(file, gz, max_bytes)
        return
    if fmt == "warc":
        yield from _read_warc(file, max_bytes)
        return
    try:
        data = _read(file, gz, max_bytes)
    except _TooLarge:
        yield Unreadable(name, "", fmt, "too_large", f"{name}: more than run.max_input_bytes ({max_bytes})")
        return
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield Unreadable(name, _file_sha(file.path), fmt, "unreadable", f"{name}: {_said(exc)}")
        return
    try:
        text = decode_bytes(data, html=fmt == "html")
    except DecodeError as exc:
        yield Unreadable(name, _sha(data), fmt, "unreadable", f"{name}: {_said(exc)}")
        return
    if not text or text.isspace():  # isspace stops at the first letter: no cost on a real page
        what = f"only whitespace ({len(data)} bytes)" if data else "an empty file"
        yield Unreadable(name, _sha(data), fmt, "empty", f"{name}: {what}, no text")
        return
    yield Page(source=name, sha256=_sha(data), format=fmt, content=text, content_type=fmt)


def _not_a_file(path: str | Path) -> tuple[str, str] | None:
    """(reason, what it is) for a raw entry that is not a file to read, None for a file (or one
    that vanished: reading it says so)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return ("unreadable", "a link to something that does not exist") if os.path.islink(path) else None
    except OSError as exc:
        return "unreadable", f"cannot be opened: {exc.strerror or _said(exc)}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        if os.path.islink(path):
            return "unsupported_format", "a link to a folder: links to folders are not followed"
        return "unreadable", "a folder that cannot be listed (permission denied): none of its files is read"
    what = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a special file")
    return "unsupported_format", f"{what}, not a file: not read"


def _read_jsonl(file: InputFile, gz: bool, max_bytes: int) -> Iterator[Page | Unreadable]:
    opener = gzip.open if gz else open
    stride = stride_of(file)
    name, records, number = source_name(file.rel), 0, file.first_line - 1
    try:
        with opener(file.path, "rb") as handle:
            if wide := _wide_encoding(handle.read(4)):  # every piece looks: the first says so, once
                if file.start == 0:
                    yield Unreadable(name, _file_sha(file.path), "jsonl", "unreadable", f"{name}: {wide} text; JSON "
                                     f"Lines is UTF-8: convert it first (iconv -f {wide} -t UTF-8)")
                return
            handle.seek(0 if stride else file.start)
            position = 0 if stride else file.start
            for number, line in enumerate(_bounded_lines(handle, max_bytes), start=file.first_line):
                if stride is None and file.end is not None and position >= file.end:
                    break  # the next piece's
                if isinstance(line, _LongLine):
                    position += line.length
                    records += 1
                    source = f"{name}#{number}"
                    if stride is None or stride.takes(number):
                        yield Unreadable(source, line.sha256, "jsonl", "too_large", f"{source}: record of "
                                         f"{line.length} bytes, more than run.max_input_bytes ({max_bytes})")
                    continue
                if position == 0 and line.startswith(codecs.BOM_UTF8):  # JSON forbids it; editors write it
                    line = line[len(codecs.BOM_UTF8):]
                    position += len(codecs.BOM_UTF8)
                position += len(line)
                if line.strip():
                    records += 1
                    if stride is None or stride.takes(number):
                        yield _jsonl_record(name, number, line)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        if stride is None or stride.takes(number + 1):  # every piece meets it: the next line's piece says so
            where = f"after line {number}" if number >= file.first_line else "before its first line"
            yield Unreadable(f"{name}#end", "", "jsonl", "unreadable",
                             f"{name}: the file breaks off or is corrupt {where}: {_said(exc)}")
        return
    whole = file.start == 0 and (file.end is None or stride is not None)  # the whole file, or its first strided piece
    if not records and whole:  # a file with no record at all
        yield Unreadable(name, _file_sha(file.path), "jsonl", "empty", f"{name}: no JSON line in the file")


def _wide_encoding(start: bytes) -> str | None:
    """UTF-16 or UTF-32 named by a byte order mark: no line of such a file is JSON."""
    if start.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "UTF-32"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "UTF-16"
    return None


@dataclass(frozen=True, slots=True)
class _LongLine:
    sha256: str
    length: int


def _bounded_lines(handle, limit: int, block: int = 1 << 20) -> Iterator[bytes | _LongLine]:
    """The lines of a binary file; a line longer than `limit` is read through in blocks, hashed and
    measured, but never held whole (a 5 GB line costs no more memory than a short one)."""
    while line := handle.readline(limit + 1):
        if len(line) <= limit:
            yield line
            continue
        digest, length = hashlib.sha256(line), len(line)
        while not line.endswith(b"\n") and (chunk := handle.readline(block)):
            digest.update(chunk)
            length += len(chunk)
            line = chunk
        yield _LongLine(digest.hexdigest(), length)


_MARKUP_START = re.compile(r"\s*<(?:!doctype|!--|[a-zA-Z][a-zA-Z0-9]*[\s/>])")  # "<3 love it" is not markup
_EPOCH_MS = 10**11  # a number above this is milliseconds: 10**11 seconds is the year 5138


def _json_object(line: bytes) -> object:
    """The line's JSON: orjson, or for what it refuses and Python writes (NaN, a lone surrogate
    escape) or a line in a legacy charset, the standard library's reader on the decoded line."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError as first:
        if "depth limit" in str(first):  # the standard library would recurse as deep
            raise
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = decode_bytes(line, html=False)
            except DecodeError:
                raise first from None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise first from None


def _text_field(value: object) -> str | None:
    """A page field's string, lone surrogates (half an emoji cut by the crawler) replaced."""
    if not isinstance(value, str):
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def _fetch_time(value: object) -> str | None:
    """fetched_at as given when it reads as a time (ISO 8601, RFC 2822), a Unix time in seconds or
    milliseconds as ISO 8601 UTC, else None: the feed does not pass on a time nobody can read."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value > 0:
        seconds = value / 1000 if value > _EPOCH_MS else value
        try:
            return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")
        except (OverflowError, OSError, ValueError):
            return None
    text = _str(value)
    return text.strip() if text and utc_instant(text) else None


def _jsonl_record(rel: str, number: int, line: bytes) -> Page | Unreadable:
    source, sha = f"{rel}#{number}", _sha(line)
    try:
        record = _json_object(line)
    except orjson.JSONDecodeError as exc:
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: invalid JSON: {_said(exc)}")
    if not isinstance(record, dict):
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: a JSON object per line is expected")
    url, fetched = _str(record.get("url")), _fetch_time(record.get("fetched_at") or record.get("date"))
    url = url.strip() if url else None
    # the first field with text: a crawler may leave `html` empty and put the page in `text`
    fields = [(name, _text_field(record.get(name))) for name in ("html", "text", "content")]
    strings = [(name, value) for name, value in fields if value is not None]
    if not strings:
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: no 'text', 'html' or 'content' string",
                          url, fetched)
    name, body = next(((n, v) for n, v in strings if v.strip()), strings[0])
    if not body or body.isspace():
        return Unreadable(source, sha, "jsonl", "empty", f"{source}: the page's text is empty", url, fetched)
    if "\x00" in body or sniff_binary(body[:64].encode("utf-8", "ignore")):
        return Unreadable(source, sha, "jsonl", "unreadable", f"{source}: the page content is binary", url, fetched)
    is_html = name == "html" or _MARKUP_START.match(body) is not None
    return Page(
        source=source, sha256=sha, format="jsonl", content=body, content_type="html" if is_html else "text",
        url=url, fetched_at=fetched, title=_str(_text_field(record.get("title"))), record_id=_str(record.get("id")),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _read_warc(file: InputFile, max_bytes: int) -> Iterator[Page | Unreadable]:
    """Response records of a WARC (gzipped per record or not), read one at a time: a page per HTML
    response, a rejection per other response; requests, metadata and warcinfo are not pages. A
    truncated or corrupt archive ends with a rejection saying so, after the records it did give.
    A record is given once the next one is found where it should start: one that runs past its
    stated Content-Length (its content cut short) becomes a rejection, as does one whose content
    does not match its stated digest (`_digest_failed`)."""
    number, name = 0, source_name(file.rel)
    held, archive = None, None  # the last record's item, not given yet
    kinds: Counter[str] = Counter()  # records by type, "page" for those _holds_page
    stride = stride_of(file)
    mine = (lambda record: True) if stride is None else stride.takes  # a strided piece's records
    try:
        with open(file.path, "rb") as handle:
            if not handle.read(1):
                if mine(1):
                    yield Unreadable(name, _file_sha(file.path), "warc", "empty", f"{name}: an empty file, no WARC record")
                return
            handle.seek(0)
            archive = _CheckedArchive(handle, check_digests=True)
            for number, record in enumerate(archive, start=1):
                if held is not None:
                    yield archive.checked(held)
                    held = None
                if record.format != "warc":  # warcio reads any text as an old ARC file
                    raise _Corrupt(f"record {number} is not a WARC record")
                if record.rec_type is None or record.rec_headers.get_header("Content-Length") is None:
                    raise _Corrupt(f"the header of record {number} breaks off")
                page_record = _holds_page(record)
                kinds[record.rec_type if not page_record else "page"] += 1
                item = _warc_response(name, number, record, max_bytes) if page_record and mine(number) else None
                if _breaks_off(record):
                    raise _Corrupt(f"record {number} breaks off before its stated length")
                if item is not None and (digest := _digest_failed(record)):
                    item = Unreadable(item.source, item.sha256, "warc", "unreadable",
                                      f"{item.source}: the record's content does not match its {digest}: the archive is corrupt")
                held = archive.hold(item) if item is not None else None
            if held is not None:
                yield archive.checked(held)
                held = None
            if not kinds["page"] and number and mine(1):  # nothing would say what became of the file
                found = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
                yield Unreadable(name, _file_sha(file.path), "warc", "empty",
                                 f"{name}: no response record, so no page to clean (it holds {found})")
            if archive.cut_off:
                raise ArchiveLoadFailed("its last gzip member breaks off")
            handle.seek(archive.parsed_to)  # warcio stops quietly at a broken header
            if handle.read(64).strip(b"\r\n"):
                raise ArchiveLoadFailed(f"what follows byte {archive.parsed_to} is not a whole WARC record")
    except _Corrupt as exc:  # the record at hand, not given as a page
        if held is not None:
            yield archive.checked(held)
        if mine(number):  # every strided piece meets it: the record's piece says so
            yield Unreadable(f"{name}#{number}", "", "warc", "unreadable",
                             f"{name}: the archive breaks off or is corrupt: {_said(exc)}")
    except (ArchiveLoadFailed, OSError, EOFError, zlib.error, ValueError, AttributeError) as exc:  # past the last record read
        if held is not None:
            yield archive.checked(held)
        if mine(number + 1):
            yield Unreadable(f"{name}#end", "", "warc", "unreadable", f"{name}: the archive breaks off or is corrupt "
                             f"after record {number}: {_archive_error(exc, number)}")


def _archive_error(exc: Exception, number: int) -> str:
    """What stops the reading after record `number`, in words: warcio names one of its internals
    when a header lacks a field it needs, and quotes the bytes it met where a record should start."""
    if isinstance(exc, AttributeError):
        return f"the header of record {number + 1} is cut off or malformed"
    text = _said(exc)
    _, found, first_line = text.partition("first line: ")
    if not found:
        return text
    # a header line cut short is shown; bytes of something else (warcio gives some as a list) are not
    readable = first_line.isascii() and first_line.isprintable() and not first_line.startswith("[")
    shown = f": it starts {first_line!r}" if readable else ""
    return f"record {number + 1} does not start with a WARC header{shown}"


class _Corrupt(Exception):
    pass


class _CheckedArchive(ArchiveIterator):
    """warcio ends quietly when a gzip member breaks off mid-record: noticed here, at its close."""

    cut_off = False
    parsed_to = 0  # file offset where the last whole record ends
    # warcio writes a warning to stderr when a record is not followed by the blank lines that end
    # it (its Content-Length is wrong), counts it in err_count and reads on: the count is checked
    # here (`checked`), and the warning is not printed over the run's progress
    INC_RECORD = ""

    def hold(self, item: Page | Unreadable) -> tuple[Page | Unreadable, int]:
        """A record's item, to be given by `checked` once the next record has been looked for."""
        return item, self.err_count

    def checked(self, held: tuple[Page | Unreadable, int]) -> Page | Unreadable:
        """The held item, or its rejection when its record ran past its Content-Length."""
        item, errors = held
        if self.err_count == errors:
            return item
        return Unreadable(item.source, item.sha256, "warc", "unreadable",
                          f"{item.source}: the record runs past its stated Content-Length: its content is cut short")

    def close(self):
        decompressor = self.reader.decompressor if self.reader else None
        self.cut_off = decompressor is not None and not decompressor.eof
        if self.member_info:
            self.parsed_to = sum(self.member_info)
        super().close()


def _breaks_off(record) -> bool:
    """Read what is left of the record: warcio ends a cut-off record quietly, short of its length."""
    while record.raw_stream.read(1 << 16):
        pass
    return getattr(record.raw_stream, "limit", 0) > 0


def _digest_failed(record) -> str | None:
    """The digest header a wholly read record fails, if any. The block digest covers the bytes as
    stored. Crawlers disagree on whether a payload digest is taken before or after undoing a
    chunked Transfer-Encoding, so that one is only trusted when the block digest is absent and the
    response has no Transfer-Encoding."""
    problems = record.digest_checker.problems
    if any(p.startswith("block digest failed") for p in problems):
        return "WARC-Block-Digest"
    if record.rec_headers.get_header("WARC-Block-Digest"):
        return None
    if not _transfer_coding(record) and any(p.startswith("payload digest failed") for p in problems):
        return "WARC-Payload-Digest"
    return None


def _transfer_coding(record) -> str:
    """The response's Transfer-Encoding header, lower case ("" when it has none)."""
    http = record.http_headers
    return (http.get_header("Transfer-Encoding") or "").lower() if http is not None else ""


def _http_body(record):
    """The response's body as the server sent it, its chunked Transfer-Encoding undone (warcio's
    content_stream would also decode its Content-Encoding: see flows.payload)."""
    return ChunkedDataReader(record.raw_stream) if "chunked" in _transfer_coding(record) else record.raw_stream


# The HTML standard's sniffing of a response without a Content-Type: it is HTML when it starts with
# one of these tags (after white space), followed by a space or ">".
_HTML_START = re.compile(rb"\s*<(?:!doctype html|html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p"
                         rb"|!--)[\s>]", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([^\"';\s]+)", re.IGNORECASE)


def _holds_page(record) -> bool:
    """A response, or a resource record of an HTML document (how some archivers store a page);
    requests, metadata, revisits, warcinfo and other resources (screenshots, logs) hold none."""
    if record.rec_type == "response":
        return True
    kind = (record.rec_headers.get_header("Content-Type") or "").lower()
    return record.rec_type == "resource" and kind.startswith(_HTML_TYPES)


def _warc_response(rel: str, number: int, record, max_bytes: int) -> Page | Unreadable:
    """A `response` record (or a `resource` record holding HTML) as a page, or its rejection: not
    HTML, an HTTP error or redirect, cut short by the crawler, too large, undecodable."""
    source = f"{rel}#{number}"
    url = _str(record.rec_headers.get_header("WARC-Target-URI"))
    fetched_at = _str(record.rec_headers.get_header("WARC-Date"))
    http = record.http_headers if record.rec_type == "response" else None
    headers = http if http is not None else record.rec_headers  # a resource record's type is the WARC header's
    body = _http_body(record).read(max_bytes + 1)  # as sent: compressed, if it was
    kind = (headers.get_header("Content-Type") or "").lower().strip()

    def rejected(sha: str, reason: str, detail: str) -> Unreadable:
        return Unreadable(source, sha, "warc", reason, f"{source}: {redact_url(url) or 'a response'}{detail}", url,
                          fetched_at)

    if len(body) <= max_bytes and (kind.startswith(_HTML_TYPES) or not kind):
        try:
            body = decode_content(body, http.get_header("Content-Encoding") if http else None, max_bytes)
        except PayloadError as exc:
            return rejected(_sha(body), exc.reason, f": {exc.detail}")
    payload, sha = body, _sha(body)
    if len(payload) > max_bytes:
        return rejected(sha, "too_large", ": response larger than run.max_input_bytes")
    if not kind and _HTML_START.match(payload[:1024]):
        kind = "text/html"  # no stated type: sniffed as a browser does
    if not kind.startswith(_HTML_TYPES):
        return rejected(sha, "unsupported_format", f" is {kind.split(';')[0] or 'of no stated type'}, not HTML")
    if problem := _http_problem(http):
        return rejected(sha, "http_status", problem)
    if cut := record.rec_headers.get_header("WARC-Truncated"):
        return rejected(sha, "truncated", f": the crawler stored this response cut short (WARC-Truncated: {cut}), "
                                          "so the page may be missing its end")
    charset = match.group(1) if (match := _CHARSET.search(kind)) else None
    try:
        text = decode_bytes(payload, html=True, charset=charset)
    except DecodeError as exc:
        return rejected(sha, "unreadable", f": {_said(exc)}")
    return Page(source=source, sha256=sha, format="warc", content=text, content_type="html", url=url,
                fetched_at=fetched_at)


def _http_problem(http) -> str | None:
    """Why an HTTP response is not the page: an error or a redirect (None for a 2xx answer)."""
    if http is None:
        return None
    status = (http.statusline or "").strip()
    if status[:1] == "2":
        return None
    if status[:1] == "3" and (target := http.get_header("Location")):
        return f": the server answered {status}, a redirect to {redact_url(target)}, not the page"
    return f": the server answered {status or 'with no status'}, not the page"
