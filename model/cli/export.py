"""`ehttp export --promela`: the lab's composed model as Promela, for Spin.

Writes `model/compose/promela.py`'s text for the lab (the embedded default when `--lab` is not
given, scaled with `--clients N`) to standard output or, atomically, to `--out FILE`. The committed
`specs/promela/default.pml` is this command's output for the default lab.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ehttp.atomic import write_atomic
from ehttp.cli.options import clients_option, lab_option, scaled_lab
from ehttp.cli.output import emit_json, envelope
from ehttp.compose.promela import export_promela
from ehttp.config.schema import Lab

__all__ = ["export"]


@click.command()
@lab_option
@click.option("--promela", is_flag=True, help="Export as Promela (the one format so far).")
@clients_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="File to write (default: standard output).",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print JSON: the format, the clients and the file written, or the text itself.",
)
def export(lab: Lab, promela: bool, clients: int | None, out: Path | None, as_json: bool) -> None:
    """Write the lab's composed model for another tool: `--promela` for Spin.

    One ehttp step is one Spin transition; every `always` property is an assertion, the k-th
    `sometimes` property is selected with -DWITNESS=k, variants with -D switches (see the file's
    header). Check it with `spin -a FILE && gcc -DBFS -DSAFETY -DNOREDUCE -o pan pan.c && ./pan`.
    """
    if not promela:
        raise click.UsageError("format: none given; use --promela", None)
    lab = scaled_lab(lab, clients)
    text = export_promela(lab).text
    if out is None:
        if as_json:
            emit_json(_json(lab, None, text))
        else:
            sys.stdout.write(text)
        return
    if out.parent and not out.parent.is_dir():
        raise click.BadParameter(
            f"{str(out)!r} is in no existing folder; give a file in an existing folder",
            param_hint="--out",
        )
    write_atomic(out, text.encode("utf-8"))
    if as_json:
        emit_json(_json(lab, out, None))
    else:
        click.echo(f"wrote {out}")


def _json(lab: Lab, out: Path | None, text: str | None) -> dict[str, object]:
    """`ehttp export --json`: the file written (`out`) or, without `--out`, the text itself."""
    return envelope(
        "export",
        lab,
        "info",
        format="promela",
        clients=len(lab.clients),
        out=None if out is None else str(out),
        text=text,
    )
