"""Throughput of the whole pipeline (the `winnow clean` pass: read, clean, write, deduplicate,
remember), on this machine. Run by hand, not in CI; each part prints a table and its command.

    .venv/bin/python -m bench.throughput --part html     [--pages 400] [--rounds 3]
    .venv/bin/python -m bench.throughput --part text     [--pages 2000] [--rounds 3]
    .venv/bin/python -m bench.throughput --part workers  [--pages 400] [--rounds 3]
    .venv/bin/python -m bench.throughput --part scale    [--sizes 1000,10000,100000] [--kind html|text] [--layout jsonl|files]
    .venv/bin/python -m bench.throughput --part listing  [--files 200000] [--rounds 3]
    .venv/bin/python -m bench.throughput --part gzip     [--pages 400] [--rounds 3]

html:    one worker; pages/s of clean_pass against trafilatura.extract alone, on the same corpus
         pages (../shared/corpus, spread evenly over its sets), alternated round by round; and
         trafilatura with its metadata extraction alone, as Winnow's HTML step runs it. The first
         comes from a process that imports nothing of Winnow: trafilatura as released (cleaners.html
         answers some of its XPaths in Python and reads dates without dateparser, in every process
         that imports it).
text:    one worker; pages/s on plain-text pages made from the five seed pages (words varied).
workers: clean_pass with 1 and with 2 worker processes on the same HTML pages; the speed-up.
scale:   pages generated from the corpus (a third of the words varied, one in ten a re-crawl), as JSONL
         files of 1,000 records (--layout files: one file per page, 1,000 to a folder); each size in
         a fresh process with the default workers: time per page against the first size, peak RSS
         of the flow's process and of the largest worker.
listing: the flow's memory for a folder of many small files (one page each, 1,000 to a folder):
         listing it and planning its batches (BatchPlan, and every BatchSpec made once), against
         the list of InputFile that discover() returns; tracemalloc, bytes per file.
gzip:    one big .warc.gz (--pages corpus pages) and one big .jsonl.gz (15 times as many text pages),
         every core: cut into strided pieces (a batch each) against read as one batch, alternated;
         whether both wrote the same records.
Medians over the rounds; the machine is shared, so compare figures from one run only.
Steady state: what a process sets up once (langdetect's profiles; for HTML pages, the HTML path's
imports and patterns) is done before the timed rounds, whose workers are forked from this process
and share it; bench.cold_start measures a run with its set-up.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SEEDS = REPO.parent / "shared" / "seeds" / "raw"
SETS = ("scrapinghub", "cleaneval", "dragnet-dev")


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    return (f"machine: {model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at the end")


def corpus_pages(count: int) -> list[bytes]:
    """`count` corpus pages, taken evenly from every set (sorted ids, a fixed stride)."""
    per_set = [sorted(p for p in (CORPUS / s).glob("*.html.gz")) for s in SETS]
    pool = [path for paths in zip(*per_set) for path in paths] + [p for ps in per_set for p in ps[min(map(len, per_set)):]]
    step = max(1, len(pool) // count)
    return [gzip.decompress(p.read_bytes()) for p in pool[::step][:count]]


def write_html(pages: list[bytes], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, html in enumerate(pages):
        (folder / f"{i:06d}.html").write_bytes(html)
    return folder


def time_clean_pass(raw: Path, workers: int) -> float:
    from flows.config import Settings
    from flows.run import clean_pass

    settings = Settings.model_validate({"run": {"workers": workers}})
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        report = clean_pass(settings, raw, Path(out))
        seconds = time.perf_counter() - started
    assert report["records_in"] == sum(1 for _ in raw.iterdir()), report
    return seconds


# trafilatura as it is released, in a process of its own: cleaners.html answers some of trafilatura's
# XPaths in Python (cleaners.trafilatura_queries) in every process that imports it, this one too.
_STOCK_TRAFILATURA = """
import json, sys, time
from pathlib import Path
import trafilatura
pages = [p.read_bytes() for p in sorted(Path(sys.argv[1]).iterdir())]
for html in pages[:20]:  # warm up
    trafilatura.extract(html)
started = time.perf_counter()
for html in pages:
    trafilatura.extract(html)
