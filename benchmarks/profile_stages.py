"""Per-stage CPU profile of ``clean_batch`` in one process, plus a behaviour check.

    .venv/bin/python benchmarks/profile_stages.py --docs 3000
    .venv/bin/python benchmarks/profile_stages.py --docs 3000 --check /tmp/copydesk-behaviour.json

Documents are generated exactly as ``benchmarks/throughput.py`` generates them (its
``generate``, same seed), cached under ``--cache``. Run-level statistics are built first, as a
run does (the first pass; timed apart). Stages are CPU time (``time.process_time``), in ms per
document: decode, fix, classify (and within it: rules + breadcrumbs + header zone, byline,
boilerplate), repair, detect; then the rest of a batch task's work on the published
documents: records (``Document.to_record``), write (``write.write_documents`` of one
``.jsonl.gz`` shard) and checks (the validation rows: ``validate.document_rows`` with the run's
debris finder). Then the top cProfile entries (cleaning, records and checks).

``--check FILE``: clean the generated documents plus every text of the dev set
(``/work/shared/eval-dev``: aeb/text/*/, lossy/, bylines/) and serialise each result (text,
title, removed, metadata, byline, repairs, flags, language; quarantine reasons). The first
time FILE is written; after that the results are compared with it and every difference is
listed (exit status 1). ``--check-rows FILE``: the same for the validation rows
(``validate.document_rows``) of every cleaned document, and ``document_checks`` on every
input text as written (debris included) and read as Latin-1 (mojibake). Not a unit test: nothing here is timed against a
threshold.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import throughput  # noqa: E402

from copydesk import boilerplate, byline, language, pipeline  # noqa: E402
from copydesk.corpus import CorpusStats  # noqa: E402
from copydesk.document import Document, RawDoc  # noqa: E402
from copydesk.read import InputError  # noqa: E402
from copydesk.rules_loader import load_rules  # noqa: E402
from copydesk.validate import (  # noqa: E402
    CHECK_COLUMNS,
    debris_finder,
    document_checks,
    document_rows,
)
from copydesk.write import shard_name, write_documents  # noqa: E402

DEV = Path("/work/shared/eval-dev")


def corpus(n: int, cache: Path) -> list[RawDoc]:
    """``n`` generated documents (throughput.py's generator), as ``RawDoc`` in file order."""
    root = cache / f"docs-{n}"
    if not (root / ".complete").exists():
        throughput.generate(root, n, remix=False)  # fixed: --check baselines stay valid
        (root / ".complete").write_text(str(n))
    paths = sorted(root.rglob("*.txt"))
    return [RawDoc(p.stem, str(p), p.read_bytes()) for p in paths]


def dev_docs() -> list[RawDoc]:
    paths = sorted(DEV.glob("aeb/text/*/*.txt")) + sorted(DEV.glob("lossy/*.txt")) \
        + sorted(DEV.glob("bylines/*.txt"))
    return [RawDoc(f"{p.parent.name}/{p.stem}", str(p), p.read_bytes()) for p in paths]


def run_stats(raws: list[RawDoc], settings: pipeline.Settings) -> CorpusStats:
    """The first pass of a run: line statistics over the prepared texts."""
    stats = CorpusStats()
    for raw in raws:
        try:
            stats.add(pipeline.prepare(raw, settings).text)
        except InputError:
            continue
    return stats


class _CpuClock:
    """Stands in for the ``time`` module in ``pipeline`` so its stage timings are CPU time."""

    perf_counter = staticmethod(time.process_time)


def _wrap(module, name: str, timings: Counter[str], key: str):
    original = getattr(module, name)

    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            timings[key] += time.process_time() - start

    setattr(module, name, timed)
    return original


def records(items: list) -> list[dict]:
    """The published documents' records, as a batch task writes them."""
    return [d.to_record() for d in items if isinstance(d, Document)]


def rows(records: list[dict], settings: pipeline.Settings) -> list[dict]:
    """The validation rows of the published documents, as a batch task computes them."""
    return document_rows(records, debris=debris_finder(load_rules(settings.rules)))


def profile(raws: list[RawDoc], stats: CorpusStats, settings: pipeline.Settings) -> Counter[str]:
    """CPU seconds per stage (and classify's sub-stages) for one ``clean_batch``, then for
    its documents' records, their shard and their validation rows (``checks``)."""
    timings: Counter[str] = Counter()
    saved_time = pipeline.time
    originals = [
        (byline, "find_byline", _wrap(byline, "find_byline", timings, "classify.byline")),
        (boilerplate, "find_boilerplate",
         _wrap(boilerplate, "find_boilerplate", timings, "classify.boilerplate")),
    ]
    pipeline.time = _CpuClock
    try:
        start = time.process_time()
        items = pipeline.clean_batch(raws, settings=settings, stats=stats, timings=timings)
        timings["total"] = time.process_time() - start
    finally:
        pipeline.time = saved_time
        for module, name, original in originals:
            setattr(module, name, original)
    timings["classify.rules+zones"] = timings["classify"] - timings["classify.byline"] \
        - timings["classify.boilerplate"]
    start = time.process_time()
    published = records(items)
    timings["records"] = time.process_time() - start
    with tempfile.TemporaryDirectory() as tmp:
        start = time.process_time()
        write_documents(Path(tmp) / shard_name(0, "jsonl"), published)
        timings["write"] = time.process_time() - start
    start = time.process_time()
    rows(published, settings)
    timings["checks"] = time.process_time() - start
    return timings


def record(item) -> dict:
    if isinstance(item, Document):
        rec = asdict(item)
        rec.pop("source")
        return rec
    return {"id": item.id, "quarantined": item.reason}


def check(raws: list[RawDoc], settings: pipeline.Settings, path: Path | None,
          rows_path: Path | None = None) -> int:
    """Write the behaviour baseline(s), or compare with them; the number of differences."""
    stats = run_stats(raws, settings)
    items = pipeline.clean_batch(raws, settings=settings, stats=stats)
    plain = [pipeline.clean_text(r.data.decode("utf-8", "replace"), doc_id=r.id)
             for r in raws[-150:]]  # clean_text (no run statistics) on the dev texts too
    diffs = 0
    if path is not None:
        current = {f"batch:{r.id}": record(i) for r, i in zip(raws, items, strict=True)}
        current |= {f"text:{r.id}": record(d) for r, d in zip(raws[-150:], plain, strict=True)}
        diffs += compare(current, path)
    if rows_path is not None:
        debris = debris_finder(load_rules(settings.rules))
        current = {f"row:{row['id']}:{i}": row for i, row in enumerate(rows(records(items + plain), settings))}
        for r in raws:  # the inputs as written (debris and all; a line of it as the title),
            # and as mojibake (UTF-8 read as Latin-1)
            for key, text in (("input", r.data.decode("utf-8", "replace")),
                              ("latin1", r.data.decode("latin-1"))):
                lines = text.splitlines()
                written = {"text": text, "title": lines[len(lines) // 2] if lines else None}
                current[f"{key}:{r.id}"] = dict(zip(CHECK_COLUMNS, document_checks(written, debris),
                                                    strict=True))
        diffs += compare(current, rows_path)
    return diffs


def compare(current: dict, path: Path) -> int:
    """Write ``current`` to ``path`` the first time; after that, list how it differs."""
    if not path.exists():
        path.write_text(json.dumps(current, ensure_ascii=False, indent=0, sort_keys=True))
        print(f"behaviour baseline written: {path} ({len(current)} results)")
        return 0
    base = json.loads(path.read_text())
    current = json.loads(json.dumps(current, ensure_ascii=False, sort_keys=True))
    diffs = [k for k in base.keys() | current.keys() if base.get(k) != current.get(k)]
    for key in sorted(diffs)[:20]:
        old, new = base.get(key) or {}, current.get(key) or {}
        fields = [f for f in old.keys() | new.keys() if old.get(f) != new.get(f)]
        print(f"DIFF {key}: " + "; ".join(f"{f}: {old.get(f)!r:.200} → {new.get(f)!r:.200}"
                                           for f in sorted(fields)))
    print(f"behaviour check: {len(current)} results, {len(diffs)} different from {path}")
    return len(diffs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/copydesk-profile"))
    ap.add_argument("--top", type=int, default=30, help="cProfile entries to print (0: none)")
    ap.add_argument("--check", type=Path, help="behaviour baseline file (written, then compared)")
    ap.add_argument("--check-rows", type=Path,
                    help="validation rows baseline file (written, then compared)")
    args = ap.parse_args()

    settings = pipeline.Settings()
    raws = corpus(args.docs, args.cache)
    if args.check or args.check_rows:
        sys.exit(1 if check(raws + dev_docs(), settings, args.check, args.check_rows) else 0)

    pipeline.clean_batch(raws[:50], settings=settings)  # warm: wordfreq, langdetect, rules
    language.detect_language("Dies ist ein kurzer deutscher Satz über das Wetter in Berlin.")
    start = time.process_time()
    stats = run_stats(raws, settings)
    first_pass = time.process_time() - start
    timings = profile(raws, stats, settings)
    n = len(raws)
    print(f"{n} documents, {sum(len(r.data) for r in raws) / n / 1000:.1f} KB each on average")
    print(f"first pass (prepare + line stats): {first_pass / n * 1000:.3f} ms/doc")
    order = ["decode", "fix", "classify", "classify.rules+zones", "classify.byline",
             "classify.boilerplate", "repair", "detect", "total", "records", "write", "checks"]
    for key in order:
        print(f"  {key:22s} {timings[key] / n * 1000:7.3f} ms/doc")
    if args.top:
        prof = cProfile.Profile()
        prof.enable()
        published = records(pipeline.clean_batch(raws, settings=settings, stats=stats))
        rows(published, settings)
        prof.disable()
        out = io.StringIO()
        ps = pstats.Stats(prof, stream=out)
        ps.sort_stats("tottime").print_stats(args.top)
        ps.sort_stats("cumulative").print_stats(args.top)
        print(out.getvalue())


if __name__ == "__main__":
    main()
