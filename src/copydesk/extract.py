"""HTML → article text plus metadata, through trafilatura."""

from __future__ import annotations

from typing import Any

import trafilatura


def extract_html(html: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Return the article text (one paragraph per line) and trafilatura's metadata.

    Metadata keys: title, author, date, sitename, categories, tags, url (None when absent).
    """
    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        with_metadata=True,
    )
    if doc is None:
        return "", {}
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    meta = {k: data.get(k) for k in ("title", "author", "date", "sitename", "categories", "tags", "url")}
    return data.get("text") or "", meta
