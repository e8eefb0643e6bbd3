"""Work on the second core (`ehttp.checker.fork`): the child's answer, its errors, its end, and
the checker asking invariants and judging liveness in two processes exactly as in one."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ehttp.checker.run
from ehttp.checker import Property, check, reachable
from ehttp.checker.explore import SafetyCheck
from ehttp.checker.fork import ChildFailed, Job, can_fork, forked
from ehttp.checker.run import _invariants
from tests.checker.puzzles.agents import Agents, Swarm, relay
from tests.checker.puzzles.twophase import TwoPhase
from tests.checker.test_checker import (
    _asked_in,
    _Graph,
    agent_claims,
    two_phase_properties,
    verdicts,
)


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
    """Make the checker ask invariants and judge liveness in two processes whatever the graph's
    size and the threads of the test runner; return the list of each phase's fork decision."""
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
    assert decided == [True, True]  # the invariants, then liveness
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


def test_the_first_half_of_the_states_decides_first() -> None:
    # Each check decided in the child's half, in the parent's, or in both (the parent's, earlier,
    # comes first), or never; a goal's first witness likewise.
    states = list(range(100))
    checks = [
        SafetyCheck(0, lambda s: s % 7 != 3, hit_when=False),  # 3, 10, ..., 52, ...: 3
        SafetyCheck(1, lambda s: s < 60, hit_when=False),  # only the second half: 60
        SafetyCheck(2, lambda s: s >= 0, hit_when=False),  # never
        SafetyCheck(3, lambda s: s in (49, 50, 99), hit_when=True),  # both halves: 49
        SafetyCheck(4, lambda s: s == 99, hit_when=True),  # the last state: 99
    ]
    alone = _invariants(None, states, checks, None)
    with pytest.MonkeyPatch.context() as monkeypatch:
        decided = on_two_cores(monkeypatch)
        shared = _invariants(None, states, checks, None)
    assert decided == [True]
    assert alone == shared == ({0: 3, 1: 60, 3: 49, 4: 99}, False)


def test_a_stop_while_the_invariants_are_asked_leaves_them_unknown() -> None:
    tell, stop = _asked_in("invariants")
    result = check(TwoPhase(), two_phase_properties(), phase=tell, stop=stop)
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert verdicts(result)["TCConsistent"] == "unknown"
    assert verdicts(result)["some commit"] == "unknown"


@st.composite
def graph_claims(draw: st.DrawFn) -> tuple[list[list[int]], list[Property[int]]]:
    """A random graph of up to 60 states and invariants and goals about them."""
    n = draw(st.integers(1, 60))
    succ = [draw(st.lists(st.integers(0, n - 1), max_size=3)) for _ in range(n)]
    claims: list[Property[int]] = []
    for number, bad in enumerate(draw(st.lists(st.sets(st.integers(0, n - 1)), max_size=3))):
        claims.append(Property.always(f"never {number}", lambda s, bad=bad: s not in bad))
        claims.append(Property.sometimes(f"some {number}", lambda s, bad=bad: s in bad))
    return succ, claims


@settings(max_examples=25, derandomize=True, deadline=None)
@given(graph_claims())
def test_invariants_asked_on_two_cores_as_on_one(
    case: tuple[list[list[int]], list[Property[int]]],
) -> None:
    succ, claims = case
    asked = [True] if claims else []  # one phase of invariants and goals, on two cores
    claims.append(Property.recoverable("back to 0", lambda s: s == 0))  # not only goals
    alone = check(_Graph(succ), claims)
    with pytest.MonkeyPatch.context() as monkeypatch:
        decided = on_two_cores(monkeypatch)
        shared = check(_Graph(succ), claims)
    assert shared.properties == alone.properties
    assert decided == asked


class _Noting(_Graph):
    """A random graph whose model keeps a record its predicates add to: every state asked."""

    def __init__(self, succ: list[list[int]]) -> None:
        super().__init__(succ)
        self.asked: set[int] = set()

    def recorded(self) -> frozenset[int]:
        return frozenset(self.asked)

    def absorb(self, record: object) -> None:
        assert isinstance(record, frozenset)
        self.asked |= record


@settings(max_examples=10, derandomize=True, deadline=None)
@given(graph_claims())
def test_what_the_invariants_child_adds_to_the_models_record_comes_back(
    case: tuple[list[list[int]], list[Property[int]]],
) -> None:
    # The child asks the second half of the stored states: what it notes comes back.
    succ, _claims = case
    models = []
    for two in (False, True):
        model = _Noting(succ)

        def noted(s: int, model: _Noting = model) -> bool:
            model.asked.add(s)
            return True

        with pytest.MonkeyPatch.context() as monkeypatch:
            decided = on_two_cores(monkeypatch) if two else []
            check(model, [Property.always("noted", noted)])
        assert decided == ([True] if two else [])
        models.append(model)
    alone, shared = models
    assert shared.asked == alone.asked == set(reachable(_Graph(succ)).states)


class _NotingRelay(Agents):
    """The relay puzzle, whose two liveness questions each note the states they ask about."""

    def __init__(self) -> None:
        base = relay()
        super().__init__(base.count, base.rows, base.env, base.start)
        self.notes: tuple[set[Swarm], set[Swarm]] = (set(), set())

    def recorded(self) -> tuple[frozenset[Swarm], ...]:
        return tuple(frozenset(notes) for notes in self.notes)

    def absorb(self, record: object) -> None:
        assert isinstance(record, tuple)
        for notes, more in zip(self.notes, record, strict=True):
            notes |= more


def test_what_the_liveness_child_adds_to_the_models_record_comes_back() -> None:
    # Two questions on the reduced graph, one judged in each process: each notes into its own
    # set, so the parent's sets end full only with what the child noted.
    models = []
    for two in (False, True):
        model = _NotingRelay()

        def note(which: int, model: _NotingRelay = model) -> Callable[[Swarm], bool]:
            def noted(s: Swarm) -> bool:
                model.notes[which].add(s)
                return s[1][0] != 3

            return noted

        # Claims that hold: a violated one would have the parent explore the unreduced graph
        # for its lasso, asking every state of it.
        claims = [
            Property.leads_to("first", note(0), lambda s: True),
            Property.leads_to("second", note(1), lambda s: True),
        ]
        with pytest.MonkeyPatch.context() as monkeypatch:
            decided = on_two_cores(monkeypatch) if two else []
            check(model, claims)
        assert decided == ([True] if two else [])
        models.append(model)
    alone, shared = models
    assert all(alone.notes) and shared.notes == alone.notes
    assert [p.verdict for p in check(_NotingRelay(), claims).properties] == ["holds", "holds"]
