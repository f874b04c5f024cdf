"""The GX suites catch real problems in a run's output, and severities are configuration."""

from __future__ import annotations

import gc
import re
import re._constants as sre
import re._parser as sre_parse
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

import pandas as pd
import pytest
from ftfy.badness import BADNESS_RE, is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.rules_loader import VALIDATION_LINE, WORDS_LOOKAHEAD, load_rules, words_lookahead
from copydesk.validate import (
    _BAD_ANCHOR,
    SuiteError,
    _alternation,
    _max_words,
    concat_tables,
    debris_finder,
    default_expectations_dir,
    document_rows,
    document_table,
    fused_tokens,
    is_mojibake,
    load_severity,
    rows_table,
    run_table,
    validate,
)

BODY = ("The council met on Monday to discuss the budget for the coming year. Members agreed "
        "that the library and the swimming pool would stay open, and that road repairs would "
        "begin in the spring once the weather allowed.")


def doc(id: str, text: str = BODY, **fields) -> dict:
    return {"id": id, "title": "Council agrees budget", "text": text, "language": "en",
            "metadata": {}, "byline": None, "removed": [], "repairs": [], "flags": [], **fields}


GOOD = [doc("good"), doc("lossy", flags=["lossy-text"], text=BODY + " They dont say."),
        doc("byline", byline={"name": "Дзвенислава Карплюк", "script": "Cyrillic",
                              "language": "uk", "non_english": True})]
BAD = {  # expectation id → a document that must make it fail
    "no-debris": doc("debris", text=BODY + "\n\nShare this article"),
    "no-mojibake": doc("mojibake", text=BODY + " The cafÃ© reopened."),
    "no-unflagged-fused-tokens": doc("fused", text=BODY + " Officials said they dont know."),
    "title-not-repeated": doc("title", text="Council agrees budget\n\n" + BODY),
    "text-length": doc("short", text="Too short."),
    "byline-language-flagged": doc("byline-lang", byline={
        "name": "Jan Kowalski", "script": "Latin", "language": "pl", "non_english": False}),
    "byline-english-not-flagged": doc("byline-en", byline={
        "name": "Sophia Brooks", "script": "Latin", "language": "en", "non_english": True}),
    "views-integer": doc("views", metadata={"views": "11 Views"}),
}


def check(records: list[dict], run=None, **kwargs):
    tables = {"documents": document_table(records),
              "run": run if run is not None else run_table(len(records), len(records), 0, 0,
                                                           with_removals=len(records))}
    return validate(tables, rules=load_rules(), accepted_languages=["en"], **kwargs)


def failed(report) -> dict[str, str]:
    return {r.id: r.severity for r in report.results if not r.success}


@pytest.fixture(scope="module")
def bad_report():
    return check(GOOD + list(BAD.values()), run=run_table(21, 11, 9, 0, with_repairs=9,
                                                          with_removals=0))


def test_good_documents_pass() -> None:
    report = check(GOOD)
    assert report.success and failed(report) == {}


def test_each_problem_is_caught_by_its_expectation(bad_report) -> None:
    fails = failed(bad_report)
    assert set(BAD) <= set(fails)
    assert not bad_report.success  # error-severity expectations failed
    by_id = {r.id: r for r in bad_report.results}
    assert by_id["no-debris"].unexpected_count == 1
    assert by_id["no-mojibake"].unexpected_count == 1
    assert by_id["no-unflagged-fused-tokens"].unexpected_count == 1  # the lossy one is flagged


def test_run_shares_outside_their_bounds_warn(bad_report) -> None:
    fails = failed(bad_report)
    assert fails["repair-share"] == "warning" and fails["removal-share"] == "warning"
    assert fails["inputs-accounted"] == "error"  # 21 inputs, 11 + 9 accounted for
    assert "no-duplicate-ids" not in fails


def test_validation_keeps_no_table_it_validated() -> None:
    """A run validates chunk after chunk: GX's context (kept module-wide by GX until the next
    one) must not hold the last chunk's table, or two chunks are in memory at once."""
    table = document_table(GOOD)
    alive = weakref.ref(table)
    validate({"documents": table}, rules=load_rules(), accepted_languages=["en"])
    del table
    gc.collect()
    assert alive() is None