print(json.dumps(time.perf_counter() - started))
"""


def time_stock_trafilatura(raw: Path) -> float:
    """Seconds of trafilatura.extract over the pages in `raw`, in a fresh process that imports
    trafilatura and nothing of Winnow."""
    result = subprocess.run([sys.executable, "-c", _STOCK_TRAFILATURA, str(raw)], capture_output=True, text=True,
                            check=True, cwd=REPO)
    return json.loads(result.stdout.strip().splitlines()[-1])


def time_trafilatura_with_metadata(pages: list[bytes]) -> float:
    """What Winnow runs inside its HTML step, alone: extraction with metadata (htmldate's search),
    with cleaners.html's changes to trafilatura (its XPaths in Python, no dateparser)."""
    import cleaners.html  # noqa: F401
    from trafilatura import bare_extraction

    started = time.perf_counter()
    for html in pages:
        bare_extraction(html, with_metadata=True)
    return time.perf_counter() - started


def warm_up_html(pages: list[bytes]) -> None:
    """The HTML path's lazy set-up (its imports, patterns and lexicons, htmldate's month names in
    every language: 0.5-1 s) done in this process before the timed rounds, whose workers are forked
    from it: steady state, as trafilatura is timed after its own warm-up. Without it each round's
    fresh worker paid it again (1-2 ms a page of a 400-page round)."""
    from cleaners import Cleaner, CleaningSettings
    from cleaners.decode import decode_bytes
    from cleaners.document import Page

    cleaner, run = Cleaner(CleaningSettings()), {"run_id": "", "pipeline_version": "", "config_sha256": ""}
    for i, html in enumerate(pages):
        page = Page(source=f"warm-up-{i}.html", sha256="", format="html", content=decode_bytes(html, html=True),
                    content_type="html")
        cleaner.record(page, run)


def part_html(args) -> None:
    pages = corpus_pages(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_html(pages, Path(tmp) / "raw")
        warm_up_html(pages[:20])
        time_trafilatura_with_metadata(pages[:20]), time_clean_pass(raw, 1)  # warm up
        ours, theirs, inner = [], [], []
        for _ in range(args.rounds):
            theirs.append(len(pages) / time_stock_trafilatura(raw))
            inner.append(len(pages) / time_trafilatura_with_metadata(pages))
            ours.append(len(pages) / time_clean_pass(raw, 1))
    print(f"| one worker, {len(pages)} corpus pages, {args.rounds} rounds | median pages/s | min | max | ms/page |")
    print("|---|---|---|---|---|")
    for name, rates in (("winnow clean pass (whole pipeline)", ours), ("trafilatura.extract alone", theirs),
                        ("trafilatura.bare_extraction with metadata alone, as Winnow's HTML step runs it", inner)):
        print(f"| {name} | {statistics.median(rates):.1f} | {min(rates):.1f} | {max(rates):.1f} "
              f"| {1000 / statistics.median(rates):.1f} |")
    print(f"\nratio winnow / trafilatura (medians): {statistics.median(ours) / statistics.median(theirs):.2f} (target >= 1.0)")
    print(f"ratio trafilatura with metadata / trafilatura.extract (medians): "
          f"{statistics.median(inner) / statistics.median(theirs):.2f} (about the most a pipeline that runs trafilatura with metadata can reach)")


def vary_words(text: str, rng: random.Random, vocabulary: list[str], share: float) -> str:
    """Replace a share of the words of body lines (long lines only: headers and bylines stay)."""
    out = []
    for line in text.split("\n"):
        if len(line) > 60:
            line = " ".join(rng.choice(vocabulary) if rng.random() < share else w for w in line.split(" "))
        out.append(line)
    return "\n".join(out)


def part_text(args) -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for s in seeds for w in s.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        raw.mkdir()
        for i in range(args.pages):
            (raw / f"{i:06d}.txt").write_text(vary_words(seeds[i % len(seeds)], rng, vocabulary, 0.5), encoding="utf-8")
        time_clean_pass(raw, 1)
        rates = [args.pages / time_clean_pass(raw, 1) for _ in range(args.rounds)]
    print(f"| one worker, {args.pages} text pages (seed shapes, words varied), {args.rounds} rounds | median pages/s | min | max |")
    print("|---|---|---|---|")
    print(f"| winnow clean pass | {statistics.median(rates):.0f} | {min(rates):.0f} | {max(rates):.0f} |")
    print(f"\ntarget >= 500 pages/s: {'met' if statistics.median(rates) >= 500 else 'NOT met'}")


def part_workers(args) -> None:
    pages = corpus_pages(args.pages)
    with tempfile.TemporaryDirectory() as tmp:
        raw = write_html(pages, Path(tmp) / "raw")
        warm_up_html(pages[:20])
        time_clean_pass(raw, 2)
        one, two = [], []
        for _ in range(args.rounds):
            one.append(time_clean_pass(raw, 1))
            two.append(time_clean_pass(raw, 2))
    print(f"| {len(pages)} corpus pages, {args.rounds} rounds | median s | min | max | pages/s |")
    print("|---|---|---|---|---|")
    for name, times in (("1 worker", one), ("2 workers", two)):
        print(f"| {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} "
              f"| {len(pages) / statistics.median(times):.1f} |")
    print(f"\nspeed-up 2 vs 1 worker (medians): {statistics.median(one) / statistics.median(two):.2f}x (target >= 1.8x)")


def _feed_records(out: Path) -> list[tuple]:
    records = []
    for folder in ("articles", "rejected"):
        for part in sorted((out / folder).glob("*.jsonl.gz")):
            for line in gzip.decompress(part.read_bytes()).splitlines():
                record = json.loads(line)
                records.append((record["provenance"]["source"], folder, record.get("reason"), record.get("text")))
    return sorted(records)


def time_one_file(raw: Path, workers: int, strided: bool) -> tuple[float, int, list[tuple]]:
    """A pass over a folder holding one big record file, cut into strided pieces or read as one batch
    (MAX_STRIDED_PIECES = 1, as before the pieces): seconds, batches, records."""
    import flows.sources
    from flows.config import Settings
    from flows.run import clean_pass

    settings = Settings.model_validate({"run": {"workers": workers}})
    saved = flows.sources.MAX_STRIDED_PIECES
    flows.sources.MAX_STRIDED_PIECES = saved if strided else 1
    try:
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            report = clean_pass(settings, raw, Path(out))
            seconds = time.perf_counter() - started
            return seconds, report["batches"], _feed_records(Path(out))
    finally:
        flows.sources.MAX_STRIDED_PIECES = saved


def write_big_files(folder: Path, html_pages: list[bytes], text_pages: int) -> tuple[Path, Path]:
    """One .warc.gz of corpus pages, one .jsonl.gz of text pages (seed shapes, words varied)."""
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc, jsonl = folder / "warc", folder / "jsonl"
    warc.mkdir(parents=True)
    jsonl.mkdir()
    with open(warc / "crawl.warc.gz", "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i, html in enumerate(html_pages):
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"https://site{i % 40}.example/p{i}", "response",
                                                          payload=io.BytesIO(html), http_headers=http))
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for s in seeds for w in s.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(5)
    lines = (json.dumps({"url": f"https://news{i % 30}.example/{i}", "text": vary_words(seeds[i % 5], rng, vocabulary, 0.5)})
             for i in range(text_pages))
    (jsonl / "crawl.jsonl.gz").write_bytes(gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=6))
    return warc, jsonl


