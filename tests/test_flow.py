"""The Prefect flow as a tracked flow run, under Prefect's test harness (a temporary server)."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO, SEEDS_RAW, process_gone
from tests.test_run import read_feed

pytestmark = pytest.mark.prefect


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory):
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.settings import PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings
    from prefect.testing.utilities import prefect_test_harness

    # Heartbeats add a second to every flow run and are of no use in a test.
    with temporary_settings(updates={PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
        with prefect_test_harness(server_startup_timeout=120):
            yield PREFECT_API_URL.value()


def test_flow_run_cleans_the_seeds_and_publishes_artifacts(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.clean import clean_flow
    from flows.config import Settings

    state = clean_flow(raw_dir=str(SEEDS_RAW), clean_dir=str(tmp_path / "out"), settings=Settings(), return_state=True)
    assert state.is_completed()
    report = state.result()
    assert (report["records_in"], report["articles"]) == (5, 5)
    assert len(read_feed(tmp_path / "out", "articles")) == 5

    flow_run_id = state.state_details.flow_run_id
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs()
        artifacts = client.read_artifacts()
    batch_runs = [t for t in task_runs if t.flow_run_id == flow_run_id and t.name.startswith("clean-batch")]
    assert len(batch_runs) == report["batches"] == 1
    mine = {a.key: a for a in artifacts if a.flow_run_id == flow_run_id}
    assert {"winnow-outcomes", "winnow-removals", "winnow-summary", "winnow-report"} <= set(mine)
    table = mine["winnow-removals"].data
    rows = json.loads(table) if isinstance(table, str) else table  # the API returns a table as JSON text
    removals = {(row["step"], row["reason"]): row["spans"] for row in rows}
    assert removals[("spam", "spam:gambling_line")] == 2 and removals[("comments", "comment:duplicate")] == 1
    html_report = Path(report["html_report"])
    assert html_report.is_file()
    assert html_report.resolve().as_uri() in mine["winnow-report"].data
    assert "HTML report" in mine["winnow-summary"].data and "spam:gambling_line" in mine["winnow-summary"].data
    # progress reaches the run's log in the Prefect UI
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    APILogWorker.drain_all()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[flow_run_id])))
    assert any("[1/1 batches] 5 pages" in log.message for log in logs)


def test_library_warnings_from_the_workers_reach_the_flow_run_log(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import LogFilter, LogFilterFlowRunId
    from prefect.logging.handlers import APILogWorker

    from flows.clean import clean_flow
    from flows.config import Settings

    raw = tmp_path / "raw"
    raw.mkdir()
    # deeper than libxml2 can nest: cleaners.html warns, in a worker process, and parses it flattened
    (raw / "deep.html").write_text("<html><body>" + "<div>" * 3000 + "<p>" + "A deep article sentence. " * 30
                                   + "</p></body></html>")
    state = clean_flow(raw_dir=str(raw), clean_dir=str(tmp_path / "out"), settings=Settings(), return_state=True)
    assert state.is_completed() and state.result()["articles"] == 1
    APILogWorker.drain_all()
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=[state.state_details.flow_run_id])))
    assert any(log.message.startswith("deep.html: warning from cleaners.html: markup nested deeper")
               for log in logs), [log.message for log in logs]


def test_cli_runs_a_tracked_flow_when_a_server_is_configured(prefect_server, tmp_path):
    env = {**os.environ, "PREFECT_API_URL": prefect_server}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "winnow"), "clean", str(REPO / "raw"), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "tracked Prefect flow run" in result.stderr
    assert len(read_feed(tmp_path / "out", "articles")) == 9


def _records_without_run_id(clean_dir):
    from tests.test_run import read_feed

    records = read_feed(clean_dir, "articles") + read_feed(clean_dir, "rejected")
    for record in records:
        record["provenance"].pop("run_id")
    return sorted(records, key=lambda r: r["id"])


def test_flow_on_a_local_two_worker_dask_cluster_writes_what_the_process_pool_writes(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client

    from flows.clean import run_clean_flow
    from flows.config import Settings
    from tests.test_run import sample_raw

    raw = sample_raw(tmp_path)
    pool = Settings.model_validate({"run": {"workers": 2, "batch_pages": 3}})
    dask = Settings.model_validate({"run": {"workers": 2, "batch_pages": 3, "runner": "dask"}})
    pool_report = run_clean_flow(pool, raw, tmp_path / "pool")
    state = run_clean_flow(dask, raw, tmp_path / "dask", return_state=True)
    assert state.is_completed()
    report = state.result()
    assert report["runner"] == "dask" and report["batches"] == pool_report["batches"] >= 4
    assert _records_without_run_id(tmp_path / "dask") == _records_without_run_id(tmp_path / "pool")
    assert len(_records_without_run_id(tmp_path / "dask")) == report["records_in"] == 13
    with get_client(sync_client=True) as client:
        task_runs = client.read_task_runs()
    batch_runs = [t for t in task_runs if t.flow_run_id == state.state_details.flow_run_id]
    assert len(batch_runs) == report["batches"] and all(t.state.is_completed() for t in batch_runs)
    # the tracked flow ran the batches on the harness's server: no worker started a server of its own
    assert "PREFECT_API_URL" not in os.environ


def test_a_dask_flow_without_a_dask_task_runner_is_refused(prefect_server, tmp_path):
    from flows.clean import clean_flow
    from flows.config import ConfigError, Settings

    settings = Settings.model_validate({"run": {"runner": "dask"}})
    with pytest.raises(ConfigError, match="no Dask task runner"):
        clean_flow(raw_dir=str(SEEDS_RAW), clean_dir=str(tmp_path / "out"), settings=settings)


def _prefect_is_imported() -> bool:
    return "prefect" in sys.modules


def test_the_flows_worker_processes_run_no_prefect(prefect_server):
    # a worker process with Prefect and no server address would start a temporary server of its own
    import flows.clean as clean

    with clean._process_pool(2):
        assert clean._PROCESS_POOL.submit(_prefect_is_imported).result() is False
    assert clean._PROCESS_POOL is None


def test_the_flow_cleans_in_the_process_pool_the_cli_started_while_the_server_booted(prefect_server, tmp_path,
                                                                                    monkeypatch):
    import flows.clean as clean
    import flows.run as run
    from flows.config import Settings

    settings = Settings.model_validate({"run": {"workers": 1}})
    run.prestart_spawned_pool(1)
    pool = run._PRESTARTED
    first = pool.workers[0].process
    assert first is not None and first.is_alive()  # started before any flow ran
    monkeypatch.setattr(clean, "spawned_pool", lambda workers: pytest.fail("the flow made a pool of its own"))
    report = clean.run_clean_flow(settings, SEEDS_RAW, tmp_path / "out")
    assert report["articles"] == 5 and run._PRESTARTED is None
    assert pool.workers[0].process is first and process_gone(first.pid, 15)  # cleaned the batch, shut down with the flow


def test_a_prestarted_pool_no_flow_took_is_shut_down():
    import flows.run as run

    run.prestart_spawned_pool(2)
    process = run._PRESTARTED.workers[0].process
    run.discard_prestarted()
    assert run._PRESTARTED is None and process_gone(process.pid, 15)
