"""The records passed between pipeline stages, and nothing else.

A document flows one way: ``RawDoc`` (bytes from a source) → ``Document`` (text plus
everything the stages learned about it). Each stage records what it did on the document
itself (``removed``, ``repairs``, ``flags``, ``metadata``) — never in a side channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RawDoc:
    """One input as read: bytes plus where they came from."""

    id: str
    source: str
    data: bytes
    kind: str = "text"  # "text" or "html"
    fields: dict[str, Any] = field(default_factory=dict)  # extra fields from bulk inputs


@dataclass
class Removal:
    """A line taken out of the body, with its category and the rule that matched."""

    line: int  # 1-based line number in the fixed text
    text: str
    category: str
    reason: str = ""
    language: str | None = None  # language of the matched phrase, where the rule knows it

    def to_record(self) -> dict[str, Any]:
        """The fields that are not None."""
        record = {"line": self.line, "text": self.text, "category": self.category,
                  "reason": self.reason, "language": self.language}
        return {k: v for k, v in record.items() if v is not None}


@dataclass
class Repair:
    """A punctuation repair; reversible: ``text[offset:offset+len(after)] == after``."""

    before: str
    after: str
    kind: str  # apostrophe, dash, contraction, accent, ...
    offset: int  # character offset of ``after`` in the final text
    evidence: str

    def to_record(self) -> dict[str, Any]:
        return {"before": self.before, "after": self.after, "kind": self.kind,
                "offset": self.offset, "evidence": self.evidence}


@dataclass
class Byline:
    """Who wrote the article, and in what language the credit is written."""

    name: str
    role: str | None = None
    label: str | None = None
    script: str | None = None
    language: str | None = None
    non_english: bool = False
    latin: str | None = None

    def to_record(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "label": self.label, "script": self.script,
                "language": self.language, "non_english": self.non_english, "latin": self.latin}


@dataclass
class Document:
    """A document as it moves through the stages."""

    id: str
    source: str
    text: str = ""
    title: str | None = None
    language: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    byline: Byline | None = None
    removed: list[Removal] = field(default_factory=list)
    repairs: list[Repair] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    def flag(self, name: str) -> None:
        """Add a flag once."""
        if name not in self.flags:
            self.flags.append(name)

    def to_record(self) -> dict[str, Any]:
        """The JSON-ready row written to ``documents.jsonl`` (see README: output contract):
        every field in order, a removal without its None fields. Built field by field
        (``dataclasses.asdict`` deep-copies every value: a tenth of a batch task's time)."""
        return {
            "id": self.id, "source": self.source, "text": self.text, "title": self.title,
            "language": self.language, "metadata": dict(self.metadata),
            "byline": None if self.byline is None else self.byline.to_record(),
            "removed": [r.to_record() for r in self.removed],
            "repairs": [r.to_record() for r in self.repairs],
            "flags": list(self.flags),
        }


@dataclass
class Quarantined:
    """An input that could not be published, and why."""

    id: str
    source: str
    reason: str

    def to_record(self) -> dict[str, Any]:
        return {"id": self.id, "source": self.source, "reason": self.reason}
