"""Load debris rules from YAML (ours, then the user's) into compiled, ready-to-match form."""

from __future__ import annotations

import re
import re._constants as sre
import re._parser as sre_parse
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import regex
import yaml

ZONES = {"any", "head", "tail", "edge"}
BULLET = re.compile(r"^(?:[•·▪●◦‣∙*→»›>–—-]+|\(?\d{1,2}[.)])\s+")
PHRASE_TAIL = re.compile(r"\s*(?:[:»›…]|->|→|\.{3})\s*$")
_TAIL_ENDS = (":", "»", "›", "…", ">", "→", ".")  # how each PHRASE_TAIL marker ends
# Rules match whole lines, and debris lines are short: longer lines never reach a pattern, and
# each match is time-bounded, so no rule can stall a run on a long or adversarial line.
MAX_LINE_CHARS = 1000
# How every validation pattern starts: a line the cleaner matches (at most MAX_LINE_CHARS), and
# an optional bullet.
VALIDATION_LINE = rf"(?im)^(?=[^\n]{{0,{MAX_LINE_CHARS}}}$)(?:{BULLET.pattern[1:]})?"
MATCH_TIMEOUT = 0.05  # seconds per pattern and line; a match that takes longer is no match
PATTERN_FLAGS = regex.IGNORECASE | regex.VERSION0  # how every rule pattern is compiled


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the problem."""


@dataclass
class Rule:
    """One debris rule: whole-line phrases and patterns, a category and where it applies."""

    category: str
    zone: str = "any"
    max_words: int | None = None
    phrases: dict[str, str] = field(default_factory=dict)  # normalised phrase -> language
    patterns: list[regex.Pattern[str]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def match_phrase(self, phrase: str) -> tuple[str, None, str] | None:
        """``match`` by the listed phrases alone, given the line's normalised phrase."""
        if phrase not in self.phrases:
            return None
        lang = self.phrases[phrase]
        return f"{self.category} phrase {phrase!r} ({lang})", None, lang

    def match(
        self, line: str, phrase: str | None = None, n_words: int | None = None
    ) -> tuple[str, regex.Match[str] | None, str | None] | None:
        """``(reason, match, language)`` when ``line`` (bullet already removed) is this debris.

        ``phrase`` (``normalise_phrase(line)``) and ``n_words`` may be passed in when the caller
        matches one line against many rules, so they are computed once per line.
        """
        if len(line) > MAX_LINE_CHARS:
            return None
        phrase = normalise_phrase(line) if phrase is None else phrase
        if phrase in self.phrases:  # listed phrases match whatever their length (max_words is for patterns)
            return self.match_phrase(phrase)
        if not self.patterns:
            return None
        n_words = len(line.split()) if n_words is None else n_words
        if self.max_words is not None and n_words > self.max_words:
            return None
        for pattern in self.patterns:
            try:
                m = pattern.fullmatch(line, timeout=MATCH_TIMEOUT)
            except TimeoutError:
                continue
            if m:
                return f"{self.category} pattern /{short(pattern.pattern)}/", m, None
        return None


@dataclass
class RuleSet:
    """All rules in matching order, plus the shared settings."""

    rules: list[Rule]
    home_words: set[str]
    prose: dict[str, int]
    sources: list[str]

    def patterns_for_validation(self) -> list[str]:
        """Multiline regexes that find any rule's whole line inside a cleaned text.

        The same rules that clean also check the output, so the two cannot drift apart.
        """
        out = []
        for rule in self.rules:
            if rule.zone != "any":  # zone rules keep matching lines mid-article on purpose
                continue
            # patterns only match lines of at most max_words words (listed phrases any line)
            words = "" if rule.max_words is None else words_lookahead(rule.max_words)
            for p in rule.patterns:
                out.append(rf"{VALIDATION_LINE}{words}(?:{non_capturing(p.pattern)})$")
            if rule.phrases:
                alts = "|".join(re.escape(ph).replace(r"\ ", r"\s+") for ph in sorted(rule.phrases))
                out.append(rf"{VALIDATION_LINE}(?:{alts})\s*[:»›…]?$")
        return out


def words_lookahead(max_words: int) -> str:
    """A lookahead that holds on a line of at most ``max_words`` words."""
    return rf"(?=(?:\S+[^\S\n]+){{0,{max_words - 1}}}\S*$)"


