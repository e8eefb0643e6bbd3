"""The page's requirements: one row per requirement with its quote, what checks it, a badge per
lab and its verdict, and the source text each quote links into.

The rows come from `model/report/traceability.py`; the source text is rendered from markdown
(`model/report/markdown.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.compose.property_ids import property_id
from ehttp.report.html import esc, req_links, verdict_span
from ehttp.report.markdown import (
    SourceBlock,
    find_block,
    render_block,
    render_inline,
    source_blocks,
)
from ehttp.report.requirements import FACTS, SEED, SPECS
from ehttp.report.traceability import AttackRef, TraceRow

__all__ = ["NOT_SHIPPED_WORDS", "Cited", "cite", "requirements_section", "source_text"]

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


NOT_SHIPPED_WORDS = "tests not shipped with the package"
"""What the test column says when the report is written from an installed package."""


def _names(label: str, names: Sequence[str], title: str = "") -> str:
    """One line of the evidence cell: a label, then the names (a tooltip when given)."""
    hover = f' title="{esc(title)}"' if title else ""
    return f"<div{hover}>{label}: {esc(', '.join(names))}</div>"


def _attack_line(attacks: Sequence[AttackRef]) -> str:
    """The attack cases by reason code, how many of each, the cases' names in the tooltip; a case
    not refused as expected is red."""
    if not attacks:
        return ""
    counts: dict[str, int] = {}
    for attack in attacks:
        counts[attack.reason] = counts.get(attack.reason, 0) + 1
    codes = ", ".join(
        esc(code) + (f" &#xD7;{n}" if n > 1 else "") for code, n in sorted(counts.items())
    )
    failed = [a.name for a in attacks if not a.refused]
    bad = (
        f' <b class="fail">not refused as expected: {esc(", ".join(failed))}</b>' if failed else ""
    )
    names = esc(", ".join(a.name for a in attacks))
    return (
        f'<div title="{names}">{len(attacks)} attack case{"s" if len(attacks) != 1 else ""}: '
        f"{codes}{bad}</div>"
    )


def _test_line(row: TraceRow, tests_read: bool) -> str:
    if not tests_read:
        return f'<div class="not-shipped">tests: {esc(NOT_SHIPPED_WORDS)}</div>'
    if not row.tests:
        return ""
    count = len(row.tests)
    nodes = esc("\n".join(t.node for t in row.tests))
    return f'<div title="{nodes}">{count} test{"s" if count != 1 else ""} (hover for them)</div>'


def _evidence(row: TraceRow, tests_read: bool) -> str:
    """What checks the requirement: properties by short ID, attack cases by reason code, lab
    mutants those attacks catch, tests; "untraced" only when none of them does."""
    ids = sorted({property_id(p.name) for p in row.properties})
    lines = [
        _names("properties", ids, "; ".join(sorted({p.name for p in row.properties})))
        if ids
        else "",
        _attack_line(row.attacks),
        _names("mutants caught", [m.name for m in row.mutants]) if row.mutants else "",
        _test_line(row, tests_read),
    ]
    found = "".join(lines)
    if not (ids or row.attacks or row.mutants or row.tests):
        word = "untraced" if tests_read else "nothing in the package"
        found = f'<div class="{"untraced" if tests_read else "not-shipped"}">{word}</div>' + found
    return found


def requirements_section(
    rows: Sequence[TraceRow],
    labs: Sequence[str],
    cited: Cited,
    *,
    tests_read: bool = True,
    mutants_run: bool = True,
) -> str:
    """One row per requirement: ID, quote and wording, what checks it, a badge per lab and the
    verdict; `tests_read` is False from an installed package (no tests to read), `mutants_run`
    False when the lab mutants were not run against the catalogue for this page."""
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
        badges = "".join(
            f"<td>{_badge({p.verdict for p in row.properties if p.lab == lab})}</td>"
            for lab in labs
        )
        bad = ' class="bad"' if row.verdict in ("violated", "unknown", "untraced") else ""
        out.append(
            f'<tr id="{esc(req.id)}"{bad}><td><b>{esc(req.id)}</b></td>'
            f'<td class="q"><p>{quotes} <span class="small">({link})</span></p>'
            f'<p class="small">{esc(req.wording)}</p></td>'
            f'<td class="by">{_evidence(row, tests_read)}</td>'
            f"{badges}<td>{verdict_span(row.verdict)}</td></tr>"
        )
    out.append("</table>")
    return _legend(tests_read, mutants_run) + "".join(out)


def _legend(tests_read: bool, mutants_run: bool) -> str:
    mutants = (
        "the lab mutants (model/lab/mutants.py) the attack catalogue catches on this lab, "
        "counted for the requirements of the attacks that let them through"
        if mutants_run
        else "lab mutants: not run for this page"
    )
    tests = (
        "the tests that carry the requirement's marker (hover for them)"
        if tests_read
        else f'<span class="not-shipped">{esc(NOT_SHIPPED_WORDS)}</span>: this page was '
        "written from an installed package, which has no tests/ to read; write it from a source "
        "checkout to see them"
    )
    return (
        '<p class="small">Checked by: <b>properties</b> by short ID (hover for the sentences); '
        "<b>attack cases</b> run against this lab, by the reason code the lab must refuse each "
        f"with (hover for the cases); <b>mutants caught</b>: {mutants}; <b>tests</b>: {tests}. "
        'Verdict: <span class="untraced">untraced</span> only when none of these checks it'
        + (
            ""
            if tests_read
            else ' (from a package: <span class="not-shipped">tests not '
            "shipped</span>, as tests may)"
        )
        + '; <span class="enforced">enforced</span> when no property names it and the lab '
        "refuses every attack case on it. "
        'Badges per lab: <span class="badge b-holds">&#x2713;</span> holds, '
        '<span class="badge b-violated">&#x2717;</span> violated, '
        '<span class="badge b-unknown">?</span> unknown, '
        '<span class="badge b-vacuous">&#x2205;</span> vacuous, '
        '<span class="badge b-none">&#x2013;</span> no property of that lab names it. '
        "The source link opens the paragraph in the included source text.</p>"
    )


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
