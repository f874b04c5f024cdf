"""Behaviour of the punctuation-repair stage (copydesk.repair)."""

from __future__ import annotations

import json
import pathlib
import sys

import pytest

from copydesk.repair import RepairResult, repair_text, stem_counts

FIX = pathlib.Path(__file__).parent / "fixtures"
SEED = FIX / "seeds" / "raw" / "002_97223278cfabf412.txt"
SEED_EXPECTED = FIX / "seeds" / "expected" / "002_97223278cfabf412.json"
LOSSY = FIX / "lossy"

sys.path.insert(0, str(pathlib.Path(__file__).parents[1] / "benchmarks"))
import lossy_score  # noqa: E402


def undo(result: RepairResult) -> str:
    """Replace each repair's `after` by its `before`, last to first."""
    text = result.text
    for r in sorted(result.repairs, key=lambda r: r.offset, reverse=True):
        assert text[r.offset : r.offset + len(r.after)] == r.after
        text = text[: r.offset] + r.before + text[r.offset + len(r.after) :]
    return text


@pytest.fixture(scope="module")
def seed() -> tuple[str, RepairResult]:
    text = SEED.read_text(encoding="utf-8")
    return text, repair_text(text)


def test_seed_repairs_exactly_the_expected_ones(seed):
    _, result = seed
    got = [(r.before, r.after, r.kind) for r in result.repairs]
    want = [(r["before"], r["after"], r["kind"]) for r in
            json.loads(SEED_EXPECTED.read_text(encoding="utf-8"))["repairs"]]
    assert sorted(got) == sorted(want)


def test_seed_no_other_word_changes(seed):
    text, result = seed
    changed = {(a, b) for a, b in zip(text.split(), result.text.split(), strict=True) if a != b}
    assert changed == {("Kyivs", "Kyiv’s"), ("Moscows", "Moscow’s"), ("Russias", "Russia’s"),
                       ("membershipa", "membership—a")}


def test_seed_flags_dropped_spaced_dash_without_repairing_it(seed):
    _, result = seed
    assert "lossy-text" in result.flags
    assert "suspect-dash:compromise significant" in result.flags
    assert "a compromise significant work remains" in result.text


def test_seed_is_reversible_and_explained(seed):
    text, result = seed
    assert undo(result) == text
    for r in result.repairs:
        assert r.evidence and r.kind in {"apostrophe", "dash", "contraction", "accent"}
    assert "Kyiv" in result.repairs[0].evidence


def test_correct_words_untouched():
    text = ("Weeks later the United States and Wales said Views of the news were always mixed. "
            "Brooks, who dont like it, said its board met. The company and its allies agreed.")
    result = repair_text(text)
    for word in ("Weeks", "States", "Wales", "Views", "news", "always", "Brooks", "its board",
                 "its allies", "were always"):
        assert word in result.text
    assert "don’t" in result.text


def test_non_lossy_text_untouched():
    text = ("Kyiv’s allies—and Moscow’s critics—met on Tuesday. Weeks of talks followed; "
            "the café stayed open. Kyivs officials said it was fine.")
    result = repair_text(text)
    assert result.text == text and not result.repairs


def test_ascii_text_without_damage_untouched():
    text = "Putin's aide said it's not over. The Weeks family and the States disagreed. " * 5
    assert repair_text(text).text == text


@pytest.mark.parametrize(("lossy", "fixed"), [
    ("I dont know why it doesnt work.", "I don’t know why it doesn’t work."),
    ("They said theyre sure youre right and it isnt over.",
     "They said they’re sure you’re right and it isn’t over."),
    ("Its a long way, and I think its not over.", "It’s a long way, and I think it’s not over."),
    ("She said Ill be there and Ive seen it.", "She said I’ll be there and I’ve seen it."),
])
def test_contractions(lossy, fixed):
    assert repair_text(lossy).text == fixed


def test_ambiguous_contractions_need_context():
    text = "They were late. We dont know. The shell was empty and the well was dry. I cant go."
    result = repair_text(text)
    assert "They were late" in result.text
    assert "The shell was" in result.text and "the well was" in result.text
    assert "don’t" in result.text and "can’t" in result.text


