"""`ehttp diagrams`: render every declared machine, the lab's state graph and its traces.

See `model/views/diagrams.py` (machines) and `model/views/diagrams_lab.py` (the lab's reachable
graph when
small enough, and every witness and counterexample of `run_checks`); the committed pictures in
`diagrams/` are this command's output for the embedded default lab.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

import click

from ehttp.cli.options import OneOf, lab_option
from ehttp.cli.output import emit_json, envelope
from ehttp.compose.checking import run_checks
from ehttp.config.schema import Lab
from ehttp.views.diagrams import FORMATS, INSTALL_GRAPHVIZ, Format, has_dot, write_diagrams
from ehttp.views.diagrams_lab import GRAPH_LIMIT, STEP_LIMIT, write_lab_diagrams

__all__ = ["diagrams"]

_HELP = f"""Render every machine, the lab's reachable state graph and its traces.

Machines: states, rows with names and requirement IDs, marked fault states; the lab decides which
states get a start arrow. The lab's graph is drawn when it has at most {GRAPH_LIMIT} states and
{STEP_LIMIT} transitions (after symmetry reduction; dot's layout time grows steeply), with every
witness and counterexample highlighted; otherwise one line says how many states it has. Each witness
of a `sometimes` property and each counterexample gets a picture of its own.
"""


@click.command(help=_HELP)
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
@click.option("--json", "as_json", is_flag=True, help="List the files written as JSON.")
def diagrams(lab: Lab, out: Path, fmt: str, as_json: bool) -> None:
    """Render every machine, the lab's reachable state graph and the trace of every property."""
    if out.exists() and not out.is_dir():
        raise click.BadParameter(
            f"{str(out)!r} is a file, not a folder; give a folder (it is created when missing)",
            param_hint="--out",
        )
    if fmt != "dot" and not has_dot():
        raise click.BadParameter(
            f"{fmt!r} needs Graphviz's dot program, which is not on PATH; {INSTALL_GRAPHVIZ}, "
            "or use --format dot, which writes the Graphviz source without it",
            param_hint="--format",
        )
    machines = write_diagrams(lab, out, cast(Format, fmt))
    pictures = write_lab_diagrams(run_checks(lab), out, cast(Format, fmt))
    if as_json:
        emit_json(
            envelope(
                "diagrams",
                lab,
                "info",
                out=str(out),
                format=fmt,
                written=[str(path) for path in (*machines, *pictures.written)],
                notice=pictures.notice,
            )
        )
        return
    for path in machines:
        click.echo(f"wrote {path}")
    if pictures.notice is not None:
        click.echo(pictures.notice)
    for path in pictures.written:
        click.echo(f"wrote {path}")
