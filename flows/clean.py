"""The Prefect flow: the cleaning pass of flows/run.py with one Prefect task per batch,
a table artifact of outcomes and a markdown summary. Importable for custom deployments:

    from flows.clean import clean_flow
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from .config import Settings
from .run import BatchManifest, BatchSpec, clean_batch, clean_pass


@task(name="clean-batch", cache_policy=NO_CACHE)
def clean_batch_task(spec: BatchSpec) -> BatchManifest:
    """One batch of files; writes its staged parts itself and returns a small manifest."""
    return clean_batch(spec)


def _map_as_tasks(specs: list[BatchSpec]) -> Iterator[BatchManifest]:
    futures = [clean_batch_task.submit(spec) for spec in specs]
    for future in futures:
        yield future.result()


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
    report = clean_pass(settings, Path(raw_dir), Path(clean_dir), reprocess=reprocess, map_batches=_map_as_tasks)
    publish_artifacts(report)
    logger.info(
        "run %s: %d records in, %d articles, %d rejected, %d skipped",
        report["run_id"], report["records_in"], report["articles"], report["rejected"],
        report["skipped_already_processed"],
    )
    return report


def publish_artifacts(report: dict[str, Any]) -> None:
    rows = [{"outcome": "article", "reason": "", "records": report["articles"]}]
    rows += [{"outcome": "rejected", "reason": r, "records": n} for r, n in report["rejected_by_reason"].items()]
    rows += [{"outcome": "skipped", "reason": "already_processed", "records": report["skipped_already_processed"]}]
    create_table_artifact(key="winnow-outcomes", table=rows, description=f"Outcomes of run {report['run_id']}")
    create_markdown_artifact(
        key="winnow-summary",
        markdown=(
            f"# Winnow run {report['run_id']}\n\n"
            f"- records in: {report['records_in']}\n- articles: {report['articles']}\n"
            f"- rejected: {report['rejected']}\n- skipped (already processed): {report['skipped_already_processed']}\n"
            f"- time: {report['seconds']} s\n- report: `{report['clean_dir']}/runs/{report['run_id']}.json`\n"
        ),
        description="Winnow run summary",
    )
