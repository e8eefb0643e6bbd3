"""Pictures of a lab's behaviour: its reachable state graph, and one picture per checked trace.

DESIGN.md ("ehttp diagrams"): besides every machine, the lab's reachable graph when small enough,
and the trace of every `sometimes` property and failed check. The graph is the checker's own
breadth-first exploration of the lab's model (`model/checker/explore.py`, with the symmetry
reduction `ehttp check` uses), drawn when it has at most `GRAPH_LIMIT` states and `STEP_LIMIT`
steps. Each world is labelled with the instances that differ from the lab's initial world; every
witness and counterexample that runs in the graph is highlighted in its own colour. The traces are
those of `run_checks` (`model/compose/checking.py`): the witness of every `sometimes` property that
holds and the counterexample of every property that fails, lassos drawn with their loop edge back.

Worlds a reader must notice are drawn like the states the machine diagrams mark: red with a double
border. They are the seed's two "Known issues" as the properties state them
(`model/compose/properties/`): HTTPS only with enhanced HTTP on (SITE-2) and a site system
stranded by rapid toggling (CERT-3).

Output is deterministic (discovery order, sorted labels, no timestamps) for `diagrams/`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import graphviz

from ehttp.atomic import write_atomic
from ehttp.checker import Exploration, PropertyResult, Step, reachable
from ehttp.compose.checking import LabCheck
from ehttp.compose.properties import LAB, stranded
from ehttp.compose.world import CLOCK_AT, SITE, Action, World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES
from ehttp.machines.site import SITE_MODE
from ehttp.views.diagrams import Format, render
from ehttp.views.dot_text import html_text, label

__all__ = [
    "GRAPH_LIMIT",
    "PATH_COLOURS",
    "STEP_LIMIT",
    "LabPictures",
    "Traced",
    "lab_graph",
    "slug",
    "trace_graph",
    "traced_properties",
    "world_notices",
    "write_lab_diagrams",
]

GRAPH_LIMIT = 150
"""The largest reachable graph (in stored states, after symmetry reduction) that is drawn.

`dot`'s layout time grows much faster than the graph: measured on growing parts of one lab's
graph, 100 worlds (314 steps) take 1.5 s, 150 worlds (497 steps) 11 s, 200 worlds (712 steps)
58 s, and the whole 480 worlds (1,882 steps) more than half an hour."""

STEP_LIMIT = 500
"""The most steps (edges) of a drawn graph: with `GRAPH_LIMIT`, a layout of seconds."""

PATH_COLOURS: tuple[tuple[str, str], ...] = (
    ("blue", "#1f77b4"),
    ("green", "#2ca02c"),
    ("purple", "#9467bd"),
    ("orange", "#ff7f0e"),
    ("cyan", "#17becf"),
    ("brown", "#8c564b"),
    ("pink", "#e377c2"),
    ("olive", "#bcbd22"),
)
"""Colours of highlighted paths, in property order (red is kept for marked worlds)."""

_RED = "#c0392b"
_GREY = "#9a9a9a"
_FONT = "Helvetica"
_WRAP = 40
_MARKED = {"color": _RED, "fontcolor": _RED, "peripheries": "2", "penwidth": "2"}
_LEGEND_MARKED = (
    "red, double border: HTTPS only with enhanced HTTP on (SITE-2, unsupported), or a site "
    "system stranded by rapid toggling (CERT-3, documented fault)"
)


@dataclass(frozen=True)
class Traced:
    """A property with a trace to draw: its variant, the variant's model and its result."""

    variant: str
    model: WorldModel
    result: PropertyResult[World]

    @property
    def role(self) -> str:
        """'witness' for a `sometimes` property that holds, else 'counterexample'."""
        return self.result.trace_role


@dataclass(frozen=True)
class LabPictures:
    """What `write_lab_diagrams` wrote, and the notice printed when the graph was too large."""

    written: tuple[Path, ...]
    notice: str | None


