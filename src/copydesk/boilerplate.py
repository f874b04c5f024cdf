"""Statistical boilerplate detection for lines the explicit rules did not decide (issue 3).

Each line gets cheap, language-independent features (length, sentence punctuation, stopword
share in the document's language, capitalisation, digits/separators, link-like text, a
multilingual UI-phrase lexicon, title similarity, in-document and run-level repetition,
position relative to the densest run of prose, runs of short lines, of table rows and of
headlines, numbered sequences, list items that are sentences, runs of list items that are not,
a copyright sign). A logistic model (stage 1) turns them into P(body); a second logistic
model (stage 2) smooths that with the neighbours' scores and the article's "core", so a short
heading between paragraphs stays while a short line inside a menu goes (an ad slot between
paragraphs does not end the core: the model's ``core_gap``). A gate on document-level
evidence (UI-lexicon lines, short lines, menu-like runs) picks the regime: a whole-page dump
is scored line by line ("heavy"; should it keep little of the densest prose region, the
region stays); an extractor's output only at its edges and on UI phrases ("light",
precision first). Weights, scalers, gate and thresholds are data: ``models/boilerplate.json``,
fitted by ``benchmarks/fit_boilerplate.py``.

Categories: ``menu``, ``share``, ``related-links``, ``newsletter``, ``follow``, ``comments``,
``cookie-notice``, ``advertisement``, ``image-credit``, ``copyright``, ``promo`` (lexicon
categories, ``rules/ui_phrases.yaml``), ``repeated`` (line recurs across the run) and
``boilerplate`` (everything else the model removes).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from itertools import repeat
from operator import itemgetter

import numpy as np
import yaml

from copydesk.corpus import CorpusStats

_WORD = re.compile(r"\w+")
_END_SENTENCE = re.compile(r"[.!?。！？…][\"'”’»)\]]*\s*$")
_INNER_PUNCT = re.compile(r"[,;:.](?=\s)")
_SEPARATORS = re.compile(r"[|•›»«·/>]|\s[-–—]\s")  # reference for _n_separators
_SEPARATOR_CHARS = re.compile(r"[|•›»«·/>]")
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_LINKLIKE = re.compile(r"https?://|www\.|\.(?:com|org|net|co\.\w\w)\b|@\w|#\w")
_BULLET = re.compile(r"^\s*(?:[-–•*·▪●◦]|\d{1,2}[.)])\s+")
_LIST_NUMBER = re.compile(r"\s*(\d{1,3})[.)]\s")  # "3. ..." / "3) ...": a numbered item
_STRIP = re.compile(r"^[\W_]+|[\W_]+$")  # reference for _strip_nonword
_SENTENCE_MARKS = frozenset(".!?。！？…")  # _END_SENTENCE without a regex: _ends_sentence
_CLOSERS = "\"'”’»)]"
_DIGIT = re.compile(r"\d")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NUM_TOKEN = re.compile(r"(?<!\w)[-+$€£¥]?\d[\d,.:%]*(?!\w)")
_PUNCT = "\"'“”‘’«»()[].,;:!?-–—"
_NO_UI: tuple[None, int, bool] = (None, 0, False)
_REPEAT_PUNCT = repeat(_PUNCT)  # str.strip's second argument, for map()
_first_char = itemgetter(0)

PROSE_MIN_WORDS = 7
SHORT_LINE_WORDS = 5
HEADLINE_MAX_WORDS = 20
HEADLINE_CAPS = 0.6
UI_MAX_WORDS = 25
MIN_DOCS_FOR_DF = 20
CONTEXT_CLIP = 4.0  # stage-1 logits as evidence about other lines are clipped at +-this
EXPLAIN_TERMS = 3  # a removed line's reason names its (at most) three most negative terms
MIN_KEPT_PARAGRAPHS = 2  # page dump: fewer kept in the article region -> keep them all
# (and the model's min_kept_share of the region's prose words: keeps_too_little)

FEATURES = (
    "words", "end_punct", "colon_end", "punct_rate", "stop", "caps", "allcaps", "digits",
    "seps", "link", "bullet", "ui_start", "ui_full", "title_sim", "dup", "df", "pos",
    "in_region", "dist", "short_run", "nb_words", "between_prose", "doc_prose", "n_lines",
    "table_run", "headline_run", "list_seq", "list_sentence", "menu_list", "copyright",
)
_FEATURE_INDEX = {name: k for k, name in enumerate(FEATURES)}
STAGE2 = (
    "logit", "prev", "next", "window", "in_region", "dist", "words", "in_core", "core_dist",
    "after_core",
)


# --------------------------------------------------------------------------- data files
@lru_cache(maxsize=1)
def _stoplists() -> tuple[tuple[str, ...], dict[str, bytes], tuple[frozenset, ...]]:
    """Language names, word -> indices of the stoplists holding it (as bytes: fewer than 256
    lists, counted with one ``np.bincount``), and the stoplists."""
    import justext

    names = tuple(sorted(justext.get_stoplists()))
    lists = tuple(frozenset(justext.get_stoplist(n)) for n in names)
    assert len(names) <= 256
    index: dict[str, bytes] = {}
    for i, words in enumerate(lists):  # set operations: most words are in one list only
        mark, shared = bytes((i,)), words & index.keys()
        index.update(dict.fromkeys(words - shared, mark))
        for w in shared:
            index[w] += mark
    return names, index, lists


@lru_cache(maxsize=1)
def _ui_lexicon() -> tuple[re.Pattern[str], dict[str, str], frozenset[str]]:
    """One 'line starts with a phrase' regex, phrase -> category and the phrases' first words
    (a cheap pre-filter), from ui_phrases.yaml."""
    text = resources.files("copydesk").joinpath("rules/ui_phrases.yaml").read_text("utf-8")
    category_of: dict[str, str] = {}
    for category, phrases in yaml.safe_load(text).items():
        for phrase in phrases:
            category_of.setdefault(str(phrase).casefold(), category)
    alts = sorted(category_of, key=len, reverse=True)
    pattern = re.compile("^(?:" + "|".join(re.escape(p) for p in alts) + r")(?!\w)")
    firsts = frozenset(_first_word(p) for p in category_of)
    return pattern, category_of, firsts


def _first_word(norm: str) -> str:
    return norm.split(maxsplit=1)[0].rstrip(":|,.;!?»") if norm.strip() else ""


@lru_cache(maxsize=1)
def load_model() -> dict:
    """The fitted weights (``models/boilerplate.json``)."""
    text = resources.files("copydesk").joinpath("models/boilerplate.json").read_text("utf-8")
    return json.loads(text)


# --------------------------------------------------------------------------- features
def pick_stoplist(
    lines: list[str], sample: int = 120, words: list[list[str]] | None = None
) -> tuple[str, frozenset[str]]:
    """The stoplist (language) covering most of the document's first distinct words (whole
    lines until ``sample`` are seen). ``words``: each line's ``casefold().split()``, if known."""
    names, index, lists = _stoplists()
    seen: set[str] = set()
    for i, line in enumerate(lines):
        seen.update(words[i] if words is not None else line.casefold().split())
        if len(seen) >= sample:
            break
    hits = b"".join(filter(None, map(index.get, seen)))
    if not hits:
        best = names.index("English")
    else:  # argmax: the first of equal counts, as max() would
        best = int(np.bincount(np.frombuffer(hits, dtype=np.uint8), minlength=len(names)).argmax())
    return names[best], lists[best]


