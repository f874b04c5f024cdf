"""Prefect settings for a local run, and containment of Prefect's noisy shutdown."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


def set_prefect_defaults(*, verbose: bool = False) -> None:
    """Defaults for a run on this machine; anything the user set in the environment wins."""
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")


@contextlib.contextmanager
def quiet_prefect_shutdown() -> Iterator[None]:
    yield