def slug(text: str) -> str:
    """Lower case letters and digits, every other run of characters one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def traced_properties(check: LabCheck) -> tuple[Traced, ...]:
    """Every property of `check` with a witness or counterexample, in report order."""
    return tuple(
        Traced(variant.variant, variant.model, result)
        for variant in check.variants
        for result in variant.result.properties
        if result.trace
    )


def world_notices(model: WorldModel, world: World) -> tuple[str, ...]:
    """Why a world is marked: SITE-2's unsupported site mode, CERT-3's stranded site systems."""
    notes = []
    if "unsupported" in SITE_MODE.state(world[SITE][0]).marks:
        notes.append("SITE-2: HTTPS only with enhanced HTTP")
    notes.extend(
        f"CERT-3: {model.env.names[index]} stranded"
        for index in model.env.bindings
        if stranded(model, world, index)
    )
    return tuple(notes)


def _instance(model: WorldModel, index: int, world: World) -> str:
    control, timer = world[index]
    minutes = f" ({timer * QUANTUM_MINUTES} min)" if timer >= 0 else ""
    return f"{model.env.names[index]}: {control}{minutes}"


def _action_label(model: WorldModel, action: Action) -> str:
    name = model.action_name(action)
    return name if action[0] == CLOCK_AT else f"{name} ({model.env.names[action[0]]})"


def _on(variant: str) -> str:
    return "checked on the lab's model" if variant == LAB else f"checked on the variant {variant!r}"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, _WRAP)


@dataclass(frozen=True)
class _Path:
    number: int
    colour: str
    colour_name: str
    traced: Traced
    nodes: tuple[int, ...]


def _paths_in(
    graph: Exploration[World, Action], model: WorldModel, traced: Sequence[Traced]
) -> list[_Path]:
    """The traces that run in the graph: every state a node, every step an edge of it."""
    paths: list[_Path] = []
    succ = graph.succ or []
    for item in traced:
        nodes = [graph.index.get(model.canonical(step.state)) for step in item.result.trace]
        found = [node for node in nodes if node is not None]
        if len(found) != len(nodes):
            continue
        if all(b in succ[a] for a, b in pairwise(found)):
            name, colour = PATH_COLOURS[len(paths) % len(PATH_COLOURS)]
            paths.append(_Path(len(paths) + 1, colour, name, item, tuple(found)))
    return paths


def lab_graph(
    check: LabCheck, *, max_worlds: int = GRAPH_LIMIT, max_steps: int = STEP_LIMIT
) -> graphviz.Digraph | None:
    """The lab's reachable state graph with its traces highlighted; None when it has more than
    `max_worlds` worlds or `max_steps` steps (tests read the DOT source of larger graphs)."""
    model = check.model
    graph = reachable(model, symmetry=True, labels=True, max_states=max_worlds + 1)
    if len(graph.states) > max_worlds or sum(map(len, graph.succ or [])) > max_steps:
        return None
    paths = _paths_in(graph, model, traced_properties(check))
    dot = graphviz.Digraph(name=f"lab-{slug(check.lab.name)}-graph")
    reduced = " after symmetry reduction" if model.symmetric_groups else ""
    dot.attr(
        label=label(
            f"lab {check.lab.name}: {len(graph.states)} reachable worlds{reduced}; "
            "each lists what differs from the initial world"
        ),
        labelloc="t",
        fontname=_FONT,
        rankdir="LR",
    )
    dot.attr("node", shape="box", style="rounded", fontname=_FONT, fontsize="9")
    dot.attr("edge", fontname=_FONT, fontsize="8", color=_GREY, fontcolor="#555555")
    ends: dict[int, list[_Path]] = {}
    for path in paths:
        ends.setdefault(path.nodes[-1], []).append(path)
    initial = model.initial
    for number, world in enumerate(graph.states):
        lines = [f"#{number}"]
        lines.extend(
            _instance(model, index, world)
            for index in range(len(world))
            if world[index] != initial[index]
        )
        if world == initial:
            lines.append("the initial world")
        lines.extend(f"[{p.number}] {p.traced.role} ends here" for p in ends.get(number, []))
        notes = world_notices(model, world)
        lines.extend(notes)
        attributes = {"label": label(*lines), "tooltip": label("; ".join(lines[1:]) or "initial")}
        if number in ends:
            attributes |= {"color": ends[number][0].colour, "penwidth": "3"}
        if notes:
            attributes |= _MARKED
        dot.node(f"w{number}", **attributes)
    for number in sorted(graph.initial):
        dot.node(f"start-{number}", label="", shape="point", width="0.12")
        dot.edge(f"start-{number}", f"w{number}", tooltip="the lab starts here", color="black")
    on_path: dict[tuple[int, int], list[_Path]] = {}
    for path in paths:
        for edge in pairwise(path.nodes):
            if path not in on_path.setdefault(edge, []):
                on_path[edge].append(path)
    labels: dict[tuple[int, int], set[str]] = {}
    edges = zip(graph.succ or [], graph.labels or [], strict=True)
    for source, (targets, actions) in enumerate(edges):
        for target, action in zip(targets, actions, strict=True):
            labels.setdefault((source, target), set()).add(
                _action_label(model, graph.actions[action])
            )
    for (source, target), names in labels.items():
        attributes = {"label": label(*sorted(names)), "tooltip": label("; ".join(sorted(names)))}
        highlighted = on_path.get((source, target))
        if highlighted:
            marks = " ".join(f"[{p.number}]" for p in highlighted)
            attributes |= {
                "label": label(*sorted(names), marks),
                "color": ":".join(p.colour for p in highlighted),
                "fontcolor": highlighted[0].colour,
                "penwidth": "3",
                "style": "bold",
            }
        dot.edge(f"w{source}", f"w{target}", **attributes)
    legend = [
        f'<FONT COLOR="{p.colour}">[{p.number}] {p.colour_name}, bold: {p.traced.role} of '
        f"{html_text(repr(p.traced.result.name))}</FONT>"
        for p in paths
    ]
    legend.append(f'<FONT COLOR="{_RED}">{html_text(_LEGEND_MARKED)}</FONT>')
    dot.node("legend", label=_html_lines(legend), shape="note", fontsize="9")
    return dot


def _actor(model: WorldModel, before: World, step: Step[World]) -> str:
    """The step's action and the instance that took it, found among the enabled actions."""
    for action in model.actions(before):
        if model.action_name(action) == step.action and model.next_state(before, action) == (
            step.state
        ):
            return _action_label(model, action)
    raise ValueError(f"trace step {step.text!r} is not a step of the model from {before!r}")