def ui_match(line: str) -> tuple[str | None, int, bool]:
    """(category, words covered, is a label) when the line starts with a UI phrase.

    A label is a phrase followed by ``:`` or ``|`` ("Read more: ...", "[Related: ...]").
    """
    norm = _strip_nonword(line.casefold())
    if not norm or norm[0].isdigit():
        return None, 0, False
    pattern, category_of, firsts = _ui_lexicon()
    # norm starts with an alphanumeric character: its first word is _first_word(norm)
    if norm.split(None, 1)[0].rstrip(":|,.;!?»") not in firsts and not _CJK.match(norm):
        return None, 0, False
    m = pattern.match(norm)
    if not m:
        return None, 0, False
    phrase = m.group(0)
    label = phrase.endswith(":") or norm[m.end():].lstrip()[:1] in (":", "|")
    return category_of[phrase], max(1, len(_WORD.findall(phrase))), label


def _strip_nonword(s: str) -> str:
    """``_STRIP.sub("", s)``: no non-alphanumeric character (``[\\W_]``) at either end."""
    if s[:1].isalnum() and s[-1:].isalnum():
        return s
    i, j = 0, len(s)
    while i < j and not s[i].isalnum():
        i += 1
    while j > i and not s[j - 1].isalnum():
        j -= 1
    return s[i:j]


def _ends_sentence(line: str) -> bool:
    """``_END_SENTENCE.search(line)``: a sentence mark, then closing quotes or brackets, then
    whitespace, at the end (marks, closers and whitespace are disjoint sets)."""
    return line.rstrip().rstrip(_CLOSERS)[-1:] in _SENTENCE_MARKS


def ui_hit(line: str) -> tuple[str | None, int]:
    """(category, words covered by the phrase) when the line starts with a UI phrase."""
    category, covered, _ = ui_match(line)
    return category, covered


def densest_region(scores: list[float]) -> tuple[int, int]:
    """Max-subarray [start, end] over line scores (the article is a contiguous region)."""
    best, best_span = -math.inf, (0, -1)
    run, start = 0.0, 0
    for i, s in enumerate(scores):
        if run <= 0:
            run, start = s, i
        else:
            run += s
        if run > best:
            best, best_span = run, (start, i)
    return best_span


@dataclass
class LineInfo:
    """Raw per-line measurements kept for explanations."""

    words: int
    prose: bool
    ui: str | None
    short_run: int
    dist: int
    df_share: float


