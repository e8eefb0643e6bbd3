"""`ehttp completion SHELL`: the shell completion script for bash, zsh or fish.

The script is click's own completion source (the one `_EHTTP_COMPLETE=<shell>_source ehttp`
prints), so completion follows the commands and options as they are, with nothing generated here.
"""

from __future__ import annotations

import click
from click.shell_completion import get_completion_class

from ehttp.cli.options import OneOf

__all__ = ["SHELLS", "completion"]

SHELLS = ("bash", "zsh", "fish")
"""The shells click writes a completion script for."""


@click.command()
@click.argument("shell", metavar="SHELL", type=OneOf(SHELLS))
def completion(shell: str) -> None:
    """Print the completion script for SHELL (bash, zsh or fish).

    \b
    bash: eval "$(ehttp completion bash)"   (in ~/.bashrc)
    zsh:  eval "$(ehttp completion zsh)"    (in ~/.zshrc)
    fish: ehttp completion fish > ~/.config/fish/completions/ehttp.fish
    """
    root = click.get_current_context().find_root()
    shell_class = get_completion_class(shell)
    if shell_class is None:  # click knows every name in SHELLS; a newer click may drop one
        raise click.BadParameter(f"{shell!r} is not supported by this click", param_hint="SHELL")
    script = shell_class(root.command, {}, "ehttp", "_EHTTP_COMPLETE").source()
    click.echo(script)
