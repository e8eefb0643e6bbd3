"""The audit report: one self-contained HTML page about a lab, readable offline in a few screens.

Gathers what the other views compute, without recomputing any of it: the check of the lab and of
the example labs (`model/compose/checking.py`), the trace pictures (`model/views/diagrams_lab.py`,
the CERT-3 witness first, every world in full with the values a step changed in bold), the
scenario verdicts (`model/views/scenarios.py`), the seed's two access tables
(`model/views/tables.py`), one row per requirement (`model/report/traceability.py`: its quote
rendered from markdown, what checks it, a badge per lab, a link to the paragraph of the source
text, which the page includes), the modeling assumptions (`specs/assumptions.md`), the machine
diagrams (click to enlarge), the attack catalogue run against the lab
(`model/bridge/catalogue.py`), a glossary of property kinds and, given the JSON of a fuzz
campaign, its coverage plot. A failing property, a counterexample and an accepted attack are
highlighted and listed first.

Everything from the documents is rendered from markdown (`model/report/markdown.py`); everything
else is escaped. Styles are inline, pictures are inline or `data:` URIs, enlarging uses CSS
`:target` (no script), and the page references no file and no address: it works offline as one
file.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from html import escape
from pathlib import Path
from typing import Any

import graphviz

from ehttp.atomic import write_atomic
from ehttp.bridge.catalogue import CaseResult, run_catalogue
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.property_ids import property_id
from ehttp.compose.world import MACHINES
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CATALOGUE
from ehttp.machines.site import UNSUPPORTED_STATE
from ehttp.report.markdown import (
    SourceBlock,
    find_block,
    render_block,
    render_inline,
    source_blocks,
)
from ehttp.report.requirements import FACTS, SEED, SPECS
from ehttp.report.traceability import (
    TESTS,
    TraceRow,
    build_matrix,
    example_labs,
    property_refs,
    req_markers,
)
from ehttp.views.diagrams import (
    INSTALL_GRAPHVIZ,
    has_dot,
    lab_start_states,
    machine_graph,
    render,
)
from ehttp.views.diagrams_lab import (
    GRAPH_LIMIT,
    Traced,
    lab_graph,
    slug,
    trace_graph,
    traced_properties,
    world_notices,
)
from ehttp.views.scenarios import SCENARIO_TITLES, ScenarioReport, evaluate
from ehttp.views.tables import DP_TYPE_LABELS, MP_TYPE_LABELS, Cell, dp_cells, mp_cells
from ehttp.words import plural

__all__ = [
    "ASSUMPTIONS",
    "GLOSSARY",
    "PAGE",
    "Assumption",
    "CheckedLab",
    "Draw",
    "ReportError",
    "ReportInterrupted",
    "ReportMeta",
    "Written",
    "coverage_svg",
    "draw_svg",
    "read_assumptions",
    "render_page",
    "scenario_section",
    "write_report",
]

ASSUMPTIONS = SPECS / "assumptions.md"
PAGE = "index.html"
"""The report's file name inside the output folder."""

CERT3 = "CERT-3"

GLOSSARY: tuple[tuple[str, str], ...] = (
    (
        "always",
        "holds in every reachable state (an invariant); a counterexample is a shortest "
        "path to a state where it fails.",
    ),
    (
        "sometimes",
        "some reachable state has it; the witness is a shortest path there. A "
        "documented fault (CERT-3) is a sometimes that must hold.",
    ),
    (
        "leads-to",
        "whenever P holds, Q holds later in every fair run; a counterexample is a "
        "lasso (a path, then a loop that never reaches Q).",
    ),
    ("eventually", "every fair run from the start reaches it; a counterexample is a lasso."),
    ("recoverable", "from every reachable state some path leads back to a healthy state."),
    ("deadlock-free", "every reachable state has a next step (time can always go on)."),
    (
        "fair run",
        "a run in which a step of the site components, the client agent or the clock "
        "that stays enabled is eventually taken; administrators and users owe nothing.",
    ),
    (
        "vacuous",
        "a leads-to whose trigger P is never reached: nothing was shown, so it does not pass.",
    ),
    ("unknown", "the search stopped before deciding the property."),
    ("incomplete", "a search cut by --max-states or --max-seconds (or Ctrl-C): nothing passes."),
    (
        "variant",
        "the same declarations with a change some claims are stated on: 'without "
        "approval' (SEC-2) and 'after the workaround' (CERT-4).",
    ),
)
"""Each property kind and verdict word the report uses, and what it means."""