class _Infos:
    """``LineInfo`` of line i, built on first access (only the lines explained and their
    neighbours need one; an explained line's is asked for up to three times)."""

    def __init__(self, *columns: list) -> None:
        self.columns = columns
        self.built: dict[int, LineInfo] = {}

    def __len__(self) -> int:
        return len(self.columns[0])

    def __getitem__(self, i: int) -> LineInfo:
        info = self.built.get(i)
        if info is None:
            words, prose, ui, short_run, dist, df_share = self.columns
            info = self.built[i] = LineInfo(words[i], prose[i], ui[i], short_run[i], dist[i],
                                            df_share[i])
        return info


@dataclass
class Scan:
    """Cheap whole-document measurements: enough for the fast path and the regime gate."""

    n_words: list[int]
    ends: list[bool]
    prose: list[bool]
    region: tuple[int, int]
    ui: list[tuple[str | None, int, bool]]
    words: list[list[str]] | None = field(default=None, repr=False)  # each line's str.split()

    @property
    def extent(self) -> tuple[int, int]:
        """First to last prose line (-1, -1 without prose): extractor output's article span."""
        if not any(self.prose):
            return -1, -1
        return self.prose.index(True), len(self.prose) - 1 - self.prose[::-1].index(True)

    @cached_property
    def short_runs(self) -> list[int]:
        """Length of the run of consecutive short lines each line belongs to (0 if not short)."""
        return _runs([w <= SHORT_LINE_WORDS for w in self.n_words])

    def doc_features(self) -> dict[str, float]:
        """Page-dump evidence: UI-lexicon lines, short lines, short-line runs (menus)."""
        n = max(len(self.n_words), 1)
        ui = sum(1 for c, _, _ in self.ui if c)
        short = sum(1 for w in self.n_words if w <= 3)
        runs = self.short_runs
        menu_lines = sum(1 for r in runs if r >= 4)
        return dict(ui_lines=ui, ui_share=ui / n, short_share=short / n, menu_share=menu_lines / n)


def _n_words(line: str, split: list[str] | None = None) -> int:
    words = len(line.split() if split is None else split)
    if words < 4 and len(line) > 12 and _CJK.search(line):
        return len(line) // 3
    return words


def scan(lines: list[str]) -> Scan:
    """Word counts, sentence ends, prose flags, the densest prose region and UI-lexicon hits."""
    words = [line.split() for line in lines]
    n_words = [_n_words(line, split) for line, split in zip(lines, words, strict=True)]
    ends = [_ends_sentence(line) for line in lines]
    prose = [w >= PROSE_MIN_WORDS and (e or w >= 20) for w, e in zip(n_words, ends, strict=True)]
    region = densest_region([w if p else -5.0 for w, p in zip(n_words, prose, strict=True)])
    ui = [ui_match(line) if w <= UI_MAX_WORDS else _NO_UI for line, w in zip(lines, n_words, strict=True)]
    return Scan(n_words, ends, prose, region, ui, words)


def _title_tokens(title: str | None) -> set[str]:
    return {w.casefold() for w in _WORD.findall(title or "")}


def _title_sims(tokens: list[list[str]], title_toks: set[str]) -> list[float]:
    """Jaccard overlap of each line's tokens (casefolded, split, punctuation stripped:
    ``_tokens``) with the title's."""
    if not title_toks:
        return [0.0] * len(tokens)
    n_title, sims = len(title_toks), []
    for line_toks in tokens:
        toks = set(line_toks)
        shared = len(toks & title_toks)
        sims.append(shared / (len(toks) + n_title - shared) if toks else 0.0)
    return sims


def _tokens(low_words: list[list[str]]) -> list[list[str]]:
    """Each line's casefolded words without surrounding punctuation (stopwords, title overlap)."""
    return [list(map(str.strip, split, _REPEAT_PUNCT)) for split in low_words]


def _distances(n: int, start: int, end: int) -> list[int]:
    """Each of ``n`` lines' distance in lines from the region [start, end] (0 inside it)."""
    return [max(start - i, i - end, 0) for i in range(n)]


def _runs(flags: list[bool]) -> list[int]:
    """Length of the run of consecutive flagged lines each line belongs to (0 if not flagged)."""
    out = [0] * len(flags)
    i = 0
    while i < len(flags):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j < len(flags) and flags[j]:
            j += 1
        out[i:j] = [j - i] * (j - i)
        i = j
    return out


def _two_numbers(line: str) -> bool:
    """``len(_NUM_TOKEN.findall(line)) >= 2``, stopping at the second number (a match is never
    empty, so findall's next match is the first from the end of the previous one). A number
    starts at a digit or one character before it: each search starts there, as the regex's
    leading lookbehind makes it slow to skip text (it still sees the character before)."""
    pos = 0
    for _ in range(2):
        digit = _DIGIT.search(line, pos)
        number = digit and _NUM_TOKEN.search(line, max(digit.start() - 1, pos))
        if not number:
            return False
        pos = number.end()
    return True


def _linklike(line: str) -> bool:
    """``bool(_LINKLIKE.search(line))``, after a pre-test: every match holds one of these
    substrings (substring tests skip text much faster than the regex; most lines have none)."""
    return (("http" in line or "www." in line or ".com" in line or ".org" in line
             or ".net" in line or ".co." in line or "@" in line or "#" in line)
            and _LINKLIKE.search(line) is not None)


