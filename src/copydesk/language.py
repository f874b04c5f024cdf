"""Language and script helpers: seeded langdetect on a bounded sample, the dominant Unicode
script of a string, and romanisation of personal names.

Romanisation uses the national system where one exists: Ukrainian (Cabinet of Ministers
resolution No. 55, 2010), Russian (ICAO Doc 9303, the Russian passport system since 2013),
Bulgarian (Streamlined System, 2009 law), Greek (ELOT 743 / ISO 843 transcription); Chinese
names become Pinyin surname + given name; everything else falls back to ``unidecode``.
"""

from __future__ import annotations

import random
import re
import string
import threading
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import islice

import numpy as np
from unidecode import unidecode

_MIN_LETTERS = 20
_LETTER = re.compile(r"[^\W\d_]")
_NOISE = re.compile(r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+")

# Unicode character-name prefixes → script name (first match wins).
_SCRIPT_PREFIXES = (
    ("CJK", "Han"),
    ("LATIN", "Latin"),
    ("CYRILLIC", "Cyrillic"),
    ("GREEK", "Greek"),
    ("ARABIC", "Arabic"),
    ("HEBREW", "Hebrew"),
    ("HIRAGANA", "Hiragana"),
    ("KATAKANA", "Katakana"),
    ("HANGUL", "Hangul"),
    ("DEVANAGARI", "Devanagari"),
    ("BENGALI", "Bengali"),
    ("GURMUKHI", "Gurmukhi"),
    ("GUJARATI", "Gujarati"),
    ("TAMIL", "Tamil"),
    ("TELUGU", "Telugu"),
    ("KANNADA", "Kannada"),
    ("MALAYALAM", "Malayalam"),
    ("SINHALA", "Sinhala"),
    ("THAI", "Thai"),
    ("LAO", "Lao"),
    ("KHMER", "Khmer"),
    ("MYANMAR", "Myanmar"),
    ("GEORGIAN", "Georgian"),
    ("ARMENIAN", "Armenian"),
    ("ETHIOPIC", "Ethiopic"),
)
_KANA = {"Hiragana", "Katakana"}


_FACTORY_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _factory_ready() -> bool:
    """Load langdetect's profiles once and fix its seed (deterministic results). Locked:
    ``init_factory`` publishes its factory before the profiles are loaded, so a second thread
    (``--runner thread``) would otherwise detect with half-loaded profiles."""
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    with _FACTORY_LOCK:
        DetectorFactory.seed = 0
        init_factory()
    return True


def _sample(text: str, sample_chars: int) -> str:
    """A bounded sample: the first ``sample_chars`` characters, links and handles removed."""
    sample = text[:sample_chars]
    if "@" not in sample and "#" not in sample and "http" not in sample and "www." not in sample:
        return sample  # nothing _NOISE could match (its \S+@ part is slow on long words)
    return _NOISE.sub(" ", sample)


# English function words: in English prose they are 20-40% of the words and "the" alone ~5%;
# in other languages written in Latin letters they stay near 2% (measured on the dev pages).
# A sample this clearly English skips langdetect (~5 ms per call), which is most of the cost
# of cleaning an English document.
_EN_FUNCTION = frozenset(
    "the of and to in is that for it with as was on be by this are have from at he not they his "
    "but or an which has were their will would been had its who said she her we our you can more "
    "than about after when there also".split()
)
_ASCII_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def clearly_english(sample: str, *, min_words: int = 40) -> bool:
    """True when a sample is unmistakably English prose (function-word profile, Latin letters)."""
    if not sample.isascii() and len(sample.encode("ascii", "ignore")) < 0.98 * len(sample):
        return False
    words = _ASCII_WORD.findall(sample.lower())
    if len(words) < min_words:
        return False
    function = sum(w in _EN_FUNCTION for w in words)
    return function >= 0.15 * len(words) and words.count("the") >= 0.015 * len(words)


def detect_language(text: str, *, sample_chars: int = 2000) -> str | None:
    """ISO 639-1 code of ``text`` (seeded langdetect on at most ``sample_chars`` characters);
    None when the sample has fewer than 20 letters or detection fails. Clearly English
    samples are recognised without langdetect (see ``clearly_english``)."""
    sample = _sample(text or "", sample_chars)
    if clearly_english(sample[:1000]):
        return "en"
    if next(islice(_LETTER.finditer(sample), _MIN_LETTERS - 1, None), None) is None:  # no 20th letter
        return None
    code = langdetect_detect(sample)
    return code.split("-")[0] if code is not None else None


# --- langdetect, the same computation without its per-character Python loops -------------
#
# ``langdetect_detect`` returns exactly what ``Detector.detect()`` returns for a seeded
# factory (the same n-grams in the same order, the same random draws, the same floating-point
# operations in the same order): ``tests/test_language.py`` compares the two on samples in
# many languages. What changes is the cost: the text is cleaned with regular expressions
# instead of character by character, each word's n-grams are computed once (words repeat),
# and a probability update is one list comprehension with the word's factors computed once
# per trial. About 3-4x less CPU than ``Detector.detect()`` (which is ~12 ms on 2,000
# characters).

_SPACES = re.compile(" {2,}")
_LATIN_RANGE = re.compile("[A-z]")  # langdetect's "Latin": 'A' <= ch <= 'z'
_FROM_U0300 = re.compile("[\u0300-\U0010ffff]")
_WORD_NGRAMS: dict[str, tuple[str, ...]] = {}
_WORD_NGRAMS_MAX = 200_000


_PROFILE_ROWS: dict[str, np.ndarray] = {}


def _profile_row(word: str, prob_map) -> np.ndarray:
    """langdetect's per-language probabilities of one n-gram, as an array (kept)."""
    row = _PROFILE_ROWS.get(word)
    if row is None:
        if len(_PROFILE_ROWS) >= _WORD_NGRAMS_MAX:
            _PROFILE_ROWS.clear()
        row = _PROFILE_ROWS[word] = np.array(prob_map[word], dtype=np.float64)
    return row


class _NormalisedChars(dict):
    """``NGram.normalize`` of each character, computed once per character."""

    def __missing__(self, ch: str) -> str:
        from langdetect.utils.ngram import NGram

        self[ch] = out = NGram.normalize(ch)
        return out


_NORMALISED = _NormalisedChars()


def _ngrams_of(word: str, known) -> tuple[str, ...]:
    """The n-grams ``Detector._extract_ngrams`` takes from one space-delimited word of
    normalised text (``word`` carries its trailing space when one follows it), in order."""
    out: list[str] = []
    s = " " + word
    for j in range(1, len(s)):
        ch, prev = s[j], s[j - 1]
        if ch.isupper() and prev.isupper():
            continue  # NGram.capitalword: no n-grams inside an all-caps run
        if ch != " " and ch in known:
            out.append(ch)
        if (w := s[j - 1 : j + 1]) in known:
            out.append(w)
        if j >= 2 and (w := s[j - 2 : j + 1]) in known:
            out.append(w)
    return tuple(out)


def _extract_ngrams(text: str, known) -> list[str]:
    """``Detector._extract_ngrams`` on ``text`` (cleaned, spaces collapsed)."""
    normalised = "".join([_NORMALISED[ch] for ch in text])
    result: list[str] = []
    words = normalised.split(" ")
    last = len(words) - 1
    for i, word in enumerate(words):
        if not word:
            continue
        key = word + " " if i < last else word
        grams = _WORD_NGRAMS.get(key)
        if grams is None:
            if len(_WORD_NGRAMS) >= _WORD_NGRAMS_MAX:
                _WORD_NGRAMS.clear()
            grams = _WORD_NGRAMS[key] = _ngrams_of(key, known)
        result.extend(grams)
    return result


def langdetect_detect(text: str) -> str | None:
    """What ``Detector.detect()`` of langdetect's seeded factory returns for ``text`` (its
    language code), or None where it raises or answers "unknown"."""
    _factory_ready()
    from langdetect import detector_factory
    from langdetect.detector import Detector
    from langdetect.utils.ngram import NGram

    factory = detector_factory._factory
    prob_map, langlist = factory.word_lang_prob_map, factory.langlist
    # Detector.append
    text = Detector.MAIL_RE.sub(" ", Detector.URL_RE.sub(" ", text))
    text = _SPACES.sub(" ", NGram.normalize_vi(text)[:10_000])
    # Detector.cleaning_text (its block test compares an int with a str: every character from
    # U+0300 on counts as non-Latin)
    if 2 * len(_LATIN_RANGE.findall(text)) < len(_FROM_U0300.findall(text)):
        text = _LATIN_RANGE.sub("", text)
    ngrams = _extract_ngrams(text, prob_map)
    if not ngrams:
        return None  # langdetect raises "No features in text."
    # Detector._detect_block: the same random draws; each update multiplies the 55
    # probabilities by (weight + the n-gram's profile) element by element, and every fifth
    # divides them by their (sequential, Python) sum — the same float operations, in numpy.
    n_lang = len(langlist)
    langprob = np.zeros(n_lang)
    rng = random.Random()
    rng.seed(factory.seed)
    choice, n_trial = rng.choice, 7
    for _ in range(n_trial):
        prob = np.full(n_lang, 1.0 / n_lang)
        alpha = Detector.ALPHA_DEFAULT + rng.gauss(0.0, 1.0) * Detector.ALPHA_WIDTH
        weight = alpha / Detector.BASE_FREQ
        i = 0
        while True:
            prob *= weight + _profile_row(choice(ngrams), prob_map)
            if i % 5 == 0:
                prob /= sum(prob.tolist())
                if max(0.0, prob.max()) > Detector.CONV_THRESHOLD or i >= Detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / n_trial
    langprob = langprob.tolist()
    found = [(lang, p) for lang, p in zip(langlist, langprob, strict=True)
             if p > Detector.PROB_THRESHOLD]
    if not found:
        return None
    best = found[0]
    for lang, p in found[1:]:  # list.sort(reverse=True) keeps the first of equal maxima
        if p > best[1]:
            best = (lang, p)
    return best[0]


@lru_cache(maxsize=4096)
def _char_script(ch: str) -> str | None:
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    for prefix, script in _SCRIPT_PREFIXES:
        if name.startswith(prefix):
            return script
    return None


_DELETE_ASCII_LETTERS = str.maketrans("", "", string.ascii_letters)  # deletes A-Z, a-z


def script_counts(text: str) -> Counter[str]:
    """How many letters of ``text`` belong to each script."""
    if text.isascii():  # the common case, without a Unicode name lookup per character
        n = len(text) - len(text.translate(_DELETE_ASCII_LETTERS))
        return Counter({"Latin": n}) if n else Counter()
    counts: Counter[str] = Counter()
    for ch, n in Counter(text).items():
        if ch.isalpha() and (script := _char_script(ch)):
            counts[script] += n
    return counts


_ASCII_NON_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())


