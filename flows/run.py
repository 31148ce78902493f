"""One cleaning pass: recover -> list and batch the inputs (listing.py) -> clean (in parallel) -> commit -> publish -> report.

This is the body of the Prefect flow (flows/clean.py). It does not import Prefect, so a
one-off `winnow clean` runs the same code without paying for orchestration; the flow
passes its own `map_batches` to run each batch as a Prefect task instead.

Per-page bounds: a page is cleaned under a time cap (run.page_timeout_seconds, flows/deadline.py)
and, in the pool's processes, a memory cap (run.page_memory_mb: an allocation beyond it raises
MemoryError, and the page is rejected as `oom`). A page that kills its process (a crash in a C
library, the kernel's OOM killer) or hangs where the time cap cannot interrupt it costs only its
batch: `BatchPool` sees which page the process was on, runs the batch again with that page
rejected (`worker_crash`, `timeout`), and every other page gets the record it gets in a run
without the crash.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import resource
import shutil
import signal
import threading
import time
import uuid
from collections import Counter, deque
from contextlib import contextmanager
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import orjson

from cleaners import Cleaner, CleaningSettings
from cleaners.dedup import Signature, signature_of
from cleaners.document import Page, rejected_record

from .config import Settings
from .deadline import PageTimeout, page_deadline
from .dedup import DedupSummary, deduplicate
from .ledger import LEDGER, RunLedger
from .listing import PLAN, BatchPlan
from .locking import RunLock
from .sinks import (
    ARTICLES, REJECTED, RUNS, STAGING, PartWriter, append_to_manifest, crash_point, fsync_dir, part_name,
    path_or_none, publish, write_durable, write_json_atomic,
)
from .sources import InputFile, Unreadable, read_pages
from .state import SeenInputs, StateIndex, close_journal, open_journal, record_processed, state_path
from .tally import BatchTally, RunTally, tally_batches, tally_parts

_LOG = logging.getLogger("flows.run")

try:
    PIPELINE_VERSION = version("winnow")
except PackageNotFoundError:  # running from a source tree that was not installed
    PIPELINE_VERSION = "0.0.0+source"


@dataclass(frozen=True)
class BatchSpec:
    index: int
    raw_dir: str
    files: tuple[tuple[str, int, int | None, int], ...]  # (path, start byte, end byte, first line)
    staging: str
    cleaning: dict[str, Any]
    run: dict[str, str]
    state_db: str
    reprocess: bool
    max_input_bytes: int
    compress: bool
    page_timeout: float = 0.0
    page_memory_mb: int = 0  # address space a page may add to its pool process (0: no cap)
    # pages of the batch (by their number in it) that killed or hung a cleaning process in an
    # earlier attempt: rejected without being cleaned again, as (number, reason, detail); number -1:
    # the batch was run again once already because its process died outside any page
    failed: tuple[tuple[int, str, str], ...] = ()


@dataclass
class BatchManifest:
    """What a batch did; small, so it travels cheaply between processes and Prefect tasks."""

    index: int
    articles_part: str | None = None
    rejected_part: str | None = None
    # sha, source, outcome, reason, id of each page; the flow moves them to the run's ledger on arrival
    outcomes: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    pages: int = 0  # pages cleaned (outcomes)
    skipped: int = 0
    seconds: float = 0.0
    slowest: list[tuple[float, str]] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)  # of the articles, for the dedup step
    tally: BatchTally | None = None  # the report's counts of its parts' records (None: not counted)
    log: list[str] = field(default_factory=list)  # the libraries' warnings while it ran, with their page


# Set in a BatchPool process by its initializer: [number of the page being cleaned (-1: none),
# time.monotonic() when it started], in memory the pool's parent reads.
_SLOT: Any = None


# The cleaning code and the libraries it calls: their warnings while a batch is cleaned travel
# back in its manifest to the run's log (the Prefect flow run's log, or stderr), with their page.
LIBRARY_LOGGERS = ("cleaners", "flows", "trafilatura", "htmldate", "courlan", "justext", "readability")
BATCH_LOG_LINES = 50
PAGES_LOG = logging.getLogger("flows.pages")


class _BatchLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.lines: list[str] = []
        self.dropped = 0
        self.source = ""  # the page being cleaned

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.lines) < BATCH_LOG_LINES:
            self.lines.append(f"{self.source}: {record.levelname.lower()} from {record.name}: {record.getMessage()}")
        else:
            self.dropped += 1

    @contextmanager
    def capturing(self) -> Iterator["_BatchLog"]:
        loggers = [logging.getLogger(name) for name in LIBRARY_LOGGERS]
        propagate = [logger.propagate for logger in loggers]
        for logger in loggers:
            logger.addHandler(self)
            logger.propagate = False  # the parent logs them once, not each worker on its own
        try:
            yield self
        finally:
            for logger, saved in zip(loggers, propagate):
                logger.removeHandler(self)
                logger.propagate = saved

    def collected(self) -> list[str]:
        return self.lines + ([f"... and {self.dropped} more warnings in this batch"] if self.dropped else [])


def clean_batch(spec: BatchSpec) -> BatchManifest:
    """Clean every record of the batch's files into two staged parts (articles, rejected)."""
    log = _BatchLog()
    with log.capturing():
        manifest = _clean_batch(spec, log)
    manifest.log = log.collected()
    return manifest