# What ``words_lookahead`` writes, for any count (validation checks it once for the patterns
# that share it: validate._alternation)
WORDS_LOOKAHEAD = re.compile(r"\(\?=\(\?:\\S\+\[\^\\S\\n\]\+\)\{0,\d+\}\\S\*\$\)")


def non_capturing(pattern: str) -> str:
    """The pattern with its groups made non-capturing (pandas warns about capturing ones)."""
    pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


def short(pattern: str, n: int = 40) -> str:
    return pattern if len(pattern) <= n else pattern[: n - 1] + "…"


def normalise_phrase(line: str) -> str:
    """The line as a listed phrase: without a trailing marker (``PHRASE_TAIL``), its words
    one space apart, casefolded."""
    if line.rstrip().endswith(_TAIL_ENDS):  # else no marker ends the line: nothing to remove
        line = PHRASE_TAIL.sub("", line)
    return " ".join(line.split()).casefold()


def strip_bullet(line: str) -> str:
    """The line without a leading bullet or list number ("• 4 min read" → "4 min read")."""
    return BULLET.sub("", line, count=1)


def _compile(pattern: str, where: str, *, trusted: bool = False) -> regex.Pattern[str]:
    """Compile a rule's pattern; a user's pattern shaped for catastrophic backtracking is refused.

    Patterns must be valid for Python's ``re`` too: the validation suite runs them with it.
    """
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
        compiled = regex.compile(pattern, PATTERN_FLAGS)
    except (re.error, regex.error) as exc:
        raise RulesError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
    if not trusted and _nested_repeat(parsed):
        raise RulesError(
            f"{where}: pattern {pattern!r} repeats a part that itself repeats or branches, which can "
            "take exponential time; make the inner part atomic (?>...) or possessive (a++)"
        )
    if not trusted and _wildcards(parsed) > MAX_WILDCARDS:
        raise RulesError(
            f"{where}: pattern {pattern!r} has more than {MAX_WILDCARDS} open-ended wildcards "
            "(.*, \\w+, \\S*, [^...]+), which can take polynomial time on a long line"
        )
    return compiled


MAX_WILDCARDS = 2  # the validation suite runs rule patterns with Python's re, which has no timeout
_BROAD = {sre.CATEGORY_WORD, sre.CATEGORY_NOT_WORD, sre.CATEGORY_NOT_SPACE, sre.CATEGORY_NOT_DIGIT}


def _wildcards(items: Any) -> int:
    """How many unbounded repeats of a broad class (any character, \\w, \\S, a negated set)."""
    count = 0
    for op, av in items:
        if op in _REPEATS or op is sre.POSSESSIVE_REPEAT:
            low, high, sub = av
            if high == sre.MAXREPEAT and len(sub) == 1 and _broad(*sub[0]):
                count += 1
            count += _wildcards(sub)
        elif op is sre.BRANCH:
            count += max((_wildcards(alt) for alt in av[1]), default=0)
        elif op is sre.SUBPATTERN:
            count += _wildcards(av[-1])
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            count += _wildcards(av[1])
    return count


def _broad(op: Any, av: Any) -> bool:
    if op in (sre.ANY, sre.NOT_LITERAL):
        return True
    if op is sre.IN:
        return any(o is sre.NEGATE or (o is sre.CATEGORY and a in _BROAD) for o, a in av)
    return False


_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT}


def leading_wildcard(pattern: str) -> bool:
    """Does the pattern start with an open-ended wildcard (``.{0,120}…``, ``.*…``)? Such a
    pattern is tried at every split point of a line: the slowest kind to match."""
    items = sre_parse.parse(pattern, re.IGNORECASE)
    if not len(items):
        return False
    op, av = items[0]
    return (op in _REPEATS or op is sre.POSSESSIVE_REPEAT) and len(av[2]) == 1 and _broad(*av[2][0])


def required_literals(pattern: str) -> list[str] | None:
    """Literal strings one of which every match of ``pattern`` contains (matched with the
    pattern's own flags, so case-insensitively), or None when none is found."""
    return _required(sre_parse.parse(pattern, re.IGNORECASE))


