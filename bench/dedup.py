"""Near-duplicate detection (cleaners/dedup.py): recall and precision on planted duplicates, and cost per page.

    .venv/bin/python -m bench.dedup [--part all|quality|scale] [--grid] [--seed 0]
                                    [--scale 1000,10000,100000] [--index memory|sqlite]
                                    [--corpus ../shared/corpus] [--sets scrapinghub,cleaneval,dragnet-dev]

Part 1 (quality). The labelled pages' `articleBody` texts of at least --min-chars characters are the
articles (paragraphs: blocks between blank lines, a hard-wrapped block joined into one line, as the
pipeline writes it); bases that already overlap another base (3-word-shingle Jaccard >= 0.3) are
dropped, so every family starts distinct. Every page carries its site's header and footer line (50
sites), so pages of one site share lines; 15% of bases also carry one paragraph copied from another
base. 40% of bases get 1-3 near-duplicate variants under another id and url (a third on the same
site, the rest syndicated elsewhere), each with one or two of: paragraphs reordered; 1%, 5% or 10%
of words substituted, inserted or deleted; boilerplate lines added and/or a short first or last
paragraph dropped; other comments. A family is a base and its variants. One `decide()` over every
page (input shuffled): a page rejected as a duplicate of its own family is a true positive, of
another family a false positive; each family with k > 1 kept pages counts k - 1 false negatives.
The same again split into two runs (the first remembered in a `MemoryIndex`). --grid sweeps
shingle size, LSH bands x rows and threshold; without it only `DedupSettings()` is measured.

Part 2 (scale). For each N of --scale, in a fresh process: N pages recombined from 5-15 corpus
paragraphs plus a unique sentence, 5% near-duplicate variants of recent pages, 300 sites, 0-5
comments each (some repeated across a site). Timed with perf_counter, one core: `signature_of` per
page, one `decide()` over all N pages with an empty index (fastest of 3 calls, each on a fresh index;
decide() adds what it keeps to the index as it goes), committing it (SQLite: the transaction that
makes the run's additions last), and a next run of 1,000 pages decided against it (fastest of 3,
each rolled back). Total: signature + decide + commit, the whole dedup cost of a page. Generating
texts is not timed. Bucket-mates: kept pages sharing an LSH bucket with a page, summed over bands
(what decide() compares a page with). Progress goes to stderr, with where decide() is every minute.
--index sqlite uses flows/state.py's `StateIndex` in a temporary folder instead of `MemoryIndex`.

Prints markdown tables and the command line that reproduces them. Not part of CI.
"""
from __future__ import annotations

import argparse
import copy
import hashlib
import json
import random
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from multiprocessing import get_context
from pathlib import Path

from cleaners.dedup import MemoryIndex, Signature, decide, signature_of
from cleaners.normalize import comparable
from cleaners.settings import DedupSettings

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"
SETS = ("scrapinghub", "cleaneval", "dragnet-dev")
KINDS = ("reorder", "edits 1%", "edits 5%", "edits 10%", "boilerplate", "comments")
BOILERPLATE = ("Share this article", "Share on Facebook | Tweet | Email", "Subscribe to our newsletter",
               "Copyright 2024 {name}. All rights reserved.", "Related articles", "Advertisement",
               "This article first appeared on {name}.", "Follow us on Twitter and Facebook",
               "Sign up for our daily briefing", "Comments are closed.", "Read more from {name}")
GRID = {"shingle_words": (2, 3, 5), "bands": (16, 32, 64), "threshold": (0.4, 0.5, 0.6, 0.7)}
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)
SYNDICATED = "syndicated to another site"  # not a kind: a property of a variant of any kind
SHORT_PARAGRAPH = 120  # characters: a byline, dateline or "read more" line a repost may leave out


# ----------------------------------------------------------------------------- the corpus

def paragraphs_of(body: str) -> list[str]:
    """Blocks between blank lines, each one line (CleanEval's ground truth is hard-wrapped)."""
    blocks = re.split(r"\n[ \t\r]*\n", body) if re.search(r"\n[ \t\r]*\n", body) else body.split("\n")
    return [" ".join(b.split()) for b in blocks if b.strip()]


