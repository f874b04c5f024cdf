"""Prefect artifacts for a finished run: what a person sees on the flow run's Artifacts tab.

The formatting functions are pure (they take the ``summary`` dict from ``copydesk.report.summarize``
and the quarantine records) so they are tested without a server; ``publish`` sends them to the API:

* ``clean-news-summary`` (markdown): counts, removals by category, repairs by kind, flags,
  validation result and links to the report;
* ``clean-news-quarantine`` (table): one row per quarantined input;
* ``clean-news-data-docs`` / ``clean-news-review`` (links): ``file://`` links to the report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from uuid import UUID

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

SUMMARY_KEY = "clean-news-summary"
QUARANTINE_KEY = "clean-news-quarantine"
LINK_KEYS = {"data_docs": "clean-news-data-docs", "review": "clean-news-review"}
REPORT_FILES = {"data_docs": "data_docs/index.html", "review": "review.html"}
LINK_TEXT = {"data_docs": "Validation report (Great Expectations Data Docs)",
             "review": "Review page"}


def report_links(output_dir: str | Path) -> dict[str, str]:
    """``file://`` links to the report pages that exist under ``OUTPUT_DIR/report/``."""
    report = Path(output_dir).resolve() / "report"
    return {name: (report / rel).as_uri() for name, rel in REPORT_FILES.items()
            if (report / rel).is_file()}


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|")


def _counts(title: str, counts: dict[str, int]) -> list[str]:
    if not counts:
        return [f"**{title}:** none", ""]
    rows = [f"| {_cell(name)} | {n} |" for name, n in counts.items()]
    return [f"**{title}**", "", "| | count |", "| --- | ---: |", *rows, ""]


def summary_markdown(summary: dict[str, Any], links: dict[str, str] | None = None) -> str:
    """The run summary as markdown: counts, removals, repairs, flags, validation, links."""
    validation = summary.get("validation")
    if validation is None:
        verdict = "not run"
    else:
        verdict = "**passed**" if validation["success"] else "**FAILED**"
    lines = [
        "# clean-news run",
        "",
        f"{summary['inputs']} inputs: **{summary['published']} published**, "
        f"**{summary['quarantined']} quarantined**; validation {verdict}",
        "",
        *_counts("Removals by category", summary.get("removals_by_category", {})),
        *_counts("Repairs by kind", summary.get("repairs_by_kind", {})),
        *_counts("Flags", summary.get("flags", {})),
        *_counts("Languages", summary.get("languages", {})),
        *_counts("Quarantine reasons", summary.get("quarantine_reasons", {})),
    ]
    if validation is not None:
        failed = [r for r in validation["expectations"] if not r["success"]]
        lines += [f"**Validation:** {len(validation['expectations'])} expectations, "
                  f"{len(failed)} not met", ""]
        if failed:
            lines += ["| suite | expectation | column | severity | unexpected |",
                      "| --- | --- | --- | --- | ---: |"]
            lines += [f"| {r['suite']} | {r['expectation']} | {r.get('column') or ''} | "
                      f"{r['severity']} | {r.get('unexpected_count') or ''} |" for r in failed]
            lines.append("")
    for name, uri in (links or {}).items():
        lines.append(f"- [{LINK_TEXT[name]}]({uri})")
    return "\n".join(lines).rstrip() + "\n"


def quarantine_table(quarantined: list[dict[str, Any]]) -> list[dict[str, str]]:
    """One row per quarantined input: id, source, reason."""
    return [{"id": q["id"], "source": q.get("source", ""), "reason": q["reason"]}
            for q in quarantined]


def publish(summary: dict[str, Any], quarantined: list[dict[str, Any]],
            output_dir: str | Path) -> list[UUID]:
    """Create the run's artifacts in the current flow run; returns their ids."""
    links = report_links(output_dir)
    verdict = "no validation" if summary.get("validation") is None else (
        "passed" if summary["validation"]["success"] else "failed")
    ids = [
        create_markdown_artifact(
            summary_markdown(summary, links), key=SUMMARY_KEY,
            description=f"{summary['published']} published, {summary['quarantined']} "
                        f"quarantined; validation {verdict}"),
        create_table_artifact(
            quarantine_table(quarantined), key=QUARANTINE_KEY,
            description=f"{len(quarantined)} quarantined input(s)"),
    ]
    for name, uri in links.items():
        ids.append(create_link_artifact(uri, link_text=LINK_TEXT[name], key=LINK_KEYS[name],
                                        description=f"{LINK_TEXT[name]} in {Path(output_dir)}"))
    return ids
