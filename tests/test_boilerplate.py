"""Statistical boilerplate pass (issue 3): real page excerpts from the aeb dev set."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from copydesk.boilerplate import (
    FEATURES,
    STAGE2,
    find_boilerplate,
    is_page_dump,
    keeps_too_little,
    light_candidates,
    load_model,
    scan,
    ui_hit,
)

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
    assert set(model["gate"]) == {"ui_lines", "ui_share", "short_share", "menu_ui_lines", "menu_share"}


def test_gate_needs_page_furniture_not_length(dump: list[str]) -> None:
    """A page dump is gated heavy; a long extractor output of short stat lines is not."""
    gate = load_model()["gate"]
    assert is_page_dump(scan(dump), gate)
    traf = lines_of((AEB / "page_trafilatura.txt").read_text(encoding="utf-8"))
    assert not is_page_dump(scan(traf), gate)
    stats = STAT_TABLE * 12
    assert not is_page_dump(scan(stats), gate)


PROSE = ("Below, we look at the snap counts and the statistics on defense for the team's game "
         "on Sunday, which it won by three points.")
STAT_TABLE = ["Defensive Line", "| Pos |", "Player |", "Plays |", "% |", "Stats |", "| DL |",
              "Larry Ogunjobi |", "63 |", "85% |", "1 tackle (1 combined). 1 TFL. |", "LINEBACKER"]


def test_short_stat_lines_inside_extractor_output_kept() -> None:
    lines = [PROSE] + STAT_TABLE * 8 + [PROSE.replace("three", "four")]
    assert find_boilerplate(lines, [None] * len(lines)) == {}


def test_clean_article_skips_the_model(gold: str) -> None:
    """Fast path: no line outside the prose span and no UI phrase: nothing to score."""
    lines = lines_of(gold)
    assert light_candidates(lines, scan(lines), [None] * len(lines)) == set()


def test_ui_label_inside_extractor_output_removed() -> None:
    lines = [PROSE, "Read more: Alibaba poised to launch a record-breaking listing",
             "The company said on Tuesday that it expects sales to grow again next year, after a weak quarter."]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert 1 in removed and 0 not in removed


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
        assert " of 0 " not in reason  # a run of none is said as such ("not in a run of ...")


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


ARTICLE = [
    "The company said on Tuesday that it expects sales to grow again next year, after a weak "
    "quarter in which demand for its older laptops fell across most of its markets.",
    "Analysts had expected a sharper decline, and the shares rose four percent in early trading "
    "in New York as investors read the forecast as a sign that the worst was over.",
    "The chief executive told reporters that the new models would reach stores in the spring, "
    "and that the firm would keep its prices unchanged for the rest of the year.",
    "Its main rival reported weaker results last week and warned that it would cut jobs in two "
    "of its factories, blaming higher costs for memory chips and a strong dollar.",
    "Suppliers in Taiwan said orders for the spring models had already picked up, although "
    "they cautioned that the recovery would be uneven across the industry.",
]


def test_comment_thread_after_the_article_removed() -> None:
    """A comments heading after the article opens a section that runs to the end, even when
    the comments are written like prose."""
    comments = ["Top Rated Comments",
                "I think this is the redesign they promised, and I am happy they kept the price.",
                "No surprise here.",
                "Edit: I still expect the bigger model to come first, but we will see next year."]
    lines = ARTICLE + comments
    removed = find_boilerplate(lines, [None] * len(lines))
    assert set(removed) == set(range(len(ARTICLE), len(lines)))
    assert all(c == "comments" for c, _ in removed.values())


def test_link_list_under_a_heading_inside_the_article_removed_prose_after_it_kept() -> None:
    """A related-links heading (here one the rule pass labelled) takes the headline lines under
    it, up to the next paragraph."""
    block = ["DON'T MISS", "Rival cuts jobs at two factories [INSIGHT]",
             "Memory chip prices hit a record [VIDEO]"]
    lines = ARTICLE[:4] + block + ARTICLE[4:]
    labels: list[str | None] = [None] * len(lines)
    labels[4] = "related-posts"
    removed = find_boilerplate(lines, labels)
    assert set(removed) == {5, 6}


def test_section_heading_needs_prose_before_it() -> None:
    """At the top of a document a lexicon heading does not open a section."""
    lines = ["Comments", *ARTICLE]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert not set(removed) & set(range(1, len(lines)))


MENU = ["Início", "Notícias", "Esportes", "Política", "Economia", "Cultura", "Colunistas",
        "Vídeos", "Podcasts", "Contato"]


def test_small_page_with_unknown_menu_words_is_a_page_dump() -> None:
    """Menus the lexicon does not know still make a page dump: most lines sit in runs of
    short lines, and one UI phrase is there; a table of short stat lines without one is not."""
    gate = load_model()["gate"]
    page = MENU + ["Share", PROSE, PROSE.replace("three", "four"), PROSE.replace("three", "two")] + MENU
    assert is_page_dump(scan(page), gate)
    assert not is_page_dump(scan([PROSE] + STAT_TABLE * 3 + [PROSE]), gate)


TABLE = ["Camp population by year:", "Year Residents Tents Clinics", "1 2014 4,000 800 1",
         "2 2015 12,000 2,100 1", "3 2016 60,000 9,500 2", "4 2017 45,000 8,000 2",
         "5 2018 40,000 7,600 3", "6 2019 12,700 2,900 1"]


def test_table_inside_page_dump_article_kept(dump: list[str]) -> None:
    """Stat lines between the article's paragraphs are body (recall), however short."""
    i = dump.index("The Rukban camp")
    lines = dump[:i] + TABLE + dump[i:]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert not [lines[j] for j in range(i, i + len(TABLE)) if j in removed]


