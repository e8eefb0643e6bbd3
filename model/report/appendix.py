"""The page's closing sections: machine diagrams, the modeling assumptions
(`specs/assumptions.md`), the glossary of property kinds and verdicts, and what saved files add:
property strength from `ehttp audit --json`, the coverage plot from `ehttp fuzz --json`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehttp.compose.checking import LabCheck
from ehttp.compose.world import MACHINES
from ehttp.config.schema import Lab
from ehttp.report.errors import ReportError
from ehttp.report.html import data_uri, esc, req_links, table
from ehttp.report.requirements import SPECS
from ehttp.report.traces import Draw
from ehttp.views.diagrams import INSTALL_GRAPHVIZ, lab_start_states, machine_graph
from ehttp.views.diagrams_lab import GRAPH_LIMIT, STEP_LIMIT, lab_graph, slug

__all__ = [
    "ASSUMPTIONS",
    "GLOSSARY",
    "Assumption",
    "assumptions_section",
    "coverage_svg",
    "diagrams_section",
    "glossary_section",
    "read_assumptions",
    "strength_section",
]

ASSUMPTIONS = SPECS / "assumptions.md"
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
    ("unknown", "the check stopped before deciding the property."),
    ("incomplete", "a search cut by --max-states or --max-seconds (or Ctrl-C): nothing passes."),
    (
        "variant",
        "the same declarations with a change some claims are stated on: 'without "
        "approval' (SEC-2) and 'after the workaround' (CERT-4).",
    ),
)
"""Each property kind and verdict word the report uses, and what it means."""


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


def assumptions_section(items: Sequence[Assumption]) -> str:
    rows = [
        [esc(a.title), f"<code>{esc(a.file)}</code>", req_links(a.requirements), esc(a.reason)]
        for a in items
    ]
    return (
        f"<details><summary>{len(items)} modeling assumptions: behaviour the documents do not "
        "give, labelled in the code</summary>"
        + table(["assumption", "file", "requirements", "reason"], rows)
        + "</details>"
    )


_NO_DOT = (
    "The diagrams are left out: Graphviz's dot program is not on PATH; "
    f"{INSTALL_GRAPHVIZ} and write the report again."
)


def _thumb(key: str, title: str, svg: bytes) -> str:
    uri = data_uri(svg)
    return (
        f'<a href="#big-{key}"><img src="{uri}" alt="{esc(title)}"><br>{esc(title)}</a>'
        f'<div class="lightbox" id="big-{key}"><a class="close" href="#diagrams">close</a>'
        f'<h3>{esc(title)}</h3><img src="{uri}" alt="{esc(title)}"></div>'
    )


def diagrams_section(lab: Lab, run: LabCheck, draw: Draw | None) -> str:
    if draw is None:
        return f"<p>{esc(_NO_DOT)}</p>"
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
            f"{GRAPH_LIMIT} states and {STEP_LIMIT} transitions that stay legible: it is "
            "summarised by these numbers and drawn "
            'through its <a href="#traces">traces</a> instead.</p>'
        )
    return note + f'<div class="thumbs">{"".join(thumbs)}</div>'


def strength_section(audit: dict[str, Any]) -> str:
    """Property strength, from a saved `ehttp audit --json`: per property the mutants it kills
    and one example; the kill ratio; survivors folded, each with the seed sentence that leaves it
    open where the seed does."""
    rows = [
        [
            esc(p["key"]),
            esc(p["kind"]),
            str(p["killed"]) if p["killed"] else '<b class="bad">0: unfalsifiable</b>',
            "" if p["example"] is None else f"<code>{esc(p['example'])}</code>",
        ]
        for p in audit["properties"]
    ]
    survivors = audit["survivors"]
    left_open = [s for s in survivors if s["sentence"] is not None]
    items = "".join(
        f"<li><code>{esc(s['id'])}</code>: {esc(s['change'])}"
        + (
            f"<br>left open by the seed: <q>{esc(s['sentence'])}</q>"
            if s["sentence"] is not None
            else f"<br><b>not constrained</b>: {esc(s['behaviour'] or '')}"
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
        + table(["property", "kind", "mutants killed", "example mutant"], rows)
        + f"<details><summary>{len(survivors)} surviving mutants ({len(left_open)} left open by "
        f"the seed, specs/unconstrained.toml)</summary><ul>{items}</ul></details>"
    )


def glossary_section() -> str:
    items = "".join(f"<dt>{esc(word)}</dt><dd>{esc(text)}</dd>" for word, text in GLOSSARY)
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
        f"fuzz coverage: {esc(title)}</text>"
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
