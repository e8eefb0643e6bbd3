"""The options the `ehttp` commands share: `--lab`, the counts, seconds, seed, mutant, clients and
`--from`, and their callbacks.

Each callback turns a bad value into a one-line `click.BadParameter` that names the option, the
value and what is accepted; `model/cli/app.py` prints it and exits 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from ehttp.config.examples import lab_from_option
from ehttp.config.labfile import LabError
from ehttp.config.schema import MAX_CLIENTS, Lab

__all__ = [
    "COUNT_LIMITS",
    "MAX_SECONDS",
    "OneOf",
    "clients_option",
    "from_world_option",
    "integer_option",
    "lab_option",
    "mutant_option",
    "positive_seconds",
    "scaled_lab",
    "seconds_option",
    "seed_option",
    "whole_number",
]

F = TypeVar("F", bound=Callable[..., Any])


class OneOf(click.Choice[str]):
    """A choice whose error names the value and every accepted one, in a single line."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not accepted; use one of {', '.join(map(str, self.choices))}"


def _load(ctx: click.Context, param: click.Parameter, value: Path | None) -> Lab:
    try:
        return lab_from_option(value)
    except LabError as error:
        raise click.BadParameter(str(error), ctx, param) from None


MAX_SECONDS = 604_800.0
"""The longest time budget an option takes: a week, in seconds."""

COUNT_LIMITS = {
    "--max-states": 1_000_000_000,
    "--steps": 10_000_000,
    "--examples": 1_000_000,
    "--seed": 2**64 - 1,
    "--max": 1_000,
}
"""The largest value of each count option (`--clients` has `MAX_CLIENTS`): far above what a
run on this model can use, and small enough that no count overflows what it sizes."""


def _shown(value: str) -> str:
    """A value as the user typed it, kept short (a count may be given with a thousand digits)."""
    return repr(value) if len(value) <= 40 else repr(value[:39]) + "…"


def whole_number(
    minimum: int, maximum: int, grouped: bool = True
) -> Callable[[click.Context, click.Parameter, str | None], int | None]:
    """An option callback accepting a whole number from `minimum` to `maximum`, with a one-line
    error; the value is converted only when it has few enough digits to be in range. `grouped`:
    the bounds are printed with thousands separators (a count), else as digits (a port)."""
    shape = "{:,}" if grouped else "{}"

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            number = int(value) if len(value.strip()) <= len(str(maximum)) + 1 else None
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            raise click.BadParameter(
                f"{_shown(value)} is not accepted; give a whole number from "
                f"{shape.format(minimum)} to {shape.format(maximum)}"
            )
        return number

    return parse


def positive_seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """An option callback accepting a number of seconds > 0 and at most `MAX_SECONDS`, with a
    one-line error."""
    if value is None:
        return None
    try:
        seconds = float(value) if len(value) <= 40 else 0.0
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= MAX_SECONDS:
        raise click.BadParameter(
            f"{_shown(value)} is not accepted; give a number of seconds > 0 and at most "
            f"{MAX_SECONDS:,.0f} (a week)"
        )
    return seconds


def _adding(option: Callable[[F], F]) -> Callable[[F], F]:
    def add(command: F) -> F:
        return option(command)

    return add


def integer_option(
    *decls: str, minimum: int, maximum: int | None = None, grouped: bool = True, **attrs: Any
) -> Callable[[F], F]:
    """An option taking a whole number from `minimum` to `maximum` (default: the option's entry
    in `COUNT_LIMITS`): INTEGER in `--help`, the one-line error of `whole_number` (`grouped`:
    bounds with thousands separators). `attrs` are click's (help, default, ...)."""
    if maximum is None:
        maximum = COUNT_LIMITS[next(d for d in decls if d.startswith("--"))]
    return _adding(
        click.option(
            *decls,
            type=str,
            metavar="INTEGER",
            callback=whole_number(minimum, maximum, grouped),
            **attrs,
        )
    )


def seconds_option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """An option taking a number of seconds > 0: FLOAT in `--help`, the one-line error of
    `positive_seconds`."""
    return _adding(
        click.option(*decls, type=str, metavar="FLOAT", callback=positive_seconds, **attrs)
    )


def seed_option(help: str, default: int | None = 0) -> Callable[[F], F]:
    """`--seed N`, a whole number >= 0; `default` is shown in `--help` (None: no default, the
    command picks one)."""
    if default is None:
        return integer_option("--seed", minimum=0, help=help)
    return integer_option("--seed", minimum=0, default=str(default), show_default=True, help=help)


def mutant_option(names: Iterable[str], help: str) -> Callable[[F], F]:
    """`--mutant NAME`, one of `names` (the lab's named bugs, `ehttp.lab.mutants.MUTANTS`, which
    the command passes so that this module imports no lab)."""
    return _adding(click.option("--mutant", type=OneOf(sorted(names)), default=None, help=help))


def clients_option(command: F) -> F:
    """Add `--clients N`; the command scales its lab with `scaled_lab`."""
    return integer_option(
        "--clients",
        minimum=1,
        maximum=MAX_CLIENTS,
        help="Scale the lab to N clients, from the lab's own count to "
        f"{MAX_CLIENTS}: the lab's clients are copied in turn (aad1, dom1, wg1, aad1-2, "
        "dom1-2, ...), so every kind of client stays.",
    )(command)


def scaled_lab(lab: Lab, clients: int | None) -> Lab:
    """`lab` with `clients` clients (`Lab.with_clients`), or unchanged for None.

    Fewer clients than the lab has would drop whole kinds of client, and the properties about
    them would fail for a reason the run cannot show; that is refused as a usage error.
    """
    if clients is None:
        return lab
    have = len(lab.clients)
    if clients < have:
        names = ", ".join(client.name for client in lab.clients)
        raise click.BadParameter(
            f"{clients} is not accepted; lab {lab.name!r} has {have} clients ({names}) and "
            f"--clients copies them, so give a whole number >= {have}",
            param_hint="--clients",
        )
    return lab.with_clients(clients)


def from_world_option(what: str) -> Callable[[F], F]:
    """`--from FILE`: a world of the lab's model in a JSON file (a trace step's state from
    `check --json`, or `whatif --json`'s worlds after the actions), where `what` starts instead
    of the steady state; the command receives the path (`model/ask/statefile.py` reads it)."""
    return _adding(
        click.option(
            "--from",
            "from_path",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help=f"{what} from the world in this JSON file (a trace step's state from check "
            "--json, or whatif --json's after_actions) instead of the steady state.",
        )
    )


def lab_option(command: F) -> F:
    """Add `--lab FILE`; the command receives the loaded `Lab` (default: the embedded lab)."""
    option = click.option(
        "--lab",
        "lab",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        callback=_load,
        help="Lab file (TOML), or an example lab by name (see `ehttp labs`); default: the "
        "embedded default lab.",
    )
    return option(command)
