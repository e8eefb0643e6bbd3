"""`ehttp audit`: how strong each property is, measured on mutants of the declarations.

Runs `model/audit/` on the lab (the embedded default when `--lab` is not given) and prints, per
property, how many mutants it kills and one of them with its counterexample length; each surviving
mutant with the change and the behaviour it allows (or the seed sentence that leaves it open, from
`specs/unconstrained.toml`); and the kill ratio. Exit 0 when every mutant ran and every property
killed at least one; 1 when a property is unfalsifiable or the run stopped early (`--max-seconds`).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from ehttp.audit import (
    REDIRECT_SEED,
    AuditResult,
    BaseFailed,
    MutantResult,
    UnconstrainedError,
    load_unconstrained,
    run_audit,
)
from ehttp.cli.options import lab_option, seconds_option
from ehttp.cli.output import JsonVerdict, emit_json, emit_text, envelope
from ehttp.cli.progress import INTERRUPTED, Reporter, interruptible, reporter, search_numbers
from ehttp.config.schema import Lab
from ehttp.words import VACUOUS, plural

__all__ = ["audit", "audit_verdict", "render_text"]


def audit_verdict(result: AuditResult, interrupted: bool = False) -> JsonVerdict:
    """`pass` when every property kills a mutant, `incomplete` when --max-seconds cut the run,
    `interrupted` when Ctrl-C did."""
    if not result.complete:
        return "interrupted" if interrupted else "incomplete"
    return "pass" if result.passed else "fail"


def _progress(progress: Reporter) -> Callable[[int, int, MutantResult], None]:
    """Each mutant judged, as the shared reporter shows progress: on a terminal's status line,
    otherwise a plain line on standard error every 10 s."""

    def show(done: int, total: int, result: MutantResult) -> None:
        progress.show(f"mutant {done}/{total}: {result.mutant.id}: {result.status}")

    return show


def _example(result: AuditResult, index: int) -> str:
    prop = result.properties[index]
    if prop.example is None and not result.complete:
        return "not known yet: no mutant run so far makes it fail"
    if prop.example is None:
        return "UNFALSIFIABLE: no mutant makes it fail"
    mutant, length = prop.example
    if length is None:
        # No trace to show: a `sometimes` lost its witness, any other kind became vacuous.
        steps = "no witness: no reachable state shows it" if prop.kind == "sometimes" else VACUOUS
    else:
        steps = plural(length, "step")
    return f"{mutant} ({steps})"


def _parts(result: AuditResult) -> dict[str, int]:
    """The header's mutants in parts that add up to them: each mutant is in exactly one."""
    own = [m for m in result.mutants if m.mutant.same_as is None]
    return {
        "change the reachable graph": len(result.changing),
        "don't": sum(m.status == "equivalent" for m in own),
        "behave as a removal": len(result.mutants) - len(own),
        "not run": sum(m.status == "not-run" for m in own),
    }


