"""Scale: Dask worker processes give the same bytes as one process, a SIGKILLed run resumes
without redoing finished batches, and sharded outputs load as one table."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.json as pa_json
import pyarrow.parquet as pq
import pytest

from copydesk.pipeline import Settings
from copydesk.run import (
    Layout,
    clean_batch_to_shard,
    finish_run,
    iter_documents,
    pending_batches,
    plan_run,
)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def _texts() -> list[str]:
    paths = sorted((FIXTURES / "seeds" / "raw").glob("*.txt")) + sorted((FIXTURES / "bylines").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


BATCHES = 8  # the module corpus (32 records) in batches of 4


def _corpus(path: Path, copies: int) -> int:
    """A JSON Lines corpus: the fixture articles ``copies`` times, plus one unusable record."""
    lines = [json.dumps({"id": f"a{n:02d}-{i:03d}", "text": t}) for n in range(copies)
             for i, t in enumerate(_texts())]
    assert len(lines) == 31 * copies
    lines.insert(len(lines) // 2, json.dumps({"id": "no-text", "body": "?"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def _cli(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.Popen([COPYDESK, "clean", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True, **kw)


def _run(*args: str) -> None:
    proc = _cli(*args)
    out, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err.decode()[-2000:]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    _corpus(src / "corpus.jsonl", copies=1)
    return src


@pytest.fixture(scope="module")
def thread_output(corpus, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("thread")
    _run(str(corpus), str(out), "--batch-size", "4")
    return out


def test_dask_worker_processes_match_one_process_byte_for_byte(corpus, thread_output, tmp_path):
    out = tmp_path / "dask"
    _run(str(corpus), str(out), "--batch-size", "4", "--runner", "dask", "--workers", "2")
    for name in ("documents.jsonl", "quarantine.jsonl"):
        assert (out / name).read_bytes() == (thread_output / name).read_bytes(), name
    docs = [json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()]
    assert len(docs) == len(_texts())  # every article, in input order, once
    assert [d["id"] for d in docs] == sorted(d["id"] for d in docs)
    assert json.loads((out / "quarantine.jsonl").read_text())["id"] == "no-text"


def test_process_workers_match_one_process_quietly(corpus, thread_output, tmp_path):
    """``--runner process``: Prefect's process pool, whose workers keep one API client for all
    their tasks (flows/runtime.py keep_api_client); same bytes, nothing on stderr."""
    out = tmp_path / "process"
    proc = _cli(str(corpus), str(out), "--batch-size", "4", "--runner", "process", "--workers", "2")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0 and not err.strip(), err.decode()[-2000:]
    for name in ("documents.jsonl", "quarantine.jsonl"):
        assert (out / name).read_bytes() == (thread_output / name).read_bytes(), name


def test_sigkilled_run_resumes_without_redoing_batches(corpus, thread_output, tmp_path):
    out = tmp_path / "out"
    args = (str(corpus), str(out), "--batch-size", "4")
    proc = _cli(*args)
    markers = out / ".copydesk" / "batches"
    deadline = time.monotonic() + 300
    while len(list(markers.glob("*.json"))) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done = {p.name: p.stat().st_mtime_ns for p in markers.glob("*.json")}
    assert 2 <= len(done) < BATCHES, "the run should have been killed part-way"
    assert not (out / "report" / "summary.json").exists()

    _run(*args)
    after = {p.name: p.stat().st_mtime_ns for p in markers.glob("*.json")}
    assert len(after) == BATCHES
    assert all(after[name] == mtime for name, mtime in done.items())  # finished batches kept
    for name in ("documents.jsonl", "quarantine.jsonl"):
        assert (out / name).read_bytes() == (thread_output / name).read_bytes(), name
    summary = json.loads((out / "report" / "summary.json").read_text())
    assert summary["inputs"] == summary["published"] + summary["quarantined"] == len(_texts()) + 1


def test_changed_input_or_settings_do_not_reuse_batches(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    _corpus(src / "c.jsonl", copies=1)
    run = plan_run(src, out, Settings(), batch_size=10)
    for i, batch in enumerate(run.batches[:2]):
        clean_batch_to_shard(out, i, batch, key=run.key, layout=run.layout, settings=Settings())
    assert pending_batches(out, run) == list(range(2, len(run.batches)))
    assert pending_batches(out, plan_run(src, out, Settings(repair=False), batch_size=10)) == list(
        range(len(run.batches)))
    time.sleep(0.01)
    with (src / "c.jsonl").open("a") as fh:
        fh.write(json.dumps({"id": "new", "text": "One more story."}) + "\n")
    assert pending_batches(out, plan_run(src, out, Settings(), batch_size=10)) == list(
        range(len(run.batches)))


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_sharded_output_loads_as_one_table(tmp_path, fmt):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    n = _corpus(src / "c.jsonl", copies=1)
    run = plan_run(src, out, Settings(), batch_size=8)
    run = dataclasses.replace(run, layout=Layout(fmt, sharded=True, text_files=False))
    for i, batch in enumerate(run.batches):
        clean_batch_to_shard(out, i, batch, key=run.key, layout=run.layout, settings=Settings())
    result = finish_run(out, run, Settings())
    assert result.summary["published"] == n - 1 and result.summary["validation"]["success"]
    shards = sorted(out.glob("documents-*"))
    assert len(shards) == len(run.batches) and not (out / "documents.jsonl").exists()
    assert not list(out.glob("*.txt"))
    if fmt == "parquet":
        tables = [pq.read_table(s) for s in shards]
        assert len({t.schema for t in tables}) == 1  # one schema for every shard
    else:
        tables = [pa_json.read_json(gzip.open(s)) for s in shards]
    assert sum(t.num_rows for t in tables) == n - 1
    ids = [i for t in tables for i in t.column("id").to_pylist()]
    assert len(set(ids)) == len(ids) and ids == [d["id"] for d in iter_documents(out, run)]
    assert "stage_seconds" in result.summary and result.summary["stage_seconds"]["classify"] > 0
