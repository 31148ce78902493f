"""The Prefect flow: the cleaning pass of flows/run.py with one Prefect task per batch; table
artifacts of outcomes and of removals per step and reason, a markdown summary and a link to the
HTML run report; the libraries' warnings in the flow run's log. Importable for custom deployments:

    from flows.clean import clean_flow, run_clean_flow

Where the batches run (run.runner in the config):
- process (default): each batch task hands its batch to a pool of run.workers processes that
  the flow owns (flows.run.BatchPool, spawned, one process even with one worker). The pool's
  processes import neither Prefect nor a Prefect client, so no worker starts a temporary
  Prefect server of its own; a page that kills or hangs its process costs the task nothing but
  that page (rejected as worker_crash or timeout).
- dask: the flow's task runner is prefect-dask's DaskTaskRunner; batch tasks run on the
  cluster at run.dask_address, or on a local cluster of run.workers processes. Dask workers
  run Prefect's task engine, so they need a Prefect server they can reach (see
  `prefect_api_for_workers`). Batches return signatures, not pages: deduplication and the
  state database stay in the flow's process.
"""
from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import queue
import socket
import threading
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any, Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.logging.handlers import APILogHandler
from prefect.states import Cancelled

from .config import ConfigError, Settings
from .run import (
    LIBRARY_LOGGERS, BatchManifest, BatchPool, BatchSpec, BatchSpecs, PoolStopped, clean_batch, clean_pass, spawned_pool,
    take_prestarted, warm_up, worker_count,
)

_PROCESS_POOL: BatchPool | None = None  # the flow's pool while a process-runner flow runs


@task(name="clean-batch", cache_policy=NO_CACHE)
def clean_batch_task(spec: BatchSpec) -> BatchManifest:
    """One batch of files; writes its staged parts itself and returns a small manifest. Runs in the
    flow's process pool when there is one, else where Prefect's task runner put it (a Dask worker),
    in that worker's own pool."""
    pool = _PROCESS_POOL or _dask_worker_pool()
    if pool is None:
        _warn_daemonic_once()
        return clean_batch(spec)
    try:
        return pool.run(spec)
    except PoolStopped as exc:  # the flow run is stopping (interrupted, or another batch failed)
        return Cancelled(message=str(exc))


_WORKER_POOL: BatchPool | None = None  # a Dask worker process's cleaning processes
_DAEMONIC_WARNED = False
_WORKER_POOL_LOCK = threading.Lock()


def _dask_worker_pool() -> BatchPool | None:
    """A Dask worker's own cleaning processes, one per worker thread, started with its first batch:
    a page that kills or hangs its process then costs that page (worker_crash, timeout), as in the
    process pool, and the memory cap holds. Without them the page takes the worker down, and Dask
    retries the batch on other workers until it fails the run. None in a daemonic worker, which
    cannot start processes (a nanny's worker unless distributed.worker.daemon is False: README)."""
    global _WORKER_POOL
    with _WORKER_POOL_LOCK:
        if _WORKER_POOL is None and not multiprocessing.current_process().daemon:
            _WORKER_POOL = spawned_pool(_dask_worker_threads())
            # a worker process ends by joining its children (multiprocessing's exit function): the
            # pool is shut down first, before the finalizers (priority 10) that stop its queues'
            # feeder threads, or its processes never get the word, the nanny kills the worker
            # after 4 s and they are left running
            multiprocessing.util.Finalize(None, _WORKER_POOL.shutdown, exitpriority=100)
        return _WORKER_POOL


def _warn_daemonic_once() -> None:
    global _DAEMONIC_WARNED
    if not _DAEMONIC_WARNED:
        _DAEMONIC_WARNED = True
        get_run_logger().warning(
            "this Dask worker is a daemonic process and cannot start cleaning processes: a page that crashes "
            "it fails its batch, and only the time cap holds. Start the workers with "
            "DASK_DISTRIBUTED__WORKER__DAEMON=False (README, 'Running on a Dask cluster')")


def _dask_worker_threads() -> int:
    try:
        from distributed import get_worker

        return max(1, get_worker().state.nthreads)
    except (ImportError, ValueError):  # not in a Dask worker
        return 1


# Batch tasks submitted and not yet finished, at most: a task holds its spec (its files) until it
# ends, so a run of a million files does not hold them all. Enough to keep a large Dask cluster busy.
TASKS_IN_FLIGHT = 256