def part_gzip(args) -> None:
    """A single big gzipped record file on every core: strided pieces against one batch."""
    workers = os.cpu_count() or 1
    rows = []
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        warc, jsonl = write_big_files(Path(tmp), corpus_pages(args.pages), 15 * args.pages)
        for name, raw in ((f"{args.pages} corpus pages in one .warc.gz", warc),
                          (f"{15 * args.pages} text pages in one .jsonl.gz", jsonl)):
            time_one_file(raw, workers, True)  # warm up
            times = {True: [], False: []}
            for _ in range(args.rounds):
                for strided in (True, False):
                    seconds, batches, records = time_one_file(raw, workers, strided)
                    times[strided].append(seconds)
                    if strided:
                        pieces, strided_records = batches, records
                    else:
                        same = records == strided_records
            rows.append((name, pieces, statistics.median(times[True]), statistics.median(times[False]), same))
    print(f"| {workers} workers, {args.rounds} rounds | pieces | strided: median s | one batch: median s "
          "| speed-up | same records |")
    print("|---|---|---|---|---|---|")
    for name, pieces, strided, whole, same in rows:
        print(f"| {name} | {pieces} | {strided:.2f} | {whole:.2f} | {whole / strided:.2f}x | {'yes' if same else 'NO'} |")


_TEXT_NODE = re.compile(r">([^<]{20,})<")


