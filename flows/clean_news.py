"""The cleaning flow: list inputs → batches → corpus statistics → clean each batch → write,
validate and report. One Prefect task per batch, never per document.

Run it directly (same arguments as ``copydesk clean``)::

    python flows/clean_news.py raw clean
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from copydesk.corpus import CorpusStats
from copydesk.pipeline import Settings
from copydesk.run import clean_paths, finish, plan_batches, stats_for_batch

# The CLI listens here to draw its progress bar; a logger keeps the flow free of UI code.
progress = logging.getLogger("copydesk.progress")


@task(name="corpus-stats", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def stats_task(paths: list[str], settings: Settings) -> CorpusStats:
    return stats_for_batch(paths, settings)


@task(name="clean-batch", cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def clean_task(paths: list[str], settings: Settings, stats: CorpusStats) -> list[dict[str, Any]]:
    return clean_paths(paths, settings, stats)


@task(name="write-validate-report", cache_policy=NO_CACHE, retries=2, retry_delay_seconds=[1, 5])
def finish_task(output_dir: str, records: list[dict[str, Any]], settings: Settings, inputs: int,
                expectations_dir: str | None) -> dict[str, Any]:
    result = finish(Path(output_dir), records, settings, inputs=inputs,
                    expectations_dir=Path(expectations_dir) if expectations_dir else None)
    return {"summary": result.summary, "failure": result.failure_line()}


@flow(name="clean-news", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def clean_news(
    input_dir: str = "raw",
    output_dir: str = "clean",
    rules: list[str] | None = None,
    batch_size: int = 200,
    languages: list[str] | None = None,
    other_languages: str = "flag",
    repair_style: str = "auto",
    expectations_dir: str | None = None,
) -> dict[str, Any]:
    """Clean ``input_dir`` into ``output_dir``; returns ``{"summary": …, "failure": str|None}``."""
    logger = get_run_logger()
    settings = Settings(
        rules=tuple(rules or ()), accepted_languages=tuple(languages or ("en",)),
        other_languages=other_languages, repair_style=repair_style,
    )
    batches = plan_batches(Path(input_dir), batch_size)
    inputs = sum(len(b) for b in batches)
    logger.info("%d inputs in %d batch(es) of up to %d", inputs, len(batches), batch_size)
    progress.info("start", extra={"total": inputs})

    stats = CorpusStats()
    for part in stats_task.map(batches, settings=settings).result():
        stats.merge(part)

    records: list[dict[str, Any]] = []
    futures = clean_task.map(batches, settings=settings, stats=stats)
    for n, future in enumerate(futures, 1):
        batch = future.result()
        records += batch
        published = sum(r["status"] == "published" for r in batch)
        logger.info("batch %d/%d: %d published, %d quarantined",
                    n, len(batches), published, len(batch) - published)
        progress.info("batch", extra={"advance": len(batch)})

    progress.info("finishing", extra={})
    result = finish_task(output_dir, records, settings, inputs, expectations_dir)
    s = result["summary"]
    logger.info("%d published, %d quarantined; validation %s", s["published"], s["quarantined"],
                "passed" if not result["failure"] else "FAILED")
    return result


if __name__ == "__main__":
    import sys

    from copydesk.cli import main

    main(["clean", *sys.argv[1:]])
