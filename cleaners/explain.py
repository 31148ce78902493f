"""What cleaning did to one page, in page order: for `winnow explain` and the HTML run report.

The page is cleaned as in a run, one step at a time. Its visible text (every line a reader would
see: the HTML rendered block by block, or the text page's lines) is then marked character by
character: spans a step removed (with the step and reason), text moved into comment records, the
kept article text, and, on HTML pages, text the extractor left out as not part of the article.
Removed spans that cannot be found in the visible text (hidden markup, text the step rewrote) are
listed apart, so that nothing removed goes unexplained.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import groupby
from typing import Any

from .comments_html.render import render_lines
from .document import REMOVED_TEXT_LIMIT, Draft, Drop, Page, Removal, article_record, rejected_record
from .html import parse_html
from .normalize import fix_text
from .pipeline import Cleaner
from .text import page_lines

KEPT, REMOVED, COMMENT, LEFT_OUT, UNMATCHED = "kept", "removed", "comment", "left_out", "unmatched"
LEFT_OUT_REASON = "extractor:not_main_text"  # what trafilatura did not take as the article
METADATA_FIELDS = ("title", "author", "published", "url", "site", "language", "categories", "tags")

# Where a metadata field came from, by the step that set it.
STEP_ORIGINS = {
    "input": "the input record (JSONL fields, WARC headers)",
    "html": "the page's HTML metadata (trafilatura; dates by htmldate, checked against <time> and meta)",
    "text": "the top lines of the text page (title, byline, dateline)",
    "language": "langdetect on the cleaned text",
}


@dataclass(slots=True)
class Segment:
    text: str
    fate: str  # kept | removed | comment | left_out (by the extractor) | unmatched (not found again)
    step: str | None = None
    reason: str | None = None
    continued: bool = False  # the same span as the end of the line before: labelled there


@dataclass(slots=True)
class StepTrace:
    step: str
    removed: int  # spans this step removed
    removed_chars: int
    verdict: str | None = None  # the drop reason, when this step rejected the page


@dataclass
class Explanation:
    source: str
    format: str
    outcome: str  # article | rejected
    record: dict[str, Any]
    lines: list[list[Segment]]
    unplaced: list[Removal] = field(default_factory=list)
    steps: list[StepTrace] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "outcome": self.outcome,
            "reason": self.record.get("reason"),
            "detail": self.record.get("detail"),
            "steps": [asdict(s) for s in self.steps],
            "metadata": {name: {"value": self.record.get(name), "origin": self.origins.get(name)}
                         for name in METADATA_FIELDS if name in self.record or name in self.origins},
            "lines": [[asdict(seg) for seg in line] for line in self.lines],
            "removed_not_located": [asdict(r) for r in self.unplaced],
            "comments": self.record.get("comments", []),
            "record": self.record,
        }


def explain_page(cleaner: Cleaner, page: Page, run: dict[str, str]) -> Explanation:
    """Clean `page` step by step and mark its visible text with what each step did."""
    steps: list[StepTrace] = []
    origins = {name: STEP_ORIGINS["input"] for name in ("title", "url") if getattr(page, name)}
    if page.url:
        origins["site"] = "the host of the URL"

    before: dict[str, Any] = {key: getattr(page, key, None) for key in ("title", "url")}
    seen = 0  # removals before this step: steps only append to draft.removed

    def observe(step, draft: Draft, result: Draft | Drop) -> None:
        nonlocal seen
        name = getattr(step, "name", getattr(step, "__name__", "step"))
        new, seen = draft.removed[seen:], len(draft.removed)
        verdict = result.reason if isinstance(result, Drop) else None
        steps.append(StepTrace(name, len(new), sum(r.chars for r in new), verdict))
        for key in METADATA_FIELDS:
            value = getattr(draft, key)
            if value and value != before.get(key):
                origins[key] = STEP_ORIGINS.get(name, f"the {name} step")
            before[key] = value

    draft, drop = cleaner.clean(page, observe=observe)
    if drop is None:
        outcome, record = "article", article_record(draft, run)
    else:
        outcome = "rejected"
        record = rejected_record(page, drop.reason, drop.detail, run, draft.removed, draft.url)
    lines, unplaced = mark_page_text(page, draft, record if drop is None else None)
    return Explanation(page.source, page.format, outcome, record, lines, unplaced, steps, origins)


def removed_comments(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The comments a record's page lost (reposts, spam, empty ones): its `comment:*` removals."""
    return [r for r in record["provenance"]["removed"] if r["reason"].startswith("comment:")]