def _vary_prose(text: str, vary) -> str:
    return text if any(c in text for c in "{};=") else vary(text)  # scripts and styles stay as they are


def generate_scale_input(folder: Path, count: int, kind: str, seed: int = 11, layout: str = "jsonl") -> None:
    """`count` records in JSONL files of 1,000, each a corpus page (HTML, or its ground-truth text)
    with a third of its words replaced at random, so that every page is its own article, and its
    own URL; one in ten repeats an earlier record exactly (a re-crawl). Layout "files": each page
    in a file of its own (.html, or .txt with its title on the first line), 1,000 to a folder."""
    rng = random.Random(seed)
    if kind == "html":
        sources = [page.decode("utf-8", "replace") for page in corpus_pages(10_000)]
    else:
        sources = [t.get("articleBody") or "" for s in SETS
                   for _, t in sorted(json.loads((CORPUS / s / "ground-truth.json").read_text()).items())]
        sources = [s for s in sources if len(s) > 200]
    vocabulary = sorted({w for s in sources[:300] for w in s.split() if w.isalpha() and 3 < len(w) < 12})

    def vary(text: str) -> str:
        return " ".join(rng.choice(vocabulary) if rng.random() < 0.33 else w for w in text.split(" "))

    folder.mkdir(parents=True, exist_ok=True)
    recent: list[dict] = []
    for i in range(count):
        if recent and rng.random() < 0.1:
            record = recent[rng.randrange(len(recent))]
        else:
            base = sources[i % len(sources)]
            record = {"url": f"https://site{i % 97}.example/page/{i}", "fetched_at": f"2026-01-{1 + i % 28:02d}T10:00:00Z"}
            if kind == "html":
                record["html"] = _TEXT_NODE.sub(lambda m: ">" + _vary_prose(m.group(1), vary) + "<", base)
            else:
                record["title"], record["text"] = f"Page {i}", vary(base)
            recent = (recent + [record])[-1000:]
        if layout == "files":
            write_page_file(folder / f"{i // 1000:05d}" / f"{i:08d}", record)
            continue
        with open(folder / f"part-{i // 1000:05d}.jsonl", "ab") as handle:
            handle.write(json.dumps(record).encode() + b"\n")


def write_page_file(stem: Path, record: dict) -> None:
    stem.parent.mkdir(exist_ok=True)
    if "html" in record:
        stem.with_suffix(".html").write_text(record["html"])
    else:
        stem.with_suffix(".txt").write_text(f"{record['title']}\n\n{record['text']}\n")


def scale_one(args) -> None:
    """One size, in this (fresh) process: prints one JSON line for part_scale."""
    from flows.config import Settings
    from flows.run import clean_pass

    if args.tmp:
        Path(args.tmp).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        raw = Path(tmp) / "raw"
        # generated in another process: its corpus pages must not count in this one's peak RSS
        subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from bench.throughput import "
                        f"generate_scale_input as g; g(Path(sys.argv[1]), {args.size}, {args.kind!r}, layout={args.layout!r})",
                        str(raw)],
                       check=True, cwd=REPO)
        started = time.perf_counter()
        report = clean_pass(Settings(), raw, Path(tmp) / "clean")
        seconds = time.perf_counter() - started
    self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"size": args.size, "seconds": seconds, "records_in": report["records_in"],
                      "articles": report["articles"], "duplicates": report["rejected_by_reason"].get("duplicate", 0),
                      "self_mb": self_kb / 1024, "worker_mb": child_kb / 1024}))


