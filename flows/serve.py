"""Serve the ``clean-news`` flow as a deployment on a Prefect server (no work pool needed).

    PREFECT_API_URL=http://127.0.0.1:4200/api python flows/serve.py raw clean --cron "0 6 * * *"

Creates (or updates) the deployment ``clean-news/serve`` with these default parameters and
runs its flow runs in subprocesses of this process until it is stopped (Ctrl-C / SIGTERM).
Runs start on the schedule, or on demand from the UI ("Quick run" / "Custom run"),
``prefect deployment run clean-news/serve`` or ``run_deployment("clean-news/serve")``.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from prefect.deployments.runner import EntrypointType

DEPLOYMENT = "serve"
TAGS = ["copydesk"]


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
    parser.add_argument("--cron", help="schedule, e.g. '0 6 * * *' (default: on demand only)")
    parser.add_argument("--name", default=DEPLOYMENT, help="deployment name")
    args = parser.parse_args(argv)

    from copydesk_flows.runtime import set_prefect_defaults

    set_prefect_defaults(verbose=True, temporary_server=False)
    from copydesk_flows.clean_news import clean_news

    clean_news.serve(
        name=args.name,
        cron=args.cron,
        parameters=parameters(args.input_dir, args.output_dir, args.rules, args.batch_size),
        tags=TAGS,
        description="Clean scraped news text: INPUT_DIR → OUTPUT_DIR, validate, report.",
        # the installed module, so runs do not depend on this process's working directory
        entrypoint_type=EntrypointType.MODULE_PATH,
    )


if __name__ == "__main__":
    main()