def test_style_options():
    text = "We dont think Kyivs defense is a membershipa point, said talks with Kyiv."
    typo = repair_text(text, style="typographic").text
    ascii_ = repair_text(text, style="ascii").text
    assert "don’t" in typo and "Kyiv’s" in typo and "membership—a" in typo
    assert "don't" in ascii_ and "Kyiv's" in ascii_ and "membership--a" in ascii_
    assert repair_text(text).text == typo  # auto: the dropped marks were non-ASCII
    with pytest.raises(ValueError):
        repair_text(text, style="fancy")


def test_auto_style_reuses_documents_own_mark():
    text = "The modifierʼs use is rare. " + "We dont know, and they didnt say. " * 3
    assert "donʼt" in repair_text(text).text


def test_run_level_stems_supply_names():
    text = "We dont know. Officials met Jelics lawyer near Zelenskys office and Zelenskys aide."
    alone = repair_text(text)
    stems = stem_counts(["President Zelensky spoke.", "Zelensky’s aide said so.", "Jelić won."])
    assert stems["Zelensky"] == 2 and stems["Jelić"] == 1
    helped = repair_text(text, stems=stems)
    assert "Zelensky’s office" in helped.text
    assert "Zelensky’s office" not in alone.text


def test_real_lossy_fixtures_against_gold():
    lossy_dir, gold_dir = LOSSY / "lossy", LOSSY / "gold"
    texts = {p.name: p.read_text(encoding="utf-8") for p in lossy_dir.glob("*.txt")}
    stems = stem_counts(texts.values())
    out = pathlib.Path(__file__).parent / ".." / ".pytest_cache" / "lossy-pred"
    out.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        result = repair_text(text, stems=stems)
        assert undo(result) == text
        (out / name).write_text(result.text, encoding="utf-8")
    r = lossy_score.score(out, gold_dir, lossy_dir, ("apostrophe", "dash-fused"))
    assert r["precision"] == 1.0, r
    assert r["recall"] >= 0.6, r
    clean = [(gold_dir / n).read_text(encoding="utf-8") for n in texts]
    assert sum(len(repair_text(t).repairs) for t in clean) == 0


def test_clean_text_that_kept_its_typography_is_returned_as_is():
    """Speed on such text is measured by benchmarks/lossy.py (timing is never a unit test)."""
    text = (LOSSY / "gold").glob("*.txt").__next__().read_text(encoding="utf-8")
    result = repair_text(text)
    assert result.text == text and result.repairs == [] and result.flags == []


def test_slot_evidence_in_lossy_documents():
    text = ("We dont know why the states new slogan failed. Its impossible to say. Lets see. "
            "The states agreed and the presidents met. If prices rose, wed be fine. "
            "Were on it, they said. It lets you go, and both states said last years budget "
            "was the one the leaders of the states wanted.")
    out = repair_text(text).text
    for want in ("the state’s new slogan", "It’s impossible to", "Let’s see", "we’d be",
                 "We’re on it", "last year’s budget"):
        assert want in out
    for kept in ("The states agreed", "the presidents met", "It lets you", "both states said",
                 "of the states wanted"):
        assert kept in out


def test_slot_evidence_needs_a_lossy_document():
    text = "Putin's aide said the states new rules and its impossible tone were noted. " * 3
    assert repair_text(text).text == text


def test_document_evidence_in_lossy_documents():
    text = ("We dont know. Then Apple sold phones, and Apple said so, as Apple did before "
            "and Apple will again, though Apple wants more. So Apples new phone sold, and "
            "then Apples MacBook team met. Eat 6090 minutes before it, and eat every 23 "
            "hours after. The firms 2016s results and the states $2 billion fund grew. "
            "A thousand teachers and many new teachers came, and the teachers unions spoke.")
    out = repair_text(text).text
    for want in ("Apple’s new phone", "Apple’s MacBook", "60–90 minutes", "2–3 hours",
                 "2016’s results", "the state’s $2 billion"):
        assert want in out, want
    assert "the teachers unions" in out


def test_its_predicates_and_possessive_slots():
    text = ("We dont know why. Whether its due to rain, and its instead been dubbed a fad, "
            "nobody says; as Colorado its impossible to cross. The farm that cant hire "
            "anyone lost its own way. Above that moons icy crust, the Syrian defense "
            "ministrys claim is odd, and the socialist leaders supporters and peoples "
            "inability to pay mattered. Its French arm and its electric car stayed.")
    out = repair_text(text).text
    for want in ("it’s due to", "it’s instead been", "Colorado it’s impossible", "can’t hire",
                 "that moon’s icy", "ministry’s claim", "leader’s supporters",
                 "people’s inability"):
        assert want in out, want
    for kept in ("its own way", "Its French arm", "its electric car"):
        assert kept in out, kept


