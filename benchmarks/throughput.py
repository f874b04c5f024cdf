"""Throughput benchmark: generate a corpus, time ``copydesk clean`` on it, compare with the
naive chain a user would write (ftfy + langdetect on the whole text + the same regex rules,
per document, one process).

    .venv/bin/python benchmarks/throughput.py --docs 10000
    .venv/bin/python benchmarks/throughput.py --docs 100000 --runner process --workers 2

Articles come from tests/fixtures (and /work/shared/eval-dev/aeb/gold when present), mixed
with debris lines of the kinds copydesk removes, ~4 KB per document. Prints documents/s, MB/s,
peak RSS of the run (all its processes), seconds per stage (from report/summary.json) and the
ratio to the naive chain (timed on a sample). Not a unit test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
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


def generate(out: Path, n: int, seed: int = 0) -> int:
    """Write ``n`` text documents of ~4 KB into ``out``; returns the total bytes."""
    rng = random.Random(seed)
    articles = _articles()
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        body = rng.choice(articles).splitlines()
        start = rng.randrange(max(1, len(body) - 12))
        lines = [ln for ln in body[start:] if ln.strip()]
        text, kept = [], 0
        for line in lines:
            if kept > 3600:
                break
            text.append(line)
            kept += len(line)
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--batch-size", type=int, default=500)
    ap.add_argument("--runner", default="process")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--naive-sample", type=int, default=500)
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus and output")
    ap.add_argument("--corpus", type=Path, help="generate the corpus here once and reuse it "
                    "(kept); the output goes to CORPUS-clean")
    args = ap.parse_args()

    work = Path(tempfile.mkdtemp(prefix="copydesk-bench-"))
    src, out = work / "raw", work / "clean"
    if args.corpus:
        src, out = args.corpus, args.corpus.with_name(args.corpus.name + "-clean")
        shutil.rmtree(out, ignore_errors=True)  # else the run resumes and cleans nothing
    t0 = time.perf_counter()
    if args.corpus and (src / ".complete").exists():
        size = sum(p.stat().st_size for p in src.rglob("*.txt"))
        print(f"reusing {src}: {size / 1e6:.1f} MB")
    else:
        size = generate(src, args.docs)
        if args.corpus:
            (src / ".complete").write_text(str(args.docs))
        print(f"generated {args.docs} documents, {size / 1e6:.1f} MB in {time.perf_counter() - t0:.1f}s")

    cmd = [str(Path(sys.executable).with_name("copydesk")), "clean", str(src), str(out),
           "--batch-size", str(args.batch_size), "--runner", args.runner,
           "--workers", str(args.workers), "--no-text-files"]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest process, MB
    print(proc.stdout.strip() or proc.stderr.strip()[-500:])
    summary = json.loads((out / "report" / "summary.json").read_text())
    stages = summary.get("stage_seconds", {})
    print(f"end to end (incl. Prefect start-up): {elapsed:.1f}s  {args.docs / elapsed:.0f} docs/s  "
          f"{size / 1e6 / elapsed:.2f} MB/s  peak RSS (largest process) {peak:.0f} MB")
    print("stage seconds (summed over workers): "
          + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    cpu = sum(v for k, v in stages.items() if k != "validate")
    per_doc = cpu / args.docs
    sample = sorted(src.rglob("*.txt"))[: args.naive_sample]
    naive_per_doc = naive(sample)
    print(f"pipeline CPU per document {per_doc * 1000:.2f} ms (full cleaning); naive chain "
          f"{naive_per_doc * 1000:.2f} ms → end-to-end ratio naive/copydesk "
          f"{naive_per_doc * args.docs / elapsed:.2f}x")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work}")


if __name__ == "__main__":
    main()