_CSS = """
body{font:13px/1.35 Helvetica,Arial,sans-serif;margin:0 auto;padding:12px 20px;max-width:1360px;
color:#222}
h1{font-size:20px;margin:4px 0}h2{font-size:16px;margin:18px 0 6px;border-bottom:1px solid #ccc}
h3{font-size:13px;margin:8px 0 4px}
table{border-collapse:collapse;margin:4px 0;font-size:12px}
th,td{border:1px solid #ccc;padding:2px 5px;vertical-align:top;text-align:left}
th{background:#f0f0f0}
.holds,.works,.passed,.pass{color:#1e7b34;font-weight:bold}
.not-applicable{color:#555}.undocumented{color:#8a6d00;font-weight:bold}
.blocked{color:#c0392b;font-weight:bold}
.violated,.unknown,.vacuous,.fails,.failed,.untraced,.fail,.accepted{color:#c0392b;
font-weight:bold}
.tested{color:#1f5f99;font-weight:bold}
.banner{padding:6px 10px;border-radius:4px;font-weight:bold;margin:6px 0}
.banner.pass{background:#e3f4e8;border:1px solid #1e7b34}
.banner.fail{background:#fbe6e3;border:2px solid #c0392b}
.bad{background:#fbe6e3}
.meta{color:#555;font-size:12px}
nav{font-size:12px;position:sticky;top:0;background:#fff;padding:4px 0;border-bottom:1px solid #eee;
z-index:5}
nav a{margin-right:8px}
.cols{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
.cols>div{flex:1 1 0;min-width:300px}
.req td.q{max-width:560px}.req td.by{max-width:380px;font-size:11px}
.req p{margin:0}.small{font-size:11px;color:#444}
.badge{display:inline-block;width:16px;text-align:center;font-weight:bold;border-radius:3px}
.b-holds{background:#d5efdc;color:#1e7b34}.b-violated,.b-unknown{background:#f6d0ca;color:#c0392b}
.b-vacuous{background:#f7e3c4;color:#a35b00}.b-none{color:#aaa}
th.lab{writing-mode:vertical-rl;transform:rotate(180deg);font-size:10px;font-weight:normal;
padding:2px}
.trace{border:1px solid #ddd;padding:4px;margin:6px 0}.trace.bad{border:2px solid #c0392b}
.trace p{margin:2px 0}.wide{overflow-x:auto}
table.world td,table.world th{font-size:11px;white-space:nowrap}
table.world th.bad,table.world tr.bad td{background:#fbe6e3;color:#c0392b}
.thumbs{display:grid;grid-template-columns:repeat(4,1fr);gap:8px}
.thumbs a{display:block;border:1px solid #ddd;padding:4px;text-align:center;color:#222;
text-decoration:none;font-size:11px}
.thumbs img{max-height:150px;max-width:100%}
.lightbox{display:none}
.lightbox:target{display:block;position:fixed;inset:0;background:rgba(255,255,255,.97);
overflow:auto;z-index:10;padding:16px}
.lightbox img{max-width:none}
.close{position:fixed;top:8px;right:16px;font-size:14px;background:#eee;padding:4px 8px}
dl.gloss{display:grid;grid-template-columns:110px 1fr;gap:2px 8px;margin:4px 0}
dl.gloss dt{font-weight:bold}dl.gloss dd{margin:0}
details{margin:4px 0}summary{cursor:pointer}
.source div{padding:2px 6px}.source div:target{background:#fff6c8}
.cited{font-size:11px;color:#555}
code{font-size:0.95em}
"""


class ReportError(ValueError):
    """A report that can't be written as asked; one line naming the option, value and fix."""


@dataclass(frozen=True)
class CheckedLab:
    """A lab the report checked: its name, states, properties and how many hold."""

    name: str
    states: int
    properties: int
    holding: int


class ReportInterrupted(Exception):
    """Ctrl-C stopped `write_report` before the page was written: nothing was written, and a
    page already in the output folder is as it was."""

    def __init__(
        self, checked: Sequence[CheckedLab], not_checked: Sequence[str], during: str
    ) -> None:
        super().__init__(f"interrupted while {during}")
        self.checked = tuple(checked)
        """The labs checked to the end, in order."""
        self.not_checked = tuple(not_checked)
        """The labs not checked (the one being checked first)."""
        self.during = during
        """What the report was doing, e.g. "checking lab 'no-cmg'"."""


@dataclass(frozen=True)
class Assumption:
    """One section of `specs/assumptions.md`."""

    title: str
    file: str
    requirements: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ReportMeta:
    """What made the page: tool version, date, seed, mutant and the command line."""

    version: str
    date: str
    command: str
    seed: int = 0
    mutant: str | None = None


@dataclass(frozen=True)
class Written:
    """The page written, the check of the lab it reports on and its attack cases."""

    path: Path
    run: LabCheck
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> bool:
        """Every property holds and every attack that ran was refused as expected."""
        return self.run.passed and _attacks_passed(self.cases)


def read_assumptions(path: Path = ASSUMPTIONS) -> tuple[Assumption, ...]:
    """The sections of the assumptions file, in file order."""
    text = path.read_text(encoding="utf-8")
    found = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = block.partition("\n")
        entries = dict(re.findall(r"^- (\w+): (.*)$", body, flags=re.MULTILINE))
        found.append(
            Assumption(
                title.strip(),
                entries.get("File", "").strip("`"),
                tuple(p.strip() for p in entries.get("Requirements", "").split(",") if p.strip()),
                entries.get("Reason", ""),
            )
        )
    return tuple(found)


