"""Statistical boilerplate pass (issue 3): real page excerpts from the aeb dev set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from copydesk.boilerplate import FEATURES, STAGE2, find_boilerplate, load_model, ui_hit

FIXTURES = Path(__file__).parent / "fixtures"
AEB = FIXTURES / "aeb"
WORD = re.compile(r"\w+")


def lines_of(text: str) -> list[str]:
    return [s.strip() for s in text.splitlines() if s.strip()]


def shingles(text: str) -> set[tuple[str, ...]]:
    toks = WORD.findall(text)
    return {tuple(toks[i:i + 4]) for i in range(max(1, len(toks) - 3))}


def kept(lines: list[str], removed: dict) -> list[str]:
    return [s for i, s in enumerate(lines) if i not in removed]


@pytest.fixture(scope="module")
def dump() -> list[str]:
    return lines_of((AEB / "page_dump.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def gold() -> str:
    return (AEB / "page_gold.txt").read_text(encoding="utf-8")


def test_model_file_loads() -> None:
    model = load_model()
    for regime in ("heavy", "light"):
        part = model[regime]
        assert len(part["stage1"]["coef"]) == len(FEATURES)
        assert len(part["stage2"]["coef"]) == len(STAGE2)
        assert 0 < part["threshold"] < 1
    assert model["gate_outside_lines"] > 0


def test_page_dump_menus_footer_share_related_removed(dump: list[str], gold: str) -> None:
    removed = find_boilerplate(dump, [None] * len(dump))
    texts = {dump[i] for i in removed}
    for debris in ("Skip to main content", "toggle main navigation", "Human Rights", "Share",
                   "Most popular", "Back to top", "Follow Us", "Terms of Use",
                   "© 2019 POLYGRAPH.info All Rights Reserved."):
        assert debris in texts, debris
    body = "\n".join(kept(dump, removed))
    gold_sh = shingles(gold)
    recall = len(gold_sh & shingles(body)) / len(gold_sh)
    precision = len(gold_sh & shingles(body)) / len(shingles(body))
    assert recall >= 0.95 and precision >= 0.85, (recall, precision)


def test_headings_between_paragraphs_kept(dump: list[str]) -> None:
    removed = find_boilerplate(dump, [None] * len(dump))
    body = kept(dump, removed)
    for heading in ("The al-Tanf base", "The Rukban camp"):
        assert heading in body


def test_reasons_present(dump: list[str]) -> None:
    removed = find_boilerplate(dump, [None] * len(dump))
    assert removed
    for category, reason in removed.values():
        assert category and re.fullmatch(r"[a-z-]+", category)
        assert reason.startswith("p_body=") and len(reason) > len("p_body=0.00: ")


def test_rule_labelled_lines_untouched(dump: list[str]) -> None:
    labels: list[str | None] = [None] * len(dump)
    labels[2] = "skip-link"
    assert 2 not in find_boilerplate(dump, labels)


MULTILINGUAL = {
    "Share": "share", "Compartilhar": "share", "Partager": "share", "Teilen": "share",
    "Condividi": "share", "Bagikan": "share", "Поделиться": "share", "Udostępnij": "share",
    "Leia também": "related-links", "Baca juga": "related-links", "Lesen Sie auch": "related-links",
    "Lire aussi": "related-links", "Читайте также": "related-links", "관련기사": "related-links",
    "Suscríbete a nuestro boletín": "newsletter", "We use cookies": "cookie-notice",
    "Wir verwenden Cookies": "cookie-notice", "Tutti i diritti riservati": "copyright",
    "Deixe um comentário": "comments", "Publicidad": "advertisement",
}


@pytest.mark.parametrize(("line", "category"), sorted(MULTILINGUAL.items()))
def test_ui_lexicon_multilingual(line: str, category: str) -> None:
    assert ui_hit(line)[0] == category


def test_multilingual_ui_lines_removed_from_page(dump: list[str]) -> None:
    end = dump.index("Most popular")
    page = dump[:end] + list(MULTILINGUAL) + dump[end:]
    removed = find_boilerplate(page, [None] * len(page))
    texts = {page[i] for i in removed}
    missed = [s for s in MULTILINGUAL if s not in texts]
    assert not missed


def test_clean_article_unchanged(gold: str) -> None:
    lines = lines_of(gold)
    assert find_boilerplate(lines, [None] * len(lines)) == {}


def test_seed_headings_and_bullets_kept() -> None:
    for path in sorted((FIXTURES / "seeds/expected").glob("*.json")):
        lines = lines_of(json.loads(path.read_text(encoding="utf-8"))["expected_text"])
        assert find_boilerplate(lines, [None] * len(lines)) == {}, path.name


def test_extractor_output_keeps_the_article(gold: str) -> None:
    lines = lines_of((AEB / "page_trafilatura.txt").read_text(encoding="utf-8"))
    body = "\n".join(kept(lines, find_boilerplate(lines, [None] * len(lines))))
    gold_sh = shingles(gold)
    assert len(gold_sh & shingles(body)) / len(gold_sh) >= 0.97
