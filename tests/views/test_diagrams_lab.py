"""Pictures of a lab (model/views/diagrams_lab.py): the reachable graph with its traces, and each
trace.

The small lab is the default lab with its distribution point left out and one client (aad1): 480
reachable worlds, where SITE-2 and CERT-3 both happen and five `sometimes` properties have
witnesses. The pictures are checked on the DOT source `dot` lays them out from (node and edge
titles, their label lines, colours and pen widths: everything a reader's browser shows but the
positions `dot` adds), above the limits `ehttp diagrams` draws at (`GRAPH_LIMIT`, `STEP_LIMIT`):
`dot` takes more than half an hour of CPU over the SVG of these 480 worlds. The command draws the
54-world graph of specs/labs/site-1802.toml.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.checker import CheckResult, Property, check
from ehttp.cli.app import main
from ehttp.compose.checking import LabCheck, VariantResult, run_checks
from ehttp.compose.properties import LAB
from ehttp.compose.world import EXEC, SITE, World, WorldModel
from ehttp.config.labfile import default_lab, lab_to_toml
from ehttp.config.schema import Lab
from ehttp.views.diagrams_lab import (
    GRAPH_LIMIT,
    PATH_COLOURS,
    STEP_LIMIT,
    Traced,
    lab_graph,
    slug,
    trace_graph,
    traced_properties,
    write_lab_diagrams,
)

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
_RED = "#c0392b"
CERT3_WITNESS = (
    "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
)
SITE2_WITNESS = (
    "with enhanced HTTP on, the console lets the administrator select HTTPS only (unsupported)"
)


def _small_lab(name: str = "one", clients: int = 1, dps: int = 0) -> Lab:
    lab = default_lab()
    return dataclasses.replace(
        lab,
        name=name,
        distribution_points=lab.distribution_points[:dps],
        clients=lab.clients[:clients],
    )


@pytest.fixture(scope="module")
def small() -> LabCheck:
    return run_checks(_small_lab())


@dataclass(frozen=True)
class _Shape:
    """A node or edge of a laid-out SVG: its title, its texts, its stroke colours and widths."""

    title: str
    texts: tuple[str, ...]
    strokes: frozenset[str]
    widths: frozenset[str]


_STATEMENT = re.compile(
    r"^\t(?P<tail>\"[^\"]+\"|[\w-]+)(?: -> (?P<head>[\w-]+))? \[(?P<attrs>.*)\]$"
)
_ATTRIBUTE = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|<.*>(?= \w+=|$)|\S+)')


def _source_shapes(source: str, kind: str) -> list[_Shape]:
    """The nodes or edges of the DOT source as `_shapes` reads them from the SVG: the title, the
    label's lines (an HTML label's, its tags dropped), the colours (a list drawn as parallel
    strokes; the graph's default edge colour, or black) and the pen width."""
    default = re.search(r'^\tedge \[.*\bcolor="([^"]+)"', source, re.MULTILINE)
    assert default is not None
    found = []
    for line in source.splitlines():
        statement = _STATEMENT.match(line)
        if statement is None or statement["tail"] in ("node", "edge"):
            continue
        if (statement["head"] is not None) != (kind == "edge"):
            continue
        attrs = {k: v.strip('"') for k, v in _ATTRIBUTE.findall(statement["attrs"])}
        tail = statement["tail"].strip('"')
        title = tail if kind == "node" else f"{tail}->{statement['head']}"
        label = attrs.get("label", "")
        if label.startswith("<"):
            parts = re.split(r"<BR[^>]*>", label[1:-1])
            lines = [html.unescape(re.sub(r"<[^>]*>", "", part)) for part in parts]
        else:
            lines = label.replace('\\"', '"').split("\\n")
        colour = attrs.get("color", default[1] if kind == "edge" else "black")
        texts = tuple(text for text in lines if text)
        widths = frozenset({attrs.get("penwidth", "1")})
        found.append(_Shape(title, texts, frozenset(colour.split(":")), widths))
    return found


Picture = Callable[[str], list[_Shape]]
"""The nodes or the edges of the small lab's graph."""


@pytest.fixture(scope="module")
def picture(small: LabCheck) -> Picture:
    """The small lab's graph as the DOT source `dot` lays out (titles, label lines, colours and
    pen widths)."""
    graph = lab_graph(small, max_worlds=500, max_steps=2000)
    assert graph is not None
    return functools.partial(_source_shapes, graph.source)


def test_the_small_lab_graph_has_every_reachable_world(small: LabCheck, picture: Picture) -> None:
    assert small.main.states == 480
    worlds = [n for n in picture("node") if re.fullmatch(r"w\d+", n.title)]
    assert len(worlds) == 480
    assert any("the initial world" in n.texts for n in worlds)


def _path_edges(edges: list[_Shape], colour: str) -> list[tuple[str, str]]:
    pairs = [e.title.split("->") for e in edges if colour in e.strokes and "3" in e.widths]
    return [(a, b) for a, b in pairs]


def _walk(pairs: list[tuple[str, str]], start: str) -> list[str]:
    """The chain of nodes the pairs form from `start` (each pair used once)."""
    chain = [start]
    left = list(pairs)
    while left:
        step = next(p for p in left if p[0] == chain[-1])
        left.remove(step)
        chain.append(step[1])
    return chain


def test_each_witness_runs_from_the_initial_world_in_its_own_colour(
    small: LabCheck, picture: Picture
) -> None:
    traced = traced_properties(small)
    assert [t.result.name for t in traced][:2] == [SITE2_WITNESS, CERT3_WITNESS]
    assert {t.variant for t in traced[2:]} == {"toggling the option only", "from enhanced HTTP off"}
    edges = picture("edge")
    for number, item in enumerate(traced):
        pairs = _path_edges(edges, PATH_COLOURS[number][1])
        assert len(pairs) == len(item.result.trace) - 1, item.result.name
        if pairs and item.variant == LAB:
            chain = _walk(pairs, "w0")
            assert len(chain) == len(item.result.trace)
    cert3 = _path_edges(edges, PATH_COLOURS[1][1])
    texts = [" ".join(e.texts) for e in edges if e.title in {f"{a}->{b}" for a, b in cert3}]
    assert sum("enable enhanced HTTP (site)" in t for t in texts) == 2
    assert all("[2]" in t for t in texts)


def test_every_other_transition_is_grey(picture: Picture) -> None:
    edges = [e for e in picture("edge") if not e.title.startswith("start")]
    highlighted = [e for e in edges if "3" in e.widths]
    # SITE-2's step, CERT-3's five, the three of REG-4's witness on the toggling variant (a client
    # registers, the option goes off and on again: A-47), and the bind that ends CERT-1's witness
    # from enhanced HTTP off (its enabling step, and SITE-1's, is an edge CERT-3's witness takes).
    assert len(highlighted) == 1 + 5 + 3 + 1
    assert all(e.strokes == {"#9a9a9a"} for e in edges if e not in highlighted)


def test_site2_and_cert3_worlds_are_red_with_a_double_border(picture: Picture) -> None:
    worlds = [n for n in picture("node") if re.fullmatch(r"w\d+", n.title)]
    marked = [n for n in worlds if any(t.startswith(("SITE-2:", "CERT-3:")) for t in n.texts)]
    assert len(marked) == 106
    assert all(n.strokes == {_RED} for n in marked)
    assert not any(_RED in n.strokes for n in worlds if n not in marked)
    ends = {
        "[1] witness ends here": "SITE-2: HTTPS only with enhanced HTTP",
        "[2] witness ends here": "CERT-3: mp1 stranded",
    }
    for end, notice in ends.items():
        (node,) = [n for n in worlds if end in n.texts]
        assert notice in node.texts


def test_the_legend_names_every_path_and_the_marks(picture: Picture) -> None:
    (legend,) = [n for n in picture("node") if n.title == "legend"]
    text = " ".join(legend.texts)
    assert f"[2] green, bold: witness of '{CERT3_WITNESS}'" in text
    assert "(CERT-3, documented fault)" in text


def test_a_witness_picture_emphasises_what_changed_and_marks_the_cert3_world(
    small: LabCheck,
) -> None:
    (cert3,) = [t for t in traced_properties(small) if t.result.name == CERT3_WITNESS]
    source = trace_graph("one", cert3).source
    assert len(re.findall(r"^\s*t\d+ -> t\d+", source, re.MULTILINE)) == 5
    assert "<B>site: https-or-http</B>" in source
    assert "<B>mp1: stranded</B>" in source
    last = [line for line in source.splitlines() if line.strip().startswith("t5 ")]
    assert len(last) == 1 and "peripheries=2" in last[0] and "CERT-3: mp1 stranded" in last[0]
    assert "enable enhanced HTTP (site)" in source


def _lasso(model: WorldModel, prop: Property[World]) -> Traced:
    result: CheckResult[World] = check(model, [prop], symmetry=False)
    return Traced(LAB, model, result.properties[0])


def test_a_lasso_is_drawn_with_its_loop_edge_back() -> None:
    model = WorldModel(_small_lab())
    traced = _lasso(
        model,
        Property.eventually("smsexec restarts", lambda w: w[EXEC][0] == "restarting", ("CERT-4",)),
    )
    assert traced.result.verdict == "violated" and traced.result.loop_from == 0
    assert traced.role == "counterexample"
    source = trace_graph("one", traced).source
    nodes = [line for line in source.splitlines() if re.match(r"\s*t\d+ \[", line)]
    assert len(nodes) == len(traced.result.trace) - 1
    back = [line for line in source.splitlines() if f"t{len(nodes) - 1} -> t0" in line]
    assert len(back) == 1 and "(loop)" in back[0] and "style=bold" in back[0]
    assert "the steps from step 0 repeat forever" in source


def test_a_stuttering_lasso_is_drawn_with_a_dashed_self_loop() -> None:
    model = WorldModel(_small_lab(), fair_only=True)
    traced = _lasso(model, Property.eventually("HTTPS only", lambda w: w[SITE][0] == "https-only"))
    assert traced.result.loop_from == len(traced.result.trace) - 1 == 1
    source = trace_graph("one", traced).source
    assert "t1 -> t1" in source and "style=dashed" in source
    assert "t0 -> t1" in source and "register with an Azure AD device token (aad1)" in source


def _run(*args: str) -> list[str]:
    result = CliRunner().invoke(main, ["diagrams", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_the_command_draws_a_small_lab_graph(tmp_path: Path) -> None:
    out = tmp_path / "out"
    lines = _run("--lab", str(LABS / "site-1802.toml"), "--out", str(out), "--format", "dot")
    assert f"wrote {out / 'lab-site-1802-graph.dot'}" in lines
    assert not any("drawing its traces instead" in line for line in lines)
    written = sorted(line.removeprefix("wrote ") for line in lines)
    assert written == sorted(str(path) for path in out.iterdir())
    assert (
        (out / "lab-site-1802-graph.dot")
        .read_text(encoding="utf-8")
        .startswith('digraph "lab-site-1802-graph" {')
    )


def test_the_command_draws_the_traces_of_a_graph_over_the_limits(tmp_path: Path) -> None:
    lab_file = tmp_path / "one.toml"
    lab_file.write_text(lab_to_toml(_small_lab()), encoding="utf-8")
    out = tmp_path / "out"
    lines = _run("--lab", str(lab_file), "--out", str(out), "--format", "dot")
    notices = [line for line in lines if not line.startswith("wrote ")]
    assert notices == [
        f"lab 'one': the reachable state graph has 480 states, 1905 transitions, more than the "
        f"{GRAPH_LIMIT} states and {STEP_LIMIT} transitions dot lays out in seconds; drawing its "
        "traces instead"
    ]
    assert f"wrote {out / f'lab-one-trace-{slug(CERT3_WITNESS)}.dot'}" in lines
    assert not (out / "lab-one-graph.dot").exists()


def test_a_graph_over_the_limit_gets_one_line_and_its_traces(tmp_path: Path) -> None:
    lab = _small_lab(name="bigger", dps=1)
    lab_file = tmp_path / "bigger.toml"
    lab_file.write_text(lab_to_toml(lab), encoding="utf-8")
    lines = _run("--lab", str(lab_file), "--out", str(tmp_path / "out"), "--format", "dot")
    notices = [line for line in lines if not line.startswith("wrote ")]
    assert notices == [
        f"lab 'bigger': the reachable state graph has 2158 states, 9558 transitions, more than "
        f"the {GRAPH_LIMIT} states and {STEP_LIMIT} transitions dot lays out in seconds; drawing "
        "its traces instead"
    ]
    assert not list((tmp_path / "out").glob("lab-bigger-graph.*"))
    # SITE-2's, CERT-3's, REG-4's on the toggling variant (A-47), SITE-1's and CERT-1's witnesses
    assert len(list((tmp_path / "out").glob("lab-bigger-trace-*.dot"))) == 5


def test_trace_file_names_are_the_property_slug_and_the_variant_when_two_collide(
    small: LabCheck, tmp_path: Path
) -> None:
    [toggling] = [v for v in small.variants if v.variant == "toggling the option only"]
    twice = dataclasses.replace(
        small,
        variants=(toggling, VariantResult("again", toggling.model, toggling.result)),
    )
    names = sorted(p.name for p in write_lab_diagrams(twice, tmp_path, "dot").written)
    assert f"lab-one-trace-toggling-the-option-only-{slug(CERT3_WITNESS)}.dot" in names
    assert f"lab-one-trace-again-{slug(CERT3_WITNESS)}.dot" in names
    # each of the toggling variant's two witnesses (CERT-3, REG-4) under two names (the
    # 480-world graph is over the limits)
    assert len(names) == 2 * 2


def test_slug() -> None:
    assert slug("enhanced HTTP on with every HTTP site system's role") == (
        "enhanced-http-on-with-every-http-site-system-s-role"
    )