def _clean_batch(spec: BatchSpec, log: _BatchLog) -> BatchManifest:
    started = time.perf_counter()
    cleaning = CleaningSettings.model_validate(spec.cleaning)
    cleaner = Cleaner(cleaning)
    seen = SeenInputs(Path(spec.state_db))
    staging = Path(spec.staging)
    articles = PartWriter(staging / f"{spec.index:05d}-articles", spec.compress)
    rejected = PartWriter(staging / f"{spec.index:05d}-rejected", spec.compress)
    manifest = BatchManifest(index=spec.index, tally=BatchTally())
    timings: list[tuple[float, str]] = []
    failed = {number: (reason, detail) for number, reason, detail in spec.failed}
    slot = _SLOT
    memory = _MemoryCap.open(spec.page_memory_mb) if slot is not None else None
    number = -1
    try:
        for rel, start, end, first_line in spec.files:
            file = InputFile(Path(spec.raw_dir) / rel, rel, 0, start, end, first_line)
            for item in read_pages(file, spec.max_input_bytes):
                number += 1
                if not spec.reprocess and item.sha256 and (item.sha256, item.source) in seen:
                    manifest.skipped += 1
                    continue
                page_started = time.perf_counter()
                log.source = item.source
                if number in failed:
                    kind, record = _failed_record(item, *failed[number], spec.run)
                elif slot is None:  # not in a BatchPool process (a Dask worker): no memory cap
                    kind, record = _record_of(item, cleaner, spec.run, spec.page_timeout)
                else:
                    if memory is not None:
                        memory.arm()
                    slot[1] = time.monotonic()
                    slot[0] = number
                    kind, record = _record_of(item, cleaner, spec.run, spec.page_timeout, spec.page_memory_mb)
                    slot[0] = -1
                    if memory is not None:
                        memory.disarm()  # reading the next record is not the page's
                timings.append((time.perf_counter() - page_started, item.source))
                (articles if kind == "article" else rejected).write(record)
                manifest.tally.add("articles" if kind == "article" else "rejected", record)
                if kind == "article" and cleaning.dedup.enabled:
                    manifest.signatures.append(signature_of(record, cleaning.dedup))
                manifest.outcomes.append((item.sha256, item.source, kind, record.get("reason"), record["id"]))
                manifest.pages += 1
    finally:
        if memory is not None:
            memory.close()
        seen.close()
        manifest.articles_part = path_or_none(articles.close())
        manifest.rejected_part = path_or_none(rejected.close())
    manifest.seconds = time.perf_counter() - started
    manifest.slowest = sorted(timings, reverse=True)[:5]
    return manifest


def _record_of(item: Page | Unreadable, cleaner: Cleaner, run: dict[str, str],
               timeout: float = 0.0, memory_mb: int = 0) -> tuple[str, dict[str, Any]]:
    if isinstance(item, Unreadable):
        page = Page(source=item.source, sha256=item.sha256, format=item.format, content="", content_type="text",
                    url=item.url, fetched_at=item.fetched_at)
        return "rejected", rejected_record(page, item.reason, item.detail, run)
    try:
        with page_deadline(timeout):
            if _FAULTS:
                _inject_fault(item)
            return cleaner.record(item, run)
    except PageTimeout:
        return "rejected", rejected_record(item, "timeout", timeout_detail(item.source, timeout), run)
    except MemoryError:
        cap = f"run.page_memory_mb ({memory_mb} MB)" if memory_mb else "the memory available"
        return "rejected", rejected_record(item, "oom", f"{item.source}: cleaning needed more memory than {cap}", run)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run; it is reported
        detail = f"{item.source}: cleaning failed: {type(exc).__name__}: {exc}"
        return "rejected", rejected_record(item, "error", detail, run)


