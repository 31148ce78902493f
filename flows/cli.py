"""`winnow clean`, `winnow explain` and `winnow serve`.

Exit codes: 0 the run completed (rejections are normal results); 2 usage or config error;
1 unexpected failure; 130 stopped by Ctrl-C; 143 stopped by SIGTERM.
"""
from __future__ import annotations

import errno
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from .config import ConfigError, Settings, load_settings
from .locking import RunLock, RunLocked

EPILOG = ("Exit codes: 0 run completed (rejections are normal results), 2 usage or config error, 1 unexpected failure, "
          "130 stopped by Ctrl-C, 143 stopped by SIGTERM.")
app = typer.Typer(
    add_completion=False, no_args_is_help=True, rich_markup_mode=None, epilog=EPILOG, pretty_exceptions_enable=False,
    help="Winnow: clean scraped pages into a feed of articles (clean/articles) and rejections (clean/rejected).",
)
err = Console(stderr=True, highlight=False)


def _fail(message: str, code: int) -> "typer.Exit":
    err.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return typer.Exit(code)


def _settings(config: Optional[Path]) -> Settings:
    try:
        return load_settings(config or Path("config.yaml"), required=config is not None)
    except ConfigError as exc:
        raise _fail(str(exc), 2) from None


def prefect_api_configured() -> bool:
    """True when a Prefect server is configured: PREFECT_API_URL in the environment or in the
    active Prefect profile (without importing Prefect, which costs a second)."""
    if os.environ.get("PREFECT_API_URL"):
        return True
    import tomllib

    home = Path(os.environ.get("PREFECT_HOME", Path.home() / ".prefect"))
    profiles = Path(os.environ.get("PREFECT_PROFILES_PATH", home / "profiles.toml"))
    try:
        data = tomllib.loads(profiles.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    active = os.environ.get("PREFECT_PROFILE") or data.get("active", "")
    return bool(data.get("profiles", {}).get(active, {}).get("PREFECT_API_URL"))


@app.command(epilog=EPILOG)
def clean(
    raw_dir: Optional[Path] = typer.Argument(None, help="Folder of raw pages, searched recursively [default: paths.raw of the config, raw/]"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Feed folder to write [default: paths.clean of the config, clean/]"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config file [default: ./config.yaml if present, else built-in defaults]"),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=0, help="Cleaning processes; 0 = every core [default: run.workers]"),
    reprocess: bool = typer.Option(False, "--reprocess", help="Clean inputs again even if an earlier run processed them"),
    prefect: bool = typer.Option(False, "--prefect", help="Run as a tracked Prefect flow run (automatic when PREFECT_API_URL is set)"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress and no summary table"),
) -> None:
    """Run one cleaning pass: every new page under RAW_DIR becomes an article or a rejected record in OUT."""
    settings = _settings(config)
    if workers is not None:
        settings = settings.model_copy(update={"run": settings.run.model_copy(update={"workers": workers})})
    raw = raw_dir or settings.paths.raw
    clean_dir = out or settings.paths.clean
    if not raw.is_dir():
        if raw.exists():
            raise _fail(f"{raw}: a file, not a folder of raw pages (winnow explain {raw} cleans one page)", 2)
        raise _fail(f"{raw}: no such folder of raw pages", 2)
    if clean_dir.exists() and not clean_dir.is_dir():
        raise _fail(f"{clean_dir}: a file, not a feed folder (--out names the folder the feed is written to)", 2)
    if clean_dir.exists() and clean_dir.samefile(raw):
        raise _fail(f"{clean_dir}: the feed folder is the raw folder itself; write the feed next to it or "
                    "inside it (a feed folder inside the raw folder is not read as input)", 2)
    tracked = prefect or prefect_api_configured() or settings.run.runner == "dask"
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        with RunLock(clean_dir):
            report = _run(settings, raw, clean_dir, reprocess, tracked, quiet)
    except RunLocked as exc:
        raise _fail(str(exc), 1) from None
    except Exception as exc:  # noqa: BLE001 - other errors reach main()'s message
        if _disk_full(exc):
            raise _fail(f"{clean_dir}: the disk is full ({exc}); free some space or write the feed elsewhere (--out), "
                        "then run again: the next run finishes or redoes what this one left unfinished", 1) from None
        if isinstance(exc, OSError):
            raise _fail(f"{exc}", 1) from None
        raise
    except KeyboardInterrupt as exc:  # typer would turn it into a silent exit 130
        what, code = ("terminated (SIGTERM)", 143) if isinstance(exc, Terminated) else ("interrupted", 130)
        err.print(f"{what}: the next run finishes or redoes what this one left unfinished", markup=False, soft_wrap=True)
        raise typer.Exit(code) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not quiet:
        print_summary(report, tracked)


def _disk_full(exc: BaseException) -> bool:
    """No space left where the run writes: an OSError (a write says so without naming its file) or
    SQLite's own error for its databases."""
    import sqlite3

    if isinstance(exc, OSError):
        return exc.errno in (errno.ENOSPC, errno.EDQUOT)
    return isinstance(exc, sqlite3.OperationalError) and "disk is full" in str(exc)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler or service manager stopping the run): stops it as Ctrl-C does, so that
    its cleaning processes are ended and its lock released, instead of the process vanishing."""


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    raise Terminated()


def _run(settings: Settings, raw: Path, clean_dir: Path, reprocess: bool, tracked: bool, quiet: bool) -> dict[str, Any]:
    if tracked:
        return _tracked_run(settings, raw, clean_dir, reprocess, quiet)
    from .run import clean_pass

    progress = BatchProgress(enabled=not quiet)
    return clean_pass(settings, raw, clean_dir, reprocess=reprocess, on_batch=progress.update)


def _tracked_run(settings: Settings, raw: Path, clean_dir: Path, reprocess: bool, quiet: bool) -> dict[str, Any]:
    """A Prefect flow run. What it needs is set up while this process imports Prefect and, with no
    server configured, while the temporary one boots: the flow's first cleaning process (after the
    import when a server boots too, as both cores are busy then) and this process's warm-up."""
    from .prefect_server import ServerError
    from .run import discard_prestarted, prestart_spawned_pool, warm_up, worker_count

    workers = 0 if settings.run.runner == "dask" else worker_count(settings)  # the flow's pool, none on Dask
    if quiet:  # Prefect's console logs are progress too; its server still gets every log of the run
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    try:
        server = _temporary_server(settings, quiet)
        if not server:
            prestart_spawned_pool(workers)
        from .clean import run_clean_flow  # imports Prefect: only for tracked runs

        if server:
            prestart_spawned_pool(workers)
            warm_up()
            server.wait_ready()
        return run_clean_flow(settings, raw, clean_dir, reprocess=reprocess, temporary_server=server is not None)
    except ConfigError as exc:
        raise _fail(str(exc), 2) from None
    except ServerError as exc:
        raise _fail(str(exc), 1) from None
    except RuntimeError as exc:
        if not str(exc).startswith(_PREFECT_UNREACHABLE):
            raise
        raise _fail(_unreachable_server(exc), 2) from None
    finally:
        discard_prestarted()


