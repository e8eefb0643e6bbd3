"""`ehttp diagnose`: how a site gets to a symptom and what cures it (see `model/ask/diagnose.py`).

Exit codes: 0 answered (the symptom's causes, each with a proven cure, or "can't happen on this
lab"); 1 some cause has no cure, or its cure is not proven (a violated property); 2 bad input (an
unknown symptom or name, named with what is accepted); 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ehttp.ask.diagnose import diagnose as find_causes
from ehttp.ask.diagnose_text import render_text, to_json
from ehttp.ask.statefile import load_world
from ehttp.ask.symptoms import symptom_list
from ehttp.cli.options import from_world_option, integer_option, lab_option
from ehttp.cli.output import JsonVerdict, emit_json, emit_text, envelope
from ehttp.compose.world import WorldModel
from ehttp.config.schema import Lab

__all__ = ["diagnose"]


@click.command()
@lab_option
@click.option(
    "--symptom",
    "symptom",
    default=None,
    metavar="SYMPTOM",
    help="What the administrator sees, e.g. 'no-sms-certificate-bound mp1' (see --list).",
)
@from_world_option("Search")
@click.option("--list", "list_only", is_flag=True, help="Print the lab's symptoms.")
@integer_option(
    "--max",
    "limit",
    minimum=1,
    default="5",
    help="At most N causes, fewest administrator actions first (default 5).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON.")
def diagnose(
    lab: Lab,
    symptom: str | None,
    from_path: Path | None,
    list_only: bool,
    limit: int,
    as_json: bool,
) -> None:
    """How the site can get to SYMPTOM from its steady state, or from the world of --from
    (administrator action sequences, fewest first, each as a trace), whether it clears by itself,
    and what cures it: for CERT-3 the seed's workaround, proven by the checker, with restarting
    smsexec alone shown not to.
    """
    if list_only:
        _list(lab, as_json)
        return
    if symptom is None:
        raise click.BadParameter(
            "no symptom given; give --symptom SYMPTOM (see --list)", param_hint="--symptom"
        )
    start = None if from_path is None else load_world(WorldModel(lab), from_path)
    answer = find_causes(lab, symptom, limit=limit, start=start)
    if as_json:
        verdict: JsonVerdict = "fail" if answer.verdict == "no cure" else "pass"
        emit_json(envelope("diagnose", lab, verdict, to_json(answer), answer=answer.verdict))
    else:
        emit_text(render_text(answer))
    if answer.verdict == "no cure":
        sys.exit(1)


def _list(lab: Lab, as_json: bool) -> None:
    symptoms = symptom_list(WorldModel(lab))
    if as_json:
        items = [{"symptom": s.text, "words": s.words} for s in symptoms]
        emit_json(envelope("diagnose", lab, "info", {"symptoms": items}))
        return
    click.echo(f"lab {lab.name!r}: symptoms")
    width = max(len(s.text) for s in symptoms)
    for item in symptoms:
        click.echo(f"  {item.text:{width}}  {item.words} ({', '.join(item.kind.requirements)})")
