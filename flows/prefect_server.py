"""The temporary Prefect server of a tracked `winnow clean` run when no server is configured.

Prefect would start one itself on the run's first API call (its SubprocessASGIServer), after the
CLI has imported Prefect and Prefect's server module (2.5 s). The CLI starts the same server
process before it imports anything of Prefect, so the server boots (3.5 s; 10 s when it first
migrates a new database) while this process imports, and stops it when the run ends. Nothing
here imports Prefect.
"""
from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# A new database is migrated on the first start; on a loaded machine that outlasts Prefect's own
# 20 s limit (PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, when set, is the limit instead).
STARTUP_SECONDS = 120
# Prefect's environment for its temporary server: no UI, marked as ephemeral (its services and
# its database settings follow from that).
EPHEMERAL_ENV = {"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}


class ServerError(RuntimeError):
    """The temporary server did not start."""


def healthy(api_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def answers(api_url: str) -> bool:
    """Whether any server answers at `api_url` (an HTTP error is an answer: the workspace URLs of
    Prefect Cloud have no /health), for a configured server that may be anywhere."""
    try:
        with urllib.request.urlopen(f"{api_url.rstrip('/')}/health", timeout=10):  # noqa: S310 - the user's URL
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):  # refused, unknown host, timed out; or not a URL
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def uvicorn_command(port: int) -> list[str]:
    """The command Prefect's SubprocessASGIServer runs (tests/test_prefect_server.py compares)."""
    spec = importlib.util.find_spec("prefect")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise ServerError("Prefect is not installed")
    app_dir = Path(list(spec.submodule_search_locations)[0]).parent
    return [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
            "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
            "--log-level", "error", "--lifespan", "on"]


def _die_with_parent() -> None:
    """In the server process (Linux): SIGTERM when the CLI dies, even by SIGKILL, so no server is left."""
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class TemporaryServer:
    """One Prefect API server on 127.0.0.1 for this process's run: `start` returns at once,
    `wait_ready` before the first API call. It is stopped at exit, after Prefect's own exit
    handlers (registered later, run first) have sent the run's last logs and events."""

    def __init__(self, process: subprocess.Popen, port: int):
        self.process, self.port = process, port
        self.api_url = f"http://127.0.0.1:{port}/api"

    @classmethod
    def start(cls) -> "TemporaryServer":
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(EPHEMERAL_ENV, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")  # as `winnow serve`
        process = subprocess.Popen(uvicorn_command(port), env=env, stdin=subprocess.DEVNULL,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)
        server = cls(process, port)
        atexit.register(server.stop)
        return server

    def wait_ready(self, timeout: float | None = None) -> None:
        limit = timeout or float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or STARTUP_SECONDS)
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ServerError(f"the temporary Prefect server on port {self.port} exited with code "
                                  f"{self.process.returncode} before it answered (its errors are above)")
            if healthy(self.api_url):
                return
            time.sleep(0.1)
        self.stop()
        raise ServerError(f"the temporary Prefect server did not answer within {limit:g} s "
                          "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS sets the limit)")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
