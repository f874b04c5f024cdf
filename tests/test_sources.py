"""Bulk inputs: JSON Lines (plain, gzip, zstd), WARC and Parquet are streamed as record slices;
every record comes out once, as a document or with a quarantine reason."""

from __future__ import annotations

import gzip
import io
import json
import pickle
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from copydesk.document import RawDoc
from copydesk.pipeline import Settings
from copydesk.run import plan_run
from copydesk.sources import DEFAULT_SOURCES, SourceOptions, iter_part, plan, source_paths

RECORDS = [{"id": f"doc-{i}", "text": f"Paragraph {i} of a story.\nSecond line {i}."} for i in range(7)]


def _jsonl(records: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def _all(root: Path, batch_size: int, options: SourceOptions = DEFAULT_SOURCES) -> list:
    return [item for batch in plan(root, batch_size) for part in batch
            for item in iter_part(part, options)]


@pytest.mark.parametrize("name,encode", [
    ("c.jsonl", lambda b: b),
    ("c.jsonl.gz", gzip.compress),
    ("c.jsonl.zst", lambda b: zstandard.ZstdCompressor().compress(b)),
])
def test_jsonl_slices_yield_every_record_once_in_order(tmp_path, name, encode):
    (tmp_path / name).write_bytes(encode(_jsonl(RECORDS[:3]) + b"\n" + _jsonl(RECORDS[3:])))
    batches = plan(tmp_path, 2)
    assert [p.size for b in batches for p in b] == [2, 2, 2, 1]
    docs = _all(tmp_path, 2)
    assert [d.id for d in docs] == [r["id"] for r in RECORDS]
    assert [d.data.decode() for d in docs] == [r["text"] for r in RECORDS]
    assert all(isinstance(d, RawDoc) and d.kind == "text" for d in docs)


def test_bad_records_are_quarantined_with_a_reason(tmp_path):
    lines = [json.dumps(RECORDS[0]), "{not json", json.dumps({"id": "x", "body": "no text"}),
             json.dumps(["a list"]), json.dumps({"html": "<html><p>Hi</p></html>", "url": "https://e.x/a"})]
    (tmp_path / "c.jsonl").write_text("\n".join(lines) + "\n")
    items = _all(tmp_path, 2)
    assert len(items) == 5
    assert isinstance(items[0], RawDoc)
    assert items[1][0] == "c-1" and items[1][2].startswith("invalid JSON")
    assert items[2] == ("x", f"{tmp_path / 'c.jsonl'}#2", "record has no 'text' or 'html' string field")
    assert items[3][2] == "record is not a JSON object"
    assert items[4].kind == "html" and items[4].fields == {"url": "https://e.x/a"} and items[4].id == "c-4"


def test_configurable_field_names(tmp_path):
    (tmp_path / "c.jsonl").write_text(json.dumps({"uid": 7, "body": "Some text here."}) + "\n")
    [doc] = _all(tmp_path, 10, SourceOptions(text_field="body", id_field="uid"))
    assert doc.id == "7" and doc.data == b"Some text here."


def test_parquet_row_ranges_across_row_groups(tmp_path):
    table = pa.Table.from_pylist(RECORDS)
    pq.write_table(table, tmp_path / "c.parquet", row_group_size=3)
    assert [p.size for b in plan(tmp_path, 2) for p in b] == [2, 2, 2, 1]
    assert [d.id for d in _all(tmp_path, 2)] == [r["id"] for r in RECORDS]


def _warc(path: Path) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        writer.write_record(writer.create_warcinfo_record("c.warc.gz", {"software": "test"}))
        pages = [("200 OK", "text/html; charset=utf-8", b"<html><body><article><p>" + b"Story text. " * 30
                  + b"</p></article></body></html>"),
                 ("404 Not Found", "text/html", b"gone"),
                 ("200 OK", "image/png", b"\x89PNG"),
                 ("200 OK", "text/plain", b"Plain story text.")]
        for i, (status, ctype, body) in enumerate(pages):
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://example.org/{i}", "response", payload=io.BytesIO(body), http_headers=headers))


def test_warc_responses_become_html_documents_or_quarantine(tmp_path):
    _warc(tmp_path / "c.warc.gz")
    items = _all(tmp_path, 2)
    assert len(items) == 4 and list(plan(tmp_path, 2))[1][0].offset > 0  # the second slice seeks
    assert items[0].kind == "html" and items[0].fields["url"] == "https://example.org/0"
    assert items[1][2] == "HTTP status 404 for https://example.org/1"
    assert items[2][2].startswith("not a text or HTML page")
    assert items[3].kind == "text" and items[3].data == b"Plain story text."


def test_plain_files_and_bulk_files_mix(tmp_path):
    (tmp_path / "a.txt").write_text("A story.")
    (tmp_path / "b.jsonl").write_bytes(_jsonl(RECORDS[:3]))
    (tmp_path / "c.html").write_text("<p>x</p>")
    (tmp_path / "notes.csv").write_text("ignored")
    batches = plan(tmp_path, 2)
    assert [[Path(p.path).name for p in b] for b in batches] == [["a.txt"], ["b.jsonl"], ["b.jsonl"], ["c.html"]]
    assert [getattr(d, "id", None) for d in _all(tmp_path, 2)] == ["a", "doc-0", "doc-1", "doc-2", "c"]


def test_listing_streams_files_in_path_component_order(tmp_path):
    # plain string order would put "a-b.txt" and "a.txt" before "a/b.txt" ('-' < '.' < '/')
    for name in ("a/b.txt", "a/c/d.txt", "a-b.txt", "a.txt", "ab/x.html", "ab/.hidden.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    expected = sorted((str(p) for p in tmp_path.rglob("*") if p.is_file() and not p.name.startswith(".")),
                      key=lambda p: Path(p).parts)
    listed = source_paths(tmp_path)
    assert not isinstance(listed, list)  # a generator: the corpus is never listed whole
    assert list(listed) == expected
    assert [Path(p).relative_to(tmp_path).as_posix() for p in expected] == [
        "a/b.txt", "a/c/d.txt", "a-b.txt", "a.txt", "ab/x.html"]


def test_a_run_plan_lives_in_a_file_and_tasks_get_a_reference(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir()
    for i in range(7):
        (src / f"{i}.txt").write_text(f"Story {i}.")
    (src / "c.jsonl").write_bytes(_jsonl(RECORDS))
    run = plan_run(src, out, Settings(), batch_size=3)
    batches = list(plan(src, 3))
    assert len(run.batches) == len(batches) == 6 and list(run.batches) == batches
    assert run.batches.sizes == [3, 3, 1, 3, 3, 1] and run.inputs == 14
    assert all(isinstance(x, int) for x in run.batches.offsets)  # no Part is held
    ref = run.batches.ref(2, count=3)
    assert ref.parts() == [p for b in batches[2:5] for p in b]
    assert len(pickle.dumps(ref)) < len(ref.path) + 100  # a task's parameter, whatever its size
    again = plan_run(src, out, Settings(), batch_size=3)
    assert again.key == run.key and list(again.batches) == batches
    assert plan_run(src, out, Settings(), batch_size=4).key != run.key
