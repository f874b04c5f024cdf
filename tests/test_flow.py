"""The Prefect flow end to end on the seeds, under a real temporary Prefect server, and the
`copydesk` command a user runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))


@pytest.fixture(scope="module")
def prefect_server():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="module")
def flow_run(prefect_server, tmp_path_factory):
    from copydesk_flows.clean_news import clean_news

    out = tmp_path_factory.mktemp("clean")
    state = clean_news(input_dir=str(SEEDS / "raw"), output_dir=str(out), batch_size=2, return_state=True)
    return state, out


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_flow_publishes_every_seed_with_the_output_contract(flow_run):
    state, out = flow_run
    assert state.is_completed()
    result = state.result()
    assert result["failure"] is None
    docs = read_jsonl(out / "documents.jsonl")
    assert sorted(d["id"] for d in docs) == sorted(p.stem for p in (SEEDS / "raw").glob("*.txt"))
    assert read_jsonl(out / "quarantine.jsonl") == []
    for d in docs:
        assert {"id", "source", "title", "text", "language", "metadata", "byline", "removed", "repairs",
                "flags"} <= d.keys()
        expected = json.loads((SEEDS / "expected" / f"{d['id']}.json").read_text(encoding="utf-8"))
        assert (out / f"{d['id']}.txt").read_text(encoding="utf-8") == expected["expected_text"] + "\n"
        assert d["text"] == expected["expected_text"]


def test_report_has_summary_and_data_docs(flow_run):
    _, out = flow_run
    summary = json.loads((out / "report" / "summary.json").read_text(encoding="utf-8"))
    assert summary["inputs"] == 5 and summary["published"] == 5 and summary["quarantined"] == 0
    assert summary["removals_by_category"]["breadcrumb"] == 3
    assert summary["repairs_by_kind"]["apostrophe"] == 4
    assert summary["flags"]["non-english-byline"] == 1
    assert summary["validation"]["success"] is True
    assert {e["expectation"] for e in summary["validation"]["expectations"]} >= {
        "expect_column_values_to_not_match_regex_list", "expect_column_pair_values_to_be_equal"}
    assert (out / "report" / "data_docs" / "index.html").exists()


def test_flow_runs_one_task_per_batch_not_per_document(flow_run):
    import asyncio

    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    state, _ = flow_run

    async def task_names():
        async with get_client() as client:
            runs = await client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
            return [r.name.rsplit("-", 1)[0] for r in runs]

    names = asyncio.run(task_names())
    assert names.count("clean-batch") == 3  # 5 documents in batches of 2
    assert names.count("corpus-stats") == 1  # the cheap first pass: one task per ~5,000 inputs


def test_rerun_overwrites_cleanly(prefect_server, tmp_path):
    from copydesk_flows.clean_news import clean_news

    src = tmp_path / "raw"
    shutil.copytree(SEEDS / "raw", src)
    out = tmp_path / "clean"
    clean_news(input_dir=str(src), output_dir=str(out))
    next(src.glob("000_*.txt")).unlink()
    clean_news(input_dir=str(src), output_dir=str(out))
    assert len(read_jsonl(out / "documents.jsonl")) == 4
    assert not list(out.glob("000_*.txt"))
    assert not list(out.glob(".*.tmp"))


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    return subprocess.run([COPYDESK, *args], input=stdin, capture_output=True, cwd=cwd, env=env, timeout=600)


def test_cli_cleans_a_directory(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("clean", str(SEEDS / "raw"), str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"5 inputs: 5 published, 0 quarantined" in proc.stdout
    assert b"Traceback" not in proc.stderr
    assert (out / "documents.jsonl").exists() and (out / "report" / "summary.json").exists()


def test_cli_exits_1_with_one_line_when_validation_fails(tmp_path):
    suites = tmp_path / "suites"
    suites.mkdir()
    (suites / "documents.yaml").write_text(
        "name: documents\nexpectations:\n"
        "  - expectation: expect_column_value_lengths_to_be_between\n"
        "    kwargs: {column: text, min_value: 1, max_value: 100}\n    severity: error\n")
    out = tmp_path / "out"
    proc = run_cli("clean", str(SEEDS / "raw"), str(out), "--expectations", str(suites))
    assert proc.returncode == 1
    err = proc.stderr.decode().strip().splitlines()
    assert err[-1].startswith("copydesk: validation failed: expect_column_value_lengths_to_be_between(text)")
    assert (out / "documents.jsonl").exists() and (out / "report" / "summary.json").exists()


def test_cli_stdin_to_stdout():
    raw = (SEEDS / "raw" / "002_97223278cfabf412.txt").read_bytes()
    proc = run_cli("clean", "-", "-", stdin=raw)
    assert proc.returncode == 0, proc.stderr.decode()
    expected = json.loads((SEEDS / "expected" / "002_97223278cfabf412.json").read_text(encoding="utf-8"))
    assert proc.stdout.decode() == expected["expected_text"] + "\n"


def test_cli_missing_input_is_a_one_line_error(tmp_path):
    proc = run_cli("clean", str(tmp_path / "nope"), str(tmp_path / "out"))
    assert proc.returncode == 2
    assert proc.stderr.decode().strip() == f"copydesk: input not found: {tmp_path / 'nope'}"


def test_cli_with_relative_paths_like_make_run(tmp_path):
    """`make run` is `copydesk clean raw clean` from the repository: relative paths."""
    shutil.copytree(SEEDS / "raw", tmp_path / "raw")
    proc = run_cli("clean", "raw", "clean", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert (tmp_path / "clean" / "report" / "data_docs" / "index.html").exists()
    assert (tmp_path / "clean" / "report" / "review.html").exists()
