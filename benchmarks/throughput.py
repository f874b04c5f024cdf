"""Throughput benchmark: generate a corpus, time ``copydesk clean`` on it, compare with the
naive chain a user would write (ftfy + langdetect on the whole text + the same regex rules,
per document, one process).

    .venv/bin/python benchmarks/throughput.py --docs 10000
    .venv/bin/python benchmarks/throughput.py --docs 100000 --runner process --workers 2

Articles come from tests/fixtures (and /work/shared/eval-dev/aeb/gold when present), mixed
with debris lines of the kinds copydesk removes, ~4 KB per document; their prose paragraphs
are remixed from their sentences so that, as in a real crawl, they do not recur across
documents (``--no-remix``: the corpus of sessions 1-5, where they do). Prints documents/s and
MB/s end to end and excluding start-up (launch until the flow's body runs: imports, Prefect's
temporary server, the flow run), the flow's phases (plan, corpus statistics, cleaning, finish),
peak RSS (the largest process, and the peak of the sum over the whole process tree sampled
every 0.2 s with psutil), seconds per stage (from report/summary.json, summed over workers)
and the ratio to the naive chain (timed on a sample, one process). Not a unit test: nothing
here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = Path("/work/shared/eval-dev/aeb/gold")
DEBRIS_TOP = ["Home > News > World", "Home / Politics / Europe", "5 min read", "12,345 views",
              "Share on Facebook", "Share this article", "By Jane Smith", "Updated 3 hours ago",
              "Advertisement", "Skip to content"]
DEBRIS_BOTTOM = ["Related posts", "Read more", "Image: Shutterstock.com / Fotosr52",
                 "Sign up for our newsletter", "Tags: politics, europe", "Comments (12)",
                 "Artículos relacionados", "Verwandte Artikel", "© 2025 Example Media"]


def _articles() -> list[str]:
    paths = sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))
    if GOLD.is_dir():
        paths += sorted(GOLD.glob("*.txt"))
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in paths]
    return [t for t in texts if len(t) > 800]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"‘(])|(?<=[.!?][\"”’)])\s+(?=[A-Z“\"‘(])")


def _sentences(articles: list[str], language: dict[str, str | None]) -> dict[str | None, list[str]]:
    """The sentences of the articles' prose paragraphs (lines of 80+ characters), by the
    article's language (a remixed paragraph stays in one language)."""
    pools: dict[str | None, list[str]] = {}
    for a in articles:
        pools.setdefault(language[a], []).extend(
            s for line in a.splitlines() if len(line) >= 80
            for s in _SENTENCE_END.split(line.strip()) if len(s) >= 20)
    return pools


def generate(out: Path, n: int, seed: int = 0, remix: bool = True) -> int:
    """Write ``n`` text documents of ~4 KB into ``out``; returns the total bytes.

    ``remix``: each prose paragraph (80+ characters) is rewritten as as many sentences (at
    least two) drawn at random, so paragraphs do not recur across documents, as in
    a real crawl (only the debris lines and short lines such as subheadings recur); without
    it, the ~130 articles' own paragraphs recur thousands of times in a large corpus. The
    sentences come from articles in the same language."""
    from copydesk.language import detect_language

    rng = random.Random(seed)
    articles = _articles()
    language = {a: detect_language(a) for a in articles} if remix else {}
    pools = _sentences(articles, language) if remix else {}
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        text, kept = [], 0
        while kept <= 3600:  # article bodies (a short one is followed by another) up to ~4 KB
            article = rng.choice(articles)
            body = [ln for ln in article.splitlines() if ln.strip()]
            pool = pools.get(language.get(article), [])
            start = rng.randrange(max(1, len(body) - 12)) if not text else 0
            for line in body[start:]:
                if kept > 3600:
                    break
                if remix and len(line) >= 80:
                    count = max(2, len(_SENTENCE_END.split(line.strip())))
                    line = " ".join(rng.choice(pool) for _ in range(count))
                text.append(line)
                kept += len(line) + 1
        doc = rng.sample(DEBRIS_TOP, 3) + text + rng.sample(DEBRIS_BOTTOM, 3)
        data = ("\n".join(doc) + "\n").encode("utf-8")
        sub = out / f"{i // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc-{i:07d}.txt").write_bytes(data)
        total += len(data)
    return total


