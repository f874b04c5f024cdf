"""The run summary (report/summary.json): counts a person can review at a glance."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from copydesk.write import atomic_write_text


def flag_name(flag: str) -> str:
    """Flags are ``name`` or ``name:detail``; counts are by name."""
    return flag.split(":", 1)[0]


def summarize(
    documents: list[dict[str, Any]],
    quarantined: list[dict[str, Any]],
    *,
    inputs: int,
    validation: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Counts by category, kind, flag and language, plus each expectation's result."""
    removals = Counter(r["category"] for d in documents for r in d["removed"])
    removal_langs = Counter(r["language"] for d in documents for r in d["removed"] if r.get("language"))
    repairs = Counter(r["kind"] for d in documents for r in d["repairs"])
    flags = Counter(flag_name(f) for d in documents for f in d["flags"])
    bylines = [d["byline"] for d in documents if d.get("byline")]
    return {
        "inputs": inputs,
        "published": len(documents),
        "quarantined": len(quarantined),
        "removals_by_category": dict(removals.most_common()),
        "removals_by_language": dict(removal_langs.most_common()),
        "repairs_by_kind": dict(repairs.most_common()),
        "flags": dict(flags.most_common()),
        "languages": dict(Counter(d["language"] for d in documents).most_common()),
        "bylines": {
            "found": len(bylines),
            "non_english": sum(bool(b.get("non_english")) for b in bylines),
            "by_language": dict(Counter(b.get("language") or "und" for b in bylines).most_common()),
        },
        "quarantine_reasons": dict(Counter(q["reason"].split(":")[0] for q in quarantined).most_common()),
        "validation": validation,
        **(extra or {}),
    }


def write_summary(report_dir: Path, summary: dict[str, Any]) -> Path:
    path = report_dir / "summary.json"
    atomic_write_text(path, json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return path
