"""Atomic writers for clean/: per-document text, documents (one file or shards), quarantine.

Every file is written to a temporary name in the same directory, flushed to disk and renamed
over the target, so a crash never leaves a half-written file. Output paths are confined to
the output directory whatever a document's id says.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

MANIFEST = ".copydesk-files.json"
_UNSAFE = re.compile(r"[^\w.\-]+")
_SHARD = re.compile(r"documents-\d{5,}\.(jsonl\.gz|parquet)")


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the new one, never half."""
    _atomic_write(path, [data])


def _atomic_write(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, flush it to disk, rename it over."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]+\.tmp$")


def remove_temp_files(directory: Path) -> int:
    """Delete the temporary files a killed run's atomic writes left behind; returns how many."""
    removed = 0
    for path in directory.rglob(".*.tmp"):
        if path.is_file() and _TEMP.match(path.name):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_chunks(path: Path, chunks: Iterable[str]) -> None:
    """``atomic_write_text`` of ``"".join(chunks)``, streamed: the whole text is never held."""
    _atomic_write(path, (chunk.encode("utf-8") for chunk in chunks))


def jsonl_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """Each record as one JSON Lines line (UTF-8 kept as is), streamed."""
    for r in records:
        yield json.dumps(r, ensure_ascii=False) + "\n"


def jsonl(records: Iterable[dict[str, Any]]) -> str:
    return "".join(jsonl_lines(records))


def safe_name(doc_id: str) -> str:
    """A file name for ``doc_id`` that cannot leave the output directory."""
    name = _UNSAFE.sub("_", doc_id).strip("._") or "document"
    return name[:200]


def text_name(doc_id: str, used: set[str]) -> str:
    """A ``<name>.txt`` not in ``used`` for ``doc_id`` (ids that sanitise alike get ``~N``); adds it."""
    base = safe_name(doc_id)
    name, n = f"{base}.txt", 1
    while name in used:
        n += 1
        name = f"{base}~{n}.txt"
    used.add(name)
    return name


def shard_name(index: int, fmt: str) -> str:
    """``documents-00042.jsonl.gz`` or ``documents-00042.parquet``."""
    return f"documents-{index:05d}.{'parquet' if fmt == 'parquet' else 'jsonl.gz'}"


def is_shard(name: str) -> bool:
    return bool(_SHARD.fullmatch(name))


def write_documents(path: Path, records: list[dict[str, Any]]) -> None:
    """Write documents atomically as ``.jsonl``, ``.jsonl.gz`` (reproducible bytes) or ``.parquet``."""
    if path.name.endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.parquet as pq

        rows = [{**r, "metadata": json.dumps(r.get("metadata") or {}, ensure_ascii=False)}
                for r in records]
        buf = pa.BufferOutputStream()
        pq.write_table(pa.Table.from_pylist(rows, schema=_parquet_schema()), buf)
        atomic_write_bytes(path, buf.getvalue().to_pybytes())
        return
    data = jsonl(records).encode("utf-8")
    if path.name.endswith(".gz"):
        data = gzip.compress(data, compresslevel=3, mtime=0)
    atomic_write_bytes(path, data)


def read_documents(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a file written by ``write_documents``, one at a time (bounded memory)."""
    if path.name.endswith(".parquet"):
        import pyarrow.parquet as pq

        for batch in pq.ParquetFile(path).iter_batches(batch_size=1000):
            for r in batch.to_pylist():
                r["metadata"] = json.loads(r["metadata"] or "{}")
                r["removed"] = [{k: v for k, v in x.items() if v is not None} for x in r["removed"]]
                yield r
        return
    with (gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")) as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _parquet_schema():
    """One schema for every Parquet shard (so ``datasets``/pyarrow read them as one table)."""
    import pyarrow as pa

    s = pa.string()
    return pa.schema([
        ("id", s), ("source", s), ("text", s), ("title", s), ("language", s),
        ("metadata", s),  # a JSON object: its keys vary by document
        ("byline", pa.struct([("name", s), ("role", s), ("label", s), ("script", s),
                              ("language", s), ("non_english", pa.bool_()), ("latin", s)])),
        ("removed", pa.list_(pa.struct([("line", pa.int64()), ("text", s), ("category", s),
                                        ("reason", s), ("language", s)]))),
        ("repairs", pa.list_(pa.struct([("before", s), ("after", s), ("kind", s),
                                        ("offset", pa.int64()), ("evidence", s)]))),
        ("flags", pa.list_(s)),
    ])


def write_text_files(out_dir: Path, documents: Iterable[dict[str, Any]]) -> int:
    """Write ``<id>.txt`` per document (streamed); remove text files a previous run wrote."""
    used: set[str] = set()
    for doc in documents:
        atomic_write_text(out_dir / text_name(doc["id"], used), doc["text"] + "\n")
    _forget_text_files(out_dir, keep=used)
    return len(used)


def _forget_text_files(out_dir: Path, keep: set[str]) -> None:
    """Remove the text files the previous run listed and this one did not write; list ours."""
    manifest = out_dir / MANIFEST
    previous: list[str] = []
    if manifest.exists():
        try:
            previous = json.loads(manifest.read_text(encoding="utf-8")).get("text_files", [])
        except (ValueError, AttributeError):
            previous = []
    for name in previous:
        if name not in keep and name.endswith(".txt") and Path(name).name == name:
            (out_dir / name).unlink(missing_ok=True)
    atomic_write_text(manifest, json.dumps({"text_files": sorted(keep)}, indent=1))


def remove_stale_outputs(out_dir: Path, keep: set[str], *, text_files: bool) -> None:
    """Remove document files this run did not write: shards and ``documents.jsonl`` not in
    ``keep``, and a previous run's text files when this run writes none."""
    for path in out_dir.iterdir():
        if (is_shard(path.name) or path.name == "documents.jsonl") and path.name not in keep:
            path.unlink(missing_ok=True)
    if not text_files:
        _forget_text_files(out_dir, keep=set())