def naive(paths: list[Path]) -> float:
    """Seconds per document for ftfy + langdetect (whole text) + the same regex rules."""
    import ftfy
    from langdetect import DetectorFactory, detect

    from copydesk.rules_loader import load_rules

    DetectorFactory.seed = 0
    patterns = [__import__("re").compile(p) for p in load_rules(()).patterns_for_validation()]
    start = time.perf_counter()
    for path in paths:
        text = ftfy.fix_text(path.read_text(encoding="utf-8"))
        lines = [ln for ln in text.splitlines() if not any(p.search(ln) for p in patterns)]
        detect("\n".join(lines))
    return (time.perf_counter() - start) / len(paths)


CLEANING = ("read", "decode", "extract", "fix", "classify", "repair", "detect")


class _TreeRss:
    """Samples the summed RSS of a process and all its descendants (psutil, every 0.2 s), and
    each process's CPU seconds over time (to tell which process used the CPU in each phase)."""

    def __init__(self, pid: int) -> None:
        self.peak_mb, self.max_procs = 0.0, 0
        self.by_process: dict[str, float] = {}  # peak RSS (MB) per process, by pid and role
        self.cpu: list[tuple[float, dict[str, float]]] = []  # (epoch s, CPU s by process)
        self._done = threading.Event()
        try:
            import psutil
        except ImportError:  # the largest-process figure (RUSAGE_CHILDREN) is still printed
            return
        self._root = psutil.Process(pid)
        threading.Thread(target=self._sample, args=(psutil,), daemon=True).start()

    def _sample(self, psutil) -> None:
        while not self._done.wait(0.2):
            try:
                procs = [self._root, *self._root.children(recursive=True)]
            except psutil.NoSuchProcess:
                if not self._root.is_running():
                    return
                continue  # a child exited while the tree was walked
            except psutil.Error:
                return
            total, cpu, now = 0, {}, time.time()
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    name = f"{p.pid} {_role(p.cmdline())}"
                    times = p.cpu_times()
                except psutil.Error:
                    continue
                total += rss
                cpu[name] = times.user + times.system
                self.by_process[name] = max(self.by_process.get(name, 0.0), rss / 2**20)
            self.cpu.append((now, cpu))
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self.max_procs = max(self.max_procs, len(procs))

    def stop(self) -> None:
        self._done.set()

    def cpu_between(self, start: float, end: float) -> dict[str, float]:
        """CPU seconds each process used between two epoch times (nearest samples)."""
        inside = [c for t, c in self.cpu if start <= t <= end]
        if not inside:
            return {}
        first, last = inside[0], inside[-1]
        return {k: v - first.get(k, 0.0) for k, v in last.items()}


def _cpu_by_phase(tree: _TreeRss, phases: dict[str, float], launched: float, reported: float,
                  ended: float) -> None:
    """One line per flow phase: CPU seconds by process (workers, flow, Prefect server)."""
    edges = [("start-up", launched)]
    at = phases.get("flow_started", launched)
    for name, seconds in phases.items():
        if name != "flow_started":
            edges.append((name, at))
            at += seconds
    edges += [("finish", at), ("exit", reported)]
    for (name, start), (_, end) in zip(edges, [*edges[1:], ("", ended)], strict=True):
        used = tree.cpu_between(start, end)
        print(f"  CPU s in {name} ({end - start:.1f}s wall): "
              + "; ".join(f"{k} {v:.1f}" for k, v in used.items() if v >= 0.05))