@pytest.mark.parametrize("gap", [["Advertisement", "Read more"],
                                 ["Photo: Getty Images", "Advertisement"]])
def test_short_interruption_does_not_cut_page_dump_article(
    dump: list[str], gold: str, gap: list[str]
) -> None:
    """An ad slot or photo credit before the article's last two paragraphs does not end the
    article there: the paragraphs after it are kept, the interruption itself goes."""
    i = dump.index("Most popular") - 2
    lines = dump[:i] + gap + dump[i:]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert all(j in removed for j in range(i, i + len(gap)))
    after = range(i + len(gap), i + len(gap) + 2)
    assert all(lines[j][:60] in gold for j in after)
    assert not [lines[j] for j in after if j in removed]


def test_core_evidence_caps_only_short_gaps_inside_the_article() -> None:
    """A run of at most max_lines disliked lines between liked ones costs at most max_cost a
    line; a longer run, or one at the document's edge, keeps its full cost."""
    from copydesk.boilerplate import core_evidence

    gap = {"max_lines": 2, "max_cost": 1.0}
    logits = [-3.0, 2.0, -3.0, -3.0, 2.0, -3.0, -3.0, -3.0, 1.0, -3.0]
    words = np.full(len(logits), 2.0)
    assert core_evidence(logits, words) == [2 * z for z in logits]
    assert core_evidence(logits, words, gap) == [-6.0, 4.0, -1.0, -1.0, 4.0, -6.0, -6.0, -6.0,
                                                 2.0, -6.0]


def test_headline_list_after_page_dump_article_removed(dump: list[str]) -> None:
    """A numbered list of headlines after the article, without a heading to announce it,
    is still related links (numbers in a list do not make it body)."""
    i = dump.index("Most popular")
    heads = [dump[j] for j in range(i + 3, i + 13, 2)]
    lines = dump[:i] + [f"{k}. {h}" for k, h in enumerate(heads, 1)] + dump[i + 12:]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert all(j in removed for j in range(i, i + len(heads)))
    assert all(removed[j][1].startswith("p_body=") for j in range(i, i + len(heads)))
    assert all("in a run of 5 list items without sentences" in removed[j][1]
               for j in range(i, i + len(heads)))


