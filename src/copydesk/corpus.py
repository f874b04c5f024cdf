"""Run-level evidence gathered in a first pass: how often a line recurs across documents."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

_SPACE = re.compile(r"\s+")


def line_key(line: str) -> str:
    """A short, case- and space-insensitive key for a line."""
    norm = _SPACE.sub(" ", line).strip().casefold()
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


@dataclass
class CorpusStats:
    """Line document-frequencies over a run (each line counted once per document)."""

    n_docs: int = 0
    line_docs: Counter[str] = field(default_factory=Counter)

    def add(self, text: str) -> None:
        """Count one document's distinct non-blank lines."""
        self.n_docs += 1
        self.line_docs.update({line_key(s) for s in text.splitlines() if s.strip()})

    def merge(self, other: CorpusStats) -> None:
        """Fold another (e.g. a shard's) statistics into this one."""
        self.n_docs += other.n_docs
        self.line_docs.update(other.line_docs)

    def doc_frequency(self, line: str) -> int:
        """In how many documents of the run this line appears."""
        return self.line_docs.get(line_key(line), 0)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> CorpusStats:
        stats = cls()
        for text in texts:
            stats.add(text)
        return stats
