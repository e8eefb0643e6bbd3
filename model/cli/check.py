"""`ehttp check`: the exhaustive model check of a lab, with every property and its trace.

Runs `model/compose/checking.py` on the lab (the embedded default when `--lab` is not given) and
prints a summary line, a table of properties (name, kind, requirement IDs, verdict), each trace as
readable steps, the transitions never fired, and a last line that says the outcome: `PASS`,
`FAIL` naming the properties that do not hold, `INCOMPLETE` (a limit cut the search) or
`INTERRUPTED` (Ctrl-C). An incomplete search prints no "never fired" list: rows it did not reach
may still fire. Progress (phase, elapsed time, states) goes to standard error: a status line on a
terminal, a plain line every 10 s otherwise. Exit 0 when the search completed and every property
holds, 1 otherwise (an incomplete search never passes), 130 when interrupted.
"""

from __future__ import annotations

import sys
import textwrap
import time
from typing import Any, NoReturn

import click

from ehttp.checker import PropertyResult
from ehttp.cli.options import (
    OneOf,
    clients_option,
    integer_option,
    lab_option,
    scaled_lab,
    seconds_option,
)
from ehttp.cli.output import JsonVerdict, emit_json, emit_text, envelope, output_width
from ehttp.cli.progress import INTERRUPTED, interruptible, reporter, search_numbers
from ehttp.compose.checking import LabCheck, run_checks, with_id
from ehttp.compose.property_ids import property_id
from ehttp.compose.spin import INSTALL, SpinError, SpinMissing, SpinReport, run_spin
from ehttp.compose.world import World
from ehttp.config.schema import Lab
from ehttp.machines.site import UNSUPPORTED_STATE
from ehttp.words import VACUOUS

__all__ = [
    "check",
    "check_json",
    "check_verdict",
    "exit_code",
    "outcome_line",
    "render_spin_text",
    "render_text",
]


def check_verdict(report: LabCheck) -> JsonVerdict:
    """`pass` when complete and every property holds; `interrupted` after Ctrl-C; `incomplete`
    when a limit cut the search; `fail` otherwise."""
    if report.interrupted:
        return "interrupted"
    if not report.complete:
        return "incomplete"
    return "pass" if report.passed else "fail"


def exit_code(report: LabCheck) -> int:
    """0 pass, 130 interrupted, 1 otherwise."""
    verdict = check_verdict(report)
    return 0 if verdict == "pass" else INTERRUPTED if verdict == "interrupted" else 1


def check_json(report: LabCheck, stopped_during: str | None = None) -> dict[str, Any]:
    """`ehttp check --json`: the envelope, then `LabCheck.to_json` (specs/schemas/check.json);
    after Ctrl-C, `stopped_during` is the phase the search was in."""
    fields = report.to_json()
    del fields["lab"]
    if report.interrupted:
        fields["stopped_during"] = stopped_during
    return envelope("check", report.lab, check_verdict(report), **fields)


def _trace_lines(result: PropertyResult[World]) -> list[str]:
    lines = []
    for number, step in enumerate(result.trace):
        marker = ""
        if result.loop_from is not None and number == result.loop_from:
            marker = "  <- loop starts here"
        lines.append(f"    {number:2}. {step.text}{marker}")
    return lines


def outcome_line(report: LabCheck) -> str:
    """The last line: PASS, FAIL naming what does not hold, INCOMPLETE or INTERRUPTED."""
    props = report.properties
    holding = sum(p.holds for _, p in props)
    decided = sum(p.verdict != "unknown" for _, p in props)
    verdict = check_verdict(report)
    if verdict == "pass":
        return f"PASS: {holding} of {len(props)} properties hold"
    if verdict in ("incomplete", "interrupted"):
        states = report.main.states
        why = sorted({v.result.stopped_reason or "" for v in report.variants} - {"", "decided"})
        violated = [_pid(p) for _, p in props if p.verdict == "violated"]
        found = f"; violated already: {'; '.join(violated)}" if violated else ""
        return (
            f"{verdict.upper()}: the check stopped ({', '.join(why)}) after searching {states:,} "
            f"states of the lab; {decided} of {len(props)} properties decided{found}; nothing "
            "passes"
        )
    failing = [
        f"{_pid(p)} ({VACUOUS if p.verdict == 'vacuous' else p.verdict})"
        for _, p in props
        if not p.holds
    ]
    return f"FAIL: {holding} of {len(props)} properties hold; not holding: {'; '.join(failing)}"