def visible_lines(page: Page) -> list[str]:
    """The page's text as a reader sees it, one line per block, whitespace collapsed."""
    if page.content_type == "html":
        tree = parse_html(page.content)
        body = tree.find("body") if tree is not None else None
        raw = render_lines(body if body is not None else tree) if tree is not None else []
        lines = [fix_text(line) for line in raw]
    else:
        lines = page_lines(page.content)
    return [" ".join(line.split()) for line in lines if line.strip()]


def mark_page_text(page: Page, draft: Draft, article: dict[str, Any] | None) -> tuple[list[list[Segment]], list[Removal]]:
    """The visible lines cut into segments by fate; the removals not found in them."""
    lines = visible_lines(page)
    marks = _Marks("\n".join(lines))
    unplaced = [r for r in draft.removed if not marks.claim(r.text, (REMOVED, r.step, r.reason), r.chars)]
    for comment in draft.comments:
        # line by line: a comment's text is its lines joined, and lines may have been cleaned apart
        parts = [comment.byline or comment.author or "", *comment.text.split("\n")]
        for part in filter(None, parts):
            marks.claim(part, (COMMENT, "comments", None), len(part))
    kept_lines = article["text"].split("\n") if article else draft.lines
    for line in kept_lines:
        marks.claim(line, (KEPT, None, None), len(line), in_order=True)
    # On a text page every line is kept, removed or a comment: what was not found is shown as is.
    leftover = (LEFT_OUT, "html", LEFT_OUT_REASON) if page.content_type == "html" else (UNMATCHED, None, None)
    return marks.segments(leftover), unplaced


class _Marks:
    """The visible text, each character owned by a fate once claimed. Text is found with line
    breaks and runs of spaces read as one space, as the steps record it."""

    def __init__(self, text: str):
        self.text = text
        self.flat = text.replace("\n", " ")
        self.owner: list[tuple | None] = [None] * len(text)
        self.cursor = 0

    def claim(self, needle: str, label: tuple, chars: int, in_order: bool = False) -> bool:
        needle = " ".join(needle.split())
        if needle.endswith("…") and chars > REMOVED_TEXT_LIMIT:
            needle = needle[:-1]  # provenance cuts long spans: find the start, claim the length
        else:
            chars = len(needle)
        if not needle:
            return True
        start = self._find(needle, self.cursor if in_order else 0)
        if start < 0 and in_order:
            start = self._find(needle, 0)
        if start < 0:
            return False
        end = min(len(self.text), start + max(chars, len(needle)))
        # the characters not owned yet, by slices, not a store each (all of them, mostly: a kept line)
        span = self.owner[start:end]
        free = span.count(None)
        if free == len(span):
            self.owner[start:end] = [label] * free
        elif free:
            self.owner[start:end] = [label if o is None else o for o in span]
        if in_order:
            self.cursor = end
        return True

    def _find(self, needle: str, start: int) -> int:
        """The first occurrence at or after `start` that is not claimed yet."""
        at = self.flat.find(needle, start)
        while at >= 0:
            if self.owner[at: at + len(needle)].count(None) == len(needle):  # none claimed (a count in C)
                return at
            at = self.flat.find(needle, at + 1)
        return -1

    def segments(self, leftover: tuple) -> list[list[Segment]]:
        lines: list[list[Segment]] = []
        start = 0
        for line in self.text.split("\n"):
            end = start + len(line)
            lines.append(self._line_segments(start, end, leftover))
            if start >= 2 and line and self.owner[start] is not None and self.owner[start] == self.owner[start - 2]:
                lines[-1][0].continued = True  # the previous line ends in the same span
            start = end + 1
        return lines

    def _line_segments(self, start: int, end: int, leftover: tuple) -> list[Segment]:
        # a run of characters with one owner at a time, not a character at a time; with claim's
        # slices, mark_page_text of a bench text page 3.2 -> 0.86 ms (/tmp/perf/tail/explainbench.py)
        out: list[Segment] = []
        for owner, run in groupby(self.owner[start:end]):
            label = owner or leftover
            text = self.text[start:start + len(list(run))]
            start += len(text)
            if out and (out[-1].fate, out[-1].step, out[-1].reason) == label:
                out[-1].text += text
            else:
                out.append(Segment(text, *label))
        return _absorb_spaces(out)


def _absorb_spaces(segments: list[Segment]) -> list[Segment]:
    """A lone space between two claims belongs to the one before it, not to a fate of its own."""
    merged: list[Segment] = []
    for seg in segments:
        if merged and not seg.text.strip():
            merged[-1].text += seg.text
        elif merged and (merged[-1].fate, merged[-1].step, merged[-1].reason) == (seg.fate, seg.step, seg.reason):
            merged[-1].text += seg.text
        else:
            merged.append(seg)
    return merged
