"""The page's traces and properties: every world of each witness and counterexample in full, and
one row per property with its short ID, verdict and requirements.

Traces come from `model/views/diagrams_lab.py` (the CERT-3 witness first, counterexamples of
failing properties before it); a value a step changed is bold, a world a reader must notice is
red with the reason under it.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from typing import Any

import graphviz

from ehttp.compose.checking import LabCheck
from ehttp.compose.property_ids import property_id
from ehttp.config.schema import Lab
from ehttp.report.html import assumes, data_uri, esc, req_links, table, verdict_span
from ehttp.views.diagrams import render
from ehttp.views.diagrams_lab import Traced, trace_graph, traced_properties, world_notices
from ehttp.words import plural

__all__ = [
    "CERT3",
    "Draw",
    "draw_svg",
    "properties_section",
    "property_anchor",
    "traces_section",
]

CERT3 = "CERT-3"


def property_anchor(variant: str, name: str) -> str:
    """The property's short ID (`CERT-3/toggling`), unique in its lab whatever the variant; IDs
    are letters, digits, `-`, `/` and `@` (model/compose/property_ids.py), safe in an id and a
    URL fragment."""
    return property_id(name)


def properties_section(run: LabCheck, pictured: set[str]) -> str:
    rows = []
    assumed = run.assumptions or tuple(() for _ in run.properties)
    for (variant, prop), ids in zip(run.properties, assumed, strict=True):
        anchor = property_anchor(variant, prop.name)
        name = f"<code>{esc(anchor)}</code> {esc(prop.name)}" + (
            "" if variant == "lab" else f" <i>[{esc(variant)}]</i>"
        )
        if anchor in pictured:
            count = len(prop.trace) - 1
            name += f' · <a href="#t-{anchor}">{esc(prop.trace_role)}, {plural(count, "step")}</a>'
        verdict = verdict_span(prop.verdict)
        if not prop.holds:
            verdict = f'<b class="bad">&#x2717;</b> {verdict}'
        rows.append(
            [
                f'<span id="{anchor}">{verdict}</span>',
                esc(prop.kind),
                name,
                req_links(prop.requirements) + assumes(ids),
            ]
        )
    return table(["verdict", "kind", "property", "requirements"], rows)


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
    return data_uri(draw(trace_graph(lab.name, item)))


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
        f"{esc(_step_title(n, step.text))}"
        + (" &#x21BA;" if item.result.loop_from == n else "")
        + "</th>"
        for n, step in enumerate(trace)
    )
    rows = []
    for name in names:
        cells = []
        for n, world in enumerate(worlds):
            text = esc(value(world[name]))
            changed = n > 0 and world[name] != worlds[n - 1][name]
            cells.append(f"<td><b>{text}</b></td>" if changed else f"<td>{text}</td>")
        rows.append(f"<tr><th>{esc(name)}</th>{''.join(cells)}</tr>")
    notes = "".join(
        f"<td>{'<br>'.join(esc(note) for note in world_notices(model, step.state))}</td>"
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


def traces_section(lab: Lab, run: LabCheck, draw: Draw | None) -> tuple[str, set[str]]:
    ordered = _trace_order(traced_properties(run))
    parts = []
    pictured = set()
    shown = 0
    for item in ordered:
        result = item.result
        anchor = property_anchor(item.variant, result.name)
        pictured.add(anchor)
        bad = not result.holds
        picture = ""
        if draw is not None:
            uri = _trace_picture(lab, item, draw)
            picture = (
                f' · <a href="#big-{anchor}">picture</a><span class="lightbox" id="big-{anchor}">'
                f'<a class="close" href="#t-{anchor}">close</a>'
                f'<img src="{uri}" alt="{esc(result.name)}"></span>'
            )
        title = (
            f"{esc(result.trace_role)} for <b>{esc(result.name)}</b> ({esc(result.kind)}, "
            f"{verdict_span(result.verdict)}; {req_links(result.requirements)}; "
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
    return f'<p class="small">explore it: <code>{esc(command)}</code></p>'
