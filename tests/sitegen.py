"""Generated blog sites for the dedup tests: WordPress-style posts with reader comments,
written as JSONL crawl records (url, fetched_at, html). Deterministic for a given seed."""
from __future__ import annotations

import html
import json
import random
from pathlib import Path

_WORDS = (
    "garden river council volunteer harvest winter orchard bridge market school library village station "
    "meeting summer planting rain soil compost hedge path meadow field stream cottage museum ferry harbour "
    "season festival bakery cyclist walker archive record mayor teacher farmer neighbour pupil visitor "
    "repair build open close plan agree decide gather measure count paint clear collect carry share visit "
    "early late quiet busy local old new small large green wet dry bright careful slow steady public "
    "through across behind beside during before after since until while although because"
).split()


def sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(9, 16))]
    return " ".join(words).capitalize() + "."


def paragraph(rng: random.Random, sentences: int = 4) -> str:
    return " ".join(sentence(rng) for _ in range(sentences))


def article(rng: random.Random, paragraphs: int = 6) -> list[str]:
    return [paragraph(rng) for _ in range(paragraphs)]


def page_html(title: str, paragraphs: list[str], comments: list[tuple[str, str]] = (), footer: str = "") -> str:
    body = "".join(f"<p>{html.escape(p)}</p>\n" for p in paragraphs)
    if footer:
        body += f"<p>{html.escape(footer)}</p>\n"
    items = "".join(
        f'<li class="comment" id="comment-{i}"><div class="comment-author vcard"><cite class="fn">{html.escape(a)}</cite>'
        f' <span class="says">says:</span></div><div class="comment-meta">March {i + 1}, 2021 at 9:1{i} am</div>'
        f"<p>{html.escape(t)}</p></li>\n" for i, (a, t) in enumerate(comments))
    section = f'<div id="comments"><h3>{len(comments)} Responses</h3><ol class="commentlist">{items}</ol></div>' if comments else ""
    return (f"<html><head><title>{html.escape(title)}</title></head><body>"
            f'<article class="post"><h1 class="entry-title">{html.escape(title)}</h1>'
            f'<div class="entry-content">{body}</div></article>{section}</body></html>')


def record(url: str, title: str, paragraphs: list[str], fetched_at: str = "2021-03-01T00:00:00Z", **kw) -> dict:
    return {"url": url, "fetched_at": fetched_at, "html": page_html(title, paragraphs, **kw)}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path