def test_list_features_tell_menus_from_steps_and_numbered_subheadings() -> None:
    """A run of list items without sentence punctuation is menu-like; a lone numbered
    subheading between paragraphs (cbsnews.com) is no run, and numbered how-to steps are
    sentences in a numbered sequence (the recipe's steps, not a menu)."""
    from copydesk.boilerplate import line_features

    lines = [
        "- News", "- Sport", "- Business",
        "Volker later said he would have objected to Ukraine opening an investigation into Biden.",
        "2. Never urged Ukraine to investigate Joe Biden",
        "Volker insists he worked through an official Ukraine channel, not some irregular one.",
        "1. Fill canner with water and set it to simmer. Add empty jelly jars to sterilize and warm.",
        "2. Core, peel, and cube the pears and put them in a pot.",
        "3. Remove from canner and allow to cool. Jam will set within 24-48 hours.",
    ]
    rows, _ = line_features(lines)
    col = {name: [row[FEATURES.index(name)] for row in rows] for name in
           ("list_seq", "list_sentence", "menu_list")}
    assert col["menu_list"] == [math.log1p(3)] * 3 + [0.0] * 6
    assert col["list_seq"] == [0.0] * 6 + [math.log1p(3)] * 3
    assert col["list_sentence"] == [0.0] * 4 + [1.0, 0.0] + [1.0] * 3  # long or ends a sentence


def test_photo_caption_with_copyright_above_the_article_removed(dump: list[str], gold: str) -> None:
    """A photo caption ending in its credit (rt.com: "... © Reuters / David Mercado", between
    the page's share links) above the first paragraph goes; the paragraph stays. The copyright sign marks
    a credit in any language."""
    caption = ("A cyclist rides next to a blocked petrol plant of Senkata in the outskirts of "
               "La Paz, Bolivia, November 19, 2019. © Reuters / David Mercado")
    i = dump.index(lines_of(gold)[0])
    lines = dump[:i] + ["Get short URL", caption, "Follow RT on"] + dump[i:]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert i + 1 in removed and "copyright sign" in removed[i + 1][1]
    assert i + 3 not in removed


def test_vectorised_scores_match_the_explained_terms(dump: list[str]) -> None:
    """Each line's score is the model's sum of the terms its explanation is drawn from."""
    from copydesk.boilerplate import _linear, score_lines, stage2_rows

    probs, contribs, rows, _, _ = score_lines(dump)
    part = load_model()["heavy"]
    logits = [max(-30.0, min(30.0, _linear(r, part["stage1"])[0])) for r in rows]
    rows2 = stage2_rows(logits, rows, load_model().get("core_gap"))
    for p, r2, i in zip(probs, rows2, range(len(rows)), strict=True):
        z = max(-30.0, min(30.0, _linear(r2, part["stage2"])[0]))
        assert abs(p - 1 / (1 + 2.718281828459045 ** -z)) < 1e-9
        assert abs(part["stage1"]["intercept"] + sum(contribs[i]) - _linear(rows[i], part["stage1"])[0]) < 1e-9
        # the explanation's terms are exactly _linear's (the same floats, so the same order)
        assert contribs[i] == _linear(rows[i].tolist(), part["stage1"])[1]
        assert contribs.lowest(i) == sorted(range(len(FEATURES)), key=contribs[i].__getitem__)[:3]


def test_regex_free_helpers_match_their_patterns() -> None:
    """_ends_sentence and _strip_nonword agree with the regexes they replace."""
    import random

    from copydesk.boilerplate import _END_SENTENCE, _STRIP, _ends_sentence, _strip_nonword

    chars = list(".!?。！？…\"'”’»)]_ \t\u00a0\u3000\u2028-–|ab1é中:([٣²")
    rnd = random.Random(7)
    samples = ["", " ", "Done.", "He said: “Yes.” ", "(Read more)", "__x__", "٣ items ²"]
    samples += ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 8))) for _ in range(5000)]
    for s in samples:
        assert _ends_sentence(s) == bool(_END_SENTENCE.search(s)), s
        assert _strip_nonword(s) == _STRIP.sub("", s), s


def test_fast_regex_helpers_match_their_patterns() -> None:
    """_two_numbers, _n_separators and _linklike agree with the regexes they stand for."""
    import random

    from copydesk.boilerplate import (
        _LINKLIKE,
        _NUM_TOKEN,
        _SEPARATORS,
        _linklike,
        _n_separators,
        _two_numbers,
    )

    chars = list("0123456789٣²,.:%-+$€x_ |•›»«·/>–—\t\u00a0é") + ["http", "s://", "www", "com", "co", "@", "#"]
    rnd = random.Random(11)
    samples = ["", "1", "12 34", "a1 2", "x-1-2", "$3,5 €4", "a | b", " - - ", "a – b — c", "1\u00a0-\t2"]
    samples += ["".join(rnd.choice(chars) for _ in range(rnd.randint(0, 12))) for _ in range(20000)]
    for s in samples:
        assert _two_numbers(s) == (len(_NUM_TOKEN.findall(s)) >= 2), s
        assert _n_separators(s) == len(_SEPARATORS.findall(s)), s
        assert _linklike(s) == bool(_LINKLIKE.search(s)), s


