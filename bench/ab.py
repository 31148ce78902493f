"""A/B of the cleaning code: this checkout (with its uncommitted changes) against another commit,
on the same pages, the two codes alternated round by round, each round in a fresh process. Prints
process ms per page of the whole `Cleaner.record`, or of one part of it, and whether the two codes
wrote the same records. Run by hand, not in CI.

    .venv/bin/python -m bench.ab --base REF [--kind html|text] [--part clean|NAME] [--pages N] [--rounds 4]

REF: a commit (checked out in a temporary git worktree) or the folder of another checkout.
NAME: a function of cleaners.html that ExtractHtml calls (strip_injected_spam, bare_extraction, ...;
bench.steps lists them) or a pipeline step (language, spam, comments, ...).
Why: on this shared machine bench.throughput's whole-run figures move by more between two runs
than a change of 1-2 ms per page; alternating the codes on one part shows such a change.
"""
from __future__ import annotations

# Only the standard library at module level: `--child` runs this file with the other code's
# `cleaners` first on sys.path, and must not import this checkout's.
import argparse
import hashlib
import json
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUN = {"run_id": "ab", "pipeline_version": "ab", "config_sha256": "ab"}
WARM_UP = 10  # pages cleaned before timing: langdetect's profiles, caches


def _timed_part(part: str, cleaner, spent: list) -> None:
    """Wrap the part named `part` so that its process time adds up in spent[0], its calls in spent[1]."""
    import cleaners.html

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - started
                spent[1] += 1
        return wrapper

    if callable(getattr(cleaners.html, part, None)) and not part.startswith("_"):
        setattr(cleaners.html, part, timed(getattr(cleaners.html, part)))
        return
    found = False
    for steps in (cleaner.html_steps, cleaner.text_steps):
        for i, step in enumerate(steps):
            if getattr(step, "name", None) == part:
                steps[i], found = timed(step), True
    if not found:
        raise SystemExit(f"bench.ab: no part named {part!r} in cleaners.html or among the pipeline's steps")


def child(root: str, pages_file: str, part: str) -> None:
    """In a fresh process, with `root`'s cleaners: print {"ms": per page, "digest": of the records}."""
    sys.path.insert(0, root)
    from cleaners import Cleaner, CleaningSettings, Page

    pages = [Page(sha256="", **fields) for fields in pickle.loads(Path(pages_file).read_bytes())]
    cleaner, spent = Cleaner(CleaningSettings()), [0.0, 0]
    if part != "clean":
        _timed_part(part, cleaner, spent)
    for page in pages[:WARM_UP]:
        cleaner.record(page, RUN)
    spent[:], records = [0.0, 0], []
    for page in pages:
        started = time.process_time()
        result = cleaner.record(page, RUN)
        if part == "clean":
            spent[0] += time.process_time() - started
        records.append(result)
    if part != "clean" and not spent[1]:
        raise SystemExit(f"bench.ab: {part!r} never ran on these pages (an HTML part on text pages?)")
    digest = hashlib.sha256(json.dumps(records, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    print(json.dumps({"ms": 1000 * spent[0] / len(pages), "digest": digest}))


@contextmanager
def checkout(base: str):
    """The folder of the code to compare with: `base` itself when it is one, else a temporary git
    worktree of the commit `base` names (removed afterwards)."""
    if Path(base).is_dir():
        yield Path(base).resolve()
        return
    with tempfile.TemporaryDirectory(prefix="winnow-ab-") as tmp:
        folder = Path(tmp) / "base"
        made = subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(folder), base],
                              capture_output=True, text=True)
        if made.returncode:
            raise SystemExit(f"bench.ab: --base {base!r} is neither a folder nor a commit git knows: "
                             f"{made.stderr.strip()}")
        try:
            yield folder
        finally:
            subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(folder)],
                           capture_output=True)


def measure(folder: Path, pages_file: Path, part: str) -> dict:
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", str(folder),
                             str(pages_file), part], capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"bench.ab: the code in {folder} failed:\n{result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def compare(base: str, pages: list, part: str, rounds: int) -> dict[str, list]:
    """{"base": [...], "this": [...]} of each round's result, the two codes alternated (ABBA)."""
    results: dict[str, list] = {"base": [], "this": []}
    with tempfile.TemporaryDirectory(prefix="winnow-ab-pages-") as tmp, checkout(base) as folder:
        pages_file = Path(tmp) / "pages.pickle"
        fields = ("source", "format", "content", "content_type")
        pages_file.write_bytes(pickle.dumps([{f: getattr(p, f) for f in fields} for p in pages]))
        folders = {"base": folder, "this": REPO}
        for round_ in range(rounds):
            for code in ("base", "this") if round_ % 2 == 0 else ("this", "base"):
                results[code].append(measure(folders[code], pages_file, part))
    return results


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(*argv[1:4])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="a commit, or the folder of another checkout")
    parser.add_argument("--kind", choices=("html", "text"), default="html")
    parser.add_argument("--part", default="clean", help="clean (the whole Cleaner.record), an HTML part or a step")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args(argv)
    from bench.steps import html_pages, text_pages
    from bench.throughput import machine

    count = args.pages or (300 if args.kind == "html" else 500)
    pages = html_pages(count) if args.kind == "html" else text_pages(count)
    results = compare(args.base, pages, args.part, args.rounds)
    medians = {code: statistics.median(r["ms"] for r in rows) for code, rows in results.items()}
    print(f"| {args.part}, {len(pages)} {args.kind} pages, {args.rounds} rounds each | median process ms/page "
          f"| min | max |")
    print("|---|---|---|---|")
    for code, rows in results.items():
        ms = [r["ms"] for r in rows]
        name = f"base ({args.base})" if code == "base" else "this checkout"
        print(f"| {name} | {medians[code]:.2f} | {min(ms):.2f} | {max(ms):.2f} |")
    print(f"\nthis / base (medians): {medians['this'] / max(medians['base'], 1e-9):.3f}")
    digests = {r["digest"] for rows in results.values() for r in rows}
    print("records: identical" if len(digests) == 1 else "records: DIFFER between the two codes")
    print(f"\n{machine()}\ncommand: .venv/bin/python -m bench.ab {' '.join(argv)}")


if __name__ == "__main__":
    main()
