"""The HTML run report: one self-contained file beside the run report JSON (clean/runs/<run>.html).

Counts per step and reason, charts of removals by reason and of pages by outcome, the slowest
pages, and for a sample of pages per reason the page's text with the removed spans struck through
and labelled, and its comment thread with duplicates and spam marked. Every piece of page text is
escaped; the file has no script and loads nothing.
"""
from __future__ import annotations

import html
import os
import time
from pathlib import Path
from typing import Any

from cleaners.explain import removed_comments

from .tally import RunTally, tally_parts

MAX_SAMPLE_FILE_BYTES = 50_000_000  # a sample is cleaned again from its raw file: not from a huge archive
# Time for cleaning samples again, a share of the run's own time within bounds; the samples left
# over are shown from their records (their removed spans listed, then the kept text).
SAMPLE_SECONDS = (0.5, 0.03, 10.0)  # at least, share of the run's seconds, at most
CHART_BARS = 20
SAMPLE_PAGE_CHARS = 20_000  # of a sample page's text shown; `winnow explain` shows the rest


def report_path(clean_dir: Path, run_id: str) -> Path:
    return clean_dir / "runs" / f"{run_id}.html"


def published_parts(clean_dir: Path, report: dict[str, Any]) -> list[tuple[str, Path]]:
    """The (kind, path) of a run's parts, from its run report."""
    return [(part.split("/", 1)[0], clean_dir / part) for part in report.get("parts", [])]


