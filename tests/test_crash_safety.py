"""Issue 6, item 4: a run killed with SIGKILL anywhere, then run again, leaves the feed an
uninterrupted run leaves: 0 records lost, 0 duplicated, the same bytes (run ids aside).

The design (flows/state.py, flows/run.py): parts are staged and fsynced; the run's commit point is
one SQLite transaction holding its inputs, its dedup additions and a journal row that names every
staged part, its place in the feed and the run report; publication (renames, manifest, report)
comes after it, and the next run finishes it (`recover`) or, for a run that never reached its
commit point, removes its staged parts and cleans its inputs again.

Deterministic kill points: WINNOW_TEST_CRASH_AT (flows/sinks.py) SIGKILLs the run's process group
at a named point of the write path. CI: 300 small pages, every point. --long: every point on 5,000
pages, and 10 kills at random moments of real `winnow clean` processes on 5,000 pages."""
from __future__ import annotations

import gzip
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import flows.sinks
from flows.config import Settings
from flows.run import clean_pass
from tests.accounting import check_feed, feed
from tests.sitegen import paragraph

POINTS = ["part_write", "staged", "state_committed", "mid_publish", "published", "manifest", "report"]
AFTER_COMMIT = {"state_committed", "mid_publish", "published", "manifest", "report"}
WINNOW = str(Path(sys.executable).parent / "winnow")


def make_raw(root: Path, pages: int, seed: int = 1) -> Path:
    """Small text pages: mostly articles, one in ten an exact copy of an earlier one (a duplicate),
    one in twenty-five empty or binary (rejected)."""
    raw = root / "raw"
    rng = random.Random(seed)
    texts: list[str] = []
    for n in range(pages):
        folder = raw / f"d{n // 500:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        if n % 25 == 24:
            (folder / f"p{n:05d}.txt").write_bytes(b"" if n % 50 == 24 else b"\x00\x01\x02binary\xff" * 20)
            continue
        if n % 10 == 9 and texts:
            text = texts[rng.randrange(len(texts))]
        else:
            text = f"Page {n}\n\n" + "\n\n".join(paragraph(rng, 3) for _ in range(2)) + "\n"
            texts.append(text)
        (folder / f"p{n:05d}.txt").write_text(text)
    return raw


def feed_parts(clean_dir: Path) -> list[tuple[str, str, bytes]]:
    """(folder, batch number, decompressed bytes with the run id blanked) of every part: two feeds
    written by single runs of the same inputs compare equal byte for byte."""
    parts = []
    for folder in ("articles", "rejected"):
        for part in sorted((clean_dir / folder).glob("*.jsonl.gz")):
            run_id, batch = part.name.removesuffix(".jsonl.gz").rsplit("-", 1)
            parts.append((folder, batch, gzip.decompress(part.read_bytes()).replace(run_id.encode(), b"RUN")))
    return sorted(parts, key=lambda p: (p[1], p[0]))


def lost_and_duplicated(clean_dir: Path, golden: Path) -> tuple[int, int]:
    want = {r["provenance"]["source"] for r in feed(golden, "articles") + feed(golden, "rejected")}
    got = [r["provenance"]["source"] for r in feed(clean_dir, "articles") + feed(clean_dir, "rejected")]
    return len(want - set(got)), len(got) - len(set(got))


def killed_at(point: str, settings: Settings, raw: Path, out: Path) -> None:
    """clean_pass in a forked child that leads its own process group; the hook SIGKILLs it (and
    its pool) at `point`."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 1
        try:
            os.setsid()
            flows.sinks.CRASH_AT = point
            clean_pass(settings, raw, out)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"{point}: the run was not killed"
    wait_for_lock(out)


def wait_for_lock(out: Path) -> None:
    """The killed run's pool processes (not our children) hold its lock until the kernel has
    finished them, a few milliseconds after the run itself."""
    from flows.locking import RunLock, RunLocked

    deadline = time.monotonic() + 10
    while True:
        try:
            with RunLock(out):
                return
        except RunLocked:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, request):
    root = tmp_path_factory.mktemp("crash")
    raw = make_raw(root, 5000 if request.config.getoption("--long", default=False) else 300)
    settings = Settings.model_validate({"run": {"workers": 2}})
    golden = root / "golden"
    clean_pass(settings, raw, golden)
    return raw, settings, golden


@pytest.mark.parametrize("point", POINTS)
def test_a_run_killed_at_a_point_of_the_write_path_is_made_whole_by_the_next_run(tmp_path, corpus, point):
    raw, settings, golden = corpus
    out = tmp_path / "clean"
    killed_at(point, settings, raw, out)
    assert (out / ".staging").exists() or point in AFTER_COMMIT  # it died with work in flight
    report = clean_pass(settings, raw, out)
    assert bool(report.get("recovered_runs")) == (point in AFTER_COMMIT)
    assert lost_and_duplicated(out, golden) == (0, 0)
    assert feed_parts(out) == feed_parts(golden)
    check_feed(out, raw)
    again = clean_pass(settings, raw, out)  # and nothing is left to do
    assert again["articles"] == again["rejected"] == 0 and "recovered_runs" not in again


def test_two_crashes_in_a_row_and_leftover_temporary_files(tmp_path, corpus):
    raw, settings, golden = corpus
    out = tmp_path / "clean"
    killed_at("part_write", settings, raw, out)
    killed_at("mid_publish", settings, raw, out)
    (out / "runs").mkdir(exist_ok=True)
    (out / ".manifest.json.tmp").write_bytes(b'{"half')  # as a kill during write_json_atomic leaves
    (out / "runs" / ".x.json.tmp").write_bytes(b"")
    clean_pass(settings, raw, out)
    assert feed_parts(out) == feed_parts(golden)
    check_feed(out, raw)


def test_the_crash_hook_works_in_a_real_winnow_process(tmp_path, corpus):
    # the environment variable, through the CLI: killed after its state commit, finished by the next run
    raw, _, golden = corpus
    out = tmp_path / "clean"
    env = {**os.environ, "WINNOW_TEST_CRASH_AT": "published"}
    proc = subprocess.run([WINNOW, "clean", str(raw), "--out", str(out), "--workers", "2", "--quiet"],
                          env=env, start_new_session=True, capture_output=True, timeout=300)
    assert proc.returncode == -signal.SIGKILL
    wait_for_lock(out)
    env.pop("WINNOW_TEST_CRASH_AT")
    proc = subprocess.run([WINNOW, "clean", str(raw), "--out", str(out), "--workers", "2", "--quiet"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert feed_parts(out) == feed_parts(golden)
    check_feed(out, raw)


def _winnow(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([WINNOW, "clean", str(raw), "--out", str(out), "--workers", "2", "--quiet"],
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_after(proc, delay: float, out) -> None:
    """SIGKILL the run's process group after `delay` seconds unless it ended; wait for its lock to go."""
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    wait_for_lock(out)


