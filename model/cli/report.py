"""`ehttp report`: write the audit report of a lab as one self-contained HTML page.

See `model/report/page.py`. The page is written atomically into the output folder (default
`report/`)
and its path is printed. A `--out` that names an existing file, or a `--fuzz` file that is not
`ehttp fuzz --json` campaign output of the same lab (`model/report/fuzzfile.py`), is an input
error: one line, exit 2.
"""

from __future__ import annotations

from pathlib import Path

import click

from model.cli.common import emit_json, envelope, lab_option
from model.config.schema import Lab
from model.report.fuzzfile import read_fuzz
from model.report.page import ReportError, write_report

__all__ = ["report"]


@click.command()
@lab_option
@click.option(
    "--fuzz",
    "fuzz_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="JSON written by `ehttp fuzz --json`: adds the coverage timeline plot.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("report"),
    show_default=True,
    help="Folder to write index.html into (created when missing).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the page's path and verdict as JSON.")
def report(lab: Lab, fuzz_path: Path | None, out: Path, as_json: bool) -> None:
    """Write one self-contained HTML page: check summary and every property with its trace,
    scenario verdicts, the access tables, the traceability matrix, the modeling assumptions, the
    diagrams, the attack catalogue results and, with --fuzz, the fuzz coverage timeline.
    """
    try:
        fuzz = None if fuzz_path is None else read_fuzz(fuzz_path, lab)
        written = write_report(lab, out, fuzz)
    except ReportError as error:
        option, _, message = str(error).partition(": ")
        raise click.BadParameter(message, param_hint=option) from None
    run = written.run
    if as_json:
        emit_json(
            envelope(
                "report",
                lab,
                "incomplete" if not run.complete else "pass" if run.passed else "fail",
                path=str(written.path),
                properties=len(run.properties),
                holding=sum(p.holds for _, p in run.properties),
            )
        )
    else:
        click.echo(str(written.path))