def _e(value: object) -> str:
    return escape(str(value))


def _table(head: Sequence[str], rows: Sequence[Sequence[str]], css: str = "") -> str:
    """An HTML table of class `css`; cells in `rows` are already HTML."""
    out = [f'<table class="{css}"><tr>', *(f"<th>{_e(h)}</th>" for h in head), "</tr>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _verdict(word: str) -> str:
    return f'<span class="{_e(word.replace(" ", "-"))}">{_e(word)}</span>'


def _req_links(ids: Sequence[str]) -> str:
    return ", ".join(f'<a href="#{_e(i)}">{_e(i)}</a>' for i in ids)


def _data_uri(svg: bytes) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _attacks_passed(cases: Sequence[CaseResult]) -> bool:
    return all(case.as_expected for case in cases if case.actual is not None)


def _property_anchor(variant: str, name: str) -> str:
    """The property's short ID (`CERT-3/toggling`), unique in its lab whatever the variant; IDs
    are letters, digits, `-`, `/` and `@` (model/compose/property_ids.py), safe in an id and a
    URL fragment."""
    return property_id(name)


def _header(lab: Lab, run: LabCheck, cases: Sequence[CaseResult], meta: ReportMeta) -> str:
    holding = sum(p.holds for _, p in run.properties)
    failing = [(v, p) for v, p in run.properties if not p.holds]
    bad_cases = [c for c in cases if c.actual is not None and not c.as_expected]
    if run.passed and not bad_cases:
        banner = (
            f'<div class="banner pass">PASS: {holding} of {len(run.properties)} properties hold; '
            f"every attack that applies is refused with the expected reason.</div>"
        )
    else:
        why = []
        if not run.complete:
            why.append("the search is incomplete: nothing passes")
        if failing:
            links = "; ".join(
                f'<a href="#{_property_anchor(v, p.name)}">{_e(p.name)}</a> ({_e(p.verdict)})'
                for v, p in failing
            )
            why.append(f"{len(failing)} properties do not hold: {links}")
        if bad_cases:
            names = ", ".join(
                f'<a href="#attacks">{_e(c.attack.name)}</a> ({_e(c.actual)})' for c in bad_cases
            )
            why.append(f"attacks not refused as expected: {names}")
        banner = f'<div class="banner fail">FAIL: {"; ".join(why)}.</div>'
    mutant = f" · mutant <b>{_e(meta.mutant)}</b>" if meta.mutant else ""
    return (
        f"<h1>Enhanced HTTP audit report: lab {_e(lab.name)}</h1>"
        f'<p class="meta">ehttp {_e(meta.version)} · {_e(meta.date)} · seed {meta.seed}{mutant}'
        f" · <code>{_e(meta.command)}</code> · Configuration Manager 1806 Enhanced HTTP as an "
        "executable, model-checked specification</p>" + banner
    )


def _cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _configuration(lab: Lab) -> str:
    site = lab.site
    site_rows = [[_e(f.name), _e(_cell_text(getattr(site, f.name)))] for f in fields(site)]

    def hosts(items: Sequence[Any]) -> str:
        if not items:
            return "<p class=small>none</p>"
        head = [f.name for f in fields(items[0])]
        rows = [[_e(_cell_text(getattr(item, name))) for name in head] for item in items]
        return _table([h.replace("_", " ") for h in head], rows)

    return (
        '<div class="cols"><div><h3>Site</h3>'
        + _table(["key", "value"], site_rows)
        + "</div><div><h3>Management points</h3>"
        + hosts(lab.management_points)
        + "<h3>Distribution points</h3>"
        + hosts(lab.distribution_points)
        + "</div><div><h3>Clients</h3>"
        + hosts(lab.clients)
        + "</div></div>"
    )


def _summary(run: LabCheck) -> str:
    main = run.main
    clients = len(run.lab.clients)
    lines = [
        f"<p>{clients} client{'' if clients == 1 else 's'}; {main.states:,} states, "
        f"{main.transitions:,} transitions, diameter {main.diameter}, "
        f"checked in {run.seconds:.1f} s"
        + (" with symmetry reduction" if main.symmetry else "")
        + ". "
        + "; ".join(
            f"variant <i>{_e(v.variant)}</i>: {v.result.states:,} states" for v in run.variants[1:]
        )
        + ".</p>"
    ]
    if any(w[0][0] == UNSUPPORTED_STATE for w in run.model.init_states()):
        lines.append(
            '<p class="banner fail">The site is configured HTTPS only with enhanced HTTP: '
            'unsupported (<a href="#SITE-2">SITE-2</a>).</p>'
        )
    return "".join(lines)


def _properties(run: LabCheck, pictured: set[str]) -> str:
    rows = []
    assumed = run.assumptions or tuple(() for _ in run.properties)
    for (variant, prop), ids in zip(run.properties, assumed, strict=True):
        anchor = _property_anchor(variant, prop.name)
        name = f"<code>{_e(anchor)}</code> {_e(prop.name)}" + (
            "" if variant == "lab" else f" <i>[{_e(variant)}]</i>"
        )
        if anchor in pictured:
            count = len(prop.trace) - 1
            name += f' · <a href="#t-{anchor}">{_e(prop.trace_role)}, {plural(count, "step")}</a>'
        verdict = _verdict(prop.verdict)
        if not prop.holds:
            verdict = f'<b class="bad">&#x2717;</b> {verdict}'
        rows.append(
            [
                f'<span id="{anchor}">{verdict}</span>',
                _e(prop.kind),
                name,
                _req_links(prop.requirements) + _assumes(ids),
            ]
        )
    return _table(["verdict", "kind", "property", "requirements"], rows)


def _assumes(ids: Sequence[str]) -> str:
    """The assumption IDs a verdict rests on (`specs/assumptions.md`), after its requirements."""
    return f" <i>[assumes {_e(', '.join(ids))}]</i>" if ids else ""


def _trace_order(traced: Sequence[Traced]) -> list[Traced]:
    """Counterexamples of failing properties first, then the CERT-3 witness, then the rest."""

    def rank(item: Traced) -> int:
        if not item.result.holds:
            return 0
        return 1 if CERT3 in item.result.requirements else 2

    return sorted(traced, key=rank)


Draw = Callable[[graphviz.Digraph], bytes]
"""How the page turns a picture into the SVG it embeds."""


def draw_svg(graph: graphviz.Digraph) -> bytes:
    """The picture laid out by Graphviz's `dot` as SVG (the page's default `Draw`)."""
    return render(graph, "svg")


def _trace_picture(lab: Lab, item: Traced, draw: Draw) -> str:
    return _data_uri(draw(trace_graph(lab.name, item)))


def _step_title(number: int, text: str) -> str:
    """'step 3: enable enhanced HTTP (site)': the step's action and instance, not its changes."""
    if number == 0:
        return "step 0: initial state"
    head, found, _ = text.partition("): ")
    return f"step {number}: {head}{')' if found else ''}"


def _trace_table(item: Traced) -> str:
    """Every world of the trace in full: one column per step, one row per instance; a value the
    step changed is bold, a world a reader must notice is red with the reason under it."""
    model = item.model
    trace = item.result.trace
    worlds = [model.state_to_json(step.state) for step in trace]
    names = list(worlds[0])

    def value(entry: dict[str, Any]) -> str:
        minutes = entry.get("minutes")
        return str(entry["state"]) + ("" if minutes is None else f" ({minutes} min)")

    head = "".join(
        f"<th{' class=bad' if world_notices(model, step.state) else ''}>"
        f"{_e(_step_title(n, step.text))}"
        + (" &#x21BA;" if item.result.loop_from == n else "")
        + "</th>"
        for n, step in enumerate(trace)
    )
    rows = []
    for name in names:
        cells = []
        for n, world in enumerate(worlds):
            text = _e(value(world[name]))
            changed = n > 0 and world[name] != worlds[n - 1][name]
            cells.append(f"<td><b>{text}</b></td>" if changed else f"<td>{text}</td>")
        rows.append(f"<tr><th>{_e(name)}</th>{''.join(cells)}</tr>")
    notes = "".join(
        f"<td>{'<br>'.join(_e(note) for note in world_notices(model, step.state))}</td>"
        for step in trace
    )
    if any(world_notices(model, step.state) for step in trace):
        rows.append(f'<tr class="bad"><th>notice</th>{notes}</tr>')
    loop = ""
    if item.result.loop_from is not None:
        loop = (
            f'<p class="small">A lasso: from step {item.result.loop_from} (&#x21BA;) the '
            "behaviour repeats forever.</p>"
        )
    return (
        f'<div class="wide"><table class="world"><tr><th>instance</th>{head}</tr>'
        f"{''.join(rows)}</table></div>{loop}"
    )


def _traces(lab: Lab, run: LabCheck, draw: Draw | None) -> tuple[str, set[str]]:
    ordered = _trace_order(traced_properties(run))
    parts = []
    pictured = set()
    shown = 0
    for item in ordered:
        result = item.result
        anchor = _property_anchor(item.variant, result.name)
        pictured.add(anchor)
        bad = not result.holds
        picture = ""
        if draw is not None:
            uri = _trace_picture(lab, item, draw)
            picture = (
                f' · <a href="#big-{anchor}">picture</a><span class="lightbox" id="big-{anchor}">'
                f'<a class="close" href="#t-{anchor}">close</a>'
                f'<img src="{uri}" alt="{_e(result.name)}"></span>'
            )
        title = (
            f"{_e(result.trace_role)} for <b>{_e(result.name)}</b> ({_e(result.kind)}, "
            f"{_verdict(result.verdict)}; {_req_links(result.requirements)}; "
            f"{plural(len(result.trace) - 1, 'step')}){picture}"
        )
        table = _explore_command(result.name) + _trace_table(item)
        if bad or shown == 0:
            shown += 1
            css = "trace bad" if bad else "trace"
            parts.append(f'<div class="{css}" id="t-{anchor}"><p>{title}</p>{table}</div>')
        else:
            parts.append(
                f'<details id="t-{anchor}"><summary>{title}</summary>'
                f'<div class="trace">{table}</div></details>'
            )
    intro = (
        "<p class=small>Every world in full: one column per step, initial values included; the "
        "values a step changed are <b>bold</b>; worlds a reader must notice (CERT-3's stranded "
        "site systems, SITE-2's unsupported mode) are red. Counterexamples of failing properties "
        "come first, then the CERT-3 witness; “picture” shows the trace as drawn by "
        "<code>ehttp diagrams</code>. Each trace opens in <code>ehttp explore</code>, one click "
        "a step: save the check with <code>ehttp check --json &gt; check.json</code>, then run "
        "the command under the trace (both with this report's <code>--lab</code> and "
        "<code>--clients</code>).</p>"
    )
    if not parts:
        intro += "<p>No property of this lab has a witness or counterexample.</p>"
    return intro + "".join(parts), pictured


def _explore_command(name: str) -> str:
    """The command that opens the trace of property `name` in the explorer, by its short ID,
    quoted for a shell (the program's own words, quoted and escaped all the same)."""
    command = f"ehttp explore --trace check.json --property {shlex.quote(property_id(name))}"
    return f'<p class="small">explore it: <code>{_e(command)}</code></p>'


def scenario_section(report: ScenarioReport) -> str:
    """The report's "Scenario verdicts" section: one table row per verdict of `ehttp scenarios`."""
    rows = []
    for v in report.verdicts:
        because = "; ".join(
            [_e(reason) for reason in v.because] + [f"fix: <code>{_e(f)}</code>" for f in v.fix]
        )
        rows.append(
            [
                _e(v.client),
                _e(SCENARIO_TITLES[v.scenario]),
                _verdict(v.verdict),
                f'<span class="small">{because}</span>',
                _req_links(v.requirements) + _assumes(v.assumptions),
            ]
        )
    warning = ""
    if report.unsupported:
        warning = '<p class="banner fail">Unsupported site configuration (SITE-2).</p>'
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
        '<div class="cols"><div style="flex:2"><h3>Client to management point communication</h3>'
        + _table(mp_head, mp_rows)
        + "</div><div><h3>Client to distribution point communication</h3>"
        + _table(["DP type", "Client authentication"], dp_rows)
        + "</div></div>"
    )


