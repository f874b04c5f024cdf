"""Reading one input: file kinds and ids, bounded reads (gzip included), decoding with charset detection."""

from __future__ import annotations

import codecs
import gzip
import re
import zlib
from pathlib import Path

from charset_normalizer import from_bytes

TEXT_SUFFIXES = {".txt": "text", ".html": "html", ".htm": "html"}
DEFAULT_MAX_BYTES = 50 * 1024 * 1024  # per input, after decompression
WESTERN = ("cp1252", "latin_1", "iso8859_15")
WESTERN_MARGIN = 0.1


class InputError(Exception):
    """An input that cannot be read; the message is the quarantine reason."""


def input_kind(path: Path | str) -> str | None:
    """``"text"``/``"html"`` for a supported file name (optionally ``.gz``), else None.
    ``path`` is a path or a bare file name (listing a large corpus makes no ``Path`` per file)."""
    suffixes = [s.lower() for s in _suffixes(path if isinstance(path, str) else path.name)[-2:]]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return TEXT_SUFFIXES.get(suffixes[-1]) if suffixes else None


def _suffixes(name: str) -> list[str]:
    """``Path(name).suffixes``."""
    if name.endswith("."):
        return []
    return ["." + suffix for suffix in name.lstrip(".").split(".")[1:]]


def doc_id_for(path: Path) -> str:
    """The output id: the file name without its extension(s)."""
    name = path.name
    if name.lower().endswith(".gz"):
        name = name[:-3]
    return name.rsplit(".", 1)[0] if "." in name else name


def read_bytes(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """File contents, gunzipped when needed, refusing anything over ``max_bytes``.

    Never holds more than ``max_bytes + 1`` bytes of content: plain files and gzip streams
    alike are read with a bounded ``read``, so a huge file or a gzip bomb costs no memory.
    """
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"file is {size} bytes, over the {max_bytes}-byte limit")
    if path.name.lower().endswith(".gz"):
        try:
            with gzip.open(path, "rb") as fh:
                data = fh.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(f"corrupt gzip file: {exc}") from exc
        if len(data) > max_bytes:
            raise InputError(f"decompresses to over the {max_bytes}-byte limit")
        return data
    with path.open("rb") as fh:
        # read(n) allocates n bytes first: ask for the size the file has (and one byte more)
        data = fh.read(size + 1)
        if len(data) > size:  # the file grew after the size check: read on, as far as allowed
            data += fh.read(max_bytes + 1 - len(data))
    if len(data) > max_bytes:
        raise InputError(f"file is over the {max_bytes}-byte limit")
    return data


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes) -> str:
    """Bytes → text: BOMs, then UTF-8, then charset detection; binary data is refused."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _refuse_binary(data.decode(encoding, errors="replace"))
    if b"\x00" in data[:4096]:
        raise InputError("binary data (NUL bytes), not text")
    try:
        return _refuse_binary(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    matches = from_bytes(data[: 1024 * 1024])
    best = matches.best()
    if best is None:
        raise InputError("binary data or unknown text encoding")
    # Single-byte code pages often tie; legacy Western text is overwhelmingly Windows-1252 /
    # Latin-1, so prefer those whenever they read about as cleanly as the detector's pick.
    for match in matches:
        if match.encoding in WESTERN and match.chaos <= best.chaos + WESTERN_MARGIN:
            return _refuse_binary(data.decode(match.encoding, errors="replace"))
    return _refuse_binary(data.decode(best.encoding, errors="replace"))


_NOT_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ufffd]")
MAX_NOT_TEXT_SHARE = 0.1


def _refuse_binary(text: str) -> str:
    """``text``, unless its start is mostly control or undecodable characters (binary data)."""
    head = text[:4096]
    if head and len(_NOT_TEXT.findall(head)) > MAX_NOT_TEXT_SHARE * len(head):
        raise InputError("binary data (control or undecodable bytes), not text")
    return text
