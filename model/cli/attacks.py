"""`ehttp attacks`: the attack catalogue run against a lab, each case with its expected reason.

DESIGN "Command line": "the attack catalogue run against the lab; each case, expected and actual
rejection reason; exit 1 if any attack is accepted". The catalogue (`model/lab/attacks/`) defends
SEC-1..SEC-5, REG-5, MP-3 and PRE-1. Each attack runs through `LabDriver.inject` on the lab, or on
the variant of it the attack names (an HTTPS distribution point, a network access account,
enhanced HTTP off, a 1802 site, a second management point), then each family's honest twins
through `LabDriver.confirm`; a case whose hosts or conditions the lab lacks is listed as skipped
with the reason and the lab key that would enable it. Exit 1 also when an attack is refused with
another reason than the catalogue's (the lab then does not behave as the catalogue says), when an
honest twin is refused (a lab that refused everything would pass every attack), and when the lab
refuses an honest step of a case's setup ("setup refused: ...", a result, never a traceback).
The last line is PASS or FAIL naming every case that failed (or INTERRUPTED).
"""

from __future__ import annotations

import click

from ehttp.bridge.catalogue import CaseResult, run_catalogue
from ehttp.cli.options import lab_option, mutant_option, seed_option
from ehttp.cli.output import JsonVerdict, emit_json, emit_text, envelope
from ehttp.cli.progress import INTERRUPTED, interruptible
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CASES, FAMILIES
from ehttp.lab.mutants import MUTANTS

__all__ = ["attacks"]


def _status(case: CaseResult) -> str:
    if case.setup_refused:
        return "SETUP"
    if case.attack.honest:
        return "accepted" if case.as_expected else "REFUSED"
    return "rejected" if case.as_expected else "ACCEPTED" if not case.rejected else "OTHER"


def _line(case: CaseResult) -> str:
    attack = case.attack
    if case.actual is None:
        return f"skipped   {attack.name}: does not apply: {'; '.join(case.skipped_because)}"
    return (
        f"{_status(case):<9} {attack.name}: {attack.tries}; "
        f"expected {attack.expected.value}, actual {case.actual}"
    )


def _failures(ran: list[CaseResult]) -> dict[str, list[str]]:
    """The cases that failed, by how: attacks accepted, attacks refused for another reason,
    honest twins refused, setups refused."""
    return {
        "accepted": [r.attack.name for r in ran if not r.attack.honest and r.actual == "accepted"],
        "another reason": [
            r.attack.name for r in ran if not r.attack.honest and r.rejected and not r.as_expected
        ],
        "honest twin refused": [r.attack.name for r in ran if r.attack.honest and r.rejected],
        "setup refused": [r.attack.name for r in ran if r.setup_refused],
    }


def _summary(ran: list[CaseResult], skipped: int) -> str:
    attacks = [r for r in ran if not r.attack.honest and not r.setup_refused]
    twins = [r for r in ran if r.attack.honest and not r.setup_refused]
    failed = _failures(ran)
    good = len(attacks) - len(failed["accepted"]) - len(failed["another reason"])
    return (
        f"{len(attacks)} attacks: {good} rejected as expected, {len(failed['another reason'])} "
        f"with another reason, {len(failed['accepted'])} accepted; {len(twins)} honest twins: "
        f"{len(twins) - len(failed['honest twin refused'])} accepted, "
        f"{len(failed['honest twin refused'])} refused; {len(failed['setup refused'])} setup "
        f"refused; {skipped} skipped"
    )


def _by_family(ran: list[CaseResult]) -> str:
    """How many attacks of each family ran (twins and skipped cases left out)."""
    counts = {name: 0 for name in FAMILIES}
    for result in ran:
        if not result.attack.honest:
            counts[result.attack.family] += 1
    return "attacks by family: " + ", ".join(f"{name} {n}" for name, n in counts.items())


def _verdict_line(failed: dict[str, list[str]]) -> str:
    named = [f"{how}: {', '.join(names)}" for how, names in failed.items() if names]
    if named:
        return f"FAIL: {'; '.join(named)}"
    return "PASS: every attack refused with its own reason, every honest twin accepted"


@click.command()
@lab_option
@seed_option("Seed of the lab's keys.")
@mutant_option(
    MUTANTS, "Run against the lab with this fault switched on (shows the catalogue catches it)."
)
@click.option("--json", "as_json", is_flag=True, help="Every case as JSON.")
def attacks(lab: Lab, seed: int, mutant: str | None, as_json: bool) -> None:
    """Run the attack catalogue against the lab: each case, the expected and the actual reason.

    Every attack must be refused with its own reason and every honest twin accepted. Exit 1 if
    any attack is accepted or refused with another reason, a twin is refused, or a setup step
    is refused; Ctrl-C stops after the current case and prints the cases run so far (exit 130).
    """
    with interruptible() as stop:
        results = run_catalogue(lab, seed, mutant, stop=stop, cases=CASES)
    not_run = [attack.name for attack in CASES[len(results) :]]
    ran = [r for r in results if r.actual is not None]
    failures = _failures(ran)
    failed = any(failures.values())
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
                accepted=failures["accepted"],
                unexpected_reason=failures["another reason"],
                honest_refused=failures["honest twin refused"],
                setup_refused=failures["setup refused"],
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
        click.echo(_by_family(ran))
        click.echo(_summary(ran, len(results) - len(ran)))
        if not_run and not failed:
            emit_text(
                f"INTERRUPTED: Ctrl-C after {len(results)} of {len(CASES)} cases; "
                f"not run: {', '.join(not_run)}\n"
            )
        else:
            emit_text(_verdict_line(failures) + "\n")
    if failed:
        raise SystemExit(1)
    if not_run:
        raise SystemExit(INTERRUPTED)