def test_no_fused_dash_before_modal_and_past_form():
    text = "We dont know. The adscan just went up, but the rule didnt change. " * 2
    assert "adscan" in repair_text(text).text


def test_accent_candidates_skip_only_words_wordfreq_does_not_know():
    """The accent prefilter (wordfreq's list) leaves the candidates as they were."""
    from copydesk import repair

    assert repair._accent_wordlist() is not None
    for word in ("cafe", "Pokemon", "resume", "naive", "Zurich", "expose", "xqzt"):
        fast = repair._accent_candidates.__wrapped__(word)
        saved = repair._accent_wordlist
        try:
            repair._accent_wordlist = lambda: None
            slow = repair._accent_candidates.__wrapped__(word)
        finally:
            repair._accent_wordlist = saved
        assert fast == slow, word


def _tokens_by_scanning(text):
    """The tokeniser as a character scan (its earlier form): ASCII alphanumeric runs, minus
    runs joined to a letter by an apostrophe, with the clause and sentence starts."""
    import re

    from copydesk import repair

    out = []
    for m in re.finditer(r"[A-Za-z0-9]+", text):
        s, e = m.span()
        if s >= 2 and text[s - 1] == "'" and text[s - 2].isalnum():
            continue
        if e + 1 < len(text) and text[e] == "'" and text[e + 1].isalnum():
            continue
        cs = repair._clause_start(text, s)
        out.append((s, e, m.group(), cs, cs and repair._sentence_start(text, s)))
    return out


def test_tokens_match_a_character_scan():
    import random

    from copydesk import repair

    pieces = list("abAB09 '’_é.\n\"$()[]:;!?-\t,") + ["  ", "don't", "x'y", "é's", "_'s"]
    rnd = random.Random(8)
    texts = ["", "don't stop", "Kyivs defense. \"Its fine\" caf\u00e9's_'s 6090 minutes"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))) for _ in range(3000)]
    for text in texts:
        got = [(t.start, t.end, t.word, t.clause_start, t.sentence_start)
               for t in repair._tokens(text)]
        assert got == _tokens_by_scanning(text), text


def _context_by_scanning(text, spans):
    """Each token's neighbours from the text around it (the tokeniser's earlier loop):
    (prev, prev2, next, next2, next_gap, mark, marked) per (start, end, word) span."""
    ctx = [dict(prev=None, prev2=None, next=None, next2=None, next_gap="", mark="", marked=None)
           for _ in spans]
    for j in range(1, len(spans)):
        (_, be, bw), (s, _, w) = spans[j - 1], spans[j]
        if s == be + 1 and text[be] == " ":
            ctx[j - 1]["next"], ctx[j]["prev"] = w, bw.lower()
        elif s == be + 2 and text[be] == " " and text[be + 1] in '"$':
            ctx[j - 1]["mark"], ctx[j - 1]["marked"] = text[be + 1], w
        if j >= 2 and ctx[j - 2]["next"]:
            ctx[j - 2]["next_gap"] = text[be:s]
            if ctx[j - 1]["next"]:
                ctx[j - 2]["next2"], ctx[j]["prev2"] = w, spans[j - 2][2].lower()
    if len(spans) >= 2 and ctx[-2]["next"]:
        ctx[-2]["next_gap"] = text[spans[-1][1]:][:1] or "\n"
    return [tuple(c.values()) for c in ctx]


def test_token_context_matches_a_scan_of_the_text():
    """The words around each token (what the slot rules read) are the words as written."""
    import random

    from copydesk import repair

    pieces = list("abAB09 '’_é.\n\"$()[]:;!?-\t,") + ["  ", " \"", " $", "don't", "x'y", "é's"]
    rnd = random.Random(9)
    texts = ["", "the states $2 billion", "Epsteins \"unbecoming\" behavior. It is"]
    texts += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 40))) for _ in range(3000)]
    for text in texts:
        toks = repair._tokens(text)
        got = [(t.prev, t.prev2, t.next, t.next2, t.next_gap, t.mark, t.marked) for t in toks]
        assert got == _context_by_scanning(text, [(t.start, t.end, t.word) for t in toks]), text
