"""The review page (report/review.html) and Data Docs, rendered by a real headless Chromium.

The pipeline runs for real (``copydesk clean``) on the seeds plus hostile inputs: a document
whose text carries ``<script>``, ``</script>`` and an ``onerror`` attribute that would set a
marker if they ever ran, and an empty input that is quarantined.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from copydesk.review import place_removed, write_review

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--virtual-time-budget=3000"]


def _chromium() -> str:
    """The chromium binary; skipped only outside CI (in CI a missing browser fails)."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path:
        return path
    if os.environ.get("CI") == "true":
        pytest.fail("chromium is not installed (CI must install it: see .ci/run)")
    pytest.skip("chromium not installed (apt-get install chromium); runs in CI")


def _browse(tmp: Path, url: str, *extra: str) -> str:
    profile = tmp / f"profile-{len(list(tmp.glob('profile-*')))}"
    profile.mkdir()
    done = subprocess.run(
        [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *extra, url],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def dump_dom(tmp: Path, url: str) -> str:
    """The DOM after the page's scripts ran, serialised by Chromium."""
    return _browse(tmp, url, "--dump-dom")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real run of the copydesk CLI on the seeds plus the hostile inputs."""
    base = tmp_path_factory.mktemp("review")
    raw = base / "raw"
    raw.mkdir()
    for path in [*(FIXTURES / "seeds" / "raw").iterdir(), *(FIXTURES / "hostile" / "raw").iterdir()]:
        shutil.copy(path, raw / path.name)
    cli = Path(sys.executable).with_name("copydesk")
    done = subprocess.run([str(cli), "clean", str(raw), str(base / "clean")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return base / "clean"


@pytest.fixture(scope="module")
def review_dom(run_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    return dump_dom(tmp_path_factory.mktemp("chromium"), (run_dir / "report" / "review.html").as_uri())


def _removed(dom: str, category: str, text: str) -> bool:
    """Is ``text`` shown struck through and labelled ``category``?"""
    pattern = (rf'<div class="removed" data-category="{re.escape(category)}"[^>]*>'
               rf'<del>[^<]*{re.escape(html.escape(text, quote=False))}[^<]*</del>'
               rf'<span class="cat">{re.escape(category)}</span></div>')
    return re.search(pattern, dom) is not None


@pytest.mark.browser
def test_review_page_shows_removals_repairs_and_bylines(run_dir: Path, review_dom: str) -> None:
    dom = review_dom
    assert _removed(dom, "related-posts", "Pos terkait")
    assert _removed(dom, "view-count", "11 Views")
    assert _removed(dom, "breadcrumb", "1. HOME")

    docs = [json.loads(line) for line in (run_dir / "documents.jsonl").read_text().splitlines()]
    kyiv = next(r for d in docs for r in d["repairs"] if r["after"].startswith("Kyiv’s"))
    item = re.search(r'<li class="repair"><span class="before">Kyivs [^<]*</span> → '
                     r'<b>Kyiv’s [^<]*</b>.*?<span class="evidence">([^<]*)</span></li>', dom)
    assert item and html.unescape(item.group(1)) == kyiv["evidence"]
    mark = re.search(r'<mark class="repair" title="([^"]*)">Kyiv’s defense</mark>', dom)
    assert mark and html.unescape(mark.group(1)).startswith("Kyivs defense → Kyiv’s defense")

    byline = re.search(r'<div class="byline">Byline: <b>Дзвенислава Карплюк</b>.*?</div>', dom)
    assert byline and "non-English byline" in byline.group(0) and "Cyrillic / uk" in byline.group(0)

    assert "7 of 7 shown — page 1 / 1" in dom  # 6 published + 1 quarantined, one page
    assert 'Validation <b class="ok">passed</b>' in dom
    assert "no-debris" in dom and "removal-share" in dom  # the expectation results table


@pytest.mark.browser
def test_hostile_document_is_shown_as_text_and_never_runs(review_dom: str) -> None:
    dom = review_dom
    assert "<title>copydesk review</title>" in dom and "PWNED</title>" not in dom
    assert "data-pwned" not in dom.split("<body", 1)[0]  # the marker attribute was never set
    assert "&lt;script&gt;document.title='PWNED'" in dom  # shown, as text
    assert "&lt;img src=x onerror=" in dom
    assert "&lt;/script&gt;&lt;script&gt;" in dom
    assert not re.search(r"<img\b", dom)
    assert len(re.findall(r"<script\b", dom)) == 2  # the page's own data block and script only


@pytest.mark.browser
def test_filters_from_the_link(run_dir: Path, tmp_path: Path) -> None:
    url = (run_dir / "report" / "review.html").as_uri()
    quarantined = dump_dom(tmp_path, url + "#quarantined")
    assert "1 of 7 shown" in quarantined and "empty_input" in quarantined
    assert len(re.findall(r"<article\b", quarantined)) == 1
    repaired = dump_dom(tmp_path, url + "#repairs")
    assert "1 of 7 shown" in repaired and '<mark class="repair"' in repaired
    search = dump_dom(tmp_path, url + "#q=" + "карплюк")
    assert "1 of 7 shown" in search and "Дзвенислава Карплюк" in search


@pytest.mark.browser
def test_screenshot_of_the_review_page(run_dir: Path, tmp_path: Path) -> None:
    shot = tmp_path / "review.png"
    _browse(tmp_path, (run_dir / "report" / "review.html").as_uri(),
            f"--screenshot={shot}", "--window-size=1280,2000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


@pytest.mark.browser
def test_data_docs_render(run_dir: Path, tmp_path: Path) -> None:
    docs = run_dir / "report" / "data_docs"
    index = dump_dom(tmp_path, (docs / "index.html").as_uri())
    assert 'href="expectations/documents.html"' in index and 'href="expectations/run.html"' in index
    [page] = docs.glob("validations/documents/*/*/copydesk-documents.html")
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", dump_dom(tmp_path, page.as_uri()))))
    assert "Expectation Suite: documents" in text and "Status: Succeeded" in text
    assert "If lossy_flagged == False , then values must belong to this set: 0" in text


@pytest.mark.browser
def test_large_run_renders_one_page_at_a_time(tmp_path: Path) -> None:
    docs = ({"id": f"doc{i:05d}", "source": "s", "title": f"Title {i}", "text": f"Body {i}.",
             "language": "en", "removed": [], "repairs": [], "flags": [], "metadata": {},
             "byline": None} for i in range(10_000))
    page = write_review(tmp_path, docs, [], {"inputs": 10_000, "published": 10_000},
                        first=10_000, limit=10_000)
    dom = dump_dom(tmp_path, page.as_uri())
    assert "10000 of 10000 shown — page 1 / 200" in dom
    assert len(re.findall(r"<article\b", dom)) == 50  # no DOM for documents not shown


def _embedded(page: Path) -> list[dict]:
    block = re.search(r'<script type="application/json" id="review-data">(.*?)</script>',
                      page.read_text(), re.S)
    return json.loads(block.group(1))["docs"]


def test_big_runs_embed_the_first_documents_and_every_flagged_one(tmp_path: Path) -> None:
    docs = [{"id": f"d{i}", "text": "x", "removed": [], "repairs": [],
             "flags": ["lossy-text"] if i % 10 == 0 else []} for i in range(100)]
    page = write_review(tmp_path, iter(docs), [{"id": "q", "source": "s", "reason": "empty"}],
                        {}, first=5, limit=12)
    ids = [d["id"] for d in _embedded(page)]
    assert ids == ["d0", "d1", "d2", "d3", "d4", *(f"d{i}" for i in range(10, 80, 10)), "q"]
    assert "Showing 12 of 100 published documents" in page.read_text()


def test_document_text_cannot_close_the_data_block(tmp_path: Path) -> None:
    nasty = "</script><script>alert(1)</script><!-- </SCRIPT "
    page = write_review(tmp_path, [{"id": "x", "title": nasty, "text": nasty, "removed": [],
                                    "repairs": [], "flags": []}], [], {"flags": {nasty: 1}})
    source = page.read_text()
    assert source.lower().count("</script") == 2  # the data block's and the page script's
    assert _embedded(page)[0]["text"] == nasty
    assert "&lt;/script&gt;" in source  # in the summary, escaped


def test_removed_lines_are_placed_between_paragraphs() -> None:
    # blank-line separated source: title (1), label (3), 15 paragraphs (7..35), footer (37)
    removed = [{"line": n} for n in (1, 3, 5, 37)]
    assert place_removed(removed, 15) == [0, 0, 0, 15]
    # single-spaced: 17 body lines then three footer lines
    assert place_removed([{"line": n} for n in (18, 19, 20)], 17) == [17, 17, 17]
    # a removed line between paragraphs 2 and 3 (lines 1,3,5 body; 7 removed; 9.. body)
    assert place_removed([{"line": 1}, {"line": 7}], 5) == [0, 2]
