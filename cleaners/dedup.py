"""Deduplication across pages and runs: signatures of articles, and the decisions made from them.

A worker computes one `Signature` per article (cheap to ship: a few hundred bytes). The flow then
decides, seeing every article of the run and an index of every earlier run (`PriorIndex`,
implemented on SQLite in flows/state.py):

- same page again (same `id`: same canonical URL or source record): a new `revision` when its text
  or comments changed, a `duplicate` of itself when nothing did;
- another page with the same normalized text (exact), or a MinHash estimate of word-shingle
  Jaccard similarity at or above `dedup.threshold` (near): `duplicate` of the kept article. The
  kept copy is the one already in the feed, else the earliest fetched, then the longest, then the
  smallest id: the order files are listed in plays no part;
- a comment (normalized: case, punctuation, links ignored) under `comment_site_pages` or more
  pages of one site: site-wide spam, removed from every article of this run on that site;
- a line found on `template_site_pages` or more pages of one site: a template line, removed.
"""
from __future__ import annotations

import hashlib
import re
from array import array
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Protocol

import numpy as np
from datasketch import MinHash

from .document import Removal
from .normalize import comparable
from .settings import DedupSettings

STEP = "dedup"
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


def hash64(text: str) -> int:
    """A stable signed 64-bit hash (SQLite's integer), the same in every process and run."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def text_key(text: str) -> str:
    """Exact-duplicate key: case, whitespace and punctuation do not count."""
    return hashlib.blake2b(comparable(text).encode("utf-8"), digest_size=16).hexdigest()


def comment_key(text: str) -> str:
    """A comment reposted with other links, case or punctuation is the same comment."""
    return comparable(_URL.sub(" ", text))


def line_key(line: str) -> str:
    return comparable(line)


_PERMUTATIONS: dict[int, Any] = {}


def minhash(text: str, settings: DedupSettings) -> bytes:
    """MinHash of the text's word n-grams (normalized words), as uint32 bytes."""
    if settings.num_perm not in _PERMUTATIONS:  # made once per process: costly to draw
        template = MinHash(num_perm=settings.num_perm, seed=1)
        _PERMUTATIONS[settings.num_perm] = (template.permutations, template.scheme)
    words = comparable(text).split()
    n = settings.shingle_words
    shingles = {" ".join(words[i:i + n]).encode("utf-8") for i in range(max(1, len(words) - n + 1))}
    permutations, scheme = _PERMUTATIONS[settings.num_perm]
    sketch = MinHash(num_perm=settings.num_perm, seed=1, permutations=permutations, scheme=scheme)
    sketch.update_batch(sorted(shingles))
    return sketch.hashvalues.astype(np.uint32).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(x == y)) / len(x)


def band_keys(signature: bytes, settings: DedupSettings) -> list[tuple[int, int]]:
    """(band, bucket) pairs of the LSH table: two signatures that agree on a whole band meet."""
    rows = settings.num_perm // settings.bands
    width = rows * 4
    return [(band, hash64(signature[band * width:(band + 1) * width].hex()))
            for band in range(settings.bands)]


@dataclass(slots=True)
class Signature:
    """What the flow needs to know of one article to deduplicate it."""

    id: str
    source: str
    site: str | None
    fetched_at: str | None
    length: int
    text_key: str
    content_key: str  # text and comments: an unchanged re-crawl has the same
    minhash: bytes
    lines: array = field(default_factory=lambda: array("q"))  # hash64 of each distinct eligible line
    comments: array = field(default_factory=lambda: array("q"))  # hash64 of each distinct eligible comment

    def policy_key(self) -> tuple:
        """Which copy is kept: earliest fetched (unknown last), then longest, then smallest id."""
        return (self.fetched_at is None, self.fetched_at or "", -self.length, self.id, self.source)


def signature_of(record: dict[str, Any], settings: DedupSettings) -> Signature:
    text = record["text"]
    comments = [c["text"] for c in record.get("comments", [])]
    content = text + "\n\x00" + "\n\x00".join(comment_key(c) for c in comments)
    lines = sorted({hash64(k) for k in map(line_key, text.split("\n")) if len(k) >= settings.template_min_chars})
    keys = sorted({hash64(k) for k in map(comment_key, comments) if len(comparable(k)) >= settings.comment_min_chars})
    prov = record["provenance"]
    return Signature(
        id=record["id"], source=prov["source"], site=record.get("site"), fetched_at=prov.get("fetched_at"),
        length=len(text), text_key=text_key(text), content_key=text_key(content),
        minhash=minhash(text, settings), lines=array("q", lines), comments=array("q", keys),
    )


