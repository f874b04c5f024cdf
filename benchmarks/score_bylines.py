#!/usr/bin/env python3
"""Score bylines in a copydesk output dir against a ``bylines.jsonl`` (the project's copy of
the eval scorer's logic).

usage: score_bylines.py OUTPUT_DIR BYLINES_JSONL

detection = a byline was reported whose name matches (case/space-insensitive, or contains it);
flag precision/recall over ``non_english``; language accuracy where the case names one; the
byline lines must be gone from the text.
"""

from __future__ import annotations

import json
import pathlib
import sys
import unicodedata
from dataclasses import dataclass, field


def _n(s: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", s or "").casefold().split())


@dataclass
class Score:
    detected: int = 0
    expected: int = 0
    exact: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    lang_ok: int = 0
    lang_n: int = 0
    left: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def detection(self) -> float:
        return self.detected / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def ok(self) -> bool:
        return (
            self.detection >= 0.95 and self.precision == 1.0 and self.recall >= 0.95
            and self.left == 0
        )

    def summary(self) -> str:
        return (
            f"bylines: detection {self.detected}/{self.expected} = {self.detection:.2f}; "
            f"name exact {self.exact}/{self.expected}; flag P {self.precision:.2f} "
            f"R {self.recall:.2f}; language {self.lang_ok}/{self.lang_n}; "
            f"byline lines left in text {self.left}"
        )


def load_records(out: pathlib.Path) -> dict[str, dict]:
    recs: dict[str, dict] = {}
    for p in [out / "documents.jsonl", *sorted(out.glob("documents-*.jsonl"))]:
        if p.exists():
            for line in p.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    r = json.loads(line)
                    recs[r["id"]] = r
    return recs


def score(recs: dict[str, dict], cases: list[dict]) -> Score:
    s = Score()
    for c in cases:
        r = recs.get(c["id"], {})
        b = r.get("byline") or {}
        flagged = bool(b.get("non_english"))
        if c["name"]:
            s.expected += 1
            got = _n(b.get("name"))
            if got and (got == _n(c["name"]) or _n(c["name"]) in got):
                s.detected += 1
                s.exact += got == _n(c["name"])
            else:
                s.misses.append(f"{c['id']}: want {c['name']!r} got {b.get('name')!r}")
            text_lines = {_n(x) for x in (r.get("text") or "").splitlines()}
            if any(_n(line) in text_lines for line in c["lines"]):
                s.left += 1
                s.misses.append(f"{c['id']}: byline line left in text")
            if c.get("language"):
                s.lang_n += 1
                if (b.get("language") or "")[:2] == c["language"]:
                    s.lang_ok += 1
                else:
                    s.misses.append(
                        f"{c['id']}: language want {c['language']} got {b.get('language')}"
                    )
        if c["non_english"] and flagged:
            s.tp += 1
        elif c["non_english"]:
            s.fn += 1
            s.misses.append(f"{c['id']}: not flagged")
        elif flagged:
            s.fp += 1
            s.misses.append(f"{c['id']}: wrongly flagged ({b.get('name')!r})")
    return s


def load_cases(path: pathlib.Path) -> list[dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def main(argv: list[str]) -> int:
    out, exp = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    result = score(load_records(out), load_cases(exp))
    for m in result.misses[:12]:
        print("  " + m)
    print(result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