def _map_as_tasks(specs: BatchSpecs) -> Iterator[BatchManifest]:
    upcoming, finished = iter(specs), queue.SimpleQueue()

    def submit(count: int) -> int:
        specs_taken = list(islice(upcoming, count))
        for spec in specs_taken:
            clean_batch_task.submit(spec).add_done_callback(finished.put)
        return len(specs_taken)

    # on the flow's own pool, a few batches waiting per process keep it busy while Prefect creates
    # the next task runs; more would only be more task runs to cancel when the run stops
    running = submit(TASKS_IN_FLIGHT if _PROCESS_POOL is None else 4 * len(_PROCESS_POOL.workers))
    if _PROCESS_POOL is not None:
        warm_up()  # for the report's samples, while the spawned workers start (they do not share it)
    while running:
        future = finished.get()  # in the order they finish: progress as it happens
        running += submit(1) - 1
        yield future.result()


@contextmanager
def _process_pool(workers: int) -> Iterator[None]:
    global _PROCESS_POOL
    if workers <= 0:  # on Dask: the batch tasks run on the cluster's workers
        yield
        return
    # spawned, not forked: a fork would copy Prefect's threads' locks and its API log handler into
    # the workers; a spawned worker imports only the cleaning code, no Prefect, no client, no server.
    # A pool even for one worker: a page that kills its process must not kill the flow run.
    with take_prestarted(workers) or spawned_pool(workers) as pool:
        _PROCESS_POOL = pool
        try:
            yield
        finally:
            _PROCESS_POOL = None


@flow(name="winnow-clean")
def clean_flow(
    raw_dir: str = "raw",
    clean_dir: str = "clean",
    settings: Settings | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Clean every new page under raw_dir into the feed under clean_dir."""
    settings = settings or Settings()
    logger = get_run_logger()
    on_dask = _task_runner_is_dask()
    if settings.run.runner == "dask" and not on_dask:
        raise ConfigError("run.runner is dask, but this flow run has no Dask task runner: start it with "
                          "flows.clean.run_clean_flow (winnow clean does) or flows.clean.flow_for(settings)")
    workers = 0 if on_dask else worker_count(settings)
    done = {"batches": 0, "pages": 0}

    def log_progress(manifest: BatchManifest, total: int) -> None:
        done["batches"] += 1
        done["pages"] += manifest.pages + manifest.skipped
        logger.info("[%d/%d batches] %d pages", done["batches"], total, done["pages"])

    with _process_pool(workers), _library_logs_to_run_log():
        report = clean_pass(settings, Path(raw_dir), Path(clean_dir), reprocess=reprocess,
                            map_batches=_map_as_tasks, on_batch=log_progress)
    publish_artifacts(report)
    logger.info(
        "run %s: %d records in, %d articles, %d rejected, %d skipped",
        report["run_id"], report["records_in"], report["articles"], report["rejected"],
        report["skipped_already_processed"],
    )
    return report


@contextmanager
def _library_logs_to_run_log() -> Iterator[None]:
    """Warnings of the cleaning code and its libraries reach the flow run's log in the Prefect UI:
    those of the flow's process, and those the workers send back with each batch (flows.pages)."""
    handler = APILogHandler()
    handler.setLevel(logging.INFO)
    loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def _task_runner_is_dask() -> bool:
    context = FlowRunContext.get()
    return context is not None and type(context.task_runner).__name__ == "DaskTaskRunner"


def flow_for(settings: Settings):
    """clean_flow on the task runner run.runner asks for (Prefect's default one for the process pool)."""
    if settings.run.runner != "dask":
        return clean_flow
    return clean_flow.with_options(task_runner=dask_task_runner(settings))


def dask_task_runner(settings: Settings):
    """prefect-dask's runner for run.dask_address, or a local cluster of run.workers processes."""
    from prefect_dask import DaskTaskRunner

    if settings.run.dask_address:
        return DaskTaskRunner(address=settings.run.dask_address)
    import dask

    # the local cluster's nannies start workers that may start processes (_dask_worker_pool)
    dask.config.set({"distributed.worker.daemon": False})
    # one thread per worker process: cleaning is CPU-bound Python, threads would share one GIL
    return DaskTaskRunner(cluster_kwargs={
        "n_workers": worker_count(settings), "threads_per_worker": 1, "processes": True,
        "dashboard_address": None,
    })


SCHEDULER_CHECK_SECONDS = 5.0


def check_scheduler(address: str) -> None:
    """Fail fast, as a config error, when nothing listens at the scheduler's address: the flow run
    would wait 30 s for it, then crash with a traceback."""
    scheme, _, rest = address.rpartition("://")
    if scheme not in ("", "tcp", "tls"):
        return  # another transport: Dask reports on it itself
    host, _, port = rest.rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=SCHEDULER_CHECK_SECONDS).close()
    except OSError as exc:
        cause = exc.strerror or type(exc).__name__
        raise ConfigError(f"run.dask_address {address}: no Dask scheduler answers there ({cause}); start the "
                          "cluster's scheduler, or leave run.dask_address empty for a local cluster") from None


