"""Issue 6, item 2: a page that hangs, blows up its memory or kills its cleaning process becomes a
rejected record (timeout, oom, worker_crash) and the run goes on, through the real process pools:
the direct run's forked BatchPool and the Prefect flow's spawned one. The failures are injected by
the WINNOW_TEST_FAULTS hook of flows/run.py: a page holding "WINNOW-FAULT:<kind>" misbehaves
when it is cleaned, in whatever process cleans it."""
import json
import os
import random
import time
from pathlib import Path

import pytest

import flows.run
from flows.config import Settings
from flows.run import clean_pass
from tests.accounting import check_feed, feed
from tests.sitegen import paragraph
from tests.test_flow import prefect_server  # noqa: F401 - the Prefect test server fixture

FAULTS = {  # page name -> (fault, the reason its record must carry)
    "p005.txt": ("exit ", "worker_crash"),
    "p011.txt": ("segv ", "worker_crash"),
    "p017.txt": ("oom  ", "oom"),
    "p023.txt": ("hang ", "timeout"),
    "p029.txt": ("stuck", "timeout"),
}


def faulty_raw(tmp_path, pages=36):
    raw = tmp_path / "raw"
    raw.mkdir()
    rng = random.Random(2)
    for n in range(pages):
        name = f"p{n:03d}.txt"
        marker = f"WINNOW-FAULT:{FAULTS[name][0]}\n\n" if name in FAULTS else ""
        (raw / name).write_text(f"Page number {n}\n\n{marker}" + "\n\n".join(paragraph(rng) for _ in range(3)) + "\n")
    return raw


def lines_without(clean_dir, folder, run_id, sources):
    """The feed's records in feed order, as written (run id blanked), but those of `sources`."""
    return [json.dumps(r, sort_keys=True).replace(run_id, "RUN") for r in feed(clean_dir, folder)
            if r["provenance"]["source"] not in sources]


SETTINGS = {"page_timeout_seconds": 0.5, "page_memory_mb": 256, "batch_pages": 6}


@pytest.mark.parametrize("workers", [1, 2])
def test_hang_oom_and_crash_are_rejected_and_every_other_page_is_as_without_them(tmp_path, monkeypatch, workers):
    raw = faulty_raw(tmp_path)
    settings = Settings.model_validate({"run": {**SETTINGS, "workers": workers}})
    monkeypatch.setattr(flows.run, "HARD_GRACE_SECONDS", 0.5)  # the pool kills a stuck page at 1 s
    monkeypatch.setattr(flows.run, "_FAULTS", True)  # inherited by the forked pool processes
    report = clean_pass(settings, raw, tmp_path / "faulty")
    monkeypatch.setattr(flows.run, "_FAULTS", False)
    control = clean_pass(settings, raw, tmp_path / "control")  # the same pages, nothing misbehaves

    assert report["records_in"] == 36 and report["batches"] == 6
    assert report["rejected_by_reason"] == {"worker_crash": 2, "oom": 1, "timeout": 2}
    check_feed(tmp_path / "faulty", raw)
    rejected = {r["provenance"]["source"]: r for r in feed(tmp_path / "faulty", "rejected")}
    assert {source: r["reason"] for source, r in rejected.items()} == {s: reason for s, (_, reason) in FAULTS.items()}
    assert rejected["p005.txt"]["detail"] == "p005.txt: the cleaning process died while cleaning this page (exit code 139)"
    assert rejected["p011.txt"]["detail"] == ("p011.txt: the cleaning process died while cleaning this page "
                                              "(killed by signal SIGSEGV)")
    assert rejected["p017.txt"]["detail"] == "p017.txt: cleaning needed more memory than run.page_memory_mb (256 MB)"
    # the stuck page (its SIGALRM blocked) was killed by the pool; same record as an interrupted hang
    assert rejected["p029.txt"]["detail"] == "p029.txt: cleaning took longer than run.page_timeout_seconds (0.5 s)"
    assert rejected["p023.txt"]["detail"] == "p023.txt: cleaning took longer than run.page_timeout_seconds (0.5 s)"
    # every other page: the same bytes, in the same order, as in the run where nothing failed
    assert control["articles"] == 36
    for folder in ("articles", "rejected"):
        assert (lines_without(tmp_path / "faulty", folder, report["run_id"], FAULTS)
                == lines_without(tmp_path / "control", folder, control["run_id"], FAULTS))


def test_the_memory_cap_is_per_page_not_per_run(tmp_path, monkeypatch):
    # one process keeps 12 MB more after each page; under a 64 MB cap per page, all 25 pages are
    # cleaned (a cap on the batch or the process would reject the later ones)
    raw = faulty_raw(tmp_path, pages=30)
    for name in FAULTS:
        (raw / name).unlink()
    kept = []
    real = flows.run.Cleaner.record

    def hoarding(self, page, run):
        kept.append(bytearray(12 << 20))
        return real(self, page, run)

    monkeypatch.setattr(flows.run.Cleaner, "record", hoarding)
    settings = Settings.model_validate({"run": {"workers": 1, "page_memory_mb": 64}})
    report = clean_pass(settings, raw, tmp_path / "clean")
    assert (report["articles"], report["rejected"]) == (25, 0)  # 300 MB kept in one process


