"""A whole run as plain functions: plan batches, clean a batch, finish (write, validate, report).

The Prefect flow (flows/clean_news.py) calls these and only decides batching, parallelism and
where results go; the same functions run without Prefect in tests and in ``copydesk clean - -``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copydesk.corpus import CorpusStats
from copydesk.document import Document, Quarantined
from copydesk.pipeline import Settings, clean_batch, prepare
from copydesk.read import DEFAULT_MAX_BYTES, InputError, iter_raw, list_inputs
from copydesk.report import summarize, write_summary
from copydesk.rules_loader import load_rules
from copydesk.validate import ValidationReport, document_table, run_table, validate
from copydesk.write import write_outputs


@dataclass
class RunResult:
    """What a finished run produced and whether it passed validation."""

    summary: dict[str, Any]
    validation: ValidationReport | None
    output_dir: Path

    @property
    def success(self) -> bool:
        return self.validation is None or self.validation.success

    def failure_line(self) -> str | None:
        """One line saying why the run failed, or None."""
        if self.success:
            return None
        failed = self.validation.failures() if self.validation else []
        names = ", ".join(f"{r.expectation}({r.column})" for r in failed[:3])
        more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
        return f"validation failed: {names}{more} — see {self.output_dir / 'report'}"


def plan_batches(input_dir: Path, batch_size: int) -> list[list[str]]:
    """The inputs in stable order, cut into batches of ``batch_size`` paths."""
    paths = [str(p) for p in list_inputs(input_dir)]
    return [paths[i:i + batch_size] for i in range(0, len(paths), batch_size)]


def _raw_docs(paths: list[str], max_bytes: int):
    for path in paths:
        for item in iter_raw(Path(path), max_bytes):
            yield item if not isinstance(item, tuple) else Quarantined(*item)


def stats_for_batch(paths: list[str], settings: Settings, max_bytes: int = DEFAULT_MAX_BYTES) -> CorpusStats:
    """First pass: line statistics over a batch (corpus evidence for the second pass)."""
    stats = CorpusStats()
    for raw in _raw_docs(paths, max_bytes):
        if isinstance(raw, Quarantined):
            continue
        try:
            stats.add(prepare(raw, settings).text)
        except InputError:
            continue
    return stats


def clean_paths(
    paths: list[str], settings: Settings, stats: CorpusStats | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> list[dict[str, Any]]:
    """Second pass: clean a batch; each result is a record with ``status`` published/quarantined."""
    out = []
    for item in clean_batch(_raw_docs(paths, max_bytes), settings=settings, stats=stats):
        status = "published" if isinstance(item, Document) else "quarantined"
        out.append({"status": status, **item.to_record()})
    return out


def finish(
    output_dir: Path,
    records: list[dict[str, Any]],
    settings: Settings,
    *,
    inputs: int,
    expectations_dir: Path | None = None,
    validate_output: bool = True,
    extra: dict[str, Any] | None = None,
) -> RunResult:
    """Write outputs, validate them with the GX suites, and write the report."""
    documents = [{k: v for k, v in r.items() if k != "status"} for r in records if r["status"] == "published"]
    quarantined = [{k: v for k, v in r.items() if k != "status"} for r in records if r["status"] == "quarantined"]
    write_outputs(output_dir, documents, quarantined)
    report_dir = output_dir / "report"
    validation = None
    if validate_output:
        ids = Counter(r["id"] for r in records)
        tables = {
            "documents": document_table(documents),
            "run": run_table(inputs, len(documents), len(quarantined),
                             sum(n - 1 for n in ids.values() if n > 1)),
        }
        validation = validate(
            tables, rules=load_rules(settings.rules), accepted_languages=settings.accepted_languages,
            docs_dir=report_dir / "data_docs", expectations_dir=expectations_dir,
        )
    summary = summarize(documents, quarantined, inputs=inputs,
                        validation=validation.to_dict() if validation else None, extra=extra)
    write_summary(report_dir, summary)
    return RunResult(summary, validation, output_dir)