def render_text(result: AuditResult, interrupted: bool = False) -> str:
    """The text users read: summary, per-property kills, survivors, kill ratio; after Ctrl-C
    (`interrupted`), what the mutants run so far showed."""
    mutants = result.mutants
    not_run = sum(m.status == "not-run" for m in mutants)
    sampled = (
        f"redirects: {result.redirects_limit} sampled of {result.redirects_total}, "
        f"seed {REDIRECT_SEED}"
        if result.redirects_total > result.redirects_limit
        else f"redirects: all {result.redirects_total}"
    )
    parts = _parts(result)
    shown = ", ".join(
        f"{count} {what}" for what, count in parts.items() if count or what != "not run"
    )
    lines = [
        f"audit of lab {result.lab.name!r}: {len(mutants)} mutants ({sampled}): {shown}; "
        f"{result.seconds:.1f} s",
    ]
    why = "Ctrl-C" if interrupted else "--max-seconds"
    if result.base_stopped is not None:
        lines.append(
            f"INCOMPLETE: the unmutated lab's check stopped ({why}: {result.base_stopped}); no "
            "mutant can be measured against it, so none ran; nothing passes"
        )
    elif not_run:
        lines.append(f"INCOMPLETE: {not_run} mutants not run ({why}); nothing passes")
    lines.append("")
    width = max(len(p.key) for p in result.properties)
    lines.append(f"  {'killed':>6}  {'property':{width}}  example mutant (counterexample)")
    for index, prop in enumerate(result.properties):
        lines.append(f"  {len(prop.killed):6}  {prop.key:{width}}  {_example(result, index)}")
    tables = [m for m in mutants if m.mutant.tables is not None]
    if tables:
        lines.append("")
        lines.append(
            f"table mutants: {len(tables)} (MP table registration column, DP table); "
            f"{sum(m.status == 'killed' for m in tables)} killed, "
            f"{sum(m.status == 'equivalent' for m in tables)} change nothing this lab asks"
        )
        for m in tables:
            if m.status == "killed":
                verdict = f"killed by: {'; '.join(m.killed_by)}"
            elif m.status == "equivalent":
                verdict = "equivalent: this lab's model asks nothing the change answers otherwise"
            else:
                verdict = m.status
            lines.append(f"  {m.mutant.id}: {verdict}")
    survivors = [m for m in result.changing if m.status == "survived"]
    lines.append("")
    listed = [m for m in survivors if m.unconstrained is not None]
    lines.append(
        f"surviving mutants: {len(survivors)} ({len(listed)} left open by the seed, "
        "listed in specs/unconstrained.toml)"
    )
    for m in survivors:
        lines.append(f"  {m.mutant.id}")
        lines.append(f"    change: {m.mutant.change}")
        lines.append(f"    allows: {m.behaviour}")
        if m.unconstrained is not None:
            lines.append(f"    left open by the seed: {m.unconstrained!r}")
        if m.lab is not None:
            lines.append(f"    the lab in lockstep with it: {m.lab}")
    counted = result.counted
    killed = sum(m.status == "killed" for m in counted)
    lines.append("")
    left_open = len(result.changing) - len(counted)
    lines.append(
        f"kill ratio: {result.kill_ratio:.2f} ({killed} killed of {len(counted)} counted: the "
        f"{len(result.changing)} of the {len(mutants)} mutants that change the reachable graph, "
        f"less {left_open} the seed leaves open)"
    )
    killing = len(result.properties) - len(result.unfalsifiable)
    if interrupted and not result.complete:
        ran = len(mutants) - not_run
        lines.append(
            f"INTERRUPTED: {ran} of {len(mutants)} mutants run before Ctrl-C; so far {killing} of "
            f"{len(result.properties)} properties kill at least one mutant"
        )
        return "\n".join(lines) + "\n"
    if not result.complete:  # cut by --max-seconds: what ran is no verdict
        ran = len(mutants) - not_run
        lines.append(
            f"INCOMPLETE: {ran} of {len(mutants)} mutants run (--max-seconds); so far {killing} "
            f"of {len(result.properties)} properties kill at least one mutant; nothing passes"
        )
        return "\n".join(lines) + "\n"
    verdict = "PASS" if result.passed else "FAIL"
    lines.append(
        f"{verdict}: {killing} of {len(result.properties)} properties kill at least one mutant"
    )
    return "\n".join(lines) + "\n"


@click.command()
@lab_option
@seconds_option(
    "--max-seconds", help="Stop after S seconds (the run is then incomplete and fails)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def audit(lab: Lab, max_seconds: float | None, as_json: bool) -> None:
    """Measure every property of the lab against mutants of the declarations.

    Mutants: each row removed, each guard forced true or false, each deadline one quantum
    shorter or longer, each row redirected to another state (sampled with a fixed seed); each
    cell of the access tables the model decides with removed or added, each "(Enhanced HTTP)" and
    "(version 1706)" qualifier dropped. A property that kills no mutant is unfalsifiable, and
    the audit fails.
    """
    try:
        listed = load_unconstrained()
        with reporter("unmutated lab: exploring") as progress, interruptible(progress) as stop:
            result = run_audit(
                lab,
                unconstrained=listed,
                max_seconds=max_seconds,
                progress=_progress(progress),
                stop=stop,
                base_progress=lambda info: progress.show(search_numbers(info)),
                phase=progress.phase,
            )
    except UnconstrainedError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(2)
    except BaseFailed as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    verdict = audit_verdict(result, stop.requested)
    if as_json:
        fields = result.to_json()
        del fields["lab"]
        emit_json(envelope("audit", result.lab, verdict, **fields))
    else:
        emit_text(render_text(result, stop.requested))
    sys.exit(0 if verdict == "pass" else INTERRUPTED if verdict == "interrupted" else 1)
