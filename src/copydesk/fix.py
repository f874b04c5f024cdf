"""Encoding and whitespace repair: ftfy for mojibake and control characters, one line ending."""

from __future__ import annotations

import re
import unicodedata

import ftfy

# What ftfy can fix leaves traces: a UTF-8 lead byte read as Latin-1/Windows-1252 ("Ã©",
# "â€™", "Ð¿") followed by a continuation character, C1 control characters, HTML entities,
# Latin ligatures, the replacement character. Text with none of them skips ftfy (≈1.3 ms per
# 4 KB document saved); typography such as ’ and — is no trace by itself.
# Written so that every match starts with one character class (a trace's first character), which
# lets the regex engine skip to candidates instead of trying each alternative at every position.
NEEDS_FTFY = re.compile(
    "[\u00c2-\u00f4\u0080-\u009f&\ufb00-\ufb06\ufffd]"
    "(?:(?<=[\u00c2-\u00f4])[\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]"
    "|(?<=&)#?\\w+;|(?<=[\u0080-\u009f\ufb00-\ufb06\ufffd]))"
)
_UNICODE_LINE_ENDS = re.compile("[\u2028\u2029\x85]")
# A run of spaces becomes one space: only runs that change are matched (two or more, or one that
# is not " "), not every single space of the text.
_ODD_SPACES = r"\t\u00a0\u2000-\u200a\u202f\u205f\u3000"  # spaces other than " "
_SPACES = rf"[ {_ODD_SPACES}]"
_INNER_SPACE = re.compile(rf"{_SPACES}(?:(?<=[^ ]){_SPACES}*|{_SPACES}+)")
_INVISIBLE_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff"  # control, zero-width
_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
# What ``_INVISIBLE`` or ``_INNER_SPACE`` can match, but for runs of " " (found with ``in``): a
# text with none of it (most) is not scanned by them (one scan instead of two slower ones).
_ODD_CHAR = re.compile(f"[{_ODD_SPACES}{_INVISIBLE_CHARS}]")


def fix_text(text: str, *, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """Return the fixed text (one ``\\n`` line ending, lines stripped) and whether ftfy changed it.

    Typography is kept (curly quotes stay) unless ``uncurl_quotes`` is asked for. ftfy runs only
    on text that shows a trace of something it fixes (``NEEDS_FTFY``).
    """
    changed = False
    # Line endings first, so that ftfy's own line-break fixes are no change.
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isascii() and ("\u2028" in text or "\u2029" in text or "\x85" in text):
        text = _UNICODE_LINE_ENDS.sub("\n", text)
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if not text.isascii() and (uncurl_quotes or NEEDS_FTFY.search(text)):
        fixed = ftfy.fix_text(
            text, uncurl_quotes=uncurl_quotes, fix_character_width=False, normalization="NFC"
        )
        changed = fixed != text
        text = fixed
    if "  " in text or _ODD_CHAR.search(text):
        text = _INNER_SPACE.sub(" ", _INVISIBLE.sub("", text))  # no match spans a line break
    return "\n".join(line.strip() for line in text.split("\n")).strip("\n"), changed


def changes_only_spacing(text: str, *, uncurl_quotes: bool = False) -> bool:
    """True when ``fix_text`` would change ``text`` only in line endings and spacing (runs of
    spaces, blanks at line ends): not a character of it is dropped, normalised or fixed."""
    if _INVISIBLE.search(text):
        return False
    return text.isascii() or (not uncurl_quotes and unicodedata.is_normalized("NFC", text)
                              and not NEEDS_FTFY.search(text))
