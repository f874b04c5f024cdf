"""Validate a run's output with Great Expectations (GX Core 1.x) suites kept as YAML files.

The suites live in ``expectations/*.yaml`` (see the comments there). Each suite runs on a
pandas table: ``documents`` on one row per published document, ``run`` on one row for the
whole run. Data Docs are built into ``<output>/report/data_docs``.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES
from wordfreq import zipf_frequency

from copydesk.rules_loader import VALIDATION_LINE, WORDS_LOOKAHEAD, Rule, RuleSet, load_rules

if TYPE_CHECKING:  # pandas (~90 MB) is imported where tables are built: not in workers
    import pandas as pd

SEVERITIES = ("error", "warning")
NONLATIN_SCRIPTS = ["Cyrillic", "Greek", "Arabic", "Hebrew", "Han", "Hiragana", "Katakana",
                    "Japanese", "Hangul", "Devanagari", "Bengali", "Thai", "Georgian", "Armenian",
                    "Tamil", "Telugu", "Gujarati", "Gurmukhi", "Kannada", "Malayalam", "Ethiopic",
                    "Khmer", "Lao", "Myanmar", "Sinhala", "Tibetan"]


SEVERITY_FILE = "severity.yaml"  # per-run severity overrides, next to the suites
_WORD = re.compile(r"\b[A-Za-z][a-z]+\b")
_PRONOUNS = frozenset("i you we they he she it that there here what who where".split())


class SuiteError(ValueError):
    """A suite file that cannot be used."""


@dataclass
class SuiteSpec:
    name: str
    expectations: list[dict[str, Any]]
    path: str


@dataclass
class CheckResult:
    suite: str
    expectation: str
    column: str | None
    severity: str
    success: bool
    unexpected_count: int | None = None
    sample: list[Any] = field(default_factory=list)
    id: str | None = None  # the expectation's ``id`` in its suite file


@dataclass
class ValidationReport:
    success: bool  # no error-severity expectation failed
    results: list[CheckResult]
    data_docs: str | None = None

    def failures(self, severity: str = "error") -> list[CheckResult]:
        return [r for r in self.results if not r.success and r.severity == severity]

    def to_dict(self) -> dict[str, Any]:
        return {
            "success": self.success,
            "data_docs": self.data_docs,
            "expectations": [r.__dict__ for r in self.results],
        }


def default_expectations_dir() -> Path:
    """The suites shipped with copydesk (the repository's ``expectations/`` directory)."""
    return Path(str(resources.files("copydesk_expectations")))


def load_suites(directory: Path | None = None) -> list[SuiteSpec]:
    """Read every ``*.yaml`` suite in ``directory``; raise ``SuiteError`` on a malformed one."""
    directory = directory or default_expectations_dir()
    specs = []
    for path in sorted(Path(directory).glob("*.yaml")):
        if path.name == SEVERITY_FILE:
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SuiteError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("expectations"), list):
            raise SuiteError(f"{path}: needs 'name' and an 'expectations' list")
        for i, exp in enumerate(data["expectations"]):
            if not isinstance(exp, dict) or "expectation" not in exp:
                raise SuiteError(f"{path}: expectation {i + 1} needs an 'expectation' name")
            if exp.get("severity", "error") not in SEVERITIES:
                raise SuiteError(f"{path}: expectation {i + 1}: severity must be error or warning")
        specs.append(SuiteSpec(str(data.get("name") or path.stem), data["expectations"], str(path)))
    if not specs:
        raise SuiteError(f"no expectation suites (*.yaml) in {directory}")
    return specs


def load_severity(directory: Path | None = None,
                  overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """Severity per expectation id: ``severity.yaml`` next to the suites, then ``overrides``
    (e.g. ``copydesk clean --severity no-mojibake=warning``); raise ``SuiteError`` on a bad one."""
    path = Path(directory or default_expectations_dir()) / SEVERITY_FILE
    merged: dict[str, str] = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise SuiteError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("severity") or {}, dict):
            raise SuiteError(f"{path}: needs a 'severity' mapping of expectation id to level")
        merged.update(data.get("severity") or {})
    merged.update(overrides or {})
    known = {exp.get("id") for spec in load_suites(directory) for exp in spec.expectations}
    for key, level in merged.items():
        if key not in known:
            raise SuiteError(f"severity: no expectation with id {key!r}")
        if level not in SEVERITIES:
            raise SuiteError(f"severity: {key}: must be error or warning, not {level!r}")
    return merged


