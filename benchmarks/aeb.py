#!/usr/bin/env python3
"""Article-extraction benchmark through the real pipeline (prints figures; not a unit test).

Routes:
1. html-text: the naive whole-page dump, cleaned as text (with and without run-level stats);
2. trafilatura / readability_js outputs, cleaned as text (residual debris);
3. html: the .html.gz read by copydesk itself (extract.py) and cleaned.
For routes 1-2 it also prints the input as is and, for route 2, how many documents lost more
than 0.02 F1 versus their input.

usage: aeb.py [DATA_DIR] [--split all|dev|hidden] [--routes html-text,trafilatura,...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from pathlib import Path

from copydesk.corpus import CorpusStats
from copydesk.pipeline import clean_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_aeb import f1, score, split_keys  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEXT_ROUTES = ("html-text", "trafilatura", "readability_js")


def read_inputs(data: Path, route: str, keys: list[str]) -> dict[str, str]:
    if route == "html":
        return {k: gzip.open(data / "aeb/html" / f"{k}.html.gz").read().decode("utf-8", "replace")
                for k in keys}
    return {k: (data / "aeb/text" / route / f"{k}.txt").read_text(encoding="utf-8") for k in keys}


def run(inputs: dict[str, str], *, html: bool, stats: CorpusStats | None) -> dict[str, str]:
    return {k: clean_text(v, doc_id=k, html=html, stats=stats).text for k, v in inputs.items()}


def line(name: str, m: dict, extra: str = "") -> None:
    print(f"{name:<34} F1 {m['f1']:.3f}  P {m['precision']:.3f}  R {m['recall']:.3f}{extra}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared/eval-dev")
    ap.add_argument("--split", default="all")
    ap.add_argument("--routes", default="html-text,trafilatura,readability_js,html")
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
        out = run(inputs, html=route == "html", stats=None)
        secs = time.perf_counter() - t0
        m, rows = score(gt, out, keys)
        extra = f"  ({len(keys) / secs:.0f} docs/s)"
        if route in TEXT_ROUTES:
            worse = [k for k in keys if f1(rows[k]) < f1(base_rows[k]) - 0.02]
            extra += f"  docs -0.02 vs input: {len(worse)}"
        line(f"{route} copydesk", m, extra)
        if route == "html-text":
            stats = CorpusStats.from_texts(inputs.values())
            m, _ = score(gt, run(inputs, html=False, stats=stats), keys)
            line(f"{route} copydesk + run stats", m, f"  (n_docs={stats.n_docs})")


if __name__ == "__main__":
    main()