def timeout_detail(source: str, timeout: float) -> str:
    return f"{source}: cleaning took longer than run.page_timeout_seconds ({timeout:g} s)"


def _failed_record(item: Page | Unreadable, reason: str, detail: str, run: dict[str, str]) -> tuple[str, dict[str, Any]]:
    if isinstance(item, Unreadable):  # not a page a process could have died on; kept as read
        return _record_of(item, None, run)  # type: ignore[arg-type]
    return "rejected", rejected_record(item, reason, f"{item.source}: {detail}", run)


class _MemoryCap:
    """The memory cap of a pool process's pages: before each page, the address space is capped at
    what the process uses then plus run.page_memory_mb (RLIMIT_AS), so an allocation beyond it
    raises MemoryError in the page that asked for it. 3 µs a page (a pread of /proc/self/statm
    and two setrlimit calls)."""

    def __init__(self, fd: int, extra: int):
        self.fd, self.extra = fd, extra
        self.hard = resource.getrlimit(resource.RLIMIT_AS)[1]
        self.page = resource.getpagesize()

    @classmethod
    def open(cls, megabytes: int) -> "_MemoryCap | None":
        if megabytes <= 0:
            return None
        try:
            return cls(os.open("/proc/self/statm", os.O_RDONLY), megabytes * 1024 * 1024)
        except OSError:  # no /proc (not Linux): no cap
            return None

    def arm(self) -> None:
        cap = int(os.pread(self.fd, 64, 0).split(None, 1)[0]) * self.page + self.extra
        if self.hard != resource.RLIM_INFINITY:
            cap = min(cap, self.hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, self.hard))

    def disarm(self) -> None:
        resource.setrlimit(resource.RLIMIT_AS, (self.hard, self.hard))

    def close(self) -> None:
        self.disarm()
        os.close(self.fd)


# Test hook: with WINNOW_TEST_FAULTS=1, a page whose content holds "WINNOW-FAULT:<kind>" misbehaves
# as it is cleaned, in whatever process cleans it (forked or spawned): hang (a Python loop the time
# cap interrupts), stuck (a hang with the time cap's signal blocked: only the pool's hard cap ends
# it), oom (an 8 GiB allocation), exit (os._exit(139)), segv (SIGSEGV), term (SIGTERM). Read once at import:
# unset, it costs one test of a module global per page.
_FAULTS = os.environ.get("WINNOW_TEST_FAULTS") == "1"


def _inject_fault(page: Page) -> None:
    content = page.content if isinstance(page.content, str) else ""
    at = content.find("WINNOW-FAULT:")
    if at < 0:
        return
    kind = content[at + 13:at + 18]
    if kind == "hang ":
        while True:
            time.sleep(0.01)
    elif kind == "stuck":
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        while True:
            time.sleep(0.01)
    elif kind == "oom  ":
        hog = bytearray(8 << 30)  # never touched: only the address space cap stops it
        del hog
    elif kind == "exit ":
        os._exit(139)
    elif kind == "term ":
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the signal ends the process, unless a handler raises here
    elif kind == "segv ":
        import faulthandler

        faulthandler.disable()  # pytest's traceback dump would only be noise here
        os.kill(os.getpid(), signal.SIGSEGV)


class BatchSpecs:
    """The run's batch specs in the order to start them (BatchPlan.order: the most work first), each
    made, with its files read from the plan, when it is taken: a run of a million files holds the
    specs of the batches running only. Iterated as often as needed, always in the same order."""

    def __init__(self, plan: BatchPlan, template: BatchSpec):
        self.plan, self.template, self.order = plan, template, plan.order()

    def __len__(self) -> int:
        return len(self.order)

    def __iter__(self) -> Iterator[BatchSpec]:
        for index in self.order:
            yield replace(self.template, index=index, files=self.plan.files_of(index))


# how a run's batches are cleaned: given the specs (a BatchSpecs, or any sized iterable of specs),
# the manifests in the order the batches finish
MapBatches = Callable[[BatchSpecs], Iterable[BatchManifest]]

