"""Main-text quality on the labelled corpus, with trafilatura's default measured in the same run.

    .venv/bin/python -m bench.quality [--corpus ../shared/corpus] [--sets scrapinghub,cleaneval,dragnet-dev]
                                      [--limit N] [--workers N]

Per set: F1 / precision / recall of the article body (score.py's method: token 4-grams, pages
weighted equally). On sets with ground-truth comments (dragnet-dev): comment leak (share of the
ground-truth comment 4-grams found in the body) and comment recall (share found in the comment
records, each read as its printed header -- author and date as written -- then its text; the
ground truth keeps those header lines; the share found in the text fields alone is printed too).
The last column scores body and comment texts together: CleanEval's ground truth keeps
reader comments as page content, the feed puts them in `comments`. Not part of CI (tests/test_quality.py runs it on a small sample with a floor).
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bench.corpus_score import evaluate, ngrams, tokenize

REPO = Path(__file__).resolve().parent.parent
SETS = ("scrapinghub", "cleaneval", "dragnet-dev")
RUN = {"run_id": "quality", "pipeline_version": "bench", "config_sha256": "default"}


def _winnow(html: bytes, page_id: str) -> tuple[str, str, str]:
    """(body, comment texts, comment records: header as printed, or author, then text)."""
    from cleaners import Cleaner, CleaningSettings
    from cleaners.decode import DecodeError, decode_bytes
    from cleaners.document import Page

    global _CLEANER
    if "_CLEANER" not in globals():
        _CLEANER = Cleaner(CleaningSettings())
    try:
        text = decode_bytes(html, html=True)
    except DecodeError:
        return "", "", ""
    page = Page(source=page_id, sha256=hashlib.sha256(html).hexdigest(), format="html", content=text,
                content_type="html")
    kind, record = _CLEANER.record(page, RUN)
    if kind != "article":
        return "", "", ""
    comments = record["comments"]
    records = "\n".join(f"{c['byline'] or c['author'] or ''}\n{c['text']}" for c in comments)
    return record["text"], "\n".join(c["text"] for c in comments), records


def _trafilatura(html: bytes) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def run_page(job: tuple[str, Path]) -> tuple[str, str, str, str, float, float, str]:
    page_id, path = job
    html = gzip.decompress(path.read_bytes())
    started = time.perf_counter()
    body, comments, records = _winnow(html, page_id)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    baseline = _trafilatura(html)
    theirs = time.perf_counter() - started
    return page_id, body, comments, baseline, ours, theirs, records


def shingle_share(truth: str, text: str) -> tuple[int, int]:
    """(ground-truth 4-grams found in `text`, ground-truth 4-grams), multiset counts."""
    t = Counter(ngrams(tokenize(truth), 4))
    p = Counter(ngrams(tokenize(text), 4))
    return sum(min(c, p[k]) for k, c in t.items()), sum(t.values())


def measure_set(folder: Path, limit: int | None, workers: int) -> dict:
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    ids = sorted(truth)[:limit] if limit else sorted(truth)
    jobs = [(i, folder / f"{i}.html.gz") for i in ids]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(run_page, jobs, chunksize=8))
    gt = {i: truth[i] for i in ids}
    ours = evaluate(gt, {r[0]: r[1] for r in results}, n_bootstrap=0)
    # CleanEval's annotators kept reader comments as content; this shows what our records hold.
    with_comments = evaluate(gt, {r[0]: r[1] + "\n" + r[2] for r in results}, n_bootstrap=0)
    base = evaluate(gt, {r[0]: r[3] for r in results}, n_bootstrap=0)
    row = {"set": folder.name, "pages": len(ids), "winnow": ours, "trafilatura": base,
           "winnow_body_and_comments": with_comments,
           "winnow_ms": 1000 * statistics.median(r[4] for r in results),
           "trafilatura_ms": 1000 * statistics.median(r[5] for r in results)}
    with_comments = [r for r in results if (truth[r[0]].get("comments") or "").strip()]
    if with_comments:
        leak = [shingle_share(truth[r[0]]["comments"], r[1]) for r in with_comments]
        found = [shingle_share(truth[r[0]]["comments"], r[6]) for r in with_comments]
        found_text = [shingle_share(truth[r[0]]["comments"], r[2]) for r in with_comments]
        base_leak = [shingle_share(truth[r[0]]["comments"], r[3]) for r in with_comments]
        total = sum(n for _, n in leak) or 1
        row.update(comment_pages=len(with_comments), comment_leak=sum(k for k, _ in leak) / total,
                   comment_recall=sum(k for k, _ in found) / total,
                   comment_recall_text_only=sum(k for k, _ in found_text) / total,
                   trafilatura_comment_leak=sum(k for k, _ in base_leak) / total)
    return row


def print_table(rows: list[dict], argv: list[str]) -> None:
    print("| set | pages | winnow F1 | P | R | trafilatura F1 | P | R | ms/page winnow | trafilatura "
          "| winnow F1, body + comments |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        w, t = r["winnow"], r["trafilatura"]
        print(f"| {r['set']} | {r['pages']} | {w['f1']:.3f} | {w['precision']:.3f} | {w['recall']:.3f} "
              f"| {t['f1']:.3f} | {t['precision']:.3f} | {t['recall']:.3f} | {r['winnow_ms']:.1f} | {r['trafilatura_ms']:.1f} "
              f"| {r['winnow_body_and_comments']['f1']:.3f} |")
    for r in rows:
        if "comment_pages" in r:
            print(f"\n{r['set']}: {r['comment_pages']} pages with comments: comment leak into body "
                  f"{r['comment_leak']:.3f} (trafilatura default {r['trafilatura_comment_leak']:.3f}), "
                  f"comment recall {r['comment_recall']:.3f} (records: printed header + text; "
                  f"text field alone {r['comment_recall_text_only']:.3f})")
    print(f"\ncommand: .venv/bin/python -m bench.quality {' '.join(argv)}".rstrip())


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--limit", type=int, default=None, help="first N pages of each set (by id)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--json", action="store_true", help="print the rows as JSON instead of a table")
    args = parser.parse_args(argv)
    rows = [measure_set(args.corpus / name, args.limit, args.workers) for name in args.sets.split(",")]
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print_table(rows, sys.argv[1:] if argv is None else argv)
    return rows


if __name__ == "__main__":
    main()
