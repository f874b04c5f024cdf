"""Serve the ``clean-news`` flow as a deployment on a Prefect server (no work pool needed).

    PREFECT_API_URL=http://127.0.0.1:4200/api python flows/serve.py raw clean --cron "0 6 * * *"
    python flows/serve.py raw clean --runner dask          # tasks on a local Dask cluster

Creates (or updates) the deployment ``clean-news/serve`` with these default parameters and
runs its flow runs in subprocesses of this process until it is stopped (Ctrl-C / SIGTERM).
Runs start on the schedule, or on demand from the UI ("Quick run" / "Custom run"),
``prefect deployment run clean-news/serve`` or ``run_deployment("clean-news/serve")``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from prefect import Flow
from prefect.deployments.runner import EntrypointType

DEPLOYMENT = "serve"
TAGS = ["copydesk"]
RUNNERS = ("thread", "process", "dask")  # as copydesk_flows.clean_news.task_runner
_PREFIX = "clean_news_"


def flow_for(runner: str) -> Flow:
    """The clean-news flow with ``runner``'s task runner."""
    from copydesk_flows.clean_news import clean_news, task_runner

    return clean_news.with_options(task_runner=task_runner(runner))


def __getattr__(name: str) -> Flow:
    """``copydesk_flows.serve.clean_news_<runner>``: the entrypoint a served run loads."""
    if name.startswith(_PREFIX) and name.removeprefix(_PREFIX) in RUNNERS:
        return flow_for(name.removeprefix(_PREFIX))
    raise AttributeError(name)


def parameters(input_dir: str, output_dir: str, rules: list[str], batch_size: int) -> dict[str, Any]:
    """The deployment's default parameters; relative paths are made absolute (runs start elsewhere)."""
    return {
        "input_dir": str(Path(input_dir).resolve()),
        "output_dir": str(Path(output_dir).resolve()),
        "rules": [str(Path(r).resolve()) for r in rules],
        "batch_size": batch_size,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the clean-news flow as a Prefect deployment.")
    parser.add_argument("input_dir", nargs="?", default="raw")
    parser.add_argument("output_dir", nargs="?", default="clean")
    parser.add_argument("--rules", action="append", default=[], help="extra debris rules (YAML)")
    parser.add_argument("--batch-size", type=int, default=200)
    parser.add_argument("--runner", choices=RUNNERS, default="thread", help="task runner")
    parser.add_argument("--cron", help="schedule, e.g. '0 6 * * *' (default: on demand only)")
    parser.add_argument("--name", default=DEPLOYMENT, help="deployment name")
    args = parser.parse_args(argv)

    from copydesk_flows.runtime import set_prefect_defaults

    set_prefect_defaults(verbose=True, temporary_server=False)
    from prefect import serve

    deployment = flow_for(args.runner).to_deployment(
        name=args.name,
        cron=args.cron,
        parameters=parameters(args.input_dir, args.output_dir, args.rules, args.batch_size),
        tags=[*TAGS, f"runner:{args.runner}"],
        description="Clean scraped news text: INPUT_DIR → OUTPUT_DIR, validate, report.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    # runs load the flow from the installed package (independent of this process's working
    # directory) with the chosen task runner; the task runner is not a flow parameter
    deployment.entrypoint = f"copydesk_flows.serve.{_PREFIX}{args.runner}"
    serve(deployment)


if __name__ == "__main__":
    main()
