"""What the `ehttp` commands share: the `--lab` option, option callbacks and the status line.

Each callback turns a bad value into a one-line `click.BadParameter` that names the option, the
value and what is accepted; `model/cli/app.py` prints it and exits 2.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, TextColumn

from model.config.labfile import LabError, load_lab
from model.config.schema import Lab

__all__ = [
    "OneOf",
    "envelope",
    "lab_option",
    "positive_seconds",
    "status_line",
    "whole_number",
]

F = TypeVar("F", bound=Callable[..., Any])


class OneOf(click.Choice[str]):
    """A choice whose error names the value and every accepted one, in a single line."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not accepted; use one of {', '.join(map(str, self.choices))}"


def _load(ctx: click.Context, param: click.Parameter, value: Path | None) -> Lab:
    try:
        return load_lab(value)
    except LabError as error:
        raise click.BadParameter(str(error), ctx, param) from None


def whole_number(
    minimum: int,
) -> Callable[[click.Context, click.Parameter, str | None], int | None]:
    """An option callback accepting a whole number >= `minimum`, with a one-line error."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            number = minimum - 1
        if number < minimum:
            raise click.BadParameter(f"{value!r} is not accepted; give a whole number >= {minimum}")
        return number

    return parse


def positive_seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """An option callback accepting a finite number of seconds > 0, with a one-line error."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < float("inf"):
        raise click.BadParameter(f"{value!r} is not accepted; give a number of seconds > 0")
    return seconds


@contextmanager
def status_line(label: str) -> Iterator[Callable[[str], None] | None]:
    """A transient rich status line on standard error when it is a terminal; None otherwise.

    The caller passes each new description to the callable it receives (`label` until then).
    """
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task(label)

        def show(description: str) -> None:
            bar.update(task, description=description)

        yield show


def lab_option(command: F) -> F:
    """Add `--lab FILE`; the command receives the loaded `Lab` (default: the embedded lab)."""
    option = click.option(
        "--lab",
        "lab",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        callback=_load,
        help="Lab file (TOML); default: the embedded default lab.",
    )
    return option(command)


def envelope(
    command: str, lab: Lab | None, verdict: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON every command prints: command, version, lab, verdict, then its own fields."""
    return {
        "command": command,
        "version": metadata.version("ehttp"),
        "lab": lab.name if lab is not None else None,
        "verdict": verdict,
        **body,
    }
