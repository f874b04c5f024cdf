"""``report/review.html``: one self-contained page to review a run in a browser.

The run summary (counts, bars, validation results) is rendered here, escaped; the documents
are embedded as JSON in a ``<script type="application/json">`` block and drawn by a small
inline script, one page of documents at a time, with ``textContent`` only — document text is
never parsed as HTML. No network: no CDN, no external CSS or JS.

Each document shows its text with the removed lines struck through and labelled in their
original position (reconstructed from ``removed[].line``), its repairs highlighted with
before → after and the evidence, its byline and flags. The page's size does not grow with
the run: it embeds the first ``first`` published documents plus every flagged or repaired
one, at most ``limit`` in all, and at most ``QUARANTINE_LIMIT`` quarantined inputs (all are
in the output files). A run's batch tasks pick their batch's candidates
(``review_candidates``); the page is assembled from those without reading the documents.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from html import escape
from pathlib import Path
from typing import Any

from copydesk.write import atomic_write_chunks

FIRST = 500  # published documents always embedded, in input order
LIMIT = 2_000  # most published documents embedded (flagged/repaired ones after the first)
QUARANTINE_LIMIT = 2_000  # most quarantined inputs embedded
PAGE_SIZE = 50


def place_removed(removed: list[dict[str, Any]], paragraphs: int) -> list[int]:
    """For each removed line, the index of the text paragraph it stood before (0 = above the
    body, ``paragraphs`` = below it).

    Only line numbers are recorded, so the body lines are inferred: each gap of lines between
    removed lines holds one paragraph per line, or one per two lines when the source
    separates paragraphs with blank lines (every gap between removed lines is odd).
    """
    lines = sorted({r["line"] for r in removed})
    diffs = [b - a for a, b in zip(lines, lines[1:], strict=False) if b - a > 1]
    spacing = 2 if diffs and all(d % 2 == 0 for d in diffs) else 1
    before, seen, previous = {}, 0, 0
    for line in lines:  # body lines sit in the gaps between removed lines
        seen += (line - previous - 1) // spacing
        before[line], previous = seen, line
    return [min(paragraphs, before[r["line"]]) for r in removed]


def _paragraphs(text: str) -> int:
    return len(text.split("\n\n")) if text else 0


def _utf16(text: str, offset: int) -> int:
    """A code-point offset as the UTF-16 index JavaScript strings use."""
    return len(text[:offset].encode("utf-16-le")) // 2


def _doc_entry(doc: dict[str, Any]) -> dict[str, Any]:
    removed = doc.get("removed") or []
    text = doc.get("text") or ""
    slots = place_removed(removed, _paragraphs(text))
    return {
        "status": "published",
        "id": doc.get("id"), "source": doc.get("source"), "title": doc.get("title"),
        "language": doc.get("language"), "text": text,
        "metadata": doc.get("metadata") or {}, "byline": doc.get("byline"),
        "removed": [{**r, "slot": s} for r, s in zip(removed, slots, strict=True)],
        "repairs": [{**r, "offset": _utf16(text, r["offset"])} for r in doc.get("repairs") or []],
        "flags": doc.get("flags") or [],
    }


def _marked(doc: dict[str, Any]) -> bool:
    return bool(doc.get("flags") or doc.get("repairs"))


def review_candidates(documents: Iterable[dict[str, Any]], first: int = FIRST,
                      limit: int = LIMIT) -> list[list[Any]]:
    """A batch's documents the page may embed, as ``[position in the batch, flagged or
    repaired, entry]``: its first ``first`` and up to ``limit`` flagged or repaired ones —
    enough for ``select_candidates`` to make the page's choice over a whole run."""
    out: list[list[Any]] = []
    marked_kept = 0
    for pos, doc in enumerate(documents):
        marked = _marked(doc)
        if pos < first or (marked and marked_kept < limit):
            out.append([pos, marked, _doc_entry(doc)])
            marked_kept += marked
        elif marked_kept >= limit:
            break
    return out


