"""A long run's progress and its stop: a status line (or plain lines in a log) on standard error,
and the first Ctrl-C turned into a stop request, so the command ends with what it has so far and
exits `INTERRUPTED`.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import click
from rich.console import Console
from rich.progress import Progress, TextColumn

from ehttp.checker import ProgressInfo

__all__ = [
    "INTERRUPTED",
    "PLAIN_EVERY",
    "Reporter",
    "StopRequest",
    "interruptible",
    "reporter",
    "search_numbers",
    "status_line",
]

INTERRUPTED = 130
"""The exit code of a run stopped by Ctrl-C (128 + SIGINT, as shells report it)."""


def search_numbers(info: ProgressInfo) -> str:
    """A search's progress, as `Reporter.show` takes it: states, frontier, depth, states/s."""
    return (
        f"states {info.states:,}  frontier {info.frontier:,}  depth {info.depth}  "
        f"{info.states_per_second:,.0f} states/s"
    )


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