class PriorIndex(Protocol):
    """What earlier runs kept (flows/state.py on SQLite; `MemoryIndex` in tests and benchmarks)."""

    def latest(self, article_id: str) -> tuple[int, str] | None: ...  # (revision, content_key)
    def exact(self, key: str) -> str | None: ...  # id of the kept article with this text key
    def candidates(self, keys: list[tuple[int, int]]) -> set[str]: ...  # ids sharing an LSH bucket
    def minhash(self, article_id: str) -> bytes | None: ...
    def comment_pages(self, site: str, hashes: Iterable[int]) -> dict[int, set[str]]: ...
    def line_pages(self, site: str, hashes: Iterable[int]) -> dict[int, int]: ...


@dataclass(slots=True)
class Decision:
    status: str  # "keep" or "duplicate"
    revision: int = 1
    duplicate_of: str | None = None
    detail: str = ""


@dataclass
class Decisions:
    by_source: dict[str, Decision] = field(default_factory=dict)
    spam_comments: dict[str, set[int]] = field(default_factory=dict)  # site -> comment hashes
    template_lines: dict[str, set[int]] = field(default_factory=dict)  # site -> line hashes
    new_ids: set[str] = field(default_factory=set)  # ids first kept in this run


class _RunIndex:
    """The articles kept so far in this run, searched together with the prior index."""

    def __init__(self, prior: PriorIndex, settings: DedupSettings):
        self.prior, self.settings = prior, settings
        self.exact: dict[str, str] = {}
        self.buckets: dict[tuple[int, int], list[str]] = defaultdict(list)
        self.minhashes: dict[str, bytes] = {}

    def add(self, sig: Signature) -> None:
        self.exact.setdefault(sig.text_key, sig.id)
        self.minhashes[sig.id] = sig.minhash
        for key in band_keys(sig.minhash, self.settings):
            self.buckets[key].append(sig.id)

    def original_of(self, sig: Signature) -> tuple[str, str] | None:
        """(id of the kept article `sig` duplicates, how) or None."""
        found = self.exact.get(sig.text_key) or self.prior.exact(sig.text_key)
        if found and found != sig.id:
            return found, "the same text"
        keys = band_keys(sig.minhash, self.settings)
        ids = {i for k in keys for i in self.buckets.get(k, ())} | self.prior.candidates(keys)
        ids.discard(sig.id)
        best = None
        for other in sorted(ids):
            theirs = self.minhashes.get(other) or self.prior.minhash(other)
            score = similarity(sig.minhash, theirs) if theirs else 0.0
            if score >= self.settings.threshold and (best is None or score > best[1]):
                best = (other, score)
        return (best[0], f"near-identical text (estimated similarity {best[1]:.2f})") if best else None


def decide(signatures: list[Signature], prior: PriorIndex, settings: DedupSettings) -> Decisions:
    """Keep, revise or reject each article of the run; site-wide spam comments and template lines."""
    out = Decisions()
    index = _RunIndex(prior, settings)
    by_id: dict[str, list[Signature]] = defaultdict(list)
    for sig in signatures:
        by_id[sig.id].append(sig)
    groups = sorted((sorted(group, key=Signature.policy_key) for group in by_id.values()),
                    key=lambda group: (prior.latest(group[0].id) is None, group[0].policy_key()))
    for group in groups:  # pages seen before first (they are kept as revisions), then by policy
        latest = prior.latest(group[0].id)
        for sig in group:
            if latest is None:
                original = index.original_of(sig)
                if original:
                    out.by_source[sig.source] = Decision("duplicate", duplicate_of=original[0],
                                                         detail=f"{original[1]} as article {original[0]}")
                    continue
                latest = (0, "")
                out.new_ids.add(sig.id)
            if sig.content_key == latest[1]:
                out.by_source[sig.source] = Decision(
                    "duplicate", duplicate_of=sig.id, detail=f"unchanged re-crawl of article {sig.id} (revision {latest[0]})")
                continue
            latest = (latest[0] + 1, sig.content_key)
            out.by_source[sig.source] = Decision("keep", revision=latest[0])
            index.add(sig)
    _site_repeats(signatures, prior, settings, out)
    return out


