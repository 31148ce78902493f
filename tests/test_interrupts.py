"""A run that is stopped (Ctrl-C, SIGTERM from a scheduler or service manager, SIGKILL) ends at
once with a message, leaves no cleaning process behind, and the next run completes the feed. A
page stuck in the WINNOW_TEST_FAULTS hang (flows/run.py) keeps the run busy while it is stopped."""
import os
import signal
import subprocess
import threading
import time
from dataclasses import replace

import pytest

from flows.config import Settings
from flows.run import BatchPool, PoolStopped, clean_pass, spec_template
from tests.accounting import check_feed
from tests.conftest import process_gone
from tests.test_cli import WINNOW
from tests.test_flow import prefect_server  # noqa: F401 - the Prefect test server fixture
from tests.test_page_bounds import faulty_raw
from tests.test_run import read_feed


def _children(pid: int) -> list[int]:
    with open(f"/proc/{pid}/task/{pid}/children") as listing:
        return [int(child) for child in listing.read().split()]


def _start_stuck_run(tmp_path, api_url: str = "") -> tuple[subprocess.Popen, list[int]]:
    """`winnow clean` on 11 pages, one of which hangs (time cap 60 s): returns once every other
    page is cleaned and the run can only wait, with the run's child processes. A tracked flow run
    on the Prefect server at `api_url`, if given."""
    raw = faulty_raw(tmp_path, pages=12)  # p005: exit, p011: segv, p023 (the hang) only with pages=24
    (raw / "p005.txt").write_text((raw / "p005.txt").read_text().replace("WINNOW-FAULT:exit ", "WINNOW-FAULT:hang "))
    (raw / "p011.txt").unlink()
    (tmp_path / "config.yaml").write_text("run:\n  workers: 2\n  batch_pages: 1\n  page_timeout_seconds: 60\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(WINNOW_TEST_FAULTS="1", PREFECT_HOME=str(tmp_path / ".prefect-home"))
    if api_url:
        env["PREFECT_API_URL"] = api_url
    run = subprocess.Popen([str(WINNOW), "clean", "raw", "--out", "out", "--config", "config.yaml"], cwd=tmp_path,
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while len(list((tmp_path / "out").glob(".staging/*/*-articles.jsonl*"))) < 10:  # all but the hanging page
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.1)
    return run, _children(run.pid)


@pytest.mark.parametrize("sent, code, said", [(signal.SIGTERM, 143, "terminated (SIGTERM)"),
                                              (signal.SIGINT, 130, "interrupted")])
def test_a_stopped_run_ends_at_once_says_so_and_leaves_no_process(tmp_path, sent, code, said):
    """SIGTERM ended the run's own process only: its cleaning processes stayed, one stuck in its
    page for good, the others waiting forever to send back their batch. Ctrl-C exited 130
    without a word (typer swallowed the message)."""
    run, workers = _start_stuck_run(tmp_path)
    assert workers
    stopped = time.monotonic()
    run.send_signal(sent)
    _, stderr = run.communicate(timeout=30)
    assert run.returncode == code, stderr
    assert time.monotonic() - stopped < 10  # the hanging page is not waited for (60 s)
    assert f"{said}: the next run finishes or redoes what this one left unfinished" in stderr
    assert "Traceback" not in stderr
    assert all(process_gone(pid, 5) for pid in workers)
    assert not (tmp_path / "out" / "articles").exists()  # nothing of the stopped run was published
    report = clean_pass(Settings(), tmp_path / "raw", tmp_path / "out")  # faults off here: the next run completes
    assert report["articles"] == 11
    check_feed(tmp_path / "out", tmp_path / "raw")


@pytest.mark.prefect
def test_a_stopped_flow_run_ends_at_once_and_cancels_its_batch(tmp_path, prefect_server):
    """The flow's batch tasks waited for a process of the pool that was shut down: the stopped flow
    run never ended (and a failed one neither)."""
    run, children = _start_stuck_run(tmp_path, api_url=prefect_server)
    stopped = time.monotonic()
    run.send_signal(signal.SIGTERM)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == 143, stderr
    assert time.monotonic() - stopped < 15
    assert "Finished in state Cancelled('the run stopped while this batch was being cleaned')" in stderr
    assert "terminated (SIGTERM): the next run finishes or redoes" in stderr and "Traceback" not in stderr
    assert all(process_gone(pid, 5) for pid in children)


def test_the_cleaning_processes_end_when_the_run_is_killed(tmp_path):
    """After a SIGKILL (the OOM killer, `kill -9`) nobody is left to stop them: they end themselves."""
    run, workers = _start_stuck_run(tmp_path)
    run.kill()
    run.communicate(timeout=30)
    assert all(process_gone(pid, 5) for pid in workers)


def _specs(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_text("A title\n\n" + "The harbour ferry now leaves twenty minutes earlier. " * 8)
    run = {"run_id": "r", "pipeline_version": "t", "config_sha256": "c"}
    good = replace(spec_template(Settings(), raw, tmp_path / "clean", tmp_path / "staging", run, False),
                   index=0, files=(("page.txt", 0, None, 1),))
    (tmp_path / "a-file").write_text("")
    broken = replace(good, staging=str(tmp_path / "a-file" / "staging"))  # its part cannot be written
    return good, broken


def _in_thread(call):
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(_outcome(call)), daemon=True)
    thread.start()
    thread.join(20)
    assert not thread.is_alive(), "still waiting for a cleaning process after 20 s"
    return outcome[0]


def _outcome(call):
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - the outcome under test
        return exc


def test_a_failed_batch_gives_its_process_back_to_the_batches_waiting(tmp_path):
    """In the Prefect flow each batch task waits for a process of the pool: a batch that failed kept
    its process, so with every process lost the other tasks waited forever and the failed flow run
    never ended."""
    good, broken = _specs(tmp_path)
    with BatchPool(1) as pool:
        assert isinstance(_in_thread(lambda: pool.run(broken)), NotADirectoryError)
        assert _in_thread(lambda: pool.run(good)).pages == 1


def test_a_batch_waiting_for_a_stopped_pool_is_told_at_once(tmp_path):
    good, _ = _specs(tmp_path)
    pool = BatchPool(1)
    pool.kill()
    pool.shutdown()
    assert isinstance(_in_thread(lambda: pool.run(good)), PoolStopped)


def test_a_sigterm_to_one_cleaning_process_costs_only_its_page(tmp_path):
    """The forked cleaning processes inherited the run's SIGTERM handler: a SIGTERM sent to one of
    them (by hand, or by a tool that picks processes) stopped the whole run."""
    raw = faulty_raw(tmp_path, pages=12)
    (raw / "p005.txt").write_text((raw / "p005.txt").read_text().replace("WINNOW-FAULT:exit ", "WINNOW-FAULT:term "))
    (raw / "p011.txt").unlink()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(WINNOW_TEST_FAULTS="1", PREFECT_HOME=str(tmp_path / ".prefect-home"))
    result = subprocess.run([str(WINNOW), "clean", "raw", "--out", "out", "--workers", "2"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    check_feed(tmp_path / "out", raw)
    [rejected] = read_feed(tmp_path / "out", "rejected")
    assert rejected["provenance"]["source"] == "p005.txt" and rejected["reason"] == "worker_crash"
    assert rejected["detail"] == "p005.txt: the cleaning process died while cleaning this page (killed by signal SIGTERM)"


def test_a_cleaning_process_killed_while_idle_costs_no_batch(tmp_path):
    """A process killed between batches (the OOM killer, `kill`) failed the next batch given to it,
    and with it the run: "a cleaning process died outside any page". It is run again, once, in a
    new process."""
    good, _ = _specs(tmp_path)
    with BatchPool(1) as pool:
        assert _in_thread(lambda: pool.run(good)).pages == 1  # the process is up, and idle again
        [process] = pool.workers[0].executor._processes.values()
        os.kill(process.pid, signal.SIGKILL)
        assert process_gone(process.pid, 5)
        again = _in_thread(lambda: pool.run(replace(good, index=1)))
        assert not isinstance(again, Exception), again
        assert again.pages == 1 and again.index == 1
