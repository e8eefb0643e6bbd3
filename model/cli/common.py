"""What the `ehttp` commands share: the `--lab` option, option callbacks, the status line and the
JSON envelope.

Each callback turns a bad value into a one-line `click.BadParameter` that names the option, the
value and what is accepted; `model/cli/app.py` prints it and exits 2.

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
import signal
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _package_version
from pathlib import Path
from types import FrameType
from typing import Any, Literal, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, TextColumn
from rich.text import Text

from ehttp.config.examples import lab_from_option
from ehttp.config.labfile import LabError
from ehttp.config.schema import MAX_CLIENTS, Lab

__all__ = [
    "COUNT_LIMITS",
    "ENVELOPE_KEYS",
    "INTERRUPTED",
    "MAX_SECONDS",
    "NO_COLOR_KEY",
    "PLAIN_EVERY",
    "VERDICTS",
    "JsonVerdict",
    "OneOf",
    "Reporter",
    "StopRequest",
    "clients_option",
    "colour_wanted",
    "emit_json",
    "emit_text",
    "envelope",
    "fit_lines",
    "from_world_option",
    "integer_option",
    "interruptible",
    "lab_option",
    "mutant_option",
    "output_width",
    "positive_seconds",
    "reporter",
    "scaled_lab",
    "seconds_option",
    "seed_option",
    "status_line",
    "tool_version",
    "whole_number",
]

F = TypeVar("F", bound=Callable[..., Any])

INTERRUPTED = 130
"""The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)."""

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


class OneOf(click.Choice[str]):
    """A choice whose error names the value and every accepted one, in a single line."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return f"{value!r} is not accepted; use one of {', '.join(map(str, self.choices))}"


def _load(ctx: click.Context, param: click.Parameter, value: Path | None) -> Lab:
    try:
        return lab_from_option(value)
    except LabError as error:
        raise click.BadParameter(str(error), ctx, param) from None


MAX_SECONDS = 604_800.0
"""The longest time budget an option takes: a week, in seconds."""

COUNT_LIMITS = {
    "--max-states": 1_000_000_000,
    "--steps": 10_000_000,
    "--examples": 1_000_000,
    "--seed": 2**64 - 1,
    "--max": 1_000,
}
"""The largest value of each count option (`--clients` has `MAX_CLIENTS`): far above what a
run on this model can use, and small enough that no count overflows what it sizes."""


def _shown(value: str) -> str:
    """A value as the user typed it, kept short (a count may be given with a thousand digits)."""
    return repr(value) if len(value) <= 40 else repr(value[:39]) + "…"


def whole_number(
    minimum: int, maximum: int, grouped: bool = True
) -> Callable[[click.Context, click.Parameter, str | None], int | None]:
    """An option callback accepting a whole number from `minimum` to `maximum`, with a one-line
    error; the value is converted only when it has few enough digits to be in range. `grouped`:
    the bounds are printed with thousands separators (a count), else as digits (a port)."""
    shape = "{:,}" if grouped else "{}"

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> int | None:
        if value is None:
            return None
        try:
            number = int(value) if len(value.strip()) <= len(str(maximum)) + 1 else None
        except ValueError:
            number = None
        if number is None or not minimum <= number <= maximum:
            raise click.BadParameter(
                f"{_shown(value)} is not accepted; give a whole number from "
                f"{shape.format(minimum)} to {shape.format(maximum)}"
            )
        return number

    return parse


