"""The cleaning flow: list inputs → batches → corpus statistics → clean each batch into a
shard → write, validate and report. One Prefect task per batch, never per document; a task
gets a short description of its batch (file + record range), never the documents. Batches a
crashed run finished are not redone (see copydesk.run).

The task runner is chosen at call time (``run_flow(..., runner="dask")``): threads (default),
processes, or Dask (a local cluster of worker processes, or ``dask_address``).

Run it directly (same arguments as ``copydesk clean``)::

    python flows/clean_news.py raw clean
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from copydesk_flows import artifacts
from copydesk_flows.runtime import keep_api_client
from prefect import flow, get_run_logger, task, unmapped
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner
from prefect.tasks import exponential_backoff

from copydesk.corpus import CorpusStats
from copydesk.pipeline import Settings
from copydesk.read import DEFAULT_MAX_BYTES
from copydesk.run import (
    BatchRef,
    Layout,
    RunPlan,
    clean_batch_to_shard,
    finish_run,
    pending_batches,
    plan_run,
    stats_for_batch,
    stats_groups,
    stats_path,
)
from copydesk.sources import SourceOptions

RUNNERS = ("thread", "process", "dask")

# The CLI listens here to draw its progress bar; a logger keeps the flow free of UI code.
progress = logging.getLogger("copydesk.progress")


@task(name="corpus-stats", cache_policy=NO_CACHE, tags=["copydesk", "io"], retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5)
def stats_task(batches: BatchRef, settings: Settings, options: SourceOptions) -> CorpusStats:
    return stats_for_batch(batches.parts(), settings, options)


@task(name="clean-batch", cache_policy=NO_CACHE, tags=["copydesk", "io"], retries=1,
      retry_delay_seconds=2)
def clean_task(output_dir: str, index: int, batch: BatchRef, key: str, layout: Layout,
               settings: Settings, options: SourceOptions, stats_file: str) -> dict[str, int]:
    return clean_batch_to_shard(Path(output_dir), index, batch.parts(), key=key, layout=layout,
                                settings=settings, options=options, stats_file=stats_file)


@task(name="write-validate-report", cache_policy=NO_CACHE, tags=["copydesk", "io"], retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=1), retry_jitter_factor=0.5)
def finish_task(output_dir: str, run: RunPlan, settings: Settings,
                expectations_dir: str | None, severity: dict[str, str] | None = None,
                extra: dict[str, Any] | None = None) -> dict[str, Any]:
    result = finish_run(Path(output_dir), run, settings, severity=severity, extra=extra,
                        expectations_dir=Path(expectations_dir) if expectations_dir else None)
    return {"summary": result.summary, "failure": result.failure_line()}


@task(name="publish-artifacts", cache_policy=NO_CACHE, tags=["copydesk", "api"], retries=2,
      retry_delay_seconds=exponential_backoff(backoff_factor=1))
def artifacts_task(summary: dict[str, Any], quarantined: list[dict[str, Any]], output_dir: str) -> None:
    """The run's summary, quarantine table and report links on the flow run's Artifacts tab."""
    artifacts.publish(summary, quarantined, output_dir)


@flow(name="clean-news", flow_run_name="clean-news: {input_dir} → {output_dir}",
      task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def clean_news(
    input_dir: str = "raw",
    output_dir: str = "clean",
    rules: list[str] | None = None,
    batch_size: int = 200,
    languages: list[str] | None = None,
    other_languages: str = "flag",
    repair_style: str = "auto",
    expectations_dir: str | None = None,
    output_format: str = "jsonl",
    text_files: bool | None = None,
    fields: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    severity: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Clean ``input_dir`` into ``output_dir``; returns ``{"summary": …, "failure": str|None}``.

    ``output_format`` is the shard format (jsonl or parquet), ``text_files`` forces per-document
    ``.txt`` files on or off (default: only for small runs), ``fields`` names the text/html/id/url
    fields of JSON Lines and Parquet records (``{"text_field": "body"}``); ``severity`` overrides
    expectations' severities by id (``{"no-debris": "warning"}``, see copydesk.validate)."""
    with _shared_temporary_server():
        return _clean_news(input_dir, output_dir, rules, batch_size, languages, other_languages,
                           repair_style, expectations_dir, output_format, text_files, fields,
                           max_bytes, severity)


