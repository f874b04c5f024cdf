"""A good `copydesk clean` run ends without tracebacks from Prefect's temporary server.

Prefect 3.8.8's temporary server records task-run events as they arrive and cancels an
in-flight write when it is stopped at exit, logging "Error flushing 1 events" with a
CancelledError traceback (see flows/runtime.py). One of the runs here makes those writes slow,
as they are on a busy machine, which made that traceback appear on every run before the fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds" / "raw"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))

# Loaded by the temporary server's Python (via PYTHONPATH): each task-run write waits 1.5 s.
SLOW_WRITES = '''
import os, sys
if os.environ.get("PREFECT__SERVER_EPHEMERAL"):
    import asyncio, importlib.abc, importlib.util

    class SlowTaskRunWrites(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name != "prefect.server.services.task_run_recorder":
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(name)
            load = spec.loader.exec_module

            def exec_module(module):
                load(module)
                write = module.record_bulk_task_run_events

                async def slow(events):
                    await asyncio.sleep(1.5)
                    return await write(events)

                module.record_bulk_task_run_events = slow

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, SlowTaskRunWrites())
'''


@pytest.mark.parametrize("run", ["first", "again", "slow-database"])
def test_good_run_prints_no_traceback(run: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    if run == "slow-database":
        (tmp_path / "site").mkdir()
        (tmp_path / "site" / "sitecustomize.py").write_text(SLOW_WRITES)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(tmp_path / "site"),
                                                          env.get("PYTHONPATH")]))
    out = tmp_path / "clean"
    done = subprocess.run([COPYDESK, "clean", str(SEEDS), str(out), "--batch-size", "1"], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "5 published" in done.stdout
    assert "Traceback" not in done.stderr
    assert "Error flushing" not in done.stderr