def _clients(report: LabCheck | SpinReport) -> str:
    count = len(report.lab.clients)
    return f"{count} client" if count == 1 else f"{count} clients"


def _assumes(ids: tuple[str, ...]) -> str:
    return f" [assumes {', '.join(ids)}]" if ids else ""


def _pid(prop: PropertyResult[World]) -> str:
    return property_id(prop.name, prop.requirements)


def _table(report: LabCheck, assumed: tuple[tuple[str, ...], ...], width: int | None) -> list[str]:
    """The property table: verdict, kind, short ID, then the sentence with its requirement IDs,
    assumptions and variant, wrapped within `width` under its own column (None: one line each).
    """
    ids = [_pid(prop) for _, prop in report.properties]
    id_width = max(len(pid) for pid in ids)
    lead = 2 + 9 + 1 + 13 + 1 + id_width + 2
    lines = [f"  {'verdict':9} {'kind':13} {'id':{id_width}}  property (requirements)"]
    room = None if width is None or width - lead < 24 else width - lead
    for (where, prop), pid, assumptions in zip(report.properties, ids, assumed, strict=True):
        suffix = "" if where == "lab" else f"  [{where}]"
        tail = f"({', '.join(prop.requirements)}){_assumes(assumptions)}{suffix}"
        first = f"  {prop.verdict:9} {prop.kind:13} {pid:{id_width}}  "
        if room is None:
            lines.append(f"{first}{prop.name} {tail.strip()}")
            continue
        # The requirement IDs, assumptions and variant start a line of their own when wrapped.
        wrapped = [
            *textwrap.wrap(prop.name, room, break_long_words=False, break_on_hyphens=False),
            *textwrap.wrap(tail, room, break_long_words=False, break_on_hyphens=False),
        ]
        lines.append(first + wrapped[0])
        lines.extend(" " * lead + more for more in wrapped[1:])
    return lines


def render_text(
    report: LabCheck,
    stopped_during: str | None = None,
    stopped_at: str = "",
    width: int | None = None,
) -> str:
    """The text users read: summary, property table, traces, rows never fired, the outcome.

    After Ctrl-C, `stopped_during` is the phase the search was in and `stopped_at` its latest
    progress numbers; the table and the traces are what was decided before it. `width`: the
    table's sentences wrap within it (None: one line per property).
    """
    main = report.main
    lines = [
        f"lab {report.lab.name!r}: {_clients(report)}; "
        f"{main.states:,} states, {main.transitions:,} transitions, diameter {main.diameter}, "
        f"{report.seconds:.2f} s, {main.states_per_second:,.0f} states/s"
        + (" (symmetry reduction on)" if main.symmetry else " (no symmetry reduction)"),
        *(
            []
            if report.model.symmetric_groups
            else [
                "no two clients or site systems are interchangeable: symmetry reduction has "
                "nothing to reduce"
            ]
        ),
    ]
    judged = main.liveness_states is not None and main.complete  # not cut by Ctrl-C
    if judged and main.liveness_states != main.states:
        lines.append(f"liveness judged on the unreduced graph: {main.liveness_states:,} states")
    elif judged and main.symmetry:
        lines.append(
            "liveness judged on the reduced graph, each interchangeable client or site system "
            "followed through it"
        )
    for variant in report.variants[1:]:
        decided = variant.result.stopped_reason == "decided"
        if variant.result.states == 0:
            why = variant.result.stopped_reason
            lines.append(f"variant {variant.variant!r}: not searched (the search stopped: {why})")
            continue
        lines.append(
            f"variant {variant.variant!r}: {variant.result.states:,} states, "
            f"{variant.result.transitions:,} transitions"
            + (" (stopped once every property had its witness)" if decided else "")
        )
    if any(w[0][0] == UNSUPPORTED_STATE for w in report.model.init_states()):
        lines.append(
            "WARNING: the site is configured HTTPS only with enhanced HTTP: unsupported (SITE-2)"
        )
    lines.append("")
    assumed = report.assumptions or tuple(() for _ in report.properties)
    lines.extend(_table(report, assumed, width))
    if any(prop.verdict == "vacuous" for _, prop in report.properties):
        lines.append(f"  ({VACUOUS})")
    for (_, prop), ids in zip(report.properties, assumed, strict=True):
        if not prop.trace:
            continue
        lines.append("")
        lines.append(
            f"{prop.trace_role} for {_pid(prop)} {prop.name!r} "
            f"({', '.join(prop.requirements)}){_assumes(ids)}:"
        )
        lines.extend(_trace_lines(prop))
    lines.append("")
    if report.complete and report.never_fired_rows:
        lines.append("transition rows never fired in this lab:")
        lines.extend(f"  {row}" for row in report.never_fired_rows)
    elif report.complete:
        lines.append("every transition row fired")
    if report.interrupted:
        during = f" during {stopped_during!r}" if stopped_during else ""
        at = f" ({stopped_at})" if stopped_at else ""
        lines.append(
            f"stopped by Ctrl-C{during}{at}: the verdicts above are what was decided before"
        )
    lines.append(outcome_line(report))
    return "\n".join(lines) + "\n"