HARD_GRACE_SECONDS = 5.0  # the pool kills a page running longer than its time cap plus this (or twice the cap)
POLL_SECONDS = 0.5


PARENT_CHECK_SECONDS = 1.0


def _init_worker(slot: Any, warm: bool) -> None:
    global _SLOT
    _SLOT = slot
    slot[0] = -1
    # a forked process inherits `winnow clean`'s SIGTERM handler, which stops the whole run: here a
    # SIGTERM ends this process only, and costs only its page (worker_crash), as any other kill
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _exit_with_parent()
    if warm:
        warm_up()


def _exit_with_parent() -> None:
    """End this cleaning process once the process that started it is gone (killed by SIGTERM or
    SIGKILL): left alone, it would wait forever to send its batch back to no one (a forked
    sibling holds the result pipe open), holding its memory. A watch thread, not PR_SET_PDEATHSIG:
    that fires when the starting thread ends, and a Prefect task thread may start a process."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="winnow-parent-watch", daemon=True).start()


WARM_UP_TEXT = ("Warm-up page\n\n" + "The parish council met on Tuesday to discuss the budget for next year. " * 4)


_WARMED = False  # this process has cleaned the warm-up page


def warm_up() -> None:
    """Clean one small page before a cleaning process starts on its batches, outside any page's
    time cap: the libraries' lazy set-up (langdetect's profiles, imports, patterns) is not charged
    to the first real page. Done once per process: in the parent of forked workers (they inherit it),
    in each spawned worker, and in the flow's process, which cleans the report's samples again."""
    global _WARMED
    try:
        if not _WARMED:
            _WARMED = True
            page = Page(source="warm-up.txt", sha256="", format="text", content=WARM_UP_TEXT, content_type="text")
            Cleaner(CleaningSettings()).record(page, {"run_id": "", "pipeline_version": "", "config_sha256": ""})
    except Exception:  # noqa: BLE001 - a page that fails here fails again, and is reported, as a page
        pass


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "exit status unknown"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class _Worker:
    """One cleaning process, in an executor of its own: when it dies, only its batch is lost."""

    def __init__(self, context: Any):
        self.slot = context.RawArray("d", 2)
        self.slot[0] = -1
        forked = context.get_start_method() == "fork"
        if forked:
            warm_up()
        self.executor = ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker,
                                            initargs=(self.slot, not forked))
        self.process: Any = None
        self.hung: int | None = None  # the page number the pool killed it on

    def submit(self, fn: Callable, *args: Any):
        try:
            future = self.executor.submit(fn, *args)
        except BrokenProcessPool as exc:  # its process died idle, and the executor saw it first
            future = Future()
            future.set_exception(exc)
            return future  # settled as a death outside any page, as when the batch meets it
        if self.process is None:
            self.process = next(iter(getattr(self.executor, "_processes", {}).values()), None)
        return future

    def check(self, spec: BatchSpec) -> None:
        """Kill the process when its page has outlasted the time cap by the grace: a hang the
        cap's signal could not end (a C library that never returns to Python)."""
        number, since = int(self.slot[0]), self.slot[1]
        if spec.page_timeout <= 0 or number < 0 or self.hung is not None:
            return
        if time.monotonic() - since > spec.page_timeout + max(HARD_GRACE_SECONDS, spec.page_timeout):
            self.hung = number
            self.kill()

    def exit_code(self) -> int | None:
        if self.process is None:
            return None
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            # the executor's own thread may reap the process first: its exit code then appears
            # on the shared Process object a moment later
            self.process.join(0.1)
            if self.process.exitcode is not None:
                return self.process.exitcode
        return None

    def shutdown(self) -> None:
        self.executor.shutdown(wait=True, cancel_futures=True)

    def broken(self) -> bool:
        """Whether its process died: it cleans no other batch."""
        return bool(getattr(self.executor, "_broken", False))

    def kill(self) -> None:
        for process in list(getattr(self.executor, "_processes", {}).values()):
            try:
                os.kill(process.pid, signal.SIGKILL)
            except (ProcessLookupError, TypeError):  # gone, or not started
                pass


class PoolStopped(RuntimeError):
    """The pool was shut down (the run is stopping) while a batch waited for it or ran in it."""


