#!/usr/bin/env python3
"""How much real article text the cleaning drops: a precision check on generated documents.

``throughput.py``'s generator writes each document as 3 debris lines, article text and 3
debris lines. Its article lines that come from the dev set's gold bodies (and from no test
fixture, since fixtures hold raw pages with debris) are known body text, so every one of them
the cleaning removes is a lost paragraph. Printed with and without run-level statistics (the
generator reuses ~100 articles, so each article recurs across the corpus as syndicated wire
copy would): lines lost, documents losing any, by category, and examples.

usage: body_loss.py [--docs 3000] [--examples 10]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import profile_stages  # noqa: E402
import throughput  # noqa: E402

from copydesk import pipeline  # noqa: E402


def _lines(paths: list[Path]) -> set[str]:
    return {ln for p in paths for ln in p.read_text(encoding="utf-8", errors="replace").splitlines()
            if ln.strip()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--examples", type=int, default=10)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/copydesk-profile"))
    args = ap.parse_args()
    if not throughput.GOLD.is_dir():
        sys.exit(f"body_loss.py needs the dev set's gold bodies: {throughput.GOLD}")
    gold = _lines(sorted(throughput.GOLD.glob("*.txt")))
    gold -= _lines(sorted((throughput.ROOT / "tests" / "fixtures").rglob("*.txt")))
    raws = profile_stages.corpus(args.docs, args.cache)
    settings = pipeline.Settings()
    for label, stats in (("without run stats", None),
                         ("with run stats", profile_stages.run_stats(raws, settings))):
        total = lost = docs_hit = 0
        categories: Counter[str] = Counter()
        examples = []
        for raw, doc in zip(raws, pipeline.clean_batch(raws, settings=settings, stats=stats),
                            strict=True):
            lines = raw.data.decode("utf-8").splitlines()
            body = {n for n, line in enumerate(lines, 1) if 3 < n <= len(lines) - 3 and line in gold}
            total += len(body)
            removed = [r for r in getattr(doc, "removed", []) if r.line in body]
            if not hasattr(doc, "removed"):  # quarantined: all of it is lost
                lost, docs_hit = lost + len(body), docs_hit + bool(body)
                categories["quarantined"] += len(body)
                continue
            lost, docs_hit = lost + len(removed), docs_hit + bool(removed)
            categories.update(r.category for r in removed)
            examples += [(raw.id, r.line, r.category, r.reason[:70], r.text[:60]) for r in removed]
        print(f"{label}: {lost} of {total} gold body lines lost ({lost / max(total, 1):.1%}), "
              f"in {docs_hit} of {len(raws)} documents")
        print("  by category:", ", ".join(f"{c} {n}" for c, n in categories.most_common()))
        for ex in examples[:args.examples]:
            print("  ", *ex)


if __name__ == "__main__":
    main()