def _n_separators(line: str) -> int:
    """``len(_SEPARATORS.findall(line))``: its two alternatives share no character, so their
    matches are counted apart (each with a regex that skips text fast; dashes are rare)."""
    n = len(_SEPARATOR_CHARS.findall(line))
    if "-" in line or "–" in line or "—" in line:
        n += len(_SPACED_DASH.findall(line))
    return n


def _headline_shaped(line: str, words: int, ends: bool, split: list[str] | None = None) -> bool:
    """Longer than a short line, no sentence end, mostly capitalised words: a headline."""
    if ends or not SHORT_LINE_WORDS < words <= HEADLINE_MAX_WORDS:
        return False
    alpha = [t for t in (line.split() if split is None else split) if t[:1].isalpha()]
    return bool(alpha) and sum(1 for t in alpha if t[:1].isupper()) >= HEADLINE_CAPS * len(alpha)


def _list_numbers(lines: list[str]) -> list[int | None]:
    """Each line's item number if it starts like "3." or "3)" (None otherwise)."""
    out: list[int | None] = []
    for line in lines:
        m = _LIST_NUMBER.match(line) if line.lstrip()[:1].isdigit() else None
        out.append(int(m.group(1)) if m else None)
    return out


def _sequences(numbers: list[int | None], gap: int = 3) -> list[int]:
    """Length of the numbered sequence (1., 2., 3. ... each within ``gap`` lines of the one
    before) each line belongs to; 0 for a line outside one. A numbered list in an article
    (steps, a top ten) counts up; a stray "1." or a date does not."""
    n = len(numbers)
    length = [0] * n
    for i, k in enumerate(numbers):
        if k is None or length[i]:
            continue
        chain = [i]
        while True:
            cur = chain[-1]
            want = numbers[cur] + 1
            nxt = next((j for j in range(cur + 1, min(n, cur + gap + 1)) if numbers[j] == want),
                       None)
            if nxt is None:
                break
            chain.append(nxt)
        for j in chain:
            length[j] = len(chain)
    return [m if m > 1 else 0 for m in length]


def doc_frequencies(lines: list[str], stats: CorpusStats | None) -> list[int] | None:
    """Each line's run-level document frequency (None without enough run statistics), so
    ``light_candidates`` and ``line_features`` hash every line once."""
    if stats is None or stats.n_docs < MIN_DOCS_FOR_DF:
        return None
    return stats.line_frequencies(lines)


