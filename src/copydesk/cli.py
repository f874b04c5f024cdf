"""``copydesk clean INPUT OUTPUT``: run the cleaning flow (or clean stdin to stdout with ``- -``)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from copydesk.read import DEFAULT_MAX_BYTES

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Clean scraped news text: strip debris, keep its metadata, repair punctuation.")


def fail(message: str, code: int = 2) -> None:
    """One line on stderr and an exit code; never a traceback."""
    typer.echo(f"copydesk: {message}", err=True)
    raise typer.Exit(code)


@app.callback()
def _root() -> None:
    """copydesk — a data-quality and boilerplate-cleaning pipeline for scraped news text."""


@app.command()
def clean(
    input_dir: Annotated[str, typer.Argument(help="Input directory or file; '-' for stdin.")] = "raw",
    output_dir: Annotated[str, typer.Argument(help="Output directory; '-' for stdout.")] = "clean",
    rules: Annotated[list[Path], typer.Option("--rules", help="Extra debris rules (YAML); repeatable.")] = [],  # noqa: B006
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per Prefect task.")] = 200,
    languages: Annotated[str, typer.Option(help="Accepted document languages (comma-separated ISO 639-1).")] = "en",
    other_languages: Annotated[str, typer.Option(help="Documents in other languages: flag or quarantine.")] = "flag",
    repair_style: Annotated[str, typer.Option(help="Restored punctuation: auto, ascii or typographic.")] = "auto",
    expectations: Annotated[Path | None, typer.Option(help="Directory of GX suites (default: shipped ones).")] = None,
    severity: Annotated[list[str], typer.Option(
        "--severity", help="ID=error|warning: override an expectation's severity; repeatable.")] = [],  # noqa: B006
    html: Annotated[bool, typer.Option("--html", help="With '-': stdin is HTML.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
    output_format: Annotated[str, typer.Option(
        "--format", help="Large-run shards: jsonl (.jsonl.gz) or parquet.")] = "jsonl",
    text_files: Annotated[bool | None, typer.Option(
        "--text-files/--no-text-files", help="<id>.txt per document (default: runs ≤ 1000 docs).")] = None,
    runner: Annotated[str, typer.Option(help="Task runner: thread, process or dask.")] = "thread",
    dask_address: Annotated[str | None, typer.Option(help="Dask scheduler tcp://host:8786 (→ dask).")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Parallel workers (default 2).")] = None,
    text_field: Annotated[str, typer.Option(help="JSON Lines/Parquet field holding plain text.")] = "text",
    html_field: Annotated[str, typer.Option(help="JSON Lines/Parquet field holding HTML.")] = "html",
    id_field: Annotated[str, typer.Option(help="JSON Lines/Parquet field holding the document id.")] = "id",
    url_field: Annotated[str, typer.Option(help="JSON Lines/Parquet field holding the page URL.")] = "url",
    max_bytes: Annotated[int, typer.Option(
        min=1, help="Largest input in bytes (after decompression); larger ones are quarantined.")] = DEFAULT_MAX_BYTES,
) -> None:
    """Clean INPUT_DIR into OUTPUT_DIR (documents, quarantine, report) and validate the result."""
    if other_languages not in ("flag", "quarantine"):
        fail(f"--other-languages must be 'flag' or 'quarantine', not {other_languages!r}")
    if repair_style not in ("auto", "ascii", "typographic"):
        fail(f"--repair-style must be auto, ascii or typographic, not {repair_style!r}")
    langs = [x.strip() for x in languages.split(",") if x.strip()]
    _check_rules(rules)
    if input_dir == "-" or output_dir == "-":
        if input_dir != "-" or output_dir != "-":
            fail("use '-' for both input and output to clean stdin to stdout")
        _clean_stdin(rules, langs, other_languages, repair_style, html)
        return
    src, out = Path(input_dir), Path(output_dir)
    _check_paths(src, out)
    if expectations is not None and not expectations.is_dir():
        fail(f"expectations directory not found: {expectations}")
    levels = _check_severity(severity, expectations)
    if output_format not in ("jsonl", "parquet"):
        fail(f"--format must be jsonl or parquet, not {output_format!r}")
    if runner not in ("thread", "process", "dask"):
        fail(f"--runner must be thread, process or dask, not {runner!r}")
    scale = {"runner": "dask" if dask_address else runner, "dask_address": dask_address,
             "workers": workers, "output_format": output_format, "text_files": text_files,
             "fields": {"text_field": text_field, "html_field": html_field, "id_field": id_field,
                        "url_field": url_field}, "max_bytes": max_bytes, "severity": levels}
    result = _run_flow(src, out, rules, batch_size, langs, other_languages, repair_style,
                       expectations, verbose, scale)
    s = result["summary"]
    typer.echo(f"{s['inputs']} inputs: {s['published']} published, {s['quarantined']} quarantined "
               f"→ {out}/ (report: {out / 'report' / 'summary.json'})")
    if result["failure"]:
        fail(result["failure"], code=1)


def _check_severity(pairs: list[str], expectations: Path | None) -> dict[str, str] | None:
    """``--severity ID=LEVEL`` options as a mapping, checked against the suites."""
    from copydesk.validate import SuiteError, load_severity

    levels = {}
    for pair in pairs:
        key, sep, level = pair.partition("=")
        if not sep:
            fail(f"--severity needs ID=error or ID=warning, not {pair!r}")
        levels[key.strip()] = level.strip()
    try:
        load_severity(expectations, levels)
    except SuiteError as exc:
        fail(str(exc))
    return levels or None


def _check_rules(rules: list[Path]) -> None:
    from copydesk.rules_loader import RulesError, load_rules

    try:
        load_rules(tuple(str(r) for r in rules))
    except RulesError as exc:
        fail(f"rules: {exc}")


def _check_paths(src: Path, out: Path) -> None:
    if not src.exists():
        fail(f"input not found: {src}")
    if not (src.is_dir() or src.is_file()):
        fail(f"input is not a directory or a regular file: {src}")
    if src.is_dir() and not os.access(src, os.R_OK | os.X_OK):
        fail(f"input directory is not readable: {src}")
    if out.exists() and not out.is_dir():
        fail(f"output is not a directory: {out}")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create output directory {out}: {exc.strerror or exc}")
    if not os.access(out, os.W_OK | os.X_OK):
        fail(f"output directory is not writable: {out}")
    if out.resolve() == src.resolve():
        fail("output directory must differ from the input directory")


def _clean_stdin(rules: list[Path], langs: list[str], other: str, style: str, html: bool) -> None:
    from copydesk.pipeline import Settings, clean_text

    settings = Settings(rules=tuple(map(str, rules)), accepted_languages=tuple(langs),
                        other_languages=other, repair_style=style)
    data = sys.stdin.buffer.read()
    from copydesk.read import InputError, decode

    try:
        text = decode(data)
    except InputError as exc:
        fail(f"stdin: {exc}")
    doc = clean_text(text, html=html, settings=settings)
    if not doc.text:
        fail("stdin: empty after cleaning", code=1)
    sys.stdout.write(doc.text + "\n")
    if os.environ.get("COPYDESK_RECORD"):
        Path(os.environ["COPYDESK_RECORD"]).write_text(json.dumps(doc.to_record(), ensure_ascii=False))


def _run_flow(src: Path, out: Path, rules: list[Path], batch_size: int, langs: list[str],
              other: str, style: str, expectations: Path | None, verbose: bool,
              scale: dict) -> dict:
    from copydesk_flows.runtime import quiet_prefect_shutdown, set_prefect_defaults

    set_prefect_defaults(verbose=verbose)
    from copydesk_flows.clean_news import run_flow

    with _progress(), quiet_prefect_shutdown():
        return run_flow(
            **scale,
            input_dir=str(src), output_dir=str(out), rules=[str(r) for r in rules],
            batch_size=batch_size, languages=langs, other_languages=other, repair_style=style,
            expectations_dir=str(expectations) if expectations else None,
        )


class _ProgressHandler(logging.Handler):
    """Draws the flow's progress events (see flows/clean_news.py) as a rich progress bar."""

    def __init__(self, bar, task_id) -> None:
        super().__init__()
        self.bar, self.task_id = bar, task_id

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "start":
            self.bar.update(self.task_id, total=getattr(record, "total", None))
        elif record.msg == "batch":
            self.bar.advance(self.task_id, getattr(record, "advance", 0))
        elif record.msg == "finishing":
            self.bar.update(self.task_id, description="validating + writing report")


class _progress:
    """Context manager: a progress bar on stderr while the flow runs (only on a terminal)."""

    def __enter__(self):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.logger = logging.getLogger("copydesk.progress")
        self.logger.setLevel(logging.INFO)
        self.logger.propagate = False
        from rich.console import Console

        console = Console(stderr=True)
        self.bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=console, transient=True,
                            disable=not console.is_terminal)
        self.bar.start()
        self.handler = _ProgressHandler(self.bar, self.bar.add_task("cleaning", total=None))
        self.logger.addHandler(self.handler)
        return self

    def __exit__(self, *exc) -> None:
        self.logger.removeHandler(self.handler)
        self.bar.stop()


def main(args: list[str] | None = None) -> None:
    """Entry point: ``copydesk`` (and ``python flows/clean_news.py``)."""
    try:
        app(args)
    except KeyboardInterrupt:
        typer.echo("copydesk: interrupted", err=True)
        sys.exit(130)
