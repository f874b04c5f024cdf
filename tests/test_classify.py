"""Debris rules generalise beyond the seeds: other numbers, phrasings, languages and paths."""

from __future__ import annotations

import pathlib
import random
import re

import pytest

from copydesk.pipeline import clean_text
from copydesk.rules_loader import PHRASE_TAIL, RulesError, load_rules, normalise_phrase

FIXTURES = pathlib.Path(__file__).parent / "fixtures"

BODY = [
    "The city council voted on Tuesday to expand the tram network into the northern districts, "
    "a project that has been debated for more than a decade.",
    "Supporters said the extension would cut commuting times and reduce traffic on the ring road, "
    "while opponents warned about the cost overruns seen on earlier lines.",
    "Construction is expected to start next spring and last about three years, officials said.",
]


def article(head: list[str] = (), tail: list[str] = (), title: str | None = "Council backs tram extension") -> str:
    lines = ([title] if title else []) + list(head) + BODY + list(tail)
    return "\n\n".join(lines)


def removed(doc) -> dict[str, str]:
    return {r.text: r.category for r in doc.removed}


@pytest.mark.parametrize("line,category,field,value", [
    ("• 5 min read", "read-time", "read_time", "5 min read"),
    ("12 minute read", "read-time", "read_time", "12 minute read"),
    ("Reading time: 7 min", "read-time", "read_time", "7 min"),
    ("• 1,204 Views", "view-count", "views", 1204),
    ("3.4K views", "view-count", "views", 3400),
    ("Updated: 14 March 2024", "updated", "updated", "14 March 2024"),
    ("Last updated 3 hours ago", "updated", "updated", "3 hours ago"),
    ("March 14, 2024", "dateline", "published", "March 14, 2024"),
    ("Published: 2024-03-14", "published", "published", "2024-03-14"),
])
def test_header_metadata_lines_are_removed_and_kept_as_metadata(line, category, field, value):
    doc = clean_text(article(head=[line]))
    assert removed(doc)[line] == category
    assert doc.metadata[field] == value
    assert doc.text == "\n\n".join(BODY)


@pytest.mark.parametrize("label", [
    "Pos terkait", "Baca juga", "Baca Juga:", "Read more", "Related articles", "Related Posts",
    "You may also like", "Читайте также", "Lee también", "Leia também", "Lire aussi", "Leggi anche",
])
def test_related_post_labels_in_many_languages(label):
    doc = clean_text(article(tail=[label]))
    assert removed(doc)[label] == "related-posts"
    assert doc.text == "\n\n".join(BODY)


def test_removed_phrase_records_its_language():
    doc = clean_text(article(tail=["Baca juga"]))
    rec = next(r for r in doc.removed if r.text == "Baca juga")
    assert rec.language == "id" and "baca juga" in rec.reason


@pytest.mark.parametrize("tail", [["Share"], ["Share this article"], ["Reading now"], ["Compartir"],
                                  ["Facebook Twitter LinkedIn"], ["Advertisement"]])
def test_ui_lines_at_the_end(tail):
    doc = clean_text(article(tail=tail))
    assert tail[0] in removed(doc)
    assert doc.text == "\n\n".join(BODY)


@pytest.mark.parametrize("crumbs", [
    ["1. Home", "2. Sport", "3. Football"],
    ["1. HOME", "2. BUSINESS", "3. Council backs tram extension"],
    ["Home > News > Local"],
    ["Home / Politics / Europe"],
])
def test_other_breadcrumb_paths(crumbs):
    doc = clean_text(article(head=crumbs))
    assert all(removed(doc).get(c) == "breadcrumb" for c in crumbs), removed(doc)
    assert doc.text == "\n\n".join(BODY)


def test_english_byline_with_by_is_found_and_not_flagged():
    doc = clean_text(article(head=["By Maria Lopez"]))
    assert doc.byline is not None and doc.byline.name == "Maria Lopez"
    assert not doc.byline.non_english
    assert "non-english-byline" not in doc.flags
    assert doc.metadata["author"] == "Maria Lopez"
    assert "By Maria Lopez" not in doc.text


def test_title_and_its_repeat_are_removed():
    doc = clean_text(article(head=["Council backs tram extension"]))
    assert doc.title == "Council backs tram extension"
    assert removed(doc)["Council backs tram extension"] in {"title", "duplicate-title"}
    assert doc.text == "\n\n".join(BODY)


def test_plain_clean_article_passes_through_unchanged():
    text = "\n\n".join(BODY)
    doc = clean_text(text)
    assert doc.text == text
    assert doc.removed == [] and doc.repairs == [] and doc.title is None


