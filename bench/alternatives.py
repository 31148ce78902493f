"""Faster libraries for the same job, measured before adopting them (issue 5): fastwarc against
warcio for reading WARC archives, selectolax (lexbor) against lxml for parsing HTML, on corpus
pages, in one process. Run by hand, not in CI; needs the bench extra (pip install -e '.[bench]').

    .venv/bin/python -m bench.alternatives [--pages 400] [--rounds 5]

Prints each library's median time and what it would save per page of the whole pipeline.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.throughput import corpus_pages, machine


def write_warc(pages: list[bytes], path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i, html in enumerate(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(f"https://example.org/{i}", "response", payload=io.BytesIO(html),
                                               http_headers=headers)
            writer.write_record(record)


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    total = 0
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type == "response":
                total += len(record.content_stream().read())
    return total


def read_fastwarc(path: Path) -> int:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    total = 0
    with open(path, "rb") as handle:  # gzip detected from the stream
        for record in ArchiveIterator(handle, record_types=WarcRecordType.response, parse_http=True):
            total += len(record.reader.read())
    return total


def parse_lxml(pages: list[bytes]) -> None:
    import lxml.html

    for html in pages:
        lxml.html.fromstring(html)


def parse_selectolax(pages: list[bytes]) -> None:
    from selectolax.lexbor import LexborHTMLParser

    for html in pages:
        LexborHTMLParser(html)


def timed(function, *args, rounds: int) -> float:
    function(*args)  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    pages = corpus_pages(args.pages)
    n = len(pages)
    with tempfile.TemporaryDirectory() as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        write_warc(pages, warc)
        assert read_warcio(warc) == read_fastwarc(warc) == sum(map(len, pages))
        rows = [
            ("read a .warc.gz: warcio", timed(read_warcio, warc, rounds=args.rounds)),
            ("read a .warc.gz: fastwarc", timed(read_fastwarc, warc, rounds=args.rounds)),
        ]
    rows += [
        ("parse HTML: lxml.html.fromstring", timed(parse_lxml, pages, rounds=args.rounds)),
        ("parse HTML: selectolax (lexbor)", timed(parse_selectolax, pages, rounds=args.rounds)),
    ]
    print(f"| {n} corpus pages, {args.rounds} rounds | median s | ms/page |\n|---|---|---|")
    for name, seconds in rows:
        print(f"| {name} | {seconds:.3f} | {1000 * seconds / n:.3f} |")
    print(f"\n{machine()}\ncommand: .venv/bin/python -m bench.alternatives {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
