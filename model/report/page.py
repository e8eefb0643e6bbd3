"""The audit report: one self-contained HTML page about a lab, readable offline.

Gathers what the other views compute, without recomputing any of it: the check summary and every
property with its verdict and trace (`model/compose/checking.py`), the scenario verdicts
(`model/views/scenarios.py`), the seed's two access tables (`model/views/tables.py`), the
traceability matrix (`model/report/traceability.py`), the modeling assumptions
(`specs/assumptions.md`), every machine's diagram as inline SVG (`model/views/diagrams.py`; a note
instead when Graphviz's `dot` is missing), the attack catalogue's results (`model/lab/attacks/`)
and, when given the JSON of a fuzz campaign, its coverage timeline as an inline SVG plot. Styles are
inline and the page references no file and no address, so it works offline as one file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from model.atomic import write_atomic
from model.compose.checking import LabCheck, run_checks
from model.compose.world import MACHINES
from model.config.schema import Lab
from model.lab.attacks import Outcome, run_all
from model.report.requirements import SPECS
from model.report.traceability import (
    TESTS,
    TraceRow,
    build_matrix,
    example_labs,
    property_refs,
    req_markers,
)
from model.spec.site import UNSUPPORTED_STATE
from model.views.diagrams import (
    INSTALL_GRAPHVIZ,
    has_dot,
    lab_start_states,
    machine_graph,
    render,
)
from model.views.scenarios import SCENARIO_TITLES, ScenarioReport, evaluate
from model.views.tables import DP_TYPE_LABELS, MP_TYPE_LABELS, Cell, dp_cells, mp_cells

__all__ = [
    "ASSUMPTIONS",
    "PAGE",
    "Assumption",
    "ReportError",
    "Written",
    "coverage_svg",
    "read_assumptions",
    "render_page",
    "write_report",
]

ASSUMPTIONS = SPECS / "assumptions.md"
PAGE = "index.html"
"""The report's file name inside the output folder."""

_CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.9em}
th,td{border:1px solid #bbb;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#eee}
.holds,.works,.passed{color:#1e7b34;font-weight:bold}
.violated,.unknown,.vacuous,.fails,.failed,.untraced{color:#c0392b;font-weight:bold}
.tested{color:#1f5f99;font-weight:bold}
.warning{border:2px solid #c0392b;padding:0.5em;color:#c0392b}
details{margin:0.3em 0} code{font-size:0.95em} svg{max-width:100%;height:auto}
.diagram{border:1px solid #ddd;margin:1em 0;padding:0.5em;overflow:auto}
"""
_XML_HEAD = re.compile(r"^.*?(?=<svg)", re.DOTALL)


class ReportError(ValueError):
    """A report that can't be written as asked; one line naming the option, value and fix."""


@dataclass(frozen=True)
class Assumption:
    """One section of `specs/assumptions.md`."""

    title: str
    file: str
    requirements: tuple[str, ...]
    reason: str


def read_assumptions(path: Path = ASSUMPTIONS) -> tuple[Assumption, ...]:
    """The sections of the assumptions file, in file order."""
    text = path.read_text(encoding="utf-8")
    found = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = block.partition("\n")
        fields = dict(re.findall(r"^- (\w+): (.*)$", body, flags=re.MULTILINE))
        found.append(
            Assumption(
                title.strip(),
                fields.get("File", "").strip("`"),
                tuple(p.strip() for p in fields.get("Requirements", "").split(",") if p.strip()),
                fields.get("Reason", ""),
            )
        )
    return tuple(found)


def _e(value: object) -> str:
    return escape(str(value))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table; cells in `rows` are already HTML."""
    out = ["<table><tr>", *(f"<th>{_e(h)}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _verdict(word: str) -> str:
    return f'<span class="{_e(word.replace(" ", "-"))}">{_e(word)}</span>'


def _summary(run: LabCheck) -> str:
    main = run.main
    lines = [
        f"<p>Lab <b>{_e(run.lab.name)}</b>: {len(run.lab.clients)} clients; "
        f"{main.states:,} states, {main.transitions:,} transitions, diameter {main.diameter}; "
        f"{sum(p.holds for _, p in run.properties)} of {len(run.properties)} properties hold: "
        f"{_verdict('passed' if run.passed else 'failed')}.</p>"
    ]
    if any(w[0][0] == UNSUPPORTED_STATE for w in run.model.init_states()):
        lines.append(
            '<p class="warning">The site is configured HTTPS only with enhanced HTTP: '
            "unsupported (SITE-2).</p>"
        )
    if run.never_fired_rows:
        items = "".join(f"<li>{_e(row)}</li>" for row in run.never_fired_rows)
        lines.append(
            f"<details><summary>Transition rows never fired</summary><ul>{items}</ul></details>"
        )
    return "".join(lines)


def _properties(run: LabCheck) -> str:
    rows = []
    for variant, prop in run.properties:
        trace = ""
        if prop.trace:
            what = prop.trace_role
            steps = "".join(f"<li>{_e(step.text)}</li>" for step in prop.trace)
            count = len(prop.trace) - 1
            length = f"{count} step" if count == 1 else f"{count} steps"
            trace = f'<details><summary>{what}, {length}</summary><ol start="0">'
            trace += f"{steps}</ol></details>"
        rows.append(
            [
                _verdict(prop.verdict),
                _e(prop.kind),
                _e(prop.name) + ("" if variant == "lab" else f" <i>[{_e(variant)}]</i>"),
                _e(", ".join(prop.requirements)),
                trace,
            ]
        )
    return _table(["verdict", "kind", "property", "requirements", "trace"], rows)


def _scenarios(report: ScenarioReport) -> str:
    rows = [
        [
            _e(v.client),
            _e(SCENARIO_TITLES[v.scenario]),
            _verdict("works" if v.works else "fails"),
            "<ul>" + "".join(f"<li>{_e(reason)}</li>" for reason in v.because) + "</ul>",
            _e(", ".join(v.requirements)),
        ]
        for v in report.verdicts
    ]
    warning = ""
    if report.unsupported:
        warning = '<p class="warning">Unsupported site configuration (SITE-2).</p>'
    return warning + _table(["client", "scenario", "verdict", "because", "requirements"], rows)


def _cell(cell: Cell) -> str:
    return "<br>".join(_e(entry.text) for entry in cell.entries)


def _access_tables() -> str:
    mp_head = ["MP type", *(cell.heading for cell in mp_cells("http"))]
    mp_rows = [
        [_e(label), *(_cell(cell) for cell in mp_cells(mp))] for mp, label in MP_TYPE_LABELS.items()
    ]
    dp_rows = [[_e(label), _cell(dp_cells(dp))] for dp, label in DP_TYPE_LABELS.items()]
    return (
        "<h3>Client to management point communication</h3>"
        + _table(mp_head, mp_rows)
        + "<h3>Client to distribution point communication</h3>"
        + _table(["DP type", "Client authentication"], dp_rows)
    )


_NO_TESTS = (
    "Test traceability is not available: this installed package has no tests/ to read, so the "
    "tests column is empty; write the report from a source checkout to see which tests check "
    "each ID."
)


def _matrix(rows: Sequence[TraceRow]) -> str:
    out = []
    for row in rows:
        req = row.requirement
        quotes = "".join(f"<blockquote>{_e(q)}</blockquote>" for q in req.quotes)
        props = "".join(
            f"<li>{_verdict(p.verdict)} {_e(p.lab)}: {_e(p.name)} ({_e(p.kind)})</li>"
            for p in row.properties
        )
        tests = "".join(f"<li><code>{_e(t.node)}</code></li>" for t in row.tests)
        out.append(
            [
                f'<b id="{_e(req.id)}">{_e(req.id)}</b>',
                f"<i>{_e(req.section)}</i> ({_e(req.source)}){quotes}<p>{_e(req.wording)}</p>",
                f"<ul>{props}</ul>" if props else "",
                f"<ul>{tests}</ul>" if tests else "",
                _verdict(row.verdict),
            ]
        )
    note = f"<p>{_e(_NO_TESTS)}</p>" if TESTS is None else ""
    return note + _table(["ID", "source and quote", "properties", "tests", "verdict"], out)


def _assumptions(items: Sequence[Assumption]) -> str:
    rows = [
        [_e(a.title), f"<code>{_e(a.file)}</code>", _e(", ".join(a.requirements)), _e(a.reason)]
        for a in items
    ]
    return _table(["assumption", "file", "requirements", "reason"], rows)


def _diagrams(lab: Lab) -> str:
    if not has_dot():
        note = (
            "The diagrams are left out: Graphviz's dot program is not on PATH; "
            f"{INSTALL_GRAPHVIZ} and write the report again."
        )
        return f"<p>{_e(note)}</p>"
    start = lab_start_states(lab)
    parts = []
    for machine in MACHINES:
        svg = render(machine_graph(machine, start.get(machine.name, frozenset())), "svg")
        body = _XML_HEAD.sub("", svg.decode("utf-8"), count=1)
        parts.append(f'<div class="diagram"><h3>{_e(machine.title)}</h3>{body}</div>')
    return "".join(parts)


def _attacks(outcomes: Sequence[Outcome]) -> str:
    rows = [
        [
            _e(o.attack.name),
            _e(o.attack.tries),
            _e(o.attack.expected.value),
            _e(o.reason.value if o.reason is not None else "accepted"),
            _e("yes" if o.state_unchanged else "no"),
            _verdict("passed" if o.passed else "failed"),
            _e(", ".join(o.attack.requirements)),
        ]
        for o in outcomes
    ]
    passed = sum(o.passed for o in outcomes)
    head = f"<p>{passed} of {len(outcomes)} attacks refused with the expected reason.</p>"
    return head + _table(
        ["attack", "tries", "expected", "actual", "state unchanged", "result", "requirements"],
        rows,
    )


def coverage_svg(fuzz: dict[str, Any]) -> str:
    """The fuzz campaign's coverage timeline (distinct abstract states over seconds) as SVG.

    `fuzz` has the `ehttp fuzz --json` shape: ``{"coverage": {"timeline": [[seconds, reached]],
    "reached", "reachable", "fraction"}}``. Raises `ReportError` naming the key when it doesn't.
    """
    try:
        coverage = fuzz["coverage"]
        points = [(float(t), float(n)) for t, n in coverage["timeline"]]
        reachable = float(coverage["reachable"])
    except (KeyError, TypeError, ValueError):
        raise ReportError(
            "--fuzz: the file is not `ehttp fuzz --json` output; it needs coverage.timeline "
            "([[seconds, reached], ...]) and coverage.reachable"
        ) from None
    width, height, pad = 640, 320, 50
    last_t = max([t for t, _ in points] + [1.0])
    top = max([n for _, n in points] + [reachable, 1.0])

    def x(t: float) -> float:
        return pad + (width - 2 * pad) * t / last_t

    def y(n: float) -> float:
        return height - pad - (height - 2 * pad) * n / top

    line = " ".join(f"{x(t):.1f},{y(n):.1f}" for t, n in points)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="fuzz coverage timeline">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>'
        f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="black"/>'
        f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="black"/>'
        f'<line x1="{pad}" y1="{y(reachable):.1f}" x2="{width - pad}" y2="{y(reachable):.1f}" '
        'stroke="#c0392b" stroke-dasharray="4 3"/>'
        f'<text x="{width - pad}" y="{y(reachable) - 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="#c0392b">reachable: {reachable:,.0f}</text>'
        f'<polyline fill="none" stroke="#1f5f99" stroke-width="2" points="{line}"/>'
        f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle" font-size="12">'
        f"seconds (0 to {last_t:g})</text>"
        f'<text x="14" y="{height / 2}" font-size="12" transform="rotate(-90 14 {height / 2})" '
        'text-anchor="middle">distinct abstract states</text>'
        "</svg>"
    )


def render_page(
    lab: Lab,
    run: LabCheck,
    others: Sequence[LabCheck],
    scenarios: ScenarioReport,
    outcomes: Sequence[Outcome],
    fuzz: dict[str, Any] | None,
) -> str:
    """The whole page. `others` are check runs of further labs that the matrix also counts."""
    matrix = build_matrix(property_refs([run, *others]), req_markers())
    sections = [
        ("summary", "Check summary", _summary(run)),
        ("properties", "Properties", _properties(run)),
        ("scenarios", "Scenario verdicts", _scenarios(scenarios)),
        ("tables", "Access tables (regenerated from the model)", _access_tables()),
        ("traceability", "Traceability matrix", _matrix(matrix)),
        ("assumptions", "Modeling assumptions", _assumptions(read_assumptions())),
        ("diagrams", "Diagrams", _diagrams(lab)),
        ("attacks", "Attack catalogue", _attacks(outcomes)),
    ]
    if fuzz is not None:
        coverage = fuzz["coverage"]
        text = (
            f"<p>{_e(str(coverage.get('reached', '?')))} of "
            f"{_e(str(coverage.get('reachable', '?')))} reachable "
            f"abstract states reached ({float(coverage.get('fraction', 0)):.1%}).</p>"
        )
        sections.append(("fuzz", "Fuzz coverage", text + coverage_svg(fuzz)))
    counted = ", ".join(r.lab.name for r in others)
    nav = " | ".join(f'<a href="#{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "".join(f'<h2 id="{key}">{_e(title)}</h2>{html}' for key, title, html in sections)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>Enhanced HTTP: audit report for lab {_e(lab.name)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"<h1>Enhanced HTTP: audit report for lab {_e(lab.name)}</h1>"
        "<p>Configuration Manager 1806 Enhanced HTTP as an executable, model-checked "
        "specification. The traceability matrix also counts the checks of the labs "
        f"{_e(counted)}.</p>"
        f"<nav>{nav}</nav>{body}</body></html>\n"
    )


@dataclass(frozen=True)
class Written:
    """The page written, and the check of the lab it reports on."""

    path: Path
    run: LabCheck


def write_report(lab: Lab, out: Path, fuzz: dict[str, Any] | None = None) -> Written:
    """Check `lab` (and the example labs for the matrix), write the page into `out`."""
    if out.exists() and not out.is_dir():
        raise ReportError(
            f"--out: {str(out)!r} is a file, not a folder; give a folder (it is created when "
            "missing)"
        )
    if fuzz is not None:
        coverage_svg(fuzz)
    run = run_checks(lab)
    others = [run_checks(other) for other in example_labs() if other != lab]
    page = render_page(lab, run, others, evaluate(lab), run_all(lab=lab), fuzz)
    out.mkdir(parents=True, exist_ok=True)
    path = out / PAGE
    write_atomic(path, page.encode("utf-8"))
    return Written(path, run)
