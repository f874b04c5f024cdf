"""Atomic writers for clean/: per-document text, documents.jsonl, quarantine.jsonl.

Every file is written to a temporary name in the same directory, flushed to disk and renamed
over the target, so a crash never leaves a half-written file. Output paths are confined to
the output directory whatever a document's id says.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MANIFEST = ".copydesk-files.json"
_UNSAFE = re.compile(r"[^\w.\-]+")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def safe_name(doc_id: str) -> str:
    """A file name for ``doc_id`` that cannot leave the output directory."""
    name = _UNSAFE.sub("_", doc_id).strip("._") or "document"
    return name[:200]


def text_paths(ids: Iterable[str]) -> dict[str, str]:
    """Distinct ``<name>.txt`` file names for ids (ids that sanitise alike get a suffix)."""
    out: dict[str, str] = {}
    used: set[str] = set()
    for doc_id in ids:
        base = safe_name(doc_id)
        name, n = f"{base}.txt", 1
        while name in used:
            n += 1
            name = f"{base}~{n}.txt"
        used.add(name)
        out[doc_id] = name
    return out


def write_outputs(
    out_dir: Path,
    documents: list[dict[str, Any]],
    quarantined: list[dict[str, Any]],
    *,
    write_text_files: bool = True,
) -> dict[str, str]:
    """Write the run's outputs; files a previous run wrote and this one did not are removed."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = text_paths(d["id"] for d in documents) if write_text_files else {}
    for doc in documents:
        if doc["id"] in names:
            atomic_write_text(out_dir / names[doc["id"]], doc["text"] + "\n")
    atomic_write_text(out_dir / "documents.jsonl", jsonl(documents))
    atomic_write_text(out_dir / "quarantine.jsonl", jsonl(quarantined))
    manifest = out_dir / MANIFEST
    previous: list[str] = []
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("text_files", [])
        except (ValueError, AttributeError):
            previous = []
    keep = set(names.values())
    for name in previous:
        if name not in keep and name.endswith(".txt") and Path(name).name == name:
            (out_dir / name).unlink(missing_ok=True)
    atomic_write_text(manifest, json.dumps({"text_files": sorted(keep)}, indent=1))
    return names
