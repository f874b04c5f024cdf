"""Load debris rules from YAML (ours, then the user's) into compiled, ready-to-match form."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

ZONES = {"any", "head", "tail", "edge"}
BULLET = re.compile(r"^(?:[•·▪●◦‣∙*→»›>–—-]+|\(?\d{1,2}[.)])\s+")
PHRASE_TAIL = re.compile(r"\s*(?:[:»›…]|->|→|\.{3})\s*$")
_SPACE = re.compile(r"\s+")


class RulesError(ValueError):
    """A rules file that cannot be used; the message names the file and the problem."""


@dataclass
class Rule:
    """One debris rule: whole-line phrases and patterns, a category and where it applies."""

    category: str
    zone: str = "any"
    max_words: int | None = None
    phrases: dict[str, str] = field(default_factory=dict)  # normalised phrase -> language
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    metadata: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def match(self, line: str) -> tuple[str, re.Match[str] | None, str | None] | None:
        """``(reason, match, language)`` when ``line`` (bullet already removed) is this debris."""
        if self.max_words is not None and len(line.split()) > self.max_words:
            return None
        phrase = normalise_phrase(line)
        if phrase in self.phrases:
            lang = self.phrases[phrase]
            return f"{self.category} phrase {phrase!r} ({lang})", None, lang
        for pattern in self.patterns:
            m = pattern.fullmatch(line)
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
            for p in rule.patterns:
                out.append(rf"(?im)^(?:{BULLET.pattern[1:]})?(?:{non_capturing(p.pattern)})$")
            if rule.phrases:
                alts = "|".join(re.escape(ph).replace(r"\ ", r"\s+") for ph in sorted(rule.phrases))
                out.append(rf"(?im)^(?:{BULLET.pattern[1:]})?(?:{alts})\s*[:»›…]?$")
        return out


def non_capturing(pattern: str) -> str:
    """The pattern with its groups made non-capturing (pandas warns about capturing ones)."""
    pattern = re.sub(r"\(\?P<\w+>", "(?:", pattern)
    return re.sub(r"(?<!\\)\((?!\?)", "(?:", pattern)


def short(pattern: str, n: int = 40) -> str:
    return pattern if len(pattern) <= n else pattern[: n - 1] + "…"


def normalise_phrase(line: str) -> str:
    return _SPACE.sub(" ", PHRASE_TAIL.sub("", line)).strip().casefold()


def strip_bullet(line: str) -> str:
    """The line without a leading bullet or list number ("• 4 min read" → "4 min read")."""
    return BULLET.sub("", line, count=1)


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise RulesError(f"{where}: bad pattern {pattern!r}: {exc}") from exc


def _parse_rule(raw: Any, where: str) -> Rule:
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
    compiled = [_compile(str(p), where) for p in patterns]
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
    docs.append(("copydesk/rules/debris.yaml", _read_yaml(_builtin_text(), "debris.yaml")))
    rules: list[Rule] = []
    home: set[str] = set()
    prose: dict[str, int] = {}
    for name, data in docs:
        for i, raw in enumerate(data.get("rules") or []):
            rules.append(_parse_rule(raw, f"{name}: rule {i + 1}"))
        home.update(normalise_phrase(str(w)) for w in data.get("home_words") or [])
        for key, value in (data.get("prose") or {}).items():
            prose.setdefault(str(key), int(value))
    return RuleSet(rules=rules, home_words=home, prose=prose, sources=[n for n, _ in docs])