def line_features(
    lines: list[str], *, title: str | None = None, stats: CorpusStats | None = None,
    sc: Scan | None = None, dfs: list[int] | None = None,
) -> tuple[np.ndarray, _Infos]:
    """Feature rows (one per line, order: FEATURES) and raw measurements for every line
    (``dfs``: ``doc_frequencies(lines, stats)`` when already computed)."""
    sc = sc or scan(lines)
    n = len(lines)
    n_words, ends, prose = sc.n_words, sc.ends, sc.prose
    start, end = sc.region
    runs = sc.short_runs
    log_words = [math.log1p(w) for w in n_words]
    total_words = sum(n_words) or 1
    doc_prose = sum(w for w, p in zip(n_words, prose, strict=True) if p) / total_words
    keys = [line.strip().casefold() for line in lines]
    low_words = [key.split() for key in keys]
    _, stop = pick_stoplist(lines, words=low_words)
    is_stop = stop.__contains__
    tokens = _tokens(low_words)
    counts = Counter(keys)
    title_toks = _title_tokens(title)
    words = sc.words if sc.words is not None else [line.split() for line in lines]
    if dfs is None:
        dfs = doc_frequencies(lines, stats)
    log_n = math.log1p(n)
    n_digits = [len(_DIGIT.findall(line)) for line in lines]
    table_run = _runs([d >= 2 and _two_numbers(line)
                       for line, d in zip(lines, n_digits, strict=True)])
    # A run of headlines (related links, most-read lists) vs a lone subheading in the text.
    headline_run = _runs([_headline_shaped(line, w, e, split)
                          for line, w, e, split in zip(lines, n_words, ends, words, strict=True)])
    # Column by column (each a comprehension over the lines), then one row per line.
    dists = _distances(n, start, end)
    if dfs is not None:
        denom = stats.n_docs - 1
        df_shares = [max(0.0, (d - 1) / denom) for d in dfs]
    else:
        df_shares = [0.0] * n
    # Capitalised words among the non-number ones (a number's first character is no capital).
    caps = []
    for toks in words:
        n_alpha = len(toks) - sum(map(str.isdigit, toks))
        caps.append(sum(map(str.isupper, map(_first_char, toks))) / n_alpha if n_alpha else 0.0)
    # Mean length of the (up to) two lines either side, summed in the order i-2, i-1, i+1, i+2.
    nb_words = []
    for i in range(n):
        if 2 <= i < n - 2:
            nb_words.append(sum((log_words[i - 2], log_words[i - 1], log_words[i + 1],
                                 log_words[i + 2])) / 4)
            continue
        nb = [log_words[j] for j in (i - 2, i - 1, i + 1, i + 2) if 0 <= j < n]
        nb_words.append(sum(nb) / len(nb) if nb else 0.0)
    between = [0.0] * min(n, 2)  # a line between two prose lines (not the first or last)
    between[1:1] = [float(a and b) for a, b in zip(prose, prose[2:], strict=False)]
    pos_scale = max(n - 1, 1)
    inner, bullet = _INNER_PUNCT.findall, _BULLET.match
    bullets = [bool(bullet(line)) for line in lines]
    # Menus and headline lists are runs of list items without sentence punctuation; the steps
    # of a how-to are sentences, and a lone numbered subheading is no run.
    menu_list = _runs([b and not e for b, e in zip(bullets, ends, strict=True)])
    columns = [
        log_words,
        [float(e) for e in ends],
        [float(line.endswith(":")) for line in lines],
        [min(1.0, len(inner(line)) / max(w, 1) * 5) for line, w in zip(lines, n_words, strict=True)],
        [sum(map(is_stop, toks)) / w if w else 0.0 for toks, w in zip(tokens, n_words, strict=True)],
        caps,
        [float(len(line) >= 4 and line.isupper()) for line in lines],
        [min(1.0, d / max(len(line), 1) * 5) for line, d in zip(lines, n_digits, strict=True)],
        [min(3.0, float(_n_separators(line))) for line in lines],
        [float(_linklike(line)) for line in lines],
        [float(b) for b in bullets],
        [float(category is not None) for category, _, _ in sc.ui],
        [float(category is not None and (w <= covered + 2 or label))
         for (category, covered, label), w in zip(sc.ui, n_words, strict=True)],
        _title_sims(tokens, title_toks),
        [float(counts[key] > 1) for key in keys],
        df_shares,
        [i / pos_scale for i in range(n)],
        [float(dist == 0) for dist in dists],
        [math.log1p(dist) for dist in dists],
        [math.log1p(r) for r in runs],
        nb_words,
        between,
        [doc_prose] * n,
        [log_n] * n,
        [math.log1p(r) for r in table_run],
        [math.log1p(r) for r in headline_run],
        [math.log1p(r) for r in _sequences(_list_numbers(lines))],
        [float(b and (e or w >= PROSE_MIN_WORDS))
         for b, e, w in zip(bullets, ends, n_words, strict=True)],
        [math.log1p(r) if r > 1 else 0.0 for r in menu_list],
        [float("©" in line) for line in lines],  # a credit or copyright line, in any language
    ]
    return _matrix(columns), _Infos(n_words, prose, [u[0] for u in sc.ui], runs, dists, df_shares)


def _matrix(columns: list) -> np.ndarray:
    """One row per line from per-feature columns, in C order (as ``np.asarray(rows)``, so the
    model's products are the same floats)."""
    return np.ascontiguousarray(np.array(columns, dtype=float).T)


# --------------------------------------------------------------------------- model
def _linear(x: list[float], part: dict) -> tuple[float, list[float]]:
    """Logit and per-feature contributions of a standardised logistic model, written plainly:
    the definition ``_logits`` and ``_Contributions`` vectorise (the tests compare them)."""
    contrib = [
        wt * (v - m) / s
        for v, m, s, wt in zip(x, part["mean"], part["scale"], part["coef"], strict=True)
    ]
    return part["intercept"] + sum(contrib), contrib


_FOLDED: dict[int, tuple[dict, np.ndarray, float]] = {}


def _folded(part: dict) -> tuple[np.ndarray, float]:
    """The model part's scaler folded into its weights: (coef / scale, intercept - that @ mean),
    computed once per part (the entry holds the part, so its id is not reused)."""
    hit = _FOLDED.get(id(part))
    if hit is None or hit[0] is not part:
        coef = np.asarray(part["coef"], dtype=float) / np.asarray(part["scale"], dtype=float)
        bias = part["intercept"] - float(coef @ np.asarray(part["mean"], dtype=float))
        hit = _FOLDED[id(part)] = (part, coef, bias)
    return hit[1], hit[2]


def _logits(rows: np.ndarray | list[list[float]], part: dict) -> list[float]:
    """Clipped logits of every row at once (the same sums as ``_linear``, vectorised; with the
    folded weights cached, as cheap as a Python loop on a few lines)."""
    if len(rows) == 0:
        return []
    coef, bias = _folded(part)
    return np.clip(np.asarray(rows, dtype=float) @ coef + bias, -30.0, 30.0).tolist()


