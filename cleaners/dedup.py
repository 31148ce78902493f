"""Deduplication across pages and runs: signatures of articles, and the decisions made from them.

A worker computes one `Signature` per article (cheap to ship: about a kilobyte). The flow then
decides, seeing every article of the run and an index of every article kept before (`DedupIndex`,
on SQLite in flows/state.py, so that memory and the cost per page do not grow with the corpus):

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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from hashlib import sha1
from operator import methodcaller
from typing import Any, Iterable, Iterator, Protocol

import numpy as np

from .document import Removal, as_fields, rejection
from .normalize import comparable
from .settings import DedupSettings

STEP = "dedup"
_URL = re.compile(r"https?://\S+|www\.\S+", re.IGNORECASE)


def hash64(text: str) -> int:
    """A stable signed 64-bit hash (SQLite's integer), the same in every process and run."""
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def text_key(text: str) -> str:
    """Exact-duplicate key: case, whitespace and punctuation do not count."""
    return _key(comparable(text))


def comment_key(text: str) -> str:
    """A comment reposted with other links, case or punctuation is the same comment."""
    return comparable(_URL.sub(" ", text) if may_hold_url(text) else text)


def may_hold_url(text: str) -> bool:
    """False when _URL cannot match: each match holds "://" or "www." in some case, and no other code
    point matches ':', '/', '.' or 'w' ignoring case (tested). Two substring scans instead of the
    regex's scan at every position: the bench's comments (740 characters) 15 -> 4 us."""
    return "://" in text or "www." in text.lower()


def line_key(line: str) -> str:
    return comparable(line)


# The MinHash of datasketch 2's default scheme ("affine32"), bit for bit: signatures stored by earlier
# runs must keep matching (tests/test_dedup.py checks it against datasketch's own). Written out here
# because importing datasketch imports scipy for its LSH classes: 0.4 s in every process we start.
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))
_PERMUTATIONS: dict[int, tuple[np.ndarray, np.ndarray]] = {}
_DIGEST = methodcaller("digest")
_SHA1_FIRST_WORD = np.dtype([("word", "<u4"), ("rest", "V16")])  # a 20-byte SHA-1 digest
_SHINGLE_ROWS = 2048  # shingles permuted at once: 1 MB at 128 permutations


def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine permutations h -> a*h + b (mod 2^32, a odd) for seed 1, drawn once."""
    if num_perm not in _PERMUTATIONS:
        draw = np.random.RandomState(1)
        a = draw.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = draw.randint(0, 1 << 32, num_perm, dtype=np.uint32)
        _PERMUTATIONS[num_perm] = (a, b)
    return _PERMUTATIONS[num_perm]


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    """MurmurHash3's finalizer, which datasketch applies to every input hash before permuting."""
    s1, m1, s2, m2, s3 = _FMIX32
    hashes = (hashes ^ (hashes >> s1)) * m1
    hashes = (hashes ^ (hashes >> s2)) * m2
    return hashes ^ (hashes >> s3)


