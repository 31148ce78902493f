"""Where a page's time goes: process time per pipeline step (and, for HTML, per part of the
extraction step), in one process, on corpus pages or on text pages of the seed shapes. Run by
hand, not in CI: the map for the next speed-up, not a figure to quote (bench.throughput is).

    .venv/bin/python -m bench.steps --kind html [--pages 300] [--profile PART] [--sort tottime]
    .venv/bin/python -m bench.steps --kind text [--pages 500]

Process time, not wall time: the machine is shared. --profile PART prints a cProfile of one part
(an HTML part such as extract_html_comments, or a step name such as language) over the pages.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from collections import defaultdict

from bench.throughput import SEEDS, corpus_pages, machine, vary_words

# The parts of the HTML step (names in cleaners.html), timed where ExtractHtml calls them.
HTML_PARTS = ("parse_html", "drop_huge_scripts", "read_markup_dates", "drop_taxonomy_classes", "strip_injected_spam",
              "extract_html_comments", "strip_chrome_blocks", "strip_calendar_tables", "unwrap_layout_tables",
              "wrap_loose_text", "join_repeated_posts", "join_source_lines", "bare_extraction", "_take_extraction")


def html_pages(count: int) -> list:
    from cleaners.decode import decode_bytes
    from cleaners.document import Page

    return [Page(source=f"{i}.html", sha256="", format="html", content=decode_bytes(html, html=True),
                 content_type="html") for i, html in enumerate(corpus_pages(count))]


def text_pages(count: int) -> list:
    from cleaners.document import Page

    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    vocabulary = sorted({w for s in seeds for w in s.split() if w.isalpha() and len(w) > 3})
    rng = random.Random(7)
    return [Page(source=f"{i}.txt", sha256="", format="text", content=vary_words(seeds[i % len(seeds)], rng, vocabulary, 0.5),
                 content_type="text") for i in range(count)]


class Clock:
    """Process time by name, and a profiler that runs while the one named `profiled` does."""

    def __init__(self, profiled: str | None):
        self.seconds: dict[str, float] = defaultdict(float)
        self.profiler, self.profiled = cProfile.Profile(), profiled

    def timed(self, name: str, function):
        def timed(*args, **kwargs):
            if name == self.profiled:
                self.profiler.enable()
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.process_time() - started
                if name == self.profiled:
                    self.profiler.disable()
        return timed


def run(pages: list, profiled: str | None) -> tuple[dict[str, float], float, cProfile.Profile]:
    """Seconds per step and per HTML part over `pages` (after a warm-up on the first ten), the
    seconds of the whole, and the profile of the part named `profiled`."""
    import cleaners.html
    from cleaners import Cleaner, CleaningSettings

    cleaner, clock = Cleaner(CleaningSettings()), Clock(profiled)
    for steps in (cleaner.html_steps, cleaner.text_steps):
        steps[:] = [clock.timed("step " + getattr(s, "name", getattr(s, "__name__", "?")), s) for s in steps]
    originals = {name: getattr(cleaners.html, name) for name in HTML_PARTS}
    for name, function in originals.items():
        setattr(cleaners.html, name, clock.timed("  html: " + name, function))
    record = {"run_id": "", "pipeline_version": "", "config_sha256": ""}
    try:
        for page in pages[:10]:
            cleaner.record(page, record)
        clock.seconds.clear()
        clock.profiler = cProfile.Profile()  # the warm-up (langdetect's profiles) is not profiled
        started = time.process_time()
        for page in pages:
            cleaner.clean(page)
        total = time.process_time() - started
    finally:
        for name, function in originals.items():
            setattr(cleaners.html, name, function)
    return clock.seconds, total, clock.profiler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", choices=("html", "text"), default="html")
    parser.add_argument("--pages", type=int)
    parser.add_argument("--profile", metavar="PART", help="an HTML part (bare_extraction, ...) or a step name "
                        "(language, ...): its cProfile is printed")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key (cumulative, tottime, ...)")
    args = parser.parse_args()
    count = args.pages or (300 if args.kind == "html" else 500)
    pages = html_pages(count) if args.kind == "html" else text_pages(count)
    part = (args.profile or "").strip()
    profiled = ("  html: " + part if part in HTML_PARTS else "step " + part) if part else None
    seconds, total, profiler = run(pages, profiled)
    print(f"| {args.kind} pages: {len(pages)} | process ms/page | share |")
    print("|---|---|---|")
    for name, value in sorted(seconds.items(), key=lambda kv: (not kv[0].startswith("step"), -kv[1])):
        print(f"| {name} | {1000 * value / len(pages):.2f} | {value / total:.0%} |")
    outside = total - sum(v for k, v in seconds.items() if k.startswith("step"))
    print(f"| outside the steps (text pages: reading the lines, Unicode repair) | {1000 * outside / len(pages):.2f} "
          f"| {outside / total:.0%} |")
    print(f"| whole clean() | {1000 * total / len(pages):.2f} | 100% |")
    if args.profile:
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(30)
    print(f"\n{machine()}\ncommand: .venv/bin/python -m bench.steps {' '.join(sys.argv[1:])}")


if __name__ == "__main__":
    main()