def render_spin_text(report: SpinReport) -> str:
    """What `--engine spin` prints: Spin's figures, ehttp's verdict table, traces, what's left."""
    main = report.main()
    cores = f"{report.cores} cores (-DNCORE)" if report.cores > 1 else "1 core"
    lines = [
        f"lab {report.lab.name!r}: {_clients(report)}; {report.version}: "
        f"{main.states:,} states, {main.transitions:,} transitions, diameter {main.depth}, "
        f"{report.seconds:.2f} s with compiling, {cores}, -w{report.hash_bits} "
        "(no symmetry reduction)"
    ]
    for run in report.runs:
        if run.variant != "lab":
            lines.append(
                f"variant {run.variant!r}: {run.states:,} states, {run.transitions:,} transitions"
            )
    if any(run.rounded for run in report.runs):
        lines.append(
            "pan printed counts from 10**8 on in %g form: they are exact to eight significant "
            "digits only"
        )
    if report.bitstate:
        lines.append(
            "INCOMPLETE: -DBITSTATE stores a bit per state and may miss states; nothing passes"
        )
    lines.extend(f"INCOMPLETE: {reason}; nothing passes" for reason in report.reasons)
    lines.append("")
    every = (*report.properties, *report.not_checked)
    width = max(len(p.name) for p in every)
    lines.append(f"  {'verdict':11} {'kind':13} {'property':{width}}  requirements")
    for prop in every:
        suffix = "" if prop.variant == "lab" else f"  [{prop.variant}]"
        lines.append(
            f"  {prop.verdict:11} {prop.kind:13} {prop.name:{width}}  "
            f"{', '.join(prop.requirements)}{suffix}"
        )
    for prop in report.properties:
        if not prop.trace:
            continue
        role = "witness" if prop.kind == "sometimes" and prop.holds else "counterexample"
        lines.append("")
        lines.append(f"{role} for {prop.name!r} ({', '.join(prop.requirements)}):")
        lines.extend(f"    {number:2}. {step.text}" for number, step in enumerate(prop.trace))
    lines.append("")
    if report.not_checked:
        kinds = sorted({p.kind for p in report.not_checked})
        lines.append(
            f"not checked by this engine ({', '.join(kinds)}: weak fairness of actions and "
            "recoverability are ehttp's own checker's): run `ehttp check` for them"
        )
    verdict = "PASS" if report.passed else "FAIL" if report.complete else "INCOMPLETE"
    decided = sum(p.verdict != "unknown" for p in report.properties)
    why = ""
    if not report.complete:
        causes = [*(["-DBITSTATE"] if report.bitstate else []), *report.reasons]
        why = f" ({'; '.join(causes)}); {decided} decided, nothing passes"
    lines.append(
        f"{verdict}: {sum(p.holds for p in report.properties)} of {len(report.properties)} "
        f"properties Spin decides hold; {len(report.not_checked)} not checked by this engine"
        f"{why}"
    )
    return "\n".join(lines) + "\n"