def write_html_report(report: dict[str, Any], clean_dir: Path, settings: Any = None) -> Path:
    """Write the HTML report of a published run (from its run report and parts) atomically."""
    html_text = render_html(report, tally_parts(published_parts(clean_dir, report)), settings)
    path = report_path(clean_dir, report["run_id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_text(html_text, encoding="utf-8")
    os.replace(staged, path)
    return path


def render_html(report: dict[str, Any], tally: RunTally, settings: Any = None) -> str:
    """The report as one HTML document. With `settings` (flows.config.Settings), sampled pages are
    cleaned again from their raw files to show their removals in place, for as long as
    SAMPLE_SECONDS allows."""
    least, share, most = SAMPLE_SECONDS
    budget = min(most, max(least, share * float(report.get("seconds") or 0)))
    samples = _explained_samples(tally, Path(report.get("raw_dir") or "."), settings, budget)
    return render_report(report, tally, samples)


# Pages rejected before or outside normal cleaning are shown from their record, never cleaned again
# here: the report is made in the flow's process, without the pool's caps.
NOT_CLEANED_AGAIN = frozenset({"timeout", "oom", "worker_crash", "error", "unreadable", "too_large",
                               "unsupported_format"})


def _explained_samples(tally: RunTally, raw_dir: Path, settings: Any, budget: float) -> dict[int, Any]:
    """id(record) -> its Explanation, for sampled records whose raw input is still there unchanged,
    cleaned again until `budget` seconds are spent."""
    if settings is None:
        return {}
    deadline = time.monotonic() + budget
    from cleaners import Cleaner
    from cleaners.explain import explain_page

    from .deadline import PageTimeout, page_deadline
    from .explain import ExplainError, load_page, split_spec

    cleaner = Cleaner(settings.cleaning())
    explained: dict[int, Any] = {}
    for records in tally.samples.values():
        for record in records:
            left = deadline - time.monotonic()
            if left <= 0:
                return explained
            if record.get("reason") in NOT_CLEANED_AGAIN or id(record) in explained:
                continue
            prov = record["provenance"]
            path, number = split_spec(str(raw_dir / prov["source"]), None)
            try:
                if not path.is_file() or path.stat().st_size > MAX_SAMPLE_FILE_BYTES:
                    continue
                # the budget caps the page too: one big page must not hold the report up for its
                # whole page_timeout_seconds
                with page_deadline(min(settings.run.page_timeout_seconds or left, left)):
                    page = load_page(path, number, settings.run.max_input_bytes)
                    if getattr(page, "sha256", None) != prov["sha256"] or not hasattr(page, "content_type"):
                        continue  # changed since the run, or unreadable: the record alone is shown
                    run = {k: prov[k] for k in ("run_id", "pipeline_version", "config_sha256")}
                    explained[id(record)] = explain_page(cleaner, page, run)
            except (ExplainError, OSError, PageTimeout, MemoryError):
                continue
    return explained


# -- rendering

e = html.escape

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:1em 2em;color:#222}
h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.2em .6em;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.bar{fill:#4a7bb7}.bar.out{fill:#b74a4a}.bar.ok{fill:#4ab76a}svg text{font:12px system-ui,sans-serif}
.page{border:1px solid #ccc;border-radius:4px;padding:.5em 1em;margin:1em 0;background:#fafafa}
.text{white-space:pre-wrap;font-family:ui-serif,Georgia,serif}
del{color:#a00;text-decoration:line-through}
.label{font:11px system-ui,sans-serif;color:#fff;background:#a0306a;border-radius:3px;padding:0 .3em;margin:0 .2em}
.left{color:#999}.comment{color:#036}.unmatched{color:#a60}
.c{border-left:3px solid #9bd;padding-left:.6em;margin:.4em 0}.c.gone{border-color:#d99}
.meta{color:#555;font-size:.9em}
"""


def render_report(report: dict[str, Any], tally: RunTally, samples: dict[int, Any]) -> str:
    run_id = str(report["run_id"])
    body = [
        f"<h1>Winnow run {e(run_id)}</h1>",
        _summary(report),
        _removals_section(tally),
        _outcomes_section(tally),
        _slowest_section(report),
        _samples_section(tally, samples),
    ]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>Winnow run {e(run_id)}</title><style>{STYLE}</style></head><body>\n"
            + "\n".join(body) + "\n</body></html>\n")


def _summary(report: dict[str, Any]) -> str:
    dedup = report.get("dedup") or {}
    rows = [("pages in", report.get("records_in")), ("already processed (skipped)", report.get("skipped_already_processed")),
            ("articles", report.get("articles")), ("rejected", report.get("rejected")),
            ("new revisions of earlier pages", dedup.get("revisions")), ("seconds", report.get("seconds")),
            ("raw folder", report.get("raw_dir")), ("pipeline version", report.get("pipeline_version")),
            ("config sha256", report.get("config_sha256")), ("run report", f"{report['run_id']}.json")]
    cells = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows if v is not None)
    return f'<section id="summary"><h2>Summary</h2><table>{cells}</table></section>'


def _removals_section(tally: RunTally) -> str:
    rows = tally.removal_rows()
    table = "".join(f"<tr><td>{e(r['step'])}</td><td>{e(r['reason'])}</td><td class=n>{r['spans']}</td>"
                    f"<td class=n>{r['pages']}</td><td class=n>{r['chars']}</td></tr>" for r in rows)
    chart = _bar_chart([(f"{r['reason']} ({r['step']})", r["chars"]) for r in rows], "characters removed", "bar")
    return ('<section id="removals"><h2>Removals by step and reason</h2>'
            + (chart + "<table><tr><th>step</th><th>reason</th><th>spans</th><th>pages</th><th>characters</th></tr>"
               + table + "</table>" if rows else "<p>Nothing was removed.</p>") + "</section>")


def _outcomes_section(tally: RunTally) -> str:
    items = sorted(tally.outcomes.items(), key=lambda kv: (-kv[1], kv[0]))
    chart = _bar_chart(items, "pages", "bar out", ok="article")
    table = "".join(f"<tr><td>{e(k)}</td><td class=n>{v}</td></tr>" for k, v in items)
    return (f'<section id="outcomes"><h2>Pages by outcome</h2>{chart}'
            f"<table><tr><th>outcome</th><th>pages</th></tr>{table}</table></section>")


def _bar_chart(items: list[tuple[str, int]], unit: str, css: str, ok: str | None = None) -> str:
    items = items[:CHART_BARS]
    if not items:
        return ""
    top = max(v for _, v in items) or 1
    row, label_w, bar_w = 22, 330, 520
    bars = []
    for i, (label, value) in enumerate(items):
        y = i * row
        width = max(1, round(bar_w * value / top))
        cls = "bar ok" if label == ok else css
        bars.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{e(label[:48])}</text>'
                    f'<rect class="{cls}" x="{label_w}" y="{y + 3}" width="{width}" height="{row - 6}"/>'
                    f'<text x="{label_w + width + 4}" y="{y + 15}">{value}</text>')
    height = row * len(items)
    return (f'<svg role="img" aria-label="{e(unit)}" width="{label_w + bar_w + 80}" height="{height}" '
            f'viewBox="0 0 {label_w + bar_w + 80} {height}">{"".join(bars)}</svg>')


def _slowest_section(report: dict[str, Any]) -> str:
    rows = "".join(f"<tr><td>{e(str(p['source']))}</td><td class=n>{p['seconds']:.3f}</td></tr>"
                   for p in report.get("slowest_pages") or [])
    return ('<section id="slowest"><h2>Slowest pages</h2>'
            + (f"<table><tr><th>page</th><th>seconds</th></tr>{rows}</table>" if rows else "<p>No page timings.</p>")
            + "</section>")


def _samples_section(tally: RunTally, samples: dict[int, Any]) -> str:
    parts = ['<section id="samples"><h2>Sample pages per reason</h2>',
             "<p>Removed text is <del>struck through</del> and labelled with its step and reason; "
             '<span class="left">grey</span> text is what the extractor left out as not part of the article; '
             '<span class="comment">blue</span> text went into comment records; '
             '<span class="unmatched">orange</span> text was not found again in the cleaned page. Run '
             "<code>winnow explain PAGE</code> for any page.</p>"]
    for reason in sorted(tally.samples):
        parts.append(f'<details class="reason"><summary><b>{e(reason)}</b> ({len(tally.samples[reason])} '
                     f"page{'s' if len(tally.samples[reason]) != 1 else ''})</summary>")
        parts.extend(_sample_page(record, samples.get(id(record))) for record in tally.samples[reason])
        parts.append("</details>")
    parts.append("</section>")
    return "\n".join(parts)


def _sample_page(record: dict[str, Any], explanation: Any) -> str:
    prov = record["provenance"]
    head = (f'<div class="page"><div class="meta"><b>{e(str(prov["source"]))}</b> · '
            f'{e(record.get("title") or record.get("url") or "")} · '
            + (f'rejected: {e(record["reason"])} ({e(record["detail"])})' if "reason" in record else "article")
            + "</div>")
    if explanation is not None:
        text = "\n".join(_segments_html(line) for line in _first_lines(explanation.lines))
        shown = sum(len(seg.text) for line in _first_lines(explanation.lines) for seg in line)
        total = sum(len(seg.text) for line in explanation.lines for seg in line)
        if shown < total:
            text += (f'\n<span class="meta">… {total - shown} more characters: '
                     f'winnow explain {e(str(prov["source"]))} shows the whole page</span>')
    else:
        text = _record_only_html(record)
    return head + f'<div class="text">{text}</div>' + _comments_html(record) + "</div>"


def _first_lines(lines: list) -> list:
    """The lines of a sample page up to SAMPLE_PAGE_CHARS: the report stays readable and small."""
    out, chars = [], 0
    for line in lines:
        if chars >= SAMPLE_PAGE_CHARS:
            break
        out.append(line)
        chars += sum(len(seg.text) for seg in line)
    return out


def _segments_html(line) -> str:
    out = []
    for seg in line:
        if seg.fate == "removed":
            label = "" if seg.continued else f'<span class="label">{e(seg.reason)}</span>'
            out.append(f'<del title="{e(seg.step)} {e(seg.reason)}">{e(seg.text)}</del>{label}')
        elif seg.fate == "left_out":
            out.append(f'<span class="left" title="left out by the extractor">{e(seg.text)}</span>')
        elif seg.fate == "comment":
            out.append(f'<span class="comment">{e(seg.text)}</span>')
        elif seg.fate == "unmatched":
            out.append(f'<span class="unmatched">{e(seg.text)}</span>')
        else:
            out.append(e(seg.text))
    return "".join(out)


def _record_only_html(record: dict[str, Any]) -> str:
    """The raw input is gone or changed: the removed spans, then the kept text (cut)."""
    removed = "\n".join(f'<del title="{e(r["step"])} {e(r["reason"])}">{e(r["text"])}</del>'
                        f'<span class="label">{e(r["reason"])}</span>' for r in record["provenance"]["removed"])
    text = record.get("text") or ""
    cut = f"… {len(text) - SAMPLE_PAGE_CHARS} more characters" if len(text) > SAMPLE_PAGE_CHARS else ""
    return removed + ("\n\n" if removed else "") + e(text[:SAMPLE_PAGE_CHARS]) + (f'\n<span class="meta">{cut}</span>' if cut else "")


def _comments_html(record: dict[str, Any]) -> str:
    kept = record.get("comments") or []
    dropped = removed_comments(record)
    if not kept and not dropped:
        return ""
    items = []
    for c in kept:
        marks = []
        if c.get("duplicates", 1) > 1:
            marks.append(f'<span class="label">{c["duplicates"]} copies collapsed</span>')
        if c.get("parent"):
            marks.append(f'<span class="meta">reply to {e(str(c["parent"]))}</span>')
        items.append(f'<div class="c"><div class="meta"><b>{e(c.get("author") or "(no author)")}</b> '
                     f'{e(c.get("published") or "")} {"".join(marks)}</div>{e(c["text"])}</div>')
    for r in dropped:
        items.append(f'<div class="c gone"><span class="label">{e(r["reason"])}</span><del>{e(r["text"])}</del></div>')
    return f'<div class="thread"><b>Comments: {len(kept)} kept, {len(dropped)} removed</b>{"".join(items)}</div>'
