"""Encoding and whitespace repair: ftfy for mojibake and control characters, one line ending."""

from __future__ import annotations

import re

import ftfy

_LINE_ENDS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
_INNER_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def fix_text(text: str, *, uncurl_quotes: bool = False) -> tuple[str, bool]:
    """Return the fixed text (one ``\\n`` line ending, lines stripped) and whether ftfy changed it.

    Typography is kept (curly quotes stay) unless ``uncurl_quotes`` is asked for. ftfy is skipped
    on pure-ASCII text, which has no mojibake to fix.
    """
    changed = False
    if not text.isascii():
        fixed = ftfy.fix_text(
            text, uncurl_quotes=uncurl_quotes, fix_character_width=False, normalization="NFC"
        )
        changed = fixed != text
        text = fixed
    text = _CONTROL.sub("", _ZERO_WIDTH.sub("", _LINE_ENDS.sub("\n", text)))
    lines = (_INNER_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(lines).strip("\n"), changed
