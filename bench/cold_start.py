"""Wall time of `winnow clean` on the five seed pages, each run a fresh process and a fresh
output folder (cold: nothing processed before): in direct mode (no Prefect server configured), and
as a tracked flow run with `--prefect` on the temporary Prefect server the CLI starts: with a fresh
PREFECT_HOME (the server's start and its database's first migration included), and with a
PREFECT_HOME whose database an earlier run made (a user's next run); and on a Prefect server that is
already running (PREFECT_API_URL set: what a deployment with its own server pays per run).

    .venv/bin/python -m bench.cold_start [--runs 7] [--raw raw/seeds]

Prints a table and the command line that reproduces it. Not part of CI.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def time_once(winnow: Path, raw: Path, env: dict[str, str], prefect: bool, home: str | None = None) -> float:
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as fresh_home:
        started = time.perf_counter()
        subprocess.run([str(winnow), "clean", str(raw), "--out", out, "--quiet"] + (["--prefect"] if prefect else []),
                       check=True, env={**env, "PREFECT_HOME": home or fresh_home}, capture_output=True)
        return time.perf_counter() - started


def time_runs(winnow: Path, raw: Path, env: dict[str, str], runs: int, prefect: bool, home: str) -> list[float]:
    if home == "fresh":
        return [time_once(winnow, raw, env, prefect) for _ in range(runs)]
    if home == "server":
        return time_on_running_server(winnow, raw, env, runs)
    with tempfile.TemporaryDirectory() as reused:
        time_once(winnow, raw, env, prefect, reused)  # makes and migrates the database
        return [time_once(winnow, raw, env, prefect, reused) for _ in range(runs)]


def time_on_running_server(winnow: Path, raw: Path, env: dict[str, str], runs: int) -> list[float]:
    from flows.prefect_server import TemporaryServer

    with tempfile.TemporaryDirectory() as server_home:
        saved = dict(os.environ)
        os.environ.update(env, PREFECT_HOME=server_home)
        server = TemporaryServer.start()
        os.environ.clear()
        os.environ.update(saved)
        try:
            server.wait_ready()
            on_server = {**env, "PREFECT_API_URL": server.api_url}
            time_once(winnow, raw, on_server, True)  # the server's first flow run registers the flow
            return [time_once(winnow, raw, on_server, True) for _ in range(runs)]
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--raw", type=Path, default=REPO / "raw" / "seeds")
    parser.add_argument("--direct-only", action="store_true", help="skip the --prefect runs")
    args = parser.parse_args()
    winnow = Path(sys.executable).parent / "winnow"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false")
    pages = sum(1 for p in args.raw.rglob("*") if p.is_file())
    print("| what | runs | median s | min s | max s |\n|---|---|---|---|---|")
    for prefect, home, what in (
        (False, "fresh", "direct mode (no Prefect server configured)"),
        (True, "fresh", "--prefect: tracked flow run on a temporary Prefect server, fresh PREFECT_HOME"),
        (True, "reused", "--prefect: tracked flow run on a temporary Prefect server, PREFECT_HOME of an earlier run"),
        (True, "server", "tracked flow run on a Prefect server already running (PREFECT_API_URL set)"),
    ):
        if prefect and args.direct_only:
            continue
        times = time_runs(winnow, args.raw, env, args.runs, prefect, home)
        print(f"| winnow clean, {pages} pages, cold, {what} | {args.runs} | {statistics.median(times):.2f} "
              f"| {min(times):.2f} | {max(times):.2f} |")
    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"command: .venv/bin/python -m bench.cold_start --runs {args.runs} --raw {args.raw}"
          + (" --direct-only" if args.direct_only else ""))


if __name__ == "__main__":
    main()
