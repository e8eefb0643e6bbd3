"""`ehttp tables`: the seed's management point and distribution point tables, from the model.

Implements the seed's "Technical details" tables (MP-1..3, DP-1..3, REG-1..3, REG-6) through
`model/views/tables.py`.
"""

from __future__ import annotations

import click

from ehttp.cli.options import lab_option
from ehttp.cli.output import emit_json, envelope
from ehttp.config.schema import Lab
from ehttp.views.tables import conditions_json, render_text, table_json

__all__ = ["tables"]


@click.command()
@lab_option
@click.option(
    "--json", "as_json", is_flag=True, help="Methods accepted at the lab's site, as JSON."
)
def tables(lab: Lab, as_json: bool) -> None:
    """Print the seed's MP and DP authentication tables, regenerated from the model.

    Text shows every cell in the seed's words, each method with the condition under which it is
    accepted; --json lists the methods accepted at the lab's site (its version and enhanced HTTP
    option), and under "conditions" every cell's wording and each method's condition.
    """
    site = lab.site
    if as_json:
        tables = table_json(site.version, site.enhanced_http)
        emit_json(
            envelope(
                "tables",
                lab,
                "info",
                site={"version": site.version, "enhanced_http": site.enhanced_http},
                **tables,
                conditions=conditions_json(),
            )
        )
        return
    click.echo(render_text(), nl=False)
    state = "on" if site.enhanced_http else "off"
    click.echo(
        f"Lab {lab.name!r}: site version {site.version}, enhanced HTTP {state}; "
        "--json lists what its site accepts."
    )