def _site_repeats(signatures: list[Signature], prior: PriorIndex, settings: DedupSettings, out: Decisions) -> None:
    """Comments and lines repeated across pages of one site, counting earlier runs' pages too."""
    comment_pages: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    line_pages: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for sig in signatures:
        # kept copies only: a page reposted under five URLs is not five pages of evidence
        if not sig.site or out.by_source[sig.source].status != "keep":
            continue
        for h in sig.comments:
            comment_pages[sig.site][h].add(sig.id)
        if sig.id in out.new_ids:  # a page's lines count once, when it is first kept
            for h in sig.lines:
                line_pages[sig.site][h].add(sig.id)
    for site in sorted(comment_pages):
        earlier = prior.comment_pages(site, comment_pages[site])
        spam = {h for h, ids in comment_pages[site].items() if len(ids | earlier.get(h, set())) >= settings.comment_site_pages}
        if spam:
            out.spam_comments[site] = spam
    for site in sorted(line_pages):
        earlier_counts = prior.line_pages(site, line_pages[site])
        lines = {h for h, ids in line_pages[site].items() if len(ids) + earlier_counts.get(h, 0) >= settings.template_site_pages}
        if lines:
            out.template_lines[site] = lines


class MemoryIndex:
    """A PriorIndex kept in memory: for tests and benchmarks, and the model of the SQLite one."""

    def __init__(self, settings: DedupSettings):
        self.settings = settings
        self.articles: dict[str, tuple[int, str]] = {}
        self.exact_keys: dict[str, str] = {}
        self.buckets: dict[tuple[int, int], set[str]] = defaultdict(set)
        self.minhashes: dict[str, bytes] = {}
        self.comments: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.lines: dict[tuple[str, int], int] = defaultdict(int)

    def latest(self, article_id):
        return self.articles.get(article_id)

    def exact(self, key):
        return self.exact_keys.get(key)

    def candidates(self, keys):
        return {i for k in keys for i in self.buckets.get(k, ())}

    def minhash(self, article_id):
        return self.minhashes.get(article_id)

    def comment_pages(self, site, hashes):
        return {h: self.comments[(site, h)] for h in hashes if (site, h) in self.comments}

    def line_pages(self, site, hashes):
        return {h: self.lines[(site, h)] for h in hashes if (site, h) in self.lines}

    def remember(self, signatures: list[Signature], decisions: Decisions) -> None:
        """What a completed run adds to the index."""
        for sig in signatures:
            decision = decisions.by_source[sig.source]
            if decision.status != "keep":
                continue
            if sig.site:
                for h in sig.comments:
                    self.comments[(sig.site, h)].add(sig.id)
                if sig.id in decisions.new_ids and decision.revision == 1:
                    for h in sig.lines:
                        self.lines[(sig.site, h)] += 1
            self.articles[sig.id] = (decision.revision, sig.content_key)
            self.exact_keys.setdefault(sig.text_key, sig.id)
            self.minhashes[sig.id] = sig.minhash
            for key in band_keys(sig.minhash, self.settings):
                self.buckets[key].add(sig.id)


def strip_site_repeats(record: dict[str, Any], template: set[int], spam: set[int],
                       settings: DedupSettings) -> dict[str, Any]:
    """The article without its site's template lines and site-wide spam comments, each audited.
    A reply to a removed comment answers what that comment answered."""
    removed = record["provenance"]["removed"]
    kept_lines = []
    for line in record["text"].split("\n"):
        key = line_key(line)
        if template and len(key) >= settings.template_min_chars and hash64(key) in template:
            removed.append(_removal("template:site_line", line))
        else:
            kept_lines.append(line)
    record["text"] = "\n".join(kept_lines)
    parents: dict[str, str | None] = {}
    comments = []
    for comment in record["comments"]:
        key = comment_key(comment["text"])
        if spam and len(comparable(key)) >= settings.comment_min_chars and hash64(key) in spam:
            parents[comment["id"]] = comment["parent"]
            removed.append(_removal("comment:site_spam", comment["text"]))
        else:
            comments.append(comment)
    for comment in comments:
        while comment["parent"] in parents:
            comment["parent"] = parents[comment["parent"]]
    record["comments"] = comments
    return record


def _removal(reason: str, text: str) -> dict[str, Any]:
    return asdict(Removal.of(STEP, reason, text))


def duplicate_rejection(record: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """The rejected record of an article found to duplicate another (or itself, unchanged)."""
    return {
        "schema_version": record["schema_version"],
        "id": record["id"],
        "url": record["url"],
        "reason": "duplicate",
        "detail": f"{record['provenance']['source']}: {decision.detail}",
        "duplicate_of": decision.duplicate_of,
        "provenance": record["provenance"],
    }