def minhash(normalized: str, settings: DedupSettings) -> bytes:
    """MinHash of a normalized text's word n-grams, as uint32 bytes."""
    a, b = _permutations(settings.num_perm)
    words = normalized.encode("utf-8").split()  # a normalized text's words hold no whitespace
    n = settings.shingle_words
    # every run of n words (zip of the word list shifted 0..n-1 times); a shorter text is one shingle
    shingles = set(map(b" ".join, zip(*(words[k:] for k in range(n))))) if len(words) >= n else {b" ".join(words)}
    # datasketch's default hash (sha1_hash32: the first 4 bytes of SHA-1, little-endian) of every shingle,
    # the digests joined in C (no Python loop: a third faster) and their first 4 bytes read by numpy
    digests = b"".join(map(_DIGEST, map(sha1, shingles)))
    hashes = _fmix32(np.frombuffer(digests, dtype=_SHA1_FIRST_WORD)["word"])
    # a row per permutation, a column per shingle (uint32 arithmetic wraps: that is the mod 2^32), in
    # slices of columns: a page of a million shingles would otherwise need a 512 MB matrix. One matrix
    # a slice, b added in place: `a*h + b` made a second one, and the two cost 5x the arithmetic
    # (0.65 against 0.13 ms for 1,264 shingles, timeit; the second matrix cost its allocation)
    lowest = np.full(len(a), np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hashes), _SHINGLE_ROWS):
        rows = np.multiply.outer(a, hashes[start:start + _SHINGLE_ROWS])
        rows += b[:, None]
        np.minimum(lowest, rows.min(axis=1), out=lowest)
    return lowest.astype("<u4").tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two MinHash signatures."""
    x, y = np.frombuffer(a, dtype=np.uint32), np.frombuffer(b, dtype=np.uint32)
    return float(np.count_nonzero(x == y)) / len(x)


def lsh_buckets(signature: bytes, settings: DedupSettings) -> array:
    """One bucket per LSH band (the band's number is part of the key): two signatures that agree on
    a whole band share a bucket."""
    width = settings.num_perm // settings.bands * 4
    return array("q", (int.from_bytes(hashlib.blake2b(signature[b * width:(b + 1) * width], digest_size=8,
                                                      salt=b.to_bytes(8, "big")).digest(), "big", signed=True)
                       for b in range(settings.bands)))


@dataclass(slots=True)
class Signature:
    """What the flow needs to know of one article to deduplicate it: a few hundred bytes."""

    id: str
    source: str
    site: str | None
    fetched_at: str | None  # UTC, ISO 8601, or None when unknown or unreadable
    length: int
    text_key: str
    content_key: str  # text and comments: an unchanged re-crawl has the same
    minhash: bytes
    buckets: array  # lsh_buckets(minhash)
    lines: array = field(default_factory=lambda: array("q"))  # hash64 of each distinct eligible line
    comments: array = field(default_factory=lambda: array("q"))  # hash64 of each distinct eligible comment

    def policy_key(self) -> tuple:
        """Which copy is kept: earliest fetched (unknown last), then longest, then smallest id."""
        return (self.fetched_at is None, self.fetched_at or "", -self.length, self.id, self.source)


def utc_instant(value: str | None) -> str | None:
    """A fetch time as comparable UTC ISO text ("2021-03-01T09:00:00+00:00"), None if unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        try:
            moment = parsedate_to_datetime(value)  # HTTP and e-mail dates
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat()


def signature_of(record: dict[str, Any], settings: DedupSettings) -> Signature:
    text = record["text"]
    site = record.get("site")
    comments = [comment_key(c["text"]) for c in record.get("comments", [])]
    # the line and comment hashes serve the site-wide repeats only: a page without a site (every
    # plain-text page) needs none: 0.035 ms of a bench text page (/tmp/perf/d/skip.py)
    if site:
        line_keys = [line_key(line) for line in text.split("\n")]
        # == comparable(text): a line break only separates words, and NFKC composes nothing across it
        normalized = " ".join(key for key in line_keys if key)
        lines = {hash64(k) for k in line_keys if len(k) >= settings.template_min_chars}
        keys = {hash64(k) for k in comments if len(k) >= settings.comment_min_chars}
    else:  # no line keys wanted: one call, not one a line (0.073 -> 0.052 ms a bench text page)
        normalized = comparable(text)
        lines = keys = ()
    content = hashlib.blake2b("\n\x00".join([normalized, *comments]).encode("utf-8"), digest_size=16).hexdigest()
    sketch = minhash(normalized, settings)
    prov = record["provenance"]
    return Signature(
        id=record["id"], source=prov["source"], site=site, fetched_at=utc_instant(prov.get("fetched_at")),
        length=len(text), text_key=_key(normalized), content_key=content, minhash=sketch,
        buckets=lsh_buckets(sketch, settings), lines=array("q", sorted(lines)), comments=array("q", sorted(keys)),
    )


def _key(normalized: str) -> str:
    return hashlib.blake2b(normalized.encode("utf-8"), digest_size=16).hexdigest()


class DedupIndex(Protocol):
    """Every article kept so far, earlier runs' and this run's: a run adds what it keeps as it
    decides, and its additions last only if the flow commits them after publishing the run
    (flows/state.py's StateIndex, on SQLite; `MemoryIndex` in tests and benchmarks)."""

    def latest(self, article_id: str) -> tuple[int, str] | None: ...  # (revision, content_key)
    def exact(self, key: str) -> str | None: ...  # id of the kept article with this text key
    def candidates(self, buckets: array) -> dict[str, bytes]: ...  # id -> MinHash of those sharing a bucket
    def add(self, sig: Signature, revision: int, first: bool) -> None: ...  # first: a page new to the feed
    def line_pages(self, site: str, hashes: array) -> dict[int, int]: ...  # pages of the site with the line
    def comment_pages(self, site: str, hashes: array, enough: int) -> dict[int, int]: ...  # capped at `enough`


@dataclass(slots=True)
class Decision:
    status: str  # "keep" or "duplicate"
    revision: int = 1
    duplicate_of: str | None = None
    detail: str = ""


@dataclass
class Decisions:
    by_source: dict[str, Decision] = field(default_factory=dict)
    spam_comments: dict[str, set[int]] = field(default_factory=dict)  # source -> its site-wide spam comments
    template_lines: dict[str, set[int]] = field(default_factory=dict)  # source -> its site's template lines


def original_of(sig: Signature, index: DedupIndex, settings: DedupSettings) -> tuple[str, str] | None:
    """(id of the kept article `sig` duplicates, how), or None."""
    found = index.exact(sig.text_key)
    if found and found != sig.id:
        return found, "the same text"
    best = None
    candidates = index.candidates(sig.buckets)
    for other in sorted(candidates.keys() - {sig.id}):
        score = similarity(sig.minhash, candidates[other])
        if score >= settings.threshold and (best is None or score > best[1]):
            best = (other, score)
    return (best[0], f"near-identical text (estimated similarity {best[1]:.2f})") if best else None


def decide(signatures: list[Signature], index: DedupIndex, settings: DedupSettings) -> Decisions:
    """Keep, revise or reject each article of the run, adding what is kept to `index`; then the
    site-wide spam comments and template lines of each kept article. In memory: the flow decides
    from its run ledger on disk instead (flows/ledger.py), with the same two functions."""
    out = Decisions()
    by_id: dict[str, list[Signature]] = defaultdict(list)
    for sig in signatures:
        by_id[sig.id].append(sig)
    latest = {article_id: index.latest(article_id) for article_id in by_id}
    groups = sorted((sorted(group, key=Signature.policy_key) for group in by_id.values()),
                    key=lambda group: (latest[group[0].id] is None, group[0].policy_key()))
    kept = []
    for sig, decision in decide_in_order(((group, latest[group[0].id]) for group in groups), index, settings):
        out.by_source[sig.source] = decision
        if decision.status == "keep":
            kept.append(sig)
    for sig in kept:  # every page of the run counted first: the order of pages does not matter
        template, spam = site_repeats(sig, index, settings)
        if template:
            out.template_lines[sig.source] = template
        if spam:
            out.spam_comments[sig.source] = spam
    return out


def decide_in_order(groups: Iterable[tuple[list[Signature], tuple[int, str] | None]], index: DedupIndex,
                    settings: DedupSettings) -> Iterator[tuple[Signature, Decision]]:
    """The decision on each page, given the run's pages grouped by article id in deciding order:
    the groups of articles already in the feed (with their `index.latest` from before the run)
    first, then by the policy key of their first page; in a group, pages by policy key. What is
    kept is added to `index` before the next page is decided."""
    for group, current in groups:
        for sig in group:
            if current is None and (original := original_of(sig, index, settings)):
                yield sig, Decision("duplicate", duplicate_of=original[0], detail=f"{original[1]} as article {original[0]}")
                continue
            if current is not None and sig.content_key == current[1]:
                yield sig, Decision("duplicate", duplicate_of=sig.id,
                                    detail=f"unchanged re-crawl of article {sig.id} (revision {current[0]})")
                continue
            revision = current[0] + 1 if current else 1
            index.add(sig, revision, first=current is None)
            current = (revision, sig.content_key)
            yield sig, Decision("keep", revision=revision)


def site_repeats(sig: Signature, index: DedupIndex, settings: DedupSettings) -> tuple[set[int], set[int]]:
    """(template lines, site-wide spam comments) of a kept article, once every kept page of the run
    is in `index`."""
    if not sig.site:
        return set(), set()
    lines = {h for h, n in index.line_pages(sig.site, sig.lines).items() if n >= settings.template_site_pages}
    enough = settings.comment_site_pages
    spam = {h for h, n in index.comment_pages(sig.site, sig.comments, enough).items() if n >= enough}
    return lines, spam


class MemoryIndex:
    """A DedupIndex in memory, for tests and benchmarks: what StateIndex does, without a file."""

    def __init__(self, settings: DedupSettings):
        self.settings = settings
        self.articles: dict[str, tuple[int, str]] = {}
        self.exact_keys: dict[str, str] = {}
        self.buckets: dict[int, set[str]] = defaultdict(set)
        self.minhashes: dict[str, bytes] = {}
        self.comments: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.lines: dict[tuple[str, int], int] = defaultdict(int)

    def latest(self, article_id):
        return self.articles.get(article_id)

    def exact(self, key):
        return self.exact_keys.get(key)

    def candidates(self, buckets):
        return {i: self.minhashes[i] for b in buckets for i in self.buckets.get(b, ())}

    def add(self, sig, revision, first):
        self.articles[sig.id] = (revision, sig.content_key)
        self.exact_keys.setdefault(sig.text_key, sig.id)
        self.minhashes[sig.id] = sig.minhash
        for bucket in sig.buckets:
            self.buckets[bucket].add(sig.id)
        if sig.site:
            for h in sig.comments:
                self.comments[(sig.site, h)].add(sig.id)
            if first:  # a page's lines count once, when it first enters the feed
                for h in sig.lines:
                    self.lines[(sig.site, h)] += 1

    def line_pages(self, site, hashes):
        return {h: self.lines[(site, h)] for h in hashes if (site, h) in self.lines}

    def comment_pages(self, site, hashes, enough):
        return {h: min(enough, len(self.comments[(site, h)])) for h in hashes if (site, h) in self.comments}


def strip_site_repeats(record: dict[str, Any], template: set[int], spam: set[int],
                       settings: DedupSettings) -> dict[str, Any]:
    """The article without its site's template lines and site-wide spam comments, each audited.
    A reply to a removed comment answers what that comment answered."""
    if not template and not spam:
        return record
    removed = record["provenance"]["removed"]
    kept_lines = []
    for line in record["text"].split("\n"):
        key = line_key(line) if template else ""
        if key and len(key) >= settings.template_min_chars and hash64(key) in template:
            removed.append(_removal("template:site_line", line))
        else:
            kept_lines.append(line)
    record["text"] = "\n".join(kept_lines)
    parents: dict[str, str | None] = {}
    comments = []
    for comment in record["comments"]:
        key = comment_key(comment["text"]) if spam else ""
        if key and len(key) >= settings.comment_min_chars and hash64(key) in spam:
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
    return as_fields(Removal.of(STEP, reason, text))


def duplicate_rejection(record: dict[str, Any], decision: Decision) -> dict[str, Any]:
    """The rejected record of an article found to duplicate another (or itself, unchanged)."""
    return rejection(record["id"], record["url"], "duplicate", f"{record['provenance']['source']}: {decision.detail}",
                     record["provenance"], duplicate_of=decision.duplicate_of)
