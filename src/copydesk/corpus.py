"""Run-level evidence gathered in a first pass: how often a line recurs across documents.

Memory stays bounded on large corpora: lines are kept as 64-bit hashes in two sorted arrays
(12 bytes per distinct line, against ~90 in a dict), and when more than ``max_keys`` distinct
lines are held, lines seen in only one document are dropped (such a line then counts as 1,
which is what it was when dropped).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

_blake2b = hashlib.blake2b


MAX_KEYS = 1_000_000


def line_key(line: str) -> int:
    """A 64-bit, case- and space-insensitive key for a line (runs of whitespace as one space,
    none at the ends: ``str.split`` and ``\\s`` agree on what is whitespace)."""
    return int.from_bytes(_digest(line), "big")


def _digest(line: str) -> bytes:
    """``line_key(line)`` as 8 big-endian bytes (``_keys`` reads many at once): blake2b of the
    casefolded line with its whitespace runs as one space. A line whose only whitespace is
    single spaces (" " is the one printable whitespace character) is not split."""
    norm = line.strip() if line.isprintable() and "  " not in line else " ".join(line.split())
    return _blake2b(norm.casefold().encode("utf-8"), digest_size=8).digest()


_BLANK = _digest("")  # the digest of every blank line


def _keys(digests: Iterable[bytes]) -> np.ndarray:
    """``_digest`` results as ``line_key`` values (``uint64``)."""
    return np.frombuffer(b"".join(digests), dtype=">u8").astype(np.uint64)


class CorpusStats:
    """Line document-frequencies over a run (each line counted once per document).

    ``keys`` (sorted ``uint64`` line keys) and ``counts`` (``uint32``) hold the frequencies;
    documents added one at a time are counted in a small ``Counter`` first, folded into the
    arrays every ``FOLD`` new keys and before anything reads them (a pickle included)."""

    FOLD = 200_000

    def __init__(self, n_docs: int = 0, *, keys: np.ndarray | None = None,
                 counts: np.ndarray | None = None, pruned: bool = False,
                 max_keys: int = MAX_KEYS) -> None:
        self.n_docs, self.max_keys = n_docs, max_keys
        self._keys = np.zeros(0, dtype=np.uint64) if keys is None else keys
        self._counts = np.zeros(0, dtype=np.uint32) if counts is None else counts
        self._pruned = pruned  # singletons were dropped to bound memory
        self._added: Counter[bytes] = Counter()  # line digests (``_digest``)

    @property
    def keys(self) -> np.ndarray:
        self._fold()
        return self._keys

    @property
    def counts(self) -> np.ndarray:
        self._fold()
        return self._counts

    @property
    def pruned(self) -> bool:
        self._fold()
        return self._pruned

    def __len__(self) -> int:
        """Distinct lines held."""
        return len(self.keys)

    def __getstate__(self) -> dict[str, Any]:
        self._fold()  # a task's statistics travel as arrays
        return self.__dict__

    def add(self, text: str) -> None:
        """Count one document's distinct non-blank lines."""
        self.add_lines(text.splitlines())

    def add_lines(self, lines: Iterable[str]) -> None:
        """Count one document given as its lines (blank ones are skipped)."""
        self.n_docs += 1
        digests = set(map(_digest, lines))
        digests.discard(_BLANK)
        self._added.update(digests)
        if len(self._added) >= self.FOLD:
            self._fold()

    def merge(self, other: CorpusStats) -> None:
        """Fold another (e.g. a shard's) statistics into this one."""
        self._fold()
        self.n_docs += other.n_docs
        self._pruned = self.pruned or other.pruned
        self._combine(other.keys, other.counts)

    def _fold(self) -> None:
        if self._added:
            added, self._added = self._added, Counter()
            self._combine(_keys(added), np.fromiter(added.values(), dtype=np.uint32, count=len(added)))

    def _combine(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Add ``counts`` of ``keys`` (any order) to the arrays, then bound them."""
        keys = np.concatenate([self._keys, keys])
        if not len(keys):
            return
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], np.concatenate([self._counts, counts])[order]
        starts = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
        self._keys, self._counts = keys[starts], np.add.reduceat(counts, starts, dtype=np.uint32)
        if len(self._keys) > self.max_keys:
            keep = self._counts > 1
            self._keys, self._counts = self._keys[keep], self._counts[keep]
            self._pruned = True

    def doc_frequency(self, line: str) -> int:
        """In how many documents of the run this line appears."""
        return self.line_frequencies([line])[0]

    def line_frequencies(self, lines: Iterable[str]) -> list[int]:
        """``doc_frequency`` of each of ``lines`` (a document's lines: one lookup for all)."""
        wanted = _keys(map(_digest, lines))
        held, unseen = self.keys, 1 if self.pruned else 0
        if not len(held):
            return [unseen] * len(wanted)
        at = held.searchsorted(wanted)  # "clip": a key past the last held one is at len(held)
        found = held.take(at, mode="clip") == wanted
        return np.where(found, self._counts.take(at, mode="clip"), unseen).tolist()

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusStats:
        stats = cls()
        for text in texts:
            stats.add(text)
        return stats

    def save(self, path: Path) -> None:
        """Write the statistics to ``path`` (``.npz``, atomically) for tasks in other processes."""
        from copydesk.write import atomic_write_bytes

        buf = io.BytesIO()
        np.savez(buf, keys=self.keys, counts=self.counts,
                 meta=np.array([self.n_docs, int(self.pruned)]))
        atomic_write_bytes(path, buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> CorpusStats:
        """Statistics written by ``save``."""
        with np.load(path, allow_pickle=False) as data:
            n_docs, pruned = (int(x) for x in data["meta"])
            return cls(n_docs=n_docs, pruned=bool(pruned), keys=data["keys"], counts=data["counts"])