class BatchPool:
    """Cleaning processes that survive their pages: each process is a one-process executor, so a
    process that dies or hangs costs only the batch it was cleaning. That batch is run again with
    the page the process was on rejected (`worker_crash`, or `timeout` for a hang), in a new
    process; the other pages are cleaned again as they were, so their records are the ones a run
    without the crash writes. Used as an iterator over batches (`map`, the direct run) or from
    several threads at once (`run`, the Prefect flow's batch tasks)."""

    def __init__(self, workers: int, context: Any = None):
        self.context = context or multiprocessing.get_context("fork")
        self.stopped = False  # shut down or killed: a batch waiting for a process is not cleaned
        self.workers = [_Worker(self.context) for _ in range(max(1, workers))]
        self._idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()
        for worker in self.workers:
            self._idle.put(worker)

    def __enter__(self) -> "BatchPool":
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is not None:  # the run stops (interrupted, terminated, failed): no batch is waited for
            self.kill()
        self.shutdown()

    def kill(self) -> None:
        """End every cleaning process now; what they were writing is staging, which the next run redoes."""
        self.stopped = True
        for worker in self.workers:
            worker.kill()

    def shutdown(self) -> None:
        self.stopped = True
        for worker in self.workers:
            worker.shutdown()

    def submit(self, fn: Callable, *args: Any):
        """Run any function in one of the pool's processes (no crash handling)."""
        return self.workers[0].submit(fn, *args)

    def map(self, specs: Iterable[BatchSpec]) -> Iterator[BatchManifest]:
        """Every batch's manifest, in the order they finish (one thread: this one). A spec is taken
        from `specs` when a process is free for it."""
        upcoming, retries, running = iter(specs), deque(), {}
        idle = [self._idle.get() for _ in self.workers]
        while True:
            while idle and (spec := retries.popleft() if retries else next(upcoming, None)) is not None:
                worker = idle.pop()
                running[worker.submit(clean_batch, spec)] = (worker, spec)
            if not running:
                break
            done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                worker, spec = running.pop(future)
                outcome = self._settle(worker, future, spec)
                if isinstance(outcome, BatchManifest):
                    idle.append(worker)
                    yield outcome
                else:
                    idle.append(self._replace(worker))
                    retries.append(outcome)
            for worker, spec in running.values():
                worker.check(spec)
        for worker in idle:
            self._idle.put(worker)

    def run(self, spec: BatchSpec) -> BatchManifest:
        """One batch's manifest; blocks; safe to call from several threads. Raises PoolStopped once
        the pool is shut down; a process is given back even when its batch fails, so that the
        batches waiting for one are not left waiting forever."""
        while True:
            worker = self._take()
            try:
                future = worker.submit(clean_batch, spec)
                while True:
                    try:
                        future.result(timeout=POLL_SECONDS)
                        break
                    except FutureTimeout:
                        worker.check(spec)
                    except Exception:  # noqa: BLE001 - settled below
                        break
                outcome = self._settle(worker, future, spec)
            except BaseException as exc:
                self._idle.put(worker if self.stopped or not worker.broken() else self._replace(worker))
                if self.stopped and isinstance(exc, Exception) and not isinstance(exc, PoolStopped):
                    raise PoolStopped("the run stopped while this batch was being cleaned") from exc
                raise
            if isinstance(outcome, BatchManifest):
                self._idle.put(worker)
                return outcome
            self._idle.put(self._replace(worker))
            spec = outcome

    def _take(self) -> _Worker:
        while not self.stopped:
            try:
                return self._idle.get(timeout=POLL_SECONDS)
            except queue.Empty:
                pass
        raise PoolStopped("the run stopped before this batch was cleaned")

    def _replace(self, dead: _Worker) -> _Worker:
        dead.shutdown()
        fresh = _Worker(self.context)
        self.workers[self.workers.index(dead)] = fresh
        return fresh

    def _settle(self, worker: _Worker, future: Any, spec: BatchSpec) -> BatchManifest | BatchSpec:
        """The batch's manifest, or the spec to run again when the process died on a page."""
        error = future.exception()
        if error is None:
            return future.result()
        if self.stopped:  # its process was ended with the pool: no page of it is to blame
            raise PoolStopped("the run stopped while this batch was being cleaned")
        if not isinstance(error, BrokenProcessPool):
            raise error
        number = worker.hung if worker.hung is not None else int(worker.slot[0])
        if number < 0 and not any(n < 0 for n, _, _ in spec.failed):
            # killed outside any page (idle, or reading): no page to blame; once more in a new process
            return replace(spec, failed=tuple(sorted(spec.failed + ((-1, "", ""),))))
        if number < 0 or any(number == n for n, _, _ in spec.failed):
            raise RuntimeError(f"batch {spec.index}: a cleaning process died outside any page "
                               f"({_describe_exit(worker.exit_code())}) while reading "
                               f"{', '.join(rel for rel, *_ in spec.files[:3])}{' …' if len(spec.files) > 3 else ''}")
        if worker.hung is not None:
            failure = (number, "timeout", timeout_detail("", spec.page_timeout).removeprefix(": "))
        else:
            failure = (number, "worker_crash", f"the cleaning process died while cleaning this page "
                                               f"({_describe_exit(worker.exit_code())})")
        return replace(spec, failed=tuple(sorted(spec.failed + (failure,))))


