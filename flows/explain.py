"""`winnow explain PAGE`: clean one raw file (or one record of a JSONL or WARC file) and show every
decision: the page's text with removed spans struck through and labelled, the comments and their
fate, the metadata and where each field came from. `--json` prints the same as data."""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from cleaners import Cleaner
from cleaners.explain import COMMENT, KEPT, LEFT_OUT, REMOVED, Explanation, explain_page, removed_comments

from .config import Settings
from .sources import InputFile, Unreadable, read_pages

STYLES = {KEPT: "", REMOVED: "red strike", COMMENT: "cyan", LEFT_OUT: "bright_black", "unmatched": "yellow"}
LEGEND = [(KEPT, "kept"), (REMOVED, "removed [step reason]"), (COMMENT, "moved to a comment record"),
          (LEFT_OUT, "left out by the extractor"), ("unmatched", "not found again in the page")]


class ExplainError(Exception):
    """The page cannot be explained (no such file, no such record): a message for the user."""


def split_spec(spec: str, record: int | None) -> tuple[Path, int | None]:
    """'pages.jsonl#3' names record 3 (its line, or its number in a WARC) unless the file is so named."""
    path = Path(spec)
    if record is None and not path.exists() and "#" in spec:
        name, _, number = spec.rpartition("#")
        if number.isdigit():
            return Path(name), int(number)
    return path, record


def load_page(path: Path, record: int | None, max_bytes: int):
    """The Page (or Unreadable) that `winnow clean` would read for this file and record."""
    if not os.path.lexists(path):
        raise ExplainError(f"{path}: no such file")
    if path.is_dir() and not path.is_symlink():
        raise ExplainError(f"{path}: a folder, not a page (winnow clean {path} cleans a folder)")
    # anything else that is not a file (a FIFO, a device, a dangling link) is rejected as a run would
    file = InputFile(path=path.absolute(), rel=path.name, size=path.stat().st_size if path.is_file() else 0)
    found = []
    for item in read_pages(file, max_bytes):
        number = _record_number(item.source)
        if record is None or number == record:
            found.append(item)
        if record is not None and found or len(found) > 1:
            break
    if not found:
        raise ExplainError(f"{path}: no record {record}" if record is not None else f"{path}: no page in this file")
    if record is None and len(found) > 1:
        raise ExplainError(f"{path} holds more than one record: name one as {path}#N or with --record N "
                           f"(N as in the feed's provenance.source, e.g. {found[0].source})")
    return found[0]


def _record_number(source: str) -> int | None:
    _, sep, number = source.rpartition("#")
    return int(number) if sep and number.isdigit() else None


def explain(settings: Settings, path: Path, record: int | None) -> Explanation | Unreadable:
    item = load_page(path, record, settings.run.max_input_bytes)
    if isinstance(item, Unreadable):
        return item
    run = {"run_id": "explain", "pipeline_version": _version(), "config_sha256": settings.sha256()}
    return explain_page(Cleaner(settings.cleaning()), item, run)


def _version() -> str:
    from .run import PIPELINE_VERSION

    return PIPELINE_VERSION


def as_json(result: Explanation | Unreadable) -> str:
    if isinstance(result, Unreadable):
        data: dict[str, Any] = {"source": result.source, "format": result.format, "outcome": "rejected",
                                "reason": result.reason, "detail": result.detail}
    else:
        data = result.as_dict()
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def print_explanation(result: Explanation | Unreadable, out: Console) -> None:
    if isinstance(result, Unreadable):
        out.print(Text.assemble(("rejected before cleaning: ", "bold red"), (result.reason, "bold"), f"  {result.detail}"))
        return
    record = result.record
    verdict = ("article", "bold green") if result.outcome == "article" else (f"rejected: {record['reason']}", "bold red")
    out.print(Text.assemble((result.source, "bold"), f" ({result.format}) → ", verdict))
    if result.outcome == "rejected":
        out.print(Text(record["detail"], style="red"))
    out.print(_metadata_table(result))
    out.print(_steps_table(result))
    out.print(Text.assemble("Page text: ", *[(f" {label} ", STYLES[fate] or "bold") for fate, label in LEGEND]))
    for line in result.lines:
        out.print(_line_text(line), soft_wrap=True)
    if result.unplaced:
        out.print(Text("Removed, not found in the page's visible text (hidden markup, rewritten text):", style="bold"))
        for r in result.unplaced:
            out.print(Text.assemble((f"[{r.step} {r.reason}] ", "magenta"), (r.text, "red strike")), soft_wrap=True)
    _print_comments(result, out)


def _metadata_table(result: Explanation) -> Table:
    table = Table(title="Metadata", title_justify="left", show_lines=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    table.add_column("from", style="bright_black")
    for name, entry in result.as_dict()["metadata"].items():
        value = entry["value"]
        shown = ", ".join(value) if isinstance(value, list) else ("" if value is None else str(value))
        table.add_row(name, Text(shown), entry["origin"] or ("not found" if not shown else ""))
    return table


def _steps_table(result: Explanation) -> Table:
    table = Table(title="Steps, in order", title_justify="left")
    table.add_column("step", style="bold")
    table.add_column("spans removed", justify="right")
    table.add_column("characters", justify="right")
    table.add_column("verdict")
    for trace in result.steps:
        table.add_row(trace.step, str(trace.removed), str(trace.removed_chars),
                      Text(f"rejected: {trace.verdict}", style="red") if trace.verdict else "")
    return table


def _line_text(segments) -> Text:
    text = Text()
    for seg in segments:
        text.append(seg.text, style=STYLES.get(seg.fate, ""))
        if seg.fate == REMOVED and not seg.continued:
            text.append(f" [{seg.step} {seg.reason}]", style="magenta")
        elif seg.fate == LEFT_OUT:
            text.append(" [left out]", style="bright_black italic")
    return text


def _print_comments(result: Explanation, out: Console) -> None:
    comments = result.record.get("comments") or []
    dropped = removed_comments(result.record)
    if not comments and not dropped:
        return
    out.print(Text(f"Comments: {len(comments)} kept, {len(dropped)} removed", style="bold"))
    for c in comments:
        head = " · ".join(filter(None, [c.get("author") or "(no author)", c.get("published"),
                                        f"reply to {c['parent']}" if c.get("parent") else None,
                                        f"{c['duplicates']} copies collapsed" if c.get("duplicates", 1) > 1 else None]))
        out.print(Text.assemble(("kept ", "green"), (head, "bold cyan"), "\n  ", c["text"][:300]), soft_wrap=True)
    for r in dropped:
        out.print(Text.assemble((f"removed [{r['reason']}] ", "red"), (r["text"], "red strike")), soft_wrap=True)