@contextmanager
def prefect_api_for_workers(settings: Settings) -> Iterator[None]:
    """Make the Prefect server this process uses reachable by Dask workers. A worker process that
    finds no PREFECT_API_URL would start a temporary server of its own (seconds each, and its
    records lost at exit). Workers of a local cluster inherit this process's environment, so the
    URL is exported there; with no server configured, one temporary server is started for all."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    configured = PREFECT_API_URL.value()  # from the active profile, or a test harness
    if not configured and settings.run.dask_address:
        raise ConfigError("run.dask_address: the workers of an existing Dask cluster need a Prefect server "
                          "they can reach; set PREFECT_API_URL (see README, 'Running on a Dask cluster')")
    if not configured:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer()  # stopped by Prefect's own exit hook
        server.start()
        configured = server.api_url
    os.environ["PREFECT_API_URL"] = configured
    try:
        with temporary_settings(updates={PREFECT_API_URL: configured}):
            yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def run_clean_flow(settings: Settings, raw_dir: Path, clean_dir: Path, *, reprocess: bool = False,
                   return_state: bool = False, temporary_server: bool = False) -> Any:
    """Run clean_flow as a tracked flow run, on the task runner run.runner asks for.
    `temporary_server`: the configured server dies with this process (the CLI's own)."""
    kwargs = {"raw_dir": str(raw_dir), "clean_dir": str(clean_dir), "settings": settings,
              "reprocess": reprocess, "return_state": return_state}
    with _temporary_server_settings(temporary_server):
        if settings.run.runner != "dask":
            return clean_flow(**kwargs)
        with prefect_api_for_workers(settings):
            if settings.run.dask_address:
                check_scheduler(settings.run.dask_address)
            return flow_for(settings)(**kwargs)


@contextmanager
def _temporary_server_settings(temporary_server: bool = False) -> Iterator[None]:
    """With no server configured, Prefect starts a temporary one for the run (the CLI starts its
    own: `temporary_server`). Heartbeats (which let a server mark crashed runs) are of no use on a
    server that dies with this process, and their thread costs about a second at the end of every
    run. Its first start migrates a new database, which on a loaded machine outlasts Prefect's 20 s
    start-up limit: the limit is raised, unless set by the user."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_FLOWS_HEARTBEAT_FREQUENCY,
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS,
        temporary_settings,
    )

    if PREFECT_API_URL.value() and not temporary_server:
        yield
        return
    updates: dict[Any, Any] = {PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}
    if not temporary_server and "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" not in os.environ:
        updates[PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS] = 120
    with temporary_settings(updates=updates):
        yield


def publish_artifacts(report: dict[str, Any]) -> None:
    """The run's outcome where a Prefect UI user looks: tables of outcomes and of removals per step
    and reason, a markdown summary, and a link to the HTML run report."""
    run_id = report["run_id"]
    rows = [{"outcome": "article", "reason": "", "records": report["articles"]}]
    rows += [{"outcome": "rejected", "reason": r, "records": n} for r, n in report["rejected_by_reason"].items()]
    rows += [{"outcome": "skipped", "reason": "already_processed", "records": report["skipped_already_processed"]}]
    create_table_artifact(key="winnow-outcomes", table=rows, description=f"Outcomes of run {run_id}")
    removals = report.get("removed_by_step_reason") or []
    if removals:
        create_table_artifact(key="winnow-removals", table=removals,
                              description=f"Removals per step and reason in run {run_id}: spans, pages, characters")
    html_report = report.get("html_report")
    if html_report:
        create_link_artifact(key="winnow-report", link=Path(html_report).resolve().as_uri(),
                             link_text=f"HTML report of run {run_id}",
                             description="Counts, charts, slowest pages, and sample pages with their removals marked")
    create_markdown_artifact(key="winnow-summary", markdown=summary_markdown(report), description="Winnow run summary")


def summary_markdown(report: dict[str, Any]) -> str:
    lines = [
        f"# Winnow run {report['run_id']}", "",
        f"- records in: {report['records_in']}", f"- articles: {report['articles']}",
        f"- rejected: {report['rejected']}", f"- skipped (already processed): {report['skipped_already_processed']}",
        f"- time: {report['seconds']} s", f"- run report: `{report['clean_dir']}/runs/{report['run_id']}.json`",
    ]
    if report.get("html_report"):
        lines.append(f"- HTML report: [{report['run_id']}.html]({Path(report['html_report']).resolve().as_uri()})")
    top = (report.get("removed_by_step_reason") or [])[:10]
    if top:
        lines += ["", "| step | reason | spans | pages | characters |", "|---|---|---|---|---|"]
        lines += [f"| {r['step']} | {r['reason']} | {r['spans']} | {r['pages']} | {r['chars']} |" for r in top]
    return "\n".join(lines) + "\n"
