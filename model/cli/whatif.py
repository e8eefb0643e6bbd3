"""`ehttp whatif`: what happens if the administrator does this now (see `model/ask/whatif.py`).

Exit codes: 0 answered; 1 the answer contains the documented fault (CERT-3 on the way) or a
"never" (some fair run never gets somewhere a user waits for); 2 bad input (an unknown action or
one that can't be taken now, named with what is accepted); 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ehttp.ask.actions import catalogue, possible_now
from ehttp.ask.statefile import load_world
from ehttp.ask.steady import steady_state
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_text import describe_world, render_svg, render_text, to_json
from ehttp.atomic import write_atomic
from ehttp.cli.common import JsonVerdict, emit_json, envelope, lab_option
from ehttp.compose.world import WorldModel
from ehttp.config.schema import Lab

__all__ = ["whatif"]


@click.command()
@lab_option
@click.option(
    "--do",
    "actions",
    multiple=True,
    metavar="ACTION",
    help="An administrator action, in order (repeat); ids from --list, e.g. enable-enhanced-http, "
    "'approve wg1'.",
)
@click.option(
    "--from",
    "from_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Start from the world in this JSON file (a trace step's state from check --json, or "
    "whatif --json's after_actions) instead of the steady state.",
)
@click.option("--list", "list_only", is_flag=True, help="Print the lab's administrator actions.")
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
@click.option(
    "--svg",
    "svg_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the timeline as an SVG file.",
)
def whatif(
    lab: Lab,
    actions: tuple[str, ...],
    from_path: Path | None,
    list_only: bool,
    as_json: bool,
    svg_path: Path | None,
) -> None:
    """What happens if the administrator does ACTION(s) now: from the lab's steady state, the
    actions at once, then the system's own steps under weak fairness. Prints a timeline in
    minutes, when each change happens (or never), what each client can do meanwhile, whether the
    documented CERT-3 fault is reachable, and every steady outcome with a shortest path.
    """
    if list_only:
        _list(lab, as_json)
        return
    if not actions:
        raise click.BadParameter(
            "no action given; give --do ACTION at least once (see --list)", param_hint="--do"
        )
    start = None if from_path is None else load_world(WorldModel(lab), from_path)
    answer = what_if(lab, actions, start)
    if svg_path is not None:
        write_atomic(svg_path, render_svg(answer).encode("utf-8"))
    if as_json:
        verdict: JsonVerdict = "pass" if answer.verdict == "answered" else "fail"
        emit_json(envelope("whatif", lab, verdict, to_json(answer), answer=answer.verdict))
    else:
        sys.stdout.write(render_text(answer))
    if answer.verdict != "answered":
        sys.exit(1)


def _list(lab: Lab, as_json: bool) -> None:
    model = WorldModel(lab)
    steady = steady_state(lab)
    now = set(possible_now(model, steady))
    rows = [(a.text, a.row, a.text in now) for a in catalogue(model)]
    if as_json:
        items = [{"action": t, "row": r, "possible_now": p} for t, r, p in rows]
        emit_json(envelope("whatif", lab, "info", {"actions": items}))
        return
    click.echo(f"lab {lab.name!r}: administrator actions (* possible from the steady state)")
    click.echo(f"steady state: {describe_world(model, steady)}")
    width = max(len(t) for t, _r, _p in rows)
    for text, row, possible in rows:
        click.echo(f"  {'*' if possible else ' '} {text:{width}}  {row}")
