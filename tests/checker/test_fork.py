"""Work on the second core (`ehttp.checker.fork`): the child's answer, its errors, its end, and
the checker judging liveness in two processes exactly as in one."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings

import ehttp.checker.run
from ehttp.checker import Property, check
from ehttp.checker.fork import ChildFailed, Job, can_fork, forked
from tests.checker.puzzles.agents import Agents, Swarm
from tests.checker.puzzles.twophase import TwoPhase
from tests.checker.test_checker import agent_claims, two_phase_properties, verdicts


def test_a_forked_job_runs_in_a_child_and_its_value_comes_back() -> None:
    job = Job(os.getpid, fork=True)
    assert job.forked
    child = job.result()
    assert child is not None and child != os.getpid()
    assert not job.forked


def test_an_unforked_job_runs_here_when_its_result_is_asked() -> None:
    ran: list[int] = []

    def run() -> int:
        ran.append(os.getpid())
        return len(ran)

    job = Job(run, fork=False)
    assert not job.forked and not ran
    assert job.result() == 1
    assert ran == [os.getpid()]


def test_the_childs_exception_is_raised_in_the_parent() -> None:
    def fails() -> int:
        raise ValueError("no such state: 7")

    with forked(fails, fork=True) as job, pytest.raises(ValueError, match="no such state: 7"):
        job.result()


def test_an_answer_that_cannot_be_pickled_is_a_clear_failure() -> None:
    with forked(lambda: threading.Lock(), fork=True) as job, pytest.raises(ChildFailed):
        job.result()


def test_a_stop_request_while_waiting_kills_the_child() -> None:
    started = time.monotonic()
    with forked(lambda: time.sleep(60), fork=True) as job:
        pid = job._pid
        assert pid is not None
        assert job.result(stop=lambda: True) is None
        assert not job.forked
    assert time.monotonic() - started < 30
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no child of that number is left


def test_leaving_the_block_early_kills_the_child() -> None:
    with (
        pytest.raises(RuntimeError, match="the parent failed"),
        forked(lambda: time.sleep(60), fork=True) as job,
    ):
        pid = job._pid
        raise RuntimeError("the parent failed")
    assert pid is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_no_fork_from_a_thread_other_than_the_main_one() -> None:
    seen: list[bool] = []
    worker = threading.Thread(target=lambda: seen.append(can_fork()))
    worker.start()
    worker.join()
    assert seen == [False]


def on_two_cores(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Make the checker judge liveness in two processes whatever the graph's size and the
    threads of the test runner; return the list of each judgement's fork decision."""
    decided: list[bool] = []
    real = forked

    def recorded(run: Callable[[], Any], fork: bool) -> Any:
        decided.append(fork)
        return real(run, fork)

    monkeypatch.setattr(ehttp.checker.run, "can_fork", lambda: True)
    monkeypatch.setattr(ehttp.checker.run, "fork_from_states", lambda: 0)
    monkeypatch.setattr(ehttp.checker.run, "forked", recorded)
    return decided


def test_two_phase_commit_judged_on_two_cores_as_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    alone = check(TwoPhase(), two_phase_properties())
    decided = on_two_cores(monkeypatch)
    shared = check(TwoPhase(), two_phase_properties())
    assert decided == [True]
    assert shared.properties == alone.properties
    assert (shared.states, shared.complete) == (alone.states, alone.complete)


@settings(max_examples=8, derandomize=True, deadline=None)
@given(agent_claims())
def test_claims_about_one_agent_judged_on_two_cores_as_on_one(
    case: tuple[Agents, list[Property[Swarm]]],
) -> None:
    model, claims = case
    alone = check(model, claims, symmetry=True)
    with pytest.MonkeyPatch.context() as monkeypatch:
        decided = on_two_cores(monkeypatch)
        shared = check(model, claims, symmetry=True)
    assert verdicts(shared) == verdicts(alone)
    assert shared.properties == alone.properties
    assert all(decided)
