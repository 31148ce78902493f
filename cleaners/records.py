"""The feed's records as models (DESIGN §2), and the JSON Schema files published from them.

cleaners/document.py builds the records as plain dicts (article_record, rejected_record, rejection,
provenance); the models here describe exactly those dicts: every field, its type and whether it
may be null, nothing else allowed. tests/test_schema.py checks every record of a seed run against
both the models and the published schema files.

    python -m cleaners.records            # write schema/article.schema.json and schema/rejected.schema.json
    python -m cleaners.records --check    # exit 1 when the committed files are not what the models give
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .document import REMOVED_TEXT_LIMIT, SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
REGENERATE = "python -m cleaners.records"

RecordId = Annotated[str, Field(pattern=r"^[0-9a-f]{20}$")]
Nullable = str | None  # present in every record, null when unknown

# Rejection codes: short and stable, consumers filter on them (DESIGN §2, README "The feed"). Not an
# enum: a new kind of failure may add a code without making the records of this version invalid.
KNOWN_REASONS = ("spam_page", "empty", "too_short", "language", "unreadable", "unsupported_format", "too_large",
                 "http_status", "truncated",
                 "timeout", "oom", "worker_crash", "error", "duplicate")


class _Record(BaseModel):
    # strict: a record is JSON as written, nothing is coerced ("1" is not 1)
    model_config = ConfigDict(extra="forbid", strict=True)


class Removal(_Record):
    """Something cleaning took out of the page, and why."""

    model_config = ConfigDict(title="Removal")

    step: str = Field(description="the cleaning step that removed it: spam, html, boilerplate, text, comments, "
                                  "language, dedup")
    reason: str = Field(description="why, as 'family:detail' (spam:gambling_line, chrome:comment_form, "
                                    "metadata:byline, comment:duplicate, template:site_line, ...)")
    chars: int = Field(ge=0, description="length of the removed span in characters, before any cut")
    text: str = Field(max_length=REMOVED_TEXT_LIMIT,
                      description=f"the removed span; spans over {REMOVED_TEXT_LIMIT} characters are cut "
                                  f"and end with '…'")


class Provenance(_Record):
    """Where the record came from and which run and config produced it."""

    model_config = ConfigDict(title="Provenance")

    source: str = Field(description="path of the raw file relative to the raw folder, '#N' for record N of a "
                                    "multi-record file (line N of a JSONL file, record N of a WARC; '#end' for "
                                    "a break after the last record read)")
    sha256: str = Field(pattern=r"^([0-9a-f]{64})?$",
                        description="sha256 of the raw record's bytes (hex); empty when the record was not read "
                                    "whole (too_large, a WARC record cut off)")
    format: Literal["html", "text", "jsonl", "warc", "unknown"] = Field(
        description="the input kind read from the file name; 'unknown' for an unsupported file")
    fetched_at: Nullable = Field(description="fetch time as the WARC or JSONL record gives it, else null")
    run_id: str = Field(description="the run that wrote the record (as in clean/runs/<run_id>.json)")
    pipeline_version: str = Field(description="Winnow's version")
    config_sha256: str = Field(description="hash of the run's settings")
    removed: list[Removal] = Field(description="everything cleaning took out of the page and why, in order")


class Comment(_Record):
    """A reader comment: spam and duplicates removed."""

    model_config = ConfigDict(title="Comment")

    id: str = Field(description="the comment's id, stable for the same author and text")
    author: Nullable = Field(description="the commenter's name as printed, or null")
    published: Nullable = Field(description="ISO 8601 date or date-time, or null when the page gives none "
                                            "that could be read (see byline)")
    text: str = Field(description="the comment's text, one paragraph per line")
    parent: Nullable = Field(description="id of the comment this one answers, or null")
    duplicates: int = Field(ge=1, description="copies of this comment on the page (1: no duplicate); a duplicate "
                                              "raises the kept comment's count")
    byline: Nullable = Field(description="the comment's header as printed on the page (author and date as "
                                         "written), or null")


class Article(_Record):
    """One article of clean/articles/*.jsonl(.gz): one JSON object per line."""

    model_config = ConfigDict(title="Winnow article record")

    schema_version: Literal[SCHEMA_VERSION] = Field(description="version of this record layout")
    id: RecordId = Field(description="stable across runs for the same page: keyed on the URL when known, "
                                     "else on the source record")
    revision: int = Field(ge=1, description="1 for a page's first article; one higher each time a re-crawl with "
                                            "changed text or comments is written again under the same id. "
                                            "Keep, per id, the highest revision")
    url: Nullable = Field(description="the page's URL (canonical when the page states one), or null")
    site: Nullable = Field(description="the site's host name, or null")
    title: Nullable = Field(description="the article's title, or null when none was found")
    author: Nullable = Field(description="the article's author, or null")
    published: Nullable = Field(description="publication date, YYYY-MM-DD (or full ISO 8601), or null")
    language: Nullable = Field(description="ISO 639-1 code of the text's language, or null when there is too "
                                           "little text to tell")
    language_score: float | None = Field(ge=0, le=1, description="probability of `language`, or null with it")
    categories: list[str] = Field(description="the page's categories")
    tags: list[str] = Field(description="the page's tags")
    text: str = Field(description="the clean body, one paragraph per line")
    comments: list[Comment] = Field(description="real reader comments only, spam and duplicates removed")
    provenance: Provenance


def _rejected_schema(schema: dict[str, Any]) -> None:
    # `duplicate_of` is present exactly when the reason is `duplicate`, and never null
    schema["properties"]["duplicate_of"] = {
        "description": Rejected.model_fields["duplicate_of"].description, "pattern": r"^[0-9a-f]{20}$",
        "title": "Duplicate Of", "type": "string"}
    schema["if"] = {"properties": {"reason": {"const": "duplicate"}}, "required": ["reason"]}
    schema["then"] = {"required": ["duplicate_of"]}
    schema["else"] = {"not": {"required": ["duplicate_of"]}}


class Rejected(_Record):
    """One input record that gave no article, in clean/rejected/*.jsonl(.gz): one JSON object per line."""

    model_config = ConfigDict(title="Winnow rejected record", json_schema_extra=_rejected_schema)

    schema_version: Literal[SCHEMA_VERSION] = Field(description="version of this record layout")
    id: RecordId = Field(description="the id the article would have had: keyed on the URL when known, else on "
                                     "the source record")
    url: Nullable = Field(description="the page's URL, or null")
    reason: str = Field(pattern=r"^[a-z][a-z_]*$",
                        description="a short stable code: why the record gave no article ("
                                    + ", ".join(KNOWN_REASONS) + "; more may be added)")
    detail: str = Field(description="what happened, for a human")
    duplicate_of: str | None = Field(None, pattern=r"^[0-9a-f]{20}$",
                                     description="only with reason 'duplicate': id of the article already kept "
                                                 "(the record's own id for an unchanged re-crawl)")
    provenance: Provenance

    @model_validator(mode="after")
    def _duplicate_of_with_duplicate(self) -> "Rejected":
        given = "duplicate_of" in self.model_fields_set
        if given != (self.reason == "duplicate") or (given and self.duplicate_of is None):
            raise ValueError("duplicate_of is a string present exactly when reason is 'duplicate'")
        return self


MODELS: dict[str, type[BaseModel]] = {"article": Article, "rejected": Rejected}


def schema_of(name: str) -> dict[str, Any]:
    """The published JSON Schema of one record kind ("article" or "rejected")."""
    schema = MODELS[name].model_json_schema()
    return {"$schema": SCHEMA_DIALECT, "$id": f"urn:winnow:schema:{name}:{SCHEMA_VERSION}",
            "version": SCHEMA_VERSION, **schema}


def schema_text(name: str) -> str:
    """The file's text: sorted keys, 2-space indent, trailing newline."""
    return json.dumps(schema_of(name), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_files(folder: Path = SCHEMA_DIR) -> dict[Path, str]:
    return {folder / f"{name}.schema.json": schema_text(name) for name in MODELS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaners.records",
                                     description="Write the feed's JSON Schema files from the record models.")
    parser.add_argument("--out", type=Path, default=SCHEMA_DIR, help=f"folder (default {SCHEMA_DIR})")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when a file differs")
    args = parser.parse_args(argv)
    stale = []
    for path, text in schema_files(args.out).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'out of date; run ' + REGENERATE if args.check else 'written'}", file=sys.stderr)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
