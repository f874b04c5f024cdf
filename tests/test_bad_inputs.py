"""Issue 9: a corpus of bad inputs mixed into good articles. Each bad input is quarantined with a
clear reason (or cleaned, where that is right), the good articles are still published, nothing
is lost and nothing hangs — through the library stages and through the real ``copydesk`` command.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.document import Document, Quarantined
from copydesk.pipeline import Settings, clean_batch
from copydesk.read import DEFAULT_MAX_BYTES, InputError, doc_id_for, read_bytes
from copydesk.sources import iter_part, plan

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds" / "raw"
COPYDESK = str(Path(sys.executable).with_name("copydesk"))

ARTICLE = (
    "City Council Approves New Budget for Libraries\n\n"
    "The city council voted on Tuesday to approve a new budget that expands opening hours at "
    "every public library, after months of debate about how to pay for the plan.\n\n"
    "Supporters said the change was overdue. “People have been asking for this for years,” said "
    "the council’s chair, who spoke to reporters outside the café across the street from city hall.\n\n"
    "Critics called the plan naïve and warned that the money would run out within two years, "
    "but the measure passed with a clear majority of the members present.\n\n"
    "The new hours take effect next month, and the libraries will also add weekend programmes "
    "for children and adults who want to learn new skills.\n"
)
GERMAN = (
    "Stadtrat beschließt neuen Haushalt für Bibliotheken\n\n"
    "Der Stadtrat hat am Dienstag einen neuen Haushalt beschlossen, der die Öffnungszeiten aller "
    "öffentlichen Bibliotheken verlängert, nachdem monatelang über die Finanzierung gestritten wurde.\n\n"
    "Die Befürworter sagten, die Änderung sei längst überfällig gewesen. Viele Bürger hätten seit "
    "Jahren darum gebeten, sagte die Vorsitzende des Rates vor dem Rathaus.\n\n"
    "Kritiker nannten den Plan naiv und warnten, dass das Geld innerhalb von zwei Jahren aufgebraucht "
    "sein werde, doch die Vorlage wurde mit klarer Mehrheit angenommen.\n"
)
ALL_DEBRIS = "Home > World\nShare this article\n5 min read\n1,234 views\nFacebook Twitter\nRelated posts\n"
GOOD = sorted(SEEDS.glob("*.txt"))[:3]
SAME_ARTICLE = ["cp1252", "utf16", "utf8bom", "crlf", "cr"]  # the UTF-8 article, re-encoded

# input file → (status, what the quarantine reason says)
EXPECTED: dict[str, tuple[str, str | None]] = {
    "empty.txt": ("quarantined", "empty input"),
    "whitespace.txt": ("quarantined", "empty input"),
    "image.txt": ("quarantined", "binary data"),
    "random.txt": ("quarantined", "binary data"),
    "latin1.txt": ("published", None),
    "cp1252.txt": ("published", None),
    "utf16.txt": ("published", None),
    "utf8bom.txt": ("published", None),
    "crlf.txt": ("published", None),
    "cr.txt": ("published", None),
    "longline.txt": ("quarantined", "not article text"),
    "huge.txt": ("quarantined", "byte limit"),
    "nobody.html": ("quarantined", "no extractable article text"),
    "scripts.html": ("quarantined", "no extractable article text"),
    "nested.html": ("quarantined", "no extractable article text"),
    "truncated.txt.gz": ("quarantined", "corrupt gzip file"),
    "bomb.txt.gz": ("quarantined", "decompresses to over"),
    "debris.txt": ("quarantined", "empty after cleaning: all 6 line(s) were debris"),
    "german.txt": ("published", None),
}
JSONL_GOOD_TEXT = ARTICLE.split("\n\n", 1)[1]


def _jsonl_lines() -> list[str]:
    other = JSONL_GOOD_TEXT.replace("Tuesday", "Wednesday")
    return [
        json.dumps({"id": "feed-good", "text": JSONL_GOOD_TEXT}),
        '{"id": "feed-broken", "text": "The council',  # malformed: cut off mid-record
        json.dumps({"text": other}),  # no id: gets "<file>-<index>"
        json.dumps({"id": "dup", "text": JSONL_GOOD_TEXT}),
        json.dumps({"id": "dup", "text": other}),
        json.dumps({"id": "../../etc/passwd", "text": JSONL_GOOD_TEXT}),
    ]


def build_corpus(root: Path, *, jsonl: bool = True) -> Path:
    """Good seed articles plus every bad input of issue 9 (cheap to build: the 200 MB file is sparse)."""
    root.mkdir(parents=True, exist_ok=True)
    for path in GOOD:
        shutil.copy(path, root / path.name)
    rng = random.Random(9)

    def put(name: str, data: bytes) -> None:
        (root / name).write_bytes(data)

    put("empty.txt", b"")
    put("whitespace.txt", b"  \n\t \r\n   \n")
    put("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + rng.randbytes(2048))
    put("random.txt", rng.randbytes(4096))
    put("latin1.txt", ARTICLE.replace("“", '"').replace("”", '"').replace("’", "'").encode("latin-1"))
    put("cp1252.txt", ARTICLE.encode("cp1252"))
    put("utf16.txt", ARTICLE.encode("utf-16"))
    put("utf8bom.txt", ARTICLE.encode("utf-8-sig"))
    put("crlf.txt", ARTICLE.replace("\n", "\r\n").encode())
    put("cr.txt", ARTICLE.replace("\n", "\r").encode())
    sentence = b"The council met again on Tuesday to discuss the budget for the libraries. "
    put("longline.txt", (sentence * (10 * 2**20 // len(sentence) + 1))[: 10 * 2**20])
    with open(root / "huge.txt", "wb") as fh:
        fh.truncate(200 * 2**20)  # sparse: 200 MB on paper, nothing on disk
    put("nobody.html", b"<html><head><title>Nothing here</title></head></html>")
    put("scripts.html", b"<html><head><script>var a = 1;</script></head>"
                        b"<body><script>document.write('x')</script></body></html>")
    body = "<p>" + ARTICLE.replace("\n\n", "</p><p>") + "</p>"
    put("nested.html", f"<html><body>{'<div>' * 10_000}{body}{'</div>' * 10_000}</body></html>".encode())
    put("truncated.txt.gz", gzip.compress(ARTICLE.encode() * 20)[:300])
    put("bomb.txt.gz", gzip_bomb())
    put("debris.txt", ALL_DEBRIS.encode())
    put("german.txt", GERMAN.encode())
    if jsonl:
        (root / "feed.jsonl").write_text("\n".join(_jsonl_lines()) + "\n", encoding="utf-8")
    return root


def gzip_bomb() -> bytes:
    """~1 MB of gzip that inflates to 1 GiB: one 10 MiB member of zeros, repeated."""
    return gzip.compress(b"\0" * (10 * 2**20), compresslevel=9) * 100


def clean_dir(root: Path, settings: Settings | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> list[Document | Quarantined]:
    """The library stages over a directory, as a run does: plan, read each part, clean each batch."""
    settings = settings or Settings()
    out: list[Document | Quarantined] = []
    for batch in plan(root, 8):
        raws = [item if not isinstance(item, tuple) else Quarantined(*item)
                for part in batch for item in iter_part(part, max_bytes=max_bytes)]
        out += clean_batch(raws, settings=settings)
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("bad") / "raw")


@pytest.fixture(scope="module")
def results(corpus) -> dict[str, Document | Quarantined]:
    items = clean_dir(corpus)
    by_id = {item.id: item for item in items if item.id != "dup"}
    assert len(by_id) + 2 == len(items)  # ids are unique but for the two "dup" records
    return by_id


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_bad_input_has_the_right_outcome(results, name):
    status, reason = EXPECTED[name]
    item = results[doc_id_for(Path(name))]
    if status == "published":
        assert isinstance(item, Document), getattr(item, "reason", None)
        assert item.text.strip()
    else:
        assert isinstance(item, Quarantined), f"{name} was published: {getattr(item, 'text', '')[:80]!r}"
        assert reason in item.reason
        assert "internal error" not in item.reason and "\n" not in item.reason


def test_good_articles_are_published(results):
    for path in GOOD:
        assert isinstance(results[path.stem], Document)


def test_legacy_encodings_decode_correctly(results):
    latin = results["latin1"]
    assert "café" in latin.text and "naïve" in latin.text and "\ufffd" not in latin.text
    reference = results["cp1252"].text
    assert "café" in reference and "naïve" in reference
    assert "“People have been asking for this for years,” said the council’s chair" in reference


@pytest.mark.parametrize("name", SAME_ARTICLE[1:])
def test_bom_and_line_endings_give_the_same_clean_text(results, name):
    text = results[name].text
    assert "\r" not in text and "\ufeff" not in text
    assert text == results["cp1252"].text  # same article in another encoding / line ending


def test_non_english_is_flagged_or_quarantined_per_setting(results, tmp_path):
    assert "non-english-document:de" in results["german"].flags
    (tmp_path / "german.txt").write_text(GERMAN, encoding="utf-8")
    [item] = clean_dir(tmp_path, Settings(other_languages="quarantine"))
    assert isinstance(item, Quarantined)
    assert item.reason == "language 'de' not in accepted languages ['en']"


def test_jsonl_bad_records(results):
    assert isinstance(results["feed-good"], Document)
    broken = results["feed-1"]
    assert isinstance(broken, Quarantined) and broken.reason.startswith("invalid JSON")
    assert isinstance(results["feed-2"], Document)  # no id: the file name and record number
    assert isinstance(results["../../etc/passwd"], Document)  # its output file is confined: below


def test_size_limit_is_configurable(tmp_path):
    shutil.copy(GOOD[0], tmp_path / GOOD[0].name)
    [item] = clean_dir(tmp_path, max_bytes=100)
    assert isinstance(item, Quarantined)
    assert item.reason == f"file is {GOOD[0].stat().st_size} bytes, over the 100-byte limit"


def test_gzip_bomb_is_read_in_bounded_memory(tmp_path):
    bomb = tmp_path / "bomb.txt.gz"
    bomb.write_bytes(gzip_bomb())
    code = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from copydesk.read import InputError, read_bytes\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "try:\n"
        f"    read_bytes(Path({str(bomb)!r}), max_bytes=20 * 2**20)\n"
        "    sys.exit('read the bomb')\n"
        "except InputError as exc:\n"
        "    print(exc)\n"
        "print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    reason, grown_mb = proc.stdout.splitlines()
    assert reason == f"decompresses to over the {20 * 2**20}-byte limit"
    assert int(grown_mb) < 200  # 1 GiB inflated would need > 1000 MB; a bounded read ~3 × 20 MB


def test_corrupt_deflate_stream_is_an_input_error(tmp_path):
    data = bytearray(gzip.compress(ARTICLE.encode() * 50))
    data[20:60] = bytes(b ^ 0xFF for b in data[20:60])
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="corrupt gzip file"):
        read_bytes(path)


# --- the real command over the whole corpus (Prefect temporary server) ----------------------


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.server
@pytest.mark.slow
def test_cli_end_to_end_over_the_bad_corpus(tmp_path):
    src = build_corpus(tmp_path / "raw")
    out = tmp_path / "out"
    limit = 30_000_000
    proc = subprocess.run([COPYDESK, "clean", str(src), str(out), "--batch-size", "4", "--max-bytes", str(limit)],
                          capture_output=True, text=True, timeout=900)
    assert "Traceback" not in proc.stderr, proc.stderr
    docs = {d["id"]: d for d in read_jsonl(out / "documents.jsonl")}
    quarantine = read_jsonl(out / "quarantine.jsonl")
    quarantined = {q["id"]: q["reason"] for q in quarantine}
    summary = json.loads((out / "report" / "summary.json").read_text(encoding="utf-8"))

    inputs = len(EXPECTED) + len(GOOD) + len(_jsonl_lines())
    assert summary["inputs"] == inputs
    assert len(read_jsonl(out / "documents.jsonl")) + len(quarantine) == inputs  # nothing lost
    assert summary["published"] + summary["quarantined"] == inputs
    checks = {c["id"]: c["success"] for c in summary["validation"]["expectations"]}
    assert checks["inputs-accounted"] is True  # the GX run suite agrees: inputs = published + quarantined
    assert checks["no-duplicate-ids"] is False  # the duplicate id fails the run (below)
    for path in GOOD:
        assert (out / f"{path.stem}.txt").read_text(encoding="utf-8") == docs[path.stem]["text"] + "\n"
    for name, (status, reason) in EXPECTED.items():
        doc_id = doc_id_for(Path(name))
        if status == "published":
            assert doc_id in docs, quarantined.get(doc_id)
        else:
            assert reason in quarantined[doc_id]
    assert quarantined["huge"] == f"file is {200 * 2**20} bytes, over the {limit}-byte limit"  # --max-bytes
    assert quarantined["bomb"] == f"decompresses to over the {limit}-byte limit"
    assert quarantined["feed-1"].startswith("invalid JSON")
    # the duplicate id is let through only with the run failing validation (exit 1), never silently
    assert proc.returncode == 1 and "duplicate" in proc.stderr, proc.stderr
    # an id that names a path outside OUTPUT_DIR still writes inside it
    assert not (tmp_path / "etc").exists() and not (out.parent.parent / "etc" / "passwd.txt").exists()
    for path in out.rglob("*"):
        assert path.resolve().is_relative_to(out.resolve())
    assert docs["../../etc/passwd"]["text"] == docs["feed-good"]["text"]
