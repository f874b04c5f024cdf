"""Inputs at scale: list a corpus as slices (``Part``) and stream ``RawDoc`` out of a slice.

A corpus is a directory (or one file) of ``.txt``/``.html`` files (see read.py) and bulk files:
JSON Lines (``.jsonl``, ``.jsonl.gz``, ``.jsonl.zst``), WARC (``.warc``, ``.warc.gz``) and
Parquet. A batch is a list of ``Part`` — a whole small file, or a record range of a bulk file —
so a task receives a short description and reads its own documents, never the whole corpus.
Readers yield ``RawDoc`` or ``(id, source, reason)`` for an input that
cannot be used; nothing is dropped silently.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from copydesk.document import RawDoc
from copydesk.read import DEFAULT_MAX_BYTES, InputError, doc_id_for, input_kind, read_bytes

Item = RawDoc | tuple[str, str, str]


@dataclass(frozen=True)
class SourceOptions:
    """Which fields of a JSON Lines / Parquet record hold the text, HTML, id and URL."""

    text_field: str = "text"
    html_field: str = "html"
    id_field: str = "id"
    url_field: str = "url"


DEFAULT_SOURCES = SourceOptions()


@dataclass(frozen=True, slots=True)
class Part:
    """A whole input file, or records ``[start, stop)`` of a bulk file.

    ``offset`` is the byte offset of record ``start`` where the format can seek (plain
    ``.jsonl``, WARC); 0 means read from the beginning and skip ``start`` records.
    """

    path: str
    start: int = 0
    stop: int | None = None
    offset: int = 0

    @property
    def size(self) -> int:
        return 1 if self.stop is None else self.stop - self.start


def bulk_format(path: Path | str) -> str | None:
    """``"jsonl"``, ``"warc"`` or ``"parquet"`` for a bulk file (a path or a bare file name), else None."""
    name = (path if isinstance(path, str) else path.name).lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith(".parquet"):
        return "parquet"
    return None


def source_paths(root: Path) -> Iterator[str]:
    """Supported files under ``root`` (or ``root`` itself), streamed in a stable order: ``str``
    of what ``root.rglob("*")`` yields, in the order of their path components (each
    directory's entries by name, a subdirectory's files where its name sorts), without a
    ``Path`` object per file or a list of the whole corpus."""
    if root.is_file():
        yield str(root)
        return
    if not root.is_dir():
        raise InputError(f"input not found: {root}")
    base = str(root)
    prefix = "" if base == "." else base if base.endswith("/") else base + "/"
    for path, name in _walk(base, prefix):
        if not name.startswith(".") and _is_source(path, name):
            yield path


def _walk(directory: str, prefix: str) -> Iterator[tuple[str, str]]:
    """``(path, name)`` of every entry below ``directory`` as ``Path.rglob("*")`` finds them,
    each directory's entries sorted by name: symlinked directories are not entered,
    unreadable ones are skipped."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda entry: entry.name)
    except PermissionError:
        return
    for entry in entries:
        path = prefix + entry.name
        yield path, entry.name
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            is_dir = False
        if is_dir:
            yield from _walk(path, path + "/")


def _is_source(path: str, name: str) -> bool:
    """A regular file (symlinks followed) with a supported name."""
    if not (input_kind(name) or bulk_format(name)):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def plan(root: Path, batch_size: int) -> Iterator[list[Part]]:
    """The corpus as batches of at most ``batch_size`` documents, streamed in a stable order.

    Small files are grouped; a bulk file is cut into record ranges (one batch each).
    """
    pending: list[Part] = []
    for name in source_paths(root):
        fmt = bulk_format(name.rpartition("/")[2])
        if fmt is None:
            pending.append(Part(name))
            if len(pending) == batch_size:
                yield pending
                pending = []
            continue
        if pending:
            yield pending
            pending = []
        for part in _split(Path(name), fmt, batch_size):
            yield [part]
    if pending:
        yield pending


def _split(path: Path, fmt: str, batch_size: int) -> list[Part]:
    """Record ranges of one bulk file (one streaming pass over it; nothing kept but offsets)."""
    if fmt == "parquet":
        import pyarrow.parquet as pq

        try:
            n = pq.ParquetFile(path).metadata.num_rows
        except Exception:  # noqa: BLE001 - unreadable: one part that quarantines the file
            return [Part(str(path), 0, 1)]
        return [Part(str(path), i, min(i + batch_size, n)) for i in range(0, n, batch_size)]
    offsets = list(_record_offsets(path, fmt))
    if not offsets:
        return []
    seekable = fmt == "warc" or path.name.lower().endswith((".jsonl", ".ndjson"))
    return [
        Part(str(path), i, min(i + batch_size, len(offsets)), offsets[i] if seekable else 0)
        for i in range(0, len(offsets), batch_size)
    ]


def _record_offsets(path: Path, fmt: str) -> Iterator[int]:
    if fmt == "warc":
        from warcio.archiveiterator import ArchiveIterator

        with open(path, "rb") as fh:
            try:
                it = ArchiveIterator(fh)
                for record in it:
                    if record.rec_type in ("response", "resource"):
                        yield it.get_record_offset()
            except Exception:  # noqa: BLE001 - a damaged tail: its records fail when read
                return
        return
    try:
        with _open_stream(path) as fh:
            offset = 0
            for line in fh:
                if line.strip():
                    yield offset
                offset += len(line)
    except (OSError, EOFError, ValueError):
        yield 0  # one record that reports the damage when read


def _open_stream(path: Path) -> IO[bytes]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return gzip.open(path, "rb")
    if name.endswith(".zst"):
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb"),
                                                                           closefd=True))
    return open(path, "rb")


