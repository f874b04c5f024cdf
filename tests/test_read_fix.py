"""Reading and fixing: encodings are detected, mojibake repaired, typography kept."""

from __future__ import annotations

import contextlib
import gzip
import os
import threading
from pathlib import Path

import pytest

from copydesk.fix import fix_text
from copydesk.read import InputError, decode, doc_id_for, input_kind, read_bytes
from copydesk.sources import source_paths


def test_utf8_and_boms():
    assert decode("Kyiv’s café".encode()) == "Kyiv’s café"
    assert decode("\ufeffhello".encode("utf-8")) == "hello"
    assert decode("Kyiv’s café".encode("utf-16")) == "Kyiv’s café"


def test_legacy_encodings_are_detected():
    text = "The café’s naïve “quotes” — and more text so detection has something to go on. " * 3
    assert decode(text.encode("cp1252")) == text
    latin = "Le café était fermé à Noël, déjà très tôt, comme d’habitude en hiver. " * 3
    assert decode(latin.replace("’", "'").encode("latin-1")) == latin.replace("’", "'")


def test_binary_is_refused():
    with pytest.raises(InputError):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def test_mojibake_is_fixed_and_curly_quotes_kept():
    fixed, changed = fix_text("Kyivâ€™s â€œdefenseâ€\u009d")
    assert fixed == "Kyiv’s “defense”" and changed


def test_line_endings_and_spaces_are_normalised():
    fixed, _ = fix_text("  One\r\nTwo\rThree\u00a0 four  \n\n\n")
    assert fixed == "One\nTwo\nThree four"


def test_uncurl_on_request():
    assert fix_text("“Kyiv’s”", uncurl_quotes=True)[0] == "\"Kyiv's\""


def test_listing_kinds_and_ids(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / "b.html").write_text("<p>x</p>")
    (tmp_path / "c.html.gz").write_bytes(gzip.compress(b"<p>x</p>"))
    (tmp_path / "notes.md").write_text("x")
    (tmp_path / ".hidden.txt").write_text("x")
    paths = [Path(p) for p in source_paths(tmp_path)]
    assert [p.name for p in paths] == ["a.txt", "b.html", "c.html.gz"]
    assert [input_kind(p) for p in paths] == ["text", "html", "html"]
    assert [doc_id_for(p) for p in paths] == ["a", "b", "c"]
    assert read_bytes(tmp_path / "c.html.gz") == b"<p>x</p>"


def test_size_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"x" * 2000)
    with pytest.raises(InputError, match="limit"):
        read_bytes(big, max_bytes=1000)


def _feed(pipe: Path, data: bytes) -> None:
    with contextlib.suppress(BrokenPipeError):  # the reader stops at the limit
        pipe.write_bytes(data)


def test_input_longer_than_its_stated_size_is_read_whole_within_the_limit(tmp_path):
    """A file that grows after its size is taken (here a pipe: size 0) is read to its end,
    or refused once it passes the limit."""
    pipe = tmp_path / "feed.txt"
    for data, limit in ((b"x" * 5000, 10_000), (b"x" * 5000, 1000)):
        os.mkfifo(pipe)
        writer = threading.Thread(target=_feed, args=(pipe, data))
        writer.start()
        try:
            if limit >= len(data):
                assert read_bytes(pipe, max_bytes=limit) == data
            else:
                with pytest.raises(InputError, match="limit"):
                    read_bytes(pipe, max_bytes=limit)
        finally:
            writer.join()
            pipe.unlink()


@pytest.mark.parametrize("text, trace", [
    ("Kyiv\u2019s membership\u2014a point, caf\u00e9", False),  # typography alone is no trace
    ("São Paulo, Ã ", False), ("caf\u00c3\u00a9", True), ("â€™", True), ("\u0085x", True),
    ("fish &amp; chips", True), ("fish & chips;", False), ("\ufb01nd", True), ("\ufffd", True),
])
def test_ftfy_gate_sees_each_kind_of_trace(text, trace):
    from copydesk.fix import NEEDS_FTFY

    assert bool(NEEDS_FTFY.search(text)) is trace


def test_fix_text_skips_only_substitutions_that_change_nothing():
    """fix_text skips its line-end and space substitutions on a text that holds nothing they
    match: the result is the same as substituting always (random texts over every character
    they act on)."""
    import random
    import unicodedata

    import ftfy

    from copydesk import fix

    def always(text: str) -> tuple[str, bool]:  # fix_text substituting always
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        text = unicodedata.normalize("NFC", fix._UNICODE_LINE_ENDS.sub("\n", text))
        changed = False
        if fix.NEEDS_FTFY.search(text):
            fixed = ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False,
                                  normalization="NFC")
            text, changed = fixed, fixed != text
        text = fix._INNER_SPACE.sub(" ", fix._INVISIBLE.sub("", text))
        return "\n".join(line.strip() for line in text.split("\n")).strip("\n"), changed

    special = ("\t\u00a0\u2000\u2005\u200a\u202f\u205f\u3000\x00\x08\x0b\x0c\x0e\x1f\x7f"
               "\u200b\u200c\u200d\u2060\ufeff\u2028\u2029\x85\r\n")
    rng = random.Random(8)
    for _ in range(3000):
        alphabet = "ab é  " + "".join(rng.sample(special, rng.randint(0, 3)))
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert fix_text(text) == always(text), repr(text)
