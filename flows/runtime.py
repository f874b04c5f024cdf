"""Prefect settings for a run on this machine, and an orderly end to Prefect's temporary server.

``copydesk clean`` runs the flow under Prefect's temporary (ephemeral) server: a uvicorn
subprocess started on first use and stopped with SIGTERM when the interpreter exits. In
Prefect 3.8.8 that server's ``TaskRunRecorder`` writes each task-run event to its SQLite
database as it arrives (batch size 1), and on shutdown it cancels its consumer task. When
SIGTERM lands while a write is in flight (the last task's events arrive just before exit, and
more so on a busy machine), the write is cancelled and the server logs
``Error flushing 1 events (1 to retry, 0 dropped)`` with a ``CancelledError`` traceback on our
stderr (tests/test_quiet_exit.py reproduces it by slowing those writes). ``EventPersister``'s
event writes are cancelled the same way at exit (it logs that at debug level only).

Nobody looks at the temporary server's task runs or event feed (it is gone when the command
ends), so for it both services are off: nothing is written at shutdown, nothing to cancel.
Flow runs, logs and artifacts are API calls and are still recorded. Point ``PREFECT_API_URL``
at a real server (see the README) to keep task runs and events; these settings only reach a
server started from this process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

# Server services the temporary server does not need (see the module docstring).
TEMPORARY_SERVER_SETTINGS = {
    "PREFECT_SERVER_SERVICES_TASK_RUN_RECORDER_ENABLED": "false",
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    # Prefect's 20 s is too short for a first start (database migrations) on a busy machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def set_prefect_defaults(*, verbose: bool = False, temporary_server: bool = True) -> None:
    """Defaults for a run on this machine; anything the user set in the environment wins.

    ``temporary_server``: also configure the temporary server a run without ``PREFECT_API_URL``
    starts (off for processes that talk to a real server, e.g. ``flows/serve.py``)."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    if temporary_server:
        for name, value in TEMPORARY_SERVER_SETTINGS.items():
            os.environ.setdefault(name, value)


@contextlib.contextmanager
def quiet_prefect_shutdown() -> Iterator[None]:
    """Around a flow run: afterwards, deliver Prefect's queued events and logs while the
    server is still up (they would otherwise be sent during interpreter shutdown)."""
    try:
        yield
    finally:
        from prefect.events.worker import EventsWorker
        from prefect.logging.handlers import APILogWorker

        EventsWorker.drain_all(timeout=30)
        APILogWorker.drain_all(timeout=30)


def keep_api_client() -> None:
    """Initializer of ``--runner process`` worker processes: one Prefect API client for all
    the tasks a worker runs. Without it Prefect 3.8.8 builds two clients per task, each with a
    new TLS context that loads the CA bundle (even for the temporary server's plain-HTTP
    URL): 78 → 35-38 ms of worker CPU per task (benchmarks/task_overhead.py), ~8 s per
    100,000 documents in batches of 500. The client context is left open for the life of the
    process. Without an API URL (never in a copydesk run), tasks make their own as before."""
    if not os.environ.get("PREFECT_API_URL"):
        return
    from prefect.context import SyncClientContext

    try:
        SyncClientContext().__enter__()
    except Exception:  # noqa: BLE001 - tasks then make their own client (and report any error)
        import logging

        logging.getLogger(__name__).debug("no shared API client in this worker", exc_info=True)