class _Contributions:
    """Per-feature stage-1 contributions of line i: ``_linear``'s, for every line at once
    when the first line is explained (the same operations in the same order, element by
    element, so the same floats)."""

    def __init__(self, rows: np.ndarray, part: dict) -> None:
        self.rows, self.part = rows, part
        self.all: np.ndarray | None = None
        self.order: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def _terms(self) -> np.ndarray:
        if self.all is None:
            coef, mean, scale = (np.asarray(self.part[k], dtype=float)
                                 for k in ("coef", "mean", "scale"))
            self.all = coef * (np.asarray(self.rows, dtype=float) - mean) / scale
        return self.all

    def __getitem__(self, i: int) -> list[float]:
        return self._terms()[i].tolist()  # floats, not numpy scalars

    def lowest(self, i: int) -> list[int]:
        """Features of line i's ``EXPLAIN_TERMS`` lowest contributions, lowest first (equal ones
        by index: ``sorted(range(len(FEATURES)), key=self[i].__getitem__)[:EXPLAIN_TERMS]``),
        sorted for every line at once on first use (a stable sort keeps the index order)."""
        if self.order is None:
            self.order = np.argsort(self._terms(), axis=1, kind="stable")[:, :EXPLAIN_TERMS]
        return self.order[i].tolist()


def core_evidence(
    clipped: list[float], words: np.ndarray, gap: dict[str, float] | None = None
) -> list[float]:
    """Each line's stage-1 evidence for the core: logit (clipped at ``CONTEXT_CLIP``, as
    ``stage2_rows`` passes it) x length (log words). With ``gap`` (the model's ``core_gap``),
    a short interruption -- a run of at most ``max_lines`` lines of negative evidence between
    positive ones (a quote in another script, an inline "Read more") -- costs at most
    ``max_cost`` a line, so it does not cut the article in two."""
    evidence = (np.asarray(clipped, dtype=float) * words).tolist()
    if not gap:
        return evidence
    negative = [e < 0 for e in evidence]
    runs, n = _runs(negative), len(evidence)
    i = 0
    while i < n:
        if not negative[i]:
            i += 1
            continue
        j = i + runs[i]
        if 0 < i and j < n and runs[i] <= gap["max_lines"]:
            evidence[i:j] = [max(e, -gap["max_cost"]) for e in evidence[i:j]]
        i = j
    return evidence


def stage2_rows(
    logits: list[float], rows: np.ndarray | list[list[float]], gap: dict[str, float] | None = None
) -> np.ndarray:
    """Context features (one row per line, order: STAGE2): own and neighbours' logits, window
    mean, both prose regions. A neighbour's logit counts at most ``CONTEXT_CLIP`` either way:
    a run of lines that recur across the whole run (logits far below anything else) must not
    drag the article's first or last paragraph down with it.

    The "core" is the max-subarray over stage-1 evidence (``core_evidence``; ``gap``: the
    model's ``core_gap``), a second, sharper estimate of where the article is than the
    stage-1 ``in_region`` feature.
    """
    n = len(logits)
    x = np.asarray(rows, dtype=float).reshape(n, len(FEATURES))
    words = x[:, _FEATURE_INDEX["words"]]
    near = np.clip(logits, -CONTEXT_CLIP, CONTEXT_CLIP).tolist()
    start, end = densest_region(core_evidence(near, words, gap))
    core_dists = _distances(n, start, end)
    windows = (near[max(0, i - 3): i + 4] for i in range(n))
    return _matrix([
        logits,
        [-3.0, *near[:-1]] if n else [],
        [*near[1:], -3.0] if n else [],
        [sum(win) / len(win) for win in windows],
        x[:, _FEATURE_INDEX["in_region"]],
        x[:, _FEATURE_INDEX["dist"]],
        words,
        [d == 0 for d in core_dists],
        [math.log1p(d) for d in core_dists],
        [i > end for i in range(n)],
    ])


def is_page_dump(sc: Scan, gate: dict[str, float]) -> bool:
    """Evidence of a whole-page dump (menus, share rows, footers), not mere length (thresholds:
    the model's ``gate``)."""
    return gate_says_dump(sc.doc_features(), gate)


def gate_says_dump(f: dict[str, float], gate: dict[str, float]) -> bool:
    """Either enough UI-lexicon lines and enough short lines, or a few UI-lexicon lines and
    most lines in menu-like runs of short lines (a small page whose menus use words the
    lexicon lacks). Both need UI phrases: a long table of short stat lines is no page dump."""
    if (f["ui_lines"] >= gate["ui_lines"] and f["ui_share"] >= gate["ui_share"]
            and f["short_share"] >= gate["short_share"]):
        return True
    return (f["ui_lines"] >= gate.get("menu_ui_lines", math.inf)
            and f["menu_share"] >= gate.get("menu_share", math.inf))


def light_candidates(
    lines: list[str], sc: Scan, labels: list[str | None], stats: CorpusStats | None = None,
    dfs: list[int] | None = None,
) -> set[int]:
    """Lines the precision-first regime may remove: before the first or after the last prose
    line, UI-lexicon lines that are the whole line or a label ("Read more: ..."), lexicon hits
    on the last lines, and lines recurring across the run. Everything else is kept unscored."""
    start, end = sc.extent
    n = len(labels)
    if dfs is None:
        dfs = doc_frequencies(lines, stats)
    out = set()
    for i, label in enumerate(labels):
        if label is not None:
            continue
        category, covered, is_label = sc.ui[i]
        if (i < start or i > end
                or (category and (is_label or sc.n_words[i] <= covered + 2 or i >= n - 3))
                or (dfs is not None and dfs[i] > 1)):
            out.add(i)
    return out


