"""A whole run as plain functions: plan, corpus statistics, clean a batch into a shard, finish.

The Prefect flow (flows/clean_news.py) calls these and only decides parallelism; the same
functions run without Prefect in tests. A run keeps its state in ``OUTPUT/.copydesk/``: each
cleaned batch writes its shard, then a marker ``batches/00042.json`` (both atomically). A
marker counts only for the run key it names — a hash of the inputs (path, size, mtime), the
settings, the layout and the batch size — so rerunning the same command after a crash redoes
only the batches without a marker, and a changed input or setting never reuses stale work.
The plan itself (each batch's files and record ranges) is a file there too, so the flow
process holds two integers per batch, whatever the size of the corpus.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from itertools import islice
from pathlib import Path
from typing import Any, overload

import numpy as np

from copydesk.corpus import CorpusStats
from copydesk.document import Document, Quarantined
from copydesk.fix import changes_only_spacing
from copydesk.pipeline import Settings, clean_batch, prepare
from copydesk.read import InputError, decode
from copydesk.report import summarize, write_summary
from copydesk.review import FIRST as REVIEW_FIRST
from copydesk.review import LIMIT as REVIEW_LIMIT
from copydesk.review import QUARANTINE_LIMIT, review_candidates, write_review_page
from copydesk.rules_loader import load_rules
from copydesk.sources import DEFAULT_SOURCES, Part, SourceOptions, iter_part, plan
from copydesk.validate import (
    CheckResult,
    ValidationReport,
    concat_tables,
    document_rows,
    rows_table,
    rules_debris_finder,
    run_table,
    validate,
)
from copydesk.write import (
    atomic_write_chunks,
    atomic_write_text,
    jsonl_lines,
    read_documents,
    remove_stale_outputs,
    remove_temp_files,
    shard_name,
    write_documents,
    write_text_files,
)

SMALL_RUN = 1000  # up to this many inputs: one documents.jsonl and a .txt per document
# Rows per GX validation of the documents suite. Memory is bounded by the chunk: with 10,000
# rows the flow process's peak crept from 490 to 610 MB over a 100k run's chunks (the
# allocator keeps what a chunk's frees leave scattered); with 5,000 every chunk peaked at
# 440-452 MB, for ~0.27 s of GX set-up per extra chunk (benchmarks/memory.py finish).
VALIDATE_CHUNK = 5_000
STATS_DOCS = 5_000  # inputs per corpus-statistics task (the first pass is cheap per document)
STATE_DIR = ".copydesk"


@dataclass(frozen=True)
class Layout:
    """How documents are written: one ``documents.jsonl`` or shards, and ``.txt`` files or not."""

    fmt: str = "jsonl"  # shard format: "jsonl" (.jsonl.gz) or "parquet"
    sharded: bool = False
    text_files: bool = True

    @classmethod
    def for_run(cls, inputs: int, fmt: str = "jsonl", text_files: bool | None = None) -> Layout:
        """Small jsonl runs keep ``documents.jsonl``; large runs (or Parquet) are sharded."""
        small = inputs <= SMALL_RUN
        return cls(fmt, sharded=fmt == "parquet" or not small,
                   text_files=small if text_files is None else text_files)

    def part_path(self, output_dir: Path, index: int) -> Path:
        """Where batch ``index`` writes its documents."""
        if self.sharded:
            return output_dir / shard_name(index, self.fmt)
        return output_dir / STATE_DIR / "parts" / f"documents-{index:05d}.jsonl"


class BatchRef:
    """Where a task's batches are: ``count`` consecutive lines of the plan file from byte
    ``offset``. A task gets this, not its parts (Prefect looks into lists and dataclasses
    for futures, ~60 µs per ``Part``; a plain object it leaves alone)."""

    __slots__ = ("path", "offset", "count")

    def __init__(self, path: str, offset: int, count: int = 1) -> None:
        self.path, self.offset, self.count = path, offset, count

    def parts(self) -> list[Part]:
        with open(self.path, "rb") as fh:
            fh.seek(self.offset)
            return [Part(*p) for _ in range(self.count) for p in json.loads(fh.readline())]


@dataclass(frozen=True)
class Batches(Sequence[list[Part]]):
    """A run's batches, one JSON line each in the plan file (``plan_path``):
    what is held is two integers per batch, not its parts (a 100k-file corpus: ~25 MB)."""

    path: str
    offsets: list[int]  # where each batch's line starts
    sizes: list[int]  # how many documents each batch has

    def __len__(self) -> int:
        return len(self.offsets)

    @overload
    def __getitem__(self, index: int) -> list[Part]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[Part]]: ...
    def __getitem__(self, index: int | slice) -> list[Part] | list[list[Part]]:
        if isinstance(index, slice):
            return [self[i] for i in range(len(self))[index]]
        return self.ref(index).parts()

    def ref(self, index: int, count: int = 1) -> BatchRef:
        """Batches ``index`` to ``index + count - 1``, as a task gets them."""
        return BatchRef(self.path, self.offsets[index], count)


@dataclass(frozen=True)
class RunPlan:
    """The batches of a run, how it writes, and the key its batch markers must carry."""

    batches: Batches
    layout: Layout
    key: str
    inputs: int = field(default=0)


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


def _identity(path: str) -> list[Any]:
    st = os.stat(path)
    return [path, st.st_size, st.st_mtime_ns]


def plan_run(
    input_dir: Path, output_dir: Path, settings: Settings, *, batch_size: int = 200,
    options: SourceOptions = DEFAULT_SOURCES, fmt: str = "jsonl", text_files: bool | None = None,
) -> RunPlan:
    """Cut the inputs into batches, streamed into ``output_dir``'s plan file, and compute the
    run key (one pass over the inputs and bulk files; nothing per input is held)."""
    offsets: list[int] = []
    sizes: list[int] = []
    files = hashlib.sha256()

    def lines() -> Iterator[str]:
        at, last = 0, None
        for batch in plan(input_dir, batch_size):
            line = json.dumps([[p.path, p.start, p.stop, p.offset] for p in batch]) + "\n"
            offsets.append(at)
            sizes.append(sum(p.size for p in batch))
            at += len(line)  # ASCII: json.dumps escapes the rest
            for p in batch:
                if p.path != last:
                    files.update(json.dumps(_identity(p.path)).encode())
                    last = p.path
            yield line

    state = output_dir / STATE_DIR
    state.mkdir(parents=True, exist_ok=True)
    atomic_write_chunks(state / "plan.jsonl", lines())
    inputs = sum(sizes)
    layout = Layout.for_run(inputs, fmt, text_files)
    ident = {
        "version": version("copydesk"), "settings": asdict(settings), "options": asdict(options),
        "layout": asdict(layout), "batch_size": batch_size, "inputs": files.hexdigest(),
        "rules": [_identity(f) for f in sorted(settings.rules)],
    }
    key = hashlib.sha256(json.dumps(ident, sort_keys=True).encode()).hexdigest()[:32]
    path = plan_path(output_dir, key)
    os.replace(state / "plan.jsonl", path)  # named by its key: another plan never overwrites it
    return RunPlan(Batches(str(path), offsets, sizes), layout, key, inputs)


def plan_path(output_dir: Path, key: str) -> Path:
    """The plan file of run ``key``: its batches' parts, a JSON line per batch."""
    return output_dir / STATE_DIR / f"plan-{key}.jsonl"