def spawned_pool(workers: int) -> BatchPool:
    """A pool of spawned cleaning processes (the Prefect flow's: see flows/clean.py)."""
    return BatchPool(workers, multiprocessing.get_context("spawn"))


_PRESTARTED: BatchPool | None = None


def prestart_spawned_pool(workers: int) -> None:
    """Make a spawned pool of `workers` processes now (none: no pool, as on Dask) and start its
    first process, which imports and sets up the cleaning code (about a second) while the CLI
    imports Prefect and a temporary server boots. The flow takes it (`take_prestarted`; other
    processes start when batches need them); `discard_prestarted` shuts it down when no flow did."""
    global _PRESTARTED
    if _PRESTARTED is None and workers > 0:
        _PRESTARTED = spawned_pool(workers)
        _PRESTARTED.submit(os.getpid)


def take_prestarted(workers: int) -> BatchPool | None:
    """The prestarted pool when it has `workers` processes (else it is shut down)."""
    global _PRESTARTED
    if _PRESTARTED is not None and len(_PRESTARTED.workers) == workers:
        pool, _PRESTARTED = _PRESTARTED, None
        return pool
    discard_prestarted()
    return None


def discard_prestarted() -> None:
    global _PRESTARTED
    pool, _PRESTARTED = _PRESTARTED, None
    if pool is not None:
        pool.shutdown()


def pool_map_batches(workers: int) -> MapBatches:
    """Run batches in a pool of forked cleaning processes (BatchPool), even with one worker: a
    page that kills its process must not kill the run."""

    def run(specs: BatchSpecs) -> Iterator[BatchManifest]:
        if not len(specs):
            return
        processes = min(workers, len(specs))
        with BatchPool(processes) as pool:
            yield from pool.map(specs)

    return run


def worker_count(settings: Settings, override: int | None = None) -> int:
    wanted = override if override is not None else settings.run.workers
    return wanted if wanted > 0 else (os.cpu_count() or 1)


def new_run_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]


def clean_pass(
    settings: Settings,
    raw_dir: Path,
    clean_dir: Path,
    *,
    reprocess: bool = False,
    map_batches: MapBatches | None = None,
    on_batch: Callable[[BatchManifest, int], None] | None = None,
) -> dict[str, Any]:
    """Clean everything new under `raw_dir` into `clean_dir`; returns the run report. Holds the
    feed's run lock throughout, and first finishes what a crashed run left (`recover`)."""
    with RunLock(clean_dir):
        recovered = recover(clean_dir)
        return _clean_pass(settings, raw_dir, clean_dir, reprocess, map_batches, on_batch, recovered)


def spec_template(settings: Settings, raw_dir: Path, clean_dir: Path, staging: Path, run: dict[str, str],
                  reprocess: bool) -> BatchSpec:
    """What every batch of the run shares: BatchSpecs fills in each one's number and files."""
    return BatchSpec(
        index=-1, raw_dir=str(raw_dir), files=(), staging=str(staging),
        cleaning=settings.cleaning().model_dump(mode="json"), run=run, state_db=str(state_path(clean_dir)),
        reprocess=reprocess, max_input_bytes=settings.run.max_input_bytes, compress=settings.output.compress,
        page_timeout=settings.run.page_timeout_seconds, page_memory_mb=settings.run.page_memory_mb,
    )


