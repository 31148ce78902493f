"""The records that flow through cleaning: a raw Page in, an Article or a Rejection out.

Field names of Article, Comment and Rejection follow the feed contract (DESIGN §2).
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import unquote, urlsplit, urlunsplit
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

from courlan import normalize_url

SCHEMA_VERSION = "1"
# Long removed spans are cut in provenance so the audit trail stays bounded.
REMOVED_TEXT_LIMIT = 200


@dataclass(slots=True)
class Page:
    """One raw input record, before any cleaning."""

    source: str  # path relative to the raw folder, '#N' for record N of a multi-record file
    sha256: str  # of the raw record's bytes
    format: str  # html | text | jsonl | warc
    content: str  # decoded text of the page (HTML or plain text)
    content_type: str  # "html" or "text": which cleaning path applies
    url: str | None = None
    fetched_at: str | None = None
    title: str | None = None  # given by the record (JSONL), if any
    record_id: str | None = None  # given by the record (JSONL), if any


@dataclass(slots=True)
class Removal:
    step: str
    reason: str
    chars: int
    text: str

    @classmethod
    def of(cls, step: str, reason: str, text: str) -> "Removal":
        cut = text if len(text) <= REMOVED_TEXT_LIMIT else text[: REMOVED_TEXT_LIMIT - 1] + "…"
        return cls(step=step, reason=reason, chars=len(text), text=cut)


@lru_cache(maxsize=None)
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def as_fields(item: Any) -> dict[str, Any]:
    """dataclasses.asdict of a Removal or Comment, whose fields are all strings, numbers or None:
    without asdict's deep copy, most of the time of making a text page's record."""
    return {name: getattr(item, name) for name in _field_names(type(item))}


@dataclass(slots=True)
class Comment:
    author: str | None
    text: str
    published: str | None = None
    parent: str | None = None
    duplicates: int = 1
    # The comment's header as printed ("Deidre : June 27th, 2012 at 7:03 am"): where author and
    # date came from, and the date as written when it could not be read ("3 days ago").
    byline: str | None = None
    id: str = ""


@dataclass(slots=True)
class Draft:
    """The page as cleaning steps see it: mutable, with what has been removed so far."""

    page: Page
    lines: list[str] = field(default_factory=list)
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    site: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    # Comment section handed over by the HTML extractor, still to be split into records.
    comment_block: list[str] = field(default_factory=list)
    removed: list[Removal] = field(default_factory=list)
    language: str | None = None
    language_score: float | None = None
    # Characters of the page flagged as spam, for the spam_page decision.
    spam_chars: int = 0

    def remove(self, step: str, reason: str, text: str) -> None:
        self.removed.append(Removal.of(step, reason, text))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@dataclass(slots=True, frozen=True)
class Drop:
    """A step's verdict that the page yields no article. `reason` is a stable code."""

    reason: str
    detail: str


def url_key(url: str) -> str:
    """The page a URL names: scheme, "www.", default port, fragment, trailing slash and tracking
    parameters (utm_*, fbclid, ...) do not make another page."""
    try:
        normal = normalize_url(url, strict=True)
    except (ValueError, TypeError):  # not a URL courlan can read: the string itself
        return url.strip()
    parts = urlsplit(normal)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


# Credentials in URLs (see README, "Secrets in URLs"): the user:password@ part is dropped; the value
# of a query, fragment or ;path parameter is replaced by REDACTED when its name (lowercased, "-" read
# as "_") is one of _SECRET_NAMES, contains one of _SECRET_PARTS, or starts with x_amz_ / x_goog_.
REDACTED = "REDACTED"
_SECRET_NAMES = frozenset({"key", "sig", "sid", "auth", "code", "pwd", "pass", "otp", "hash", "ticket", "jwt"})
_SECRET_PARTS = ("token", "secret", "passw", "signature", "session", "sessid", "credential", "api_key", "apikey",
                 "access_key", "accesskey", "private", "auth_")
_MAY_HOLD_SECRETS = re.compile(r"[@?#;]")


def _secret_name(name: str) -> bool:
    name = unquote(name).strip().lower().replace("-", "_")
    return (name in _SECRET_NAMES or any(part in name for part in _SECRET_PARTS)
            or name.startswith(("x_amz_", "x_goog_")))


def _redact_params(params: str, separator: str) -> str:
    out = []
    for param in params.split(separator):
        name, equals, _ = param.partition("=")
        out.append(f"{name}={REDACTED}" if equals and _secret_name(name) else param)
    return separator.join(out)


def redact_url(url: str | None) -> str | None:
    """`url` with its credentials redacted (the rule above); the same string when it holds none."""
    if not url or not _MAY_HOLD_SECRETS.search(url):  # most URLs: one regex search, no parsing
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL urllib can split: every parameter-like part still redacted
        return _redact_params(_redact_params(url, "&"), ";")
    netloc = parts.netloc.rpartition("@")[2]
    path = ";".join([parts.path.split(";")[0], *(_redact_params(p, ";") for p in parts.path.split(";")[1:])])
    redacted = urlunsplit((parts.scheme, netloc, path, _redact_params(parts.query, "&"),
                           _redact_params(parts.fragment, "&")))
    return url if redacted == urlunsplit(parts) else redacted


def stable_id(url: str | None, source: str) -> str:
    """Same page, same id across runs and re-crawls: keyed on the URL when known (as `url_key`
    reads it), else on the source record."""
    key = f"url:{url_key(url)}" if url else f"src:{source}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


def provenance(page: Page, run: dict[str, str], removed: list[Removal]) -> dict[str, Any]:
    return {
        "source": page.source,
        "sha256": page.sha256,
        "format": page.format,
        "fetched_at": page.fetched_at,
        "run_id": run["run_id"],
        "pipeline_version": run["pipeline_version"],
        "config_sha256": run["config_sha256"],
        "removed": [as_fields(r) for r in removed],
    }


def article_record(draft: Draft, run: dict[str, str]) -> dict[str, Any]:
    page = draft.page
    return {
        "schema_version": SCHEMA_VERSION,
        "id": stable_id(draft.url, page.source),
        "revision": 1,  # the dedup step numbers re-crawls of a page already in the feed
        "url": redact_url(draft.url),
        "site": draft.site,
        "title": draft.title,
        "author": draft.author,
        "published": draft.published,
        "language": draft.language,
        "language_score": draft.language_score,
        "categories": draft.categories,
        "tags": draft.tags,
        "text": draft.text,
        "comments": [as_fields(c) for c in draft.comments],
        "provenance": provenance(page, run, draft.removed),
    }


def rejected_record(
    page: Page, reason: str, detail: str, run: dict[str, str], removed: list[Removal] | None = None,
    url: str | None = None,
) -> dict[str, Any]:
    url = url or page.url
    return rejection(stable_id(url, page.source), redact_url(url), reason, detail, provenance(page, run, removed or []))


def rejection(record_id: str, url: str | None, reason: str, detail: str, prov: dict[str, Any],
              **extra: Any) -> dict[str, Any]:
    """A rejected record; `extra` adds fields such as `duplicate_of`."""
    return {"schema_version": SCHEMA_VERSION, "id": record_id, "url": url, "reason": reason, "detail": detail,
            **extra, "provenance": prov}
