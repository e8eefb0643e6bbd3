"""`ehttp attacks`: the attack catalogue run against a lab, each case with its expected reason.

DESIGN "Command line": "the attack catalogue run against the lab; each case, expected and actual
rejection reason; exit 1 if any attack is accepted". The catalogue (`model/lab/attacks/`) defends
SEC-1..SEC-5, REG-5 and PRE-1. Each attack runs through `LabDriver.inject` on the lab, or on the
variant of it the attack names (an HTTPS distribution point, a network access account, enhanced
HTTP off, a 1802 site); an attack whose hosts or conditions the lab lacks is listed as skipped
with the reason and the lab key that would enable it. Exit 1 also when an attack is refused with
another reason than the catalogue's: the lab then does not behave as the catalogue says.
"""

from __future__ import annotations

import click

from model.cli.common import (
    INTERRUPTED,
    JsonVerdict,
    emit_json,
    envelope,
    interruptible,
    lab_option,
    mutant_option,
    seed_option,
)
from model.config.schema import Lab
from model.lab.attacks import CATALOGUE
from model.lab.catalogue_run import CaseResult, run_catalogue
from model.lab.mutants import MUTANTS

__all__ = ["attacks"]


def _line(case: CaseResult) -> str:
    attack = case.attack
    if case.actual is None:
        return f"skipped   {attack.name}: does not apply: {'; '.join(case.skipped_because)}"
    status = "rejected" if case.as_expected else "ACCEPTED" if not case.rejected else "OTHER"
    return (
        f"{status:<9} {attack.name}: {attack.tries}; "
        f"expected {attack.expected.value}, actual {case.actual}"
    )


@click.command()
@lab_option
@seed_option("Seed of the lab's keys.")
@mutant_option(
    MUTANTS, "Run against the lab with this fault switched on (shows the catalogue catches it)."
)
@click.option("--json", "as_json", is_flag=True, help="Every case as JSON.")
def attacks(lab: Lab, seed: int, mutant: str | None, as_json: bool) -> None:
    """Run the attack catalogue against the lab: each case, the expected and the actual reason.

    Exit 1 if any attack is accepted or refused with another reason than expected; Ctrl-C
    stops after the current attack and prints the cases run so far (exit 130).
    """
    with interruptible() as stop:
        results = run_catalogue(lab, seed, mutant, stop=stop)
    not_run = [attack.name for attack in CATALOGUE[len(results) :]]
    ran = [r for r in results if r.actual is not None]
    accepted = [r.attack.name for r in ran if not r.rejected]
    other = [r.attack.name for r in ran if r.rejected and not r.as_expected]
    failed = bool(accepted or other)
    verdict: JsonVerdict = "fail" if failed else "interrupted" if not_run else "pass"
    if as_json:
        emit_json(
            envelope(
                "attacks",
                lab,
                verdict,
                seed=seed,
                mutant=mutant,
                cases=[r.to_json() for r in ran],
                accepted=accepted,
                unexpected_reason=other,
                skipped=[
                    {"name": r.attack.name, "because": list(r.skipped_because)}
                    for r in results
                    if r.actual is None
                ],
                not_run=not_run,
            )
        )
    else:
        fault = f", mutant {mutant}" if mutant else ""
        click.echo(f"Attack catalogue against lab {lab.name!r} (seed {seed}{fault}):")
        for result in results:
            click.echo(_line(result))
        click.echo(
            f"{len(ran)} cases: {len(ran) - len(accepted) - len(other)} rejected as expected, "
            f"{len(other)} with another reason, {len(accepted)} accepted; "
            f"{len(results) - len(ran)} skipped"
        )
        if not_run:
            click.echo(
                f"INTERRUPTED: Ctrl-C after {len(results)} of {len(CATALOGUE)} attacks; "
                f"not run: {', '.join(not_run)}"
            )
    if failed:
        raise SystemExit(1)
    if not_run:
        raise SystemExit(INTERRUPTED)
