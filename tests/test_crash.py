"""Issue 9 crash safety: a run killed with SIGKILL at several points (planning, statistics, mid
batch, finishing) and run again produces exactly the output of an uninterrupted run.

The run is the library's run functions in a child process — the same calls the Prefect flow
makes, without a server — so many kills stay cheap. The child reports each step on stdout; the
test kills it after a chosen step plus a random delay.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds" / "raw"

DRIVER = """
import sys
from pathlib import Path
from copydesk.corpus import CorpusStats
from copydesk.pipeline import Settings
from copydesk.run import (clean_batch_to_shard, finish_run, pending_batches, plan_run,
                          stats_for_batch, stats_path)

src, out = Path(sys.argv[1]), Path(sys.argv[2])
settings = Settings()
run = plan_run(src, out, settings, batch_size=3)
todo = pending_batches(out, run)
print("planned", flush=True)
stats_file = stats_path(out, run)
if todo and not stats_file.exists():
    stats = CorpusStats()
    for batch in run.batches:
        stats.merge(stats_for_batch(batch, settings))
        print("stats", flush=True)
    stats.save(stats_file)
for index in todo:
    clean_batch_to_shard(out, index, run.batches[index], key=run.key, layout=run.layout,
                         settings=settings, stats_file=str(stats_file))
    print("batch", flush=True)
print("finishing", flush=True)
finish_run(out, run, settings, validate_output=False)
print("done", flush=True)
"""


def build_corpus(root: Path) -> Path:
    root.mkdir(parents=True)
    for copy in range(3):
        for path in sorted(SEEDS.glob("*.txt")):
            shutil.copy(path, root / f"{copy}-{path.name}")
    (root / "empty.txt").write_bytes(b"")
    (root / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 50)
    return root


def start(src: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", DRIVER, str(src), str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def run_to_end(src: Path, out: Path) -> None:
    proc = start(src, out)
    stdout, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 0, stderr
    assert stdout.splitlines()[-1] == "done"


def kill_after(src: Path, out: Path, step: str, nth: int, delay: float) -> list[str]:
    """Start a run, SIGKILL it ``delay`` seconds after its ``nth`` ``step`` line; return its steps."""
    proc = start(src, out)
    seen: list[str] = []
    try:
        for line in proc.stdout:
            seen.append(line.strip())
            if seen.count(step) >= nth:
                time.sleep(delay)
                break
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
    return seen


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file a user gets (the resume state in .copydesk/ aside); timings dropped."""
    files = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if path.is_dir() or rel.startswith(".copydesk/"):
            continue
        data = path.read_bytes()
        if rel == "report/summary.json":
            summary = json.loads(data)
            summary.pop("stage_seconds", None)
            data = json.dumps(summary, sort_keys=True).encode()
        files[rel] = data
    return files


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("crash") / "raw")


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("reference")
    run_to_end(corpus, out)
    files = snapshot(out)
    assert len(files["documents.jsonl"].splitlines()) == 15
    assert len(files["quarantine.jsonl"].splitlines()) == 2
    return files


# (step, nth occurrence, extra delay): after planning, during statistics, right after and in the
# middle of batches, and while the final files are written.
KILL_POINTS = [("planned", 1, 0.0), ("stats", 2, 0.0), ("batch", 1, 0.0), ("batch", 3, 0.05),
               ("finishing", 1, 0.0), ("finishing", 1, 0.02)]


@pytest.mark.timeout(900)
@pytest.mark.slow
def test_killed_runs_rerun_to_the_uninterrupted_output(corpus, reference, tmp_path):
    rng = random.Random(9)
    for n, (step, nth, delay) in enumerate(KILL_POINTS):
        out = tmp_path / f"out{n}"
        seen = kill_after(corpus, out, step, nth, delay + rng.uniform(0, 0.05))
        assert "done" not in seen, f"the run finished before the kill at {step} #{nth}"
        run_to_end(corpus, out)
        assert snapshot(out) == reference, f"killed after {step} #{nth}"


@pytest.mark.timeout(900)
@pytest.mark.slow
def test_killed_twice_then_rerun(corpus, reference, tmp_path):
    out = tmp_path / "out"
    kill_after(corpus, out, "batch", 2, 0.0)
    kill_after(corpus, out, "batch", 1, 0.01)  # the second run resumes, and is killed again
    run_to_end(corpus, out)
    assert snapshot(out) == reference


def test_an_old_output_is_replaced_whole(corpus, reference, tmp_path):
    """A rerun over a previous run's output (with stray files of its own) gives the same result."""
    out = tmp_path / "out"
    run_to_end(corpus, out)
    (out / "documents.jsonl").write_text('{"id": "stale"}\n', encoding="utf-8")
    os.utime(out / "documents.jsonl", (0, 0))
    run_to_end(corpus, out)
    assert snapshot(out) == reference
