"""Punctuation repair for text that went through a lossy scraper.

A lossy scraper made curly double quotes straight, dropped every other non-ASCII character
and collapsed runs of spaces: "Kyiv’s" became "Kyivs", "membership—a point" became
"membershipa point", "café" became "caf". Each suspicious token is treated as a real text
with one character dropped. Candidates insert a character such scrapers drop (’ before a
contraction suffix, a dash between two fused words, an accented letter) and are kept only
when the evidence for the candidate (wordfreq frequency, capitalised stems seen in the
document or in the run, grammatical context) beats the token as written by a margin.

Precision first: a document is repaired only when it looks lossy (strong suspects such as
"dont" or "Kyivs" and no surviving typographic marks); real words ("States", "Weeks",
"news") are left alone unless context settles it; dashes dropped with their spaces leave no
token behind and are only flagged (``suspect-dash:<left> <right>``). Once a document is
lossy, the document itself is evidence: a token repaired as a possessive elsewhere in it is
one again in a possessive slot, a word it uses as a plural ("thousand teachers") keeps that
reading against slot evidence, and number ranges it has ("6090 minutes") make small ranges
("every 23 hours") ranges too.

Style. ``"typographic"`` restores ’ and — (– in number ranges); ``"ascii"`` restores ' and
``--`` (``-`` in ranges) and never restores accents. ``"auto"`` follows the document's own
convention for the *dropped* characters: an ASCII ' that survived in a lossy document
("Putin's") was ASCII in the source — the scraper kept it — so it says nothing about the
characters that were dropped, which were non-ASCII by construction. Auto therefore restores
the typographic character, unless the document still shows a non-ASCII apostrophe or dash of
its own (e.g. ʼ or –), which is then reused.
"""

from __future__ import annotations

import collections
import collections.abc
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from wordfreq import zipf_frequency

from copydesk.document import Repair

__all__ = ["RepairResult", "repair_text", "stem_counts"]

STYLES = ("auto", "ascii", "typographic")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_UWORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_IN_WORD_APOS = re.compile(r"[A-Za-z]'[A-Za-z]")
_TYPO_APOS = "’ʼ"
_TYPO_DASH = "—–"
_APOS = "\0"  # placeholder for the apostrophe chosen by style
_BOUNDARY = set('.!?:;"()[]\n')


@dataclass
class RepairResult:
    """Repaired text, the reversible repairs made, and flags raised."""

    text: str
    repairs: list[Repair] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Tok:
    start: int
    end: int
    word: str
    prev: str | None  # previous word (lowercase) when only spaces separate them
    next: str | None  # next word (as written) when only a space separates them
    clause_start: bool  # at the start of a sentence, line or quote
    sentence_start: bool = False  # after . ! ? or a line break (and maybe an opening quote)
    prev2: str | None = None  # the word before `prev` (lowercase), spaces only between
    next2: str | None = None  # the word after `next` (as written), spaces only between
    next_gap: str = ""  # what separates `next` from the word after it
    mark: str = ""  # '"' or '$' when the next word follows after " or $ ("the states $2")
    marked: str | None = None  # that next word


@dataclass(slots=True)
class _Edit:
    start: int
    end: int
    new: str
    kind: str
    evidence: str
    strong: bool  # strong enough on its own to show the document is lossy
    slot: bool = False  # from slot evidence alone (the document being lossy)


@cache
def _rules() -> dict[str, Any]:
    path = resources.files("copydesk") / "rules" / "repair.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    grammar = rules["grammar"]
    rules["sets"] = {k: frozenset(v) for k, v in grammar.items()}
    rules["sets"]["function_words"] = frozenset().union(
        *(rules["sets"][k] for k in ("determiners", "prepositions", "conjunctions",
                                     "pronouns", "auxiliaries"))
    )
    rules["range"]["unit_set"] = frozenset(rules["range"]["units"])
    return rules


@lru_cache(maxsize=200_000)
def _z(word: str) -> float:
    """Cached wordfreq Zipf frequency of a word (case-insensitive)."""
    return zipf_frequency(word.lower(), "en")


# ---------------------------------------------------------------- tokens and evidence


# An ASCII alphanumeric run that is no part of a word already holding an apostrophe: not
# after letter-apostrophe ("don't" → no "t"), not before apostrophe-letter (no "don"); the
# lookarounds on [A-Za-z0-9] keep the run whole, so a run is kept or skipped entirely.
_KEPT_TOKEN = re.compile(r"(?<![A-Za-z0-9])(?<![^\W_]')[A-Za-z0-9]+(?![A-Za-z0-9])(?!'[^\W_])")
_KEPT_SPLIT = re.compile(f"({_KEPT_TOKEN.pattern})")  # text and kept tokens, alternating


