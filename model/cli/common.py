"""What the `ehttp` commands share: the `--lab` option, option callbacks, the status line and the
JSON envelope.

Each callback turns a bad value into a one-line `click.BadParameter` that names the option, the
value and what is accepted; `model/cli/app.py` prints it and exits 2.

Every `--json` document is built by `envelope` and printed by `emit_json`: the same four keys
first (`command`, `version`, `lab`, `verdict`), then the command's own fields. Each command's
shape is a JSON Schema in `specs/schemas/<command>.json` (with `specs/schemas/envelope.json`), and
`tests/cli/test_json_schemas.py` validates every command's output against it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version
from pathlib import Path
from typing import Any, Literal, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, TextColumn

from model.config.labfile import LabError, load_lab
from model.config.schema import Lab

__all__ = [
    "ENVELOPE_KEYS",
    "INTERRUPTED",
    "VERDICTS",
    "JsonVerdict",
    "OneOf",
    "emit_json",
    "envelope",
    "lab_option",
    "positive_seconds",
    "status_line",
    "tool_version",
    "whole_number",
]

F = TypeVar("F", bound=Callable[..., Any])

INTERRUPTED = 130
"""The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)."""

JsonVerdict = Literal["pass", "fail", "incomplete", "interrupted", "info"]
"""The envelope's verdict: `pass` (exit 0) and `fail` (exit 1) judge the run; `incomplete` is a
search cut by a limit (exit 1); `interrupted` a run stopped by Ctrl-C (exit 130); `info` a command
that reports facts and judges nothing (`tables`, `scenarios`, `diagrams`; exit 0)."""

VERDICTS: tuple[JsonVerdict, ...] = ("pass", "fail", "incomplete", "interrupted", "info")
"""Every envelope verdict, in the order of the `JsonVerdict` docstring."""

ENVELOPE_KEYS = ("command", "version", "lab", "verdict")
"""The keys every `--json` document starts with, in this order."""


def tool_version() -> str:
    """The installed `ehttp` version (`unknown` when run from a tree that was never installed)."""
    try:
        return _package_version("ehttp")
    except PackageNotFoundError:
        return "unknown"


def envelope(
    command: str,
    lab: Lab | str | None,
    verdict: JsonVerdict,
    body: Mapping[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One command's JSON document: the envelope keys first, then the command's own fields
    (`body`, then `fields`).

    `lab` is the lab (its name is written) or a lab name; None for a command that reads no lab.
    A field may not reuse an envelope key.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict: {verdict!r} is not accepted; use one of {', '.join(VERDICTS)}")
    fields = {**(body or {}), **fields}
    clash = sorted(set(fields) & set(ENVELOPE_KEYS))
    if clash:
        raise ValueError(f"fields: {clash[0]!r} is an envelope key; give the value as an argument")
    name = lab.name if isinstance(lab, Lab) else lab
    return {
        "command": command,
        "version": tool_version(),
        "lab": name,
        "verdict": verdict,
        **fields,
    }


def emit_json(document: dict[str, Any]) -> None:
    """Print an `envelope` document on standard output (indented, one trailing newline)."""
    missing = [key for key in ENVELOPE_KEYS if key not in document]
    if missing:
        raise ValueError(f"document: {missing[0]!r} is missing; build it with envelope(...)")
    click.echo(json.dumps(document, indent=2))


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
    minimum: int, maximum: int | None = None
) -> Callable[[click.Context, click.Parameter, str | None], int | None]:
    """An option callback accepting a whole number >= `minimum` (and <= `maximum` when given),
    with a one-line error."""

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            number = int(value) if len(value) <= 30 else minimum - 1
        except ValueError:
            number = minimum - 1
        if maximum is not None and not minimum <= number <= maximum:
            raise click.BadParameter(
                f"{value!r} is not accepted; give a whole number from {minimum} to {maximum}"
            )
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
