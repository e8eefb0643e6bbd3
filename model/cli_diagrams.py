"""`ehttp diagrams`: render every declared machine with Graphviz into a folder.

See `model/diagrams.py`; the committed pictures in `diagrams/` are this command's output for the
embedded default lab.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from model.cli import OneOf, lab_option
from model.config import Lab
from model.diagrams import FORMATS, Format, write_diagrams

__all__ = ["diagrams"]


@click.command()
@lab_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("diagrams"),
    show_default=True,
    help="Folder to write into (created when missing).",
)
@click.option(
    "--format",
    "fmt",
    type=OneOf(FORMATS),
    default="svg",
    show_default=True,
    help="Picture format; dot writes the Graphviz source.",
)
def diagrams(lab: Lab, out: Path, fmt: str) -> None:
    """Render every machine: states, rows with names and requirement IDs, marked fault states.

    The lab decides which states get a start arrow.
    """
    if out.exists() and not out.is_dir():
        raise click.BadParameter(
            f"{str(out)!r} is a file, not a folder; give a folder (it is created when missing)",
            param_hint="--out",
        )
    written = write_diagrams(lab, out, cast(Format, fmt))
    for path in written:
        click.echo(f"wrote {path}")
