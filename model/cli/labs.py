"""`ehttp labs`: the labs `--lab NAME` takes, one line each (name, what it shows).

The embedded default lab and every example lab shipped with the package
(`model/config/examples.py`), so that a lab can be named from an installed wheel:
`ehttp whatif --lab enhanced-off ...`.
Exit codes: 0; 130 interrupted.
"""

from __future__ import annotations

import click

from ehttp.cli.output import emit_json, envelope
from ehttp.config.examples import example_labs

__all__ = ["labs"]


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the labs as JSON.")
def labs(as_json: bool) -> None:
    """List the labs every command's --lab takes by name: the embedded default lab, then each
    example lab, with what it shows."""
    found = example_labs()
    if as_json:
        items = [{"name": lab.name, "summary": lab.summary} for lab in found]
        emit_json(envelope("labs", None, "info", {"labs": items}))
        return
    width = max(len(lab.name) for lab in found)
    for lab in found:
        click.echo(f"{lab.name:{width}}  {lab.summary}")