def select_candidates(batches: Iterable[tuple[int, list[list[Any]]]], first: int = FIRST,
                      limit: int = LIMIT) -> list[dict[str, Any]]:
    """The page's documents from batches' ``review_candidates`` (each with the number of
    published documents before its batch): the first ``first`` plus every flagged or repaired
    one, at most ``limit``, in input order; stops reading batches once the page is full."""
    kept: list[dict[str, Any]] = []
    for offset, candidates in batches:
        for pos, marked, entry in candidates:
            if len(kept) < limit and (offset + pos < first or marked):
                kept.append(entry)
        if len(kept) >= limit:
            break
    return kept


def _bars(title: str, counts: dict[str, int]) -> str:
    if not counts:
        return f'<section class="bars"><h3>{escape(title)}</h3><p class="muted">none</p></section>'
    top = max(counts.values()) or 1
    rows = "".join(
        f'<div class="bar"><span class="label">{escape(str(k))}</span>'
        f'<span class="track"><span class="fill" style="width:{100 * v / top:.1f}%"></span></span>'
        f'<span class="n">{v}</span></div>'
        for k, v in counts.items()
    )
    return f'<section class="bars"><h3>{escape(title)}</h3>{rows}</section>'


def _validation(validation: dict[str, Any] | None) -> str:
    if not validation:
        return '<p class="muted">Validation did not run.</p>'
    rows = []
    for r in validation.get("expectations", []):
        status = "pass" if r["success"] else ("FAIL" if r["severity"] == "error" else "warn")
        sample = "; ".join(str(s)[:80] for s in r.get("sample") or [])
        rows.append(
            f'<tr class="{status.lower()}"><td>{escape(status)}</td><td>{escape(r["suite"])}</td>'
            f'<td>{escape(str(r.get("id") or ""))}</td><td>{escape(r["expectation"])}</td>'
            f'<td>{escape(str(r.get("column") or ""))}</td><td>{escape(r["severity"])}</td>'
            f'<td>{escape(str(r.get("unexpected_count") or 0))}</td><td>{escape(sample)}</td></tr>'
        )
    verdict = "passed" if validation.get("success") else "FAILED"
    return (f'<p>Validation <b class="{"ok" if validation.get("success") else "bad"}">{verdict}'
            f'</b> — Data Docs: <a href="data_docs/index.html">data_docs/index.html</a></p>'
            '<table class="validation"><thead><tr><th>result</th><th>suite</th><th>id</th>'
            '<th>expectation</th><th>column</th><th>severity</th><th>unexpected</th>'
            f'<th>sample</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _summary_html(summary: dict[str, Any], note: str) -> str:
    counts = "".join(
        f'<div class="count"><b>{escape(str(summary.get(k, 0)))}</b><span>{k}</span></div>'
        for k in ("inputs", "published", "quarantined")
    )
    bylines = summary.get("bylines") or {}
    counts += (f'<div class="count"><b>{bylines.get("found", 0)}</b><span>bylines</span></div>'
               f'<div class="count"><b>{bylines.get("non_english", 0)}</b>'
               '<span>non-English bylines</span></div>')
    charts = "".join([
        _bars("Removals by category", summary.get("removals_by_category") or {}),
        _bars("Repairs by kind", summary.get("repairs_by_kind") or {}),
        _bars("Flags", summary.get("flags") or {}),
        _bars("Languages", summary.get("languages") or {}),
    ])
    return (f'<section id="summary"><div class="counts">{counts}</div>'
            f'<div class="charts">{charts}</div>'
            f'<h2>Validation</h2>{_validation(summary.get("validation"))}'
            f'<p class="note">{escape(note)}</p></section>')


def write_review(
    report_dir: Path,
    documents: Iterable[dict[str, Any]],
    quarantined: Iterable[dict[str, Any]],
    summary: dict[str, Any],
    *,
    first: int = FIRST,
    limit: int = LIMIT,
) -> Path:
    """Write ``report_dir/review.html`` for documents at hand: ``write_review_page`` with
    them as one batch (a run streams its batches' candidates instead)."""
    documents, quarantined = list(documents), list(quarantined)
    return write_review_page(report_dir, [(0, review_candidates(documents, first, limit))],
                             len(documents), quarantined, len(quarantined), summary,
                             first=first, limit=limit)


def write_review_page(
    report_dir: Path,
    candidates: Iterable[tuple[int, list[list[Any]]]],
    published: int,
    quarantined: list[dict[str, Any]],
    quarantined_total: int,
    summary: dict[str, Any],
    *,
    first: int = FIRST,
    limit: int = LIMIT,
) -> Path:
    """``write_review`` from a run's per-batch ``review_candidates`` (see ``select_candidates``)
    and the first ``QUARANTINE_LIMIT`` of its ``quarantined_total`` quarantined inputs."""
    docs = select_candidates(candidates, first, limit)
    return _write_page(report_dir, docs, published, quarantined[:QUARANTINE_LIMIT],
                       quarantined_total, summary, first, limit)


def _write_page(report_dir: Path, docs: list[dict[str, Any]], total: int,
                quarantined: list[dict[str, Any]], quarantined_total: int,
                summary: dict[str, Any], first: int, limit: int) -> Path:
    quarantine = [{"status": "quarantined", "id": q.get("id"), "source": q.get("source"),
                   "reason": q.get("reason")} for q in quarantined]
    note = f"All {total} published documents are shown"
    if len(docs) < total:
        note = (f"Showing {len(docs)} of {total} published documents: the first {first} and "
                f"every flagged or repaired one (at most {limit} in all); every document is in "
                "the documents file(s)")
    if len(quarantine) < quarantined_total:
        note += (f". Showing the first {len(quarantine)} of {quarantined_total} quarantined "
                 "inputs; all are in quarantine.jsonl.")
    else:
        note += f". All {quarantined_total} quarantined inputs are shown."
    head, rest = _TEMPLATE.split("%SUMMARY%")
    middle, tail = rest.split("%DATA%")
    path = report_dir / "review.html"
    atomic_write_chunks(path, [head + _summary_html(summary, note) + middle,
                               *_json_chunks(PAGE_SIZE, docs + quarantine), tail])
    return path


def _json_chunks(page_size: int, items: list[dict[str, Any]]) -> Iterator[str]:
    """``json.dumps({"pageSize": page_size, "docs": items}, ensure_ascii=False)`` one item at
    a time (a large run's page data is never one string), with ``<`` escaped so nothing in
    the data can close the script block."""
    yield '{"pageSize": ' + json.dumps(page_size) + ', "docs": ['
    for n, item in enumerate(items):
        chunk = json.dumps(item, ensure_ascii=False).replace("<", "\\u003c")
        yield chunk if n == 0 else ", " + chunk
    yield "]}"


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1100px;padding:16px;color:#222}
h1{margin:0 0 12px}h2{margin:20px 0 8px}h3{margin:0 0 6px;font-size:14px}
.muted,.note{color:#666}.ok{color:#176b1d}.bad{color:#b00020}
.counts{display:flex;gap:12px;flex-wrap:wrap}
.count{border:1px solid #ddd;border-radius:6px;padding:8px 14px;min-width:90px}
.count b{display:block;font-size:22px}.count span{color:#555}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:16px;margin-top:14px}
.bar{display:flex;align-items:center;gap:6px;font-size:12px}
.bar .label{width:110px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bar .track{flex:1;background:#eee;height:10px;border-radius:3px}
.bar .fill{display:block;height:10px;background:#4a7bd0;border-radius:3px}
table.validation{border-collapse:collapse;width:100%;font-size:12px}
table.validation td,table.validation th{border:1px solid #ddd;padding:3px 6px;text-align:left}
tr.fail td:first-child{background:#fbd5da;font-weight:bold}tr.warn td:first-child{background:#fff0c2}
tr.pass td:first-child{background:#dff3e0}
#controls{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #ddd;
display:flex;gap:12px;flex-wrap:wrap;align-items:center}
#controls input[type=search]{flex:1;min-width:200px;padding:4px}
article{border:1px solid #ddd;border-radius:6px;margin:12px 0;padding:10px 14px}
article.quarantined{background:#fff6f6}
article header{display:flex;gap:8px;flex-wrap:wrap;align-items:baseline}
article h3{font-size:16px;margin:0}
.tag{font-size:11px;border-radius:3px;padding:1px 5px;background:#eee}
.tag.flag{background:#fff0c2}.tag.warn{background:#fbd5da}
p.para{white-space:pre-wrap;margin:6px 0}
.removed{color:#888;margin:3px 0;font-size:13px}.removed del{color:#a33}
.removed .cat{font-size:11px;background:#f3e1e1;color:#722;border-radius:3px;padding:0 4px;margin-left:6px}
mark.repair{background:#d7f0d0}
ul.repairs{font-size:12px;margin:6px 0;padding-left:18px}.repairs .before{color:#a33}
.byline{font-size:13px;margin:4px 0}
"""

_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var docs = data.docs, size = data.pageSize, page = 0, shown = docs, hay = null;

  function el(tag, cls, children) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function tag(text, cls) { return el("span", "tag " + (cls || ""), [String(text)]); }

  function removedLine(r) {
    var div = el("div", "removed", [el("del", null, [r.text]), el("span", "cat", [r.category])]);
    div.setAttribute("data-category", r.category);
    div.title = "line " + r.line + (r.reason ? " — " + r.reason : "");
    return div;
  }

  function paragraph(text, start, repairs) {
    var p = el("p", "para"), pos = start, end = start + text.length;
    repairs.forEach(function (r) {
      if (r.offset < pos || r.offset + r.after.length > end) return;
      p.appendChild(document.createTextNode(text.slice(pos - start, r.offset - start)));
      var m = el("mark", "repair", [r.after]);
      m.title = r.before + " → " + r.after + " (" + r.kind + ": " + r.evidence + ")";
      p.appendChild(m);
      pos = r.offset + r.after.length;
    });
    p.appendChild(document.createTextNode(text.slice(pos - start)));
    return p;
  }

  function body(d) {
    var box = el("div", "body"), paras = d.text ? d.text.split("\n\n") : [];
    var repairs = d.repairs.slice().sort(function (a, b) { return a.offset - b.offset; });
    var bySlot = {};
    d.removed.forEach(function (r) { (bySlot[r.slot] = bySlot[r.slot] || []).push(r); });
    var offset = 0;
    for (var i = 0; i <= paras.length; i++) {
      (bySlot[i] || []).sort(function (a, b) { return a.line - b.line; })
        .forEach(function (r) { box.appendChild(removedLine(r)); });
      if (i < paras.length) {
        box.appendChild(paragraph(paras[i], offset, repairs));
        offset += paras[i].length + 2;
      }
    }
    return box;
  }

  function render(d) {
    if (d.status === "quarantined") {
      return el("article", "quarantined", [
        el("header", null, [el("h3", null, [d.id]), tag("quarantined", "warn")]),
        el("div", "muted", [d.source]), el("p", null, ["Reason: ", d.reason])]);
    }
    var head = el("header", null, [el("h3", null, [d.title || d.id]), tag(d.language || "und")]);
    d.flags.forEach(function (f) { head.appendChild(tag(f, "flag")); });
    var art = el("article", "document", [head, el("div", "muted", [d.id + " — " + d.source])]);
    if (d.byline) {
      var b = d.byline, bits = ["Byline: ", el("b", null, [b.name])];
      if (b.role) bits.push(" (" + b.role + ")");
      bits.push(" ", tag((b.script || "?") + " / " + (b.language || "und")));
      if (b.latin) bits.push(" ", tag("latin: " + b.latin));
      bits.push(" ", b.non_english ? tag("non-English byline", "warn") : tag("English byline"));
      art.appendChild(el("div", "byline", bits));
    }
    var meta = Object.keys(d.metadata);
    if (meta.length) {
      art.appendChild(el("div", "muted", ["Metadata: " + meta.map(function (k) {
        return k + "=" + d.metadata[k]; }).join("; ")]));
    }
    if (d.repairs.length) {
      art.appendChild(el("ul", "repairs", d.repairs.map(function (r) {
        return el("li", "repair", [el("span", "before", [r.before]), " → ", el("b", null, [r.after]),
          " ", tag(r.kind), " ", el("span", "evidence", [r.evidence])]);
      })));
    }
    art.appendChild(body(d));
    return art;
  }

  function haystack(d) {
    return [d.id, d.title, d.text, d.reason, d.source].concat(
      (d.removed || []).map(function (r) { return r.text; })).join("\n").toLowerCase();
  }

  function apply() {
    var flagged = document.getElementById("f-flagged").checked;
    var repaired = document.getElementById("f-repairs").checked;
    var quarantined = document.getElementById("f-quarantined").checked;
    var q = document.getElementById("q").value.trim().toLowerCase();
    if (q && !hay) hay = docs.map(haystack);
    shown = docs.filter(function (d, i) {
      if (quarantined && d.status !== "quarantined") return false;
      if (flagged && !(d.flags && d.flags.length)) return false;
      if (repaired && !(d.repairs && d.repairs.length)) return false;
      return !q || hay[i].indexOf(q) >= 0;
    });
    page = 0;
    draw();
  }

  function draw() {
    var list = document.getElementById("docs"), pages = Math.max(1, Math.ceil(shown.length / size));
    page = Math.min(page, pages - 1);
    list.textContent = "";
    shown.slice(page * size, page * size + size).forEach(function (d) { list.appendChild(render(d)); });
    document.getElementById("status").textContent =
      shown.length + " of " + docs.length + " shown — page " + (page + 1) + " / " + pages;
    document.getElementById("prev").disabled = page === 0;
    document.getElementById("next").disabled = page >= pages - 1;
  }

  var timer = null;
  document.getElementById("q").addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(apply, 200); });
  ["f-flagged", "f-repairs", "f-quarantined"].forEach(function (id) {
    document.getElementById(id).addEventListener("change", apply); });
  document.getElementById("prev").addEventListener("click", function () { page--; draw(); });
  document.getElementById("next").addEventListener("click", function () { page++; draw(); });
  // a link can preselect filters: review.html#flagged&repairs&quarantined&q=kyiv
  location.hash.slice(1).split("&").forEach(function (part) {
    var kv = part.split("="), box = document.getElementById("f-" + kv[0]);
    if (box && box.type === "checkbox") box.checked = true;
    if (kv[0] === "q") document.getElementById("q").value = decodeURIComponent(kv[1] || "");
  });
  apply();
})();
"""

_TEMPLATE = (
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>copydesk review</title><style>" + _CSS + "</style></head><body>"
    "<h1>copydesk review</h1>%SUMMARY%<h2>Documents</h2>"
    '<div id="controls"><label><input type="checkbox" id="f-flagged"> flagged</label>'
    '<label><input type="checkbox" id="f-repairs"> with repairs</label>'
    '<label><input type="checkbox" id="f-quarantined"> quarantined</label>'
    '<input type="search" id="q" placeholder="search text, titles, ids…">'
    '<button id="prev">‹ prev</button><span id="status"></span><button id="next">next ›</button>'
    '</div><div id="docs"></div>'
    '<script type="application/json" id="review-data">%DATA%</script>'
    "<script>" + _JS + "</script></body></html>\n"
)
