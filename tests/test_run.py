"""A whole run through the library's run functions (what the flow calls), without Prefect."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from copydesk import run as run_module
from copydesk.corpus import CorpusStats
from copydesk.pipeline import Settings
from copydesk.review import FIRST, LIMIT, _doc_entry
from copydesk.run import (
    clean_batch_to_shard,
    finish_run,
    iter_documents,
    plan_run,
    stats_for_batch,
    stats_path,
)

SEEDS = Path(__file__).parent / "fixtures" / "seeds" / "raw"


def select_documents(documents: list[dict], first: int = FIRST, limit: int = LIMIT) -> tuple[list[dict], int]:
    """The review page's rule in one pass (the reference the run's per-batch selection must
    match): the first ``first`` documents plus every flagged or repaired one, at most ``limit``."""
    kept = [_doc_entry(d) for n, d in enumerate(documents)
            if n < first or d.get("flags") or d.get("repairs")][:limit]
    return kept, len(documents)


def run_all(src: Path, out: Path):
    settings = Settings()
    run = plan_run(src, out, settings, batch_size=3)
    stats = CorpusStats()
    for batch in run.batches:
        stats.merge(stats_for_batch(batch, settings))
    stats.save(stats_path(out, run))
    for index, batch in enumerate(run.batches):
        clean_batch_to_shard(out, index, batch, key=run.key, layout=run.layout, settings=settings,
                             stats_file=str(stats_path(out, run)))
    return finish_run(out, run, settings)


def test_a_stray_metadata_jsonl_beside_articles_is_quarantined_without_failing_the_run(tmp_path):
    """An answer key or manifest (.jsonl without text fields) in an input folder is quarantined
    record by record with the reason; its ids may equal the articles' ids, which stay published."""
    src = tmp_path / "raw"
    shutil.copytree(SEEDS, src)
    ids = sorted(p.stem for p in SEEDS.glob("*.txt"))
    (src / "labels.jsonl").write_text("".join(json.dumps({"id": i, "label": "x"}) + "\n" for i in ids))
    result = run_all(src, tmp_path / "out")
    assert result.success, result.failure_line()
    published = [json.loads(x)["id"] for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    quarantined = [json.loads(x) for x in (tmp_path / "out" / "quarantine.jsonl").read_text().splitlines()]
    assert sorted(published) == ids
    assert [q["id"] for q in quarantined] == ids
    assert all("no 'text' or 'html'" in q["reason"] for q in quarantined)
    assert result.summary["inputs"] == 2 * len(ids)


def test_the_review_page_of_a_run_embeds_what_one_pass_over_its_documents_would(tmp_path, monkeypatch):
    """The page is assembled from the batch tasks' candidates (flagged or repaired documents)
    and the first documents of the first shards; the choice is the same as one pass."""
    monkeypatch.setattr(run_module, "REVIEW_FIRST", 1)
    monkeypatch.setattr(run_module, "REVIEW_LIMIT", 3)
    out = tmp_path / "out"
    result = run_all(SEEDS, out)
    run = plan_run(SEEDS, out, Settings(), batch_size=3)
    docs = list(iter_documents(out, run))
    expected, total = select_documents(docs, first=1, limit=3)
    assert total == result.summary["published"] > 3 and any(d["flags"] or d["repairs"] for d in docs[1:])
    page = (out / "report" / "review.html").read_text(encoding="utf-8")
    block = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S)
    embedded = [d for d in json.loads(block.group(1))["docs"] if d["status"] == "published"]
    assert [d["id"] for d in embedded] == [d["id"] for d in expected]
    assert embedded == json.loads(json.dumps(expected))
    assert f"Showing {len(expected)} of {total} published documents" in page


def test_chunked_validation_counts_every_document_and_data_docs_show_both_suites(tmp_path, monkeypatch):
    """Above ``VALIDATE_CHUNK`` documents the documents suite runs per chunk: the results are
    the same as one validation of all rows, and the Data Docs (built with the last chunk)
    still show the run suite beside the documents suite."""
    whole = run_all(SEEDS, tmp_path / "whole")
    monkeypatch.setattr(run_module, "VALIDATE_CHUNK", 2)
    chunked = run_all(SEEDS, tmp_path / "chunked")
    assert whole.summary["published"] > 4  # three chunks of at most 2 rows
    key = ("suite", "expectation", "column", "success", "unexpected_count")
    results = [[{k: r[k] for k in key} for r in res.summary["validation"]["expectations"]]
               for res in (whole, chunked)]
    assert sorted(results[1], key=str) == sorted(results[0], key=str)
    docs = tmp_path / "chunked" / "report" / "data_docs"
    assert sorted(p.parent.parent.parent.name for p in docs.glob("validations/*/*/*/*.html")) == ["documents", "run"]


def test_a_second_run_in_one_process_freezes_its_long_lived_objects_again(tmp_path):
    """Validation undoes every gc.freeze(), the batches' one-time freeze included; a later run
    in the same process (the Python API, the thread runner) freezes again after its first batch."""
    import gc

    run_all(SEEDS, tmp_path / "one")
    assert gc.get_freeze_count() == 0 and not run_module._FROZEN
    src, out = SEEDS, tmp_path / "two"
    run = plan_run(src, out, Settings(), batch_size=3)
    clean_batch_to_shard(out, 0, run.batches[0], key=run.key, layout=run.layout, settings=Settings())
    assert gc.get_freeze_count() > 0 and run_module._FROZEN
    gc.unfreeze()
    run_module._FROZEN = False