def script_of(text: str) -> str | None:
    """Dominant Unicode script of the letters in ``text`` ("Latin", "Cyrillic", "Han", ...);
    Han mixed with kana is "Japanese"; None if there are no letters. When ASCII letters are
    over half of the characters they outnumber every other script's: "Latin" at once."""
    text = text or ""
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _ASCII_NON_LETTERS))
    if 2 * ascii_letters > len(text):
        return "Latin"
    return dominant_script(script_counts(text))


def dominant_script(counts: Counter[str]) -> str | None:
    """``script_of`` from the text's ``script_counts``."""
    if not counts:
        return None
    top = counts.most_common(1)[0][0]
    if top in _KANA | {"Han"} and any(counts[k] for k in _KANA):
        return "Japanese"
    return top


# --- romanisation -------------------------------------------------------------------------

_UK_2010 = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ʼ": "",
}  # fmt: skip
_UK_2010_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}

_RU_ICAO = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z",
    "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

_BG_2009 = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sht",
    "ъ": "a", "ь": "y", "ю": "yu", "я": "ya",
}  # fmt: skip

_EL_DIGRAPHS = {"αι": "ai", "ει": "ei", "οι": "oi", "ου": "ou", "υι": "yi", "γγ": "ng",
                "γξ": "nx", "γχ": "nch"}  # fmt: skip