# what Prefect raises when the server of PREFECT_API_URL does not answer, or is of another major version
_PREFECT_UNREACHABLE = ("Failed to reach API at", "Found incompatible versions")


def _unreachable_server(exc: RuntimeError) -> str:
    cause = exc.__cause__
    why = f" ({type(cause).__name__}: {' '.join(str(cause).split())[:200]})" if cause else ""
    return (f"{exc}{why}. Start that Prefect server or point PREFECT_API_URL at a running one; "
            "unset PREFECT_API_URL to run without a server")


def _temporary_server(settings: Settings, quiet: bool) -> Any:
    """With no Prefect server configured, a temporary one for this run (flows/prefect_server.py),
    its URL exported before Prefect is imported. Not for an existing Dask cluster: its workers
    could not reach it (run_clean_flow says so)."""
    if prefect_api_configured() or settings.run.dask_address:
        return None
    from .prefect_server import TemporaryServer

    server = TemporaryServer.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    os.environ["PREFECT_UI_URL"] = ""  # it serves no UI: no "View at" link to a page that is not there
    if not quiet:
        err.print(f"Starting a temporary Prefect server on {server.api_url} for this run; its records go with it "
                  "(set PREFECT_API_URL to keep them on a server of your own)", markup=False)
    return server


class BatchProgress:
    """Progress on stderr for runs of more than one batch: a bar on a terminal, lines otherwise."""

    def __init__(self, enabled: bool):
        self.enabled, self.done, self.pages, self.started = enabled, 0, 0, time.perf_counter()
        self.last_line = 0.0

    def update(self, manifest: Any, total: int) -> None:
        self.done += 1
        self.pages += manifest.pages + manifest.skipped
        if not self.enabled or total <= 1:
            return
        elapsed = time.perf_counter() - self.started
        if err.is_terminal:
            err.print(f"\r[{self.done}/{total} batches] {self.pages} pages, {elapsed:.0f}s", end="", markup=False)
            if self.done == total:
                err.print()
        elif self.done == total or elapsed - self.last_line >= 5:
            self.last_line = elapsed
            err.print(f"[{self.done}/{total} batches] {self.pages} pages, {elapsed:.0f}s", markup=False)


