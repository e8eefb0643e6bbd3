"""Running the programs ehttp calls (Graphviz's `dot`, `spin`, `gcc`, Spin's `pan`) so that
Ctrl-C stays ehttp's to handle.

On a terminal, Ctrl-C sends SIGINT to every process of the foreground group: a program started
the usual way dies of it on its own while ehttp is still deciding what to do (a report would see
`dot` fail and print a traceback). Here each program runs in a process group of its own, so the
signal reaches ehttp alone; ehttp then ends the program itself: at once on a KeyboardInterrupt,
or when the run's `stop` request is set (a first Ctrl-C inside `ehttp.cli.progress.interruptible`,
or another thread giving up), in which case `Stopped` is raised. The command line is a list of
arguments the caller chose (never a shell), so no text becomes a command.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

__all__ = ["POLL_SECONDS", "Stopped", "run_program"]

POLL_SECONDS = 0.1
"""How often a running program's caller looks at its stop request."""


class Stopped(KeyboardInterrupt):
    """The run's stop request ended the program before it finished."""


def _end(process: subprocess.Popen[bytes]) -> None:
    """Kill the program's whole process group (it may have children of its own) and reap it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def run_program(
    args: Sequence[str],
    *,
    input: bytes | None = None,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stop: Callable[[], bool] | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `args` in a process group of its own with `input` on its standard input; its output
    and exit code (never raises for a non-zero exit). Raises `Stopped` once `stop()` is true,
    KeyboardInterrupt on Ctrl-C, FileNotFoundError when the program is not on PATH; the program
    is ended first in each case."""
    process = subprocess.Popen(
        list(args),
        stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        env=None if env is None else dict(env),
        process_group=0,
    )
    try:
        pending = input
        while True:
            if stop is not None and stop():
                _end(process)
                raise Stopped(f"{args[0]} stopped")
            try:
                out, err = process.communicate(pending, timeout=POLL_SECONDS)
            except subprocess.TimeoutExpired:
                pending = None
                continue
            return subprocess.CompletedProcess(list(args), process.returncode, out, err)
    except BaseException:
        _end(process)
        raise
