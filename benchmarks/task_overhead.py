"""Prefect's cost per task under ``--runner process``: N no-op tasks on 2 worker processes,
with and without ``keep_api_client`` (the workers' initializer in copydesk clean).

    .venv/bin/python benchmarks/task_overhead.py --tasks 200

Prints the wall time and each process's CPU seconds (the workers, the temporary server) for
the N tasks, after 4 warm-up tasks (worker start-up is not counted). Not a unit test.
"""

from __future__ import annotations

import argparse
import os
import time

import psutil
from copydesk_flows.runtime import keep_api_client, set_prefect_defaults

set_prefect_defaults()  # before Prefect is imported: its log level, the temporary server's services
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner  # noqa: E402


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def noop(i: int) -> dict[str, int]:
    return {"i": i}


def measure(n: int, keep: bool) -> None:
    @flow(task_runner=ProcessPoolTaskRunner(max_workers=2, initializer=keep_api_client if keep else None))
    def tasks() -> None:
        from prefect.server.api.server import SubprocessASGIServer

        server = SubprocessASGIServer._instances.get(None)
        if server is not None:  # as copydesk's flow does: workers use this temporary server
            os.environ["PREFECT_API_URL"] = server.api_url
        for future in noop.map(list(range(4))):
            future.result()
        before = {p.pid: sum(p.cpu_times()[:2]) for p in psutil.Process().children(recursive=True)}
        start = time.perf_counter()
        for future in noop.map(list(range(n))):
            future.result()
        wall = time.perf_counter() - start
        used = {p: sum(p.cpu_times()[:2]) - before.get(p.pid, 0.0)
                for p in psutil.Process().children(recursive=True)}
        workers = sorted(v for p, v in used.items() if "spawn_main" in " ".join(p.cmdline()))
        print(f"{'keep_api_client' if keep else 'a client per task'}: {n} tasks in {wall:.1f}s; "
              f"worker CPU {' + '.join(f'{w:.2f}' for w in workers)} s "
              f"= {sum(workers) / n * 1000:.0f} ms per task; all processes {sum(used.values()):.1f} s")
        os.environ.pop("PREFECT_API_URL", None)

    tasks()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=200)
    args = ap.parse_args()
    for keep in (False, True, False, True):
        measure(args.tasks, keep)


if __name__ == "__main__":
    main()