def positive_seconds(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """An option callback accepting a number of seconds > 0 and at most `MAX_SECONDS`, with a
    one-line error."""
    if value is None:
        return None
    try:
        seconds = float(value) if len(value) <= 40 else 0.0
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= MAX_SECONDS:
        raise click.BadParameter(
            f"{_shown(value)} is not accepted; give a number of seconds > 0 and at most "
            f"{MAX_SECONDS:,.0f} (a week)"
        )
    return seconds


@contextmanager
def status_line(label: str) -> Iterator[Callable[[str], None] | None]:
    """A transient rich status line on standard error when it is a terminal; None otherwise.

    The caller passes each new description to the callable it receives (`label` until then).
    """
    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(TextColumn("{task.description}"), console=console, transient=True) as bar:
        task = bar.add_task(label)

        def show(description: str) -> None:
            bar.update(task, description=description)

        yield show


PLAIN_EVERY = 10.0
"""Seconds between plain progress lines when standard error is not a terminal (as TLC does)."""


class Reporter:
    """Progress of a long run: the current phase, elapsed time and the latest numbers.

    On a terminal a transient status line shows `[12 s] phase: numbers`; otherwise a plain line
    of the same text goes to standard error every `PLAIN_EVERY` seconds, so a log shows the run
    is alive. `phase` starts a phase; `show` gives its latest numbers.
    """

    def __init__(self, line: Callable[[str], None] | None, every: float = PLAIN_EVERY) -> None:
        self._line = line
        self._every = every
        self._started = time.perf_counter()
        self._next_plain = self._started + every
        self.current = "starting"
        self.numbers = ""

    @property
    def elapsed(self) -> float:
        """Seconds since the run started."""
        return time.perf_counter() - self._started

    def text(self) -> str:
        """`[elapsed] phase: numbers`, as the status line shows it."""
        numbers = f": {self.numbers}" if self.numbers else ""
        return f"[{self.elapsed:.0f} s] {self.current}{numbers}"

    def phase(self, label: str) -> None:
        """A new phase starts (its numbers are cleared)."""
        self.current, self.numbers = label, ""
        self._tell()

    def show(self, numbers: str) -> None:
        """The current phase's latest numbers."""
        self.numbers = numbers
        self._tell()

    def _tell(self) -> None:
        if self._line is not None:
            self._line(self.text())
            return
        now = time.perf_counter()
        if now >= self._next_plain:
            self._next_plain = now + self._every
            click.echo(self.text(), err=True)


@contextmanager
def reporter(label: str) -> Iterator[Reporter]:
    """A `Reporter` on a status line when standard error is a terminal, plain lines otherwise."""
    with status_line(label) as line:
        yield Reporter(line)


class StopRequest:
    """Set by the first Ctrl-C inside `interruptible`; a long run asks it between steps.

    `during` is the phase the run was in when Ctrl-C came (None when nobody reported one), and
    `numbers` the phase's latest progress numbers then ("" when none).
    """

    def __init__(self) -> None:
        self.requested = False
        self.during: str | None = None
        self.numbers = ""

    def __call__(self) -> bool:
        return self.requested

    def request(self, during: str | None = None, numbers: str = "") -> None:
        """Ask the run to stop; `during` names the phase it is in, `numbers` its progress."""
        self.requested = True
        self.during = during
        self.numbers = numbers


@contextmanager
def interruptible(progress: Reporter | None = None) -> Iterator[StopRequest]:
    """Turn the first Ctrl-C into a stop request, so the run can end with what it has so far
    and the command exit INTERRUPTED; a second Ctrl-C interrupts at once as usual.

    With `progress`, the request records the phase the run was in (`StopRequest.during`).
    """
    stop = StopRequest()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def first(signum: int, frame: FrameType | None) -> None:
        if progress is None:
            stop.request()
        else:
            stop.request(progress.current, progress.numbers)
        click.echo("\nstopping after the current step (Ctrl-C again to stop at once)", err=True)
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield stop
    finally:
        signal.signal(signal.SIGINT, previous)


def _adding(option: Callable[[F], F]) -> Callable[[F], F]:
    def add(command: F) -> F:
        return option(command)

    return add


def integer_option(
    *decls: str, minimum: int, maximum: int | None = None, grouped: bool = True, **attrs: Any
) -> Callable[[F], F]:
    """An option taking a whole number from `minimum` to `maximum` (default: the option's entry
    in `COUNT_LIMITS`): INTEGER in `--help`, the one-line error of `whole_number` (`grouped`:
    bounds with thousands separators). `attrs` are click's (help, default, ...)."""
    if maximum is None:
        maximum = COUNT_LIMITS[next(d for d in decls if d.startswith("--"))]
    return _adding(
        click.option(
            *decls,
            type=str,
            metavar="INTEGER",
            callback=whole_number(minimum, maximum, grouped),
            **attrs,
        )
    )


def seconds_option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """An option taking a number of seconds > 0: FLOAT in `--help`, the one-line error of
    `positive_seconds`."""
    return _adding(
        click.option(*decls, type=str, metavar="FLOAT", callback=positive_seconds, **attrs)
    )


def seed_option(help: str, default: int | None = 0) -> Callable[[F], F]:
    """`--seed N`, a whole number >= 0; `default` is shown in `--help` (None: no default, the
    command picks one)."""
    if default is None:
        return integer_option("--seed", minimum=0, help=help)
    return integer_option("--seed", minimum=0, default=str(default), show_default=True, help=help)


def mutant_option(names: Iterable[str], help: str) -> Callable[[F], F]:
    """`--mutant NAME`, one of `names` (the lab's named bugs, `ehttp.lab.mutants.MUTANTS`, which
    the command passes so that this module imports no lab)."""
    return _adding(click.option("--mutant", type=OneOf(sorted(names)), default=None, help=help))


def clients_option(command: F) -> F:
    """Add `--clients N`; the command scales its lab with `scaled_lab`."""
    return integer_option(
        "--clients",
        minimum=1,
        maximum=MAX_CLIENTS,
        help="Scale the lab to N clients, from the lab's own count to "
        f"{MAX_CLIENTS}: the lab's clients are copied in turn (aad1, dom1, wg1, aad1-2, "
        "dom1-2, ...), so every kind of client stays.",
    )(command)


def scaled_lab(lab: Lab, clients: int | None) -> Lab:
    """`lab` with `clients` clients (`Lab.with_clients`), or unchanged for None.

    Fewer clients than the lab has would drop whole kinds of client, and the properties about
    them would fail for a reason the run cannot show; that is refused as a usage error.
    """
    if clients is None:
        return lab
    have = len(lab.clients)
    if clients < have:
        names = ", ".join(client.name for client in lab.clients)
        raise click.BadParameter(
            f"{clients} is not accepted; lab {lab.name!r} has {have} clients ({names}) and "
            f"--clients copies them, so give a whole number >= {have}",
            param_hint="--clients",
        )
    return lab.with_clients(clients)


def from_world_option(what: str) -> Callable[[F], F]:
    """`--from FILE`: a world of the lab's model in a JSON file (a trace step's state from
    `check --json`, or `whatif --json`'s worlds after the actions), where `what` starts instead
    of the steady state; the command receives the path (`model/ask/statefile.py` reads it)."""
    return _adding(
        click.option(
            "--from",
            "from_path",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help=f"{what} from the world in this JSON file (a trace step's state from check "
            "--json, or whatif --json's after_actions) instead of the steady state.",
        )
    )


def lab_option(command: F) -> F:
    """Add `--lab FILE`; the command receives the loaded `Lab` (default: the embedded lab)."""
    option = click.option(
        "--lab",
        "lab",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        callback=_load,
        help="Lab file (TOML), or an example lab by name (see `ehttp labs`); default: the "
        "embedded default lab.",
    )
    return option(command)