def shingles(text: str, n: int = 3) -> set[str]:
    """The exact word n-grams the MinHash estimates (same normalization as cleaners/dedup.py)."""
    words = comparable(text).split()
    return {" ".join(words[i:i + n]) for i in range(max(1, len(words) - n + 1))}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / (len(a | b) or 1)


def read_bases(corpus: Path, sets: list[str], min_chars: int) -> list[list[str]]:
    """Paragraphs of every ground-truth article of at least `min_chars` characters, by set and id."""
    bases = []
    for name in sets:
        truth = json.loads((corpus / name / "ground-truth.json").read_text(encoding="utf-8"))
        for page_id in sorted(truth):
            body = truth[page_id].get("articleBody") or ""
            if len(body) >= min_chars:
                bases.append(paragraphs_of(body))
    return bases


def drop_overlapping(bases: list[list[str]], limit: float = 0.3) -> tuple[list[list[str]], int]:
    """(bases without those overlapping an earlier one, how many were dropped): the corpus' own
    near-duplicates (one story in two sets, one site's template) would make the truth wrong."""
    kept: list[tuple[list[str], int]] = []
    holders: dict[str, list[int]] = {}  # shingle -> kept bases holding it
    dropped = 0
    for paragraphs in bases:
        mine = shingles("\n".join(paragraphs))
        shared = Counter(k for s in mine for k in holders.get(s, ()))
        if any(c / (len(mine) + kept[k][1] - c) >= limit for k, c in shared.items()):
            dropped += 1
            continue
        for s in mine:
            holders.setdefault(s, []).append(len(kept))
        kept.append((paragraphs, len(mine)))
    return [p for p, _ in kept], dropped


def comment_pool(corpus: Path) -> list[str]:
    """Real reader comments (dragnet-dev's ground truth), one per blank-line block."""
    path = corpus / "dragnet-dev" / "ground-truth.json"
    truth = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    pieces = {" ".join(p.split()) for page in truth.values() for p in re.split(r"\n\s*\n", page.get("comments") or "")}
    pool = sorted(p for p in pieces if 20 <= len(p) <= 400)
    return pool or [f"Great article, thanks for writing it up ({i})." for i in range(200)]


def vocabulary(bases: list[list[str]]) -> list[str]:
    return sorted({w for paragraphs in bases for p in paragraphs for w in p.split() if w.isalpha()})


# ----------------------------------------------------------------------------- variants

def reorder(paragraphs: list[str], rng: random.Random) -> list[str]:
    """Shuffled, or a few paragraphs moved elsewhere."""
    out = list(paragraphs)
    if rng.random() < 0.5:
        rng.shuffle(out)
        return out
    for _ in range(rng.randint(1, 3)):
        moved = out.pop(rng.randrange(len(out)))
        out.insert(rng.randrange(len(out) + 1), moved)
    return out


def edit_words(paragraphs: list[str], rate: float, rng: random.Random, vocab: list[str]) -> list[str]:
    """`rate` of the words substituted, inserted or deleted, at random places."""
    words = [p.split(" ") for p in paragraphs]
    places = [(i, j) for i, ws in enumerate(words) for j in range(len(ws))]
    for i, j in sorted(rng.sample(places, max(1, round(rate * len(places)))), reverse=True):
        op = rng.choice(("substitute", "insert", "delete"))  # from the end: earlier places stay valid
        if op == "substitute":
            words[i][j] = rng.choice(vocab)
        elif op == "insert":
            words[i].insert(j, rng.choice(vocab))
        elif len(words[i]) > 1:
            del words[i][j]
    return [" ".join(ws) for ws in words]


def change_boilerplate(paragraphs: list[str], rng: random.Random, name: str) -> list[str]:
    """1-3 boilerplate lines added at the top or bottom, and/or a short first or last paragraph dropped."""
    out = list(paragraphs)
    ends = [i for i in (0, len(out) - 1) if len(out) > 2 and len(out[i]) < SHORT_PARAGRAPH]
    action = rng.choice(("add", "drop", "both")) if ends else "add"
    if action != "add":
        del out[rng.choice(ends)]
    if action != "drop":
        lines = [line.format(name=name) for line in rng.sample(BOILERPLATE, rng.randint(1, 3))]
        out = lines + out if rng.random() < 0.5 else out + lines
    return out