class _Stream:
    """A text's kept tokens as words, their starts and the text between them (``gaps[i]``
    before ``words[i]``, ``gaps[-1]`` after the last word), in a few C-level passes. A
    ``_Tok`` with its context is built on demand: the first pass needs one only for the
    few words an edit may come from; a lossy document needs them all (``tokens``)."""

    def __init__(self, text: str) -> None:
        parts = _KEPT_SPLIT.split(text)
        self.text = text
        self.words, self.gaps = parts[1::2], parts[0::2]
        self.starts = list(itertools.accumulate(map(len, parts)))[0:-1:2]
        self._all: list[_Tok] | None = None

    def clause_start(self, i: int) -> bool:
        """Only spaces between token ``i`` and the text's start or a boundary (``_clause_start``)."""
        before = self.gaps[i].rstrip(" ")
        return before[-1] in _BOUNDARY if before else i == 0

    def tok(self, i: int) -> _Tok:
        """Token ``i`` with its neighbours: words joined by one space, or by ' "' / ' $'."""
        words, gaps, n = self.words, self.gaps, len(self.words)
        word, start = words[i], self.starts[i]
        tok = _Tok(start, start + len(word), word, None, None, False)
        if i and gaps[i] == " ":
            tok.prev = words[i - 1].lower()
            if i > 1 and gaps[i - 1] == " ":
                tok.prev2 = words[i - 2].lower()
        after = gaps[i + 1]
        if i + 1 < n and after == " ":
            tok.next = words[i + 1]
            if i + 2 < n:
                tok.next_gap = gaps[i + 2]
                if tok.next_gap == " ":
                    tok.next2 = words[i + 2]
            else:
                tok.next_gap = gaps[-1][:1] or "\n"
        elif i + 1 < n and after in (' "', " $"):
            tok.mark, tok.marked = after[1], words[i + 1]
        if self.clause_start(i):
            tok.clause_start, tok.sentence_start = True, _sentence_start(self.text, start)
        return tok

    @property
    def tokens(self) -> list[_Tok]:
        """Every token (built once)."""
        if self._all is None:
            self._all = [self.tok(i) for i in range(len(self.words))]
        return self._all


def _tokens(text: str) -> list[_Tok]:
    """ASCII alphanumeric tokens, skipping parts of words that already hold an apostrophe."""
    return _Stream(text).tokens


