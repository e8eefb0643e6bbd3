"""`ehttp scenarios`: for every client of a lab, whether the seed's scenarios work, and why.

See `model/views/scenarios.py`: each verdict is `ehttp.decide.decide` in the lab's steady state,
the answer `ehttp whatif` and `ehttp diagnose` give there too (SCN-1, SCN-2, SCN-3, KI-1, KI-2); a
site in the unsupported "HTTPS only" with enhanced HTTP combination is flagged (SITE-2). A
scenario that doesn't work is an answer, not an error: the exit code is 0.
"""

from __future__ import annotations

import click

from ehttp.cli.options import lab_option
from ehttp.cli.output import emit_json, emit_text, envelope
from ehttp.config.schema import Lab
from ehttp.views.scenarios import evaluate, render_text, to_json

__all__ = ["scenarios"]


@click.command()
@lab_option
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the verdicts as JSON (its schema: ehttp schema scenarios).",
)
def scenarios(lab: Lab, as_json: bool) -> None:
    """For each client: scenarios 1, 2 and 3 of the seed, os-deployment for a task sequence
    client and user-available-apps for a client with a user signed in; works or not, the reasons
    (each naming the lab value and the requirement ID) and the requirement IDs.
    """
    report = evaluate(lab)
    if as_json:
        emit_json(
            envelope(
                "scenarios",
                lab,
                "info",
                unsupported=report.unsupported,
                states=report.states,
                verdicts=to_json(report),
            )
        )
    else:
        emit_text(render_text(report))