_EL_SINGLE = {
    "α": "a", "β": "v", "γ": "g", "δ": "d", "ε": "e", "ζ": "z", "η": "i", "θ": "th", "ι": "i",
    "κ": "k", "λ": "l", "μ": "m", "ν": "n", "ξ": "x", "ο": "o", "π": "p", "ρ": "r", "σ": "s",
    "ς": "s", "τ": "t", "υ": "y", "φ": "f", "χ": "ch", "ψ": "ps", "ω": "o",
}  # fmt: skip
_EL_VOICED = set("αεηιουωβγδζλμνρ")


def _case_like(src: str, out: str) -> str:
    """Give ``out`` the case of the source letter (capital → capitalised)."""
    return out.capitalize() if src.isupper() and out else out


def _uk_word(word: str) -> str:
    low = word.lower()
    out: list[str] = []
    for i, ch in enumerate(low):
        if ch == "г" and i > 0 and low[i - 1] == "з":
            rom = "gh"  # зг → zgh
        elif i == 0 and ch in _UK_2010_INITIAL:
            rom = _UK_2010_INITIAL[ch]
        else:
            rom = _UK_2010.get(ch, ch)
        out.append(_case_like(word[i], rom))
    return "".join(out)


def _table_word(word: str, table: dict[str, str]) -> str:
    return "".join(_case_like(ch, table.get(ch.lower(), ch)) for ch in word)


