"""Statistical boilerplate detection for lines the explicit rules did not decide.

Placeholder until the line classifier lands (issue 3): it decides nothing.
"""

from __future__ import annotations

from copydesk.corpus import CorpusStats


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
    return {}
