"""Run-level evidence gathered in a first pass: how often a line recurs across documents.

Memory stays bounded on large corpora: lines are kept as 64-bit hashes, and when more than
``max_keys`` distinct lines are held, lines seen in only one document are dropped (such a line
then counts as 1, which is what it was when dropped).
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

_blake2b = hashlib.blake2b


MAX_KEYS = 1_000_000


def line_key(line: str) -> int:
    """A 64-bit, case- and space-insensitive key for a line (runs of whitespace as one space,
    none at the ends: ``str.split`` and ``\\s`` agree on what is whitespace)."""
    return words_key(line.split())


def words_key(words: list[str]) -> int:
    """``line_key`` of a line given as its ``str.split()`` words (when already split)."""
    norm = " ".join(words).casefold()
    return int.from_bytes(_blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")


@dataclass
class CorpusStats:
    """Line document-frequencies over a run (each line counted once per document)."""

    n_docs: int = 0
    line_docs: Counter[int] = field(default_factory=Counter)
    pruned: bool = False  # singletons were dropped to bound memory
    max_keys: int = MAX_KEYS

    def add(self, text: str) -> None:
        """Count one document's distinct non-blank lines."""
        self.add_lines(text.splitlines())

    def add_lines(self, lines: Iterable[str]) -> None:
        """Count one document given as its lines (blank ones are skipped)."""
        self.n_docs += 1
        self.line_docs.update({line_key(s) for s in lines if not s.isspace() and s})
        self._bound()

    def merge(self, other: CorpusStats) -> None:
        """Fold another (e.g. a shard's) statistics into this one."""
        self.n_docs += other.n_docs
        self.line_docs.update(other.line_docs)
        self.pruned = self.pruned or other.pruned
        self._bound()

    def _bound(self) -> None:
        if len(self.line_docs) > self.max_keys:
            self.line_docs = Counter({k: n for k, n in self.line_docs.items() if n > 1})
            self.pruned = True

    def doc_frequency(self, line: str) -> int:
        """In how many documents of the run this line appears."""
        return self.key_frequency(line_key(line))

    def key_frequency(self, key: int) -> int:
        """``doc_frequency`` of the line whose ``line_key`` is ``key`` (computed once, reused)."""
        return self.line_docs.get(key, 1 if self.pruned else 0)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusStats:
        stats = cls()
        for text in texts:
            stats.add(text)
        return stats

    def save(self, path: Path) -> None:
        """Write the statistics to ``path`` (``.npz``, atomically) for tasks in other processes."""
        import numpy as np

        from copydesk.write import atomic_write_bytes

        buf = io.BytesIO()
        keys = np.fromiter(self.line_docs.keys(), dtype=np.uint64, count=len(self.line_docs))
        counts = np.fromiter(self.line_docs.values(), dtype=np.uint32, count=len(self.line_docs))
        np.savez(buf, keys=keys, counts=counts, meta=np.array([self.n_docs, int(self.pruned)]))
        atomic_write_bytes(path, buf.getvalue())

    @classmethod
    def load(cls, path: Path) -> CorpusStats:
        """Statistics written by ``save``."""
        import numpy as np

        with np.load(path, allow_pickle=False) as data:
            n_docs, pruned = (int(x) for x in data["meta"])
            line_docs = Counter(dict(zip(data["keys"].tolist(), data["counts"].tolist(), strict=True)))
        return cls(n_docs=n_docs, line_docs=line_docs, pruned=bool(pruned))