def keeps_too_little(
    sc: Scan, region_prose: list[int], kept: list[bool], min_share: float
) -> bool:
    """A page dump's cleaning keeps fewer than ``MIN_KEPT_PARAGRAPHS`` of the densest region's
    prose lines, or less than ``min_share`` of their words (the model's ``min_kept_share``):
    the model has mistaken the article for furniture (e.g. kept only teasers after it)."""
    kept_lines = [i for i, k in zip(region_prose, kept, strict=True) if k]
    total = sum(sc.n_words[i] for i in region_prose)
    return (len(kept_lines) < MIN_KEPT_PARAGRAPHS
            or sum(sc.n_words[i] for i in kept_lines) < min_share * total)


# Rule-pass categories that name a section heading, as the lexicon category they stand for.
_RULE_SECTIONS = {"comments": "comments", "related-posts": "related-links"}


def link_sections(
    sc: Scan, labels: list[str | None], cfg: dict | None
) -> list[tuple[int, int, str]]:
    """[start, end) spans and categories of comment threads and link lists under a heading.

    A section heading is a short line that is all UI phrase ("Top Rated Comments", "Don't
    miss", "23 comments"), not a label with content after it ("Related: <headline>"), with
    enough prose before it. A heading of a category in ``cfg["to_end"]`` (comments: always
    last) opens a section running to the end of the document; any other runs to the next
    prose line (the list of headlines under "You may also like"). Thresholds: the model's
    ``sections`` (both regimes). Comments follow the article: a to-the-end heading before
    the densest prose region starts (a "Comments" item in a menu, a comment count under the
    headline) opens no section."""
    if not cfg:
        return []
    n = len(labels)
    spans: list[tuple[int, int, str]] = []
    before, i = 0, 0
    while i < n:
        category = None
        if sc.n_words[i] <= cfg["max_words"] and before >= cfg["min_prose_before"]:
            category, covered, is_label = sc.ui[i]
            if labels[i] is not None:
                category = _RULE_SECTIONS.get(labels[i])
            elif is_label or sc.n_words[i] > covered + 2:
                category = None
        if category in cfg["to_end"] and i < sc.region[0]:
            category = None  # comments follow the article: not a heading before its region
        if category not in cfg["categories"]:
            before += sc.n_words[i] if sc.prose[i] else 0
            i += 1
            continue
        if category in cfg["to_end"]:
            spans.append((i, n, category))
            break
        j = i + 1
        while j < n and not sc.prose[j]:
            j += 1
        spans.append((i, j, category))
        i = j
    return spans


def says_ui(sc: Scan, i: int) -> bool:
    """The lexicon phrase is the whole line (give or take two words) or a label ("Related: ...")."""
    category, covered, is_label = sc.ui[i]
    return category is not None and (is_label or sc.n_words[i] <= covered + 2)


def score_lines(
    lines: list[str], *, title: str | None = None, stats: CorpusStats | None = None,
    model: dict | None = None, sc: Scan | None = None, heavy: bool | None = None,
    dfs: list[int] | None = None,
) -> tuple[list[float], _Contributions, np.ndarray, _Infos, float]:
    """P(body) per line, stage-1 contributions (computed on access), feature rows,
    measurements and threshold."""
    model = model or load_model()
    sc = sc or scan(lines)
    rows, infos = line_features(lines, title=title, stats=stats, sc=sc, dfs=dfs)
    if heavy is None:
        heavy = is_page_dump(sc, model["gate"])
    part = model["heavy" if heavy else "light"]
    logits = _logits(rows, part["stage1"])
    rows2 = stage2_rows(logits, rows, model.get("core_gap"))
    probs = [1 / (1 + math.exp(-z)) for z in _logits(rows2, part["stage2"])]
    return probs, _Contributions(rows, part["stage1"]), rows, infos, part["threshold"]


# --------------------------------------------------------------------------- explanations
_DESCRIBE = {
    "words": lambda info, v: f"{info.words} words",
    "end_punct": lambda info, v: "no sentence punctuation" if not v else "ends like a sentence",
    "stop": lambda info, v: f"stopwords {v:.0%}",
    "caps": lambda info, v: f"{v:.0%} capitalised words",
    "allcaps": lambda info, v: "all caps",
    "digits": lambda info, v: "many digits",
    "seps": lambda info, v: "separator characters",
    "link": lambda info, v: "link-like text",
    "ui_start": lambda info, v: f"UI phrase ({info.ui})",
    "ui_full": lambda info, v: f"UI phrase ({info.ui}) is the whole line",
    "title_sim": lambda info, v: "repeats the title",
    "dup": lambda info, v: "repeated in the document",
    "df": lambda info, v: f"in {info.df_share:.0%} of the run's documents",
    "in_region": lambda info, v: "outside the main text",
    "dist": lambda info, v: f"{info.dist} lines from main text",
    "short_run": lambda info, v: (f"in a run of {info.short_run} short lines" if info.short_run
                                  else "not in a run of short lines"),
    "nb_words": lambda info, v: "short neighbours",
    "between_prose": lambda info, v: "not between paragraphs",
    "punct_rate": lambda info, v: "little inner punctuation",
    "colon_end": lambda info, v: "ends with a colon",
    "bullet": lambda info, v: "list marker",
    "pos": lambda info, v: "position in page",
    "doc_prose": lambda info, v: "little prose in the document",
    "n_lines": lambda info, v: "document length",
    "table_run": lambda info, v: "not in a table",
    "headline_run": lambda info, v: f"in a run of {round(math.expm1(v))} headlines",
    "list_seq": lambda info, v: (f"item of a numbered list of {round(math.expm1(v))}" if v
                                 else "not in a numbered list"),
    "list_sentence": lambda info, v: "list item is a sentence" if v else "no sentence-like list item",
    "menu_list": lambda info, v: (f"in a run of {round(math.expm1(v))} list items without sentences" if v
                                  else "not in a list run without sentences"),
    "copyright": lambda info, v: "copyright sign" if v else "no copyright sign",
}


