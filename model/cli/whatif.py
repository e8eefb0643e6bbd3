"""`ehttp whatif`: what happens if the administrator does this now (see `model/ask/whatif.py`).

`--do A --wait 20 --do B` waits 20 minutes between A and B; with no `--wait` the clicks follow
each other quickly and the site's own steps may run between them (A-33); `--at-once` lets none run.

Exit codes: 0 answered; 1 the documented fault (CERT-3) is possible in some run, or something a
user waits for never happens in some fair run (an unhealed state); 2 bad input (an unknown action,
one the lab's model can't take when the person would click, a misplaced --wait, named with what
is accepted); 130 interrupted.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ehttp.ask.actions import catalogue, possible_now
from ehttp.ask.statefile import load_world
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_start import STARTS, named_start
from ehttp.ask.whatif_text import describe_world, render_svg, render_text, to_json
from ehttp.atomic import write_atomic
from ehttp.cli.options import from_world_option, lab_option, whole_number
from ehttp.cli.output import JsonVerdict, emit_json, emit_text, envelope
from ehttp.compose.world import WorldModel
from ehttp.config.schema import Lab

__all__ = ["MAX_WAIT_MINUTES", "whatif"]

MAX_WAIT_MINUTES = 1_440
"""The longest wait between two actions: a day, 24 times the longest bound the documents give (the
60-minute policy cycle); the timeline has a column per 15 minutes."""


class _InOrder(click.Command):
    """A command that remembers the order its options were given in (`--do` and `--wait`
    interleave)."""

    def make_parser(self, ctx: click.Context) -> Any:
        parser = super().make_parser(ctx)
        parse_args = parser.parse_args

        def ordered(args: list[str]) -> Any:
            opts, rest, order = parse_args(args)
            ctx.meta["ehttp.order"] = [param.name for param in order]
            return opts, rest, order

        parser.parse_args = ordered  # type: ignore[method-assign]
        return parser


def _waits(
    ctx: click.Context, count: int, waits: tuple[str, ...], at_once: bool
) -> tuple[int, ...]:
    """Minutes between each two actions, from the order `--do` and `--wait` were given in."""
    if waits and at_once:
        raise click.BadParameter(
            "not accepted with --at-once (no time passes between actions at once); give one or "
            "the other",
            param_hint="--wait",
        )
    order = [name for name in ctx.meta.get("ehttp.order", []) if name in {"actions", "waits"}]
    parse = whole_number(0, MAX_WAIT_MINUTES)
    values = iter(waits)
    gaps: list[int] = []
    seen = 0
    pending: int | None = None
    for name in order:
        if name == "actions":
            if seen:
                gaps.append(pending or 0)
            seen += 1
            pending = None
            continue
        text = next(values)
        try:
            minutes = parse(ctx, ctx.command.params[0], text)
        except click.BadParameter as error:
            raise click.BadParameter(error.message, param_hint="--wait") from None
        if not seen or pending is not None:
            raise click.BadParameter(
                f"{text!r} is not between two actions; give --wait MINUTES once between two --do",
                param_hint="--wait",
            )
        pending = minutes
    if pending is not None:
        raise click.BadParameter(
            f"{waits[-1]!r} follows the last action; give --wait MINUTES between two --do "
            "(after the last action the site's own steps run anyway)",
            param_hint="--wait",
        )
    assert len(gaps) == max(count - 1, 0)
    return tuple(gaps)


@click.command(cls=_InOrder)
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
    "--wait",
    "waits",
    multiple=True,
    metavar="MINUTES",
    help="Minutes the administrator waits between the --do before and the --do after it "
    "(default: a quick click; the site's own steps may run in between).",
)
@click.option(
    "--at-once",
    is_flag=True,
    help="Take the actions with no step of the site between them.",
)
@click.option(
    "--start",
    "start_name",
    default="auto",
    metavar="|".join(STARTS),
    help="Where the actions start: the lab's steady state, or its steady state with enhanced "
    "HTTP off or on; auto (default): the steady state unless the first action can only be taken "
    "from the other one (so --do enable-enhanced-http answers on the default lab).",
)
@from_world_option("Start")
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
    waits: tuple[str, ...],
    at_once: bool,
    start_name: str,
    from_path: Path | None,
    list_only: bool,
    as_json: bool,
    svg_path: Path | None,
) -> None:
    """What happens if the administrator does ACTION(s) now: from the lab's steady state, the
    actions in order (the site's own steps may run between quick clicks; --wait MINUTES between
    two; --at-once for none), then the system's own steps under weak fairness. Opens with the
    answer in a few sentences, then a timeline in minutes, when each change happens (in every
    run, some runs or none), what each client can do meanwhile, whether the documented CERT-3
    fault is possible, and every steady outcome with a shortest path.
    """
    if start_name not in STARTS:
        raise click.BadParameter(
            f"{start_name!r} is not accepted; use one of {', '.join(STARTS)}", param_hint="--start"
        )
    if from_path is not None and start_name != "auto":
        raise click.BadParameter(
            "not accepted with --from (the file names the start); give one or the other",
            param_hint="--start",
        )
    if list_only:
        _list(lab, as_json, start_name, from_path)
        return
    if not actions:
        raise click.BadParameter(
            "no action given; give --do ACTION at least once (see --list)", param_hint="--do"
        )
    gaps = _waits(click.get_current_context(), len(actions), waits, at_once)
    start = None if from_path is None else load_world(WorldModel(lab), from_path)
    answer = what_if(lab, actions, start, waits=gaps, at_once=at_once, named=start_name)
    if svg_path is not None:
        write_atomic(svg_path, render_svg(answer).encode("utf-8"))
    if as_json:
        verdict: JsonVerdict = "pass" if answer.verdict == "answered" else "fail"
        emit_json(envelope("whatif", lab, verdict, to_json(answer), answer=answer.verdict))
    else:
        emit_text(render_text(answer))
    if answer.verdict != "answered":
        sys.exit(1)


def _list(lab: Lab, as_json: bool, start_name: str, from_path: Path | None) -> None:
    """The lab's administrator actions, marked where possible from the start `--start` or
    `--from` names (the steady state by default)."""
    model = WorldModel(lab)
    if from_path is not None:
        start, words = load_world(model, from_path), "given state"
    else:
        start, words, _why = named_start(
            lab, "steady" if start_name == "auto" else start_name, None
        )
    now = set(possible_now(model, start))
    rows = [(a.text, a.row, a.text in now) for a in catalogue(model)]
    if as_json:
        items = [{"action": t, "row": r, "possible_now": p} for t, r, p in rows]
        emit_json(envelope("whatif", lab, "info", {"start": words, "actions": items}))
        return
    click.echo(f"lab {lab.name!r}: administrator actions (* possible from the {words})")
    click.echo(f"{words}: {describe_world(model, start)}")
    width = max(len(t) for t, _r, _p in rows)
    for text, row, possible in rows:
        click.echo(f"  {'*' if possible else ' '} {text:{width}}  {row}")