def _check_with_spin(
    lab: Lab, bitstate: bool, max_states: int | None, max_seconds: float | None, as_json: bool
) -> None:
    for given, option in ((max_states, "--max-states"), (max_seconds, "--max-seconds")):
        if given is not None:
            raise click.BadParameter(
                "is not accepted with --engine spin; Spin searches to the end "
                "(use --bitstate for a partial search)",
                param_hint=option,
            )
    started = time.perf_counter()
    try:
        report = run_spin(lab, bitstate=bitstate)
    except KeyboardInterrupt:
        _spin_interrupted(lab, time.perf_counter() - started, as_json)
    except SpinMissing as missing:
        click.echo(
            f"Error: --engine spin: {missing} is not installed; install it: {INSTALL}", err=True
        )
        sys.exit(2)
    except SpinError as error:
        click.echo(f"Error: --engine spin: {error}", err=True)
        sys.exit(1)
    if as_json:
        fields = report.to_json()
        del fields["lab"]
        for key in ("properties", "not_checked"):
            fields[key] = [with_id(p, p["variant"]) for p in fields[key]]
        verdict: JsonVerdict = "incomplete" if not report.complete else "fail"
        if report.passed:
            verdict = "pass"
        emit_json(envelope("check", report.lab, verdict, **fields))
    else:
        emit_text(render_spin_text(report))
    sys.exit(0 if report.passed else 1)


_SPIN_PHASE = "Spin compiled and searched the lab"


def _spin_interrupted(lab: Lab, seconds: float, as_json: bool) -> NoReturn:
    """Ctrl-C during a Spin check: its programs are ended (`model/compose/spin.py`), nothing is
    decided; say so and exit INTERRUPTED."""
    if as_json:
        emit_json(
            envelope(
                "check",
                lab,
                "interrupted",
                engine="spin",
                stopped_during=_SPIN_PHASE,
                clients=len(lab.clients),
                seconds=round(seconds, 3),
            )
        )
    else:
        click.echo(
            f"INTERRUPTED: Ctrl-C while {_SPIN_PHASE} ({seconds:.1f} s); spin, gcc and pan were "
            "stopped and no property was decided; nothing passes"
        )
    sys.exit(INTERRUPTED)


@click.command()
@lab_option
@clients_option
@click.option("--no-symmetry", is_flag=True, help="Explore without symmetry reduction.")
@integer_option(
    "--max-states",
    minimum=1,
    help="Stop after N states (the run is then incomplete and fails).",
)
@seconds_option(
    "--max-seconds", help="Stop after S seconds (the run is then incomplete and fails)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option(
    "--engine",
    type=OneOf(("ehttp", "spin")),
    default="ehttp",
    show_default=True,
    help="ehttp's own checker, or Spin (safety and sometimes properties; needs spin and gcc).",
)
@click.option(
    "--bitstate",
    is_flag=True,
    help="With --engine spin: a bit-state search (less memory; incomplete, so nothing passes).",
)
def check(
    lab: Lab,
    clients: int | None,
    no_symmetry: bool,
    max_states: int | None,
    max_seconds: float | None,
    as_json: bool,
    engine: str,
    bitstate: bool,
) -> None:
    """Explore every reachable state of the lab and judge every property.

    Each property names the requirement IDs it checks; a violated property prints its shortest
    counterexample (a lasso for liveness), a `sometimes` property its shortest witness. Ctrl-C
    stops the search and prints what it decided so far (exit 130).
    """
    lab = scaled_lab(lab, clients)
    if engine == "spin":
        _check_with_spin(lab, bitstate, max_states, max_seconds, as_json)
    if bitstate:
        raise click.BadParameter("is accepted only with --engine spin", param_hint="--bitstate")
    with reporter("lab: exploring") as progress, interruptible(progress) as stop:
        report = run_checks(
            lab,
            symmetry=not no_symmetry,
            max_states=max_states,
            max_seconds=max_seconds,
            progress=lambda info: progress.show(search_numbers(info)),
            phase=progress.phase,
            stop=stop,
        )
    if as_json:
        emit_json(check_json(report, stop.during))
    else:
        emit_text(render_text(report, stop.during, stop.numbers, output_width()))
    sys.exit(exit_code(report))