@pytest.mark.prefect
def test_the_flows_spawned_pool_survives_the_same_faults(tmp_path, monkeypatch, prefect_server):
    from flows.clean import clean_flow

    raw = faulty_raw(tmp_path)
    monkeypatch.setenv("WINNOW_TEST_FAULTS", "1")  # read at import by the spawned pool processes
    monkeypatch.setattr(flows.run, "HARD_GRACE_SECONDS", 0.5)  # the flow's process polls its pool
    settings = Settings.model_validate({"run": {**SETTINGS, "workers": 2}})
    state = clean_flow(raw_dir=str(raw), clean_dir=str(tmp_path / "out"), settings=settings, return_state=True)
    assert state.is_completed()
    report = state.result()
    assert report["rejected_by_reason"] == {"worker_crash": 2, "oom": 1, "timeout": 2}
    assert report["articles"] == 31
    check_feed(tmp_path / "out", raw)
    monkeypatch.delenv("WINNOW_TEST_FAULTS")
    direct = clean_pass(settings, raw, tmp_path / "direct")  # faults off: the other pages are the same
    for folder in ("articles", "rejected"):
        assert (lines_without(tmp_path / "out", folder, report["run_id"], FAULTS)
                == lines_without(tmp_path / "direct", folder, direct["run_id"], FAULTS))


@pytest.mark.prefect
def test_on_a_dask_cluster_the_same_faults_cost_only_their_pages(tmp_path, monkeypatch, prefect_server):
    """Each Dask worker cleans its batches in processes of its own: a page that killed the worker
    made Dask retry its batch on other workers until it failed the whole run (KilledWorker), a page
    stuck in C code hung it, and no memory cap held. The workers' processes end with them."""
    from flows.clean import run_clean_flow

    raw = faulty_raw(tmp_path)
    monkeypatch.setenv("WINNOW_TEST_FAULTS", "1")  # read at import by the Dask workers and their processes
    tag = f"{os.getpid()}-{time.time_ns()}"  # inherited by every process this run starts
    monkeypatch.setenv("WINNOW_TEST_PROCESS_TAG", tag)
    settings = Settings.model_validate({"run": {**SETTINGS, "workers": 2, "runner": "dask"}})
    state = run_clean_flow(settings, raw, tmp_path / "out", return_state=True)
    assert state.is_completed()
    report = state.result()
    assert report["runner"] == "dask"
    assert report["rejected_by_reason"] == {"worker_crash": 2, "oom": 1, "timeout": 2}
    assert report["articles"] == 31
    check_feed(tmp_path / "out", raw)
    monkeypatch.delenv("WINNOW_TEST_FAULTS")
    direct = clean_pass(Settings.model_validate({"run": SETTINGS}), raw, tmp_path / "direct")
    for folder in ("articles", "rejected"):
        assert (lines_without(tmp_path / "out", folder, report["run_id"], FAULTS)
                == lines_without(tmp_path / "direct", folder, direct["run_id"], FAULTS))
    assert not _spawned_processes_left(tag), "the Dask workers' cleaning processes outlived them"


def _spawned_processes_left(tag: str, grace: float = 10.0) -> list[str]:
    """Processes started by multiprocessing's spawn under this test (their environment holds
    `tag`: other runs on the machine are not counted) that are not this process's own children,
    once they have had `grace` seconds to exit."""
    import multiprocessing
    import subprocess

    deadline = time.monotonic() + grace
    while True:
        mine = {str(p.pid) for p in multiprocessing.active_children()}
        listing = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout.splitlines()
        left = [line for line in listing if "multiprocessing.spawn" in line and line.split()[0] not in mine
                and line.split()[1] != str(os.getpid()) and _holds_tag(line.split()[0], tag)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def _holds_tag(pid: str, tag: str) -> bool:
    try:
        return f"WINNOW_TEST_PROCESS_TAG={tag}".encode() in Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:  # gone, or not ours to read
        return False


def test_a_daemonic_dask_worker_cleans_in_its_own_process(monkeypatch):
    """A daemonic process may not start processes (multiprocessing refuses): such a Dask worker
    cleans its batches itself, as before, instead of failing every batch."""
    from types import SimpleNamespace

    import flows.clean as clean

    monkeypatch.setattr(clean, "_WORKER_POOL", None)
    monkeypatch.setattr(clean.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert clean._dask_worker_pool() is None
    monkeypatch.setattr(clean.multiprocessing, "current_process", lambda: SimpleNamespace(daemon=False))
    monkeypatch.setattr(clean, "spawned_pool", lambda workers: SimpleNamespace(workers=workers, shutdown=lambda: None))
    assert clean._dask_worker_pool().workers == 1  # one process per worker thread; outside Dask, one
