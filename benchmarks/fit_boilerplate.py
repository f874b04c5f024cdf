#!/usr/bin/env python3
"""Fit the statistical boilerplate model (``src/copydesk/models/boilerplate.json``).

Line labels come from aligning each input line to the gold article body: a line is body when
most 4-gram shingles touching its tokens occur in the gold text (so a heading between two gold
paragraphs is body, a "Share" between them is not). Inputs: the naive whole-page dump
(html-text), trafilatura's and readability.js's outputs and copydesk's own HTML extraction.
Two logistic models: stage 1 on line features, stage 2 on stage-1 logits of the line and its
neighbours. Generalisation is checked with cross-validation grouped by site (domain).

usage: fit_boilerplate.py [DATA_DIR] [--write] [--folds 5]
Needs scikit-learn (fitting only; copydesk scores with plain Python).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from sklearn.linear_model import LogisticRegression

from copydesk.boilerplate import FEATURES, STAGE2, line_features, stage2_rows
from copydesk.corpus import CorpusStats
from copydesk.extract import extract_html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from score_aeb import TOKEN, f1, score, tp_fp_fn  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "src/copydesk/models/boilerplate.json"
SOURCES = ("html-text", "trafilatura", "readability_js", "extract")
CACHE = Path("/tmp/copydesk-aeb-extract")


# --------------------------------------------------------------------------- data
def site_of(url: str) -> str:
    host = urlparse(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def load_source(data: Path, source: str, key: str) -> str:
    """Input text of one document for one route (copydesk's extraction is cached)."""
    if source != "extract":
        return (data / "aeb/text" / source / f"{key}.txt").read_text(encoding="utf-8")
    cached = CACHE / f"{key}.txt"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        raw = gzip.open(data / "aeb/html" / f"{key}.html.gz").read().decode("utf-8", "replace")
        cached.write_text(extract_html(raw)[0], encoding="utf-8")
    return cached.read_text(encoding="utf-8")


def line_labels(lines: list[str], gold: str) -> list[int]:
    """1 = body: most 4-gram windows touching the line's tokens are gold shingles."""
    gold_toks = TOKEN.findall(gold)
    gold_set = {tuple(gold_toks[i:i + 4]) for i in range(max(1, len(gold_toks) - 3))}
    toks, owner = [], []
    for li, line in enumerate(lines):
        for t in TOKEN.findall(line):
            toks.append(t)
            owner.append(li)
    hits, total = [0] * len(lines), [0] * len(lines)
    for j in range(max(1, len(toks) - 3)):
        window = tuple(toks[j:j + 4])
        ok = window in gold_set
        for li in {owner[k] for k in range(j, min(j + 4, len(toks)))}:
            total[li] += 1
            hits[li] += ok
    return [int(total[i] > 0 and hits[i] / total[i] >= 0.5) for i in range(len(lines))]


def build(data: Path, use_stats: bool = True) -> list[dict]:
    """One record per (source, document): lines, labels, features, site."""
    gt = json.loads((data / "aeb/ground-truth.json").read_text(encoding="utf-8"))
    docs = []
    for source in SOURCES:
        texts = {k: load_source(data, source, k) for k in sorted(gt)}
        stats = CorpusStats.from_texts(texts.values()) if use_stats else None
        for key, text in texts.items():
            lines = [s.strip() for s in text.splitlines() if s.strip()]
            if not lines:
                continue
            rows, _ = line_features(lines, stats=stats)
            docs.append(dict(
                key=key, source=source, site=site_of(gt[key]["url"]), lines=lines,
                y=line_labels(lines, gt[key]["articleBody"]), X=rows,
                gold=gt[key]["articleBody"],
            ))
    return docs


# --------------------------------------------------------------------------- model
def weights(docs: list[dict]) -> np.ndarray:
    """Sample weight ~ sqrt(tokens): the metric counts shingles, but short lines matter too."""
    return np.array([np.sqrt(1 + len(TOKEN.findall(s))) for d in docs for s in d["lines"]])


def fit_lr(X: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> dict:
    mean, scale = X.mean(0), X.std(0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((X - mean) / scale, y, sample_weight=w)
    return dict(mean=mean.tolist(), scale=scale.tolist(), coef=lr.coef_[0].tolist(),
                intercept=float(lr.intercept_[0]))


def logit(part: dict, X: np.ndarray) -> np.ndarray:
    z = ((X - np.array(part["mean"])) / np.array(part["scale"])) @ np.array(part["coef"])
    return np.clip(z + part["intercept"], -30, 30)


def stage2_matrix(part1: dict, docs: list[dict]) -> np.ndarray:
    out = []
    for d in docs:
        z = logit(part1, np.array(d["X"])).tolist()
        out.extend(stage2_rows(z, d["X"]))
    return np.array(out)


def fit(docs: list[dict], c: float = 1.0) -> dict:
    """Stage 1 on features; stage 2 on out-of-fold stage-1 logits (3 site folds)."""
    X = np.array([r for d in docs for r in d["X"]])
    y = np.array([v for d in docs for v in d["y"]])
    w = weights(docs)
    part1 = fit_lr(X, y, w, c)
    sites = sorted({d["site"] for d in docs})
    s2 = []
    for f in range(3):
        held = {s for i, s in enumerate(sites) if i % 3 == f}
        inner = [d for d in docs if d["site"] not in held]
        p = fit_lr(np.array([r for d in inner for r in d["X"]]),
                   np.array([v for d in inner for v in d["y"]]), weights(inner), c)
        s2.append((held, p))
    rows2 = []
    for d in docs:
        part = next(p for held, p in s2 if d["site"] in held)
        rows2.extend(stage2_matrix(part, [d]).tolist())
    part2 = fit_lr(np.array(rows2), y, w, c)
    return dict(features=list(FEATURES), stage2_features=list(STAGE2), stage1=part1,
                stage2=part2, threshold=0.5)


def predict(model: dict, d: dict) -> np.ndarray:
    z2 = logit(model["stage2"], stage2_matrix(model["stage1"], [d]))
    return 1 / (1 + np.exp(-z2))


# --------------------------------------------------------------------------- evaluation
def cv_probs(docs: list[dict], folds: int, c: float) -> list[np.ndarray]:
    """Out-of-fold P(body) per document, folds grouped by site."""
    sites = sorted({d["site"] for d in docs})
    rng = np.random.default_rng(0)
    order = list(rng.permutation(len(sites)))
    fold_of = {sites[i]: n % folds for n, i in enumerate(order)}
    probs: list[np.ndarray | None] = [None] * len(docs)
    for f in range(folds):
        train = [d for d in docs if fold_of[d["site"]] != f]
        model = fit(train, c)
        for i, d in enumerate(docs):
            if fold_of[d["site"]] == f:
                probs[i] = predict(model, d)
    return probs  # type: ignore[return-value]


def evaluate(docs: list[dict], probs: list[np.ndarray], threshold: float) -> dict[str, dict]:
    """Per source: F1/P/R of kept lines, input baseline, documents dropping > 0.02 F1."""
    out = {}
    for source in SOURCES:
        idx = [i for i, d in enumerate(docs) if d["source"] == source]
        gt = {docs[i]["key"]: {"articleBody": docs[i]["gold"]} for i in idx}
        pred = {docs[i]["key"]: "\n".join(
            s for s, p in zip(docs[i]["lines"], probs[i], strict=True) if p >= threshold)
            for i in idx}
        base = {docs[i]["key"]: "\n".join(docs[i]["lines"]) for i in idx}
        keys = sorted(gt)
        m, rows = score(gt, pred, keys)
        b, brows = score(gt, base, keys)
        drops = [k for k in keys if f1(rows[k]) < f1(brows[k]) - 0.02]
        out[source] = dict(f1=m["f1"], p=m["precision"], r=m["recall"], base=b["f1"],
                           drops=len(drops), drop_keys=drops)
    return out


def report(name: str, res: dict[str, dict]) -> None:
    for source, m in res.items():
        print(f"{name:>10} {source:>15}: F1 {m['f1']:.3f} P {m['p']:.3f} R {m['r']:.3f}"
              f"  (input {m['base']:.3f}; docs -0.02: {m['drops']})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared/eval-dev")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=1.0)
    ap.add_argument("--write", action="store_true")
    a = ap.parse_args()
    docs = build(a.data)
    print(f"{len(docs)} documents, {sum(len(d['lines']) for d in docs)} lines")
    probs = cv_probs(docs, a.folds, a.c)
    best_t, best = 0.5, -1.0
    for t in np.arange(0.1, 0.81, 0.05):
        res = evaluate(docs, probs, t)
        score_t = np.mean([m["f1"] for m in res.values()]) - 0.002 * sum(
            m["drops"] for s, m in res.items() if s != "html-text")
        print(f"t={t:.2f} " + " ".join(f"{s}={m['f1']:.3f}/{m['drops']}" for s, m in res.items()))
        if score_t > best:
            best_t, best = float(t), score_t
    report(f"CV t={best_t:.2f}", evaluate(docs, probs, best_t))
    model = fit(docs, a.c)
    model["threshold"] = round(best_t, 3)
    report("in-sample", evaluate(docs, [predict(model, d) for d in docs], best_t))
    if a.write:
        MODEL.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {MODEL}")


if __name__ == "__main__":
    main()