@lru_cache(maxsize=100_000)
def _fused(word: str) -> bool:
    """Is ``word`` a contraction with its apostrophe dropped ("dont", "youre", "hes")?"""
    low = word.lower()
    for suf in ("t", "re", "ve", "ll", "s", "d", "m"):
        stem = low[: -len(suf)]
        if not low.endswith(suf) or not stem or (suf == "t" and not stem.endswith("n")):
            continue
        if suf in ("s", "d", "m") and stem not in _PRONOUNS:
            continue
        cand = f"{stem}'{suf}"
        if zipf_frequency(cand, "en") >= 3.5 and (
            zipf_frequency(cand, "en") - zipf_frequency(low, "en") >= 1.0
        ):
            return True
    return False


def fused_tokens(text: str) -> int:
    """How many tokens look like contractions a lossy scraper fused ("dont", "theyre")."""
    return sum(map(_fused, _WORD.findall(text)))


_BAD_REACH = 8  # no BADNESS_RE match is longer than 7 characters
# Every alternative of ``BADNESS_RE`` needs one of these characters: a C1 control, a "bad"
# sign, an accented capital or small letter, a currency, numeric or law sign, a box-drawing
# character, or the first character of a literal sequence (Ù, ×, ‚, в, and the Cyrillic and
# Greek capitals of its 3-character sequences; the rest start with one of the classes).
# Common typography (’ “ ” — – … « » © °) and Cyrillic or Greek text without them never match.
_BAD_ANCHOR = re.compile("[" + "".join(MOJIBAKE_CATEGORIES[k] for k in (
    "c1", "bad", "upper_accented", "lower_accented", "currency", "numeric", "law", "box"))
    + "Ù×‚вВГРСΒΓΞΟ]")


def is_mojibake(text: str) -> bool:
    """``ftfy.badness.is_bad(text)``, searched only around ``_BAD_ANCHOR`` characters.

    Every match of ftfy's ``BADNESS_RE`` holds one of them (tests/test_validate.py checks
    each alternative) and is at most 7 characters long, so it lies within ``_BAD_REACH``
    characters of one; the windows are searched with the same regex (``pos``/``endpos`` keep
    ``^`` at the real start). A text without any (most typographic English) is not searched
    at all. tests/test_validate.py checks it against ``is_bad`` on random text."""
    if text.isascii():
        return False
    lo = hi = -1
    for m in _BAD_ANCHOR.finditer(text):
        start, end = max(m.start() - _BAD_REACH, 0), m.end() + _BAD_REACH
        if start > hi:
            if hi >= 0 and BADNESS_RE.search(text, lo, hi):
                return True
            lo = start
        hi = end
    return hi >= 0 and bool(BADNESS_RE.search(text, lo, hi))


def _title_in_text(title: str | None, text: str) -> bool:
    """Does the title come back as a line of its own in the text? (Casefolding maps each
    character on its own and never makes or removes whitespace, so every word of such a
    line, casefolded, is in the casefolded text: a text without the title's longest word
    is not searched line by line.)"""
    norm = " ".join((title or "").split()).casefold()
    if not norm or max(norm.split(" "), key=len) not in text.casefold():
        return False
    return any(" ".join(line.split()).casefold() == norm for line in text.splitlines())


