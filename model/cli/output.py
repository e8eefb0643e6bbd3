"""How a command prints its answer: text on standard output fitted to the terminal's width and,
on a terminal, its verdicts coloured; a `--json` document in the envelope.

Every `--json` document is built by `envelope` and printed by `emit_json`: the same four keys
first (`command`, `version`, `lab`, `verdict`), then the command's own fields. Each command's
shape is a JSON Schema in `specs/schemas/<command>.json` (with `specs/schemas/envelope.json`), and
`tests/cli/test_json_schemas.py` validates every command's output against it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import textwrap
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version
from typing import Any, Literal

import click
from rich.console import Console
from rich.text import Text

from ehttp.config.schema import Lab

__all__ = [
    "ENVELOPE_KEYS",
    "NO_COLOR_KEY",
    "VERDICTS",
    "JsonVerdict",
    "colour_wanted",
    "emit_json",
    "emit_text",
    "envelope",
    "fit_lines",
    "output_width",
    "tool_version",
]

JsonVerdict = Literal["pass", "fail", "incomplete", "interrupted", "info"]
"""The envelope's verdict: `pass` (exit 0) and `fail` (exit 1) judge the run; `incomplete` is a
search cut by a limit (exit 1); `interrupted` a run stopped by Ctrl-C (exit 130); `info` a command
that reports facts and judges nothing (`tables`, `scenarios`, `diagrams`; exit 0)."""

VERDICTS: tuple[JsonVerdict, ...] = ("pass", "fail", "incomplete", "interrupted", "info")
"""Every envelope verdict, in the order of the `JsonVerdict` docstring."""

ENVELOPE_KEYS = ("command", "version", "lab", "verdict")
"""The keys every `--json` document starts with, in this order."""


def tool_version() -> str:
    """The installed `ehttp` version (`unknown` when run from a tree that was never installed)."""
    try:
        return _package_version("ehttp")
    except PackageNotFoundError:
        return "unknown"


def envelope(
    command: str,
    lab: Lab | str | None,
    verdict: JsonVerdict,
    body: Mapping[str, Any] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    """One command's JSON document: the envelope keys first, then the command's own fields
    (`body`, then `fields`).

    `lab` is the lab (its name is written) or a lab name; None for a command that reads no lab.
    A field may not reuse an envelope key.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict: {verdict!r} is not accepted; use one of {', '.join(VERDICTS)}")
    fields = {**(body or {}), **fields}
    clash = sorted(set(fields) & set(ENVELOPE_KEYS))
    if clash:
        raise ValueError(f"fields: {clash[0]!r} is an envelope key; give the value as an argument")
    name = lab.name if isinstance(lab, Lab) else lab
    return {
        "command": command,
        "version": tool_version(),
        "lab": name,
        "verdict": verdict,
        **fields,
    }


NO_COLOR_KEY = "ehttp.no_color"
"""Where the group's `--no-color` flag is kept in the click context's `meta`."""

_VERDICT_STYLES = {
    "PASS": "bold green",
    "FAIL": "bold red",
    "INCOMPLETE": "bold yellow",
    "INTERRUPTED": "bold yellow",
    "WARNING": "bold yellow",
    "holds": "green",
    "violated": "red",
    "unknown": "yellow",
    "vacuous": "yellow",
    "refused": "green",
    "accepted": "red",
}
_VERDICT_AT_START = re.compile(
    r"^(?P<lead> *)(?P<word>PASS|FAIL|INCOMPLETE|INTERRUPTED|WARNING|holds|violated|unknown)\b",
    re.MULTILINE,
)


def colour_wanted(is_terminal: bool) -> bool:
    """Colour only on a terminal, without `NO_COLOR` (any value, as no-color.org says) and
    without the group's `--no-color`."""
    if not is_terminal or os.environ.get("NO_COLOR"):
        return False
    ctx = click.get_current_context(silent=True)
    return not (ctx is not None and ctx.find_root().meta.get(NO_COLOR_KEY, False))


MIN_WIDTH = 40
"""The narrowest output ehttp wraps its lines to; a narrower `COLUMNS` leaves them whole."""


def output_width() -> int | None:
    """The width to fit text to: `COLUMNS` when set to a whole number >= `MIN_WIDTH`, else the
    terminal's width when standard output is one; None (lines left whole, as a log or `grep`
    wants them) when output goes to a pipe or a file without `COLUMNS`."""
    given = os.environ.get("COLUMNS", "").strip()
    if given.isdigit():
        return int(given) if int(given) >= MIN_WIDTH else None
    if not sys.stdout.isatty():
        return None
    columns = shutil.get_terminal_size().columns
    return columns if columns >= MIN_WIDTH else None


_LEAD = re.compile(r"^(?P<indent> *)(?P<marker>\d+\. +|- )?")
_COMMAND = re.compile(r"^ *(?:[a-z][a-z -]*: )?ehttp ")
"""A line that holds a command to run (`replay: ehttp fuzz --replay PATH`, `  ehttp ...`)."""


def fit_lines(text: str, width: int | None) -> str:
    """`text` with every line longer than `width` wrapped at spaces: a numbered step (`12. `)
    or a list item (`- `) continues under its first word, any other line two spaces further in
    than it starts. Words (a path, a command) are never broken, and a line holding an `ehttp`
    command is kept whole so it can be copied and run; None leaves the text as is."""
    if width is None:
        return text
    out: list[str] = []
    for line in text.split("\n"):
        lead = _LEAD.match(line)
        assert lead is not None  # the pattern matches the empty prefix of any line
        first = lead.group(0)
        hanging = " " * len(first) if lead["marker"] else " " * (len(lead["indent"]) + 2)
        if len(line) <= width or width - len(hanging) < 20 or _COMMAND.match(line):
            out.append(line)
            continue
        out.extend(
            textwrap.wrap(
                line[len(first) :],
                width=width,
                initial_indent=first,
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(out)


def emit_text(text: str) -> None:
    """Print a command's text on standard output, its lines fitted to `output_width`; on a
    terminal (see `colour_wanted`) the verdict that starts a line (PASS, FAIL, INCOMPLETE, ...,
    and a table's holds / violated / unknown) is coloured through rich."""
    text = fit_lines(text, output_width())
    console = Console(file=sys.stdout, highlight=False, soft_wrap=True)
    if not colour_wanted(console.is_terminal):
        sys.stdout.write(text)
        return
    styled = Text(text)
    for match in _VERDICT_AT_START.finditer(text):
        styled.stylize(_VERDICT_STYLES[match["word"]], match.start("word"), match.end("word"))
    console.print(styled, end="")


def emit_json(document: dict[str, Any]) -> None:
    """Print an `envelope` document on standard output (indented, one trailing newline)."""
    missing = [key for key in ENVELOPE_KEYS if key not in document]
    if missing:
        raise ValueError(f"document: {missing[0]!r} is missing; build it with envelope(...)")
    click.echo(json.dumps(document, indent=2))