def _el_word(word: str) -> str:
    # Accents go, but the diaeresis stays meaningful (it breaks a digraph).
    bare = unicodedata.normalize("NFD", word.lower())
    bare = "".join(c for c in bare if c != "\u0301")
    bare = unicodedata.normalize("NFC", bare)
    out: list[str] = []
    i = 0
    while i < len(bare):
        pair = bare[i : i + 2]
        if pair in ("αυ", "ευ", "ηυ"):
            nxt = bare[i + 2 : i + 3]
            out.append(_EL_SINGLE[pair[0]] + ("v" if not nxt or nxt in _EL_VOICED else "f"))
            i += 2
        elif pair in ("μπ", "ντ", "γκ"):
            start = {"μπ": "b", "ντ": "d", "γκ": "g"}[pair]
            mid = {"μπ": "mb", "ντ": "nd", "γκ": "ng"}[pair]
            out.append(start if i == 0 else mid)
            i += 2
        elif pair in _EL_DIGRAPHS:
            out.append(_EL_DIGRAPHS[pair])
            i += 2
        else:
            ch = unicodedata.normalize("NFD", bare[i])[0]
            out.append(_EL_SINGLE.get(ch, ch))
            i += 1
    text = "".join(out)
    return text.capitalize() if word[:1].isupper() else text


def _han_name(name: str) -> str:
    """Pinyin for a Chinese name: first character is the surname, the rest one given name."""
    parts = []
    for token in name.split():
        syllables = [unidecode(ch).strip().lower() for ch in token if not ch.isspace()]
        syllables = [s for s in syllables if s]
        if not syllables:
            continue
        surname, given = syllables[0], "".join(syllables[1:])
        parts.append(" ".join(p.capitalize() for p in (surname, given) if p))
    return " ".join(parts)


def _fallback(name: str) -> str:
    words = unidecode(name).split()
    return " ".join(w[:1].upper() + w[1:] for w in words)


def romanize(name: str, language: str | None, script: str | None) -> str | None:
    """Latin-script rendering of a personal name; None for names already in Latin script
    (or with nothing to romanise)."""
    script = script or script_of(name)
    if not name or script in (None, "Latin"):
        return None
    if script == "Cyrillic":
        word_fn = {
            "uk": _uk_word,
            "bg": lambda w: _table_word(w, _BG_2009),
        }.get(language or "", lambda w: _table_word(w, _RU_ICAO))
        if language in ("uk", "ru", "bg", None):
            return _words(name, word_fn)
    if script == "Greek":
        return _words(name, _el_word)
    if script == "Han":
        return _han_name(name) or None
    return _fallback(name) or None


def _words(name: str, word_fn) -> str:
    """Apply ``word_fn`` to each letter run of ``name``, keeping separators."""
    return re.sub(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*", lambda m: word_fn(m.group()), name)
