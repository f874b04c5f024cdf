#!/usr/bin/env python3
"""Article-extraction benchmark through the real pipeline (prints figures; not a unit test).

Routes:
1. html-text: the naive whole-page dump, cleaned as text (with and without run-level stats);
2. trafilatura / readability_js outputs, cleaned as text (residual debris);
3. html: the .html.gz read by copydesk itself (extract.py) and cleaned.
For routes 1-2 it also prints the input as is and, for route 2, the documents that lost more
than 0.02 F1 versus their input, each with the removed lines that occur in the gold body and
the pass that removed them (rule category, or the statistical pass's ``p_body=`` reason).
Last, the time ``find_boilerplate`` takes per document on each text route's input.

usage: aeb.py [DATA_DIR] [--split all|dev|hidden] [--routes html-text,trafilatura,...]
              [--lost N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from copydesk import boilerplate
from copydesk.corpus import CorpusStats
from copydesk.document import Document
from copydesk.pipeline import Settings, clean_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_aeb import f1, score, split_keys  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEXT_ROUTES = ("html-text", "trafilatura", "readability_js")


def read_inputs(data: Path, route: str, keys: list[str]) -> dict[str, str]:
    if route == "html":
        return {k: gzip.open(data / "aeb/html" / f"{k}.html.gz").read().decode("utf-8", "replace")
                for k in keys}
    return {k: (data / "aeb/text" / route / f"{k}.txt").read_text(encoding="utf-8") for k in keys}


def run(inputs: dict[str, str], *, html: bool, stats: CorpusStats | None) -> dict[str, Document]:
    return {k: clean_text(v, doc_id=k, html=html, stats=stats) for k, v in inputs.items()}


def texts(docs: dict[str, Document]) -> dict[str, str]:
    return {k: d.text for k, d in docs.items()}


def print_drops(worse: list[str], rows: dict, base_rows: dict, docs: dict[str, Document],
                gt: dict, lost: int) -> None:
    """Each document that got worse, with removed lines found in the gold body and why."""
    for k in sorted(worse, key=lambda k: f1(rows[k]) - f1(base_rows[k])):
        print(f"    {k}  F1 {f1(base_rows[k]):.3f} -> {f1(rows[k]):.3f}")
        gold = " ".join(gt[k]["articleBody"].split())
        hits = [r for r in docs[k].removed if len(r.text.split()) >= 1
                and " ".join(r.text.split()) in gold]
        for r in hits[:lost]:
            who = "statistical" if r.reason.startswith("p_body=") else "rule pass"
            print(f"      - [{who}: {r.category}; {r.reason[:60]}] {r.text[:80]!r}")
        if len(hits) > lost:
            print(f"      ... {len(hits) - lost} more gold lines removed")


def time_boilerplate(inputs: dict[str, str], repeat: int = 3) -> tuple[float, float]:
    """Median and 90th-percentile ms per document of ``find_boilerplate`` alone, on the
    lines and labels the rule pass leaves (captured once, then timed)."""
    classifier = Settings().classifier()
    captured = []
    real = boilerplate.find_boilerplate

    def capture(lines, labels, **kw):
        captured.append((list(lines), list(labels), kw))
        return real(lines, labels, **kw)

    boilerplate.find_boilerplate = capture
    try:
        for k, v in inputs.items():
            classifier.classify(Document(k, "<text>", text=v))
    finally:
        boilerplate.find_boilerplate = real
    per_doc = []
    for lines, labels, kw in captured:
        t0 = time.perf_counter()
        for _ in range(repeat):
            real(lines, labels, **kw)
        per_doc.append((time.perf_counter() - t0) / repeat * 1000)
    per_doc.sort()
    return per_doc[len(per_doc) // 2], per_doc[int(len(per_doc) * 0.9)]


def line(name: str, m: dict, extra: str = "") -> None:
    print(f"{name:<34} F1 {m['f1']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}{extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared/eval-dev")
    ap.add_argument("--split", default="all")
    ap.add_argument("--routes", default="html-text,trafilatura,readability_js,html")
    ap.add_argument("--lost", type=int, default=8, help="gold lines shown per worse document")
    a = ap.parse_args()
    gt = json.loads((a.data / "aeb/ground-truth.json").read_text(encoding="utf-8"))
    keys = split_keys(gt.keys(), a.split)
    print(f"aeb {a.split}: {len(keys)} documents")
    for route in a.routes.split(","):
        inputs = read_inputs(a.data, route, keys)
        if route in TEXT_ROUTES:
            base, base_rows = score(gt, inputs, keys)
            line(f"{route} input as is", base)
        t0 = time.perf_counter()
        docs = run(inputs, html=route == "html", stats=None)
        secs = time.perf_counter() - t0
        m, rows = score(gt, texts(docs), keys)
        extra = f"  ({len(keys) / secs:.0f} docs/s)"
        worse: list[str] = []
        if route in TEXT_ROUTES:
            worse = [k for k in keys if f1(rows[k]) < f1(base_rows[k]) - 0.02]
            extra += f"  docs -0.02 vs input: {len(worse)}"
        line(f"{route} copydesk", m, extra)
        if route in TEXT_ROUTES and route != "html-text":
            print_drops(worse, rows, base_rows, docs, gt, a.lost)
        if route == "html-text":
            stats = CorpusStats.from_texts(inputs.values())
            m, _ = score(gt, texts(run(inputs, html=False, stats=stats)), keys)
            line(f"{route} copydesk + run stats", m, f"  (n_docs={stats.n_docs})")
        if route in TEXT_ROUTES:
            med, p90 = time_boilerplate(inputs)
            sizes = sorted(len(v) for v in inputs.values())
            print(f"{'':<34} find_boilerplate {med:.3f} ms/doc median, {p90:.3f} ms p90 "
                  f"(median input {sizes[len(sizes) // 2] / 1000:.1f} KB)")


if __name__ == "__main__":
    main()