def _trace_node(model: WorldModel, world: World, before: World | None, number: int) -> str:
    rows = [f"<B>step {number}</B>"]
    for index in range(len(world)):
        if index == CLOCK_AT:
            continue
        text = html_text(_instance(model, index, world))
        changed = before is not None and before[index] != world[index]
        rows.append(f"<B>{text}</B>" if changed else text)
    notes = world_notices(model, world)
    rows.extend(f'<FONT COLOR="{_RED}">{html_text(note)}</FONT>' for note in notes)
    return _html_lines(rows)


def _html_lines(rows: Sequence[str]) -> str:
    """A Graphviz HTML-like label: the rows (already escaped) left-aligned, one a line."""
    return "<" + "".join(f'{row}<BR ALIGN="LEFT"/>' for row in rows) + ">"


def trace_graph(lab_name: str, traced: Traced) -> graphviz.Digraph:
    """One witness or counterexample: a node per world (changed instances in bold), an edge per
    step labelled with its action; a lasso's last step is drawn back to where its loop starts."""
    result = traced.result
    model = traced.model
    trace = result.trace
    loop = result.loop_from
    stutters = loop is not None and loop == len(trace) - 1
    drawn = len(trace) - 1 if loop is not None and not stutters else len(trace)
    title = [
        result.name,
        f"{traced.role} ({result.kind}, {result.verdict}; {', '.join(result.requirements)}; "
        f"lab {lab_name}, {_on(traced.variant)})",
    ]
    if loop is not None:
        title.append(
            f"a lasso: from step {loop} the behaviour stutters forever"
            if stutters
            else f"a lasso: the steps from step {loop} repeat forever"
        )
    dot = graphviz.Digraph(name=f"lab-{slug(lab_name)}-trace-{slug(result.name)}")
    dot.attr(label=label(*title), labelloc="t", fontname=_FONT, rankdir="TB")
    dot.attr("node", shape="box", style="rounded", fontname=_FONT, fontsize="9")
    dot.attr("edge", fontname=_FONT, fontsize="9")
    for number in range(drawn):
        world = trace[number].state
        before = trace[number - 1].state if number else None
        attributes = {"label": _trace_node(model, world, before, number)}
        if world_notices(model, world):
            attributes |= _MARKED
        dot.node(f"t{number}", **attributes)
    for number in range(1, len(trace)):
        target = number if number < drawn else loop
        lines = _wrapped(_actor(model, trace[number - 1].state, trace[number]))
        attributes = {"label": label(*lines), "tooltip": label(trace[number].text)}
        if number >= drawn:
            attributes |= {"style": "bold", "constraint": "false", "label": label(*lines, "(loop)")}
        dot.edge(f"t{number - 1}", f"t{target}", **attributes)
    if stutters:
        dot.edge(
            f"t{drawn - 1}",
            f"t{drawn - 1}",
            label=label("stutters forever:", "no fair action is enabled"),
            style="dashed",
        )
    return dot


def _trace_names(traced: Sequence[Traced]) -> list[str]:
    """A file name part per trace: the property's slug, with the variant's when two collide."""
    plain = [slug(t.result.name) for t in traced]
    return [
        name if plain.count(name) == 1 else f"{slug(t.variant)}-{name}"
        for name, t in zip(plain, traced, strict=True)
    ]


def write_lab_diagrams(check: LabCheck, out: Path, fmt: Format) -> LabPictures:
    """Write the lab's graph (when at most `GRAPH_LIMIT` states) and every trace into `out`."""
    out.mkdir(parents=True, exist_ok=True)
    prefix = f"lab-{slug(check.lab.name)}"
    written: list[Path] = []
    notice = None
    graph = lab_graph(check)
    if graph is None:
        notice = (
            f"lab {check.lab.name!r}: the reachable state graph has {check.main.states} states, "
            f"{check.main.transitions} transitions, more than the {GRAPH_LIMIT} states and "
            f"{STEP_LIMIT} transitions dot lays out in seconds; drawing its traces instead"
        )
    else:
        path = out / f"{prefix}-graph.{fmt}"
        write_atomic(path, render(graph, fmt))
        written.append(path)
    traced = traced_properties(check)
    for item, name in zip(traced, _trace_names(traced), strict=True):
        path = out / f"{prefix}-trace-{name}.{fmt}"
        write_atomic(path, render(trace_graph(check.lab.name, item), fmt))
        written.append(path)
    return LabPictures(tuple(written), notice)