@lru_cache(maxsize=16)
def _debris_regex(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """The validation patterns (each ``(?im)^…``, see ``RuleSet.patterns_for_validation``) as
    one alternation: it matches a text exactly when one of them does, in one pass. Their
    shared start (``VALIDATION_LINE``: line length, optional bullet) is factored out, so the
    engine checks it once per line instead of once per pattern (``P R1 | P R2`` = ``P (R1|R2)``)."""
    if not patterns:
        return re.compile(r"(?!x)x")
    prefix = VALIDATION_LINE if all(p.startswith(VALIDATION_LINE) for p in patterns) else "(?im)^"
    if not all(p.startswith(prefix) for p in patterns):
        return re.compile("|".join(f"(?:{p})" for p in patterns))
    return re.compile(prefix + "(?:" + _alternation([p[len(prefix):] for p in patterns]) + ")")


# After ``VALIDATION_LINE``, the pattern of a rule with ``max_words`` starts with its
# word-count lookahead, then its own group (``RuleSet.patterns_for_validation``).
_MAX_WORDS = re.compile(WORDS_LOOKAHEAD.pattern + r"(?=\()")


def _max_words(rest: str) -> str:
    """The word-count lookahead ``rest`` starts with, or ""."""
    found = _MAX_WORDS.match(rest)
    return found.group() if found else ""


def _alternation(rests: list[str]) -> str:
    """``(?:R1)|(?:R2)|…``, with the word-count lookahead that consecutive Rs start with
    checked once: ``L A|L B`` matches as ``L(?:A|B)`` (a lookahead takes no characters and
    answers the same each time at one position). Each check scans the line: a line of 20
    words, allowed three patterns of rules with the same ``max_words``, is scanned once."""
    alts = []
    for lead, group in itertools.groupby(rests, key=_max_words):
        alts.append(lead + "(?:" + "|".join(f"(?:{r[len(lead):]})" for r in group) + ")")
    return "|".join(f"(?:{a})" for a in alts)


class DebrisFinder:
    """The debris check: ``search(text)`` is ``_debris_regex(patterns).search(text)``, tried
    only at the line starts where a match can begin.

    Each pattern comes with the fewest and the most whitespace-separated tokens the line
    where one of its matches begins can hold (``_line_tokens``). A line with a token count
    outside a pattern's range cannot start a match of it, so each line start is tried with
    the alternation of only the patterns its token count allows (in the same order: the
    alternation's first match there is the same), and not at all when none does. Long body
    lines, most of a text, are skipped; short ones skip the patterns of rules with a lower
    ``max_words``, and empty lines (between paragraphs) the listed phrases."""

    def __init__(self, patterns: tuple[tuple[str, int, float], ...]) -> None:
        self.patterns = patterns
        finite = [int(most) for _, _, most in patterns if most != math.inf]
        self._most = max(finite, default=0)  # counting tokens stops above this many
        self._by_tokens: dict[int, re.Pattern[str] | None] = {}

    def _regex(self, tokens: int) -> re.Pattern[str] | None:
        """The alternation of the patterns a line of ``tokens`` tokens allows (built once)."""
        if tokens not in self._by_tokens:
            allowed = tuple(p for p, fewest, most in self.patterns if fewest <= tokens <= most)
            self._by_tokens[tokens] = _debris_regex(allowed) if allowed else None
        return self._by_tokens[tokens]

    def search(self, text: str) -> re.Match[str] | None:
        """The first debris match in ``text`` (every match begins at a line start)."""
        start = 0
        for line in text.split("\n"):  # the lines of ``^``/``$`` (re.MULTILINE): "\n" only
            regex = self._regex(len(line.split(None, self._most)))
            found = regex.match(text, start) if regex is not None else None
            if found:
                return found
            start += len(line) + 1
        return None


def _line_tokens(rules: RuleSet) -> tuple[tuple[str, int, float], ...]:
    """Each validation pattern with the fewest and the most tokens the line where its match
    begins can hold. A pattern of a rule with ``max_words`` k checks that the line holds at
    most k words after an optional bullet: at most k + 1 tokens (a bullet followed only by
    the line break leaves one); without ``max_words``, no limit. A listed phrase of k words,
    between the bullet and a trailing marker (":", "»"), leaves at most k + 2 on the line
    (fewer when it runs on to the next line), and at least one: its first word or the
    bullet (unless the rule lists an empty phrase). If the patterns do not come out as
    ``RuleSet`` builds them rule by rule, no pattern gets a range."""
    out: list[tuple[str, int, float]] = []
    for rule in rules.rules:
        words = math.inf if rule.max_words is None else rule.max_words + 1
        out += [(p, 0, words) for p in _validation_patterns(rules, replace(rule, phrases={}))]
        fewest = 0 if "" in rule.phrases else 1
        most = max((len(ph.split()) for ph in rule.phrases), default=0) + 2
        out += [(p, fewest, most) for p in _validation_patterns(rules, replace(rule, patterns=[]))]
    patterns = rules.patterns_for_validation()
    if [p for p, _, _ in out] != patterns:
        return tuple((p, 0, math.inf) for p in patterns)
    return tuple(out)


def _validation_patterns(rules: RuleSet, rule: Rule) -> list[str]:
    """``patterns_for_validation`` of one rule."""
    return replace(rules, rules=[rule]).patterns_for_validation()


@lru_cache(maxsize=16)
def _finder(patterns: tuple[tuple[str, int, float], ...]) -> DebrisFinder:
    return DebrisFinder(patterns)


def debris_finder(rules: RuleSet | None = None) -> DebrisFinder:
    """The debris check for ``rules`` (default: copydesk's own)."""
    return _finder(_line_tokens(rules)) if rules is not None else rules_debris_finder()


@lru_cache(maxsize=4)
def rules_debris_finder(user_files: tuple[str, ...] = ()) -> DebrisFinder:
    """The debris check for copydesk's rules plus ``user_files`` (``load_rules``), built once
    per process (~1 ms; a run's batch tasks share it)."""
    return debris_finder(load_rules(user_files))


CHECK_COLUMNS = ("mojibake", "fused_tokens", "title_in_text", "debris")


def document_checks(record: dict[str, Any], debris: DebrisFinder | None = None) -> list[Any]:
    """The costly derived columns of one document (order: ``CHECK_COLUMNS``). A run computes
    them in its batch tasks, where the work is parallel, and hands them to ``document_table``.

    ``debris`` is the first debris line(s) a rule pattern finds in the text (``debris_finder``),
    None when there is none; the ``no-debris`` expectation runs the rule patterns on it."""
    text = record.get("text") or ""
    found = (debris or debris_finder()).search(text)
    return [is_mojibake(text), fused_tokens(text), _title_in_text(record.get("title"), text),
            found.group() if found else None]


DOCUMENT_COLUMNS = ["id", "text", "language", "language_flagged", "has_byline", "byline_script",
                    "byline_nonlatin", "byline_non_english", "byline_language",
                    "byline_lang_foreign", "views_ok", "text_chars", "n_removed", "n_repairs",
                    "mojibake", "lossy_flagged", "fused_tokens", "title_in_text", "debris"]


def document_rows(records: Iterable[dict[str, Any]],
                  checks: Iterable[list[Any] | None] | None = None,
                  debris: DebrisFinder | None = None) -> list[dict[str, Any]]:
    """One row per published document: the text and the derived columns the suites use.

    ``checks``, when given, holds each record's ``document_checks`` in the same order (None
    for a record whose checks are computed here)."""
    rows = []
    checks_iter = iter(checks) if checks is not None else None
    for r in records:
        byline = r.get("byline") or {}
        views = (r.get("metadata") or {}).get("views")
        text = r.get("text")
        flags = r.get("flags", [])
        done = next(checks_iter, None) if checks_iter is not None else None
        mojibake, fused, title_in_text, found = done if done is not None else document_checks(r, debris)
        rows.append({
            "id": r["id"],
            "text": text,
            "language": r.get("language"),
            "language_flagged": any(f.startswith(("non-english-document", "language-not-accepted"))
                                    for f in flags),
            "has_byline": bool(byline),
            "byline_script": byline.get("script"),
            "byline_nonlatin": byline.get("script") in NONLATIN_SCRIPTS,
            "byline_non_english": bool(byline.get("non_english")),
            "byline_language": byline.get("language"),
            "byline_lang_foreign": byline.get("language") not in (None, "", "en", "und"),
            "views_ok": views is None or (isinstance(views, int) and not isinstance(views, bool)),
            "text_chars": len(text or ""),
            "n_removed": len(r.get("removed", [])),
            "n_repairs": len(r.get("repairs", [])),
            "mojibake": bool(mojibake),
            "lossy_flagged": "lossy-text" in flags,
            "fused_tokens": int(fused),
            "title_in_text": bool(title_in_text),
            "debris": found,
        })
    return rows


def document_table(records: Iterable[dict[str, Any]],
                   checks: Iterable[list[Any] | None] | None = None,
                   debris: DebrisFinder | None = None) -> pd.DataFrame:
    """``document_rows`` as the pandas table the ``documents`` suite validates."""
    return rows_table(document_rows(records, checks, debris))


def rows_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Rows of ``document_rows`` as a table (the columns in order, even with no rows)."""
    import pandas as pd

    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)


def concat_tables(tables: list[pd.DataFrame]) -> pd.DataFrame:
    """Tables of ``rows_table`` as one: the table their rows would make at once (a column
    empty in one part and text in another is text, as it is in one table of all the rows)."""
    import pandas as pd

    return pd.concat(tables, ignore_index=True).infer_objects()


def run_table(inputs: int, published: int, quarantined: int, duplicate_ids: int,
              with_repairs: int = 0, with_removals: int = 0) -> pd.DataFrame:
    """The run as one row; ``*_share`` are shares of published documents (0 when none)."""
    import pandas as pd

    return pd.DataFrame([{
        "inputs": inputs, "published": published, "quarantined": quarantined,
        "accounted": published + quarantined, "duplicate_ids": duplicate_ids,
        "repair_share": with_repairs / published if published else 0.0,
        "removal_share": with_removals / published if published else 0.0,
    }])


def _resolve(value: Any, params: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        if value[1:] not in params:
            raise SuiteError(f"unknown placeholder {value}")
        return params[value[1:]]
    if isinstance(value, dict):
        return {k: _resolve(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, params) for v in value]
    return value


def _expectation_class(name: str):
    import great_expectations.expectations as gxe

    class_name = "".join(part.capitalize() for part in name.split("_"))
    cls = getattr(gxe, class_name, None)
    if cls is None:
        raise SuiteError(f"unknown expectation {name!r} (GX class {class_name} not found)")
    return cls


def quiet_gx_loggers() -> None:
    """GX sets levels on its own module loggers; keep its INFO chatter out of a user's terminal."""
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("great_expectations"):
            logging.getLogger(name).setLevel(logging.WARNING)


def preload() -> None:
    """Import Great Expectations (seconds of start-up) quietly; a run calls it in a background
    thread while its batches are cleaned, so validation does not wait for the import."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations  # noqa: F401
    from great_expectations.data_context.types.base import ProgressBarsConfig  # noqa: F401

    quiet_gx_loggers()


def validate(
    tables: dict[str, pd.DataFrame],
    *,
    rules: RuleSet,
    accepted_languages: Iterable[str],
    docs_dir: Path | None = None,
    expectations_dir: Path | None = None,
    severity: Mapping[str, str] | None = None,
) -> ValidationReport:
    """Run each suite on the table of the same name; build Data Docs into ``docs_dir``.

    ``severity`` overrides the suites' own per expectation id (see :func:`load_severity`)."""
    preload()
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    params = {
        "debris_patterns": rules.patterns_for_validation() or [r"(?!x)x"],
        "accepted_languages": sorted(set(accepted_languages) | {"und"}),
        "nonlatin_scripts": NONLATIN_SCRIPTS,
    }
    specs = [s for s in load_suites(expectations_dir) if s.name in tables]
    overrides = load_severity(expectations_dir, severity)
    ctx = gx.get_context(mode="ephemeral")
    ctx.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    if docs_dir is not None:
        ctx.add_data_docs_site(site_name="copydesk", site_config={
            "class_name": "SiteBuilder",
            "store_backend": {"class_name": "TupleFilesystemStoreBackend",
                              "base_directory": str(Path(docs_dir).resolve())},
            "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
        })
    source = ctx.data_sources.add_pandas("copydesk")
    results: list[CheckResult] = []
    for spec in specs:
        suite = ctx.suites.add(gx.ExpectationSuite(name=spec.name))
        severities = []
        for exp in spec.expectations:
            kwargs = _resolve(exp.get("kwargs") or {}, params)
            level = overrides.get(exp.get("id"), exp.get("severity", "error"))
            severities.append(level)
            suite.add_expectation(_expectation_class(exp["expectation"])(
                **kwargs, meta={"severity": level, "id": exp.get("id"),
                                "suite_file": Path(spec.path).name}))
        batch = source.add_dataframe_asset(spec.name).add_batch_definition_whole_dataframe("all")
        vd = ctx.validation_definitions.add(gx.ValidationDefinition(name=spec.name, data=batch, suite=suite))
        actions = [gx.checkpoint.UpdateDataDocsAction(name="docs", site_names=["copydesk"])] if docs_dir else []
        checkpoint = ctx.checkpoints.add(gx.Checkpoint(
            name=f"copydesk-{spec.name}", validation_definitions=[vd], actions=actions,
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 5}))
        run = checkpoint.run(batch_parameters={"dataframe": tables[spec.name]})
        for vr in run.run_results.values():
            for er in vr.results:
                cfg = er.expectation_config
                results.append(CheckResult(
                    suite=spec.name,
                    expectation=cfg.type,
                    column=cfg.kwargs.get("column") or cfg.kwargs.get("column_A"),
                    severity=(cfg.meta or {}).get("severity", "error"),
                    success=bool(er.success),
                    unexpected_count=(er.result or {}).get("unexpected_count"),
                    sample=[str(v)[:200] for v in (er.result or {}).get("partial_unexpected_list", [])][:5],
                    id=(cfg.meta or {}).get("id"),
                ))
    # GX keeps the last context module-wide (until the next get_context), and with it this
    # batch's table: a run validating chunk after chunk would hold two chunks at once
    ctx.data_sources.delete(source.name)
    index = docs_dir / "index.html" if docs_dir else None
    return ValidationReport(
        success=all(r.success or r.severity != "error" for r in results),
        results=results,
        data_docs=str(index) if index and index.exists() else None,
    )
