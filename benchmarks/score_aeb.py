#!/usr/bin/env python3
"""Article-extraction-benchmark scoring (copy of the benchmark's logic, importable).

4-gram shingle precision/recall per document, averaged over documents; F1 of the averages.
usage: score_aeb.py PRED_DIR [--gt ground-truth.json] [--split dev|hidden|all]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from collections import Counter
from pathlib import Path

TOKEN = re.compile(r"\w+", re.UNICODE)


def split_keys(keys, split: str = "all") -> list[str]:
    """All keys, or the dev (first byte < 0x80) / hidden halves."""
    if split == "all":
        return sorted(keys)
    dev = {k for k in keys if int(k[:2], 16) < 128}
    return sorted(dev if split == "dev" else set(keys) - dev)


def shingles(text: str, n: int = 4) -> Counter:
    return token_shingles(TOKEN.findall(text or ""), n)


def token_shingles(toks: list[str], n: int = 4) -> Counter:
    """Shingles of a token list (a text shorter than ``n`` tokens is one shingle)."""
    if len(toks) < n:
        return Counter([tuple(toks)] if toks else [])
    return Counter(zip(*(toks[i:] for i in range(n)), strict=False))


def tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """Normalised true-positive, false-positive and false-negative shingle shares."""
    return shingle_rates(shingles(true), shingles(pred))


def shingle_rates(t: Counter, p: Counter) -> tuple[float, float, float]:
    """``tp_fp_fn`` of two shingle counts (fp = |p| - tp, fn = |t| - tp: exact integers)."""
    if len(p) > len(t):
        tp = sum(min(c, p[k]) for k, c in t.items() if k in p)
    else:
        tp = sum(min(c, t[k]) for k, c in p.items() if k in t)
    fp, fn = p.total() - tp, t.total() - tp
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s else (0.0, 0.0, 0.0)


def prec(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)


def rec(tp: float, fp: float, fn: float) -> float:
    return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)


def f1(row: tuple[float, float, float]) -> float:
    """Per-document F1 of one (tp, fp, fn) row."""
    p, r = prec(*row), rec(*row)
    return 2 * p * r / (p + r) if p + r else 0.0


def score(gt: dict, pred: dict, keys: list[str]) -> tuple[dict, dict]:
    """Summary {f1, precision, recall, n} and per-document rows."""
    rows = {k: tp_fp_fn(gt[k]["articleBody"], pred.get(k, "")) for k in keys}
    return summary(rows), rows


def summary(rows: dict) -> dict:
    """{f1, precision, recall, n} of per-document (tp, fp, fn) rows, as the benchmark averages."""
    with_pred = [r for r in rows.values() if r[0] + r[1] > 0]
    p = statistics.mean(prec(*r) for r in with_pred) if with_pred else 0.0
    r = statistics.mean(rec(*r) for r in rows.values() if r[0] + r[2] > 0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return dict(f1=f, precision=p, recall=r, n=len(rows))


def load_pred(path: Path, keys: list[str]) -> dict[str, str]:
    return {
        k: (path / f"{k}.txt").read_text(encoding="utf-8") if (path / f"{k}.txt").exists() else ""
        for k in keys
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("pred", type=Path)
    ap.add_argument("--gt", type=Path, required=True)
    ap.add_argument("--split", default="all")
    a = ap.parse_args()
    gt = json.loads(a.gt.read_text(encoding="utf-8"))
    keys = split_keys(gt.keys(), a.split)
    m, _ = score(gt, load_pred(a.pred, keys), keys)
    print(f"{a.split} n={m['n']} F1 {m['f1']:.3f} P {m['precision']:.3f} R {m['recall']:.3f}")


if __name__ == "__main__":
    main()
