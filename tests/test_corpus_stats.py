"""The corpus-statistics pass counts the same line keys whether it takes its shortcut (decode
and split) or prepares each input as the cleaning pass does."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from copydesk.corpus import CorpusStats, line_key
from copydesk.document import RawDoc
from copydesk.pipeline import Settings, prepare
from copydesk.read import InputError
from copydesk.run import stats_lines

FIXTURES = Path(__file__).parent / "fixtures"

# line breaks of every kind, whitespace fix_text collapses, controls and zero-width characters
# it drops, ftfy's traces (mojibake, C1, entities, ligatures), NFD accents, curly quotes
ALPHABET = ("ab Z\n\r\t\x0b\x0c\x1c\x85\u2028\u2029\xa0\u2003\u3000\x00\x07\x7f\u200b\ufeff"
            "\u00c3\u00a9\u00e2\u20ac\u2122\x80\x9d&#;amp\ufb01\ufffde\u0301\u00e9\u2019\u201c—")


def _slow(raw: RawDoc, s: Settings) -> set[int] | None:
    try:
        text = prepare(raw, s).text
    except InputError:
        return None
    return {line_key(x) for x in text.splitlines() if x.strip()}


def _fast(raw: RawDoc, s: Settings) -> set[int] | None:
    lines = stats_lines(raw, s)
    return None if lines is None else {line_key(x) for x in lines if x.strip()}


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80), st.booleans())
def test_shortcut_counts_the_keys_of_the_prepared_text(text: str, uncurl: bool) -> None:
    s = Settings(uncurl_quotes=uncurl, max_line_chars=40)
    raw = RawDoc("d", "d.txt", text.encode("utf-8"), kind="text")
    assert _fast(raw, s) == _slow(raw, s)


def test_line_key_ignores_case_and_whitespace_only() -> None:
    assert line_key("  Share\u00a0this\tARTICLE ") == line_key("share this article")
    assert line_key("share this article") != line_key("share this articles")
    stats = CorpusStats()
    stats.add("Read more\n\n  \nRead  more\nBody")
    assert stats.n_docs == 1 and stats.doc_frequency("READ MORE") == 1 and len(stats) == 2


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab Z\n\r\t\xa0\u2003\u2028\u2019\u201c\u00e9\u00fc\u0416—&", max_size=80))
def test_shortcut_on_text_it_takes(text: str) -> None:
    s = Settings(max_line_chars=40)
    raw = RawDoc("d", "d.txt", text.encode("utf-8"), kind="text")
    assert _fast(raw, s) == _slow(raw, s)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["Share", "share ", "Read more", "a", "b", "c", "d", " "]),
                         max_size=6), max_size=30), st.integers(1, 4), st.integers(1, 5))
def test_counts_agree_with_a_counter_however_documents_are_split_and_folded(
        docs: list[list[str]], shards: int, fold: int) -> None:
    reference: dict[str, int] = {}
    for doc in docs:
        for line in {" ".join(x.split()).casefold() for x in doc if x.strip()}:
            reference[line] = reference.get(line, 0) + 1
    parts = [CorpusStats() for _ in range(shards)]
    for i, doc in enumerate(docs):
        parts[i % shards].FOLD = fold
        parts[i % shards].add_lines(doc)
    merged = CorpusStats()
    for part in parts:
        merged.merge(pickle.loads(pickle.dumps(part)))  # as a task's result travels
    assert merged.n_docs == len(docs) and len(merged) == len(reference)
    assert [merged.doc_frequency(k) for k in reference] == list(reference.values())
    assert merged.doc_frequency("never seen") == 0


def test_beyond_max_keys_lines_seen_once_are_dropped_and_count_as_one(tmp_path) -> None:
    stats = CorpusStats(max_keys=3)
    stats.add("Share\nRead more")
    stats.add("Share\nRead more\nbody one\nbody two")
    assert stats.pruned and len(stats) == 2
    assert stats.doc_frequency("share") == 2 and stats.doc_frequency("body one") == 1
    stats.save(tmp_path / "s.npz")
    loaded = CorpusStats.load(tmp_path / "s.npz")
    assert loaded.pruned and loaded.n_docs == 2
    assert loaded.line_frequencies(["read more", "unseen"]) == [2, 1]


def _reference_key(line: str) -> int:
    """The key saved in statistics files: changing it would invalidate resumable runs' statistics."""
    norm = " ".join(line.split()).casefold()
    return int.from_bytes(hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest(), "big")


def _check_keys(docs: list[list[str]]) -> None:
    """Counting and looking up lines (which skip ``str.split`` where it changes nothing but the
    ends) agree with the reference keys."""
    stats = CorpusStats()
    expected: dict[int, int] = {}
    for lines in docs:
        stats.add_lines(lines)
        for key in {_reference_key(x) for x in lines if x.strip()}:
            expected[key] = expected.get(key, 0) + 1
    assert stats.keys.tolist() == sorted(expected)
    assert stats.counts.tolist() == [expected[k] for k in sorted(expected)]
    for lines in docs:
        keys = [_reference_key(x) for x in lines]
        assert [line_key(x) for x in lines] == keys
        assert stats.line_frequencies(lines) == [expected.get(k, 0) for k in keys]


# every kind of whitespace and line break, invisible characters, characters casefold expands
KEY_ALPHABET = ("aB \n\r\t\x0b\x0c\x1c\x1f\x85\xa0\u1680\u2003\u2028\u202f\u3000\u200b\x00"
                "\u00df\u0130\u03a3\u03c2\ufb01\u00b5\u1e9e\u00c9e\u0301")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(alphabet=KEY_ALPHABET, max_size=12), max_size=8), max_size=6))
def test_line_keys_are_the_reference_keys(docs: list[list[str]]) -> None:
    _check_keys(docs)


def test_line_keys_of_real_texts_are_the_reference_keys() -> None:
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(FIXTURES.rglob("*.txt"))]
    assert len(texts) > 20
    odd = [" Read  more ", "Read more ", "Read\tmore", "Read\xa0more", "STRASSE Stra\u00dfe", "\u0130stanbul"]
    _check_keys([t.splitlines() for t in texts] + [t.casefold().splitlines() for t in texts] + [odd])