def print_summary(report: dict[str, Any], tracked: bool) -> None:
    table = Table(title=f"winnow clean — run {report['run_id']}", show_header=False, title_justify="left")
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("pages in", str(report["records_in"]))
    table.add_row("already processed (skipped)", str(report["skipped_already_processed"]))
    table.add_row("articles out", str(report["articles"]))
    dedup = report.get("dedup") or {}
    if dedup.get("revisions"):
        table.add_row("  new revisions of earlier pages", str(dedup["revisions"]))
    table.add_row("rejected", str(report["rejected"]))
    for reason, count in report["rejected_by_reason"].items():
        table.add_row(f"  {reason}", str(count))
    for reason, count in (dedup.get("removed") or {}).items():
        table.add_row(f"removed: {reason}", str(count))
    table.add_row("time", f"{report['seconds']:.2f} s")
    mode = "tracked Prefect flow run" if tracked else "direct (no Prefect server configured)"
    table.add_row("mode", mode + (", on Dask" if report.get("runner") == "dask" else ""))
    err.print(table)
    if report["records_in"] and report["records_in"] == report["skipped_already_processed"]:
        err.print("No new inputs: every record was processed by an earlier run; nothing new was written "
                  "(--reprocess cleans them again).")
    err.print(f"Run report: {Path(report['clean_dir']) / 'runs' / (report['run_id'] + '.json')}", soft_wrap=True)
    if report.get("html_report"):
        err.print(f"HTML report: {report['html_report']}", soft_wrap=True)


@app.command(epilog=EPILOG)
def explain(
    page: str = typer.Argument(..., help="A raw file; for a JSONL or WARC file, FILE#N names record N (as in provenance.source)"),
    record: Optional[int] = typer.Option(None, "--record", "-r", min=1, help="Record N of a JSONL or WARC file"),
    as_json: bool = typer.Option(False, "--json", help="Print the explanation as JSON"),
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config file [default: ./config.yaml if present, else built-in defaults]"),
) -> None:
    """Clean one page and show every decision: the text with each removed span and its step and
    reason, the comments and their fate, the metadata and where each field came from. Nothing is
    written; the feed's cross-page deduplication is not applied."""
    from rich.console import Console

    from .explain import ExplainError, as_json as explanation_json, explain as explain_one, print_explanation, split_spec

    settings = _settings(config)
    path, number = split_spec(page, record)
    try:
        result = explain_one(settings, path, number)
    except ExplainError as exc:
        raise _fail(str(exc), 2) from None
    if as_json:
        typer.echo(explanation_json(result))
    else:
        print_explanation(result, Console(highlight=False))


@app.command(epilog=EPILOG)
def serve(
    config: Optional[Path] = typer.Option(None, "--config", "-c", help="Config file [default: ./config.yaml if present, else built-in defaults]"),
    raw_dir: Optional[Path] = typer.Option(None, "--raw", help="Folder of raw pages [default: paths.raw]"),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Feed folder [default: paths.clean]"),
) -> None:
    """Run the cleaning flow on the cron schedule of the config (schedule.cron), as a Prefect
    deployment served from this process. Starts a local Prefect server on serve.host:serve.port
    (data under serve.home) when PREFECT_API_URL is not set."""
    from .serve import serve_schedule

    settings = _settings(config)
    try:
        serve_schedule(settings, (raw_dir or settings.paths.raw).resolve(), (out or settings.paths.clean).resolve(), err)
    except ConfigError as exc:
        raise _fail(str(exc), 2) from None
    except RuntimeError as exc:
        raise _fail(str(exc), 1) from None


@app.callback(invoke_without_command=True)
def _version(
    version: bool = typer.Option(False, "--version", help="Print the version and exit", is_eager=True),
) -> None:
    if version:
        from importlib.metadata import version as v

        typer.echo(f"winnow {v('winnow')} (trafilatura {v('trafilatura')}, prefect {v('prefect')}, python {sys.version.split()[0]})")
        raise typer.Exit(0)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted; the next run finishes or redoes what this one left unfinished")
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the contract: a message and exit 1, never a traceback
        err.print(f"error: unexpected failure: {type(exc).__name__}: {exc}", markup=False)
        sys.exit(1)


if __name__ == "__main__":
    main()