def _raw_docs(batch: list[Part], options: SourceOptions, max_bytes: int,
              timings: Counter[str] | None = None) -> Iterator[Any]:
    """The batch's documents; reading time goes to ``timings["read"]``."""
    for part in batch:
        items = iter_part(part, options, max_bytes)
        while True:
            start = time.perf_counter()
            item = next(items, None)
            if timings is not None:
                timings["read"] += time.perf_counter() - start
            if item is None:
                break
            yield item if not isinstance(item, tuple) else Quarantined(*item)


def stats_lines(raw: Any, settings: Settings) -> list[str] | None:
    """The lines of ``prepare(raw, settings).text`` as ``line_key`` sees them, or None when
    the input is unusable (it is not counted). Plain text that ``fix_text`` could not change
    beyond case and whitespace is only decoded and split (~6x cheaper than preparing it);
    anything else (HTML, legacy encodings with traces, long lines) is prepared as in the
    cleaning pass. tests/test_corpus_stats.py checks both ways agree."""
    try:
        if raw.kind == "text":
            text = decode(raw.data)
            if changes_only_spacing(text, uncurl_quotes=settings.uncurl_quotes):
                lines = text.splitlines()
                if max(map(len, lines), default=0) <= settings.max_line_chars:
                    return lines if any(line and not line.isspace() for line in lines) else None
        return prepare(raw, settings).text.splitlines()
    except InputError:
        return None