def _required(items: Any) -> list[str] | None:
    """The most selective requirement of a sequence: a run of literal characters, or one
    of a group's, a branch's (all alternatives have one) or a repeat's (at least once)."""
    best: list[str] | None = None
    run = ""
    for op, av in [*items, (None, None)]:  # (None, None): ends the last literal run
        if op is sre.LITERAL:
            run += chr(av)
            continue
        options = [[run]] if run else []
        run = ""
        if op is sre.SUBPATTERN:
            options.append(_required(av[-1]))
        elif op is sre.ATOMIC_GROUP:
            options.append(_required(av))
        elif op is sre.BRANCH:
            alts = [_required(alt) for alt in av[1]]
            options.append(None if None in alts else [lit for alt in alts for lit in alt])
        elif (op in _REPEATS or op is sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            options.append(_required(av[2]))
        for option in options:
            if option and (best is None or min(map(len, option)) > min(map(len, best))):
                best = option
    return best


def _nested_repeat(items: Any, inside: bool = False) -> bool:
    """Does an unbounded repeat contain another repeat or an alternation (``(a+)+``, ``(a|aa)*``)?"""
    for op, av in items:
        if op in _REPEATS:
            low, high, sub = av
            if inside and high > 1:
                return True
            if _nested_repeat(sub, inside or high == sre.MAXREPEAT or high > 50):
                return True
        elif op is sre.BRANCH:
            if inside:
                return True
            if any(_nested_repeat(alt, inside) for alt in av[1]):
                return True
        elif op is sre.SUBPATTERN and _nested_repeat(av[-1], inside):
            return True
        elif op in (sre.ASSERT, sre.ASSERT_NOT) and _nested_repeat(av[1], inside):
            return True
    return False


def _parse_rule(raw: Any, where: str, *, trusted: bool = False) -> Rule:
    if not isinstance(raw, dict) or not isinstance(raw.get("category"), str):
        raise RulesError(f"{where}: each rule needs a 'category' (string)")
    zone = raw.get("zone", "any")
    if zone not in ZONES:
        raise RulesError(f"{where}: zone must be one of {sorted(ZONES)}, not {zone!r}")
    phrases: dict[str, str] = {}
    raw_phrases = raw.get("phrases") or {}
    if isinstance(raw_phrases, list):
        raw_phrases = {"und": raw_phrases}
    if not isinstance(raw_phrases, dict):
        raise RulesError(f"{where}: 'phrases' must map a language to a list of phrases")
    for lang, items in raw_phrases.items():
        for item in items or []:
            phrases[normalise_phrase(str(item))] = str(lang)
    patterns = raw.get("patterns") or []
    if not isinstance(patterns, list):
        raise RulesError(f"{where}: 'patterns' must be a list of regular expressions")
    metadata = raw.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise RulesError(f"{where}: 'metadata' must map a field to a group name")
    max_words = raw.get("max_words")
    if max_words is not None and not isinstance(max_words, int):
        raise RulesError(f"{where}: 'max_words' must be an integer")
    compiled = [_compile(str(p), where, trusted=trusted) for p in patterns]
    for p in compiled:
        metadata = {**{g: g for g in p.groupindex}, **metadata}
    return Rule(
        category=raw["category"],
        zone=zone,
        max_words=max_words,
        phrases=phrases,
        patterns=compiled,
        metadata=metadata,
        source=where,
    )


def _read_yaml(text: str, name: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulesError(f"{name}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"{name}: expected a mapping with a 'rules' list at the top")
    if not isinstance(data.get("rules", []), list):
        raise RulesError(f"{name}: 'rules' must be a list")
    return data


def _builtin_text() -> str:
    return resources.files("copydesk").joinpath("rules/debris.yaml").read_text(encoding="utf-8")


BUILTIN = "copydesk/rules/debris.yaml"


@lru_cache(maxsize=16)
def load_rules(user_files: tuple[str, ...] = ()) -> RuleSet:
    """Our rules plus the user's (their rules match first; their settings override ours)."""
    docs: list[tuple[str, dict[str, Any]]] = []
    for name in user_files:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RulesError(f"{name}: cannot read rules file: {exc.strerror or exc}") from exc
        docs.append((name, _read_yaml(text, name)))
    docs.append((BUILTIN, _read_yaml(_builtin_text(), "debris.yaml")))
    rules: list[Rule] = []
    home: set[str] = set()
    prose: dict[str, int] = {}
    for name, data in docs:
        for i, raw in enumerate(data.get("rules") or []):
            rules.append(_parse_rule(raw, f"{name}: rule {i + 1}", trusted=name == BUILTIN))
        home.update(normalise_phrase(str(w)) for w in data.get("home_words") or [])
        for key, value in (data.get("prose") or {}).items():
            prose.setdefault(str(key), int(value))
    return RuleSet(rules=rules, home_words=home, prose=prose, sources=[n for n, _ in docs])
