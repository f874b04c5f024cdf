"""Byline detection (issue 5): who wrote the article, and in what language the credit is.

Only three places are searched: the top zone (first lines, after a short title/dateline),
the bottom zone (last lines, looking past a few short UI/credit lines such as "Share") and
explicit "About the author" blocks. A candidate needs evidence beyond its shape:

* a label line ("By X", "Author: X", "Автор: X", "记者 X", "X 기자", "— X"),
* a name line followed by a role line ("Олена Петренко" / "Editor"),
* a bio sentence at the bottom ("X is a reporter for …"), or after an about-label,
* a bare name at the bottom edge only when its script differs from the document's, or
  when it equals ``author_hint``.

Language: a name carries none. Label and role words decide (``rules/bylines.yaml``, with the
languages that use each word), then the letters/script of the name, then langdetect on the
bio or the document. English words with a Latin name → English; anything else → non-English.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

import yaml

from copydesk.document import Byline
from copydesk.language import detect_language, dominant_script, romanize, script_counts, script_of

TOP_LINES = 4
BOTTOM_LINES = 8
MAX_DEBRIS = 4
MAX_LABEL_LINE = 140
_UNCASED_SHORT = {"Han", "Japanese", "Hiragana", "Katakana", "Hangul"}
_COLON = r"\s*[:：]\s*"
_SENTENCE_END = re.compile(r"[.!?。！？]['\"”’»)]*$")
_SEGMENT_SPLIT = re.compile(r"\s*(?:,|，|、|\s\|\s|\s[-–—]\s|\s/\s)\s*")
_SEPARATOR_CHAR = re.compile(r"[,，、|/\-–—]")  # one of these is in every _SEGMENT_SPLIT match


def _first_separator(line: str) -> re.Match[str] | None:
    """``_SEGMENT_SPLIT.search(line)``, starting where a match can first start: at the
    whitespace before the first separator character (no match starts earlier)."""
    c = _SEPARATOR_CHAR.search(line)
    if c is None:
        return None
    p = c.start()
    while p > 0 and line[p - 1].isspace():
        p -= 1
    return _SEGMENT_SPLIT.search(line, p)
_BRACKETS = ("()", "[]", "（）", "【】")
_CLOSER = {opening: closing for opening, closing in _BRACKETS}
_ORG = re.compile(r"\b(?:Times|Post|News|Journal|Herald|Tribune|Daily|Media|Group|Network)\b")
_INITIAL = re.compile(r"^(?:[^\W\d_]\.){1,3}$")
_NOT_IN_NAME = re.compile(r"[\d@#/|()\[\]\"“”«»:;!?,]")


@dataclass
class BylineMatch:
    """A found byline and the lines it occupies (index into ``lines`` → category)."""

    byline: Byline
    lines: dict[int, str]


@dataclass
class _Candidate:
    name: str
    lines: dict[int, str]
    score: int
    label: str | None = None
    role: str | None = None
    cues: list[list[str]] = field(default_factory=list)  # languages of label/role words
    bio: str | None = None


# --- lexicon ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Label:
    text: str
    langs: tuple[str, ...]
    pattern: re.Pattern[str]
    role: bool
    about: bool
    weak: bool  # a bare foreign word ("Von", "Di", "Par") that also starts headlines
    suffix: bool  # follows the name ("X 기자")


@dataclass(frozen=True)
class _Lexicon:
    labels: tuple[_Label, ...]
    roles: dict[str, tuple[str, ...]]  # casefolded role phrase → languages
    modifiers: frozenset[str]
    conjunctions: re.Pattern[str]
    particles: frozenset[str]
    not_name: frozenset[str]
    bios: tuple[tuple[str, re.Pattern[str], re.Pattern[str]], ...]  # lang, copula, nouns
    name_letters: dict[str, str]
    name_suffixes: dict[str, tuple[str, ...]]
    script_languages: dict[str, str]
    any_about: re.Pattern[str]  # matches where some about-the-author label's pattern matches
    any_copula: re.Pattern[str]  # whitespace, then some bio copula (a pre-filter)
    bio_start: re.Pattern[str]  # 2-4 words one space apart, then any_copula


def _any_of(labels: Iterable[tuple[int, _Label]]) -> re.Pattern[str]:
    """One regex matching exactly where one of ``labels``' patterns matches (all are
    anchored and case-insensitive): one C-level test instead of a Python loop per line. Each
    label's alternative is the group ``l<index>`` (its index in the lexicon); the first label
    (in order) that matches is the one taken, so ``lastgroup`` names it."""
    alts = [(i, lb.pattern.pattern.replace("(?P<rest>", "(?:")) for i, lb in labels]
    return re.compile("|".join(f"(?P<l{i}>{a})" for i, a in alts) or r"(?!x)x", re.I)


def _literal(text: str) -> str:
    """A label's text as a pattern: a space stands for any whitespace, ' for either apostrophe."""
    return re.escape(text).replace(r"\ ", r"\s+").replace("'", "['’]")


def _label_pattern(entry: dict) -> re.Pattern[str]:
    text = _literal(entry["text"])
    cjk = script_of(entry["text"]) in _UNCASED_SHORT
    if entry.get("position") == "suffix":
        return re.compile(rf"^(?P<rest>.+?)\s*{text}$", re.I)
    if entry.get("colon"):
        sep = _COLON
    elif entry["text"] in "—–":
        sep = r"\s*"
    else:
        sep = r"(?:\s*[:：]\s*|\s*)" if cjk else r"(?:\s*[:：]\s*|\s+)"
    rest = r"(?P<rest>.*)" if entry.get("about") else r"(?P<rest>\S.*)"
    if entry.get("about"):
        sep = r"(?:\s*[:：]\s*|\s*$)"
    return re.compile(rf"^{text}(?![^\W\d_]){sep}{rest}$", re.I)


def _is_weak(entry: dict) -> bool:
    return not (entry.get("colon") or entry.get("about") or entry.get("position") == "suffix") \
        and " " not in entry["text"] and "en" not in entry["langs"] and bool(entry["langs"])


def _alternation(words: list[str]) -> str:
    return r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b"


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = yaml.safe_load(resources.files("copydesk.rules").joinpath("bylines.yaml").read_text())
    labels = sorted(data["labels"], key=lambda e: -len(e["text"]))
    roles: dict[str, list[str]] = {}
    for lang, spec in data["roles"].items():
        for word in spec["core"]:
            roles.setdefault(word.casefold(), []).append(lang)
    conj = "|".join(re.escape(c) for c in data["conjunctions"])
    bios = tuple(
        (lang, re.compile(spec["copula"], re.I), re.compile(_alternation(spec["nouns"]), re.I))
        for lang, spec in data["bio"].items()
    )
    copulas = "|".join(f"(?:{spec['copula']})" for spec in data["bio"].values()) or r"(?!x)x"
    parsed = tuple(
        _Label(e["text"], tuple(e["langs"]), _label_pattern(e), bool(e.get("role")),
               bool(e.get("about")), _is_weak(e), e.get("position") == "suffix")
        for e in labels
    )
    return _Lexicon(
        labels=parsed,
        roles={k: tuple(v) for k, v in roles.items()},
        modifiers=frozenset(m.casefold() for m in data["roles"]["en"].get("modifiers", [])),
        conjunctions=re.compile(rf"\s+(?:{conj})\s+|\s*&\s*", re.I),
        particles=frozenset(p.casefold() for p in data["name_particles"]),
        not_name=frozenset(w.casefold() for w in data["not_name_words"]),
        bios=bios,
        name_letters=data["name_letters"],
        name_suffixes={k: tuple(v) for k, v in data["name_suffixes"].items()},
        script_languages=data["script_languages"],
        any_about=_any_of((i, lb) for i, lb in enumerate(parsed) if lb.about),
        any_copula=re.compile(rf"\s*(?:{copulas})", re.I),
        bio_start=re.compile(rf"\S++(?: \S++){{1,3}}\s*(?:{copulas})", re.I),
    )


# --- shapes -------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _strip_brackets(line: str) -> str:
    line = line.strip()
    close = _CLOSER.get(line[:1])
    if close is not None and line[-1:] == close:
        return line[1:-1].strip()
    return line


def role_langs(text: str) -> tuple[str, ...] | None:
    """Languages of a role phrase ("Editor", "Staff Reporter", "Редактор"), or None."""
    lex = _lexicon()
    phrase = _norm(text.strip(" .:|-–—"))
    if not phrase:
        return None
    if phrase in lex.roles:
        return lex.roles[phrase]
    head = re.split(r"\s+(?:at|for|with)\s+", phrase, maxsplit=1)
    if len(head) == 2 and len(head[1].split()) > 5:
        return None
    words = head[0].split()
    if len(words) > 1 and words[-1] in lex.roles and "en" in lex.roles[words[-1]]:
        if all(w in lex.modifiers for w in words[:-1]):
            return ("en",)
    if len(head) == 2 and head[0] in lex.roles:
        return lex.roles[head[0]]
    return None


def _cased_token_ok(token: str, allow_caps: bool) -> bool:
    if _INITIAL.match(token):
        return True
    core = token.strip("’'")
    if not core or not core[0].isupper():
        return False
    if not all(ch.isalpha() or ch in "-'’." for ch in core) or core.endswith("."):
        return False
    return allow_caps or not (core.isupper() and len(core) > 2)


def is_name(text: str, *, allow_caps: bool = False) -> bool:
    """Name-shaped: 2–4 capitalised words (plus particles) in any script, Han/Hangul names
    2–4 characters; no digits or sentence punctuation."""
    text = text.strip()
    return bool(text) and len(text) <= 60 and _name_shaped(text, allow_caps)


@lru_cache(maxsize=4096)  # a site's furniture and credit lines repeat from page to page
def _name_shaped(text: str, allow_caps: bool) -> bool:
    """``is_name`` of a stripped text of 1 to 60 characters."""
    tokens = text.split()
    if len(tokens) > 5 or _NOT_IN_NAME.search(text):  # no shape below has more than 5 words
        return False
    lex = _lexicon()
    if any(t.casefold().strip(".") in lex.not_name for t in tokens):
        return False
    counts = script_counts(text)
    script = dominant_script(counts)
    if script is None:
        return False
    if script in _UNCASED_SHORT:
        letters = [ch for ch in text if not ch.isspace()]
        return 2 <= len(letters) <= 4 and len(tokens) <= 2 and all(ch.isalpha() for ch in letters)
    if len(counts) > 1:
        return False
    core = [t for t in tokens if t.casefold() not in lex.particles]
    if not 2 <= len(core) <= 4 or tokens[0].casefold() in lex.particles:
        return False
    if all(_INITIAL.match(t) for t in core):
        return False
    if counts.most_common(1)[0][0] in ("Latin", "Cyrillic", "Greek", "Armenian"):
        return all(_cased_token_ok(t, allow_caps) for t in core)
    return all(all(ch.isalpha() or ch in "-'’\u200c\u200d" for ch in t) for t in tokens)


def _split_names(part: str) -> list[str] | None:
    """Co-authors joined by a conjunction, each name-shaped; None otherwise."""
    names = [n.strip() for n in _lexicon().conjunctions.split(part) if n.strip()]
    if names and all(is_name(n, allow_caps=True) for n in names):
        return names
    return None


_WORDFREQ_LANG = {"no": "nb", "sr": "sh", "hr": "sh", "bs": "sh"}
FUNCTION_WORD_ZIPF = 5.8
ENGLISH_WORD_ZIPF = 4.0


def _names_not_words(names: list[str], langs: Iterable[str]) -> bool:
    """After a weak label, the "name" must not read as ordinary words: no function word of
    the label's language ("Por Qué Importa"), no token far more common in English than in
    that language ("Von Miller Signs Extension").

    The label's language is looked up in wordfreq's small list (~3 MB in memory; a large
    one takes 30-60 MB, per worker): it has every word of Zipf 3.01 and up, with the large
    list's value; a word it lacks (3.00 or less in the large list) gets 0 and the same
    answer, as FUNCTION_WORD_ZIPF > 3 and ENGLISH_WORD_ZIPF - 1 >= 3."""
    from wordfreq import available_languages, zipf_frequency

    if any(script_of(n) != "Latin" for n in names):
        return True  # the confusion is with English headline words
    known = available_languages("small")
    codes = [c for c in (_WORDFREQ_LANG.get(x, x) for x in langs) if c in known]
    tokens = (t.strip(".").casefold() for n in names for t in n.split())
    for token in (t for t in tokens if t not in _lexicon().particles):
        local = max((zipf_frequency(token, c, "small") for c in codes), default=0.0)
        english = zipf_frequency(token, "en")
        if local >= FUNCTION_WORD_ZIPF or (english >= ENGLISH_WORD_ZIPF and english - local >= 1):
            return False
    return True


# --- label lines --------------------------------------------------------------------------


def _label_head(line: str) -> str | None:
    """The part of a line a label pattern is matched against, or None when it is too long."""
    text = _strip_brackets(line)
    if len(text) > MAX_LABEL_LINE:
        return None
    return text.split(";")[0].strip()


@lru_cache(maxsize=8192)
def _labels_for(first: str, last: str) -> re.Pattern[str]:
    """``_any_of`` the labels that can match a line starting with the character ``first``
    and ending with ``last``: a label before the name needs its first character there, one
    after the name its last. A few alternatives instead of them all."""
    return _labels_of(tuple(sorted(_labels_starting(first) + _labels_ending(last))))


@lru_cache(maxsize=8192)
def _labels_starting(ch: str) -> tuple[int, ...]:
    """The labels before the name whose first character matches ``ch`` (as in their patterns)."""
    return tuple(i for i, lb in enumerate(_lexicon().labels)
                 if not lb.suffix and re.fullmatch(_literal(lb.text[0]), ch, re.I))


@lru_cache(maxsize=8192)
def _labels_ending(ch: str) -> tuple[int, ...]:
    """The labels after the name whose last character matches ``ch``."""
    return tuple(i for i, lb in enumerate(_lexicon().labels)
                 if lb.suffix and re.fullmatch(_literal(lb.text[-1]), ch, re.I))


@cache
def _labels_of(indices: tuple[int, ...]) -> re.Pattern[str]:
    """``_any_of`` these labels (few distinct sets: one per class of first and last characters)."""
    labels = _lexicon().labels
    return _any_of((i, labels[i]) for i in indices)


@lru_cache(maxsize=8192)
def _about_starts(ch: str) -> bool:
    """Some about-the-author label's first character matches ``ch`` (as in its pattern), or
    some follows the name (a line starting with anything may hold it)."""
    labels = _lexicon().labels
    return (any(labels[i].about for i in _labels_starting(ch))
            or any(lb.about and lb.suffix for lb in labels))


def may_be_about_label(line: str) -> bool:
    """Could ``parse_label_line(line)`` return an about-the-author candidate (score 4)? False
    is certain: no about-label pattern matches the line."""
    ch = line.lstrip()[:1]  # the label head's first character, unless brackets are stripped
    if ch not in _CLOSER and not _about_starts(ch):
        return False  # (a head starting with ";" is empty: no label matches it either)
    first = _label_head(line)
    return first is not None and _lexicon().any_about.match(first) is not None


def parse_label_line(line: str) -> _Candidate | None:
    """A labelled byline line ("By X", "Autor: X", "Reporting by X; Editing by Y") → candidate
    (name, label, role, language cues), or None."""
    first = _label_head(line)
    if first is None:
        return None
    lex = _lexicon()
    if not first or not (hit := _labels_for(first[0], first[-1]).match(first)):
        return None  # (no label matches an empty line)
    for label in lex.labels[int(hit.lastgroup[1:]) :]:  # the labels before it do not match
        m = label.pattern.match(first)
        if not m:
            continue
        found = _parse_rest(m.group("rest").strip(), label)
        if found is not None:
            return found
    return None


def _parse_rest(rest: str, label: _Label) -> _Candidate | None:
    if label.about and not rest:
        return _Candidate(name="", lines={}, score=4, label=label.text, cues=[list(label.langs)])
    segments = [s for s in _SEGMENT_SPLIT.split(rest) if s]
    names = _split_names(segments[0]) if segments else None
    if not names or (label.weak and not _names_not_words(names, label.langs)):
        return None
    role = label.text if label.role else None
    cues = [list(label.langs)] if label.langs else []
    for seg in segments[1:]:
        langs = role_langs(seg)
        more = None if langs else _split_names(seg)
        if langs:
            role, cues = seg.strip(), cues + [list(langs)]
        elif more and role is None and not _ORG.search(seg):
            names += more  # co-authors: "By A, B and C"
        elif len(seg.split()) > 6 or _SENTENCE_END.search(seg):
            return None
    name = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
    return _Candidate(name=name, lines={}, score=4 if label.about else 3, label=label.text,
                      role=role, cues=cues)


# --- bios ---------------------------------------------------------------------------------


def _copula_after_name(line: str, words: list[str]) -> bool:
    """Some language's copula starts the tail after the first 2, 3 or 4 ``words``
    (``line.split(None, 4)``), ``line[len(" ".join(words[:size])):].lstrip()``. The patterns
    skip the whitespace themselves and match in place, not on three copied tails; with the
    first words one space apart, a name ends where a word ends: one regex for all three."""
    lex = _lexicon()
    if line.startswith(" ".join(words[:4])):
        return lex.bio_start.match(line) is not None
    return any(lex.any_copula.match(line, len(" ".join(words[:size]))) for size in (4, 3, 2))


def parse_bio(line: str, name: str | None = None) -> tuple[str, str] | None:
    """``(name, language)`` for "<Name> is a … reporter …"; with ``name`` given (after an
    about-label), any paragraph starting with that name counts."""
    if name:
        if _norm(line).startswith(_norm(name)) and len(line) > len(name) + 3:
            return name, detect_language(line) or ""
        return None
    lex = _lexicon()
    words = line.split(None, 4)  # the first 4 words (and the rest): a name has at most 4
    if not _copula_after_name(line, words):
        return None  # no language's copula after a 2-4 word name: no bio, whatever the name
    for size in (4, 3, 2):
        cand = " ".join(words[:size])
        if not is_name(cand):
            continue
        tail = line[len(cand) :].lstrip()
        first_sentence = re.split(r"(?<=[.!?])\s", tail, maxsplit=1)[0][:240]
        for lang, copula, nouns in lex.bios:
            m = copula.match(first_sentence)
            if m and nouns.search(first_sentence[m.end() :]):
                return cand, lang
        return None
    return None


# --- zones --------------------------------------------------------------------------------


def _is_debris(line: str) -> bool:
    """A short trailing UI/credit line ("Share", "Reading now", "Image: …", "© Reuters")."""
    return len(line) <= 80 and len(line.split()) <= 8 and not _SENTENCE_END.search(line)


def _bottom_indices(lines: list[str]) -> list[int]:
    """The last lines, last first (``_after_ok`` checks what follows a candidate)."""
    return list(range(len(lines) - 1, max(0, len(lines) - BOTTOM_LINES) - 1, -1))


def _top_indices(lines: list[str], title: str | None) -> list[int]:
    out: list[int] = []
    for i, line in enumerate(lines[:TOP_LINES]):
        if title and _norm(line) == _norm(title):
            continue
        out.append(i)
        if len(line) > 120 or (_SENTENCE_END.search(line) and len(line.split()) > 12):
            break  # a paragraph: what follows is body, not the top zone
    return out


def _after_ok(lines: list[str], claimed: Iterable[int]) -> bool:
    """Every line after the last claimed one is short debris (at most a few)."""
    tail = lines[max(claimed) + 1 :]
    return len(tail) <= MAX_DEBRIS and all(_is_debris(t) for t in tail)


# --- candidate search ---------------------------------------------------------------------


def _with_role_and_bio(cand: _Candidate, lines: list[str], i: int, bottom: bool) -> _Candidate:
    """Attach the role line after the name line, and bio paragraphs that start with the name."""
    j = i + 1
    if j < len(lines) and cand.role is None and (langs := role_langs(lines[j])):
        cand.lines[j], cand.role = "byline-role", lines[j].strip()
        cand.cues.append(list(langs))
        j += 1
    if bottom or cand.score >= 4:
        while j < len(lines) and cand.name and parse_bio(lines[j], cand.name):
            cand.lines[j] = "author-bio"
            cand.bio = lines[j]
            j += 1
    return cand


def _about_block(lines: list[str], i: int, cand: _Candidate) -> _Candidate | None:
    """"About the author" alone: the next line is the name (or a bio starting with it)."""
    cand.lines[i] = "author-line"
    if cand.name:
        return _with_role_and_bio(cand, lines, i, bottom=True)
    if i + 1 >= len(lines):
        return None
    nxt = lines[i + 1]
    if is_name(nxt):
        cand.name, cand.lines[i + 1] = nxt.strip(), "byline"
        return _with_role_and_bio(cand, lines, i + 1, bottom=True)
    bio = parse_bio(nxt)
    if bio:
        cand.name, cand.lines[i + 1], cand.bio = bio[0], "author-bio", nxt
        return _with_role_and_bio(cand, lines, i + 1, bottom=True)
    return None


def _labelled(lines: list[str], i: int, bottom: bool) -> _Candidate | None:
    cand = parse_label_line(lines[i])
    if cand is None:
        return None
    if cand.score >= 4:
        return _about_block(lines, i, cand)
    if cand.label in ("—", "–") and _dash_list(lines, i):
        return None
    cand.lines[i] = "author-line"
    return _with_role_and_bio(cand, lines, i, bottom)


def _dash_list(lines: list[str], i: int) -> bool:
    """Neighbouring lines start with the same dash: a list or quote attributions."""
    dash = lines[i][:1]
    return any(0 <= j < len(lines) and lines[j][:1] == dash for j in (i - 1, i + 1))


def _name_with_role(lines: list[str], i: int, bottom: bool, name_line: bool) -> _Candidate | None:
    """An unlabelled name line followed by a role line, or "Name, Role" on one line.
    ``name_line``: ``is_name(lines[i])``."""
    line = lines[i].strip()
    first_sep = _first_separator(line)
    # "Name, Role" needs a separator after at most 60 characters (a longer first segment is
    # no name) and a name before it (the first segment, unless the line starts with a
    # separator), so most lines skip the split
    near = first_sep is not None and first_sep.start() <= 60
    head = line[: first_sep.start()] if near else ""
    if near and (not head or is_name(head)):
        segments = [s for s in _SEGMENT_SPLIT.split(line) if s]
        if len(segments) == 2 and is_name(segments[0]) and (langs := role_langs(segments[1])):
            return _Candidate(name=segments[0], lines={i: "byline"}, score=3, role=segments[1],
                              cues=[list(langs)])
    if not name_line or i + 1 >= len(lines) or not role_langs(lines[i + 1]):
        return None
    cand = _Candidate(name=line, lines={i: "byline"}, score=3)
    return _with_role_and_bio(cand, lines, i, bottom)


def _bare_name(
    lines: list[str], i: int, doc_script: Callable[[], str | None] | None, hint: str | None,
    name_line: bool,
) -> _Candidate | None:
    """A bare name at an edge: only if it equals the metadata author, or is written in a
    different script than the document (a Cyrillic credit under an English article).
    ``doc_script`` gives the document's script (computed on first use), None: not asked;
    ``name_line``: ``is_name(lines[i])``."""
    if not name_line:
        return None
    line = lines[i].strip()
    if hint and _norm(line) == _norm(hint):
        return _Candidate(name=line, lines={i: "byline"}, score=2)
    script = script_of(line)
    doc = doc_script() if doc_script is not None else None
    if not doc or script in (doc, *_UNCASED_SHORT):
        return None  # Han/Hangul words are too often nouns ("日本") to trust without a label
    previous = lines[i - 1] if i else ""
    if _is_debris(previous) and script_of(previous) not in (doc, None):
        return None  # a run of foreign-script short lines: a language menu
    return _Candidate(name=line, lines={i: "byline"}, score=1)


def _bio_only(lines: list[str], i: int) -> _Candidate | None:
    bio = parse_bio(lines[i])
    if not bio:
        return None
    return _Candidate(name=bio[0], lines={i: "author-bio"}, score=2, bio=lines[i],
                      cues=[[bio[1]]])


def _candidates(lines: list[str], title: str | None, hint: str | None) -> list[_Candidate]:
    """Every byline candidate in the top zone, the bottom zone and about-the-author blocks."""
    found: list[_Candidate] = []

    @cache
    def doc_script() -> str | None:  # only a bare name at the bottom needs it
        return script_of(" ".join(lines[:40]))

    for i in _top_indices(lines, title):
        name_line = is_name(lines[i])
        found += _found(
            _labelled(lines, i, bottom=False),
            _name_with_role(lines, i, False, name_line),
            _bare_name(lines, i, None, hint, name_line),
        )
    bottom = _bottom_indices(lines)
    for i in bottom:
        name_line = is_name(lines[i])
        tail = _found(
            _labelled(lines, i, bottom=True),
            _name_with_role(lines, i, True, name_line),
            _bio_only(lines, i),
            _bare_name(lines, i, doc_script, hint, name_line),
        )
        found += [c for c in tail if _after_ok(lines, c.lines)]
    # explicit about-the-author blocks anywhere above the bottom zone (the last lines)
    for i, line in enumerate(lines[: min(bottom, default=0)]):
        if may_be_about_label(line) and (c := parse_label_line(line)) and c.score >= 4:
            found += _found(_about_block(lines, i, c))
    return [c for c in found if c.name]


def _found(*candidates: _Candidate | None) -> list[_Candidate]:
    return [c for c in candidates if c is not None and c.lines]


# --- language -----------------------------------------------------------------------------


def _name_language(name: str, script: str | None, options: Iterable[str] = ()) -> str | None:
    """Best language for a name from its letters (і/ї/є → uk, ы/э → ru, ł → pl, …)."""
    lex = _lexicon()
    low = name.casefold()
    options = list(options)
    scores: dict[str, int] = {}
    for lang, letters in lex.name_letters.items():
        hits = sum(low.count(ch) for ch in letters)
        if hits:
            scores[lang] = scores.get(lang, 0) + 3 * hits
    if script == "Cyrillic":
        for word in low.split():
            for lang, endings in lex.name_suffixes.items():
                if word.endswith(endings):
                    scores[lang] = scores.get(lang, 0) + 1
    if options:
        scores = {k: v for k, v in scores.items() if k in options}
    if scores:
        return max(scores, key=scores.get)
    if options:
        return None
    return lex.script_languages.get(script or "")


def _decide_language(
    cand: _Candidate, script: str | None, lines: list[str]
) -> tuple[str | None, bool]:
    """``(language, non_english)`` from label/role words, the name's script and letters, then
    langdetect on the bio or the body."""
    foreign = [c for c in cand.cues if c and "en" not in c]
    english = any("en" in c for c in cand.cues)
    non_latin = script not in (None, "Latin")
    if foreign:
        options = [lang for lang in foreign[0] if all(lang in c for c in foreign[1:])] or foreign[0]
        if len(options) == 1:
            return options[0], True
        guess = _name_language(cand.name, script, options)
        if guess is None:
            body = detect_language(" ".join(lines))
            guess = body if body in options else options[0]
        return guess, True
    if non_latin:
        return _name_language(cand.name, script), True
    if english:
        return "en", False
    text = cand.bio or " ".join(lines)
    lang = detect_language(text)
    return lang, lang not in (None, "en")


# --- entry point --------------------------------------------------------------------------


def _pick(found: list[_Candidate]) -> _Candidate | None:
    if not found:
        return None
    best = max(found, key=lambda c: c.score)  # first of the best: top zone before bottom
    for other in found:  # a bio or role elsewhere for the same person belongs to it
        if other is not best and _norm(other.name) == _norm(best.name):
            for i, cat in other.lines.items():
                best.lines.setdefault(i, cat)
            best.bio = best.bio or other.bio
            best.role = best.role or other.role
            best.cues += [c for c in other.cues if c not in best.cues]
    return best


def find_byline(
    lines: list[str], *, title: str | None = None, author_hint: str | None = None
) -> BylineMatch | None:
    """Find the byline in a document's non-blank, stripped ``lines``; None if there is none.

    Only the top zone, the bottom zone and explicit author blocks are searched; ``author_hint``
    (the author from HTML metadata) lets a bare name line count.
    """
    best = _pick(_candidates(lines, title, author_hint))
    if best is None:
        return None
    script = script_of(best.name)
    language, non_english = _decide_language(best, script, lines)
    byline = Byline(
        name=best.name,
        role=best.role,
        label=best.label,
        script=script,
        language=language,
        non_english=non_english,
        latin=romanize(best.name, language, script),
    )
    return BylineMatch(byline=byline, lines=dict(sorted(best.lines.items())))
