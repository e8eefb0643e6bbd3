"""`ehttp schema COMMAND`: the JSON Schema of a command's `--json` output, as shipped.

Prints `model/schemas.py`'s text for the command (`envelope` for the four keys every document
starts with), so a wheel user can validate what `--json` prints without a checkout.
"""

from __future__ import annotations

import click

from ehttp.cli.options import OneOf
from ehttp.schemas import schema_names, schema_text

__all__ = ["schema"]


@click.command()
@click.argument("name", metavar="COMMAND", type=OneOf(schema_names()))
def schema(name: str) -> None:
    """Print the JSON Schema (Draft 2020-12) of COMMAND's --json output.

    Each command's schema refers to `envelope` ($ref "envelope.json") for the keys every --json
    document starts with: command, version, lab, verdict.
    """
    click.echo(schema_text(name), nl=False)
