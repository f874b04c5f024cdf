"""The stages composed, without Prefect: read → extract → fix → classify → repair → detect.

``clean_text`` cleans one text; ``clean_batch`` cleans a batch of ``RawDoc`` and never raises
for a bad input — it returns a ``Quarantined`` record with the reason instead.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache

from copydesk import language
from copydesk.classify import Classifier
from copydesk.corpus import CorpusStats
from copydesk.document import Document, Quarantined, RawDoc
from copydesk.extract import extract_html
from copydesk.fix import fix_text
from copydesk.read import DEFAULT_MAX_BYTES, InputError, decode
from copydesk.repair import repair_text
from copydesk.rules_loader import load_rules

LANGUAGE_POLICIES = ("flag", "quarantine")


@dataclass(frozen=True)
class Settings:
    """What a user can choose for a run (the CLI and the flow pass these through)."""

    rules: tuple[str, ...] = ()  # extra rules files, matched before ours
    accepted_languages: tuple[str, ...] = ("en",)
    other_languages: str = "flag"  # "flag": publish with a flag; "quarantine"
    repair_style: str = "auto"  # "auto", "ascii" or "typographic"
    uncurl_quotes: bool = False
    repair: bool = True
    min_body_chars: int = 1
    max_line_chars: int = 100_000  # a longer line is not article text (and would stall the stages)
    max_bytes: int = DEFAULT_MAX_BYTES  # per input (after decompression); larger ones are quarantined

    def classifier(self) -> Classifier:
        return _classifier(self.rules)


@lru_cache(maxsize=16)
def _classifier(rules: tuple[str, ...]) -> Classifier:
    """One classifier per rules set (building its prefilters costs more than cleaning a page)."""
    return Classifier(load_rules(rules))


@dataclass
class Prepared:
    """A decoded, extracted and fixed text, ready to classify."""

    text: str
    meta: dict = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


@contextmanager
def _timed(timings: Counter[str] | None, stage: str) -> Iterator[None]:
    """Add the wall time of the block to ``timings[stage]`` (seconds), when timings are kept."""
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] += time.perf_counter() - start


def prepare(raw: RawDoc, settings: Settings = Settings(),
            timings: Counter[str] | None = None) -> Prepared:
    """Decode, extract (HTML) and fix one input; raises ``InputError`` when it is unusable."""
    with _timed(timings, "decode"):
        text = decode(raw.data)
    meta: dict = {}
    flags: list[str] = []
    if raw.kind == "html":
        with _timed(timings, "extract"):
            text, meta = extract_html(text, url=raw.fields.get("url"))
        if not text.strip():
            raise InputError("HTML page has no extractable article text")
    with _timed(timings, "fix"):
        fixed, changed = fix_text(text, uncurl_quotes=settings.uncurl_quotes)
    if changed:
        flags.append("encoding-fixed")
    if not fixed.strip():
        raise InputError("empty input (no text)")
    longest = max(map(len, fixed.split("\n")))
    if longest > settings.max_line_chars:
        raise InputError(f"a line of {longest} characters, over the {settings.max_line_chars}-character "
                         "limit: not article text")
    return Prepared(fixed, meta, flags)


def clean_text(
    text: str,
    *,
    doc_id: str = "stdin",
    source: str = "<text>",
    html: bool = False,
    stats: CorpusStats | None = None,
    settings: Settings = Settings(),
) -> Document:
    """Clean one document's text (or HTML) and return it with everything the stages found."""
    raw = RawDoc(doc_id, source, text.encode("utf-8"), kind="html" if html else "text")
    try:
        prepared = prepare(raw, settings)
    except InputError as exc:
        doc = Document(doc_id, source)
        doc.flag(f"unusable-input:{exc}")
        return doc
    return _clean(doc_id, source, prepared, settings.classifier(), settings, stats)


def _clean(
    doc_id: str, source: str, prepared: Prepared, classifier: Classifier, settings: Settings,
    stats: CorpusStats | None, timings: Counter[str] | None = None,
) -> Document:
    meta = prepared.meta
    doc = Document(doc_id, source, text=prepared.text, flags=list(prepared.flags))
    for key, field_name in (("date", "published"), ("sitename", "site")):
        if meta.get(key):
            doc.metadata[field_name] = meta[key]
    with _timed(timings, "classify"):
        body = classifier.classify(
            doc, html_title=meta.get("title"), author_hint=meta.get("author"), stats=stats
        )
    if meta.get("author"):
        doc.metadata.setdefault("author", meta["author"])
    doc.text = "\n\n".join(body)
    if settings.repair and doc.text:
        with _timed(timings, "repair"):
            result = repair_text(doc.text, stems=getattr(stats, "stems", None),
                                 style=settings.repair_style)
        doc.text, doc.repairs = result.text, result.repairs
        for flag in result.flags:
            doc.flag(flag)
    with _timed(timings, "detect"):
        doc.language = language.detect_language(doc.text) or "und"
    if doc.language not in settings.accepted_languages and doc.language != "und":
        doc.flag(f"non-english-document:{doc.language}" if "en" in settings.accepted_languages
                 else f"language-not-accepted:{doc.language}")
    if doc.byline is not None and doc.byline.non_english:
        doc.flag("non-english-byline")
    return doc


def quarantine_reason(doc: Document, settings: Settings) -> str | None:
    """Why a cleaned document must not be published, or None."""
    if len(doc.text.strip()) < settings.min_body_chars:
        n = len(doc.removed)
        return f"empty after cleaning: all {n} line(s) were debris" if n else "empty after cleaning"
    if settings.other_languages == "quarantine" and doc.language not in settings.accepted_languages:
        return f"language {doc.language!r} not in accepted languages {list(settings.accepted_languages)}"
    return None


def clean_batch(
    raws: Iterable[RawDoc | Quarantined],
    *,
    settings: Settings = Settings(),
    stats: CorpusStats | None = None,
    timings: Counter[str] | None = None,
) -> list[Document | Quarantined]:
    """Clean a batch; every input comes back as a ``Document`` or a ``Quarantined``.

    ``timings``, when given, accumulates seconds per stage (decode, extract, fix, classify,
    repair, detect)."""
    classifier = settings.classifier()
    out: list[Document | Quarantined] = []
    for raw in raws:
        if isinstance(raw, Quarantined):
            out.append(raw)
            continue
        try:
            doc = _clean(raw.id, raw.source, prepare(raw, settings, timings), classifier, settings,
                         stats, timings)
        except InputError as exc:
            out.append(Quarantined(raw.id, raw.source, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop a run
            out.append(Quarantined(raw.id, raw.source, f"internal error: {type(exc).__name__}: {exc}"))
            continue
        reason = quarantine_reason(doc, settings)
        out.append(Quarantined(raw.id, raw.source, reason) if reason else doc)
    return out