def iter_part(part: Part, options: SourceOptions = DEFAULT_SOURCES,
              max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Item]:
    """Stream the documents of one part."""
    path = Path(part.path)
    fmt = bulk_format(path)
    if fmt is None:
        doc_id, kind = doc_id_for(path), input_kind(path) or "text"
        try:
            yield RawDoc(id=doc_id, source=str(path), data=read_bytes(path, max_bytes), kind=kind)
        except (InputError, OSError) as exc:
            yield (doc_id, str(path), str(exc))
        return
    reader = {"jsonl": _iter_jsonl, "warc": _iter_warc, "parquet": _iter_parquet}[fmt]
    expected = part.start
    try:
        for index, item in reader(path, part, options, max_bytes):
            expected = index + 1
            yield item
    except Exception as exc:  # noqa: BLE001 - a damaged file: the rest of the part is quarantined
        stop = part.stop if part.stop is not None else expected + 1
        for index in range(expected, stop):
            yield (f"{doc_id_for(path)}-{index}", f"{path}#{index}", f"unreadable record: {exc}")


def _from_record(obj: Any, path: Path, index: int, options: SourceOptions, max_bytes: int) -> Item:
    """A JSON Lines / Parquet record → ``RawDoc`` (or a quarantine tuple)."""
    source = f"{path}#{index}"
    default_id = f"{doc_id_for(path)}-{index}"
    if not isinstance(obj, dict):
        return (default_id, source, "record is not a JSON object")
    raw_id = obj.get(options.id_field)
    doc_id = str(raw_id) if raw_id not in (None, "") else default_id
    html, text = obj.get(options.html_field), obj.get(options.text_field)
    if isinstance(html, str) and html.strip():
        kind, body = "html", html
    elif isinstance(text, str):
        kind, body = "text", text
    else:
        return (doc_id, source,
                f"record has no {options.text_field!r} or {options.html_field!r} string field")
    data = body.encode("utf-8", errors="surrogatepass")
    if len(data) > max_bytes:
        return (doc_id, source, f"record is {len(data)} bytes, over the {max_bytes}-byte limit")
    url = obj.get(options.url_field)
    fields = {"url": url} if isinstance(url, str) and url else {}
    return RawDoc(id=doc_id, source=source, data=data, kind=kind, fields=fields)


def _iter_jsonl(path: Path, part: Part, options: SourceOptions, max_bytes: int):
    stop = part.stop if part.stop is not None else float("inf")
    with _open_stream(path) as fh:
        index = 0
        if part.offset:
            fh.seek(part.offset)
            index = part.start
        for line in fh:
            if not line.strip():
                continue
            if index >= stop:
                break
            if index >= part.start:
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    item: Item = (f"{doc_id_for(path)}-{index}", f"{path}#{index}",
                                  f"invalid JSON: {exc}")
                else:
                    item = _from_record(obj, path, index, options, max_bytes)
                yield index, item
            index += 1


def _iter_parquet(path: Path, part: Part, options: SourceOptions, max_bytes: int):
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    names = set(pf.schema_arrow.names)
    columns = [c for c in (options.id_field, options.text_field, options.html_field,
                           options.url_field) if c in names]
    stop = part.stop if part.stop is not None else pf.metadata.num_rows
    first = 0
    for group in range(pf.num_row_groups):
        rows = pf.metadata.row_group(group).num_rows
        lo, hi = max(part.start, first), min(stop, first + rows)
        if lo < hi:
            table = pf.read_row_group(group, columns=columns).slice(lo - first, hi - lo)
            for i, obj in enumerate(table.to_pylist()):
                yield lo + i, _from_record(obj, path, lo + i, options, max_bytes)
        first += rows
        if first >= stop:
            break


def _iter_warc(path: Path, part: Part, options: SourceOptions, max_bytes: int):
    from warcio.archiveiterator import ArchiveIterator

    stop = part.stop if part.stop is not None else float("inf")
    with open(path, "rb") as fh:
        fh.seek(part.offset)
        index = part.start if part.offset else 0
        for record in ArchiveIterator(fh):
            if record.rec_type not in ("response", "resource"):
                continue
            if index >= stop:
                break
            if index >= part.start:
                yield index, _from_warc(record, path, index, max_bytes)
            index += 1


def _from_warc(record: Any, path: Path, index: int, max_bytes: int) -> Item:
    """A WARC response → ``RawDoc`` (HTML goes through trafilatura like any ``.html`` input)."""
    headers = record.rec_headers
    record_id = (headers.get_header("WARC-Record-ID") or "").strip("<>")
    doc_id = record_id.rsplit(":", 1)[-1] or f"{doc_id_for(path)}-{index}"
    url = headers.get_header("WARC-Target-URI") or ""
    source = f"{path}#{index}"
    if record.http_headers is not None:
        status = record.http_headers.get_statuscode()
        if status and status != "200":
            return (doc_id, source, f"HTTP status {status} for {url}")
        ctype = record.http_headers.get_header("Content-Type") or ""
    else:
        ctype = headers.get_header("Content-Type") or ""
    ctype = ctype.split(";")[0].strip().lower()
    if "html" in ctype:
        kind = "html"
    elif ctype.startswith("text/"):
        kind = "text"
    else:
        return (doc_id, source, f"not a text or HTML page (Content-Type {ctype or 'missing'})")
    data = record.content_stream().read(max_bytes + 1)
    if len(data) > max_bytes:
        return (doc_id, source, f"page is over the {max_bytes}-byte limit")
    return RawDoc(id=doc_id, source=source, data=data, kind=kind, fields={"url": url} if url else {})
