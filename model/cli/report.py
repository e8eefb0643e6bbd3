"""`ehttp report`: write the audit report of a lab as one self-contained HTML page.

See `model/report/page.py`. The page is written atomically into the output folder (default
`report/`)
and its path is printed. A `--out` that names an existing file, or a `--fuzz` file that is not
`ehttp fuzz --json` campaign output of the same lab (`model/report/fuzzfile.py`), is an input
error: one line, exit 2.
"""

from __future__ import annotations

import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from ehttp.cli.options import clients_option, lab_option, mutant_option, scaled_lab, seed_option
from ehttp.cli.output import JsonVerdict, emit_json, envelope, tool_version
from ehttp.cli.progress import INTERRUPTED, interruptible
from ehttp.compose.property_ids import property_id
from ehttp.config.schema import Lab
from ehttp.lab.mutants import MUTANTS
from ehttp.report.auditfile import read_audit
from ehttp.report.fuzzfile import read_fuzz
from ehttp.report.page import (
    PAGE,
    ReportError,
    ReportInterrupted,
    ReportMeta,
    Written,
    write_report,
)

__all__ = ["report"]


@click.command()
@lab_option
@clients_option
@mutant_option(MUTANTS, "Plant one named bug in the lab the attack catalogue runs against.")
@seed_option("Seed of the lab's keys for the attack catalogue.")
@click.option(
    "--fuzz",
    "fuzz_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="JSON written by `ehttp fuzz --json`: adds the coverage timeline plot.",
)
@click.option(
    "--audit",
    "audit_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="JSON written by `ehttp audit --json` of the lab: adds the property strength section.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder to write index.html into (created when missing).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the page's path and verdict as JSON.")
def report(
    lab: Lab,
    clients: int | None,
    mutant: str | None,
    seed: int,
    fuzz_path: Path | None,
    audit_path: Path | None,
    out: Path,
    as_json: bool,
) -> None:
    """Write one self-contained HTML page: the verdict, what happens if you enable, disable or
    quickly toggle enhanced HTTP or apply the workaround (as `ehttp whatif` says it) and the causes
    and cures of an unbound SMS-Issuing certificate (as `ehttp diagnose` finds them), the lab's
    configuration, the traces (the CERT-3 witness first, every counterexample before it), every
    property, one row per requirement with its quote, what checks it (properties, attack cases,
    lab mutants caught, tests) and a badge per lab, the source text, scenario
    verdicts, the access tables, the attack catalogue, machine diagrams, the modeling
    assumptions, a glossary, with --fuzz the coverage plot and with --audit the property
    strength (a saved `ehttp audit --json`: the audit takes minutes, so the report reads it).
    Progress per lab goes to standard error. Exit 1 when a property does not hold or an attack
    is not refused as expected (the page then says why, first).
    """
    lab = scaled_lab(lab, clients)
    meta = ReportMeta(
        version=tool_version(),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        command=" ".join(["ehttp", *(shlex.quote(arg) for arg in sys.argv[1:])]),
        seed=seed,
        mutant=mutant,
    )
    try:
        fuzz = None if fuzz_path is None else read_fuzz(fuzz_path, lab)
        audit = None if audit_path is None else read_audit(audit_path, lab)
        with interruptible() as stop:
            written = write_report(
                lab,
                out,
                fuzz,
                meta=meta,
                progress=None if as_json else lambda line: click.echo(line, err=True),
                stop=stop,
                audit=audit,
            )
    except ReportError as error:
        option, _, message = str(error).partition(": ")
        raise click.BadParameter(message, param_hint=option) from None
    except ReportInterrupted as stopped:
        _interrupted(lab, mutant, out / PAGE, stopped, as_json)
    run = written.run
    verdict: JsonVerdict = (
        "incomplete" if not run.complete else "pass" if written.passed else "fail"
    )
    if as_json:
        emit_json(
            envelope(
                "report",
                lab,
                verdict,
                path=str(written.path),
                properties=len(run.properties),
                holding=sum(p.holds for _, p in run.properties),
                mutant=mutant,
                attacks_not_refused=[
                    c.attack.name for c in written.cases if c.actual and not c.as_expected
                ],
            )
        )
    else:
        click.echo(str(written.path))
        if verdict != "pass":
            click.echo(_failed_line(written, verdict))
    sys.exit(0 if verdict == "pass" else 1)


def _failed_line(written: Written, verdict: JsonVerdict) -> str:
    """The last line of a report that does not pass: what does not hold, by property ID, and
    the attacks not refused as expected; the page says the same first."""
    run = written.run
    if verdict == "incomplete":
        return f"INCOMPLETE: the search of lab {run.lab.name!r} stopped; nothing passes"
    failing = [property_id(p.name, p.requirements) for _, p in run.properties if not p.holds]
    attacks = [c.attack.name for c in written.cases if c.actual and not c.as_expected]
    parts = []
    if failing:
        parts.append(f"not holding: {', '.join(failing)}")
    if attacks:
        parts.append(f"attacks not refused as expected: {', '.join(attacks)}")
    return f"FAIL: {'; '.join(parts)} (the page says why, first)"


def _interrupted(
    lab: Lab, mutant: str | None, page: Path, stopped: ReportInterrupted, as_json: bool
) -> NoReturn:
    """What the report did before Ctrl-C, and that it wrote nothing; exit INTERRUPTED."""
    kept = f"{page} is as it was" if page.exists() else f"{page} does not exist"
    if as_json:
        emit_json(
            envelope(
                "report",
                lab,
                "interrupted",
                path=None,
                written=False,
                stopped_during=stopped.during,
                labs_checked=[
                    {
                        "lab": each.name,
                        "states": each.states,
                        "properties": each.properties,
                        "holding": each.holding,
                    }
                    for each in stopped.checked
                ],
                labs_not_checked=list(stopped.not_checked),
                mutant=mutant,
            )
        )
    else:
        total = len(stopped.checked) + len(stopped.not_checked)
        click.echo(f"labs checked before Ctrl-C: {len(stopped.checked)} of {total}")
        for each in stopped.checked:
            click.echo(
                f"  {each.name}: {each.states:,} states, {each.holding} of {each.properties} "
                "properties hold"
            )
        if stopped.not_checked:
            click.echo(f"not checked: {', '.join(stopped.not_checked)}")
        click.echo(f"INTERRUPTED: Ctrl-C while {stopped.during}; no page written ({kept})")
    sys.exit(INTERRUPTED)