def test_section_headings_and_bullet_lists_in_the_body_stay():
    body = [BODY[0], "What happens next?", BODY[1], "Key facts:",
            "• The line will add six new stops;", "• Trams will run every eight minutes;", BODY[2]]
    doc = clean_text("\n\n".join(body))
    assert doc.text == "\n\n".join(body)


def test_short_body_lines_are_not_debris_by_themselves():
    body = [BODY[0], "It was not.", BODY[1], "Nobody knows.", BODY[2]]
    doc = clean_text("\n\n".join(body))
    assert doc.text == "\n\n".join(body)


def test_image_credit_goes_to_metadata():
    doc = clean_text(article(tail=["Photo: Reuters / Jane Smith"]))
    assert removed(doc)["Photo: Reuters / Jane Smith"] == "image-credit"
    assert doc.metadata["image_credit"] == "Reuters / Jane Smith"


def test_a_user_rules_file_adds_a_rule(tmp_path):
    rules = tmp_path / "mine.yaml"
    rules.write_text("rules:\n  - category: promo\n    phrases: {en: ['Buy the print edition']}\n")
    from copydesk.pipeline import Settings

    doc = clean_text(article(tail=["Buy the print edition"]), settings=Settings(rules=(str(rules),)))
    assert removed(doc)["Buy the print edition"] == "promo"


@pytest.mark.parametrize("content,message", [
    ("rules: [", "not valid YAML"),
    ("rules:\n  - phrases: {en: [x]}\n", "category"),
    ("rules:\n  - category: x\n    patterns: ['(unclosed']\n", "bad pattern"),
    ("rules:\n  - category: x\n    zone: middle\n", "zone"),
])
def test_malformed_rules_are_refused_with_a_clear_message(tmp_path, content, message):
    rules = tmp_path / "bad.yaml"
    rules.write_text(content)
    with pytest.raises(RulesError, match=message):
        load_rules((str(rules),))


def test_validation_patterns_come_from_the_same_rules():
    import re

    patterns = load_rules().patterns_for_validation()
    assert any(re.search(p, "body text\nShare\nmore") for p in patterns)
    assert not any(re.search(p, "\n\n".join(BODY)) for p in patterns)


def test_word_count_gates_keep_long_phrases_and_unbounded_patterns(tmp_path):
    """Lines longer than every built-in rule skip the rules pass; a user's longer phrase, or a
    pattern rule without max_words, still matches such lines (the gates follow the rules)."""
    from copydesk.pipeline import Settings

    long_phrase = "Our journalism is funded by readers like you so please consider a donation →"
    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "rules:\n"
        "  - category: promo\n"
        f"    phrases: {{en: ['{long_phrase[:-2]}']}}\n"
        "  - category: legal\n"
        "    patterns: ['This article is distributed under [a-z ]+ licence\\.']\n"
    )
    legal = "This article is distributed under " + "the terms of the " * 8 + "licence."
    settings = Settings(rules=(str(rules),))
    doc = clean_text(article(tail=[f"• {long_phrase}", legal]), settings=settings)
    assert removed(doc)[f"• {long_phrase}"] == "promo"
    assert removed(doc)[legal] == "legal"


@pytest.mark.parametrize("a,b,same", [
    ("Breaking: The Title!", "breaking the title", True),
    ("The  Title — again", "the title again", True),
    ("Straße", "STRASSE", True),
    ("The Title", "The Titles", False),
    ("a_b", "a b", False),
])
def test_same_text_ignores_punctuation_spacing_and_case(a, b, same):
    from copydesk.classify import same_text

    assert same_text(a, b) is same


def test_rule_order_and_zones_hold_when_the_prefilter_names_the_first_rule(tmp_path):
    """The prefilter's first matching rule may be outside its zone: later rules still match."""
    from copydesk.pipeline import Settings

    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "rules:\n"
        "  - category: head-promo\n"
        "    zone: head\n"
        "    patterns: ['sponsored .*']\n"
        "  - category: promo\n"
        "    patterns: ['sponsored content .*', '.*partner offer']\n"
    )
    doc = clean_text(article(head=["Sponsored by Acme"], tail=["Sponsored content by Acme",
                                                                 "• Our partner offer"]),
                     settings=Settings(rules=(str(rules),)))
    got = removed(doc)
    assert got["Sponsored by Acme"] == "head-promo"
    assert got["Sponsored content by Acme"] == "promo"
    assert got["• Our partner offer"] == "promo"