def part_scale(args) -> None:
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, "-m", "bench.throughput", "--part", "scale-one", "--size", str(size),
                   "--kind", args.kind, "--layout", args.layout] + (["--tmp", args.tmp] if args.tmp else [])
        result = subprocess.run(command, capture_output=True, text=True, cwd=REPO)
        if result.returncode:
            sys.exit(f"{size} pages failed:\n{result.stderr[-3000:]}")
        rows.append(json.loads(result.stdout.strip().splitlines()[-1]))
        print(f"  {size} pages done in {rows[-1]['seconds']:.0f} s", file=sys.stderr)
    base = rows[0]["seconds"] / rows[0]["size"]
    print(f"| {args.kind} pages ({args.layout}) | records | articles | duplicates | s | ms/page | x first "
          "| peak RSS flow MB | peak RSS worker MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        per = r["seconds"] / r["size"]
        print(f"| {r['size']:,} | {r['records_in']:,} | {r['articles']:,} | {r['duplicates']:,} | {r['seconds']:.0f} "
              f"| {1000 * per:.2f} | {per / base:.2f} | {r['self_mb']:.0f} | {r['worker_mb']:.0f} |")
    print("\ntargets: ms/page within 15% of the first size; peak RSS under 1 GiB at 100k")


def listing_memory(raw: Path, way: str) -> dict:
    """One way of listing `raw`, in this (fresh) process: bytes held while the run goes on, peak."""
    import tracemalloc

    from flows.listing import BatchPlan
    from flows.run import BatchSpec, BatchSpecs
    from flows.sources import discover

    tracemalloc.start()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        if way == "discover":
            held = discover(raw)
            files = len(held)
        else:
            held = BatchPlan(Path(tmp) / "inputs.sqlite", raw, 1000, 16_000_000)
            template = BatchSpec(index=-1, raw_dir=str(raw), files=(), staging=tmp, cleaning={}, run={}, state_db="",
                                 reprocess=False, max_input_bytes=0, compress=True)
            files = sum(len(spec.files) for spec in BatchSpecs(held, template))
        seconds = time.perf_counter() - started
        current, peak = tracemalloc.get_traced_memory()
        if way != "discover":
            held.close()
    return {"way": way, "files": files, "seconds": seconds, "held": current, "peak": peak}


def part_listing(args) -> None:
    with tempfile.TemporaryDirectory(dir=args.tmp) as tmp:
        raw = Path(tmp) / "raw"
        for i in range(args.files):
            if i % 1000 == 0:
                (raw / f"{i // 1000:05d}").mkdir(parents=True)
            (raw / f"{i // 1000:05d}" / f"{i:08d}.html").write_bytes(b"<p>x</p>")
        rows: dict[str, list[dict]] = {"discover": [], "plan": []}
        for _ in range(args.rounds):
            for way in rows:
                code = f"import json, sys; from pathlib import Path; from bench.throughput import listing_memory as m; " \
                       f"print(json.dumps(m(Path(sys.argv[1]), {way!r})))"
                result = subprocess.run([sys.executable, "-c", code, str(raw)], capture_output=True, text=True, cwd=REPO,
                                        check=True)
                rows[way].append(json.loads(result.stdout))
    print("| listing | files | s | held while the run goes on, B/file | peak, B/file |")
    print("|---|---|---|---|---|")
    for way, runs in rows.items():
        label = {"discover": "discover() list (before)", "plan": "BatchPlan + every BatchSpec (a run)"}[way]
        median = {key: statistics.median(r[key] for r in runs) for key in ("seconds", "held", "peak")}
        print(f"| {label} | {runs[0]['files']:,} | {median['seconds']:.1f} | {median['held'] / runs[0]['files']:.0f} "
              f"| {median['peak'] / runs[0]['files']:.0f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("html", "text", "workers", "scale", "scale-one", "listing", "gzip"), required=True)
    parser.add_argument("--pages", type=int)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--size", type=int)
    parser.add_argument("--kind", choices=("html", "text"), default="html")
    parser.add_argument("--layout", choices=("jsonl", "files"), default="jsonl")
    parser.add_argument("--files", type=int, default=200_000)
    parser.add_argument("--tmp", help="folder for the generated inputs and feed (default: the system's)")
    args = parser.parse_args()
    if args.pages is None:
        args.pages = 2000 if args.part == "text" else 400
    if args.part == "scale-one":
        return scale_one(args)
    {"html": part_html, "text": part_text, "workers": part_workers, "scale": part_scale,
     "listing": part_listing, "gzip": part_gzip}[args.part](args)
    shown = " ".join(a for a in sys.argv[1:])
    print(f"\n{machine()}\ncommand: .venv/bin/python -m bench.throughput {shown}")


if __name__ == "__main__":
    main()
