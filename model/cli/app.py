"""The `ehttp` command: the click group, its explicit list of commands, and one-line errors.

Exit codes follow DESIGN.md ("Command line"): 0 all as expected, 1 a property or check failed,
2 bad usage or bad input, 130 interrupted by Ctrl-C (128 + SIGINT, as shells report it). Every
usage or input error is one line on standard error that names the option, key or command, the
value given and what is accepted; no traceback. Lab files that can't be
used (`LabError`), labs the model can't represent (`ModelError`) and files that can't be read or
written (`OSError`) are caught here, at the command boundary, and become such a line.

Each command `<name>` lives in its own module `model/cli/<name>.py`, which defines the click
command `<name>`; the group imports it only when the command is used (or when `--help` lists
them), so that `ehttp tables` does not pay for importing the fuzzer.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from difflib import get_close_matches
from typing import Any, NoReturn

import click

from ehttp.cli.output import NO_COLOR_KEY, tool_version
from ehttp.cli.progress import INTERRUPTED
from ehttp.compose.world import ModelError
from ehttp.config.labfile import LabError

__all__ = ["COMMANDS", "main"]


def _option_names(command: click.Command) -> list[str]:
    return [name for param in command.params for name in param.opts if name.startswith("-")]


def _one_line(error: click.ClickException) -> str:
    if isinstance(error, click.NoSuchOption):
        command = error.ctx.command if error.ctx is not None else None
        accepted = _option_names(command) if command is not None else []
        accepted.append("--help")
        return f"option: {error.option_name!r} is not accepted; use one of {', '.join(accepted)}"
    if isinstance(error, click.BadParameter) and isinstance(error.param, click.Argument):
        shown = error.param.make_metavar(error.ctx) if error.ctx else str(error.param.name)
        return f"{shown}: {error.message}"
    if isinstance(error, click.BadParameter) and error.param is not None:
        name = error.param.opts[0] if error.param.opts else str(error.param.name)
        return f"{name}: {error.message}"
    if isinstance(error, click.BadParameter) and isinstance(error.param_hint, str):
        return f"{error.param_hint}: {error.message}"
    return " ".join(error.format_message().split())


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


COMMANDS: dict[str, str] = {
    "attacks": "ehttp.cli.attacks",
    "audit": "ehttp.cli.audit",
    "check": "ehttp.cli.check",
    "completion": "ehttp.cli.completion",
    "diagnose": "ehttp.cli.diagnose",
    "diagrams": "ehttp.cli.diagrams",
    "explore": "ehttp.cli.explore",
    "export": "ehttp.cli.export",
    "fuzz": "ehttp.cli.fuzz",
    "labs": "ehttp.cli.labs",
    "report": "ehttp.cli.report",
    "scenarios": "ehttp.cli.scenarios",
    "schema": "ehttp.cli.schema",
    "tables": "ehttp.cli.tables",
    "whatif": "ehttp.cli.whatif",
}
"""Every command and the module that defines it (imported only when the command is used)."""


def _command_modules() -> dict[str, str]:
    return COMMANDS


class _Group(click.Group):
    """The `ehttp` group: the commands of `COMMANDS`, every error in one line."""

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
            close = get_close_matches(name, self.list_commands(ctx), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise click.UsageError(
                f"command: {name!r} is not accepted; {hint}use one of "
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
            # click turns Ctrl-C (KeyboardInterrupt) into Abort; a command that can say what it
            # did so far catches KeyboardInterrupt itself and exits INTERRUPTED after its summary.
            click.echo("interrupted (Ctrl-C)", err=True)
            sys.exit(INTERRUPTED)
        except (LabError, ModelError) as error:
            _fail(str(error), 2)
        except OSError as error:
            where = f"{error.filename}: " if error.filename else ""
            _fail(f"{where}{error.strerror or error}", 2)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(name="ehttp", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    tool_version(),
    "--version",
    package_name="ehttp",
    prog_name="ehttp",
    message="%(prog)s %(version)s",
)
@click.option(
    "--no-color",
    is_flag=True,
    help="No colour in the output (also off when NO_COLOR is set or output is not a terminal).",
)
@click.pass_context
def main(ctx: click.Context, no_color: bool) -> None:
    """Configuration Manager 1806 Enhanced HTTP as an executable, model-checked specification.

    Exit codes: 0 all as expected, 1 a property or check failed (or a search was cut short),
    2 bad usage or input, 130 interrupted (Ctrl-C).
    """
    ctx.meta[NO_COLOR_KEY] = no_color