@pytest.mark.long
def test_5000_pages_killed_at_10_random_moments(tmp_path, request):
    if not request.config.getoption("--long", default=False):
        pytest.skip("slow: runs with --long")
    raw = make_raw(tmp_path, 5000, seed=5)
    golden = tmp_path / "golden"
    started = time.monotonic()
    proc = _winnow(raw, golden)
    assert proc.wait() == 0, proc.stderr.read()
    seconds = time.monotonic() - started
    check_feed(golden, raw)
    out = tmp_path / "clean"
    rng = random.Random(int(os.environ.get("WINNOW_KILL_SEED", "10")))
    log = []
    for _ in range(10):
        proc = _winnow(raw, out)
        delay = rng.uniform(0.3, seconds)
        _kill_after(proc, delay, out)
        log.append((round(delay, 2), proc.returncode, len(feed(out, "articles")) + len(feed(out, "rejected"))))
    proc = _winnow(raw, out)
    assert proc.wait() == 0, proc.stderr.read()
    print(f"\ngolden run {seconds:.1f} s; kills (delay s, exit code, records in the feed after): {log}")
    assert lost_and_duplicated(out, golden) == (0, 0)
    assert feed_parts(out) == feed_parts(golden)
    check_feed(out, raw)


def test_a_committed_run_whose_staged_parts_were_deleted_stops_with_a_clear_message(tmp_path, corpus):
    # its inputs are remembered as processed: publishing nothing would lose them without a word
    import shutil

    raw, settings, _ = corpus
    out = tmp_path / "clean"
    killed_at("state_committed", settings, raw, out)
    shutil.rmtree(out / ".staging")
    with pytest.raises(FileNotFoundError, match="a staged part of a committed run is missing"):
        clean_pass(settings, raw, out)


def test_a_committed_run_whose_staged_html_report_was_lost_is_still_published(tmp_path, corpus):
    # the HTML report is derived from the parts: losing it must not stop the recovery of the feed
    raw, settings, golden = corpus
    out = tmp_path / "clean"
    killed_at("state_committed", settings, raw, out)
    for report in (out / ".staging").rglob("run-report.html"):
        report.unlink()
    report = clean_pass(settings, raw, out)
    assert feed_parts(out) == feed_parts(golden)
    crashed = report["recovered_runs"][0]
    assert (out / "runs" / f"{crashed}.json").is_file() and not (out / "runs" / f"{crashed}.html").exists()
    assert not (out / ".staging").exists()


@pytest.mark.long
def test_a_growing_feed_killed_once_per_run_over_10_runs(tmp_path, request):
    # 10 runs of 500 new pages each (copies of earlier pages among them: cross-run duplicates), each
    # killed once at a random moment of its length and run again: the feed after every run is the
    # feed of the same 10 runs uninterrupted, so kills land while the feed already holds thousands
    # of records, and some in the commit and publication of a run
    if not request.config.getoption("--long", default=False):
        pytest.skip("slow: runs with --long")
    import shutil

    source = make_raw(tmp_path / "all", 5000, seed=6)
    raw, golden, out = tmp_path / "raw", tmp_path / "golden", tmp_path / "clean"
    raw.mkdir()
    rng = random.Random(int(os.environ.get("WINNOW_KILL_SEED", "11")))
    log = []
    for step in range(10):
        shutil.copytree(source / f"d{step:02d}", raw / f"d{step:02d}")
        started = time.monotonic()
        proc = _winnow(raw, golden)
        assert proc.wait() == 0, proc.stderr.read()
        seconds = time.monotonic() - started
        proc = _winnow(raw, out)
        delay = rng.uniform(0.5, seconds)
        _kill_after(proc, delay, out)
        killed, in_feed = proc.returncode, len(feed(out, "articles")) + len(feed(out, "rejected"))
        proc = _winnow(raw, out)
        assert proc.wait() == 0, proc.stderr.read()
        log.append((step, round(delay, 2), round(seconds, 2), killed, in_feed))
        assert lost_and_duplicated(out, golden) == (0, 0)
        assert canonical_feed(out) == canonical_feed(golden)
    print(f"\nkills (run, delay s, golden run s, exit code, records in the feed after the kill): {log}")
    check_feed(out, raw)


def canonical_feed(clean_dir: Path) -> list[str]:
    """The records of a feed written by several runs, run ids blanked, as sorted lines."""
    from tests.accounting import canonical

    return canonical(feed(clean_dir, "articles") + feed(clean_dir, "rejected"))