def test_a_listed_phrase_and_an_earlier_or_later_pattern_keep_rule_order(tmp_path):
    """A line whose phrase a rule lists goes to that rule before later pattern rules, to an
    earlier rule whose pattern matches it, and to a later pattern rule when the listing rule is
    outside its zone."""
    from copydesk.pipeline import Settings

    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "rules:\n"
        "  - category: offer-pattern\n"
        "    patterns: ['partner offer .*']\n"
        "  - category: head-offer\n"
        "    zone: head\n"
        "    phrases: {en: ['partner offer today', 'our partner offer']}\n"
        "  - category: offer\n"
        "    patterns: ['our partner .*']\n"
    )
    doc = clean_text(article(head=["Partner offer today", "Our Partner Offer"],
                             tail=["Our partner offer"]),
                     settings=Settings(rules=(str(rules),)))
    got = removed(doc)
    assert got["Our Partner Offer"] == "head-offer"
    assert got["Partner offer today"] == "offer-pattern"
    assert got["Our partner offer"] == "offer"


def test_a_pattern_starting_with_a_wildcard_keeps_its_place_in_rule_order(tmp_path):
    """Such a pattern is tested apart from the others (by its literals first), and still
    wins over a later rule's pattern, and loses to an earlier one's."""
    from copydesk.pipeline import Settings

    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "rules:\n"
        "  - category: early\n"
        "    patterns: ['members only .*']\n"
        "  - category: offer\n"
        "    patterns: ['.{0,40}partner\\s+offer\\.?']\n"
        "  - category: late\n"
        "    patterns: ['our partner .*', 'members .*']\n"
    )
    doc = clean_text(article(tail=["Our PARTNER offer.", "Members only partner offer",
                                    "Our partner deals"]),
                     settings=Settings(rules=(str(rules),)))
    got = removed(doc)
    assert got["Our PARTNER offer."] == "offer"
    assert got["Members only partner offer"] == "early"
    assert got["Our partner deals"] == "late"


def test_a_title_repeat_differing_in_case_and_punctuation_is_removed():
    doc = clean_text(article(title="Straße wird gesperrt", tail=["STRASSE WIRD GESPERRT!"]))
    assert doc.title == "Straße wird gesperrt"
    assert removed(doc)["STRASSE WIRD GESPERRT!"] == "duplicate-title"


def fixture_lines() -> list[str]:
    """Every line of the test fixtures (real pages, articles and seeds)."""
    return [line for path in sorted(FIXTURES.rglob("*.txt"))
            for line in path.read_text(encoding="utf-8").split("\n")]


def odd_lines(n: int, seed: int = 7) -> list[str]:
    """Short lines made of words, phrase markers, bullets and all kinds of spacing."""
    pieces = ["Read", "more", "SHARE", "Straße", "İstanbul", "5", "min", "read", ":", "»", "›", "…",
              "->", "→", "...", "..", ".", ">", "-", "•", "(1)", "2.", "©"]
    spaces = [" ", " ", "  ", "\t", "\u00a0", "\u3000", "\x1c", "\x85", "\u2028", "\r", "\n", ""]
    rnd = random.Random(seed)
    return ["".join(rnd.choice(pieces) + rnd.choice(spaces) for _ in range(rnd.randint(0, 7)))
            for _ in range(n)]


def test_normalise_phrase_agrees_with_its_definition():
    """The marker is removed only when one ends the line, and str.split collapses the same
    spacing as a \\s+ regex: the same phrase as the plain definition, on real and odd lines."""
    space = re.compile(r"\s+")
    for line in fixture_lines() + odd_lines(20000):
        assert normalise_phrase(line) == space.sub(" ", PHRASE_TAIL.sub("", line)).strip().casefold(), line


def test_remembered_lines_give_the_same_answer_and_stay_bounded(monkeypatch):
    """A short line's rule analysis is remembered: the same removals, title and metadata with
    it warm, cold, or cleared every few lines; it never holds more than SHORT_LINES_KEPT lines
    or a line longer than SHORT_LINE_CHARS."""
    from copydesk import classify
    from copydesk.document import Document

    texts = [path.read_text(encoding="utf-8") for path in sorted(FIXTURES.rglob("*.txt"))]
    texts += [article(head=[line], tail=[line]) for line in odd_lines(300, seed=11)]

    def results(classifier: classify.Classifier) -> list:
        out = []
        for text in texts:
            doc = Document("t", "t", text=text)
            body = classifier.classify(doc)
            out.append((body, doc.title, doc.metadata, [r.to_record() for r in doc.removed]))
            assert len(classifier._short_lines) <= classify.SHORT_LINES_KEPT
            assert all(len(line) <= classify.SHORT_LINE_CHARS for line in classifier._short_lines)
        return out

    rules = load_rules()
    warm = classify.Classifier(rules)
    first = results(warm)
    assert results(warm) == first  # every short line remembered from the first pass
    monkeypatch.setattr(classify, "SHORT_LINES_KEPT", 3)
    assert results(classify.Classifier(rules)) == first