def make_variant(paragraphs: list[str], rng: random.Random, vocab: list[str], name: str) -> tuple[list[str], tuple]:
    """(paragraphs of a near-duplicate, its kinds): one or two kinds, each applied once."""
    picked = rng.sample(("reorder", "edits", "boilerplate", "comments"), rng.randint(1, 2))
    kinds = []
    for kind in sorted(picked, key=("boilerplate", "reorder", "edits", "comments").index):
        if kind == "reorder":
            paragraphs = reorder(paragraphs, rng)
        elif kind == "edits":
            rate = rng.choice((0.01, 0.05, 0.10))
            paragraphs = edit_words(paragraphs, rate, rng, vocab)
            kind = f"edits {rate:.0%}"
        elif kind == "boilerplate":
            paragraphs = change_boilerplate(paragraphs, rng, name)
        kinds.append(kind)  # "comments": the caller draws another comment list
    return paragraphs, tuple(kinds)


# ----------------------------------------------------------------------------- pages

def site_name(k: int) -> str:
    return f"site{k}.example"


def site_text(k: int, paragraphs: list[str]) -> str:
    """The article as its site prints it: the site's header and footer line around it."""
    name = f"Site {k} News"
    return "\n".join([f"{name} | Home | World | Business | Opinion | Contact", *paragraphs,
                      f"© 2024 {name}. All rights reserved. Privacy policy | Terms of use"])


def page_record(n: int, site: int, text: str, comments: list[str], fetched: datetime) -> dict:
    return {"id": f"page-{n:07d}", "url": f"https://{site_name(site)}/{n}", "site": site_name(site), "text": text,
            "comments": [{"text": c} for c in comments],
            "provenance": {"source": f"bench/{site_name(site)}/{n}.html",
                           "fetched_at": fetched.strftime("%Y-%m-%dT%H:%M:%SZ")}}


def draw_comments(rng: random.Random, pool: list[str], site_pool: list[str], least: int = 0) -> list[str]:
    """0-5 comments; about a third from the site's few recurring ones (spam, or regulars)."""
    return [rng.choice(site_pool) if rng.random() < 0.3 else rng.choice(pool) for _ in range(rng.randint(least, 5))]


@dataclass
class Page:
    record: dict
    family: int
    site: int
    kinds: tuple = ()  # empty: the base page
    other_site: bool = False
    truth_jaccard: float = 1.0  # exact 3-word-shingle Jaccard with the family's base
    donor: int | None = None  # family whose paragraph this page carries

    def labels(self) -> tuple:
        """What recall is broken down by: the variant's kinds, and whether it moved to another site."""
        return self.kinds + ((SYNDICATED,) if self.other_site else ())


@dataclass
class Corpus:
    pages: list[Page] = field(default_factory=list)
    bases: int = 0
    dropped: int = 0


