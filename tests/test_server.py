"""The cleaning flow on a real Prefect server: `prefect server start` with its own database and
basic auth, the flow served (flows/serve.py) and deployed to a process work pool (prefect.yaml +
`prefect worker start`), runs triggered through the API, outputs and artifacts checked."""

from __future__ import annotations

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx
import pytest

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds" / "raw"
BIN = Path(sys.executable).parent
AUTH = "copydesk:s3cret-for-tests"


@dataclass
class Server:
    url: str  # the API, e.g. http://127.0.0.1:4321/api
    env: dict[str, str]  # environment for a client process (API URL and credentials)
    log: Path
    tmp: Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT) -> subprocess.Popen:
    """A process in its own process group, output to ``log``."""
    with log.open("ab") as fh:
        return subprocess.Popen(args, env=env, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    """Stop a process started by ``_start`` and everything it started (its process group)."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    try:  # what is left of the group (flow-run subprocesses)
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _wait_for(what: str, check: Callable[[], Any], timeout: float, log: Path | None = None) -> Any:
    """Poll ``check`` until it returns something truthy; fail with ``what`` and the log tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.5)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}\n--- {log} ---\n{tail}")


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """`prefect server start` on a free port, with its own home, SQLite database and auth."""
    tmp = tmp_path_factory.mktemp("prefect-server")
    port = _free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    base |= {"PREFECT_HOME": str(tmp / "home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false"}
    server_env = base | {
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp / 'prefect.db'}",
        "PREFECT_SERVER_API_AUTH_STRING": AUTH,
        "PREFECT_UI_ENABLED": "false",
    }
    log = tmp / "server.log"
    proc = _start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1",
                   "--port", str(port)], server_env, log)
    url = f"http://127.0.0.1:{port}/api"

    def healthy() -> bool:
        assert proc.poll() is None, f"prefect server exited:\n{log.read_text(errors='replace')}"
        try:
            return httpx.get(f"{url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        _wait_for("the Prefect server's /api/health", healthy, 180, log)
        yield Server(url, base | {"PREFECT_API_URL": url, "PREFECT_API_AUTH_STRING": AUTH,
                                  "PREFECT_LOGGING_LEVEL": "INFO"}, log, tmp)
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[Any]:
    """A synchronous Prefect API client for this server, with the credentials; in-process
    Prefect calls (run_deployment) talk to the same server."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: server.url, PREFECT_API_AUTH_STRING: AUTH}):
        with get_client(sync_client=True) as c:
            yield c


def test_requests_without_the_credentials_are_refused(server: Server) -> None:
    def filter_flows(headers: dict[str, str]) -> int:
        return httpx.post(f"{server.url}/flows/filter", json={}, headers=headers, timeout=10).status_code

    basic = "Basic " + base64.b64encode(AUTH.encode()).decode()
    wrong = "Basic " + base64.b64encode(b"copydesk:wrong").decode()
    assert filter_flows({}) == 401
    assert filter_flows({"Authorization": wrong}) == 401
    assert filter_flows({"Authorization": basic}) == 200
    # health stays open for probes
    assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200


def test_cli_client_needs_the_auth_string(server: Server) -> None:
    env = server.env | {"PREFECT_API_AUTH_STRING": ""}
    env.pop("PREFECT_API_AUTH_STRING")
    refused = subprocess.run([str(BIN / "prefect"), "flow", "ls"], env=env, capture_output=True,
                             text=True, timeout=120)
    assert refused.returncode != 0 and "401" in refused.stdout + refused.stderr
    accepted = subprocess.run([str(BIN / "prefect"), "flow", "ls"], env=server.env,
                              capture_output=True, text=True, timeout=120)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr


def _run_and_wait(client: Any, deployment: str, parameters: dict[str, Any], log: Path) -> Any:
    """Trigger a run of ``deployment`` through the API and wait until it is final."""
    from prefect.deployments import run_deployment

    run = run_deployment(deployment, parameters=parameters, timeout=0, client=client)

    def final() -> Any:
        current = client.read_flow_run(run.id)
        return current if current.state and current.state.is_final() else None

    done = _wait_for(f"flow run {run.id} of {deployment} to finish", final, 420, log)
    assert done.state.is_completed(), f"{done.state.type}: {done.state.message}\n{log.read_text()[-4000:]}"
    return done


def _artifacts(client: Any, flow_run_id: UUID) -> dict[str, Any]:
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    found = client.read_artifacts(
        artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id])))
    return {a.key: a for a in found}


def _check_outputs_and_artifacts(client: Any, flow_run: Any, out: Path) -> None:
    ids = sorted(p.stem for p in SEEDS.glob("*.txt"))
    published = [json.loads(line) for line in (out / "documents.jsonl").read_text().splitlines()]
    assert sorted(d["id"] for d in published) == ids
    assert all((out / f"{i}.txt").read_text().strip() for i in ids)

    artifacts = _artifacts(client, flow_run.id)
    summary = artifacts["clean-news-summary"]
    assert summary.type == "markdown"
    assert f"{len(ids)} inputs" in summary.data and f"{len(ids)} published" in summary.data
    assert "validation **passed**" in summary.data
    table = artifacts["clean-news-quarantine"]
    assert table.type == "table" and json.loads(table.data) == []
    # a link artifact is stored as markdown: [text](file:///…)
    docs = artifacts["clean-news-data-docs"]
    assert f"({(out / 'report' / 'data_docs' / 'index.html').resolve().as_uri()})" in docs.data
    if (out / "report" / "review.html").exists():
        assert (out / "report" / "review.html").resolve().as_uri() in artifacts["clean-news-review"].data


def _task_run_names(client: Any, flow_run_id: UUID) -> set[str]:
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return {r.name.rsplit("-", 1)[0] for r in runs}


def test_served_deployment_runs_on_demand(server: Server, client: Any, tmp_path: Path) -> None:
    log = server.tmp / "serve.log"
    serve = _start([sys.executable, str(ROOT / "flows" / "serve.py"), str(SEEDS),
                    str(server.tmp / "unused"), "--batch-size", "2", "--runner", "process"],
                   server.env, log, cwd=tmp_path)
    try:
        deployment = _wait_for("flows/serve.py to create clean-news/serve",
                               lambda: _deployment(client, "clean-news/serve"), 180, log)
        assert deployment.parameters["input_dir"] == str(SEEDS)
        assert set(deployment.tags) >= {"copydesk", "runner:process"}
        assert deployment.entrypoint == "copydesk_flows.serve.clean_news_process"
        out = tmp_path / "clean"
        run = _run_and_wait(client, "clean-news/serve", {"output_dir": str(out)}, log)
        _check_outputs_and_artifacts(client, run, out)
        names = _wait_for("the task runs to be recorded",
                          lambda: (n := _task_run_names(client, run.id)) >= {
                              "corpus-stats", "clean-batch", "write-validate-report",
                              "publish-artifacts"} and n, 60)
        assert "publish-artifacts" in names
    finally:
        _stop(serve)


def _deployment(client: Any, name: str) -> Any:
    from prefect.exceptions import ObjectNotFound

    try:
        return client.read_deployment_by_name(name)
    except ObjectNotFound:
        return None


def test_prefect_yaml_deployment_runs_on_a_process_worker(server: Server, client: Any,
                                                          tmp_path: Path) -> None:
    log = server.tmp / "worker.log"
    prefect = str(BIN / "prefect")
    for args in (["work-pool", "create", "copydesk", "--type", "process"],
                 ["--no-prompt", "deploy", "--all"]):
        done = subprocess.run([prefect, *args], env=server.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, f"prefect {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    deployment = client.read_deployment_by_name("clean-news/copydesk")
    assert deployment.work_pool_name == "copydesk"
    assert deployment.parameters["input_dir"] == "raw"
    assert [s.active for s in deployment.schedules] == [False]

    worker = _start([prefect, "worker", "start", "--pool", "copydesk", "--limit", "1"],
                    server.env, log)
    try:
        out = tmp_path / "clean"
        run = _run_and_wait(client, "clean-news/copydesk",
                            {"input_dir": str(SEEDS), "output_dir": str(out), "batch_size": 2}, log)
        _check_outputs_and_artifacts(client, run, out)
    finally:
        _stop(worker)