def _clause_start(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    return i < 0 or text[i] in _BOUNDARY


def _sentence_start(text: str, start: int) -> bool:
    """Only spaces, perhaps an opening quote, and . ! ? or a line break before `start`."""
    i = start - 1
    while i >= 0 and text[i] == " ":
        i -= 1
    if i >= 0 and text[i] == '"':
        i -= 1
        if i >= 0 and not text[i].isspace():
            return False
        while i >= 0 and text[i] == " ":
            i -= 1
    return i < 0 or text[i] in ".!?\n"


def _typographic_count(text: str) -> int:
    """Non-ASCII marks a lossy scraper would have dropped: curly apostrophes, dashes, accents."""
    n = sum(text.count(c) for c in _TYPO_APOS + _TYPO_DASH + "‘")
    return n + len(_NON_ASCII_LETTER.findall(text))


_NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")


def _typographic_at_least(text: str, n: int) -> bool:
    """``_typographic_count(text) >= n``, counting letters only until n is reached."""
    have = sum(text.count(c) for c in _TYPO_APOS + _TYPO_DASH + "‘")
    if have >= n:
        return True
    for _ in _NON_ASCII_LETTER.finditer(text):
        have += 1
        if have >= n:
            return True
    return False


def _doc_stems(stream: _Stream) -> collections.Counter[str]:
    """Capitalised words used mid-sentence in this document."""
    return collections.Counter(w for i, w in enumerate(stream.words)
                               if w[0].isupper() and not stream.clause_start(i))


# ---------------------------------------------------------------- apostrophes


def _apostrophe_edit(
    tok: _Tok,
    names: collections.abc.Callable[[str], int],
    lossy: bool = False,
    slot_only: bool = False,
) -> _Edit | None:
    """Best ’-insertion for a token (possessive or contraction), or None. ``lossy``: the
    document is known to be lossy, so slot evidence alone may settle a real word;
    ``slot_only``: word evidence is known to have found nothing for this token."""
    w = tok.word
    splits = _apostrophe_splits(w)
    if not splits:
        return None
    r, sets = _rules()["apostrophe"], _rules()["sets"]
    zt = _z(w)
    best: tuple[float, _Edit] | None = None
    for stem, suf in splits:
        edit = None if slot_only else _score_apostrophe(tok, stem, suf, zt, names, r, sets)
        if edit is None and lossy:
            edit = _slot_apostrophe(tok, stem, suf, zt, names)
        if edit and (best is None or edit[0] > best[0]):
            best = edit
    return best[1] if best else None


@lru_cache(maxsize=50_000)
def _apostrophe_splits(w: str) -> tuple[tuple[str, str], ...]:
    """(stem, suffix) pairs a dropped ’ could separate in `w` ("dont" → ("don", "t"))."""
    if not w.isalpha() or len(w) < 2:
        return ()
    out = []
    low = w.lower()
    for suf in _rules()["apostrophe"]["suffixes"]:
        stem = w[: -len(suf)]
        if not low.endswith(suf) or len(stem) < (2 if suf == "s" else 1):
            continue
        if suf == "t" and not stem.endswith("n"):
            continue
        if suf == "t":  # n't: the apostrophe goes before the t
            out.append((w[:-1], w[-1]))
        else:
            out.append((stem, w[-len(suf) :]))
    return tuple(out)


@lru_cache(maxsize=50_000)
def _word_splits(w: str) -> tuple[tuple[str, str], ...]:
    """The splits of `w` word evidence may support (``_score_apostrophe``): the candidate is
    common enough on its own, or a capitalised X’s whose stem the document or run may use
    as a name. For any other split word evidence finds nothing, whatever the context."""
    least = _rules()["words"]["candidate_min"]
    return tuple((stem, suf) for stem, suf in _apostrophe_splits(w)
                 if _z(f"{stem}'{suf}") >= least or _name_possessive(stem, suf))


def _name_possessive(stem: str, suf: str) -> bool:
    """Could stem’s be a name's possessive (name evidence: ``names(stem)``)?"""
    return suf.lower() == "s" and stem[0].isupper()


def _score_apostrophe(
    tok: _Tok,
    stem: str,
    suf: str,
    zt: float,
    names: collections.abc.Callable[[str], int],
    r: dict[str, Any],
    sets: dict[str, frozenset[str]],
) -> tuple[float, _Edit] | None:
    """Evidence for stem’suf against the token as written."""
    words = _rules()["words"]
    zc = zd = _z(f"{stem}'{suf}")
    n_name = names(stem) if _name_possessive(stem, suf) else 0
    if n_name and (zt < r["name_written_max"] or zt < _z(stem) - r["name_plural_gap"]) and (
        _noun_follows(tok, sets)
    ):
        zc = max(zc, r["name_base"] + r["name_per_doubling"] * math.log2(n_name))
    if zc < words["candidate_min"]:
        return None
    contraction = suf.lower() != "s" or stem.lower() in sets["contraction_stems"]
    score = zc - zt + _context_bonus(tok, contraction, r, sets)
    if zt >= words["real_word"] and not (contraction and tok.word.lower() not in sets["colliding"]):
        noun_slot = (tok.prev or "") in sets["determiners"] | sets["prepositions"]
        ok = _real_word_context(tok, stem, suf, contraction, sets) or (
            score >= r["margin_real"] and not (contraction and noun_slot)
        )
    else:
        ok = score >= r["margin"]
    if not ok:
        return None
    kind = "contraction" if contraction else "apostrophe"
    strong = score >= r["strong_margin"] and (zc == zd or zt < 1.0)
    if zc == zd:  # the evidence is the candidate's own frequency (it beats or ties a name's)
        why = f"'{stem}'{suf}' zipf {zc:.1f} vs '{tok.word}' {zt:.1f}"
    else:
        why = f"stem '{stem}' ×{n_name} in document/run; '{tok.word.lower()}' {zt:.1f}"
    return score, _Edit(tok.start, tok.end, f"{stem}{_APOS}{suf}", kind, why, strong)


def _slot_apostrophe(
    tok: _Tok, stem: str, suf: str, zt: float, names: collections.abc.Callable[[str], int]
) -> tuple[float, _Edit] | None:
    """In a lossy document, the grammatical slot decides what frequency alone cannot:
    "the states new slogan" (a plural never takes a noun phrase after "the X-s"),
    "Zuckers empty-net goal" (no such plural), "its impossible to" (no noun to own)."""
    if suf.lower() != "s":
        why = _colliding_contraction(tok, stem, suf, zt)
        if why is None:
            return None
        return 0.0, _Edit(tok.start, tok.end, f"{stem}{_APOS}{suf}", "contraction", why, False,
                          True)
    why = _possessive_slot(tok, stem, zt, names) or _its_subject(tok) or _lets(tok)
    if why is None:
        return None
    kind = "contraction" if stem.lower() in _rules()["sets"]["contraction_stems"] else "apostrophe"
    return 0.0, _Edit(tok.start, tok.end, f"{stem}{_APOS}{suf}", kind, why, False, True)


def _possessive_slot(
    tok: _Tok, stem: str, zt: float, names: collections.abc.Callable[[str], int]
) -> str | None:
    """Evidence that X-s is the possessive X’s from the words around it, or None."""
    r, sets = _rules()["slot"], _rules()["sets"]
    if stem.lower() in sets["contraction_stems"] or tok.word.lower() in sets["function_words"]:
        return None
    nxt, upper = tok.next, False
    if nxt is None and tok.marked and (tok.mark == "$" or tok.marked[0].islower()):
        nxt = tok.mark + tok.marked  # "the states $2 billion", "Epsteins "unbecoming" behavior"
    elif _np_start(nxt, tok.next_gap):
        upper = nxt[0].isupper()
    elif nxt is None and stem[0].isupper() and stem.isalpha():
        zc = _z(f"{stem}'s")  # "Ford, Macys, Kelloggs, NBC": a name's possessive, no noun
        if zc >= r["alone_candidate_min"] and zc - zt >= r["alone_gap"]:
            return f"'{stem}'s' {zc:.1f} far commoner than '{tok.word}' {zt:.1f}"
        return None
    else:
        return None
    zc = _z(f"{stem}'s")
    if _plural_marked(tok, sets):
        return None
    if zc >= r["det_candidate_min"] and zc - zt >= r["common_gap"] and (
        not upper or stem[0].isupper()
    ):  # "peoples inability", "Americas existential": the possessive is the commoner word
        return f"'{stem}'s' {zc:.1f} commoner than '{tok.word}' {zt:.1f}; '{nxt}' follows"
    if zt < r["nonword_max"] and _z(stem) >= r["nonword_stem_min"] and stem.isalpha():
        return f"'{tok.word}' no word ({zt:.1f}), '{stem}' is ({_z(stem):.1f}); '{nxt}' follows"
    if stem[0].islower():
        det = _singular_slot(tok, sets) or _modified_slot(tok, nxt, sets)
        if det is None or upper and det not in sets["time_determiners"]:
            return None
        if zc < r["det_candidate_min"] or zc - zt < r["det_gap"]:
            return None
        return f"'{det} {tok.word} {nxt}': a noun phrase follows; " \
            f"'{stem}'s' {zc:.1f} vs '{tok.word}' {zt:.1f}"
    if tok.prev == "the":
        return None
    if zt >= r["name_written_max"]:
        n = names(stem)
        if n < r["name_doc_min"] or zc < zt - r["name_doc_gap"] or tok.clause_start:
            return None
        return f"stem '{stem}' ×{n} in document/run; '{tok.word}' ({zt:.1f}) before '{nxt}'"
    zs = _z(stem)
    if upper and (zs < r["name_cap_stem_min"] or zt > zs - r["name_cap_gap"]):
        return None
    if zs < r["name_stem_min"] and not names(stem):
        return None
    return f"'{tok.word}' no plural ({zt:.1f}) before the noun phrase '{nxt}'"


def _singular_slot(tok: _Tok, sets: dict[str, frozenset[str]]) -> str | None:
    """The words before X-s that want a singular noun or a possessive: "the/a/this X-s",
    "last X-s" with no determiner before it, "that X-s" after a preposition; None
    otherwise."""
    singular = sets["singular_determiners"] | {"the"}
    if tok.prev in singular:
        return tok.prev
    if tok.prev == "that" and tok.prev2 in sets["prepositions"]:
        return tok.prev  # "above that moons icy crust": after a preposition, a determiner
    if tok.prev in sets["time_determiners"] and tok.prev2 not in sets["determiners"]:
        return tok.prev
    return None


def _modified_slot(tok: _Tok, nxt: str, sets: dict[str, frozenset[str]]) -> str | None:
    """"the socialist leaders supporters", "the defense ministrys claim is": a modifier
    between the determiner and X-s. A plural X-s would be the subject, and what follows
    it its verb; so the next word must be no verb a plural subject takes: a plural noun
    (-s), money, a quote or number, or a noun followed by a singular verb."""
    if tok.prev2 not in sets["singular_determiners"] | {"the"} or not tok.prev:
        return None
    if tok.prev in sets["function_words"] or tok.prev in sets["quantifiers"] or (
        tok.prev in sets["modifiers"] or tok.prev.endswith(("ed", "ing", "ly"))
    ):
        return None
    w = nxt.lower()
    plural_noun = w.endswith("s") and not w.endswith(("ss", "us", "is")) and len(w) > 3
    singular_verb = tok.next_gap == " " and (tok.next2 or "") in ("is", "was", "has", "does")
    if nxt[0] in '"$' or nxt[0].isdigit() or plural_noun or singular_verb:
        return f"{tok.prev2} {tok.prev}"
    return None


def _colliding_contraction(tok: _Tok, stem: str, suf: str, zt: float) -> str | None:
    """In a lossy document: "Were on it" (a clause opening on "were" with no subject after
    it), "wed be"/"Id expect" (d-forms before a word), "well be" (ll-forms before a bare
    verb-phrase word), "neednt" (n't forms rare even as written)."""
    r, sets = _rules()["slot"], _rules()["sets"]
    w, nxt = tok.word.lower(), (tok.next or "").lower()
    if suf == "t" and w in ("cant", "wont") and nxt.isalpha() and tok.next.islower() and (
        nxt not in sets["function_words"] | sets["prepositions"]
    ):
        return f"'{tok.word} {nxt}': '{w}' before a word that is no function word"
    if suf == "t":
        return f"'{w}' no word ({zt:.1f}); n't form" if zt < 1.0 and _z(
            f"{stem}'t") >= r["nt_candidate_min"] else None
    if not nxt.isalpha() or not tok.next.islower():
        return None
    opens = tok.clause_start or tok.prev is None or tok.prev in sets["conjunctions"]
    subject = sets["pronouns"] | sets["determiners"]
    if w == "were" and tok.sentence_start and nxt not in subject and nxt not in sets["adverbs"]:
        return f"'{tok.word} {nxt}': a clause opens on 'were' with no subject after it"
    if w in ("wed", "id") and opens and nxt not in subject:
        return f"'{tok.word} {nxt}': '{w}' opens a clause"
    if suf.lower() == "ll" and w in sets["colliding"] and opens and nxt in sets["after_will"]:
        return f"'{tok.word} {nxt}': '{nxt}' follows 'will'"
    return None


def _lets(tok: _Tok) -> str | None:
    """"Lets see" → "Let’s see": a sentence never opens on the verb "lets"."""
    nxt, sets = tok.next or "", _rules()["sets"]
    if tok.word != "Lets" or not tok.clause_start or not nxt.isalpha() or not nxt.islower():
        return None
    if nxt in sets["pronouns"] | sets["determiners"] or nxt in ("us", "them", "me", "him"):
        return None
    return f"'Lets {nxt}' opens a sentence"


@lru_cache(maxsize=50_000)
def _np_start(word: str | None, gap: str) -> bool:
    """`word` can open a noun phrase (noun, adjective, number) and is no verb, adverb or
    function word by its form: what follows a possessive but not a plural subject."""
    if not word:
        return False
    if word.isdigit():
        return True
    w, sets = word.lower(), _rules()["sets"]
    if not word.isalpha() or word.isupper() and len(word) > 1:
        return False
    if any(w in sets[k] for k in ("function_words", "particles", "irregular_past", "adverbs")):
        return False
    if len(w) > 4 and w.endswith(("ed", "ly")):
        return False
    return not (w.endswith("nt") and _z(f"{w[:-1]}'t") > _z(w))  # "dont", "cant"


def _its_subject(tok: _Tok) -> str | None:
    """"its impossible to" → it’s: "its" opens a clause and the next word is an adjective
    or participle (it has no plural) with no noun after it, or an adverb before one; or
    the next word is an adverb that never stands between a possessive and its noun
    ("its instead been", "that its quite arid")."""
    r, sets = _rules()["slot"], _rules()["sets"]
    if tok.word.lower() != "its" or not tok.next or not tok.next.isalpha():
        return None
    opens = tok.clause_start or tok.prev is None or tok.prev in sets["conjunctions"]
    w1, w2 = tok.next.lower(), (tok.next2 or "").lower()
    if not tok.next.islower() or w1 in sets["function_words"] or w1.endswith("s"):
        return None
    if opens and w1 in sets["predicate_adverbs"]:
        return f"'its {w1}': '{w1}' never follows a possessive"
    ends = any(c in ".;:!?" for c in tok.next_gap)
    opener = tok.next_gap == " " and w2 in ("to", "that")
    closes = ends or (tok.next_gap == " " and w2 in sets["clause_openers"])
    if not opens and not (opener and tok.prev not in sets["prepositions"] | sets[
        "determiners"] | sets["auxiliaries"]):
        return None  # "as Colorado its impossible to": an adjective before to/that
    adverb = w1.endswith("ly") and _z(w1[:-2]) >= r["its_adverb_stem_min"] and len(w1) > 5
    if adverb and (closes or w2.endswith(("ing", "ed"))):
        return f"'its {w1} {w2}': an adverb opens the predicate"
    if not closes:
        return None
    if w1 in sets["predicate_adjectives"]:
        return f"'its {w1} {w2 or tok.next_gap.strip()}': a predicate adjective"
    if any(w1.endswith(x) and len(w1) - len(x) >= 3 for x in r["noun_suffixes"]):
        return None
    plural = max(_z(w1 + "s"), _z(w1 + "es"), _z(w1[:-1] + "ies") if w1.endswith("y") else 0)
    if plural > _z(w1) - r["its_plural_gap"]:
        return None
    return f"'its {w1}' then '{w2 or tok.next_gap.strip()}': '{w1}' has no plural, so no noun"


def _noun_follows(tok: _Tok, sets: dict[str, frozenset[str]]) -> bool:
    """A lowercase content word follows, as after a possessive ("Kyiv’s defense")."""
    nxt = (tok.next or "").lower()
    if not nxt.isalpha():
        return False
    return not any(nxt in sets[k] for k in ("prepositions", "conjunctions", "auxiliaries",
                                            "determiners", "pronouns"))


def _context_bonus(
    tok: _Tok, contraction: bool, r: dict[str, Any], sets: dict[str, frozenset[str]]
) -> float:
    """Possessives want a following word and take singular determiners before them."""
    if contraction:
        return 0.0
    bonus = 0.0
    if tok.prev in sets["singular_determiners"]:
        bonus += r["singular_det_bonus"]
    nxt = (tok.next or "").lower()
    if not nxt or nxt in sets["prepositions"] or nxt in sets["conjunctions"] or (
        nxt in sets["auxiliaries"]
    ):
        bonus -= r["function_next_penalty"]
    return bonus


def _real_word_context(
    tok: _Tok, stem: str, suf: str, contraction: bool, sets: dict[str, frozenset[str]]
) -> bool:
    """Context that turns a real word into a contraction: "its a", "because were going"."""
    if not contraction or stem.lower() not in sets["contraction_stems"]:
        return False
    if stem == "I" and not tok.clause_start and tok.next:  # "Ill", "Id" mid-sentence: I’ll
        return True
    nxt = (tok.next or "").lower()
    prev = tok.prev
    opens = tok.clause_start or prev in sets["conjunctions"]
    predicate = nxt in sets["predicate_next"] or (len(nxt) > 4 and nxt.endswith("ing"))
    if prev in sets["prepositions"] or prev in sets["determiners"] or not nxt:
        return False
    if suf.lower() == "s":  # it's / he's / let's: no possessive precedes these
        if nxt in sets["determiners"] or nxt in sets["predicate_strong"]:
            return True
        return predicate and (opens or prev is None)
    return bool(nxt) and opens and predicate and nxt not in sets["determiners"]


# ---------------------------------------------------------------- dashes and accents


def _in_url(tok: _Tok, text: str) -> bool:
    """Part of a domain, path or e-mail address."""
    before, after = text[max(0, tok.start - 1) : tok.start], text[tok.end : tok.end + 1]
    return before in ("." , "/", "@", "_") or after in (".", "/", "@", "_") and (
        text[tok.end + 1 : tok.end + 2].isalnum()
    )


def _dash_edit(
    tok: _Tok, dash: str, names: collections.abc.Callable[[str], int], text: str
) -> _Edit | None:
    """Split a non-word into two words fused by a dropped dash ("membershipa" → membership—a)."""
    w, d, sets = tok.word, _rules()["dash"], _rules()["sets"]
    if len(w) < 4 or not w.islower() or names(w) or _in_url(tok, text):
        return None
    zt = _z(w)
    if zt >= d["written_max"]:
        return None
    function = sets["determiners"] | sets["pronouns"] | sets["conjunctions"] | sets[
        "auxiliaries"
    ] | (sets["prepositions"] - sets["particles"])
    splits = []
    for i in range(1, len(w)):
        left, right = w[:i], w[i:]
        if len(left) < 3 or (len(right) == 1 and right != "a") or right not in function:
            continue
        zl, zr = _z(left), _z(right)
        if min(zl, zr) >= d["part_min"]:
            splits.append((min(zl, zr), left, right))
    if not splits:
        return None
    splits.sort(reverse=True)
    top, left, right = splits[0]
    if right in sets["modals"]:  # "adscan just went": a modal wants a bare verb after it
        verb = (tok.next or "").lower()
        if verb in sets["adverbs"]:
            verb = (tok.next2 or "").lower()
        if verb in sets["irregular_past"] or len(verb) > 4 and verb.endswith("ed"):
            return None
    if top - zt < d["margin"] or (len(splits) > 1 and top - splits[1][0] < d["runner_up_gap"]):
        return None
    why = (
        f"'{w.lower()}' not a word ({zt:.1f}); '{left}' {_z(left):.1f} + '{right}' {_z(right):.1f}"
    )
    return _Edit(tok.start, tok.end, f"{left}{dash}{right}", "dash", why, True)


def _range_edit(tok: _Tok, dash: str) -> _Edit | None:
    """"6090 minutes" → "60–90 minutes": a rising pair of round numbers before a unit."""
    w, r = tok.word, _rules()["range"]
    if not (w.isdigit() and len(w) == 4 and (tok.next or "").lower() in r["unit_set"]):
        return None
    a, b = int(w[:2]), int(w[2:])
    if w[2] == "0" or not (0 < a < b) or a % r["round"] or b % r["round"]:
        return None
    why = f"{a} < {b}, both round, before the unit '{tok.next}'"
    return _Edit(tok.start, tok.end, f"{w[:2]}{dash}{w[2:]}", "dash", why, False)


def _accent_edit(tok: _Tok, stems: collections.abc.Mapping[str, int]) -> _Edit | None:
    """Restore one dropped accented letter when the accented word is known and the token not."""
    w, a = tok.word, _rules()["accent"]
    if len(w) < 3 or not w.isalpha():
        return None
    zt = _z(w)
    if zt >= a["written_max"]:
        return None
    found = [(stems.get(c, 0), zc, c) for c, zc in _accent_candidates(w)]
    common = {c for _, _, c in found}
    found += [(n, _z(c), c) for c, n in _accented_stems(stems).get(w, {}).items()
              if c not in common]
    if len(found) != 1 and not (found and max(found)[0] > 0):
        return None
    n, zc, cand = max(found)
    why = f"'{cand}' ×{n} in run" if n else f"'{cand}' zipf {zc:.1f} vs '{w}' {zt:.1f}"
    return _Edit(tok.start, tok.end, cand, "accent", why, zc >= a["candidate_min"])


@cache
def _accent_wordlist() -> collections.abc.Container[str] | None:
    """wordfreq's English word list, when a word with one accented letter inserted is always
    the single token ``word.lower().casefold()`` to wordfreq (checked for every letter): then a
    candidate missing from it has zipf 0 and need not be looked up. None otherwise."""
    from wordfreq import get_frequency_dict, lossy_tokenize

    for ch in _rules()["accent"]["letters"]:
        for word in (f"Ab{ch}cd", f"{ch}abc", f"abc{ch}"):
            if lossy_tokenize(word.lower(), "en") != [word.lower().casefold()]:
                return None
    if _rules()["accent"]["candidate_min"] <= 0:
        return None
    return get_frequency_dict("en", "best")


@lru_cache(maxsize=20_000)
def _accent_candidates(w: str) -> tuple[tuple[str, float], ...]:
    """`w` with one accented letter inserted, common enough and far more common than `w`."""
    a, zt = _rules()["accent"], _z(w)
    known = _accent_wordlist()
    out = []
    for i in range(len(w) + 1):
        for ch in a["letters"]:
            cand = w[:i] + ch + w[i:]
            if known is not None and cand.lower().casefold() not in known:
                continue  # not in wordfreq's list: zipf 0, below candidate_min
            zc = _z(cand)
            if zc >= a["candidate_min"] and zc - zt >= a["margin"]:
                out.append((cand, zc))
    return tuple(out)


_ACCENTED: list[Any] = [None, -1, {}]  # run stems last indexed, their size, the index


def _accented_stems(stems: collections.abc.Mapping[str, int]) -> dict[str, dict[str, int]]:
    """Run stems with one accented letter, by their spelling without it ("Jeli" → Jelić)."""
    if _ACCENTED[0] is stems and _ACCENTED[1] == len(stems):
        return _ACCENTED[2]
    letters = _rules()["accent"]["letters"]
    index: dict[str, dict[str, int]] = {}
    for word, n in stems.items():
        if word.isascii() or not n:
            continue
        for i, ch in enumerate(word):
            rest = word[:i] + word[i + 1 :]
            if ch in letters and rest.isascii():
                index.setdefault(rest, {})[word] = n
    _ACCENTED[:] = [stems, len(stems), index]
    return index


# ---------------------------------------------------------------- spaced dashes (flags only)


def _suspect_dashes(toks: list[_Tok]) -> list[str]:
    """Places where a spaced dash was probably dropped: det NOUN ADJ noun ("a compromise
    significant work"): English rarely puts an attributive-looking adjective after a noun."""
    sets, suffixes = _rules()["sets"], tuple(_rules()["spaced_dash"]["adjective_suffixes"])
    function = sets["determiners"] | sets["prepositions"] | sets["conjunctions"] | (
        sets["auxiliaries"] | sets["pronouns"]
    )
    flags = []
    for i in range(1, len(toks) - 2):
        det, noun, adj, after = toks[i - 1], toks[i], toks[i + 1], toks[i + 2]
        if det.word.lower() not in ("a", "an", "the") or noun.prev is None or adj.prev is None:
            continue
        if after.prev is None or not all(t.word.isalpha() and t.word.islower()
                                         for t in (noun, adj, after)):
            continue
        if noun.word.endswith(suffixes) or not adj.word.endswith(suffixes):
            continue
        if noun.word in sets["modifiers"] or after.word in function or adj.word in function:
            continue
        if _z(adj.word) < 3.0:
            continue
        flags.append(f"suspect-dash:{noun.word} {adj.word}")
    return flags


# ---------------------------------------------------------------- style and application


def _marks(text: str, style: str) -> tuple[str, str, str]:
    """(apostrophe, fused dash, range dash) to restore in this style."""
    if style == "ascii":
        return "'", "--", "-"
    if style == "typographic":
        return "’", "—", "–"
    apos = max(_TYPO_APOS, key=text.count) if any(c in text for c in _TYPO_APOS) else "’"
    fused = "–" if text.count("–") > text.count("—") else "—"
    return apos, fused, "–"


_APOS_LAST = frozenset("stedlm")  # last letters of the contraction/possessive suffixes


@lru_cache(maxsize=50_000)
def _word_gates(w: str) -> tuple[bool, bool, bool]:
    """What word evidence may find in `w`: (a ’ split it may support, rare enough for a
    dropped dash or accent, a number for a range)."""
    rare = max(_rules()["dash"]["written_max"], _rules()["accent"]["written_max"])
    split = w[-1] in _APOS_LAST and bool(_word_splits(w))
    return split, len(w) > 2 and _z(w) < rare, w.isdigit()


def _propose(
    stream: _Stream,
    stems: collections.abc.Mapping[str, int],
    style: str,
) -> tuple[list[_Edit], collections.abc.Callable[[], list[_Edit]]]:
    """Edits from word evidence, and a function giving the edits for a document known to be
    lossy (the same edits plus slot evidence for tokens word evidence left alone). Word
    evidence looks only at words an edit can come from (a ’ split it may support, a rare
    word, a number), so a token's context is built for those alone."""
    text = stream.text
    doc = cache(lambda: _doc_stems(stream))  # counted on the first use
    apos, fused, rng = _marks(text, style)
    accents = style != "ascii"

    def names(stem: str) -> int:
        return doc().get(stem, 0) + stems.get(stem, 0)

    found: dict[int, _Edit] = {}
    for i, w in enumerate(stream.words):
        split, rare, number = _word_gates(w)
        if not (split or rare or number):
            continue
        tok, edit = stream.tok(i), None
        if split:
            edit = _apostrophe_edit(tok, names)
        if edit is None and rare:
            edit = (
                _dash_edit(tok, fused, names, text)
                or _range_edit(tok, rng)
                or (_accent_edit(tok, stems) if accents else None)
            )
        elif edit is None and number:
            edit = _range_edit(tok, rng)
        if edit:
            edit.new = edit.new.replace(_APOS, apos)
            found[tok.start] = edit

    def lossy() -> list[_Edit]:
        toks = stream.tokens
        for tok in toks:
            prior = found.get(tok.start)
            if prior is not None and prior.kind in ("apostrophe", "contraction"):
                continue
            if tok.word[-1] not in _APOS_LAST:
                continue
            edit = _apostrophe_edit(tok, names, lossy=True, slot_only=prior is None)
            if edit:
                edit.new = edit.new.replace(_APOS, apos)
                found[tok.start] = edit
        _document_evidence(toks, found, apos, rng)
        return [found[k] for k in sorted(found)]

    return list(found.values()), lossy


def _plural_marked(tok: _Tok, sets: dict[str, frozenset[str]]) -> bool:
    """A number or quantifier right before the word, or before one modifier of it
    ("thousand teachers", "many new teachers", "40 fellow teachers"): a plural."""
    plural = sets["quantifiers"] | sets["numerals"]
    if tok.prev is None:
        return False
    if tok.prev in plural or tok.prev.isdigit():
        return True
    return tok.prev not in sets["function_words"] and (
        tok.prev2 in plural or (tok.prev2 or "").isdigit()
    )


_YEAR = re.compile(r"(?:1[89]|20)\d[1-9]")


def _owner_evidence(tok: _Tok, seen: collections.Counter[str]) -> str | None:
    """X-s before a noun phrase where X-s is no word but X is: a year that ends in no 0
    ("2016s Star Trek": no decade), or a name the document also uses on its own
    ("my6senses clients" beside "my6sense")."""
    w, stem = tok.word, tok.word[:-1]
    nxt = tok.next if _np_start(tok.next, tok.next_gap) else None
    if nxt is None and tok.marked and tok.marked[0].isalnum():
        nxt = tok.mark + tok.marked
    if nxt is None:
        return None
    if _YEAR.fullmatch(stem):
        return f"'{w}': a year ending in {stem[-1]} names no decade; '{nxt}' follows"
    n = seen[stem]
    if n and _z(w) < _rules()["slot"]["nonword_max"] and not stem.isdigit():
        return f"'{w}' no word; '{stem}' ×{n} in the document; '{nxt}' follows"
    return None


def _document_evidence(
    toks: list[_Tok], found: dict[int, _Edit], apos: str, rng: str
) -> None:
    """Evidence across a lossy document, applied to ``found`` in place.

    * A token repaired as a possessive elsewhere in the document ("Apple’s" ×3) is one
      again where it stands in a possessive slot (a noun phrase, number, money or quote
      follows, no number or quantifier before it).
    * A written X-s used as a plural at least twice ("thousand teachers", "many new
      teachers") keeps that reading where only slot evidence wanted a possessive.
    * Once the document has number ranges before units ("6090 minutes" → 60–90), a pair of
      rising single digits before a unit ("every 23 hours") is a range too."""
    sets = _rules()["sets"]
    poss: collections.Counter[str] = collections.Counter()
    plural: collections.Counter[str] = collections.Counter()
    ranges = 0
    for tok in toks:
        e = found.get(tok.start)
        if e is None:
            if tok.word[-1] == "s" and _plural_marked(tok, sets):
                plural[tok.word.lower()] += 1
        elif e.kind == "apostrophe" and e.new.endswith(apos + tok.word[-1]) and not e.slot:
            poss[tok.word] += 1
        elif e.kind == "dash" and tok.word.isdigit():
            ranges += 1
    seen = collections.Counter(t.word for t in toks)
    for tok in toks:
        w = tok.word
        e = found.get(tok.start)
        if e is None and w[-1] == "s" and len(w) > 3 and not _plural_marked(tok, sets):
            why = _owner_evidence(tok, seen)
            if why:
                found[tok.start] = _Edit(tok.start, tok.end, f"{w[:-1]}{apos}s", "apostrophe",
                                         why, False, True)
                continue
        if e is not None:
            nxt = (tok.next or "").lower()
            if e.slot and plural[w.lower()] >= 2 and w[0].islower() and (
                nxt.endswith("s") and not nxt.endswith("ss")
            ):  # "the teachers unions": a plural noun before a plural noun, as elsewhere
                del found[tok.start]
            continue
        if ranges and w.isdigit() and len(w) == 2 and "0" < w[0] < w[1]:
            if (tok.next or "").lower() in _rules()["range"]["unit_set"]:
                why = f"{w[0]} < {w[1]} before '{tok.next}'; {ranges} number range(s) " \
                    "repaired in the document"
                found[tok.start] = _Edit(tok.start, tok.end, f"{w[0]}{rng}{w[1]}", "dash",
                                         why, False)
            continue
        n = poss[w]
        if not n or _plural_marked(tok, sets) or tok.prev in sets["determiners"] - {
            "the", "a", "an", "this", "that", "every", "each", "another", "either", "neither"
        }:
            continue
        nxt = tok.next if _np_start(tok.next, tok.next_gap) else None
        if nxt is None and tok.marked and tok.marked[0].isalnum():
            nxt = tok.mark + tok.marked
        if nxt is None or nxt[0].isupper() and w[0].islower():
            continue
        why = f"'{w}' repaired as a possessive ×{n} elsewhere in the document; " \
            f"'{nxt}' follows"
        found[tok.start] = _Edit(tok.start, tok.end, f"{w[:-1]}{apos}{w[-1]}", "apostrophe",
                                 why, False, True)


def _apply(text: str, edits: list[_Edit], toks: list[_Tok]) -> tuple[str, list[Repair]]:
    """Apply edits left to right; each record carries the following word for context when
    that word is not itself edited, so records stay reversible last-to-first."""
    edited = {e.start for e in edits}
    by_start = {t.start: t for t in toks}
    out, repairs, pos, shift = [], [], 0, 0
    for e in edits:
        end, tail = e.end, ""
        tok = by_start[e.start]
        nxt = tok.next
        if nxt and (e.end + 1) not in edited and text[e.end + 1 : e.end + 1 + len(nxt)] == nxt:
            tail = " " + nxt
            end = e.end + len(tail)
        out.append(text[pos : e.start])
        offset = e.start + shift
        after = e.new + tail
        out.append(after)
        repairs.append(Repair(text[e.start : end], after, e.kind, offset, e.evidence))
        shift += len(after) - (end - e.start)
        pos = end
    out.append(text[pos:])
    return "".join(out), repairs


def _looks_lossy(text: str, edits: list[_Edit], n_tokens: int) -> bool:
    """Strong suspects and (almost) no surviving typographic marks; or a text with no
    apostrophe of any kind and no typographic mark that is long enough for English prose
    to need one, or has any accepted repair at all."""
    rules = _rules()["lossy"]
    typo = _typographic_count(text)
    strong = sum(e.strong for e in edits)
    if strong >= rules["min_strong"] and strong > rules["typographic_ratio"] * typo:
        return True
    bare = typo == 0 and not _IN_WORD_APOS.search(text)
    return bare and (bool(edits) or n_tokens >= rules["bare_min_tokens"])


def repair_text(
    text: str, *, stems: collections.abc.Mapping[str, int] | None = None, style: str = "auto"
) -> RepairResult:
    """Restore characters a lossy scraper dropped; see the module docstring for the rules.

    ``stems``: run-level evidence from :func:`stem_counts` (capitalised stems, names and
    accented words seen across the run). ``style``: "auto", "ascii" or "typographic".
    """
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, not {style!r}")
    if not text.isascii() and _typographic_at_least(text, _rules()["lossy"]["typographic_exit"]):
        return RepairResult(text)  # the text kept its typography: nothing was dropped
    stream = _Stream(text)
    edits, lossy_edits = _propose(stream, stems or {}, style)
    if not _looks_lossy(text, edits, len(stream.words)):
        return RepairResult(text)
    edits = lossy_edits()
    toks = stream.tokens
    new_text, repairs = _apply(text, edits, toks)
    flags = ["lossy-text", *dict.fromkeys(_suspect_dashes(toks))]
    return RepairResult(new_text, repairs, flags)


def stem_counts(texts: Iterable[str]) -> collections.Counter[str]:
    """Run-level evidence: capitalised words used mid-sentence, stems of possessives
    ("Moscow’s" → "Moscow") and words with accented letters, counted over the documents."""
    counts: collections.Counter[str] = collections.Counter()
    for text in texts:
        for m in _UWORD.finditer(text):
            word = m.group()
            if "'" in word or "’" in word:
                stem, _, suf = word.replace("’", "'").partition("'")
                if suf.lower() == "s" and stem[:1].isupper():
                    counts[stem] += 1
                continue
            if not word.isascii() or (word[0].isupper() and not _clause_start(text, m.start())):
                counts[word] += 1
    return counts
