"""clean/manifest.json (issue 7, item 5): every article and rejected part in the order written,
with run ids and record counts, so that a consumer reads "everything after the part I saw last"."""
import gzip
import json
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO


def winnow_clean(raw, out, cwd):
    """`winnow clean RAW --out OUT` (the entry point's module, so that it runs in whichever venv runs
    the tests), with this checkout's code and no Prefect server configured."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "PYTHONPATH": str(REPO),
           "PREFECT_HOME": str(cwd / ".prefect-home")}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "clean", str(raw), "--out", str(out), "--quiet"],
                            capture_output=True, text=True, cwd=cwd, env=env, timeout=120)
    assert result.returncode == 0, result.stderr


def read_part(path):
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def manifest(out):
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def parts_after(out, last_seen):
    """What a consumer reads: the parts listed after the one it saw last (None: from the start)."""
    parts = manifest(out)["parts"]
    start = [p["path"] for p in parts].index(last_seen) + 1 if last_seen else 0
    return parts[start:]


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    """Run 1 cleans the seed pages; run 2, into the same clean/, the HTML and JSONL samples and two
    inputs that are rejected."""
    tmp = tmp_path_factory.mktemp("manifest")
    first, second, out = tmp / "raw1", tmp / "raw2", tmp / "clean"
    shutil.copytree(REPO / "raw" / "seeds", first / "seeds")
    shutil.copytree(REPO / "raw" / "html", second / "html")
    shutil.copytree(REPO / "raw" / "jsonl", second / "jsonl")
    (second / "empty.txt").write_bytes(b"")
    (second / "notes.pdf").write_bytes(b"%PDF-1.4 not a page")
    winnow_clean(first, out, tmp)
    after_first = manifest(out)
    (run1,) = [p.stem for p in (out / "runs").glob("*.json")]
    winnow_clean(second, out, tmp)
    (run2,) = [p.stem for p in (out / "runs").glob("*.json") if p.stem != run1]
    return out, after_first, [run1, run2]


def test_manifest_lists_run_one_before_run_two(two_runs):
    out, after_first, (run1, run2) = two_runs
    parts = manifest(out)["parts"]
    assert parts[:len(after_first["parts"])] == after_first["parts"]  # run 2 appended, nothing rewritten
    runs = [p["run_id"] for p in parts]
    assert set(runs) == {run1, run2} and runs == sorted(runs, key=[run1, run2].index)
    assert {p["kind"] for p in parts if p["run_id"] == run2} == {"articles", "rejected"}
    assert not list(out.glob(".manifest*"))  # written aside and renamed: no temporary file left


def test_every_part_exists_and_counts_its_records(two_runs):
    out, _, run_ids = two_runs
    parts = manifest(out)["parts"]
    for part in parts:
        path = out / part["path"]
        assert path.is_file(), part
        assert path.parent.name == part["kind"] in ("articles", "rejected")
        records = read_part(path)
        assert len(records) == part["records"] > 0, part
        assert {r["provenance"]["run_id"] for r in records} == {part["run_id"]}
    written = sorted(p.relative_to(out).as_posix() for folder in ("articles", "rejected")
                     for p in (out / folder).glob("*.jsonl*"))
    assert sorted(p["path"] for p in parts) == written  # every part of the feed is listed, once
    for run_id in run_ids:
        report = json.loads((out / "runs" / f"{run_id}.json").read_text(encoding="utf-8"))
        listed = [p for p in parts if p["run_id"] == run_id]
        assert sum(p["records"] for p in listed if p["kind"] == "articles") == report["articles"]
        assert sum(p["records"] for p in listed if p["kind"] == "rejected") == report["rejected"]


def test_reading_after_the_last_part_seen_gives_exactly_run_two(two_runs):
    out, after_first, (run1, run2) = two_runs
    every = [r for p in parts_after(out, None) for r in read_part(out / p["path"])]
    last_seen = after_first["parts"][-1]["path"]  # a consumer that read the feed after run 1
    new = [(p["kind"], r) for p in parts_after(out, last_seen) for r in read_part(out / p["path"])]
    expected = [r for r in every if r["provenance"]["run_id"] == run2]
    assert [r for _, r in new] == expected and expected
    assert sorted(r["provenance"]["source"] for r in expected) == [
        "empty.txt", "html/casino-doorway.html", "html/neustadt-radwege.html", "html/wordpress-river-cleanup.html",
        "jsonl/crawl-sample.jsonl#1", "jsonl/crawl-sample.jsonl#2", "jsonl/crawl-sample.jsonl#3", "notes.pdf"]
    assert all(("reason" in r) == (kind == "rejected") for kind, r in new)
    assert parts_after(out, manifest(out)["parts"][-1]["path"]) == []  # up to date: nothing more


@pytest.mark.parametrize("damage", [b"{broken", b'{"parts": 3}', b""])
def test_a_damaged_manifest_is_rebuilt_from_the_feed_as_it_was(two_runs, tmp_path, damage):
    """A manifest that cannot be read failed the run after its parts were published, and every run
    after it ("unexpected failure: JSONDecodeError"): the feed was stuck. It is rebuilt from the
    parts in the feed, the same bytes as before, with a warning naming it."""
    from flows.sinks import append_to_manifest

    out = tmp_path / "clean"
    shutil.copytree(two_runs[0], out)
    whole = (out / "manifest.json").read_bytes()
    (out / "manifest.json").write_bytes(damage)
    append_to_manifest(out, [])  # a run with no new parts
    assert (out / "manifest.json").read_bytes() == whole


def test_a_damaged_state_database_is_an_error_naming_it(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "clean"
    shutil.copytree(REPO / "raw" / "seeds", raw)
    winnow_clean(raw, out, tmp_path)
    state = out / "state" / "winnow.sqlite"
    state.write_bytes(state.read_bytes()[:5000])  # cut short: "database disk image is malformed"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           "PREFECT_HOME": str(tmp_path / ".prefect-home")}
    result = subprocess.run([sys.executable, "-m", "flows.cli", "clean", str(raw), "--out", str(out)],
                            capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "unexpected failure" not in result.stderr
    assert f"{state}: the feed's state database cannot be read" in " ".join(result.stderr.split())
