"""`winnow explain PAGE`: every removed span listed with its step and reason, kept text as in the feed."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from cleaners import Cleaner, CleaningSettings
from cleaners.explain import COMMENT, KEPT, LEFT_OUT, REMOVED, explain_page
from tests.conftest import RUN, SEEDS_RAW, html_page, text_page
from tests.test_cli import winnow

FIXTURES = Path(__file__).parent / "fixtures"
SPAM_SEED = next(SEEDS_RAW.glob("002_*.txt"))  # casino lines, a byline and a download prompt
COMMENTS_SEED = next(SEEDS_RAW.glob("003_*.txt"))  # 23 numbered comments, one repost


def explain_json(*args, cwd):
    result = winnow("explain", *args, "--json", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def segments(data, fate):
    return [seg for line in data["lines"] for seg in line if seg["fate"] == fate]


def test_explain_json_lists_every_removed_span_with_its_step_and_reason(tmp_path):
    data = explain_json(SPAM_SEED, cwd=tmp_path)
    assert data["outcome"] == "article"
    removed = data["record"]["provenance"]["removed"]
    assert {r["reason"] for r in removed} >= {"spam:gambling_line", "metadata:byline", "chrome:download_prompt"}
    shown = {(s["step"], s["reason"], " ".join(s["text"].split())) for s in segments(data, REMOVED)}
    unplaced = {(r["step"], r["reason"], r["text"]) for r in data["removed_not_located"]}
    for r in removed:  # each span is either marked in the page text or listed apart
        assert (r["step"], r["reason"], r["text"]) in shown | unplaced, r
    assert not unplaced


def test_explain_kept_segments_are_the_feed_text(tmp_path):
    data = explain_json(SPAM_SEED, cwd=tmp_path)
    kept_lines = ["".join(s["text"] for s in line if s["fate"] == KEPT).strip() for line in data["lines"]]
    assert [line for line in kept_lines if line] == data["record"]["text"].split("\n")


def test_explain_matches_what_a_run_writes(tmp_path):
    kind, record = Cleaner(CleaningSettings()).record(text_page(COMMENTS_SEED.read_text(), source=COMMENTS_SEED.name), RUN)
    data = explain_json(COMMENTS_SEED, cwd=tmp_path)
    for key in ("id", "title", "text", "comments", "language"):
        assert data["record"][key] == record[key], key
    assert [s["step"] for s in data["steps"]][-1] == "filters"


def test_explain_shows_comments_and_their_fate(tmp_path):
    data = explain_json(COMMENTS_SEED, cwd=tmp_path)
    assert len(data["comments"]) == 22
    assert any(c["author"] == "Montag" for c in data["comments"])
    assert segments(data, COMMENT), "comment text is marked as moved to comment records"
    assert any(s["reason"] == "comment:duplicate" for s in segments(data, REMOVED))
    out = winnow("explain", COMMENTS_SEED, cwd=tmp_path).stdout
    assert "Comments: 22 kept, 1 removed" in out and "removed [comment:duplicate]" in out


def test_explain_metadata_says_where_each_field_came_from(tmp_path):
    data = explain_json(SPAM_SEED, cwd=tmp_path)
    meta = data["metadata"]
    assert meta["author"] == {"value": "Viktor Mikhin", "origin": "the top lines of the text page (title, byline, dateline)"}
    assert meta["language"]["value"] == "en" and "langdetect" in meta["language"]["origin"]
    assert meta["url"]["value"] is None and meta["url"]["origin"] is None


def test_explain_terminal_output_is_coloured_and_labels_removed_spans(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(FORCE_COLOR="1", COLUMNS="200", PREFECT_HOME=str(tmp_path / "ph"))
    result = subprocess.run([str(Path(sys.executable).parent / "winnow"), "explain", str(SPAM_SEED)],
                            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" in result.stdout  # colour
    assert "[spam spam:gambling_line]" in result.stdout
    assert re.search(r"\x1b\[(?:\d+;)*9(?:;\d+)*mcasino siteleri", result.stdout)  # struck through
    assert "Metadata" in result.stdout and "Steps, in order" in result.stdout


def test_explain_html_page_marks_text_the_extractor_left_out():
    page = html_page((FIXTURES / "html" / "chrome_news.html").read_text(), source="chrome_news.html")
    ex = explain_page(Cleaner(CleaningSettings()), page, RUN)
    fates = {seg.fate for line in ex.lines for seg in line}
    assert {KEPT, REMOVED} <= fates
    assert LEFT_OUT in fates or all(r.step != "html" for r in ex.unplaced)
    located = {(s.step, s.reason) for line in ex.lines for s in line if s.fate == REMOVED}
    listed = {(r.step, r.reason) for r in ex.unplaced}
    assert {(r["step"], r["reason"]) for r in ex.record["provenance"]["removed"]} <= located | listed


def test_explain_one_record_of_a_jsonl_file(tmp_path):
    lines = [json.dumps({"url": f"https://example.org/{i}", "text": SPAM_SEED.read_text() if i == 2 else "Short."})
             for i in (1, 2, 3)]
    feed = tmp_path / "crawl.jsonl"
    feed.write_text("\n".join(lines) + "\n")
    data = explain_json(f"{feed}#2", cwd=tmp_path)
    assert data["source"] == "crawl.jsonl#2" and data["outcome"] == "article"
    assert data["metadata"]["url"] == {"value": "https://example.org/2", "origin": "the input record (JSONL fields, WARC headers)"}
    assert explain_json(feed, "--record", "3", cwd=tmp_path)["reason"] == "too_short"
    many = winnow("explain", feed, cwd=tmp_path)
    assert many.returncode == 2 and "more than one record" in many.stderr and "#N" in many.stderr


@pytest.mark.parametrize("spec, message", [("missing.html", "no such file"), ("crawl.jsonl#9", "no record 9"),
                                           ("", "a folder, not a page")])
def test_explain_bad_page_is_a_message_not_a_traceback(tmp_path, spec, message):
    (tmp_path / "crawl.jsonl").write_text(json.dumps({"text": "Hello there."}) + "\n")
    result = winnow("explain", tmp_path / spec, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_explain_unreadable_input_says_why(tmp_path):
    binary = tmp_path / "image.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    data = explain_json(binary, cwd=tmp_path)
    assert data["outcome"] == "rejected" and data["reason"] and data["detail"]


def test_explain_a_fifo_is_a_rejection_not_a_wait_nor_no_such_file(tmp_path):
    """A FIFO (or a device, a dangling link) was "no such file"; opening one would wait forever."""
    os.mkfifo(tmp_path / "pipe.html")
    data = explain_json(tmp_path / "pipe.html", cwd=tmp_path)
    assert (data["outcome"], data["reason"]) == ("rejected", "unsupported_format")
    assert "named pipe" in data["detail"]


def test_a_span_over_several_lines_is_labelled_once():
    hidden = "".join(f"<li><a href='/c/{city}'>{city}</a></li>" for city in ("Atlanta", "Boston", "Chicago", "Denver"))
    body = "".join(f"<p>Paragraph {i}: the council met on Tuesday to discuss the bridge and its repairs.</p>"
                   for i in range(8))
    page = html_page(f"<html><body><ul style='display:none'>{hidden}</ul><article>{body}</article></body></html>")
    ex = explain_page(Cleaner(CleaningSettings()), page, RUN)
    removed = [seg for line in ex.lines for seg in line if seg.fate == REMOVED and seg.reason == "hidden:block"]
    assert [seg.text.strip() for seg in removed] == ["Atlanta", "Boston", "Chicago", "Denver"]
    assert [seg.continued for seg in removed] == [False, True, True, True]


class _CharMarks:
    """_Marks as it was (ee294d8): the owners claimed, searched and cut into segments a character at a time."""

    @staticmethod
    def claim(self, needle, label, chars, in_order=False):
        from cleaners.explain import REMOVED_TEXT_LIMIT

        needle = " ".join(needle.split())
        if needle.endswith("…") and chars > REMOVED_TEXT_LIMIT:
            needle = needle[:-1]
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
        for i in range(start, end):
            if self.owner[i] is None:
                self.owner[i] = label
        if in_order:
            self.cursor = end
        return True

    @staticmethod
    def _find(self, needle, start):
        at = self.flat.find(needle, start)
        while at >= 0:
            if all(o is None for o in self.owner[at: at + len(needle)]):
                return at
            at = self.flat.find(needle, at + 1)
        return -1

    @staticmethod
    def _line_segments(self, start, end, leftover):
        from cleaners.explain import Segment, _absorb_spaces

        out = []
        for i in range(start, end):
            label = self.owner[i] or leftover
            if out and (out[-1].fate, out[-1].step, out[-1].reason) == label:
                out[-1].text += self.text[i]
            else:
                out.append(Segment(self.text[i], *label))
        return _absorb_spaces(out)


def test_explanations_are_the_character_by_character_ones(monkeypatch):
    # _Marks claims, searches and cuts owners by slices and runs: the same segments and the same
    # removals left unplaced as a character at a time, on the seed pages (and their words varied,
    # lines repeated and cut) and the fixture HTML pages
    import gzip
    import random

    from cleaners import explain
    from tests.conftest import FIXTURE_HTML_PAGES

    rng = random.Random(13)
    pages = []
    for path in sorted(SEEDS_RAW.iterdir()):
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        varied = "\n".join(line if rng.random() < 0.7 else line[: rng.randint(0, len(line))] for line in lines + lines)
        pages += [text_page(text, path.name), text_page(varied, "varied-" + path.name)]
    for path in FIXTURE_HTML_PAGES[::3]:
        data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        pages.append(html_page(data.decode("utf-8", "replace"), path.name))
    cleaner = Cleaner(CleaningSettings())

    def explained(page):
        found = explain_page(cleaner, page, RUN).as_dict()
        return found["lines"], found["removed_not_located"]

    slices = [explained(page) for page in pages]
    for name in ("claim", "_find", "_line_segments"):
        monkeypatch.setattr(explain._Marks, name, getattr(_CharMarks, name))
    characters = [explained(page) for page in pages]
    assert sum(len(lines) for lines, _ in slices) > 1000
    for page, mine, theirs in zip(pages, slices, characters):
        assert mine == theirs, page.source
