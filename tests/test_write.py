"""Atomic writes: no half-written file is ever visible, and a killed run's leftovers go away."""

from __future__ import annotations

from dataclasses import fields

from copydesk.document import Byline, Document, Removal, Repair
from copydesk.write import atomic_write_text, remove_temp_files, safe_name


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "documents.jsonl"
    atomic_write_text(target, "old\n")
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["documents.jsonl"]


def test_temp_files_of_a_killed_write_are_removed_and_nothing_else(tmp_path):
    (tmp_path / "report").mkdir()
    leftovers = [tmp_path / ".quarantine.jsonl.z0e4pxkm.tmp", tmp_path / "report" / ".summary.json.ab_12.tmp"]
    for path in leftovers:
        path.write_text("partial")
    keep = [tmp_path / "notes.tmp", tmp_path / "a.txt", tmp_path / ".hidden"]
    for path in keep:
        path.write_text("x")
    assert remove_temp_files(tmp_path) == 2
    assert not any(p.exists() for p in leftovers)
    assert all(p.exists() for p in keep)


def test_ids_cannot_escape_the_output_directory():
    for doc_id in ("../../etc/passwd", "/abs/path", "..", "a/b\\c"):
        name = safe_name(doc_id)
        assert "/" not in name and "\\" not in name and not name.startswith(".")


def test_a_document_record_holds_every_field_in_order():
    """A documents.jsonl row has every field of ``Document`` and of its nested records, in
    declaration order (a removal leaves out its None fields); mutable fields are copies."""
    doc = Document("a", "in/a.txt", text="Body.", title="T", language="en", metadata={"views": 3},
                   byline=Byline("Jane Doe", role="Reporter"), removed=[Removal(1, "Menu", "nav", "r")],
                   repairs=[Repair("'", "’", "apostrophe", 0, "e")], flags=["f"])
    record = doc.to_record()
    assert list(record) == [f.name for f in fields(Document)]
    assert list(record["byline"]) == [f.name for f in fields(Byline)]
    assert list(record["repairs"][0]) == [f.name for f in fields(Repair)]
    assert record["removed"] == [{"line": 1, "text": "Menu", "category": "nav", "reason": "r"}]
    assert record["metadata"] == doc.metadata and record["metadata"] is not doc.metadata
    assert record["flags"] == doc.flags and record["flags"] is not doc.flags