def test_page_dump_keeping_little_of_its_densest_prose_keeps_all_of_it() -> None:
    """A page-dump cleaning that keeps two teaser-sized paragraphs of a ten-paragraph prose
    region has mistaken the article for furniture: the region's paragraphs stay."""
    share = load_model()["heavy"]["min_kept_share"]
    lines = ARTICLE * 2
    sc = scan(lines)
    region = [i for i in range(len(lines)) if sc.prose[i]]
    assert len(region) == 10
    assert keeps_too_little(sc, region, [i >= 8 for i in region], share)
    assert keeps_too_little(sc, region, [i == 0 for i in region], share)
    assert not keeps_too_little(sc, region, [i >= 2 for i in region], share)


def test_long_comment_thread_after_page_dump_article_not_kept_as_the_article(
    dump: list[str],
) -> None:
    """A comment thread far longer than the article joins the densest prose region; the model
    keeps the article, and the comments section stays removed (its prose does not count as
    the region's, so the article is no 'too little' of it)."""
    end = scan(dump).region[1] + 1
    comments = ["Comments"] + [f"Reader {i}: {s}" for i in range(12) for s in ARTICLE]
    lines = dump[:end] + comments + dump[end:]
    removed = find_boilerplate(lines, [None] * len(lines))
    assert all(removed.get(i, ("kept",))[0] == "comments"
               for i in range(end, end + len(comments)))


def test_feature_rows_are_one_per_line(dump: list[str]) -> None:
    """What fit_boilerplate.py stacks: one row per line, in FEATURES and STAGE2 order."""
    from copydesk.boilerplate import line_features, score_lines, stage2_rows

    rows, infos = line_features(dump)
    assert rows.shape == (len(dump), len(FEATURES)) and len(infos) == len(dump)
    assert list(rows[:, FEATURES.index("words")]) == [math.log1p(i.words) for i in infos]
    logits = [0.0] * len(dump)
    assert stage2_rows(logits, rows).shape == (len(dump), len(STAGE2))
    assert stage2_rows(logits, rows.tolist()).tolist() == stage2_rows(logits, rows).tolist()
    assert score_lines([])[0] == []


def test_comments_item_in_a_menu_before_the_article_opens_no_section() -> None:
    """Comments follow the article: a "Comments" item in a page's menu between an earlier
    story and the article (the densest prose region, after the menu) does not turn the
    article into a comment thread."""
    story = [s.replace("laptops", "phones").replace("Taiwan", "Korea") for s in ARTICLE[:4]]
    menu = MENU * 2 + ["Comments"] + MENU
    lines = story + menu + ARTICLE * 2
    removed = find_boilerplate(lines, [None] * len(lines))
    article = range(len(story) + len(menu), len(lines))
    assert not set(removed) & set(article)
    assert removed[len(story) + 2 * len(MENU)][0] == "comments"  # the item itself goes


def test_lines_recurring_across_the_run_do_not_take_the_article_edges(gold: str) -> None:
    """Furniture that recurs in every document of a run scores far below anything in the
    dev set; as a neighbour it counts no more than clear debris, so the paragraphs next to
    it (the article's first and last) are kept while the furniture goes."""
    from copydesk.corpus import CorpusStats

    top = ["Skip to content", "Advertisement", "Share on Facebook"]
    bottom = ["Read more", "Tags: politics, europe", "© 2025 Example Media"]
    article = [s for s in lines_of(gold) if len(s.split()) >= 12][:8]
    lines = top + article + bottom
    others = [top + [f"Story {k} went on for a while, as stories about item {k} tend to do."]
              + bottom for k in range(60)]
    stats = CorpusStats.from_texts("\n".join(doc) for doc in [lines, *others])
    removed = find_boilerplate(lines, [None] * len(lines), stats=stats)
    assert [lines[i] for i in sorted(removed)] == top + bottom