def _clean_pass(settings: Settings, raw_dir: Path, clean_dir: Path, reprocess: bool, map_batches: MapBatches | None,
                on_batch: Callable[[BatchManifest, int], None] | None, recovered: list[str]) -> dict[str, Any]:
    started = time.perf_counter()
    run = {"run_id": new_run_id(), "pipeline_version": PIPELINE_VERSION, "config_sha256": settings.sha256()}
    staging = clean_dir / STAGING / run["run_id"]
    ledger = RunLedger(staging / LEDGER)
    inputs, index, summary = None, None, DedupSummary()
    try:
        inputs = BatchPlan(staging / PLAN, raw_dir, settings.run.batch_pages, settings.run.batch_bytes, feed=clean_dir)
        specs = BatchSpecs(inputs, spec_template(settings, raw_dir, clean_dir, staging, run, reprocess))
        mapper = map_batches or pool_map_batches(worker_count(settings))
        manifests = []
        for manifest in mapper(specs):
            ledger.add(manifest)
            manifests.append(manifest)
            for line in manifest.log:
                PAGES_LOG.warning("%s", line)
            manifest.log = []  # logged: up to 50 lines a batch, not worth keeping to the end of a long run
            if on_batch:
                on_batch(manifest, len(specs))
        manifests.sort(key=lambda m: m.index)
        if settings.dedup.enabled:
            index, summary = deduplicate(manifests, ledger, state_path(clean_dir), settings)
        counts = ledger.counts()
        plan = publication_plan(manifests, counts, clean_dir, run)
        report = run_report(run, inputs.files, manifests, ledger, counts, [p["path"] for p in plan["parts"]],
                            time.perf_counter() - started, raw_dir, clean_dir)
        report["dedup"] = summary.as_dict()
        report["runner"] = settings.run.runner
        if recovered:
            report["recovered_runs"] = recovered
        stage_html_report(report, clean_dir, plan, settings, lambda: run_tally(ledger, manifests))
        plan["report"] = report
        crash_point("staged")
        commit(ledger, clean_dir, run, index, plan)
    finally:
        ledger.close()
        if inputs is not None:
            inputs.close()
        if index is not None:
            index.close()
    crash_point("state_committed")
    finish_publication(clean_dir, plan)
    return report


def publication_plan(manifests: list[BatchManifest], counts: Counter, clean_dir: Path,
                     run: dict[str, str]) -> dict[str, Any]:
    """Where each staged part goes in the feed, and its manifest entry, in batch order (`counts`:
    the run's records by batch and kind, RunLedger.counts)."""
    parts = []
    for manifest in manifests:
        for staged, folder, kind in ((manifest.articles_part, ARTICLES, "article"),
                                     (manifest.rejected_part, REJECTED, "rejected")):
            if staged:
                name = part_name(Path(staged), f"{run['run_id']}-{manifest.index:05d}")
                path = f"{folder}/{name}"
                if (clean_dir / path).exists():
                    raise FileExistsError(f"{clean_dir / path} already exists; a run never overwrites the feed")
                parts.append({"staged": Path(staged).relative_to(clean_dir).as_posix(), "path": path,
                              "kind": folder, "run_id": run["run_id"], "records": counts[manifest.index, kind]})
    return {"run_id": run["run_id"], "parts": parts}


def commit(ledger: RunLedger, clean_dir: Path, run: dict[str, str], index: StateIndex | None,
           plan: dict[str, Any]) -> None:
    """The run's commit point: its inputs as processed, what it kept as the dedup index of later
    runs, and its journal row (the plan of the publication), in one SQLite transaction. Every part
    is staged (written and fsynced) before; none is published yet."""
    rows = ledger.processed(run["run_id"])
    journal = (run["run_id"], orjson.dumps(plan))
    if index is not None:
        index.commit(rows, journal)
    else:
        record_processed(state_path(clean_dir), rows, journal)


def run_tally(ledger: RunLedger, manifests: list[BatchManifest]) -> RunTally | None:
    """The report's tally of the run's parts from the counts their batches made as they wrote them
    (sorted `manifests`: their parts as staged, after the dedup step); None when a batch brought none."""
    tallies = ledger.tallies()
    if any(m.index not in tallies for m in manifests):
        return None
    return tally_batches((tallies[m.index], _staged_parts(m)) for m in manifests)


def _staged_parts(manifest: BatchManifest) -> tuple[Path | None, Path | None]:
    return tuple(Path(part) if part else None for part in (manifest.articles_part, manifest.rejected_part))


