"""What the Prefect artifacts say about a run (formatting only; tests/test_server.py reads
them back from a real server)."""

from __future__ import annotations

from pathlib import Path

from copydesk_flows.artifacts import quarantine_table, report_links, summary_markdown

SUMMARY = {
    "inputs": 7, "published": 5, "quarantined": 2,
    "removals_by_category": {"share": 4, "breadcrumb": 1},
    "repairs_by_kind": {"possessive": 3},
    "flags": {"non-english-byline": 1},
    "languages": {"en": 5},
    "quarantine_reasons": {"empty": 1, "binary": 1},
    "validation": {"success": False, "data_docs": None, "expectations": [
        {"suite": "documents", "expectation": "expect_column_values_to_not_be_null", "column": "text",
         "severity": "error", "success": False, "unexpected_count": 2, "sample": []},
        {"suite": "run", "expectation": "expect_column_values_to_be_between", "column": "published",
         "severity": "warning", "success": True, "unexpected_count": 0, "sample": []},
    ]},
}


def test_summary_has_counts_removals_repairs_flags_and_the_verdict() -> None:
    md = summary_markdown(SUMMARY)
    assert "7 inputs: **5 published**, **2 quarantined**; validation **FAILED**" in md
    assert "| share | 4 |" in md and "| breadcrumb | 1 |" in md
    assert "| possessive | 3 |" in md
    assert "| non-english-byline | 1 |" in md
    assert "2 expectations, 1 not met" in md
    assert "| documents | expect_column_values_to_not_be_null | text | error | 2 |" in md


def test_summary_of_a_clean_run() -> None:
    md = summary_markdown(SUMMARY | {"quarantined": 0, "repairs_by_kind": {}, "validation": {
        "success": True, "data_docs": None, "expectations": []}})
    assert "validation **passed**" in md
    assert "**Repairs by kind:** none" in md


def test_quarantine_table_has_one_row_per_input() -> None:
    rows = quarantine_table([{"id": "a", "source": "raw/a.txt", "reason": "empty: no text"},
                             {"id": "b", "source": "raw/b.bin", "reason": "binary"}])
    assert rows == [{"id": "a", "source": "raw/a.txt", "reason": "empty: no text"},
                    {"id": "b", "source": "raw/b.bin", "reason": "binary"}]


def test_links_point_at_the_report_pages_that_exist(tmp_path: Path) -> None:
    assert report_links(tmp_path) == {}
    (tmp_path / "report" / "data_docs").mkdir(parents=True)
    (tmp_path / "report" / "data_docs" / "index.html").write_text("<html></html>")
    assert report_links(tmp_path) == {
        "data_docs": (tmp_path / "report" / "data_docs" / "index.html").resolve().as_uri()}
    (tmp_path / "report" / "review.html").write_text("<html></html>")
    links = report_links(tmp_path)
    assert links["review"].startswith("file://") and links["review"].endswith("/report/review.html")
    assert f"]({links['review']})" in summary_markdown(SUMMARY, links)