_BADGE = {"holds": "&#x2713;", "violated": "&#x2717;", "unknown": "?", "vacuous": "&#x2205;"}


def _badge(verdicts: set[str]) -> str:
    for word in ("violated", "unknown", "vacuous", "holds"):
        if word in verdicts:
            return f'<span class="badge b-{word}" title="{word}">{_BADGE[word]}</span>'
    return '<span class="badge b-none" title="no property in this lab">&#x2013;</span>'


@dataclass(frozen=True)
class _Cited:
    """Where in the included source text each requirement's quote sits."""

    blocks: dict[str, tuple[SourceBlock, ...]]
    anchors: dict[str, str]
    cited_by: dict[str, list[str]]


def _cite(rows: Sequence[TraceRow]) -> _Cited:
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
    return _Cited(blocks, anchors, cited_by)


_NO_TESTS = (
    "Test traceability is not available: this installed package has no tests/ to read, so no "
    "requirement shows its tests; write the report from a source checkout to see them."
)


def _requirements(rows: Sequence[TraceRow], labs: Sequence[str], cited: _Cited) -> str:
    head = (
        "<tr><th>ID</th><th>quote (source) and our wording</th><th>checked by</th>"
        + "".join(f'<th class="lab">{_e(name)}</th>' for name in labs)
        + "<th>verdict</th></tr>"
    )
    out = [f'<table class="req">{head}']
    for row in rows:
        req = row.requirement
        quotes = "<br>".join(f"&#x201C;{render_inline(q)}&#x201D;" for q in req.quotes)
        source = cited.anchors.get(req.id)
        where = _e(req.section) + ("" if req.source != "derived" else ", derived")
        link = f'<a href="#{source}">{where}</a>' if source else where
        names = sorted({p.name for p in row.properties})
        checks = "; ".join(_e(n) for n in names)
        tests = ""
        if row.tests:
            tests = f' <span title="{_e(chr(10).join(t.node for t in row.tests))}">' + (
                f"+ {len(row.tests)} test{'s' if len(row.tests) != 1 else ''}</span>"
            )
        badges = "".join(
            f"<td>{_badge({p.verdict for p in row.properties if p.lab == lab})}</td>"
            for lab in labs
        )
        bad = ' class="bad"' if row.verdict in ("violated", "unknown", "untraced") else ""
        out.append(
            f'<tr id="{_e(req.id)}"{bad}><td><b>{_e(req.id)}</b></td>'
            f'<td class="q"><p>{quotes} <span class="small">({link})</span></p>'
            f'<p class="small">{_e(req.wording)}</p></td>'
            f'<td class="by">{checks or "<i>no property</i>"}{tests}</td>'
            f"{badges}<td>{_verdict(row.verdict)}</td></tr>"
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
        legend += f'<p class="small">{_e(_NO_TESTS)}</p>'
    return legend + "".join(out)


def _source_text(cited: _Cited) -> str:
    parts = []
    for doc, key, title in (
        (SEED, "seed", "The source document (seed)"),
        (FACTS, "facts", "The reference facts"),
    ):
        blocks = []
        for block in cited.blocks[doc]:
            anchor = f"src-{key}-{block.number}"
            by = cited.cited_by.get(anchor)
            mark = f'<p class="cited">cited by {_req_links(by)}</p>' if by else ""
            html = render_block(block.text, heading_offset=3)
            blocks.append(f'<div id="{anchor}">{html}{mark}</div>')
        parts.append(
            f'<details class="source"><summary>{_e(title)}: <code>{_e(doc)}</code>, rendered '
            f"({len(blocks)} blocks)</summary>{''.join(blocks)}</details>"
        )
    return "".join(parts)


def _assumptions(items: Sequence[Assumption]) -> str:
    rows = [
        [_e(a.title), f"<code>{_e(a.file)}</code>", _req_links(a.requirements), _e(a.reason)]
        for a in items
    ]
    return (
        f"<details><summary>{len(items)} modeling assumptions: behaviour the documents do not "
        "give, labelled in the code</summary>"
        + _table(["assumption", "file", "requirements", "reason"], rows)
        + "</details>"
    )


_NO_DOT = (
    "The diagrams are left out: Graphviz's dot program is not on PATH; "
    f"{INSTALL_GRAPHVIZ} and write the report again."
)


def _thumb(key: str, title: str, svg: bytes) -> str:
    uri = _data_uri(svg)
    return (
        f'<a href="#big-{key}"><img src="{uri}" alt="{_e(title)}"><br>{_e(title)}</a>'
        f'<div class="lightbox" id="big-{key}"><a class="close" href="#diagrams">close</a>'
        f'<h3>{_e(title)}</h3><img src="{uri}" alt="{_e(title)}"></div>'
    )


def _diagrams(lab: Lab, run: LabCheck, draw: Draw | None) -> str:
    if draw is None:
        return f"<p>{_e(_NO_DOT)}</p>"
    start = lab_start_states(lab)
    thumbs = [
        _thumb(
            f"m-{slug(machine.name)}",
            machine.title,
            draw(machine_graph(machine, start.get(machine.name, frozenset()))),
        )
        for machine in MACHINES
    ]
    graph = lab_graph(run)
    main = run.main
    if graph is not None:
        thumbs.append(_thumb("lab-graph", f"lab {lab.name}: reachable graph", draw(graph)))
        note = ""
    else:
        note = (
            f"<p class=small>The lab's reachable graph has {main.states:,} states and "
            f"{main.transitions:,} transitions (diameter {main.diameter}), more than the "
            f"{GRAPH_LIMIT} that stay legible: it is summarised by these numbers and drawn "
            'through its <a href="#traces">traces</a> instead.</p>'
        )
    return note + f'<div class="thumbs">{"".join(thumbs)}</div>'


def _attacks(cases: Sequence[CaseResult]) -> str:
    ran = [c for c in cases if c.actual is not None]
    bad = [c for c in ran if not c.as_expected]
    skipped = [c for c in cases if c.actual is None]

    def row(case: CaseResult) -> list[str]:
        attack = case.attack
        actual = case.actual or ""
        mark = "" if case.as_expected else '<b class="bad">&#x2717;</b> '
        return [
            mark + _e(attack.name),
            _e(attack.tries),
            _e(attack.expected.value),
            _verdict(actual) if not case.as_expected else _e(actual),
            _req_links(attack.requirements),
        ]

    head = ["attack", "tries", "expected", "actual", "requirements"]
    text = (
        f"<p>{len(ran) - len(bad)} of {len(ran)} attacks refused with the expected reason; "
        f"{len(skipped)} do not apply to this lab.</p>"
    )
    if bad:
        text += _table(head, [row(c) for c in bad])
    text += (
        f"<details><summary>every case ({len(ran)} run, {len(skipped)} skipped)</summary>"
        + _table(head, [row(c) for c in ran])
        + "".join(
            f"<p class=small>skipped {_e(c.attack.name)}: {_e('; '.join(c.skipped_because))}</p>"
            for c in skipped
        )
        + "</details>"
    )
    return text


def _strength(audit: dict[str, Any]) -> str:
    """Property strength, from a saved `ehttp audit --json`: per property the mutants it kills
    and one example; the kill ratio; survivors folded, each with the seed sentence that leaves it
    open where the seed does."""
    rows = [
        [
            _e(p["key"]),
            _e(p["kind"]),
            str(p["killed"]) if p["killed"] else '<b class="bad">0: unfalsifiable</b>',
            "" if p["example"] is None else f"<code>{_e(p['example'])}</code>",
        ]
        for p in audit["properties"]
    ]
    survivors = audit["survivors"]
    left_open = [s for s in survivors if s["sentence"] is not None]
    items = "".join(
        f"<li><code>{_e(s['id'])}</code>: {_e(s['change'])}"
        + (
            f"<br>left open by the seed: <q>{_e(s['sentence'])}</q>"
            if s["sentence"] is not None
            else f"<br><b>not constrained</b>: {_e(s['behaviour'] or '')}"
        )
        + "</li>"
        for s in survivors
    )
    verdict = "every property kills a mutant" if audit["passed"] else "a property kills none"
    return (
        f"<p>Kill ratio {audit['kill_ratio']:.2f} ({audit['killed']} of {audit['counted']} "
        f"mutants that change behaviour, less those the seed leaves open); {verdict}. "
        "Mutants: each row removed, each guard forced true and false, each deadline one quantum "
        "shorter and longer, rows redirected (<code>ehttp audit</code>).</p>"
        + _table(["property", "kind", "mutants killed", "example mutant"], rows)
        + f"<details><summary>{len(survivors)} surviving mutants ({len(left_open)} left open by "
        f"the seed, specs/unconstrained.toml)</summary><ul>{items}</ul></details>"
    )


def _glossary() -> str:
    items = "".join(f"<dt>{_e(word)}</dt><dd>{_e(text)}</dd>" for word, text in GLOSSARY)
    return f'<dl class="gloss">{items}</dl>'


def coverage_svg(fuzz: dict[str, Any]) -> str:
    """The fuzz campaign's coverage timeline (distinct abstract states over seconds) as SVG,
    with labelled axes and ticks, the reachable count as a line, and its lab and seed.

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
    width, height, left, pad = 640, 300, 70, 40
    last_t = max([t for t, _ in points] + [1.0])
    top = max([n for _, n in points] + [reachable, 1.0])

    def x(t: float) -> float:
        return left + (width - left - pad) * t / last_t

    def y(n: float) -> float:
        return height - pad - (height - 2 * pad) * n / top

    ticks = []
    for k in range(5):
        t = last_t * k / 4
        n = top * k / 4
        ticks.append(
            f'<line x1="{x(t):.1f}" y1="{height - pad}" x2="{x(t):.1f}" y2="{height - pad + 4}" '
            f'stroke="black"/><text x="{x(t):.1f}" y="{height - pad + 16}" font-size="10" '
            f'text-anchor="middle">{t:.0f}</text>'
            f'<line x1="{left - 4}" y1="{y(n):.1f}" x2="{left}" y2="{y(n):.1f}" stroke="black"/>'
            f'<text x="{left - 6}" y="{y(n) + 3:.1f}" font-size="10" text-anchor="end">'
            f"{n:,.0f}</text>"
        )
    line = " ".join(f"{x(t):.1f},{y(n):.1f}" for t, n in points)
    title = f"lab {fuzz.get('lab', '?')}, seed {fuzz.get('seed', '?')}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="fuzz coverage timeline">'
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="white"/>'
        f'<text x="{width / 2}" y="16" text-anchor="middle" font-size="12">'
        f"fuzz coverage: {_e(title)}</text>"
        f'<line x1="{left}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" '
        'stroke="black"/>'
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{height - pad}" stroke="black"/>'
        + "".join(ticks)
        + f'<line x1="{left}" y1="{y(reachable):.1f}" x2="{width - pad}" y2="{y(reachable):.1f}" '
        'stroke="#c0392b" stroke-dasharray="4 3"/>'
        f'<text x="{width - pad}" y="{y(reachable) - 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="#c0392b">reachable: {reachable:,.0f}</text>'
        f'<polyline fill="none" stroke="#1f5f99" stroke-width="2" points="{line}"/>'
        f'<text x="{(left + width - pad) / 2}" y="{height - 6}" text-anchor="middle" '
        'font-size="12">seconds</text>'
        f'<text x="14" y="{height / 2}" font-size="12" transform="rotate(-90 14 {height / 2})" '
        'text-anchor="middle">distinct abstract states reached</text>'
        "</svg>"
    )


def render_page(
    lab: Lab,
    run: LabCheck,
    others: Sequence[LabCheck],
    scenarios: ScenarioReport,
    cases: Sequence[CaseResult],
    fuzz: dict[str, Any] | None,
    meta: ReportMeta,
    audit: dict[str, Any] | None = None,
    draw: Draw | None = None,
) -> str:
    """The whole page. `others` are check runs of further labs that the badges also show;
    `audit` is a saved audit of the lab (`model/report/auditfile.py`); `draw` lays out its
    pictures (default: `draw_svg` when `dot` is on PATH, else the pictures are left out)."""
    runs = [run, *others]
    matrix = build_matrix(property_refs(runs), req_markers())
    cited = _cite(matrix)
    if draw is None and has_dot():
        draw = draw_svg
    traces, pictured = _traces(lab, run, draw)
    sections = [
        ("lab", "Lab configuration", _summary(run) + _configuration(lab)),
        ("traces", "Traces", traces),
        ("properties", "Properties", _properties(run, pictured)),
        (
            "requirements",
            "Requirements",
            _requirements(matrix, [r.lab.name for r in runs], cited) + _source_text(cited),
        ),
        ("scenarios", "Scenario verdicts", scenario_section(scenarios)),
        ("tables", "Access tables (regenerated from the model)", _access_tables()),
        ("attacks", "Attack catalogue", _attacks(cases)),
        ("diagrams", "Machine diagrams", _diagrams(lab, run, draw)),
        ("assumptions", "Modeling assumptions", _assumptions(read_assumptions())),
        ("glossary", "Glossary of property kinds and verdicts", _glossary()),
    ]
    if fuzz is not None:
        coverage = fuzz["coverage"]
        text = (
            f"<p>{_e(str(coverage.get('reached', '?')))} of "
            f"{_e(str(coverage.get('reachable', '?')))} reachable "
            f"abstract states reached ({float(coverage.get('fraction', 0)):.1%}).</p>"
        )
        sections.insert(7, ("fuzz", "Fuzz coverage", text + coverage_svg(fuzz)))
    if audit is not None:
        sections.insert(3, ("strength", "Property strength", _strength(audit)))
    nav = "".join(f'<a href="#{key}">{_e(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{_e(title)}</h2>{html}</section>' for key, title, html in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>Enhanced HTTP: audit report for lab {_e(lab.name)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"{_header(lab, run, cases, meta)}<nav>{nav}</nav>{body}</body></html>\n"
    )


def write_report(
    lab: Lab,
    out: Path,
    fuzz: dict[str, Any] | None = None,
    *,
    meta: ReportMeta,
    progress: Callable[[str], None] | None = None,
    stop: Callable[[], bool] | None = None,
    audit: dict[str, Any] | None = None,
) -> Written:
    """Check `lab` (and the example labs for the badges), run the attack catalogue against it,
    write the page into `out`; `progress` is told each lab as it is checked.

    `stop` is asked during and after each step (a stop request, as `ehttp.checker.check` takes);
    once it is True, or on a KeyboardInterrupt, `ReportInterrupted` says which labs were checked
    and nothing is written (the page is written atomically, last).
    """
    if out.exists() and not out.is_dir():
        raise ReportError(
            f"--out: {str(out)!r} is a file, not a folder; give a folder (it is created when "
            "missing)"
        )
    if fuzz is not None:
        coverage_svg(fuzz)
    tell = progress if progress is not None else (lambda _text: None)
    stopped = stop if stop is not None else (lambda: False)
    labs = [lab, *(other for other in example_labs() if other != lab)]
    runs: list[LabCheck] = []
    during = "starting"

    def interrupted() -> ReportInterrupted:
        checked = [
            CheckedLab(
                r.lab.name, r.main.states, len(r.properties), sum(p.holds for _, p in r.properties)
            )
            for r in runs
        ]
        return ReportInterrupted(checked, [each.name for each in labs[len(runs) :]], during)

    try:
        for number, each in enumerate(labs, 1):
            during = f"checking lab {each.name!r}"
            # Said before each lab, so the first line comes at once, not after the first check.
            tell(f"[{number}/{len(labs)}] checking lab {each.name!r} ...")
            run = run_checks(each, stop=stop)
            if run.interrupted or stopped():
                raise interrupted()
            holding = sum(p.holds for _, p in run.properties)
            tell(
                f"[{number}/{len(labs)}] lab {each.name!r}: {run.main.states:,} states, "
                f"{holding} of {len(run.properties)} properties hold ({run.seconds:.1f} s)"
            )
            runs.append(run)
        during = "running the attack catalogue"
        tell("attack catalogue, scenarios and pictures")
        cases = run_catalogue(lab, meta.seed, meta.mutant, stop=stop)
        during = "drawing the page"
        if stopped() or len(cases) < len(CATALOGUE):
            during = "running the attack catalogue"
            raise interrupted()
        page = render_page(lab, runs[0], runs[1:], evaluate(lab), cases, fuzz, meta, audit)
        during = "writing the page"
        if stopped():
            raise interrupted()
        out.mkdir(parents=True, exist_ok=True)
        path = out / PAGE
        write_atomic(path, page.encode("utf-8"))
    except KeyboardInterrupt:
        raise interrupted() from None
    return Written(path, runs[0], cases)
