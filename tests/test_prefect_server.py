"""The temporary Prefect server `winnow clean --prefect` starts when no server is configured:
Prefect's own server command, started before Prefect is imported, the run tracked on it, and
nothing left running afterwards, not even when the CLI is killed."""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from flows.prefect_server import EPHEMERAL_ENV, ServerError, TemporaryServer, free_port, uvicorn_command
from tests.conftest import REPO, SEEDS_RAW, process_gone
from tests.test_run import read_feed

pytestmark = pytest.mark.prefect
WINNOW = str(Path(sys.executable).parent / "winnow")


def _client_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(home), DO_NOT_TRACK="1")
    return env


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_server_command_is_the_one_prefect_runs_for_its_temporary_server(monkeypatch):
    from prefect.server.api import server as prefect_server

    launched = {}

    def fake_popen(args, env=None, **kwargs):
        launched.update(args=args, env=env)
        return None

    monkeypatch.setattr(prefect_server.subprocess, "Popen", fake_popen)
    prefect_server.SubprocessASGIServer(port=8787)._run_uvicorn_command()
    assert launched["args"] == uvicorn_command(8787)
    assert {k: launched["env"][k] for k in EPHEMERAL_ENV} == EPHEMERAL_ENV


def test_a_tracked_run_without_a_configured_server_runs_on_a_temporary_one_and_stops_it(tmp_path):
    result = subprocess.run([WINNOW, "clean", str(SEEDS_RAW), "--out", str(tmp_path / "out"), "--prefect"],
                            capture_output=True, text=True, env=_client_env(tmp_path / "home"), timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "tracked Prefect flow run" in result.stderr
    assert len(read_feed(tmp_path / "out", "articles")) == 5
    port = int(re.search(r"temporary Prefect server on http://127\.0\.0\.1:(\d+)/api", result.stderr).group(1))
    assert not _listening(port)
    with sqlite3.connect(tmp_path / "home" / "prefect.db") as db:  # the server's own database
        runs = db.execute("SELECT state_type FROM flow_run").fetchall()
    assert runs == [("COMPLETED",)]
    assert "View at" not in result.stderr  # the temporary server serves no UI


def test_a_quiet_tracked_run_prints_no_prefect_logs_and_still_sends_them_to_the_server(tmp_path):
    result = subprocess.run([WINNOW, "clean", str(SEEDS_RAW), "--out", str(tmp_path / "out"), "--prefect", "--quiet"],
                            capture_output=True, text=True, env=_client_env(tmp_path / "home"), timeout=300,
                            cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # not Prefect's "Beginning flow run", "[1/1 batches]", "Finished in state"
    assert len(read_feed(tmp_path / "out", "articles")) == 5
    with sqlite3.connect(tmp_path / "home" / "prefect.db") as db:
        messages = [m for (m,) in db.execute("SELECT message FROM log")]
    assert any(m.startswith("[1/1 batches]") for m in messages), messages


def test_the_server_stops_when_the_process_that_started_it_is_killed(tmp_path):
    code = ("import time; from flows.prefect_server import TemporaryServer\n"
            "server = TemporaryServer.start(); print(server.process.pid, flush=True); time.sleep(120)")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=REPO,
                              env=_client_env(tmp_path / "home"))
    server_pid = int(parent.stdout.readline())
    assert not process_gone(server_pid)
    parent.kill()  # SIGKILL: no exit handler runs
    parent.wait()
    if not process_gone(server_pid, 30):
        os.kill(server_pid, signal.SIGKILL)
        pytest.fail("the temporary server outlived the process that started it")


def test_a_server_that_exits_before_it_answers_is_an_error_naming_its_exit_code():
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.exit(3)"])
    server = TemporaryServer(process, 9)
    with pytest.raises(ServerError, match="exited with code 3 before it answered"):
        server.wait_ready(timeout=30)


def test_a_configured_server_that_does_not_answer_is_a_config_error_naming_it(tmp_path):
    """PREFECT_API_URL pointing at nothing was reported as "unexpected failure: RuntimeError" with
    exit code 1; it is the user's configuration: exit code 2, and what to do about it."""
    port = free_port()  # nothing listens on it
    env = _client_env(tmp_path / "home") | {"PREFECT_API_URL": f"http://127.0.0.1:{port}/api"}
    result = subprocess.run([WINNOW, "clean", str(SEEDS_RAW), "--out", str(tmp_path / "out"), "--quiet"],
                            capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert f"Failed to reach API at http://127.0.0.1:{port}/api" in message
    assert "unset PREFECT_API_URL" in message and "unexpected failure" not in message
    assert "Traceback" not in result.stderr