def _describe(name: str, info: LineInfo, row: list[float]) -> str:
    describe = _DESCRIBE.get(name)
    return describe(info, row[_FEATURE_INDEX[name]]) if describe else name


def explain(
    p_body: float, contrib: list[float], lowest: list[int], info: LineInfo, row: list[float]
) -> str:
    """'p_body=0.08: 2 words, no sentence punctuation, ...' from the top negative terms
    (``lowest``: the features of the lowest ``EXPLAIN_TERMS`` terms, lowest first)."""
    top = [_describe(FEATURES[k], info, row) for k in lowest if contrib[k] < 0]
    return f"p_body={p_body:.2f}: " + ", ".join(top)


def categorise(info: LineInfo) -> str:
    """Debris category: the lexicon's, ``repeated`` for run-wide lines, ``menu`` or generic."""
    if info.ui:
        return info.ui
    if info.df_share >= 0.1:
        return "repeated"
    if info.short_run >= 3 and info.dist > 0:
        return "menu"
    return "boilerplate"


def _heading_between_paragraphs(i: int, drop: set[int], infos: _Infos) -> bool:
    """jusText-style context: a short, non-UI line whose kept neighbours are both prose."""
    info = infos[i]
    if info.ui or info.df_share >= 0.1 or info.words > 12 or not 0 < i < len(infos) - 1:
        return False
    before, after = i - 1, i + 1
    return (before not in drop and after not in drop
            and infos[before].prose and infos[after].prose)


# --------------------------------------------------------------------------- entry point
def find_boilerplate(
    lines: list[str],
    labels: list[str | None],
    *,
    title: str | None = None,
    stats: CorpusStats | None = None,
) -> dict[int, tuple[str, str]]:
    """Return ``{index: (category, reason)}`` for unlabelled lines that are boilerplate.

    ``lines`` are the document's non-blank lines in order; ``labels[i]`` is the category the
    rule pass already gave line i (None = body so far).
    """
    if not lines:
        return {}
    model = load_model()
    sc = scan(lines)
    heavy = is_page_dump(sc, model["gate"])
    dfs = doc_frequencies(lines, stats)
    allowed = None if heavy else light_candidates(lines, sc, labels, stats, dfs)
    sections = link_sections(sc, labels, model.get("sections"))
    in_section = {i: (start, cat) for start, end, cat in sections for i in range(start, end)}
    if sections and allowed is not None:
        allowed |= {i for i in in_section if labels[i] is None}
    if allowed is not None and not allowed:
        return {}
    probs, contribs, rows, infos, threshold = score_lines(
        lines, title=title, stats=stats, model=model, sc=sc, heavy=heavy, dfs=dfs
    )
    drop = {i for i, p in enumerate(probs) if p < threshold} | set(in_section)
    start, end = sc.region
    region_prose = [i for i in range(start, end + 1)
                    if sc.prose[i] and labels[i] is None and i not in in_section]
    if heavy and keeps_too_little(sc, region_prose, [i not in drop for i in region_prose],
                                  model["heavy"].get("min_kept_share", 0.0)):
        # The page dump would keep little of its densest prose region: a page is never all
        # furniture, so that region's paragraphs stay.
        drop -= set(region_prose)
    if not heavy:
        ui_threshold = model["light"].get("ui_threshold", threshold)
        drop |= {i for i in allowed if probs[i] < ui_threshold and says_ui(sc, i)}
    out: dict[int, tuple[str, str]] = {}
    for i in sorted(drop):
        if labels[i] is not None or (allowed is not None and i not in allowed):
            continue
        if i in in_section:
            start, cat = in_section[i]
            out[i] = (cat, f"p_body={probs[i]:.2f}: in a {cat} section under "
                           f"{lines[start][:40]!r}")
            continue
        if _heading_between_paragraphs(i, drop, infos):
            continue
        out[i] = (categorise(infos[i]),
                  explain(probs[i], contribs[i], contribs.lowest(i), infos[i], rows[i]))
    return out