def test_a_table_put_together_from_parts_is_the_table_of_all_their_rows() -> None:
    """A run builds each validation chunk batch by batch: a column with no value in one
    batch (no debris found) and text in another must come out as in one table of the rows."""
    first = document_rows([doc("a"), doc("b")])
    second = document_rows([doc("c", text=BODY + "\n\nShare this article")])
    assert first[0]["debris"] is None and second[0]["debris"]
    whole = rows_table(first + second)
    pd.testing.assert_frame_equal(concat_tables([rows_table(first), rows_table(second)]), whole)


def test_fused_tokens_counts_dropped_apostrophes_only() -> None:
    assert fused_tokens("I dont know why theyre late, hes said.") == 3
    assert fused_tokens("We were well. Its fine, lets go; Ill be there at the event.") == 0


def test_severity_overrides_without_editing_the_suite(tmp_path: Path) -> None:
    records = GOOD + [BAD["no-debris"]]
    assert not check(records).success
    relaxed = check(records, severity={"no-debris": "warning"})
    assert relaxed.success and failed(relaxed) == {"no-debris": "warning"}

    suites = tmp_path / "expectations"
    shutil.copytree(default_expectations_dir(), suites,
                    ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    (suites / "severity.yaml").write_text("severity:\n  no-debris: warning\n")
    assert check(records, expectations_dir=suites).success
    strict = check(records, expectations_dir=suites, severity={"no-debris": "error"})
    assert not strict.success  # the command line wins over the file


def test_bad_severity_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="no expectation with id"):
        load_severity(None, {"no-such-check": "warning"})
    with pytest.raises(SuiteError, match="must be error or warning"):
        load_severity(None, {"no-debris": "fatal"})
    cli = Path(sys.executable).with_name("copydesk")
    (tmp_path / "raw").mkdir()
    done = subprocess.run([str(cli), "clean", str(tmp_path / "raw"), str(tmp_path / "out"),
                           "--severity", "no-such-check=warning"], capture_output=True, text=True)
    assert done.returncode == 2 and "no expectation with id 'no-such-check'" in done.stderr


MOJIBAKE_ALPHABET = "aZ .\n\t'’“”–—é ÃÂÎÐØÙâ€™œŠš¢£ŸžŒ×²³à√≈‚ÄвЂГВРСβΒΓΞΟā°µ»«\xa0\xad\x80\x9f"


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=60))
def test_mojibake_check_agrees_with_ftfy(text: str) -> None:
    assert is_mojibake(text) == is_bad(text)
    assert is_mojibake("x" * 50 + text) == is_bad("x" * 50 + text)


def _chars(op, av) -> set[str] | None:
    """The characters a LITERAL or a character set (``[...]``, no class or negation) matches."""
    if op is sre.LITERAL:
        return {chr(av)}
    if op is not sre.IN or any(o not in (sre.LITERAL, sre.RANGE) for o, _ in av):
        return None
    return {chr(c) for o, a in av for c in ([a] if o is sre.LITERAL else range(a[0], a[1] + 1))}


def test_every_mojibake_pattern_needs_an_anchor_character() -> None:
    """is_mojibake skips a text without any _BAD_ANCHOR character: every alternative of
    ftfy's BADNESS_RE holds a character or set all of whose characters are anchors."""
    (op, (_, alternatives)), = sre_parse.parse(BADNESS_RE.pattern, re.VERBOSE).data
    assert op is sre.BRANCH
    for alt in alternatives:
        assert any((cs := _chars(o, a)) and all(_BAD_ANCHOR.match(c) for c in cs)
                   for o, a in alt.data), alt


DEBRIS_SAMPLES = ["Share this article", "Body.\n\nShare this article", "Share\nthis article",
                  "• Read more", "Read more:", "Body text.\nAdvertisement\nMore body.",
                  "4 min read", "Advertisement in the paper was expensive.", BODY, "", "\n\n"]


