"""The `ehttp` command: the click group, the shared `--lab` option and one-line errors.

Exit codes follow DESIGN.md ("Command line"): 0 all as expected, 1 a property or check failed,
2 bad usage or bad input. Every usage or input error is one line on standard error that names the
option, key or command, the value given and what is accepted; no traceback. Lab files that can't be
used (`LabError`), labs the model can't represent (`ModelError`) and files that can't be read or
written (`OSError`) are caught here, at the command boundary, and become such a line.

Each command `<name>` lives in its own module `model/cli_<name>.py`, which defines the click
command `<name>`; the group finds those modules and imports one only when its command is used (or
when `--help` lists them), so command modules can import this one without an import cycle.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, TextColumn

import model
from model.config import Lab
from model.labfile import LabError, load_lab
from model.world import ModelError

__all__ = ["OneOf", "lab_option", "main", "positive_seconds", "status_line", "whole_number"]

F = TypeVar("F", bound=Callable[..., Any])


class OneOf(click.Choice[str]):
    """A choice whose error names the value and every accepted one, in a single line."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not accepted; use one of {', '.join(map(str, self.choices))}"


def _option_names(command: click.Command) -> list[str]:
    return [name for param in command.params for name in param.opts if name.startswith("-")]


def _one_line(error: click.ClickException) -> str:
    if isinstance(error, click.NoSuchOption):
        command = error.ctx.command if error.ctx is not None else None
        accepted = _option_names(command) if command is not None else []
        accepted.append("--help")
        return f"option: {error.option_name!r} is not accepted; use one of {', '.join(accepted)}"
    if isinstance(error, click.BadParameter) and error.param is not None:
        name = error.param.opts[0] if error.param.opts else str(error.param.name)
        return f"{name}: {error.message}"
    if isinstance(error, click.BadParameter) and isinstance(error.param_hint, str):
        return f"{error.param_hint}: {error.message}"
    return " ".join(error.format_message().split())


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


def _command_modules() -> dict[str, str]:
    return {
        info.name.removeprefix("cli_"): f"model.{info.name}"
        for info in pkgutil.iter_modules(model.__path__)
        if info.name.startswith("cli_")
    }


class _Group(click.Group):
    """The `ehttp` group: commands found in `model/cli_*.py`, every error in one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_command_modules())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = _command_modules().get(cmd_name)
        if module_name is None:
            return None
        command = getattr(importlib.import_module(module_name), cmd_name, None)
        if not isinstance(command, click.Command):
            raise TypeError(f"{module_name} must define the click command {cmd_name!r}")
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0]
        if self.get_command(ctx, name) is None and not ctx.resilient_parsing:
            raise click.UsageError(
                f"command: {name!r} is not accepted; use one of "
                f"{', '.join(self.list_commands(ctx))}",
                ctx,
            )
        return super().resolve_command(ctx, args)

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            click.echo(error.format_message())
            sys.exit(error.exit_code)
        except click.ClickException as error:
            _fail(_one_line(error), error.exit_code)
        except click.Abort:
            _fail("interrupted", 1)
        except (LabError, ModelError) as error:
            _fail(str(error), 2)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            _fail(f"{where}{error.strerror or error}", 2)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(name="ehttp", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Configuration Manager 1806 Enhanced HTTP as an executable, model-checked specification.

    Exit codes: 0 all as expected, 1 a property or check failed, 2 bad usage or input.
    """


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