def stats_for_batch(batch: list[Part], settings: Settings, options: SourceOptions = DEFAULT_SOURCES,
                    max_bytes: int | None = None) -> CorpusStats:
    """First pass: line statistics over a batch (corpus evidence for the second pass)."""
    stats = CorpusStats()
    for raw in _raw_docs(batch, options, max_bytes or settings.max_bytes):
        if isinstance(raw, Quarantined):
            continue
        lines = stats_lines(raw, settings)
        if lines is not None:
            stats.add_lines(lines)
    return stats


def stats_groups(run: RunPlan, docs: int = STATS_DOCS) -> list[BatchRef]:
    """The run's batches in groups of about ``docs`` inputs (whole batches), one
    corpus-statistics task each: few tasks, since the first pass is cheap per document."""
    groups: list[BatchRef] = []
    size = docs
    for index, n in enumerate(run.batches.sizes):
        if size >= docs:
            groups.append(run.batches.ref(index, 0))
            size = 0
        groups[-1].count += 1
        size += n
    return groups


def stats_path(output_dir: Path, run: RunPlan) -> Path:
    """Where the merged statistics of a run are kept (reused when the run resumes)."""
    return output_dir / STATE_DIR / f"stats-{run.key}.npz"


def _marker_path(output_dir: Path, index: int) -> Path:
    return output_dir / STATE_DIR / "batches" / f"{index:05d}.json"


def _rows_path(output_dir: Path, index: int) -> Path:
    """Batch ``index``'s rows of the documents table (``validate.document_rows``)."""
    return output_dir / STATE_DIR / "rows" / f"{index:05d}.json"


def _review_path(output_dir: Path, index: int) -> Path:
    """Batch ``index``'s candidates for the review page (``review.review_candidates``)."""
    return output_dir / STATE_DIR / "review" / f"{index:05d}.json"


