"""Scorer for lossy-text repair (the project's own copy of the eval tool's logic).

Kinds of damage, from the gold token: apostrophe (’ inside a word), dash-fused (dash with no
space around), dash-spaced (spaced dash, no trace left), accent (accented letter), quote
(‘ ’ used as quotes), other. Recall = damaged gold tokens the prediction reproduces;
edit precision = prediction tokens that differ from the lossy input and match the gold.
"""

from __future__ import annotations

import difflib
import pathlib
import re
import unicodedata
from collections.abc import Iterable

DQ = dict.fromkeys(map(ord, "\u201c\u201d\u201e"), '"')
APOS = dict.fromkeys(map(ord, "\u2019\u2018\u02bc"), "'")
DASHES = "\u2014\u2013\u2012\u2015"
SPACED, FUSED = "\ue000", "\ue001"


def lossy(text: str) -> str:
    """The lossy-scraper transformation."""
    text = "".join(c for c in text.translate(DQ) if ord(c) < 128)
    return "\n".join(re.sub(r" {2,}", " ", line).strip() for line in text.split("\n"))


def _dashes(text: str, mark: bool) -> str:
    def rep(m: re.Match[str]) -> str:
        return (SPACED if m.group(0) != m.group(1) else FUSED) if mark else "\u2014"

    return re.sub(f"[ \\t]*([{DASHES}])[ \\t]*", rep, text)


def canon(tok: str) -> str:
    return unicodedata.normalize("NFC", tok).translate(APOS).translate(DQ)


def toks(text: str) -> list[str]:
    return [canon(t) for t in _dashes(text, False).split()]


def kind_of(raw: str) -> str:
    if SPACED in raw:
        return "dash-spaced"
    if FUSED in raw:
        return "dash-fused"
    if re.search(r"\w[\u2019\u02bc]\w", raw):
        return "apostrophe"
    if any(ord(c) >= 128 and unicodedata.category(c).startswith("L") for c in raw):
        return "accent"
    if any(c in "\u2018\u2019" for c in raw):
        return "quote"
    return "other"


def _ops(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]]:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def damaged(gold: str, lossy_text: str) -> tuple[list[str], list[tuple[int, str]]]:
    """Gold tokens and the (index, kind) of those the lossy text lost."""
    g, lt = toks(gold), toks(lossy_text)
    raw = _dashes(gold, True).split()
    assert len(raw) == len(g)
    out = []
    for op, i1, i2, _, _ in _ops(g, lt):
        if op != "equal":
            out += [(i, kind_of(raw[i])) for i in range(i1, i2)]
    return g, out


def aligned(a: list[str], b: list[str]) -> set[int]:
    """Indices of a that align to equal tokens of b."""
    ok: set[int] = set()
    for op, i1, i2, _, _ in _ops(a, b):
        if op == "equal":
            ok.update(range(i1, i2))
    return ok


def score(
    pred_dir: pathlib.Path,
    gold_dir: pathlib.Path,
    lossy_dir: pathlib.Path,
    kinds: Iterable[str] | None = None,
    names: Iterable[str] | None = None,
) -> dict:
    """Recall over damaged gold tokens (by kind) and edit precision of the predictions."""
    tot: dict[str, int] = {}
    hit: dict[str, int] = {}
    edits = good = 0
    wanted = set(names) if names is not None else None
    for lp in sorted(pathlib.Path(lossy_dir).glob("*.txt")):
        if wanted is not None and lp.name not in wanted:
            continue
        gold = (pathlib.Path(gold_dir) / lp.name).read_text(encoding="utf-8")
        lt = lp.read_text(encoding="utf-8")
        pp = pathlib.Path(pred_dir) / lp.name
        pt = pp.read_text(encoding="utf-8") if pp.exists() else lt
        g, dmg = damaged(gold, lt)
        p = toks(pt)
        ok = aligned(g, p)
        for i, k in dmg:
            tot[k] = tot.get(k, 0) + 1
            hit[k] = hit.get(k, 0) + (i in ok)
        right = aligned(p, g)
        for op, _, _, j1, j2 in _ops(toks(lt), p):
            if op in ("replace", "insert"):
                edits += j2 - j1
                good += sum(j in right for j in range(j1, j2))
    want = list(kinds) if kinds else sorted(tot)
    total = sum(tot.get(k, 0) for k in want)
    hits = sum(hit.get(k, 0) for k in want)
    return {
        "recall": hits / total if total else 1.0,
        "precision": good / edits if edits else 1.0,
        "edits": edits,
        "good": good,
        "by": {k: (hit.get(k, 0), tot.get(k, 0)) for k in sorted(tot)},
    }