def test_one_debris_regex_finds_what_the_rule_patterns_find() -> None:
    rules = load_rules()
    patterns = [re.compile(p) for p in rules.patterns_for_validation()]
    finder = debris_finder(rules)
    for text in DEBRIS_SAMPLES:
        found = finder.search(text)
        assert bool(found) == any(p.search(text) for p in patterns), text
        if found:  # the expectation runs the rule patterns on the stretch found
            assert any(p.search(found.group()) for p in patterns), text


def test_word_count_lookaheads_are_recognised_so_validation_checks_them_once() -> None:
    """validate._alternation groups the patterns that start with the same word-count lookahead
    (``rules_loader.WORDS_LOOKAHEAD``); should the two drift apart, nothing would be grouped."""
    assert all(WORDS_LOOKAHEAD.fullmatch(words_lookahead(n)) for n in (1, 2, 12, 40, 1000))
    rests = [p[len(VALIDATION_LINE):] for p in load_rules().patterns_for_validation()]
    assert sum(bool(_max_words(r)) for r in rests) == sum(
        1 for r in rests if r.startswith("(?=(?:\\S+"))
    assert _alternation(rests).count("(?=(?:\\S+") < sum(bool(_max_words(r)) for r in rests)


DEBRIS_PIECES = ["Share this article", "Read more:", "• Read more", "1. Related posts", "Advertisement",
                 "Image: Shutterstock.com / Fotosr52", "© 2025 Example Media. All rights reserved.",
                 "12 comments", "Sponsored content from our partners", "Share\nthis article", "•",
                 "Read more »", "(Photo: AP)", "• Share Facebook | Twitter | Email | Print", BODY,
                 "Photo by Jane Smith for the paper", "\t", " ", "  ", "\n", "\n\n", "\r\n",
                 "\xa0", "—", ":", "word", "more words here"]


def test_debris_finder_finds_what_one_search_of_all_patterns_finds(tmp_path: Path) -> None:
    """Trying only the line starts a pattern can match at, and checking a word-count
    lookahead once for the patterns in a row that start with it, changes nothing: the first
    debris found is the same as the patterns' plain alternation finds, with our rules and
    with a user's rule that has no word limit."""
    import random

    from copydesk.validate import _debris_regex

    user = tmp_path / "rules.yaml"
    user.write_text("rules:\n  - category: sponsored\n    patterns: ['\\s*sponsored\\s+content.*']\n"
                    "    phrases: [paid post]\n", encoding="utf-8")
    rnd = random.Random(5)
    texts = DEBRIS_SAMPLES + ["".join(rnd.choice(DEBRIS_PIECES) + rnd.choice(["", " ", "\n"])
                                      for _ in range(rnd.randint(1, 12))) for _ in range(1500)]
    for rules in (load_rules(), load_rules((str(user),))):
        finder = debris_finder(rules)
        patterns = rules.patterns_for_validation()
        assert all(p.startswith("(?im)") for p in patterns)
        plain = re.compile("|".join(f"(?:{p[5:]})" for p in patterns), re.IGNORECASE | re.MULTILINE)
        one = _debris_regex(tuple(patterns))
        found = 0
        for text in texts:
            got, want = finder.search(text), plain.search(text)
            assert (got and (got.start(), got.group())) == (want and (want.start(), want.group())), text
            got = one.search(text)
            assert (got and (got.start(), got.group())) == (want and (want.start(), want.group())), text
            found += want is not None
        assert 0 < found < len(texts)


def test_title_repeated_as_a_line_is_found_whatever_its_case_and_spacing() -> None:
    from copydesk.validate import document_checks

    def repeated(title: str, text: str) -> bool:
        return document_checks({"title": title, "text": text})[2]

    assert repeated("Council agrees budget", BODY + "\n\n  COUNCIL   agrees\tbudget \n")
    assert repeated("Die Straße  bleibt", "DIE STRASSE BLEIBT\n" + BODY)  # casefolded: ß = ss
    assert not repeated("Council agrees budget", BODY + "\nThe council agrees budget cuts.")
    assert not repeated("Council agrees budget", BODY)
    assert not repeated("", BODY) and not repeated("   ", "\n\n")