def share_paragraphs(bases: list[list[str]], rng: random.Random) -> dict[int, int]:
    """Hard negatives: 15% of bases get one paragraph of another base, 100+ characters and at most a
    quarter of either page (a page that is mostly another page's paragraph is a near-duplicate)."""
    donors = {}
    for b in rng.sample(range(len(bases)), len(bases) * 15 // 100):
        size = sum(map(len, bases[b]))
        for _ in range(100):  # a page of one short paragraph may find no donor: it goes without
            donor = rng.randrange(len(bases))
            most = min(size, sum(map(len, bases[donor]))) // 4
            fitting = [p for p in bases[donor] if 100 <= len(p) <= most]
            if donor != b and donor not in donors and fitting:
                break
        else:
            continue
        bases[b] = list(bases[b])
        bases[b].insert(rng.randrange(len(bases[b]) + 1), rng.choice(fitting))
        donors[b] = donor
    return donors


def truth_corpus(bases: list[list[str]], dropped: int, rng: random.Random, vocab: list[str],
                 pool: list[str], sites: int = 50) -> Corpus:
    """Every base as a page, and near-duplicate variants of 40% of them (see the module docstring)."""
    site_pools = [rng.sample(pool, 3) for _ in range(sites)]
    donors = share_paragraphs(bases, rng)
    out = Corpus(bases=len(bases), dropped=dropped)
    for family, paragraphs in enumerate(bases):
        site = rng.randrange(sites)
        fetched = EPOCH + timedelta(minutes=rng.randrange(60 * 24 * 300))
        base = Page(page_record(len(out.pages), site, site_text(site, paragraphs),
                                draw_comments(rng, pool, site_pools[site]), fetched),
                    family, site, donor=donors.get(family))
        out.pages.append(base)
        if rng.random() < 0.4:
            for _ in range(rng.randint(1, 3)):
                out.pages.append(variant_page(len(out.pages), base, paragraphs, rng, vocab, pool, site_pools))
    return out


def variant_page(n: int, base: Page, paragraphs: list[str], rng: random.Random, vocab: list[str],
                 pool: list[str], site_pools: list[list[str]]) -> Page:
    """A repost of `base`: a third on its own site, the rest syndicated to another, fetched later."""
    sites = len(site_pools)
    site = base.site if rng.random() < 1 / 3 else rng.choice([s for s in range(sites) if s != base.site])
    paragraphs, kinds = make_variant(paragraphs, rng, vocab, f"Site {site} News")
    text = site_text(site, paragraphs)
    comments = [c["text"] for c in base.record["comments"]]
    while "comments" in kinds and comments == [c["text"] for c in base.record["comments"]]:
        comments = draw_comments(rng, pool, site_pools[site], least=1)
    fetched = datetime.strptime(base.record["provenance"]["fetched_at"], "%Y-%m-%dT%H:%M:%SZ")
    later = fetched + timedelta(minutes=rng.randint(10, 60 * 24 * 30))  # reposts come after the original
    return Page(page_record(n, site, text, comments, later), base.family, site, kinds, site != base.site,
                jaccard(shingles(base.record["text"]), shingles(text)), base.donor)


# ----------------------------------------------------------------------------- part 1: scoring

@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    decide_s: float = 0.0
    pages: int = 0
    found: Counter = field(default_factory=Counter)  # per variant kind: rejected into their family
    total: Counter = field(default_factory=Counter)
    false: list = field(default_factory=list)  # (page, the other family's page it was rejected for)
    missed: list = field(default_factory=list)  # variants not rejected into their family

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def score(pages: list[Page], decisions, decide_s: float) -> Score:
    """True positives: pages rejected into their own family; false positives: into another;
    false negatives: every kept page of a family beyond the first."""
    by_id = {p.record["id"]: p for p in pages}
    out, kept = Score(decide_s=decide_s, pages=len(pages)), Counter()
    for page in pages:
        decision = decisions[page.record["provenance"]["source"]]
        other = by_id.get(decision.duplicate_of) if decision.status == "duplicate" else None
        hit = other is not None and other.family == page.family
        if decision.status == "keep":
            kept[page.family] += 1
        elif hit:
            out.tp += 1
        else:
            out.fp += 1
            out.false.append((page, other))
        if page.kinds:  # found or not, per kind: meaningful when the base is kept (one run: it is first)
            for kind in page.labels():
                out.total[kind] += 1
                out.found[kind] += hit
            if not hit:
                out.missed.append(page)
    out.fn = sum(k - 1 for k in kept.values() if k > 1)
    return out


def one_run(pages: list[Page], sigs: dict[str, Signature], settings: DedupSettings, rng: random.Random) -> Score:
    order = [sigs[p.record["provenance"]["source"]] for p in pages]
    rng.shuffle(order)  # decide() must not care which order the files were listed in
    started = time.perf_counter()
    decisions = decide(order, MemoryIndex(settings), settings)
    return score(pages, decisions.by_source, time.perf_counter() - started)


def two_runs(pages: list[Page], sigs: dict[str, Signature], settings: DedupSettings, rng: random.Random) -> Score:
    """Half the pages in a first run remembered in the index, the other half decided against it."""
    order = [sigs[p.record["provenance"]["source"]] for p in pages]
    rng.shuffle(order)
    first, second = order[:len(order) // 2], order[len(order) // 2:]
    index = MemoryIndex(settings)
    started = time.perf_counter()
    decisions = decide(first, index, settings)  # the first run's kept articles stay in the index
    merged = dict(decisions.by_source) | decide(second, index, settings).by_source
    return score(pages, merged, time.perf_counter() - started)


def signatures(pages: list[Page], settings: DedupSettings) -> dict[str, Signature]:
    return {p.record["provenance"]["source"]: signature_of(p.record, settings) for p in pages}


# ----------------------------------------------------------------------------- part 1: tables

def why_false(page: Page, other: Page | None) -> str:
    if other is None:
        return "unknown original"
    donors = {page.donor, other.donor} - {None}
    if page.family in donors or other.family in donors or (page.donor is not None and page.donor == other.donor):
        return "shares a paragraph"
    return "same site" if page.site == other.site else "other"


def settings_label(s: DedupSettings) -> str:
    return f"{s.shingle_words} words, {s.bands}x{s.num_perm // s.bands}, threshold {s.threshold}"


def print_summary(corpus: Corpus, seed: int) -> None:
    variants = [p for p in corpus.pages if p.kinds]
    print(f"dedup quality, seed {seed}: {corpus.bases} articles ({corpus.dropped} more dropped as overlapping "
          f"another), {len({p.family for p in variants})} with 1-3 near-duplicates, {len(variants)} near-duplicates, "
          f"{sum(p.donor is not None and not p.kinds for p in corpus.pages)} articles sharing one paragraph "
          f"with another, {len(corpus.pages)} pages on {len({p.site for p in corpus.pages})} sites")


def print_quality(corpus: Corpus, settings: DedupSettings, one: Score, two: Score) -> None:
    variants = [p for p in corpus.pages if p.kinds]
    print("\n| run | settings | pages | TP | FP | FN | precision | recall | decide ms/page |\n" + "|---" * 9 + "|")
    for name, s in (("one run", one), ("two runs (half remembered)", two)):
        print(f"| {name} | {settings_label(settings)} | {s.pages} | {s.tp} | {s.fp} | {s.fn} | {s.precision:.4f} "
              f"| {s.recall:.4f} | {1000 * s.decide_s / s.pages:.3f} |")
    print("\n| variant kind (one run) | variants | found | recall | true Jaccard, median | min |\n" + "|---" * 6 + "|")
    for kind in (*KINDS, SYNDICATED):
        truth = [p.truth_jaccard for p in variants if kind in p.labels()]
        print(f"| {kind} | {one.total[kind]} | {one.found[kind]} | {one.found[kind] / (one.total[kind] or 1):.4f} "
              f"| {statistics.median(truth or [0]):.3f} | {min(truth or [0]):.3f} |")
    bases = {p.family: p for p in corpus.pages if not p.kinds}
    shared = sorted(jaccard(shingles(p.record["text"]), shingles(bases[p.donor].record["text"]))
                    for p in bases.values() if p.donor is not None)
    print(f"\narticles sharing one paragraph: true Jaccard with the article it came from {shared[0]:.3f} .. "
          f"{shared[-1]:.3f} (median {statistics.median(shared):.3f})")
    print_misses(one)


def print_misses(one: Score) -> None:
    """What the misses and false positives look like: exact 3-word-shingle Jaccard, kinds."""
    if one.missed:
        truth = sorted(p.truth_jaccard for p in one.missed)
        print(f"\nmissed near-duplicates (one run): {len(truth)}, true Jaccard with their base "
              f"{truth[0]:.3f} .. {truth[-1]:.3f} (median {statistics.median(truth):.3f}); kinds: "
              + ", ".join(f"{k} {c}" for k, c in Counter(k for p in one.missed for k in p.kinds).most_common()))
    if one.false:
        print("false positives (one run): "
              + ", ".join(f"{k} {c}" for k, c in Counter(why_false(p, o) for p, o in one.false).most_common()))
        for page, other in one.false[:10]:
            exact = jaccard(shingles(page.record["text"]), shingles(other.record["text"])) if other else 0.0
            print(f"  {page.record['id']} ({page.kinds or 'base'}) as {other and other.record['id']}: "
                  f"{why_false(page, other)}, true Jaccard {exact:.3f}")


def grid_settings() -> list[DedupSettings]:
    return [DedupSettings(shingle_words=w, bands=b, threshold=t)
            for w in GRID["shingle_words"] for b in GRID["bands"] for t in GRID["threshold"]]


def run_grid(corpus: Corpus, seed: int) -> None:
    print("\n| shingle words | bands x rows | threshold | precision | recall | FP | FN | "
          + " | ".join(KINDS) + " | two runs: precision | recall | decide ms/page |")
    print("|---" * (10 + len(KINDS)) + "|")
    sigs: dict[int, dict[str, Signature]] = {}
    for settings in grid_settings():
        if settings.shingle_words not in sigs:  # bands and threshold play no part in the signature
            print(f"signatures, {settings.shingle_words}-word shingles...", file=sys.stderr, flush=True)
            sigs = {settings.shingle_words: signatures(corpus.pages, settings)}
        one = one_run(corpus.pages, sigs[settings.shingle_words], settings, random.Random(seed))
        two = two_runs(corpus.pages, sigs[settings.shingle_words], settings, random.Random(seed))
        print(f"| {settings.shingle_words} | {settings.bands}x{settings.num_perm // settings.bands} "
              f"| {settings.threshold} | {one.precision:.4f} | {one.recall:.4f} | {one.fp} | {one.fn} | "
              + " | ".join(f"{one.found[k] / (one.total[k] or 1):.3f}" for k in KINDS)
              + f" | {two.precision:.4f} | {two.recall:.4f} | {1000 * one.decide_s / one.pages:.3f} |", flush=True)


def run_quality(args) -> None:
    rng = random.Random(args.seed)
    bases, dropped = drop_overlapping(read_bases(args.corpus, args.sets.split(","), args.min_chars))
    corpus = truth_corpus(bases, dropped, rng, vocabulary(bases), comment_pool(args.corpus))
    print_summary(corpus, args.seed)
    if args.grid:
        run_grid(corpus, args.seed)
        return
    settings = DedupSettings()
    sigs = signatures(corpus.pages, settings)
    print_quality(corpus, settings, one_run(corpus.pages, sigs, settings, random.Random(args.seed)),
                  two_runs(corpus.pages, sigs, settings, random.Random(args.seed)))


# ----------------------------------------------------------------------------- part 2: scale

SCALE_SITES = 300
NEXT_RUN = 1000
REPEATS = 3  # decide() calls per measure, the fastest counts


@dataclass
class ScaleText:
    """What scale pages are made of; `recent` holds recent pages, the originals of variants."""
    paragraphs: list[str]
    vocab: list[str]
    pool: list[str]
    site_pools: list[list[str]]
    recent: deque = field(default_factory=lambda: deque(maxlen=1000))


def scale_page(i: int, rng: random.Random, env: ScaleText) -> tuple[dict, int]:
    """(record, family): 5% near-duplicates of a recent page, else 5-15 paragraphs and a unique sentence."""
    if env.recent and rng.random() < 0.05:
        paragraphs, family, site, fetched = rng.choice(env.recent)
        site = site if rng.random() < 1 / 3 else rng.randrange(SCALE_SITES)
        paragraphs, _ = make_variant(paragraphs, rng, env.vocab, f"Site {site} News")
        fetched += timedelta(minutes=rng.randint(10, 600))
    else:
        family, site, fetched = i, rng.randrange(SCALE_SITES), EPOCH + timedelta(seconds=30 * i)
        paragraphs = [rng.choice(env.paragraphs) for _ in range(rng.randint(5, 15))]
        unique = f"Reference {i}: " + " ".join(rng.choice(env.vocab) for _ in range(10)) + "."
        paragraphs.insert(rng.randrange(len(paragraphs) + 1), unique)  # no two pages exactly the same
        env.recent.append((paragraphs, family, site, fetched))
    comments = draw_comments(rng, env.pool, env.site_pools[site])
    return page_record(i, site, site_text(site, paragraphs), comments, fetched), family


def timed_signatures(first: int, n: int, rng: random.Random, env: ScaleText, settings: DedupSettings,
                     what: str) -> tuple[list[Signature], dict[str, int], float]:
    """(signatures, family of each id, seconds in signature_of): texts made in chunks, then dropped."""
    sigs, families, spent, chunk = [], {}, 0.0, 1000
    for start in range(first, first + n, chunk):
        records = [scale_page(i, rng, env) for i in range(start, min(first + n, start + chunk))]
        families.update((r["id"], f) for r, f in records)
        started = time.perf_counter()
        sigs.extend(signature_of(r, settings) for r, _ in records)
        spent += time.perf_counter() - started
        done = start - first + len(records)
        if done % max(chunk, n // 10 // chunk * chunk) == 0 or done == n:
            print(f"  {what}: {done}/{n} signatures, {spent:.1f} s", file=sys.stderr, flush=True)
    return sigs, families, spent


@contextmanager
def heartbeat(what: str, every: float = 60.0):
    """Say every minute how long `what` has run and where in cleaners/dedup.py the main thread is."""
    main, stop, started = threading.get_ident(), threading.Event(), time.perf_counter()

    def beat():
        while not stop.wait(every):
            frame, where = sys._current_frames().get(main), "?"
            while frame is not None:
                if frame.f_code.co_filename.endswith("cleaners/dedup.py"):
                    where = f"cleaners/dedup.py:{frame.f_lineno} in {frame.f_code.co_name}"
                    break
                frame = frame.f_back
            print(f"  {what}: {time.perf_counter() - started:.0f} s so far, at {where}", file=sys.stderr, flush=True)

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


class Indexes:
    """Fresh dedup indexes of one kind: decide() adds what it keeps to its index, so each timed call
    gets its own. SQLite: flows/state.py's StateIndex on a database in a temporary folder, a run's
    additions committed (`remember`) or rolled back (`discard`)."""

    def __init__(self, kind: str, settings: DedupSettings, folder: Path):
        self.kind, self.settings, self.folder, self.count = kind, settings, folder, 0

    def empty(self):
        if self.kind == "memory":
            return MemoryIndex(self.settings)
        from flows.state import StateIndex

        self.count += 1
        return StateIndex(self.folder / f"run{self.count}.sqlite", self.settings)

    def remember(self, index) -> None:
        if self.kind == "sqlite":
            index.commit([])

    def reopen(self, index):
        """The remembered index again (as committed), for a next run that must not change it."""
        if self.kind == "memory":
            if not hasattr(self, "remembered"):
                self.remembered = copy.deepcopy(index)
            return copy.deepcopy(self.remembered)
        from flows.state import StateIndex

        index.close()
        return StateIndex(self.folder / f"run{self.count}.sqlite", self.settings)

    def discard(self, index) -> None:
        if self.kind == "sqlite":
            index.close()  # rolled back


def found_duplicates(sigs: list[Signature], families: dict[str, int], decisions) -> tuple[int, int, int]:
    """(variants planted, rejected into their family, other rejections)."""
    planted = sum(1 for s in sigs if families[s.id] != int(s.id.split("-")[1]))  # a page's own family is its number
    found = other = 0
    for sig in sigs:
        decision = decisions.by_source[sig.source]
        if decision.status == "duplicate":
            if families.get(decision.duplicate_of, -1) == families[sig.id]:
                found += 1
            else:
                other += 1
    return planted, found, other


def bucket_mates(sigs: list[Signature], decisions, settings: DedupSettings) -> float:
    """Mean, over pages, of kept pages sharing an LSH bucket with it, summed over bands (untimed):
    the candidates decide() compares, which must not grow with the run for the cost to stay flat."""
    keys = [list(s.buckets) for s in sigs]
    kept = [decisions.by_source[s.source].status == "keep" for s in sigs]
    sizes = Counter(k for ks, keep in zip(keys, kept) if keep for k in ks)
    return sum(sum(sizes[k] for k in ks) - settings.bands * keep for ks, keep in zip(keys, kept)) / len(sigs)


def scale_env(corpus: Path, sets: list[str], min_chars: int, rng: random.Random) -> ScaleText:
    bases = read_bases(corpus, sets, min_chars)
    pool = comment_pool(corpus)
    # 80-1,000 characters: a few pages of the corpus are one block of 40,000; drawn twice, they are one page
    return ScaleText(sorted({p for ps in bases for p in ps if 80 <= len(p) <= 1000}), vocabulary(bases), pool,
                     [rng.sample(pool, 3) for _ in range(SCALE_SITES)])


def best_of(repeats: int, sigs: list[Signature], fresh, settings: DedupSettings, what: str) -> tuple:
    """(index and decisions of the last call, fastest seconds of `repeats` decide() calls, each on an
    index from `fresh()`): one call over 1,000 pages takes a tenth of a second, too short to trust."""
    fastest, index, decisions = float("inf"), None, None
    for attempt in range(repeats):
        print(f"  {what}: decide ({attempt + 1}/{repeats})...", file=sys.stderr, flush=True)
        index = fresh()
        with heartbeat(what):
            started = time.perf_counter()
            decisions = decide(sigs, index, settings)
            fastest = min(fastest, time.perf_counter() - started)
    return index, decisions, fastest


def measure_scale(n: int, seed: int, corpus: Path, sets: list[str], min_chars: int, kind: str) -> dict:
    """One size, in its own process (peak RSS is this size's)."""
    rng = random.Random(seed * 1_000_003 + n)
    env, settings = scale_env(corpus, sets, min_chars, rng), DedupSettings()
    row = {"pages": n}
    sigs, families, row["signature_s"] = timed_signatures(0, n, rng, env, settings, f"{n} pages")
    with tempfile.TemporaryDirectory() as tmp:
        indexes = Indexes(kind, settings, Path(tmp))
        index, decisions, row["decide_s"] = best_of(REPEATS, sigs, indexes.empty, settings, f"decide over {n} pages")
        print(f"  {n} pages: decide {row['decide_s']:.1f} s; remember...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        indexes.remember(index)
        row["remember_s"] = time.perf_counter() - started
        row["planted"], row["found"], row["other"] = found_duplicates(sigs, families, decisions)
        row["mates"] = bucket_mates(sigs, decisions, settings)
        del sigs, decisions
        more, _, _ = timed_signatures(n, NEXT_RUN, rng, env, settings, "next run")
        runs = [index]

        def next_index():  # the previous attempt's additions discarded first: one writer at a time
            runs.append(indexes.reopen(runs.pop()))
            return runs[-1]

        _, _, row["next_s"] = best_of(REPEATS, more, next_index, settings, f"next run after {n} pages")
        indexes.discard(runs.pop())
    row["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def run_scale(args) -> None:
    from bench import dedup as me  # by its importable name: the worker process is spawned

    sizes = [int(n) for n in args.scale.split(",")]
    print(f"\ndedup cost per page, seed {args.seed}, index {args.index}, DedupSettings() "
          f"({settings_label(DedupSettings())}), one process per size, one core\n")
    print("| pages | signature ms/page | x first size | decide ms/page | x first size | commit ms/page "
          "| total dedup ms/page | x first size "
          f"| next run: decide {NEXT_RUN:,} pages, ms/page | x first size | bucket-mates/page "
          "| near-duplicates found / planted | other duplicates | peak RSS MB | wall s |\n" + "|---" * 15 + "|")
    first = None
    for n in sizes:
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
            row = pool.submit(me.measure_scale, n, args.seed, args.corpus, args.sets.split(","), args.min_chars,
                              args.index).result()
        per = {k: 1000 * row[f"{k}_s"] / n for k in ("signature", "decide", "remember")}
        per["next"] = 1000 * row["next_s"] / NEXT_RUN
        per["total"] = per["signature"] + per["decide"] + per["remember"]
        first = first or per
        print(f"| {n:,} | {per['signature']:.3f} | {per['signature'] / first['signature']:.2f} | {per['decide']:.3f} "
              f"| {per['decide'] / first['decide']:.2f} | {per['remember']:.3f} "
              f"| {per['total']:.3f} | {per['total'] / first['total']:.2f} | {per['next']:.3f} "
              f"| {per['next'] / first['next']:.2f} | {row['mates']:.2f} | {row['found']} / {row['planted']} "
              f"| {row['other']} | {row['rss_mb']:.0f} | {time.perf_counter() - started:.0f} |", flush=True)


# ----------------------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("all", "quality", "scale"), default="all")
    parser.add_argument("--grid", action="store_true", help="part 1 over a grid of settings, one row each")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", default="1000,10000,100000", help="comma-separated run sizes of part 2")
    parser.add_argument("--index", choices=("memory", "sqlite"), default="memory",
                        help="prior index of part 2: MemoryIndex, or flows/state.py's StateIndex")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--min-chars", type=int, default=500, help="shorter ground-truth articles are left out")
    args = parser.parse_args(argv)
    if args.index == "sqlite":
        from flows import state

        if not hasattr(state, "StateIndex"):
            parser.error("flows/state.py has no StateIndex (yet): --index sqlite is not available")
    if args.part in ("all", "quality"):
        run_quality(args)
    if args.part in ("all", "scale"):
        run_scale(args)
    dedup = hashlib.sha256((REPO / "cleaners" / "dedup.py").read_bytes()).hexdigest()[:12]  # it is still changing
    print(f"\ncleaners/dedup.py sha256 {dedup}; command: .venv/bin/python -m bench.dedup "
          f"{' '.join(sys.argv[1:] if argv is None else argv)}".rstrip())


if __name__ == "__main__":
    main()