def stage_html_report(report: dict[str, Any], clean_dir: Path, plan: dict[str, Any], settings: Settings,
                      counted: Callable[[], RunTally | None] = lambda: None) -> None:
    """Count the run's removals per step and reason into its report (`counted`: the tally made as
    the parts were written, None when there is none: the staged parts are read), and stage its HTML
    report (flows/report_html.py) to be published with its parts. A report that cannot be made
    costs a warning, never the run."""
    from .report_html import render_html, report_path

    staged = clean_dir / STAGING / plan["run_id"] / "run-report.html"
    try:
        tally = counted()
        if tally is None:
            tally = tally_parts([(part["kind"], clean_dir / part["staged"]) for part in plan["parts"]])
        report["removed_by_step_reason"] = tally.removal_rows()
        report["html_report"] = str(report_path(clean_dir, plan["run_id"]))
        write_durable(staged, render_html(report, tally, settings).encode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - the feed matters more than its report
        report["html_report"] = None
        _LOG.warning("the HTML run report could not be made: %s: %s", type(exc).__name__, exc)
        return
    plan["html_report"] = {"staged": staged.relative_to(clean_dir).as_posix(), "path": f"{RUNS}/{plan['run_id']}.html"}


def finish_publication(clean_dir: Path, plan: dict[str, Any]) -> None:
    """After the commit point: rename the staged parts into the feed, list them in the manifest,
    write the run report, close the journal row, remove the staging folder. Every step is
    idempotent, so `recover` can run it again after a crash at any point of it."""
    parts = plan["parts"]
    for number, part in enumerate(parts):
        publish(clean_dir / part["staged"], clean_dir / part["path"])
        if number == 0:
            crash_point("mid_publish")
    for folder in {part["kind"] for part in parts}:
        fsync_dir(clean_dir / folder)
    crash_point("published")
    append_to_manifest(clean_dir, [{key: part[key] for key in ("path", "kind", "run_id", "records")} for part in parts])
    crash_point("manifest")
    write_json_atomic(clean_dir / RUNS / f"{plan['run_id']}.json", plan["report"])
    html = plan.get("html_report")
    if html and (clean_dir / html["staged"]).exists():  # derived from the parts: never worth a failed recovery
        publish(clean_dir / html["staged"], clean_dir / html["path"])
    crash_point("report")
    close_journal(state_path(clean_dir), plan["run_id"])
    shutil.rmtree(clean_dir / STAGING / plan["run_id"], ignore_errors=True)
    _remove_if_empty(clean_dir / STAGING)


def recover(clean_dir: Path) -> list[str]:
    """Make the feed whole after a crashed run (the caller holds the run lock): finish the
    publication of every run that passed its commit point; remove what runs that did not left
    (their staged parts; their inputs were not remembered, so this run cleans them again) and any
    half-written temporary file. Returns the run ids whose publication was finished."""
    finished = []
    for run_id, plan in open_journal(state_path(clean_dir)):
        finish_publication(clean_dir, orjson.loads(plan))
        finished.append(run_id)
    shutil.rmtree(clean_dir / STAGING, ignore_errors=True)
    for folder in (clean_dir, clean_dir / RUNS):
        for tmp in folder.glob(".*.tmp") if folder.is_dir() else ():
            tmp.unlink(missing_ok=True)
    return finished


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def run_report(
    run: dict[str, str], files: int, manifests: list[BatchManifest], ledger: RunLedger, counts: Counter,
    published: list[str], seconds: float, raw_dir: Path, clean_dir: Path,
) -> dict[str, Any]:
    rejected = ledger.rejected_by_reason()
    articles = sum(n for (_, kind), n in counts.items() if kind == "article")
    skipped = sum(m.skipped for m in manifests)
    slowest = sorted((s for m in manifests for s in m.slowest), reverse=True)[:10]
    return {
        **run,
        "raw_dir": str(raw_dir),
        "clean_dir": str(clean_dir),
        "files": files,
        "records_in": sum(m.pages for m in manifests) + skipped,
        "skipped_already_processed": skipped,
        "articles": articles,
        "rejected": sum(rejected.values()),
        "rejected_by_reason": dict(sorted(rejected.items())),
        "batches": len(manifests),
        "seconds": round(seconds, 3),
        "clean_seconds_by_batch": [round(m.seconds, 3) for m in manifests],
        "slowest_pages": [{"source": src, "seconds": round(sec, 4)} for sec, src in slowest],
        "parts": published,
    }
