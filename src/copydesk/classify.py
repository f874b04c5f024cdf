"""Classify a document's lines into body, debris (with a category) and metadata.

Passes, in order, each deciding only lines still undecided:
1. title: the first line when it is shaped like a headline (or equals the HTML title);
2. explicit rules (``rules/debris.yaml`` + the user's): whole-line phrases and patterns;
3. breadcrumb trails at the top ("1. HOME / 2. WORLD / 3. <title>", "Home > World");
4. title repeats anywhere, and the header zone's section labels, tag labels and alternate
   headlines (only before the first prose line);
5. the byline (``byline.find_byline``);
6. the statistical boilerplate pass (``boilerplate.find_boilerplate``).
Whatever is left is body. Metadata carried by removed lines (dates, views, section, credits,
author, subtitle) is kept in ``doc.metadata``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import regex

from copydesk import boilerplate, byline
from copydesk.corpus import CorpusStats
from copydesk.document import Document, Removal
from copydesk.rules_loader import (
    MATCH_TIMEOUT,
    MAX_LINE_CHARS,
    PATTERN_FLAGS,
    RuleSet,
    leading_wildcard,
    non_capturing,
    normalise_phrase,
    required_literals,
    strip_bullet,
)

SENTENCE_END = re.compile(r"[.!?…。！？؟]['\"’”»)\]]*$")
INNER_SENTENCE = re.compile(r"[a-z]{2}[.!?]['\"’”»)]*\s+[\"“‘'(]*[A-Z]")
LINKISH = re.compile(r"https?://|www\.|\S@\S|\.(?:com|org|net|co\.uk)\b|#\w", re.IGNORECASE)
NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+(.+)$")
TRAIL_SEP = re.compile(r"\s*(?:>|›|»|/|\||→|::)\s*")
TAG_COUNT = re.compile(r"^[^\W\d_][\w&'’-]*(?:\s[^\W\d_][\w&'’-]*)?\s\d{1,5}$")
WORD = re.compile(r"[^\W\d_][\w'’-]*")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_NO_PHRASE = " "  # stands for the phrase of a line too long to be a listed phrase
# A classifier remembers the rule analysis of this many short lines (of at most this many
# characters, as page furniture is): ~2 MB of typical lines, at most ~15 MB
SHORT_LINES_KEPT, SHORT_LINE_CHARS = 8192, 200
_UNKNOWN = object()  # a line not remembered (None is an answer: no rule can match it)
_STOP = {"a", "an", "the", "of", "in", "on", "to", "for", "and", "or", "as", "at", "by", "with",
         "is", "are", "was", "from", "us", "has", "have", "not", "no"}


@dataclass
class Line:
    """A non-blank line with its 1-based number in the fixed text."""

    number: int
    text: str


# a line without its bullet, its forms ``(text, phrase, words)``, the first rule that may match
# it and, for each form, the first rule whose patterns may (``Classifier._first_rules``)
_LineRules = tuple[str, list[tuple[str, str, int]], int, list[int]]


def split_lines(text: str) -> list[Line]:
    return [Line(i, s) for i, s in enumerate(text.split("\n"), 1) if s.strip()]


def is_prose(text: str, prose: dict[str, int]) -> bool:
    """A sentence-like line: long enough and ending like a sentence, or simply long."""
    if CJK.search(text) and len(text) >= prose.get("cjk_min_chars", 25):
        return True
    words = len(text.split())
    if words >= prose.get("long_words", 20):
        return True
    return words >= prose.get("min_words", 8) and bool(SENTENCE_END.search(text))


def is_headline(text: str) -> bool:
    """Shaped like a title: a few words, one phrase, not a sentence, a label or a link.

    Strict on purpose: a first line wrongly taken for a title is a lost body line.
    """
    words = text.split()
    return (
        2 <= len(words) <= 24
        and not SENTENCE_END.search(text)
        and not INNER_SENTENCE.search(text)
        and not LINKISH.search(text)
        and not (text.isupper() and len(words) > 3)
        and bool(WORD.search(text))
    )


def runs_on(texts: list[str], i: int) -> bool:
    """Line i continues on line i+1: no closing punctuation, and the next line starts in lower case."""
    if i + 1 >= len(texts) or re.search(r"[.!?:;…\"”’)\]]$", texts[i]):
        return False
    nxt = texts[i + 1].lstrip("\"“‘'(")
    return bool(nxt) and nxt.split()[0].islower()


_WORD_RUN = re.compile(r"\w+")


def text_key(text: str) -> str:
    """What ``same_text`` compares: the word-character runs, casefolded, one space apart
    (punctuation and spacing ignored)."""
    return " ".join(_WORD_RUN.findall(text)).casefold()


def same_text(a: str, b: str) -> bool:
    return text_key(a) == text_key(b)


def content_words(text: str) -> set[str]:
    return {w.casefold() for w in WORD.findall(text) if w.casefold() not in _STOP and len(w) > 2}


def title_case_share(text: str) -> float:
    words = [w for w in WORD.findall(text) if w.casefold() not in _STOP]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


class Classifier:
    """Applies a ``RuleSet`` to one document at a time."""

    def __init__(self, rules: RuleSet) -> None:
        self.rules = rules
        self._phrase_rules: dict[str, int] = {}  # listed phrase → the first rule listing it
        for j, rule in enumerate(rules.rules):
            for phrase in rule.phrases:
                self._phrase_rules.setdefault(phrase, j)
        # Word-count gates: a listed phrase has at most ``_phrase_words`` words, and a line
        # keeps all its words but perhaps one trailing marker ("→") when normalised; a pattern
        # only matches a line of at most its rule's ``max_words`` words. Longer lines (most
        # body lines) cannot match any rule and skip the rules pass altogether.
        self._phrase_words = max((len(p.split()) for p in self._phrase_rules), default=-1)
        pattern_rules = [rule for rule in rules.rules if rule.patterns]
        self._pattern_words = max((math.inf if rule.max_words is None else rule.max_words
                                   for rule in pattern_rules), default=-1)
        self._prefilters: dict[float, _Prefilter] = {}
        self._prefilter_by_words: dict[int, _Prefilter] = {}
        self._short_lines: dict[str, _LineRules | None] = {}  # see ``_line_rules``

    def _prefilter_for(self, n_words: int) -> _Prefilter:
        """The combined prefilter of the rules whose patterns may match a line of ``n_words``
        words (the others reject it on its length); built once per word-count threshold."""
        if n_words not in self._prefilter_by_words:
            key = min((rule.max_words for rule in self.rules.rules if rule.patterns
                       and rule.max_words is not None and rule.max_words >= n_words),
                      default=math.inf)
            if key not in self._prefilters:
                self._prefilters[key] = _prefilter(self.rules, n_words)
            self._prefilter_by_words[n_words] = self._prefilters[key]
        return self._prefilter_by_words[n_words]

    def _forms(self, text: str, bare: str) -> list[tuple[str, str, int]] | None:
        """The line's forms (as written, and without its bullet) as ``(text, phrase, words)``
        for ``Rule.match``; None when no rule can match either form (too many words). A
        form too long for any listed phrase gets the phrase ``_NO_PHRASE``, which no rule
        lists (normalised phrases never start with a space)."""
        bare_words = len(bare.split())
        if bare_words - 1 > self._phrase_words and bare_words > self._pattern_words:
            return None
        forms = []
        for form, n_words in ((text, len(text.split()) if bare != text else bare_words),
                              (bare, bare_words)):
            phrase = normalise_phrase(form) if n_words - 1 <= self._phrase_words else _NO_PHRASE
            forms.append((form, phrase, n_words))
            if bare == text:
                break
        return forms

    def _first_rules(self, forms: list[tuple[str, str, int]]) -> tuple[int, list[int]] | None:
        """``(start, firsts)``: for each form, the index of the first rule whose patterns may
        match it (rules before it can match that form only by phrase; ``len(rules)``: no
        rule's pattern can), and the first rule that may match the line at all (by a listed
        phrase or a pattern). None when no rule can match the line, which is certain: no rule
        lists its phrase and no rule's pattern matches it (``_Prefilter``)."""
        none = len(self.rules.rules)
        firsts = [self._prefilter_for(n_words).first_rule(text, none)
                  if n_words <= self._pattern_words else none for text, _, n_words in forms]
        start = min(firsts + [self._phrase_rules.get(phrase, none) for _, phrase, _ in forms])
        return None if start == none else (start, firsts)

    def _line_rules(self, text: str) -> _LineRules | None:
        """``(bare, forms, start, firsts)`` of a line: ``strip_bullet(text)``, ``_forms`` and
        ``_first_rules``; None when no rule can match the line. The answer depends on the text
        alone, and short lines that a rule may match by their length are remembered: page
        furniture ("Share", "Advertisement", a site's menu) repeats from page to page."""
        known = self._short_lines.get(text, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        if len(text) > MAX_LINE_CHARS:
            return None
        bare = strip_bullet(text)
        forms = self._forms(text, bare)
        if forms is None:
            return None
        found = self._first_rules(forms)
        analysis = None if found is None else (bare, forms, *found)
        if len(text) <= SHORT_LINE_CHARS:
            if len(self._short_lines) >= SHORT_LINES_KEPT:
                self._short_lines.clear()
            self._short_lines[text] = analysis
        return analysis

    def _any_rule(self, line: str) -> bool:
        """Does any rule match ``line`` as written (``Rule.match(line)``), whatever its zone?"""
        found = self._line_rules(line)
        if found is None:
            return False
        _, forms, _, firsts = found
        if forms[0][1] in self._phrase_rules:
            return True
        return any(rule.match(*forms[0]) for rule in self.rules.rules[firsts[0] :])

    def classify(
        self, doc: Document, *, html_title: str | None = None, author_hint: str | None = None,
        stats: CorpusStats | None = None,
    ) -> list[str]:
        """Label ``doc``'s lines, record removals and metadata on it; return the body lines."""
        lines = split_lines(doc.text)
        texts = [ln.text for ln in lines]
        labels: list[str | None] = [None] * len(lines)
        reasons: dict[int, tuple[str, str | None]] = {}
        # the first and the last prose line (the lines between them need no test)
        first = next((i for i, t in enumerate(texts) if is_prose(t, self.rules.prose)), len(lines))
        last = next((i for i in range(len(texts) - 1, first - 1, -1)
                     if is_prose(texts[i], self.rules.prose)), -1)

        def mark(i: int, category: str, reason: str, lang: str | None = None) -> None:
            if labels[i] is None:
                labels[i] = category
                reasons[i] = (reason, lang)

        title = self._title(texts, html_title, first)
        if title is not None and texts and same_text(texts[0], title):
            mark(0, "title", "first line shaped like a headline" if not html_title else "HTML title")
        doc.title = doc.title or title

        for i, text in enumerate(texts):
            found = self._line_rules(text)
            if found is None:
                continue
            bare, forms, start, firsts = found
            zone_ok = {"any": True, "head": i < first, "tail": i > last, "edge": i < first or i > last}
            # Rules before ``start`` can match neither by phrase nor by pattern: they are skipped.
            for j in range(start, len(self.rules.rules)):
                rule = self.rules.rules[j]
                if not zone_ok[rule.zone]:
                    continue
                hit = next((h for form, k in zip(forms, firsts, strict=True)
                            if (h := rule.match(*form) if j >= k else rule.match_phrase(form[1]))),
                           None)
                if hit:
                    reason, m, lang = hit
                    mark(i, rule.category, reason, lang)
                    self._metadata(doc, rule.metadata, m, bare)
                    break

        for i in self._breadcrumbs(texts, labels, first, title):
            mark(i, "breadcrumb", "breadcrumb trail before the article")
        if title:
            title_key = text_key(title)
            # a line with the title's key holds the key's longest word (casefolded): most
            # lines are ruled out without computing their key
            probe = max(title_key.split(" "), key=len)
            for i, text in enumerate(texts):
                if labels[i] is None and probe in text.casefold() and text_key(text) == title_key:
                    mark(i, "duplicate-title", "repeats the title")
        self._header_zone(doc, texts, labels, first, title, mark)

        # Lines already taken as debris do not count towards the byline's top and bottom zones
        # (else a byline below a few debris lines is found only once they are gone).
        open_lines = [i for i, label in enumerate(labels) if label is None]
        found = byline.find_byline([texts[i] for i in open_lines], title=title, author_hint=author_hint)
        if found is not None:
            found.lines = {open_lines[j]: cat for j, cat in found.lines.items()}
            taken = [i for i, cat in found.lines.items() if labels[i] is None]
            for i in taken:
                mark(i, found.lines[i], f"byline ({found.lines[i]})")
            if taken or author_hint:
                doc.byline = found.byline
                doc.metadata.setdefault("author", found.byline.name)

        undecided = boilerplate.find_boilerplate(texts, labels, title=title, stats=stats)
        for i, (category, reason) in undecided.items():
            mark(i, category, reason)

        for i, label in enumerate(labels):
            if label is not None:
                reason, lang = reasons[i]
                doc.removed.append(Removal(lines[i].number, texts[i], label, reason, lang))
        return [texts[i] for i, label in enumerate(labels) if label is None]

    def _title(self, texts: list[str], html_title: str | None, first: int) -> str | None:
        if html_title:
            return html_title.strip()
        first_line = texts[0] if texts else ""
        if (len(texts) >= 2 and first > 0 and strip_bullet(first_line) == first_line
                and is_headline(first_line) and not self._any_rule(first_line)
                and byline.parse_label_line(first_line) is None):
            return first_line
        return None

    def _breadcrumbs(
        self, texts: list[str], labels: list[str | None], first: int, title: str | None
    ) -> list[int]:
        """Numbered trails ("1. HOME", "2. WORLD", …) and separator trails ("Home > World")."""
        found: list[int] = []
        i = 0
        while i < first:
            run = []
            while i < first and (m := NUMBERED.match(texts[i])) and int(m.group(1)) == len(run) + 1:
                run.append((i, m.group(2)))
                i += 1
            if len(run) >= 2 and self._is_trail([item for _, item in run], title):
                found += [j for j, _ in run]
            i += 0 if run else 1
        for j in range(first):
            parts = [p for p in TRAIL_SEP.split(strip_bullet(texts[j])) if p]
            if labels[j] is None and len(parts) >= 2 and all(len(p.split()) <= 6 for p in parts[:-1]) \
                    and normalise_phrase(parts[0]) in self.rules.home_words:
                found.append(j)
        return found

    def _is_trail(self, items: list[str], title: str | None) -> bool:
        if any(len(item.split()) > 15 for item in items):
            return False
        return (
            normalise_phrase(items[0]) in self.rules.home_words
            or all(item.isupper() for item in items[:-1])
            or (title is not None and same_text(items[-1], title))
        )

    @staticmethod
    def _header_zone(doc: Document, texts: list[str], labels: list[str | None], first: int,
                     title: str | None, mark) -> None:
        """Before the first prose line: section labels, tag labels, alternate headlines.

        A line that runs on into the next one (no closing punctuation, the next line starts in
        lower case) is a hard-wrapped paragraph, never a headline.
        """
        title_words: set[str] | None = None  # content_words(title), computed when first needed
        for i in range(first):
            if labels[i] is not None:
                continue
            if runs_on(texts, i) or (i > 0 and runs_on(texts, i - 1)):
                continue
            text = strip_bullet(texts[i])
            words = text.split()
            if text.isupper() and len(words) <= 3 and WORD.search(text):
                mark(i, "section-label", "all-caps label above the article")
                doc.metadata.setdefault("section", text)
            elif TAG_COUNT.match(text):
                mark(i, "tag-label", "tag with a count above the article")
            elif is_headline(text) and title and (
                len(content_words(text) & (title_words := title_words or content_words(title))) >= 2
                or (len(words) >= 5 and title_case_share(text) >= 0.7)
            ):
                mark(i, "alternate-headline", "second headline above the article")
                doc.metadata.setdefault("subtitle", text)

    @staticmethod
    def _metadata(doc: Document, fields: dict[str, str], m: re.Match[str] | None, line: str) -> None:
        for field_name, group in fields.items():
            value = line if group == "line" else (m.group(group) if m and group in m.groupdict() else None)
            if not value:
                continue
            value = value.strip()
            if field_name == "views":
                parsed = parse_count(value)
                if parsed is None:
                    continue
                doc.metadata.setdefault("views", parsed)
            else:
                doc.metadata.setdefault(field_name, value)


@dataclass(frozen=True)
class _Prefilter:
    """Which rule's patterns can first match a line, for the rules that accept a line of its
    length: one combined, time-bounded regex, plus a literal test for each pattern that starts
    with a wildcard (tried at every split point of a line, such a pattern would be most of the
    combined regex's time; it can only match a line holding one of its literals)."""

    combined: regex.Pattern[str] | None  # None: the patterns cannot be combined
    gated: tuple[tuple[int, regex.Pattern[str]], ...]  # (rule index, literal search), rule order

    def first_rule(self, text: str, none: int) -> int:
        """The index of the first rule whose patterns may match ``text``; ``none`` when no
        rule's can, which is certain. The combined regex holds one group per rule in rule
        order, and an alternation's first alternative that matches is the one taken, so its
        group names that rule. A timeout or no combined regex: 0 (every rule may match)."""
        try:
            m = True if self.combined is None else self.combined.fullmatch(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:
            m = True
        first = 0 if m is True else none if m is None else int(m.lastgroup[1:])
        for j, literals in self.gated:
            if j >= first:
                break
            if literals.search(text):
                return j
        return first


def _prefilter(rules: RuleSet, n_words: int = 0) -> _Prefilter:
    """The ``_Prefilter`` of all rules that accept a line of ``n_words`` words; its combined
    regex is None when the patterns cannot be combined (a back-reference, inline flags, or
    the combination does not compile)."""
    by_rule = {j: [p.pattern for p in rule.patterns] for j, rule in enumerate(rules.rules)
               if rule.patterns and (rule.max_words is None or rule.max_words >= n_words)}
    if any(re.search(r"\\[1-9g]|\(\?P=|\(\?[a-zA-Z-]+[:)]", p) for ps in by_rule.values() for p in ps):
        return _Prefilter(None, ())
    gated, combined_by_rule = [], {}
    for j, ps in by_rule.items():
        for p in ps:
            if leading_wildcard(p) and (literals := required_literals(p)):
                gated.append((j, regex.compile("|".join(map(regex.escape, literals)), PATTERN_FLAGS)))
            else:
                combined_by_rule.setdefault(j, []).append(p)
    if not combined_by_rule:
        return _Prefilter(regex.compile(r"(?!x)x"), tuple(gated))
    try:  # one group per rule, named r<index>: the first rule whose pattern matches
        combined = regex.compile("|".join(f"(?P<r{j}>" + "|".join(f"(?:{non_capturing(p)})" for p in ps)
                                          + ")" for j, ps in combined_by_rule.items()), PATTERN_FLAGS)
    except regex.error:
        return _Prefilter(None, ())
    return _Prefilter(combined, tuple(gated))


def parse_count(text: str) -> int | None:
    """"11" → 11, "1,234" → 1234, "1.2K" → 1200; None when it is not a count."""
    m = re.fullmatch(r"(\d[\d,.\s]*?)\s*([kKmM]?)", text.strip())
    if not m:
        return None
    digits, unit = m.group(1).replace(" ", ""), m.group(2).lower()
    if unit:
        try:
            return int(float(digits.replace(",", ".")) * (1000 if unit == "k" else 1_000_000))
        except ValueError:
            return None
    return int(re.sub(r"[,.]", "", digits))
