"""Benchmark copydesk.repair on the lossy dev set.

Usage (from the repo root): ``.venv/bin/python benchmarks/lossy.py [--data ../shared/eval-dev]``

Runs ``repair_text`` over ``DATA/lossy/*.txt`` (run-level ``stem_counts`` over the same
files), writes predictions to a temp dir and scores them against ``DATA/aeb/gold`` with
``lossy_score`` (recall by kind, edit precision). Also reports the spaced-dash flags
(right = a dropped spaced dash really sits between the two flagged words), the number of
repairs made on the clean originals, timing, and the same figures for two fixed halves
of the set (by file-name hash parity) so tuning on one half can be checked on the other.
Timings are the best of five warm runs (the first, cold run loads wordfreq; shown apart).
"""

from __future__ import annotations

import argparse
import hashlib
import pathlib
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "src"))

import lossy_score  # noqa: E402

from copydesk.repair import repair_text, stem_counts  # noqa: E402

KINDS = ("apostrophe", "dash-fused")


def half(name: str) -> str:
    """A fixed split of the files: "A" or "B"."""
    return "AB"[hashlib.sha256(name.encode()).digest()[0] % 2]


def spaced_pairs(gold: str) -> set[tuple[str, str]]:
    """(left, right) word pairs around each spaced dash in the gold text."""
    marked = lossy_score._dashes(gold, True)
    out = set()
    for tok in marked.split():
        if lossy_score.SPACED in tok:
            left, _, right = lossy_score.lossy(tok.replace(lossy_score.SPACED, " ")).partition(" ")
            out.add((left.strip(".,;:\"'()"), right.strip(".,;:\"'()")))
    return out


def report(label: str, r: dict) -> None:
    by = ", ".join(f"{k} {h}/{t} ({h / t:.3f})" for k, (h, t) in r["by"].items())
    print(f"{label}: recall[{'+'.join(KINDS)}] {r['recall']:.3f}  edit precision "
          f"{r['precision']:.3f} ({r['good']}/{r['edits']} edits right)")
    print(f"    by kind: {by}")


def warm_ms(run, repeat: int = 5) -> float:
    """Best wall time of `repeat` runs (caches warm; the least disturbed by other load)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="../shared/eval-dev", type=pathlib.Path)
    args = ap.parse_args()
    lossy_dir, gold_dir = args.data / "lossy", args.data / "aeb" / "gold"
    files = sorted(lossy_dir.glob("*.txt"))
    texts = {p.name: p.read_text(encoding="utf-8") for p in files}
    stems = stem_counts(texts.values())
    flags_right = flags_wrong = 0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        results = {name: repair_text(t, stems=stems) for name, t in texts.items()}
        cold = time.perf_counter() - t0
        dt = warm_ms(lambda: [repair_text(t, stems=stems) for t in texts.values()])
        for name, res in results.items():
            (pathlib.Path(tmp) / name).write_text(res.text, encoding="utf-8")
            pairs = spaced_pairs((gold_dir / name).read_text(encoding="utf-8"))
            for f in res.flags:
                if f.startswith("suspect-dash:"):
                    pair = tuple(f.split(":", 1)[1].split(" ", 1))
                    flags_right += pair in pairs
                    flags_wrong += pair not in pairs
        print(f"{len(files)} lossy docs, {dt * 1000 / len(files):.2f} ms/doc warm "
              f"(first run, loading wordfreq: {cold * 1000 / len(files):.2f} ms/doc)")
        report("all", lossy_score.score(tmp, gold_dir, lossy_dir, KINDS))
        for h in "AB":
            names = [n for n in texts if half(n) == h]
            report(f"half {h} ({len(names)} docs)",
                   lossy_score.score(tmp, gold_dir, lossy_dir, KINDS, names))
    print(f"spaced-dash flags: {flags_right} right, {flags_wrong} wrong")
    clean = [(gold_dir / n).read_text(encoding="utf-8") for n in texts]
    clean_stems = stem_counts(clean)
    changed = [len(repair_text(t, stems=clean_stems).repairs) for t in clean]
    dt = warm_ms(lambda: [repair_text(t, stems=clean_stems) for t in clean])
    print(f"clean originals: {sum(changed)} repairs in {sum(map(bool, changed))} of "
          f"{len(clean)} docs, {dt * 1000 / len(clean):.2f} ms/doc")


if __name__ == "__main__":
    main()
