"""Work for the second core: a job run in a forked child process that reads the parent's memory.

After the search, the checker asks its invariants of the stored states and judges its liveness
properties one at a time over the graph the search stored. Both only read that graph, so part of
each can run in a child process made by fork(): the child sees the graph as the parent holds it
(the pages are shared, copied only where written), nothing is pickled on the way in, and only the
child's answer (the first states deciding the invariants, a few verdicts, and a `Recording`
model's record) comes back, pickled over a pipe. The parent does the rest meanwhile.

A job forks only where that is safe and pays:
- the platform has fork() and this process runs on at least two cores;
- this is the main thread and no other thread runs: a child of a threaded process may find a lock
  held forever by a thread it does not have (a web server's handler, a test runner's);
- the caller says the work is large enough (`FORK_FROM_STATES`): forking a large process costs
  milliseconds, more than a small graph's judgement gains.
Otherwise the job runs in this process when its result is asked for, exactly as it would have
run in the child.

The child ignores Ctrl-C (the parent's handler would speak twice), and is killed when the parent
stops waiting: on a stop request, on an error, on a second Ctrl-C. An exception raised by the job
is raised again in the parent.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Generic, NoReturn, TypeVar

__all__ = ["FORK_FROM_STATES", "ChildFailed", "Job", "can_fork", "fork_from_states", "forked"]

T = TypeVar("T")

FORK_FROM_STATES = 20_000
"""The least stored states for which the checker judges on two cores."""

_POLL_SECONDS = 0.1
"""How often a parent waiting for its child asks whether it should stop."""


class ChildFailed(RuntimeError):
    """The child process ended without an answer, or with one that could not be read."""


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def fork_from_states() -> int:
    """`FORK_FROM_STATES` as it is now (a test may lower it)."""
    return FORK_FROM_STATES


def can_fork() -> bool:
    """Whether a job may run in a forked child here (see the module docstring)."""
    return (
        hasattr(os, "fork")
        and threading.current_thread() is threading.main_thread()
        and threading.active_count() == 1
        and _cores() >= 2
    )


class Job(Generic[T]):
    """`run()`, in a forked child when `fork` is true, else in this process on `result()`."""

    def __init__(self, run: Callable[[], T], fork: bool) -> None:
        self._run = run
        self._pid: int | None = None
        self._fd: int | None = None
        if fork:
            read, write = os.pipe()
            pid = os.fork()
            if pid == 0:
                _child(run, read, write)
            os.close(write)
            self._pid, self._fd = pid, read

    @property
    def forked(self) -> bool:
        """Whether the job runs in a child process."""
        return self._pid is not None or self._fd is not None

    def result(self, stop: Callable[[], bool] | None = None) -> T | None:
        """The job's value; None when `stop` turned true while waiting for the child (which is
        then killed). An exception the job raised is raised here."""
        if not self.forked:
            return self._run()
        fd = self._fd
        assert fd is not None
        chunks: list[bytes] = []
        while True:
            if stop is not None:
                ready, _, _ = select.select([fd], [], [], _POLL_SECONDS)
                if not ready:
                    if stop():
                        self.cancel()
                        return None
                    continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        os.close(fd)
        self._fd = None
        pid = self._pid
        assert pid is not None
        _, status = os.waitpid(pid, 0)
        self._pid = None
        data = b"".join(chunks)
        try:
            ok, value = pickle.loads(data)
        except Exception as error:
            raise ChildFailed(
                f"the child process judging on the second core ended (wait status {status}) "
                f"without a readable answer ({len(data)} bytes: {error})"
            ) from None
        if not ok:
            assert isinstance(value, BaseException)
            raise value
        return value  # type: ignore[no-any-return]

    def cancel(self) -> None:
        """Kill the child, if it still runs, and forget it."""
        if self._pid is not None:
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


@contextmanager
def forked(run: Callable[[], T], fork: bool) -> Iterator[Job[T]]:
    """A `Job` whose child is killed when the block ends, however it ends."""
    job = Job(run, fork)
    try:
        yield job
    finally:
        job.cancel()


def _child(run: Callable[[], object], read: int, write: int) -> NoReturn:
    """The forked child: run the job, send (ok, value) pickled, and leave at once (no exit
    handlers, no flushing of buffers the parent owns)."""
    code = 0
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        os.close(read)
        out: tuple[bool, object]
        try:
            out = (True, run())
        except BaseException as error:
            out = (False, error)
        try:
            data = pickle.dumps(out)
        except Exception as error:
            failed = ChildFailed(f"the child's answer could not be pickled: {error}")
            data = pickle.dumps((False, failed))
        view = memoryview(data)
        while view:
            view = view[os.write(write, view) :]
    except BaseException:
        code = 1
    finally:
        os._exit(code)
