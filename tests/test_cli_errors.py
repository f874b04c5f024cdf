"""Issue 9: unusable input, output, options or rules stop ``copydesk clean`` with one line naming
the problem and exit status 2 — never a traceback. These all fail before Prefect starts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds" / "raw"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))


def copydesk(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([COPYDESK, *args], capture_output=True, text=True, timeout=120)


def assert_one_line_error(proc: subprocess.CompletedProcess[str], expected: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip() == f"copydesk: {expected}"
    assert proc.stdout == ""


@pytest.fixture
def a_file(tmp_path) -> Path:
    path = tmp_path / "plain.txt"
    path.write_text("not a directory\n", encoding="utf-8")
    return path


def test_input_under_a_regular_file(a_file, tmp_path):
    # As root a chmod 000 directory stays readable; a path through a file cannot be read by anyone.
    src = a_file / "raw"
    assert_one_line_error(copydesk("clean", str(src), str(tmp_path / "out")), f"input not found: {src}")


def test_input_that_is_neither_file_nor_directory(tmp_path):
    proc = copydesk("clean", "/dev/null", str(tmp_path / "out"))
    assert_one_line_error(proc, "input is not a directory or a regular file: /dev/null")


def test_output_under_a_regular_file(a_file):
    out = a_file / "out"
    proc = copydesk("clean", str(SEEDS), str(out))
    assert_one_line_error(proc, f"cannot create output directory {out}: Not a directory")


def test_output_that_is_a_regular_file(a_file):
    assert_one_line_error(copydesk("clean", str(SEEDS), str(a_file)), f"output is not a directory: {a_file}")


def test_malformed_rules_yaml(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules: [\n  - category: x\n", encoding="utf-8")
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), "--rules", str(rules))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"copydesk: rules: {rules}: not valid YAML:")


def test_rules_file_missing(tmp_path):
    rules = tmp_path / "nope.yaml"
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), "--rules", str(rules))
    assert_one_line_error(proc, f"rules: {rules}: cannot read rules file: No such file or directory")


def test_bad_regex_in_rules(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - category: promo\n    patterns: ['(unclosed']\n", encoding="utf-8")
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), "--rules", str(rules))
    assert_one_line_error(proc, f"rules: {rules}: rule 1: bad pattern '(unclosed': "
                                "missing ), unterminated subpattern at position 0")


def refused_rule(tmp_path: Path, pattern: str) -> tuple[Path, str]:
    """Run the CLI with a rules file holding ``pattern``; it must refuse it in one line, exit 2."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"rules:\n  - category: promo\n    patterns: ['{pattern}']\n", encoding="utf-8")
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), "--rules", str(rules))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    [line] = proc.stderr.splitlines()
    return rules, line


@pytest.mark.parametrize("pattern", [r"(a+)+$", r"(a|aa)*", r"(\w+\s?)+ promo"])
def test_catastrophic_regex_in_rules_is_refused(tmp_path, pattern):
    rules, line = refused_rule(tmp_path, pattern)
    assert line.startswith(f"copydesk: rules: {rules}: rule 1: pattern {pattern!r} repeats a part")
    assert "exponential time" in line


@pytest.mark.parametrize("args, names", [
    (["--frobnicate"], "--frobnicate"),
    (["--max-bytes", "0"], "--max-bytes"),
    (["--max-bytes", "lots"], "--max-bytes"),
    (["--batch-size", "0"], "--batch-size"),
])
def test_usage_errors_exit_2_without_traceback(tmp_path, args, names):
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), *args)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert names in proc.stderr  # typer's usage message names the option


def test_unknown_language_policy(tmp_path):
    proc = copydesk("clean", str(SEEDS), str(tmp_path / "out"), "--other-languages", "drop")
    assert_one_line_error(proc, "--other-languages must be 'flag' or 'quarantine', not 'drop'")


@pytest.mark.parametrize("pattern", [r".*.*.*=", r"\w*\w*\w*\w*!"])
def test_polynomial_regex_in_rules_is_refused(tmp_path, pattern):
    # The validation suite runs rule patterns with Python's re (no timeout): these would stall it.
    rules, line = refused_rule(tmp_path, pattern)
    assert line.startswith(f"copydesk: rules: {rules}: rule 1: pattern {pattern!r} has more than 2 open-ended")