@contextmanager
def _shared_temporary_server() -> Iterator[None]:
    """Task processes (``--runner process``) talk to this process's temporary Prefect server.

    Without ``PREFECT_API_URL`` every worker process started its own temporary server (seconds
    of start-up and a few hundred MB each, task runs recorded nowhere useful); the process pool
    hands its workers this process's environment at the first submit, so naming the server
    here is enough. A real server (``PREFECT_API_URL`` set) is left alone."""
    if os.environ.get("PREFECT_API_URL"):
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer._instances.get(None)
    if server is None or not server.running:
        yield
        return
    os.environ["PREFECT_API_URL"] = server.api_url
    try:
        yield
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _clean_news(input_dir: str, output_dir: str, rules: list[str] | None, batch_size: int,
                languages: list[str] | None, other_languages: str, repair_style: str,
                expectations_dir: str | None, output_format: str, text_files: bool | None,
                fields: dict[str, str] | None, max_bytes: int, severity: dict[str, str] | None,
                ) -> dict[str, Any]:
    logger = get_run_logger()
    began, wall = time.perf_counter(), time.time()
    settings = Settings(
        rules=tuple(rules or ()), accepted_languages=tuple(languages or ("en",)),
        other_languages=other_languages, repair_style=repair_style, max_bytes=max_bytes,
    )
    options = SourceOptions(**(fields or {}))
    out = Path(output_dir)
    run = plan_run(Path(input_dir), out, settings, batch_size=batch_size, options=options,
                   fmt=output_format, text_files=text_files)
    todo = pending_batches(out, run)
    # Great Expectations takes seconds to import: do it while the tasks run (not while
    # planning, which it would slow down by as much: both hold the GIL).
    threading.Thread(target=_preload_validation, name="copydesk-gx-import", daemon=True).start()
    logger.info("%d inputs in %d batch(es) of up to %d; %d to clean", run.inputs,
                len(run.batches), batch_size, len(todo))
    progress.info("start", extra={"total": run.inputs})
    progress.info("batch", extra={"advance": run.inputs - sum(run.batches.sizes[i] for i in todo)})

    phases = {"plan": time.perf_counter() - began}
    stats_file = stats_path(out, run)
    if todo and not stats_file.exists():
        stats = CorpusStats()  # a few large tasks: the first pass is cheap per document
        for future in stats_task.map(stats_groups(run), settings=settings, options=options):
            stats.merge(future.result())
        stats.save(stats_file)
    phases["stats"] = time.perf_counter() - began - sum(phases.values())

    futures = clean_task.map(unmapped(output_dir), todo, [run.batches.ref(i) for i in todo],
                             key=run.key, layout=run.layout, settings=settings, options=options,
                             stats_file=str(stats_file))
    for n, (index, future) in enumerate(zip(todo, futures, strict=True), 1):
        done = future.result()
        logger.info("batch %d (%d/%d): %d published, %d quarantined",
                    index, n, len(todo), done["published"], done["quarantined"])
        progress.info("batch", extra={"advance": done["published"] + done["quarantined"]})

    phases["clean"] = time.perf_counter() - began - sum(phases.values())
    progress.info("finishing", extra={})
    # where a run's wall time went before the finishing task (which adds its own stages)
    timeline = {"flow_started": round(wall, 3), **{k: round(v, 3) for k, v in phases.items()}}
    result = finish_task(output_dir, run, settings, expectations_dir, severity,
                         extra={"run_seconds": timeline})
    s = result["summary"]
    logger.info("%d published, %d quarantined; validation %s", s["published"], s["quarantined"],
                "passed" if not result["failure"] else "FAILED")
    artifacts_task(s, _read_jsonl(out / "quarantine.jsonl"), output_dir)
    return result


def _preload_validation() -> None:
    from copydesk.validate import preload

    try:
        preload()
    except Exception:  # noqa: BLE001 - validation imports it again and reports any error
        logging.getLogger(__name__).debug("preloading Great Expectations failed", exc_info=True)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def task_runner(runner: str = "thread", dask_address: str | None = None,
                workers: int | None = None) -> TaskRunner:
    """The Prefect task runner for ``--runner``: threads, processes, or Dask (a local cluster
    of ``workers`` single-threaded worker processes, or the scheduler at ``dask_address``)."""
    if runner == "thread":
        return ThreadPoolTaskRunner(max_workers=workers or 2)
    if runner == "process":
        return ProcessPoolTaskRunner(max_workers=workers, initializer=keep_api_client)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers or 2, "threads_per_worker": 1,
                                              "processes": True, "dashboard_address": None})
    raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, not {runner!r}")


def run_flow(*, runner: str = "thread", dask_address: str | None = None,
             workers: int | None = None, **params: Any) -> dict[str, Any]:
    """Run ``clean_news(**params)`` on the chosen task runner."""
    return clean_news.with_options(task_runner=task_runner(runner, dask_address, workers))(**params)


if __name__ == "__main__":
    import sys

    from copydesk.cli import main

    main(["clean", *sys.argv[1:]])
