"""Where a run's memory goes, in one process without Prefect's engine (RSS from psutil).

    .venv/bin/python benchmarks/memory.py worker CORPUS RUN_OUTPUT [--batches 4]
    .venv/bin/python benchmarks/memory.py flow
    .venv/bin/python benchmarks/memory.py finish CORPUS RUN_OUTPUT

``worker``: RSS after each import a ``--runner process`` worker makes, then after each
``clean_batch_to_shard`` of the first batches of CORPUS (written to a temporary directory,
with the corpus statistics of RUN_OUTPUT). ``flow``: RSS after each import the flow process
(``copydesk clean``) makes. ``finish``: ``finish_run`` again on RUN_OUTPUT
(a finished ``copydesk clean CORPUS RUN_OUTPUT --batch-size 500 --no-text-files``; it
rewrites its report), with the peak RSS of each GX validation chunk (sampled every 5 ms).
Not a unit test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import tempfile
import threading
import time
from pathlib import Path

import psutil

PROCESS = psutil.Process()
WORKER_IMPORTS = [
    ("numpy", "numpy"),
    ("prefect", "prefect"),
    ("copydesk.cli", "typer + copydesk.cli (the copydesk command, a worker's __mp_main__)"),
    ("copydesk.pipeline", "copydesk.pipeline (trafilatura, ftfy, charset_normalizer, regex, ...)"),
    ("copydesk.run", "copydesk.run (validate, review, write, sources)"),
    ("copydesk_flows.clean_news", "copydesk_flows.clean_news (Prefect flows and tasks)"),
    ("prefect_dask", "prefect_dask: dask, distributed (Prefect loads its collections)"),
]
FLOW_IMPORTS = [
    *WORKER_IMPORTS[:3],
    ("copydesk_flows.clean_news", "copydesk_flows.clean_news (copydesk.run, Prefect flows and tasks)"),
    ("prefect.server.api.server", "prefect.server.api.server (starts Prefect's temporary server)"),
    WORKER_IMPORTS[-1],
    ("pandas", "pandas (validation tables)"),
    ("scipy.stats", "scipy.stats (imported by Great Expectations)"),
    ("altair", "altair (imported by Great Expectations)"),
    ("great_expectations", "great_expectations (the rest)"),
]


def rss() -> float:
    return PROCESS.memory_info().rss / 2**20


class _Peak:
    """The largest RSS seen since the last ``take`` (a thread samples it every 5 ms)."""

    def __init__(self) -> None:
        self.value = rss()
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        while True:
            self.value = max(self.value, rss())
            time.sleep(0.005)

    def take(self) -> float:
        value, self.value = self.value, rss()
        return value


class _Steps:
    """Prints RSS and its change since the last step."""

    def __init__(self) -> None:
        self.last = rss()

    def show(self, what: str) -> None:
        now = rss()
        print(f"{what:70s} {now:6.0f} MB  {now - self.last:+5.0f}")
        self.last = now

    def imports(self, modules: list[tuple[str, str]]) -> None:
        self.show("python")
        for module, what in modules:
            importlib.import_module(module)
            self.show(what)


def worker(corpus: Path, output: Path, batches: int) -> None:
    steps = _Steps()
    steps.imports(WORKER_IMPORTS)
    from copydesk.pipeline import Settings
    from copydesk.run import clean_batch_to_shard, plan_run

    settings = Settings()
    run = plan_run(corpus, output, settings, batch_size=500, text_files=False)
    stats = str(next(output.glob(".copydesk/stats-*.npz")))
    gc.collect()
    steps.show(f"a plan of {len(run.batches)} batches (the flow's, not the worker's)")
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(min(batches, len(run.batches))):
            clean_batch_to_shard(Path(tmp), i, run.batches[i], key=run.key, layout=run.layout,
                                 settings=settings, stats_file=stats)
            steps.show(f"clean_batch_to_shard, batch {i}")


def finish(corpus: Path, output: Path) -> None:
    from copydesk import run as run_module
    from copydesk.pipeline import Settings
    from copydesk.validate import preload

    preload()
    settings = Settings()
    run = run_module.plan_run(corpus, output, settings, batch_size=500, text_files=False)
    gc.collect()
    print(f"Great Expectations imported, run planned: {rss():.0f} MB")
    peak, validate = _Peak(), run_module.validate
    chunk = 0

    def timed(*args, **kwargs):
        nonlocal chunk
        before = peak.take()
        report = validate(*args, **kwargs)
        print(f"chunk {chunk}: peak while its table was built {before:.0f} MB, "
              f"while it was validated {peak.take():.0f} MB")
        chunk += 1
        return report

    run_module.validate = timed
    result = run_module.finish_run(output, run, settings)
    print(f"finish_run: peak after the last chunk {peak.take():.0f} MB, now {rss():.0f} MB; "
          f"validation {'passed' if result.success else 'FAILED'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["worker", "flow", "finish"])
    ap.add_argument("corpus", type=Path, nargs="?")
    ap.add_argument("output", type=Path, nargs="?",
                    help="the output directory of a finished run of CORPUS")
    ap.add_argument("--batches", type=int, default=4)
    args = ap.parse_args()
    if args.what == "flow":
        _Steps().imports(FLOW_IMPORTS)
    elif args.corpus is None or args.output is None:
        ap.error(f"{args.what} needs CORPUS and RUN_OUTPUT")
    elif args.what == "worker":
        worker(args.corpus, args.output, args.batches)
    else:
        finish(args.corpus, args.output)


if __name__ == "__main__":
    main()
