"""`winnow serve`: the cleaning flow as a Prefect deployment on the configured cron schedule.

Schedules need a real Prefect server (the temporary one has no scheduler). When none is
configured, a local server is started on 127.0.0.1 with its data under serve.home.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console

from .cli import prefect_api_configured
from .config import ConfigError, Settings
from .prefect_server import answers, healthy

STARTUP_SECONDS = 90  # a fresh database is migrated on the first start


def start_local_server(settings: Settings, console: Console) -> tuple[str, subprocess.Popen | None]:
    """The API URL of a local Prefect server, started here unless one already answers."""
    host, port = settings.serve.host, settings.serve.port
    api_url = f"http://{host}:{port}/api"
    if healthy(api_url):
        console.print(f"Using the Prefect server already running at {api_url}")
        return api_url, None
    if _in_use(host, port):
        raise ConfigError(f"{host}:{port} is in use by another program, not a Prefect server that answers: stop it, or "
                          "set serve.port in config.yaml to a free port")
    home = settings.serve.home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"}
    env.pop("PREFECT_API_URL", None)
    log = open(home / "server.log", "ab")
    console.print(f"Starting a local Prefect server on {host}:{port} (data in {home}, log in {home / 'server.log'}) ...")
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {server.returncode}; see {home / 'server.log'}")
        if healthy(api_url):
            return api_url, server
        time.sleep(0.5)
    server.terminate()
    raise RuntimeError(f"the Prefect server did not answer within {STARTUP_SECONDS} s; see {home / 'server.log'}")


def _in_use(host: str, port: int) -> bool:
    """Whether something listens on the port (the server would exit at once, its reason in its log)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does: TIME_WAIT is no obstacle
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def _stop(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def serve_schedule(settings: Settings, raw_dir: Path, clean_dir: Path, console: Console) -> None:
    server = None
    signal.signal(signal.SIGTERM, _stop)  # so that the server we started is stopped with us
    if not prefect_api_configured():
        api_url, server = start_local_server(settings, console)
        os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported: it reads settings once
        console.print(f"Prefect UI: {api_url.removesuffix('/api')}")
    else:
        from prefect.settings import PREFECT_API_URL

        api_url = str(PREFECT_API_URL.value() or "")
        if api_url and not answers(api_url):  # else serve() fails later with a bare ConnectError
            raise ConfigError(f"PREFECT_API_URL {api_url}: no Prefect server answers there. Start it or point "
                              "PREFECT_API_URL at a running one; unset it and winnow serve starts a local server")
        console.print("Using the Prefect server of PREFECT_API_URL / the active Prefect profile")
    from prefect.schedules import Cron

    from .clean import flow_for

    flow = flow_for(settings)  # on Dask, local workers inherit the PREFECT_API_URL set above
    schedule = settings.schedule
    console.print(f"Serving deployment winnow-clean/{schedule.deployment} on cron '{schedule.cron}' ({schedule.timezone}); "
                  f"raw {raw_dir} -> {clean_dir}. Ctrl-C stops.")
    try:
        flow.serve(
            name=schedule.deployment,
            schedules=[Cron(schedule.cron, timezone=schedule.timezone)],
            parameters={"raw_dir": str(raw_dir), "clean_dir": str(clean_dir),
                        "settings": settings.model_dump(mode="json")},
            pause_on_shutdown=False,
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
