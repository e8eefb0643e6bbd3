"""`ehttp explore`: the site in a browser, one click at a time (see `model/explore/`).

Exit codes: 130 when stopped by Ctrl-C (the only way it ends once serving); 2 bad usage or input
(a lab, a port, a trace file or property that can't be used, named with what is accepted).
"""

from __future__ import annotations

from pathlib import Path

import click

from ehttp.cli.options import integer_option
from ehttp.explore import (
    Place,
    PortError,
    TraceError,
    bind,
    example_lab_names,
    lab_by_name,
    lab_parameter,
    read_lab_file,
    serve,
    trace_place,
)

__all__ = ["explore"]


@click.command()
@click.option(
    "--lab",
    "lab_text",
    metavar="FILE|NAME",
    default="default",
    show_default=True,
    help="A lab file, or the embedded default lab or an example lab by name "
    f"({', '.join(example_lab_names())}).",
)
@integer_option(
    "--port",
    "port",
    minimum=1,
    maximum=65535,
    grouped=False,
    default=None,
    help="Listen on this port of 127.0.0.1 (default: a free one).",
)
@click.option("--no-browser", is_flag=True, help="Print the URL only; open no browser.")
@click.option(
    "--trace",
    "trace_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Open a trace of this ehttp check --json file at its first step (with --property).",
)
@click.option(
    "--property",
    "prop",
    metavar="ID",
    default=None,
    help="The property whose trace --trace opens (its id in the check file).",
)
def explore(
    lab_text: str, port: int | None, no_browser: bool, trace_path: Path | None, prop: str | None
) -> None:
    """Serve the explorer on 127.0.0.1 and print its URL: the site as the console shows it
    (its properties, site systems, certificates, clients and scenarios, the clock in minutes),
    every administrator action and every step the site may take next as a control, "let the
    site run", "wait 15 minutes", undo and the timeline, with the model's answers at every step
    (properties, the documented fault's banner and workaround, whatif, diagnose). The URL holds
    the lab and the path, so a link reproduces the world. Stops on Ctrl-C (exit 130).
    """
    if (trace_path is None) != (prop is None):
        missing = "--property" if prop is None else "--trace"
        raise click.BadParameter(
            "give --trace CHECK.json and --property ID together", param_hint=missing
        )
    path = Path(lab_text)
    if path.is_file():
        lab = read_lab_file(path)
        parameter = lab_parameter(lab, None)
    elif lab_text in example_lab_names():
        lab = lab_by_name(lab_text)
        parameter = lab_parameter(lab, lab_text)
    else:
        raise click.BadParameter(
            f"{lab_text!r} is neither a lab file nor an example lab; give a file or one of "
            f"{', '.join(example_lab_names())}",
            param_hint="--lab",
        )
    place = Place(parameter)
    if trace_path is not None and prop is not None:
        try:
            place = trace_place(lab, parameter, trace_path, prop)
        except TraceError as error:
            raise click.UsageError(str(error)) from None
    try:
        sock = bind(port)
    except PortError as error:
        raise click.UsageError(str(error)) from None
    serve(sock, place.url(), open_browser=not no_browser, say=click.echo)
