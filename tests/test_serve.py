"""`winnow serve` with no Prefect server configured: it starts a local one, creates the
deployment with the configured cron schedule, and a triggered run writes the feed."""
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS_RAW
from tests.test_run import read_feed

pytestmark = pytest.mark.prefect
CRON = "17 4 * * 2"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    port = free_port()
    (tmp_path / "config.yaml").write_text(
        f"paths:\n  raw: {SEEDS_RAW}\n  clean: {tmp_path / 'out'}\n"
        f"schedule:\n  cron: '{CRON}'\n  deployment: test-nightly\n"
        f"serve:\n  port: {port}\n  home: {tmp_path / 'prefect'}\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["PREFECT_HOME"] = str(tmp_path / "client-home")  # no profile pointing at another server
    env["PREFECT_RUNNER_POLL_FREQUENCY"] = "2"  # pick up the triggered run sooner than the default 10 s
    log = open(tmp_path / "serve.log", "wb")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "winnow"), "serve"], cwd=tmp_path, env=env,
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    yield f"http://127.0.0.1:{port}/api", tmp_path, proc
    if proc.poll() is None:
        proc.terminate()  # serve stops the server it started
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the server and any flow-run process with it
    except ProcessLookupError:
        pass


def _deployment(client, name, deadline):
    from prefect.exceptions import ObjectNotFound

    while time.monotonic() < deadline:
        try:
            return client.read_deployment_by_name(name)
        except (ObjectNotFound, OSError, Exception):  # the server may still be starting
            time.sleep(1)
    raise AssertionError("the deployment never appeared")


def test_serve_creates_the_scheduled_deployment_and_a_triggered_run_writes_the_feed(served):
    api_url, folder, proc = served
    from prefect.client.orchestration import get_client
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + 180
    with temporary_settings(updates={PREFECT_API_URL: api_url}):
        with get_client(sync_client=True) as client:
            deployment = _deployment(client, "winnow-clean/test-nightly", deadline)
        assert proc.poll() is None, (folder / "serve.log").read_text()
        assert [s.schedule.cron for s in deployment.schedules] == [CRON]
        assert all(s.active for s in deployment.schedules)
        flow_run = run_deployment(name="winnow-clean/test-nightly", timeout=240)
        with get_client(sync_client=True) as client:
            scheduled = _scheduled_runs(client, deployment.id, deadline)
    assert flow_run.state.is_completed(), (folder / "serve.log").read_text()[-3000:]
    assert len(read_feed(folder / "out", "articles")) == 5
    log = (folder / "serve.log").read_text()
    assert "Prefect UI: http://127.0.0.1:" in log
    assert (folder / "prefect" / "prefect.db").exists()  # the server keeps its data under serve.home
    # the server's scheduler fills the schedule: runs at 04:17 on Tuesdays
    assert scheduled and all((r.expected_start_time.hour, r.expected_start_time.minute,
                              r.expected_start_time.isoweekday()) == (4, 17, 2) for r in scheduled)


def _scheduled_runs(client, deployment_id, deadline):
    from prefect.client.schemas.filters import (
        DeploymentFilter, DeploymentFilterId, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType)
    from prefect.client.schemas.objects import StateType

    while time.monotonic() < deadline:
        runs = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED]))),
        )
        if runs:
            return runs
        time.sleep(1)
    return []


def test_serve_with_a_configured_server_that_does_not_answer_is_a_config_error(tmp_path):
    """It printed "Serving deployment …" and then "unexpected failure: ConnectError: All connection
    attempts failed" with exit code 1."""
    port = free_port()  # nothing listens there
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL=f"http://127.0.0.1:{port}/api")
    result = subprocess.run([str(Path(sys.executable).parent / "winnow"), "serve"], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"PREFECT_API_URL http://127.0.0.1:{port}/api: no Prefect server answers there" in message
    assert "Serving deployment" not in message and "unexpected failure" not in message


def test_a_server_that_answers_with_an_http_error_is_taken_as_there():
    """Prefect Cloud's workspace URLs have no /health: an HTTP error is still an answer."""
    import http.server
    import threading

    from flows.prefect_server import answers

    server = http.server.HTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)  # 501 to every GET
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert answers(f"http://127.0.0.1:{server.server_address[1]}/api/accounts/a/workspaces/w")
    finally:
        server.shutdown()
    assert not answers(f"http://127.0.0.1:{free_port()}/api")


def test_serve_on_a_port_another_program_holds_is_a_config_error(tmp_path):
    """It printed "the Prefect server exited with code 1; see …/server.log" (exit 1): the reason was
    in the log only."""
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        (tmp_path / "config.yaml").write_text(f"serve:\n  port: {port}\n  home: {tmp_path / 'home'}\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
        result = subprocess.run([str(Path(sys.executable).parent / "winnow"), "serve"], capture_output=True, text=True,
                                env=env, cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"127.0.0.1:{port} is in use by another program" in message and "serve.port" in message