def _role(cmdline: list[str]) -> str:
    line = " ".join(cmdline)
    for key, role in (("uvicorn", "prefect-server"), ("prefect.server", "prefect-server"),
                      ("multiprocessing", "worker"), ("copydesk clean", "flow (copydesk clean)")):
        if key in line:
            return role
    return line[-60:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--runner", default="process")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-sample", type=int, default=500)
    ap.add_argument("--no-remix", action="store_true",
                    help="keep the articles' paragraphs as they are (they recur across documents; "
                    "the corpus of sessions 1-5)")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and output")
    ap.add_argument("--corpus", type=Path, help="generate the corpus here once and reuse it "
                    "(kept); the output goes to CORPUS-clean")
    ap.add_argument("--output", type=Path, help="write the run's output here (emptied first) "
                    "instead of CORPUS-clean")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    src, out = work / "raw", work / "clean"
    if args.corpus:
        src, out = args.corpus, args.corpus.with_name(args.corpus.name + "-clean")
    if args.output:
        out = args.output
    if args.corpus or args.output:
        shutil.rmtree(out, ignore_errors=True)  # else the run resumes and cleans nothing
    t0 = time.perf_counter()
    if args.corpus and (src / ".complete").exists():
        size = sum(p.stat().st_size for p in src.rglob("*.txt"))
        print(f"reusing {src}: {size / 1e6:.1f} MB")
    else:
        size = generate(src, args.docs, remix=not args.no_remix)
        if args.corpus:
            (src / ".complete").write_text(str(args.docs))
        print(f"generated {args.docs} documents, {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f}s")

    cmd = [str(Path(sys.executable).with_name("copydesk")), "clean", str(src), str(out),
           "--batch-size", str(args.batch_size), "--runner", args.runner,
           "--workers", str(args.workers), "--no-text-files"]
    launched, start = time.time(), time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    tree = _TreeRss(proc.pid)
    stdout, stderr = proc.communicate()
    elapsed, ended = time.perf_counter() - start, time.time()
    tree.stop()
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest process, MB
    print(stdout.strip() or stderr.strip()[-500:])
    summary = json.loads((out / "report" / "summary.json").read_text())
    stages = summary.get("stage_seconds", {})
    phases = summary.get("run_seconds", {})
    startup = phases.get("flow_started", launched) - launched
    steady = elapsed - startup
    mb = size / 1e6
    print(f"end to end: {elapsed:.1f}s  {args.docs / elapsed:.0f} docs/s  {mb / elapsed:.2f} MB/s")
    print(f"start-up (launch → flow body: imports, temporary Prefect server, flow run) {startup:.1f}s; "
          f"excluding it: {steady:.1f}s  {args.docs / steady:.0f} docs/s  {mb / steady:.2f} MB/s")
    finish = steady - sum(v for k, v in phases.items() if k != "flow_started")
    reported = (out / "report" / "summary.json").stat().st_mtime  # the finishing task's last write
    exiting = ended - reported
    print("flow phases (wall s): " + ", ".join(f"{k} {v:.1f}" for k, v in phases.items()
                                                  if k != "flow_started")
          + f", finish+exit {finish:.1f} (finish {finish - exiting:.1f}, then exit {exiting:.1f}: "
          "artifacts, Prefect's queues, workers and server stopping)")
    print(f"peak RSS: largest process {peak:.0f} MB; process tree (sum, sampled) {tree.peak_mb:.0f} MB "
          f"over {tree.max_procs} processes")
    print("  peak per process: " + "; ".join(f"{k} {v:.0f} MB" for k, v in tree.by_process.items()))
    _cpu_by_phase(tree, phases, launched, reported, ended)
    print("stage seconds (summed over workers): "
          + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    cleaning = sum(v for k, v in stages.items() if k in CLEANING)
    sample = sorted(src.rglob("*.txt"))[: args.naive_sample]
    naive_per_doc = naive(sample)
    print(f"cleaning CPU per document {cleaning / args.docs * 1000:.2f} ms (decode…detect); "
          f"everything else in the stages {(sum(stages.values()) - cleaning) / args.docs * 1000:.2f} ms")
    print(f"naive chain {naive_per_doc * 1000:.2f} ms/doc in one process → {1 / naive_per_doc:.0f} docs/s; "
          f"copydesk/naive throughput: end to end {naive_per_doc * args.docs / elapsed:.2f}x, "
          f"excluding start-up {naive_per_doc * args.docs / steady:.2f}x")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