def _load_marker(output_dir: Path, run: RunPlan, index: int) -> dict[str, Any] | None:
    """Batch ``index``'s marker if it belongs to this run and its files are there, else None."""
    try:
        marker = json.loads(_marker_path(output_dir, index).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if marker.get("key") != run.key or marker.get("batch") != index:
        return None
    if marker["published"] and not run.layout.part_path(output_dir, index).exists():
        return None
    if not _rows_path(output_dir, index).exists() or not _review_path(output_dir, index).exists():
        return None
    return marker


def pending_batches(output_dir: Path, run: RunPlan) -> list[int]:
    """Indexes of the batches that have no valid marker for this run (all of them at first)."""
    return [i for i in range(len(run.batches)) if _load_marker(output_dir, run, i) is None]


_STATS_CACHE: dict[str, CorpusStats] = {}


def _stats(path: str | None) -> CorpusStats | None:
    """Load a run's statistics once per process (tasks in one worker share them)."""
    if path is None:
        return None
    if path not in _STATS_CACHE:
        _STATS_CACHE.clear()
        _STATS_CACHE[path] = CorpusStats.load(Path(path))
    return _STATS_CACHE[path]


def clean_batch_to_shard(
    output_dir: Path, index: int, batch: list[Part], *, key: str, layout: Layout,
    settings: Settings, options: SourceOptions = DEFAULT_SOURCES, stats_file: str | None = None,
    max_bytes: int | None = None,
) -> dict[str, int]:
    """Second pass for batch ``index`` of run ``key``: clean it, write its shard, then its
    marker (so a marker always means a complete shard)."""
    timings: Counter[str] = Counter()
    items = clean_batch(_raw_docs(batch, options, max_bytes or settings.max_bytes, timings),
                        settings=settings, stats=_stats(stats_file), timings=timings)
    documents = [d.to_record() for d in items if isinstance(d, Document)]
    quarantined = [q.to_record() for q in items if not isinstance(q, Document)]
    start = time.perf_counter()
    if documents:
        write_documents(layout.part_path(output_dir, index), documents)
    timings["write"] += time.perf_counter() - start
    start = time.perf_counter()
    # validation's rows (costly columns computed here, in parallel) and the review page's
    # flagged or repaired candidates; both before the marker, which vouches for them
    rows = document_rows(documents, debris=rules_debris_finder(settings.rules))
    atomic_write_text(_rows_path(output_dir, index), json.dumps(rows, ensure_ascii=False))
    atomic_write_text(_review_path(output_dir, index),
                      json.dumps(review_candidates(documents, first=0, limit=REVIEW_LIMIT),
                                 ensure_ascii=False))
    timings["checks"] += time.perf_counter() - start
    marker = {
        "key": key, "batch": index, "inputs": len(items), "published": len(documents),
        "ids": [d["id"] for d in documents],  # published ids must be unique (a quarantined input may share one)
        "with_repairs": sum(bool(d["repairs"]) for d in documents),
        "with_removals": sum(bool(d["removed"]) for d in documents),
        "quarantined": quarantined,
        "summary": summarize(documents, quarantined, inputs=len(items)),
        "seconds": dict(timings),
    }
    atomic_write_text(_marker_path(output_dir, index), json.dumps(marker, ensure_ascii=False))
    _freeze_long_lived()
    return {"batch": index, "published": len(documents), "quarantined": len(quarantined)}


_FROZEN = False


def _freeze_long_lived() -> None:
    """Once per process, after its first batch: ``gc.freeze()`` what is alive then (modules,
    rules, models, langdetect's profiles, warm caches; ~230,000 objects in a worker), so the
    collector's full passes, which run every few thousand documents, stop scanning it all
    (~130 ms each). Garbage is collected first; later objects are collected as before."""
    global _FROZEN
    if not _FROZEN:
        _FROZEN = True
        gc.collect()
        gc.freeze()


def _unfreeze() -> None:
    """Undo every ``gc.freeze()`` (this process's ``_freeze_long_lived`` too: the next batch
    run in this process freezes again)."""
    global _FROZEN
    gc.unfreeze()
    _FROZEN = False


def iter_documents(output_dir: Path, run: RunPlan) -> Iterator[dict[str, Any]]:
    """The run's published documents in input order, streamed from its shards."""
    for index in range(len(run.batches)):
        path = run.layout.part_path(output_dir, index)
        if path.exists():
            yield from read_documents(path)


def finish_run(
    output_dir: Path,
    run: RunPlan,
    settings: Settings,
    *,
    expectations_dir: Path | None = None,
    validate_output: bool = True,
    extra: dict[str, Any] | None = None,
    severity: dict[str, str] | None = None,
) -> RunResult:
    """Assemble the outputs from the batch shards, validate them (GX), write the report.

    Memory does not grow with the run: markers, validation rows and review candidates are
    read one batch at a time; what is kept is a 64-bit hash per published id (to count
    duplicates), at most ``VALIDATE_CHUNK`` validation rows and the review page's capped
    selection."""
    missing = pending_batches(output_dir, run)
    if missing:
        raise RuntimeError(f"batches {missing[:5]} have not been cleaned; run again to resume")
    start = time.perf_counter()
    remove_temp_files(output_dir)  # left by a run killed mid-write; every batch is done by now
    tally = _Tally()
    atomic_write_chunks(output_dir / "quarantine.jsonl", tally.quarantine_lines(output_dir, run))
    keep = {shard_name(i, run.layout.fmt) for i, n in enumerate(tally.published) if n}
    if not run.layout.sharded:
        keep = {"documents.jsonl"}
        atomic_write_chunks(output_dir / "documents.jsonl", jsonl_lines(iter_documents(output_dir, run)))
    if run.layout.text_files:
        write_text_files(output_dir, iter_documents(output_dir, run))
    remove_stale_outputs(output_dir, keep, text_files=run.layout.text_files)
    _remove_stale_state(output_dir, run)
    seconds: Counter[str] = Counter({"write": time.perf_counter() - start})

    published = sum(tally.published)
    report_dir = output_dir / "report"
    validation = None
    if validate_output:
        validation = _validate(
            output_dir, run, settings, expectations_dir, severity, published,
            run_table(run.inputs, published, tally.quarantined, tally.duplicate_ids(),
                      with_repairs=tally.with_repairs, with_removals=tally.with_removals),
        )
    seconds.update(tally.seconds)
    summary = tally.summary
    summary.update(inputs=run.inputs, validation=validation.to_dict() if validation else None)
    summary["stage_seconds"] = {k: round(v, 3) for k, v in sorted(seconds.items())}
    if validation:
        summary["stage_seconds"]["validate"] = round(validation.seconds, 3)
    summary.update(extra or {})
    start = time.perf_counter()
    write_summary(report_dir, summary)
    write_review_page(report_dir, _review_entries(output_dir, run, tally.published), published,
                      tally.quarantine_sample, tally.quarantined, summary,
                      first=REVIEW_FIRST, limit=REVIEW_LIMIT)
    summary["stage_seconds"]["report"] = round(time.perf_counter() - start, 3)
    write_summary(report_dir, summary)
    return RunResult(summary, validation, output_dir)


class _Tally:
    """What ``finish_run`` adds up over the batch markers, read one at a time."""

    def __init__(self) -> None:
        self.published: list[int] = []
        self.quarantined = self.with_repairs = self.with_removals = 0
        self.quarantine_sample: list[dict[str, Any]] = []
        self.seconds: Counter[str] = Counter()
        self.summary: dict[str, Any] = {}
        _add(self.summary, summarize([], [], inputs=0))
        self._ids: list[np.ndarray] = []

    def quarantine_lines(self, output_dir: Path, run: RunPlan) -> Iterator[str]:
        """``quarantine.jsonl``'s lines, counting every marker on the way."""
        for index in range(len(run.batches)):
            m = _load_marker(output_dir, run, index)
            if m is None:
                raise RuntimeError(f"batch {index}'s marker went missing; run again to resume")
            self.published.append(m["published"])
            self.with_repairs += m["with_repairs"]
            self.with_removals += m["with_removals"]
            self._ids.append(_id_hashes(m["ids"]))
            self.seconds.update(m["seconds"])
            _add(self.summary, m["summary"])
            self.quarantined += len(m["quarantined"])
            room = QUARANTINE_LIMIT - len(self.quarantine_sample)
            self.quarantine_sample.extend(m["quarantined"][:max(room, 0)])
            yield from jsonl_lines(m["quarantined"])

    def duplicate_ids(self) -> int:
        """Published ids that repeat an earlier one (by 64-bit hash)."""
        ids = np.concatenate(self._ids) if self._ids else np.zeros(0, dtype=np.uint64)
        return int(len(ids) - len(np.unique(ids)))


def _id_hashes(ids: list[str]) -> np.ndarray:
    return np.fromiter(
        (int.from_bytes(hashlib.blake2b(i.encode("utf-8"), digest_size=8).digest(), "big")
         for i in ids), dtype=np.uint64, count=len(ids))


def _review_entries(output_dir: Path, run: RunPlan,
                    published: list[int]) -> Iterator[tuple[int, list[Any]]]:
    """Each batch's review candidates with the number of published documents before it: the
    flagged or repaired ones its task picked, and, while fewer than ``review.FIRST``
    documents precede it, its first documents read from its shard."""
    offset = 0
    for index, n in enumerate(published):
        candidates = json.loads(_review_path(output_dir, index).read_text(encoding="utf-8"))
        if n and offset < REVIEW_FIRST:
            docs = islice(read_documents(run.layout.part_path(output_dir, index)), REVIEW_FIRST - offset)
            first = review_candidates(docs, first=REVIEW_FIRST - offset, limit=0)
            candidates = sorted(candidates + [c for c in first if not c[1]], key=lambda c: c[0])
        yield offset, candidates
        offset += n


def _remove_stale_state(output_dir: Path, run: RunPlan) -> None:
    """Markers and statistics of other runs (a finished run's own state is kept for reruns)."""
    state = output_dir / STATE_DIR
    for folder in ("batches", "rows", "review"):
        for marker in (state / folder).glob("*.json"):
            if not marker.stem.isdigit() or int(marker.stem) >= len(run.batches):
                marker.unlink(missing_ok=True)
    for path in state.glob("stats-*.npz"):
        if path != stats_path(output_dir, run):
            path.unlink(missing_ok=True)
    for path in state.glob("plan-*.jsonl"):
        if path != plan_path(output_dir, run.key):
            path.unlink(missing_ok=True)
    for part in (state / "parts").glob("documents-*.jsonl"):
        if run.layout.sharded or part != run.layout.part_path(output_dir, int(part.stem[10:])):
            part.unlink(missing_ok=True)


@dataclass
class _Validation(ValidationReport):
    seconds: float = 0.0


def _tables(output_dir: Path, run: RunPlan, size: int) -> Iterator[Any]:
    """The documents table in chunks of ``size`` rows, in document order. Each batch's rows
    become a table as they are read (a chunk's 10,000 row dicts held at once took ~100 MB
    more); ``concat_tables`` gives the chunk the columns one table of its rows would have."""
    parts, held = [], 0
    for index in range(len(run.batches)):
        rows = json.loads(_rows_path(output_dir, index).read_text(encoding="utf-8"))
        while rows:
            parts.append(rows_table(rows[:size - held]))
            held += len(parts[-1])
            rows = rows[len(parts[-1]):]
            if held == size:  # neither the parts nor this chunk are kept past its turn
                table, parts, held = concat_tables(parts), [], 0
                yield table
                del table
    if parts:
        yield concat_tables(parts)


def _validate(output_dir: Path, run: RunPlan, settings: Settings, expectations_dir: Path | None,
              severity: dict[str, str] | None, published: int, run_row: Any) -> _Validation:
    """The documents suite per chunk of ``VALIDATE_CHUNK`` rows (bounded memory; their costly
    columns were computed by the batch tasks), the run suite once, with the last chunk; a
    chunked expectation's counts and samples are summed over the chunks. Data Docs are built
    with the last chunk: each build makes a fresh site, so that one shows both suites (the
    documents suite on the last chunk's rows; summary.json and review.html have the totals)."""
    start = time.perf_counter()
    rules = load_rules(settings.rules)
    kwargs = dict(rules=rules, accepted_languages=settings.accepted_languages,
                  expectations_dir=expectations_dir, severity=severity)
    docs_dir = output_dir / "report" / "data_docs"
    last = max(0, -(-published // VALIDATE_CHUNK) - 1)  # one row per published document
    reports = []
    # GX keeps each context and its batch in reference cycles that Python frees late: they
    # are collected per chunk, or the process holds every chunk's table (100k documents:
    # +400 MB without this, flat with it; validate() drops the table from its context).
    # What is alive before the first chunk (modules, GX, the plan) is frozen meanwhile, so
    # those collections scan only what the chunks made (~0.15 s each otherwise).
    gc.freeze()
    try:
        for n, documents in enumerate(_tables(output_dir, run, VALIDATE_CHUNK)):
            tables = {"documents": documents} | ({"run": run_row} if n == last else {})
            del documents
            reports.append(validate(tables, docs_dir=docs_dir if n == last else None, **kwargs))
            del tables
            gc.collect()
    finally:
        _unfreeze()
    if not reports:  # nothing published: the documents suite runs on an empty table
        reports = [validate({"documents": rows_table([]), "run": run_row}, docs_dir=docs_dir,
                            **kwargs)]
    merged = _merge_checks(reports)
    return _Validation(success=all(r.success or r.severity != "error" for r in merged),
                       results=merged, data_docs=reports[-1].data_docs,
                       seconds=time.perf_counter() - start)


def _merge_checks(reports: list[ValidationReport]) -> list[CheckResult]:
    merged: dict[tuple[Any, ...], CheckResult] = {}
    for report in reports:
        seen: Counter[tuple[Any, ...]] = Counter()
        for r in report.results:
            key = (r.suite, r.expectation, r.column, r.id)
            seen[key] += 1
            key += (seen[key],)
            if key not in merged:
                merged[key] = CheckResult(**{**r.__dict__, "sample": list(r.sample)})
                continue
            m = merged[key]
            m.success = m.success and r.success
            if r.unexpected_count is not None:
                m.unexpected_count = (m.unexpected_count or 0) + r.unexpected_count
            m.sample = (m.sample + list(r.sample))[:5]
    return list(merged.values())


def merge_summaries(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-batch summaries (report.summarize) added up: counts add, count tables re-sorted."""
    out: dict[str, Any] = {}
    for part in parts:
        _add(out, part)
    return out


def _add(into: dict[str, Any], part: dict[str, Any]) -> None:
    for key, value in part.items():
        mine = into.get(key)
        if isinstance(value, bool) or value is None:
            into.setdefault(key, value)
        elif isinstance(value, int | float) and isinstance(mine, int | float):
            into[key] = mine + value
        elif isinstance(value, dict):
            sub = mine if isinstance(mine, dict) else {}
            _add(sub, value)
            if all(isinstance(v, int) and not isinstance(v, bool) for v in sub.values()):
                sub = dict(sorted(sub.items(), key=lambda kv: -kv[1]))
            into[key] = sub
        elif isinstance(value, list):
            into[key] = ((mine if isinstance(mine, list) else []) + value)[:100]
        elif key not in into:
            into[key] = value
