"""The page's requirements: one row per requirement with its quote, what checks it, a badge per
lab and its verdict, and the source text each quote links into.

The rows come from `model/report/traceability.py`; the source text is rendered from markdown
(`model/report/markdown.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.report.html import esc, req_links, verdict_span
from ehttp.report.markdown import (
    SourceBlock,
    find_block,
    render_block,
    render_inline,
    source_blocks,
)
from ehttp.report.requirements import FACTS, SEED, SPECS
from ehttp.report.traceability import TESTS, TraceRow

__all__ = ["Cited", "cite", "requirements_section", "source_text"]

_BADGE = {"holds": "&#x2713;", "violated": "&#x2717;", "unknown": "?", "vacuous": "&#x2205;"}


def _badge(verdicts: set[str]) -> str:
    for word in ("violated", "unknown", "vacuous", "holds"):
        if word in verdicts:
            return f'<span class="badge b-{word}" title="{word}">{_BADGE[word]}</span>'
    return '<span class="badge b-none" title="no property in this lab">&#x2013;</span>'


@dataclass(frozen=True)
class Cited:
    """Where in the included source text each requirement's quote sits."""

    blocks: dict[str, tuple[SourceBlock, ...]]
    anchors: dict[str, str]
    cited_by: dict[str, list[str]]


def cite(rows: Sequence[TraceRow]) -> Cited:
    blocks = {
        doc: source_blocks((SPECS.parent / doc).read_text(encoding="utf-8"))
        for doc in (SEED, FACTS)
    }
    anchors: dict[str, str] = {}
    cited_by: dict[str, list[str]] = {}
    for row in rows:
        req = row.requirement
        doc = req.quoted_document
        quotes = req.quotes or req.reference_quotes
        block = find_block(blocks[doc], quotes[0]) if quotes else None
        if block is None:
            continue
        anchor = f"src-{'facts' if doc == FACTS else 'seed'}-{block.number}"
        anchors[req.id] = anchor
        cited_by.setdefault(anchor, []).append(req.id)
    return Cited(blocks, anchors, cited_by)


_NO_TESTS = (
    "Test traceability is not available: this installed package has no tests/ to read, so no "
    "requirement shows its tests; write the report from a source checkout to see them."
)


def requirements_section(rows: Sequence[TraceRow], labs: Sequence[str], cited: Cited) -> str:
    head = (
        "<tr><th>ID</th><th>quote (source) and our wording</th><th>checked by</th>"
        + "".join(f'<th class="lab">{esc(name)}</th>' for name in labs)
        + "<th>verdict</th></tr>"
    )
    out = [f'<table class="req">{head}']
    for row in rows:
        req = row.requirement
        quotes = "<br>".join(f"&#x201C;{render_inline(q)}&#x201D;" for q in req.quotes)
        source = cited.anchors.get(req.id)
        where = esc(req.section) + ("" if req.source != "derived" else ", derived")
        link = f'<a href="#{source}">{where}</a>' if source else where
        names = sorted({p.name for p in row.properties})
        checks = "; ".join(esc(n) for n in names)
        tests = ""
        if row.tests:
            tests = f' <span title="{esc(chr(10).join(t.node for t in row.tests))}">' + (
                f"+ {len(row.tests)} test{'s' if len(row.tests) != 1 else ''}</span>"
            )
        badges = "".join(
            f"<td>{_badge({p.verdict for p in row.properties if p.lab == lab})}</td>"
            for lab in labs
        )
        bad = ' class="bad"' if row.verdict in ("violated", "unknown", "untraced") else ""
        out.append(
            f'<tr id="{esc(req.id)}"{bad}><td><b>{esc(req.id)}</b></td>'
            f'<td class="q"><p>{quotes} <span class="small">({link})</span></p>'
            f'<p class="small">{esc(req.wording)}</p></td>'
            f'<td class="by">{checks or "<i>no property</i>"}{tests}</td>'
            f"{badges}<td>{verdict_span(row.verdict)}</td></tr>"
        )
    out.append("</table>")
    legend = (
        '<p class="small">Badges per lab: <span class="badge b-holds">&#x2713;</span> holds, '
        '<span class="badge b-violated">&#x2717;</span> violated, '
        '<span class="badge b-unknown">?</span> unknown, '
        '<span class="badge b-vacuous">&#x2205;</span> vacuous, '
        '<span class="badge b-none">&#x2013;</span> no property of that lab names it. Hover '
        "“+ N tests” for the tests. The source link opens the paragraph in the included "
        "source text.</p>"
    )
    if TESTS is None:
        legend += f'<p class="small">{esc(_NO_TESTS)}</p>'
    return legend + "".join(out)


def source_text(cited: Cited) -> str:
    parts = []
    for doc, key, title in (
        (SEED, "seed", "The source document (seed)"),
        (FACTS, "facts", "The reference facts"),
    ):
        blocks = []
        for block in cited.blocks[doc]:
            anchor = f"src-{key}-{block.number}"
            by = cited.cited_by.get(anchor)
            mark = f'<p class="cited">cited by {req_links(by)}</p>' if by else ""
            html = render_block(block.text, heading_offset=3)
            blocks.append(f'<div id="{anchor}">{html}{mark}</div>')
        parts.append(
            f'<details class="source"><summary>{esc(title)}: <code>{esc(doc)}</code>, rendered '
            f"({len(blocks)} blocks)</summary>{''.join(blocks)}</details>"
        )
    return "".join(parts)
