"""Tests for `ehttp.checker.run`: classic puzzles with known answers, then the liveness semantics.

Pinned numbers come from the puzzles' sources: DieHard (TLA+ Examples: 16 distinct states, "big
jug holds 4" violated in 6 steps) and TwoPhase (TLA+ Examples and Stateright: 288 distinct states
with 3 resource managers, TCConsistent holds).
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehttp import checker
from ehttp.checker import (
    BaseModel,
    CheckResult,
    Model,
    ModelError,
    ProgressInfo,
    Property,
    PropertyError,
    Step,
    check,
    to_json,
)
from ehttp.checker.explore import SafetyCheck, first_hits_until
from ehttp.checker.run import SEARCH_SHARE, _first_unrecoverable
from tests.checker.puzzles.agents import AgentRow, Agents, GlobalRow, Swarm, relay
from tests.checker.puzzles.diehard import DieHard, Jugs
from tests.checker.puzzles.liveness import Row, TableModel, binder, doorbell, elevator, spinner
from tests.checker.puzzles.twophase import TwoPhase, TwoPhaseState
from tests.search import reachable

St = TypeVar("St", bound=Hashable)
Ac = TypeVar("Ac", bound=Hashable)


def replays(model: Model[St, Ac], trace: Sequence[Step[St]]) -> bool:
    """Every step of ``trace`` is a real step of ``model`` from one of its initial states."""
    if trace[0].state not in model.init_states() or trace[0].action is not None:
        return False
    for before, after in itertools.pairwise(trace):
        if not any(
            model.next_state(before.state, a) == after.state
            and model.action_name(a) == after.action
            for a in model.actions(before.state)
        ):
            return False
    return True


def verdicts(result: CheckResult[St]) -> dict[str, str]:
    return {p.name: p.verdict for p in result.properties}


def by_name(result: CheckResult[St], name: str) -> checker.PropertyResult[St]:
    return next(p for p in result.properties if p.name == name)


def consistent(s: TwoPhaseState) -> bool:
    """TCConsistent: no RM has committed while another has aborted."""
    return not ("committed" in s.rm_state and "aborted" in s.rm_state)


def two_phase_properties() -> list[Property[TwoPhaseState]]:
    return [
        Property.always("TCConsistent", consistent, ("TP-1",)),
        Property.sometimes("some commit", lambda s: s.tm_state == "committed"),
        Property.eventually("TM decides", lambda s: s.tm_state != "init"),
        Property.eventually(
            "every RM decides", lambda s: all(x in ("committed", "aborted") for x in s.rm_state)
        ),
        Property.leads_to(
            "prepared leads to commit",
            lambda s: "prepared" in s.rm_state,
            lambda s: s.tm_state == "committed",
        ),
        Property.leads_to("never triggered", lambda s: len(s.msgs) > 4, lambda s: False),
        Property.recoverable("back to the start", lambda s: s.tm_state == "init" and not s.msgs),
        Property.recoverable("a decision stays reachable", lambda s: s.tm_state != "init"),
        Property.deadlock_free("no deadlock"),
    ]


def test_public_names_are_exported() -> None:
    for name in checker.__all__:
        assert hasattr(checker, name), name


def test_diehard_has_16_states_and_big_jug_holds_4_in_exactly_6_steps() -> None:
    model = DieHard()
    result = check(model, [Property.always("big jug never holds 4", lambda s: s.big != 4)])
    assert (result.states, result.transitions, result.complete) == (16, 96, True)
    prop = result.properties[0]
    assert prop.verdict == "violated" and not prop.holds
    assert len(prop.trace) == 7
    assert prop.trace[0] == Step(None, Jugs(0, 0), "initial state")
    assert prop.trace[-1].state.big == 4
    assert replays(model, prop.trace)
    assert prop.loop_from is None


def test_diehard_step_text_names_the_action_and_what_changed() -> None:
    result = check(DieHard(), [Property.always("big jug never holds 4", lambda s: s.big != 4)])
    first = result.properties[0].trace[1]
    assert first.text == f"{first.action}: " + checker.describe_change(Jugs(0, 0), first.state)
    assert first.text in ("FillBigJug: big: 0 -> 5", "FillSmallJug: small: 0 -> 3")


def test_diehard_is_deadlock_free_recoverable_and_fires_every_action() -> None:
    result = check(
        DieHard(),
        [
            Property.deadlock_free("no deadlock"),
            Property.recoverable("both jugs can be emptied", lambda s: s == Jugs(0, 0)),
            Property.sometimes("big jug holds 4", lambda s: s.big == 4, ("DH-1",)),
        ],
    )
    assert verdicts(result) == {
        "no deadlock": "holds",
        "both jugs can be emptied": "holds",
        "big jug holds 4": "holds",
    }
    witness = by_name(result, "big jug holds 4")
    assert len(witness.trace) == 7 and witness.requirements == ("DH-1",)
    assert result.never_fired == ()


def test_two_phase_has_288_states_and_stays_consistent() -> None:
    result = check(TwoPhase(), two_phase_properties(), symmetry=False)
    assert (result.states, result.complete, result.symmetry) == (288, True, False)
    assert result.liveness_states == 288
    assert verdicts(result) == {
        "TCConsistent": "holds",
        "some commit": "holds",
        "TM decides": "holds",
        "every RM decides": "holds",
        "prepared leads to commit": "violated",
        "never triggered": "vacuous",
        "back to the start": "violated",
        "a decision stays reachable": "holds",
        "no deadlock": "holds",
    }
    assert len(reachable(TwoPhase())) == 288


def test_two_phase_symmetry_stores_80_states_one_per_canonical_form() -> None:
    model = TwoPhase()
    reduced = check(model, [Property.always("TCConsistent", consistent)])
    assert (reduced.states, reduced.symmetry) == (80, True)
    assert reduced.properties[0].verdict == "holds"
    assert len({model.canonical(s) for s in reachable(model)}) == 80


def test_symmetry_gives_the_same_verdicts_as_the_full_graph() -> None:
    full = check(TwoPhase(), two_phase_properties(), symmetry=False)
    reduced = check(TwoPhase(), two_phase_properties(), symmetry=True)
    assert verdicts(reduced) == verdicts(full)
    assert reduced.liveness_states == 288  # liveness is judged on the unreduced graph
    puzzles: list[tuple[TableModel[str], str]] = [
        (spinner(True), "done"),
        (spinner(False), "done"),
        (doorbell(), "answered"),
        (elevator(), "out"),
    ]
    for model, goal in puzzles:
        props = [Property[str].eventually("reach", goal.__eq__)]
        assert verdicts(check(model, props, symmetry=True)) == verdicts(
            check(model, props, symmetry=False)
        )


def test_symmetric_model_judges_liveness_on_the_reduced_graph() -> None:
    holding = two_phase_properties()[:4]
    reduced = check(TwoPhase(), holding, symmetry=True)
    full = check(TwoPhase(), holding, symmetry=False)
    assert verdicts(reduced) == verdicts(full)
    assert (reduced.states, reduced.liveness_states) == (80, 80)


def test_reduced_liveness_follows_each_agent_through_the_symmetry() -> None:
    # Relay: "the agent in the second position" may always leave, but it is a different agent
    # after every hand-over, so no agent's leave is continuously enabled.
    goal = [Property[Swarm].eventually("someone leaves", lambda s: 3 in s[1])]
    reduced = check(relay(), goal, symmetry=True)
    full = check(relay(), goal, symmetry=False)
    assert (full.states, reduced.states) == (15, 8)
    assert verdicts(reduced) == verdicts(full) == {"someone leaves": "violated"}
    lasso = reduced.properties[0]
    assert [s.action for s in lasso.trace[1:]] == [
        "reach for the baton",
        "let go of the baton",
        "grab the baton",
    ] * 2
    assert lasso.trace == full.properties[0].trace and lasso.loop_from == 0
    assert replays(relay(), lasso.trace)
    assert reduced.liveness_states == 15  # the lasso comes from the unreduced graph


@st.composite
def agent_models(draw: st.DrawFn) -> tuple[Agents, Property[Swarm]]:
    locals_, globs = range(3), range(2)
    likely = st.integers(0, 3).map(bool)  # True three times in four
    fairness = {name: draw(likely) for name in ("a", "b", "c")}  # one fairness per name
    rows = [
        AgentRow(
            name,
            local,
            glob,
            draw(st.sampled_from(locals_)),
            draw(st.sampled_from(globs)),
            fairness[name],
        )
        for local in locals_
        for glob in globs
        for name in sorted(draw(st.sets(st.sampled_from(("a", "b", "c")), max_size=2)))
    ]
    env = [GlobalRow("env", glob, 1 - glob) for glob in globs if draw(likely)]
    count = draw(st.integers(2, 3))
    model = Agents(count, rows, env, start=(0, (0,) * count))
    p_locals = frozenset(draw(st.sets(st.sampled_from(locals_), min_size=1)))
    q_locals = frozenset(draw(st.sets(st.sampled_from(locals_))))
    q_glob = draw(st.sampled_from((None, 0, 1)))

    def p(s: Swarm) -> bool:
        return any(x in p_locals for x in s[1])

    def q(s: Swarm) -> bool:
        return all(x in q_locals for x in s[1]) and q_glob in (None, s[0])

    return model, Property[Swarm].leads_to("p ~> q", p, q)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(agent_models())
def test_reduced_liveness_agrees_with_the_unreduced_graph_on_random_agents(
    case: tuple[Agents, Property[Swarm]],
) -> None:
    model, prop = case
    reduced = check(model, [prop], symmetry=True).properties[0]
    full = check(model, [prop], symmetry=False).properties[0]
    assert reduced.verdict == full.verdict
    assert reduced.trace == full.trace


@st.composite
def agent_claims(draw: st.DrawFn) -> tuple[Agents, list[Property[Swarm]]]:
    """A random agents model and claims about its last agent, of every kind that may be
    about one agent (`Property.about_agent`)."""
    model, _prop = draw(agent_models())
    locals_ = range(3)
    bad = frozenset(draw(st.sets(st.sampled_from(locals_), min_size=1)))
    p_locals = frozenset(draw(st.sets(st.sampled_from(locals_), min_size=1)))
    q_locals = frozenset(draw(st.sets(st.sampled_from(locals_))))
    others = draw(st.booleans())  # Q also asks something of the other agents

    def never(j: int) -> Property[Swarm]:
        return Property.always(f"agent {j} is never in {sorted(bad)}", lambda s: s[1][j] not in bad)

    def reaches(j: int) -> Property[Swarm]:
        return Property.sometimes(f"agent {j} reaches {sorted(bad)}", lambda s: s[1][j] in bad)

    def follows(j: int) -> Property[Swarm]:
        def q(s: Swarm) -> bool:
            mine = s[1][j] in q_locals
            return mine and (not others or all(x != 2 for k, x in enumerate(s[1]) if k != j))

        return Property.leads_to(f"agent {j}: p ~> q", lambda s: s[1][j] in p_locals, q)

    def settles(j: int) -> Property[Swarm]:
        return Property.eventually(f"agent {j} settles", lambda s: s[1][j] in q_locals)

    # The replay of a trace moves the first agent it can, so a claim about the last agent has
    # its trace exchanged (`swapped_trace`) more often than not.
    last = model.count - 1
    claims = [Property.about_agent(last, f) for f in (never, reaches, follows, settles)]
    return model, claims


@settings(derandomize=True, max_examples=50, deadline=None)
@given(agent_claims())
def test_claims_about_one_agent_agree_with_the_unreduced_graph_on_random_agents(
    case: tuple[Agents, list[Property[Swarm]]],
) -> None:
    # The reduced graph never tells the agents apart; the claims about one agent are judged by
    # its orbit (`ehttp.checker.watched`), with counterexamples and witnesses about it itself.
    model, claims = case
    reduced = check(model, claims, symmetry=True)
    full = check(model, claims, symmetry=False)
    assert verdicts(reduced) == verdicts(full)
    for mine, theirs in zip(reduced.properties, full.properties, strict=True):
        assert len(mine.trace) == len(theirs.trace), mine.name
        assert not mine.trace or replays(model, mine.trace), mine.name
        if mine.trace and mine.kind in ("always", "sometimes"):
            decided = next(c for c in claims if c.name == mine.name).condition
            assert decided is not None
            assert bool(decided(mine.trace[-1].state)) == (mine.kind == "sometimes")


def test_symmetry_traces_are_real_concrete_traces() -> None:
    model = TwoPhase()
    props: list[Property[TwoPhaseState]] = [
        Property.always("no RM commits", lambda s: "committed" not in s.rm_state),
        Property.sometimes("rm aborts", lambda s: "aborted" in s.rm_state),
        Property.recoverable("back to the start", lambda s: s.tm_state == "init" and not s.msgs),
        Property.leads_to(
            "prepared leads to commit",
            lambda s: "prepared" in s.rm_state,
            lambda s: s.tm_state == "committed",
        ),
    ]
    result = check(model, props, symmetry=True)
    for prop in result.properties:
        assert prop.trace, prop.name
        assert replays(model, prop.trace), prop.name
    committed = by_name(result, "no RM commits")
    # 3 prepares, 3 receipts by the TM, the commit, one RM receiving it
    assert len(committed.trace) == 9
    assert committed.trace[-1].text.startswith("RMRcvCommitMsg(rm")


def test_eventually_holds_with_weak_fairness_and_fails_without_it() -> None:
    goal = [Property[str].eventually("finishes", lambda s: s == "done", ("LIVE-1",))]
    assert check(spinner(fair_finish=True), goal).properties[0].verdict == "holds"
    prop = check(spinner(fair_finish=False), goal).properties[0]
    assert prop.verdict == "violated"
    assert [s.state for s in prop.trace] == ["start", "w0", "w1", "w0"]
    assert [s.action for s in prop.trace] == [None, "begin", "spin", "spin"]
    assert prop.loop_from == 1
    assert prop.trace[-1].state == prop.trace[prop.loop_from].state
    assert "stutters" not in prop.trace[-1].text


def test_leads_to_holds_when_fairness_forces_the_goal() -> None:
    prop = Property[str].leads_to("w1 leads to done", lambda s: s == "w1", lambda s: s == "done")
    assert check(spinner(fair_finish=True), [prop]).properties[0].verdict == "holds"


def test_only_violation_is_stuttering_where_no_fair_action_is_enabled() -> None:
    model = doorbell()  # a chain: no cycle anywhere, so only a stutter can violate liveness
    result = check(model, [Property.eventually("answered", lambda s: s == "answered")])
    prop = result.properties[0]
    assert prop.verdict == "violated"
    assert [s.state for s in prop.trace] == ["idle", "armed"]
    assert prop.loop_from == 1 == len(prop.trace) - 1
    assert prop.trace[-1].text.endswith("then stutters forever: no fair action is enabled here")
    assert replays(model, prop.trace)


def test_a_deadlocked_state_violates_liveness_by_stuttering() -> None:
    model = TableModel(["a"], [Row("go", "a", "b")])
    prop = check(model, [Property.eventually("reach c", lambda s: s == "c")]).properties[0]
    assert [s.state for s in prop.trace] == ["a", "b"] and prop.loop_from == 1


def test_a_fair_action_that_only_loops_in_place_is_a_cycle_not_a_stutter() -> None:
    model = TableModel(["s"], [Row("wait", "s", "s")])
    prop = check(model, [Property.eventually("leave", lambda s: s != "s")]).properties[0]
    assert [s.state for s in prop.trace] == ["s", "s"]
    assert [s.action for s in prop.trace] == [None, "wait"]
    assert prop.loop_from == 0


def test_violation_is_a_cycle_in_a_non_terminal_component() -> None:
    model = elevator()
    prop = check(model, [Property.eventually("out", lambda s: s == "out")]).properties[0]
    assert prop.verdict == "violated"
    assert [s.state for s in prop.trace] == ["lobby", "ground", "first", "ground"]
    assert prop.loop_from == 1
    # The cycle can be left: exit from the first floor reaches the goal, but exit is not
    # continuously enabled on the cycle, so weak fairness does not force it.
    assert model.next_state("first", "exit") == "out"
    assert "exit" not in model.actions("ground")


def test_fairness_is_per_action_value_not_per_name() -> None:
    model = binder()
    assert model.action_name(("bind", 0)) == model.action_name(("bind", 1)) == "bind"
    prop = check(model, [Property.eventually("bound", lambda s: s == "bound")]).properties[0]
    assert prop.verdict == "holds"


def test_leads_to_with_unreached_trigger_is_vacuous_not_a_pass() -> None:
    result = check(
        doorbell(),
        [Property.leads_to("repair done", lambda s: s == "broken", lambda s: s == "idle")],
    )
    prop = result.properties[0]
    assert (prop.verdict, prop.holds, prop.vacuous, prop.trace) == ("vacuous", False, True, ())


def test_recoverable_and_deadlock_free_can_fail() -> None:
    model = doorbell()
    result = check(
        model,
        [
            Property.recoverable("idle again", lambda s: s == "idle"),
            Property.deadlock_free("no deadlock"),
        ],
    )
    stuck = by_name(result, "idle again")
    assert stuck.verdict == "violated"
    assert [s.state for s in stuck.trace] == ["idle", "armed"]
    deadlock = by_name(result, "no deadlock")
    assert deadlock.verdict == "violated"
    assert [s.state for s in deadlock.trace] == ["idle", "armed", "ringing", "answered"]
    assert (
        check(elevator(), [Property.recoverable("out", lambda s: s == "out")]).properties[0].holds
    )


class _Graph(BaseModel[int, int]):
    """A random directed graph over states 0..n-1 (an action is the target state), from 0."""

    def __init__(self, succ: list[list[int]]) -> None:
        self.succ = succ

    def init_states(self) -> Sequence[int]:
        return (0,)

    def actions(self, state: int) -> Sequence[int]:
        return self.succ[state]

    def next_state(self, state: int, action: int) -> int:
        return action

    def action_name(self, action: int) -> str:
        return "go"

    def all_action_names(self) -> Sequence[str]:
        return ("go",)


@st.composite
def _graphs(draw: st.DrawFn) -> tuple[list[list[int]], frozenset[int]]:
    n = draw(st.integers(1, 12))
    succ = [draw(st.lists(st.integers(0, n - 1), max_size=3)) for _ in range(n)]
    return succ, frozenset(draw(st.sets(st.integers(0, n - 1), max_size=3)))


@settings(derandomize=True, max_examples=80, deadline=None)
@given(_graphs())
def test_recoverable_agrees_with_a_search_from_every_state_on_random_graphs(
    graph: tuple[list[list[int]], frozenset[int]],
) -> None:
    succ, healthy = graph
    order = reachable(_Graph(succ))  # breadth-first, in action order: the checker's numbering

    def recovers(start: int) -> bool:
        seen, stack = {start}, [start]
        while stack:
            state = stack.pop()
            if state in healthy:
                return True
            fresh = [j for j in succ[state] if j not in seen]
            seen.update(fresh)
            stack.extend(fresh)
        return False

    stuck = next((state for state in order if not recovers(state)), None)
    result = check(_Graph(succ), [Property.recoverable("healthy again", healthy.__contains__)])
    verdict = result.properties[0]
    assert verdict.holds is (stuck is None)
    if stuck is not None:
        assert verdict.trace[-1].state == stuck


def test_recoverable_finds_health_down_a_path_that_zigzags_through_the_numbering() -> None:
    # The path to health visits states alternately from both ends of the numbering (0, 39, 1,
    # 38, ...): each forward or backward sweep of `_first_unrecoverable` marks one more of them,
    # so the backward search after its sweeps must find the rest. A random graph of a dozen
    # states is marked by the sweeps alone and never needs it.
    n = 40
    path = [k // 2 if k % 2 == 0 else n - 1 - k // 2 for k in range(n)]
    succ: list[list[int]] = [[] for _ in range(n)]
    for nearer, farther in itertools.pairwise(path):
        succ[farther].append(nearer)
    healthy = [state == path[0] for state in range(n)]
    assert _first_unrecoverable(succ, healthy) is None
    dead_end = n
    succ.append([])
    succ[path[-1]].append(dead_end)
    assert _first_unrecoverable(succ, [*healthy, False]) == dead_end
    healthy[path[0]] = False
    assert _first_unrecoverable(succ, [*healthy, False]) == 0


def test_never_fired_lists_declared_actions_that_no_edge_takes() -> None:
    result = check(doorbell(), [Property.deadlock_free("no deadlock")])
    assert result.never_fired == ("repair",)


def test_state_limit_leaves_the_search_incomplete_and_nothing_passes() -> None:
    result = check(TwoPhase(), two_phase_properties(), max_states=10)
    assert (result.states, result.complete, result.stopped_reason) == (10, False, "max-states")
    assert not any(p.holds for p in result.properties)
    assert {p.verdict for p in result.properties} == {"unknown"}
    assert result.liveness_states is None


def test_a_counterexample_found_before_the_limit_still_counts() -> None:
    result = check(
        DieHard(),
        [
            Property.always("small jug stays empty", lambda s: s.small == 0),
            Property.always("big jug never holds 4", lambda s: s.big != 4),
        ],
        max_states=5,
    )
    assert verdicts(result) == {
        "small jug stays empty": "violated",
        "big jug never holds 4": "unknown",
    }


def test_time_limit_stops_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count()  # every clock read is one second later
    monkeypatch.setattr("time.perf_counter", lambda: float(next(ticks)))
    result = check(DieHard(), [Property.deadlock_free("no deadlock")], max_seconds=0.5)
    assert (result.complete, result.stopped_reason) == (False, "max-seconds")
    assert result.states == 1 and result.properties[0].verdict == "unknown"


class _Wide(BaseModel[int, int]):
    """One state with many actions, each of which costs 10 ms of (fake) time."""

    def __init__(self, now: list[float]) -> None:
        self.now = now

    def init_states(self) -> Sequence[int]:
        return (0,)

    def actions(self, state: int) -> Sequence[int]:
        return range(100_000) if state == 0 else ()

    def next_state(self, state: int, action: int) -> int:
        self.now[0] += 0.01
        return action + 1

    def action_name(self, action: int) -> str:
        return "step"

    def all_action_names(self) -> Sequence[str]:
        return ("step",)


def test_time_limit_stops_the_search_inside_one_state_expansion(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    monkeypatch.setattr("time.perf_counter", lambda: now[0])
    result = check(_Wide(now), [Property.deadlock_free("no deadlock")], max_seconds=2.0)
    assert (result.complete, result.stopped_reason) == (False, "max-seconds")
    assert result.states < 1_000, "stopped long before the 100,000 actions of the first state"


def test_progress_reports_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    ticks = itertools.count()
    monkeypatch.setattr("time.perf_counter", lambda: float(next(ticks)))
    seen: list[ProgressInfo] = []
    result = check(DieHard(), [Property.deadlock_free("no deadlock")], progress=seen.append)
    assert result.complete
    assert [(p.states, p.frontier, p.depth, p.transitions) for p in seen] == [(1, 1, 0, 0)]


def test_json_has_the_documented_shape() -> None:
    result = check(
        spinner(fair_finish=False),
        [Property.eventually("finishes", lambda s: s == "done", ("LIVE-1",))],
    )
    data = to_json(result, lambda s: {"at": s})
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {
        "states",
        "transitions",
        "diameter",
        "seconds",
        "states_per_second",
        "complete",
        "symmetry",
        "properties",
        "never_fired",
    }
    prop = data["properties"][0]  # type: ignore[index]
    assert prop["id"] == "finishes" and prop["kind"] == "eventually"
    assert prop["requirements"] == ["LIVE-1"]
    assert (prop["holds"], prop["verdict"], prop["vacuous"], prop["loop_from"]) == (
        False,
        "violated",
        False,
        1,
    )
    assert prop["trace"][0] == {"action": None, "state": {"at": "start"}, "text": "initial state"}


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Property.always("", lambda s: True), "name: '' is not accepted"),
        (lambda: Property.always("p", lambda s: True, "CERT-3"), "requirements of 'p': 'CERT-3'"),
        (
            lambda: Property.sometimes("p", "not callable"),  # type: ignore[arg-type]
            "pred of 'p': 'not callable'",
        ),
        (
            lambda: Property.leads_to("p", lambda s: True, None),  # type: ignore[arg-type]
            "q of 'p': None",
        ),
    ],
)
def test_bad_property_is_rejected_when_declared(build: Callable[[], object], message: str) -> None:
    with pytest.raises(PropertyError, match=message.replace("(", r"\(")):
        build()


def test_bad_check_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="max_states: 0 is not accepted"):
        check(DieHard(), [], max_states=0)
    with pytest.raises(ValueError, match="max_seconds: -1 is not accepted"):
        check(DieHard(), [], max_seconds=-1)
    twice: list[Property[Jugs]] = [Property.deadlock_free("x"), Property.deadlock_free("x")]
    with pytest.raises(PropertyError, match="name: 'x' is used by two properties"):
        check(DieHard(), twice)


class Undeclared(BaseModel[int, str]):
    """A model whose action name is missing from its declared names."""

    def init_states(self) -> Sequence[int]:
        return (0,)

    def actions(self, state: int) -> Sequence[str]:
        return ("tick",) if state == 0 else ()

    def next_state(self, state: int, action: str) -> int:
        return state + 1

    def action_name(self, action: str) -> str:
        return action

    def all_action_names(self) -> Sequence[str]:
        return ("tock",)


def test_an_undeclared_action_name_is_a_model_error() -> None:
    with pytest.raises(ModelError, match="action_name: 'tick' is not in all_action_names"):
        check(Undeclared(), [])


class BrokenSymmetry(TableModel[str]):
    """Claims states b and c are symmetric, though they enable different actions."""

    def canonical(self, state: str) -> str:
        return "c" if state == "b" else state


def test_a_canonical_form_that_is_not_a_symmetry_is_reported() -> None:
    model = BrokenSymmetry(["a"], [Row("go", "a", "b"), Row("on", "b", "d"), Row("off", "c", "e")])
    with pytest.raises(ModelError, match="canonical: no action from 'b' reaches"):
        check(model, [Property.always("never e", lambda s: s != "e")])


def fair_violation_exists(
    model: TableModel[str], p: Callable[[str], bool], q: Callable[[str], bool]
) -> bool:
    """Brute force over every set of states, independent of the checker's maximal-SCC shortcut.

    A violation stutters in a state where no fair action is enabled, or keeps visiting exactly a
    strongly connected set L of not-Q states, taking on edges inside L every fair action that is
    enabled in all of L.
    """
    states = sorted(reachable(model))
    starts = [s for s in states if p(s) and not q(s)]
    region = set(starts)
    frontier = list(starts)
    while frontier:
        s = frontier.pop()
        for a in model.actions(s):
            t = model.next_state(s, a)
            if not q(t) and t not in region:
                region.add(t)
                frontier.append(t)

    def fair_enabled(s: str) -> set[str]:
        return {a for a in model.actions(s) if model.is_fair(a)}

    if any(not fair_enabled(s) for s in region):
        return True
    for size in range(1, len(region) + 1):
        for subset in itertools.combinations(sorted(region), size):
            inside = set(subset)
            edges = [
                (s, a, model.next_state(s, a))
                for s in subset
                for a in model.actions(s)
                if model.next_state(s, a) in inside
            ]
            if not edges:
                continue
            connected = all(t in _reach_within(inside, edges, s) for s in subset for t in subset)
            always = set.intersection(*(fair_enabled(s) for s in subset))
            if connected and always <= {a for _, a, _ in edges}:
                return True
    return False


def _reach_within(inside: set[str], edges: list[tuple[str, str, str]], start: str) -> set[str]:
    seen = {start}
    stack = [start]
    while stack:
        s = stack.pop()
        for u, _, v in edges:
            if u == s and v not in seen:
                seen.add(v)
                stack.append(v)
    return seen


def is_fair_lasso(
    model: TableModel[str],
    prop: checker.PropertyResult[str],
    p: Callable[[str], bool],
    q: Callable[[str], bool],
) -> bool:
    """The trace is a real behaviour that meets P, then never Q, and whose loop is fair."""
    trace, loop = prop.trace, prop.loop_from
    if loop is None or not replays(model, trace):
        return False
    after_q = max((i + 1 for i, s in enumerate(trace) if q(s.state)), default=0)
    if not any(p(s.state) for s in trace[after_q : loop + 1]):
        return False
    last = trace[-1].state
    if loop == len(trace) - 1:
        return not any(model.is_fair(a) for a in model.actions(last))
    cycle = [s.state for s in trace[loop:]]
    taken = {s.action for s in trace[loop + 1 :]}
    always = set.intersection(*({a for a in model.actions(s) if model.is_fair(a)} for s in cycle))
    return cycle[0] == last and always <= taken


NAMES = ("a", "b", "c")
SPOTS = ("s0", "s1", "s2", "s3", "s4")


@st.composite
def table_models(draw: st.DrawFn) -> tuple[TableModel[str], frozenset[str], frozenset[str]]:
    rows = [
        Row(name, source, draw(st.sampled_from(SPOTS)))
        for source in SPOTS
        for name in NAMES
        if draw(st.booleans())
    ]
    unfair = frozenset(draw(st.sets(st.sampled_from(NAMES))))
    p_states = frozenset(draw(st.sets(st.sampled_from(SPOTS), min_size=1)))
    q_states = frozenset(draw(st.sets(st.sampled_from(SPOTS))))
    return TableModel(["s0"], rows, unfair), p_states, q_states


@settings(derandomize=True, max_examples=80, deadline=None)
@given(table_models())
def test_liveness_agrees_with_brute_force_on_random_graphs(
    case: tuple[TableModel[str], frozenset[str], frozenset[str]],
) -> None:
    model, p_states, q_states = case
    p, q = p_states.__contains__, q_states.__contains__
    reached = set(reachable(model))
    prop = check(model, [Property[str].leads_to("p ~> q", p, q)]).properties[0]
    if not reached & p_states:
        assert prop.verdict == "vacuous"
    elif fair_violation_exists(model, p, q):
        assert prop.verdict == "violated"
        assert is_fair_lasso(model, prop, p, q)
    else:
        assert prop.verdict == "holds"


def _asked_in(phase: str) -> tuple[Callable[[str], None], Callable[[], bool]]:
    """A phase callback and a stop request that turns True once `phase` starts (Ctrl-C then)."""
    pressed: list[bool] = []

    def tell(label: str) -> None:
        if label == phase:
            pressed.append(True)

    return tell, lambda: bool(pressed)


def _late_in(
    phase: str, monkeypatch: pytest.MonkeyPatch, symmetry: bool = True, seconds: float = 100.0
) -> CheckResult[TwoPhaseState]:
    """A check with ``max_seconds=seconds`` on a clock that stands still until `phase` starts
    and is then long past the deadline."""
    now = [0.0]

    def tell(label: str) -> None:
        if label == phase:
            now[0] = 1000.0

    monkeypatch.setattr("time.perf_counter", lambda: now[0])
    return check(
        TwoPhase(), two_phase_properties(), symmetry=symmetry, phase=tell, max_seconds=seconds
    )


@pytest.mark.parametrize(
    ("phase", "symmetry", "decided"),
    [
        ("invariants", True, {"no deadlock"}),
        ("liveness: reduced graph", True, {"TCConsistent", "some commit", "no deadlock"}),
        ("judging", False, {"TCConsistent", "some commit", "no deadlock"}),
    ],
)
def test_max_seconds_bounds_the_phases_after_the_search(
    monkeypatch: pytest.MonkeyPatch, phase: str, symmetry: bool, decided: set[str]
) -> None:
    # The search ends in time; the deadline passes once `phase` starts: what was not decided
    # by then is unknown and the run is incomplete, as a search cut by the deadline is.
    result = _late_in(phase, monkeypatch, symmetry)
    assert result.states == (80 if symmetry else 288)
    assert (result.complete, result.stopped_reason) == (False, "max-seconds")
    # What the search and the phases before `phase` decided; deadlock freedom, decided by the
    # search, stands in all.
    assert {p.name for p in result.properties if p.verdict != "unknown"} == decided


def test_no_liveness_question_is_judged_once_the_time_is_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged: list[object] = []
    real = checker.run.judge_reduced

    def counted(*args: Any, **kwargs: Any) -> Any:
        judged.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(checker.run, "judge_reduced", counted)
    result = _late_in("liveness: reduced graph", monkeypatch)
    assert result.stopped_reason == "max-seconds" and judged == []


@pytest.mark.parametrize("agents", [False, True])
def test_a_stop_ends_the_liveness_question_being_judged(
    monkeypatch: pytest.MonkeyPatch, agents: bool
) -> None:
    # The stop request comes once the first question's judgement has started: it ends that
    # judgement (asked every 4,096 steps, here every step), not only the questions after it.
    for module in (checker.liveness, checker.watched):
        monkeypatch.setattr(module, "POLL_MASK", 0)

    def settles(j: int) -> Property[Swarm]:
        return Property.eventually(f"agent {j} lets go", lambda s: s[1][j] != 1)

    model: Any = relay() if agents else TwoPhase()
    props: Any = (
        [Property.about_agent(1, settles)]  # on the marked model (watched.py)
        if agents
        else two_phase_properties()
    )
    judge = "judge_watched" if agents else "judge_reduced"
    real = getattr(checker.run, judge)
    asked_to_judge: list[object] = []
    answered: list[object] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        asked_to_judge.append(args)
        answered.append(real(*args, **kwargs))
        return answered[-1]

    monkeypatch.setattr(checker.run, judge, recorded)
    result = check(model, props, stop=lambda: bool(asked_to_judge))
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert len(asked_to_judge) == 1 and answered == [], "the judgement under way gave no answer"
    liveness = [p for p in result.properties if p.kind in ("eventually", "leads-to")]
    assert liveness and all(p.verdict == "unknown" for p in liveness)


def test_first_hits_until_keeps_the_hits_asked_before_the_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = [0]

    def pred(hit: int) -> Callable[[int], bool]:
        def holds(state: int) -> bool:
            asked[0] += 1  # each question takes a second
            return state != hit

        return holds

    monkeypatch.setattr("time.perf_counter", lambda: float(asked[0]))
    checks = [SafetyCheck(0, pred(100), hit_when=False), SafetyCheck(1, pred(700), hit_when=False)]
    hits, upto = first_hits_until(list(range(1000)), checks, 0, 1000, None, deadline=400.0)
    # 100 is asked; the clock, read every 128 states, passes 400 before state 700.
    assert hits == {0: 100} and upto == 384
    assert first_hits_until(list(range(1000)), checks, 0, 1000) == ({0: 100, 1: 700}, 1000)


def test_a_search_with_a_deadline_leaves_time_to_ask_what_it_stored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The stored states are asked after the search: it may take SEARCH_SHARE of the time. A
    # search that asks each state as it goes (every property a `sometimes`) takes all of it.
    deadlines: list[float | None] = []
    real = checker.run.explore

    def recorded(*args: object, **kwargs: Any) -> Any:
        deadlines.append(kwargs["limits"].deadline - kwargs["limits"].started)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker.run, "explore", recorded)
    check(TwoPhase(), [Property.always("TCConsistent", consistent)], max_seconds=100)
    check(
        TwoPhase(),
        [Property.sometimes("commit", lambda s: s.tm_state == "committed")],
        max_seconds=100,
    )
    assert deadlines == [pytest.approx(100 * SEARCH_SHARE), pytest.approx(100)]
    assert 0.5 < SEARCH_SHARE < 1


def test_a_stop_during_the_liveness_search_keeps_what_was_decided() -> None:
    tell, stop = _asked_in("liveness: unreduced graph")
    result = check(TwoPhase(), two_phase_properties(), phase=tell, stop=stop)
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert result.states == 80 and result.liveness_states is None
    whole = verdicts(check(TwoPhase(), two_phase_properties()))
    liveness = {"TM decides", "every RM decides", "prepared leads to commit", "never triggered"}
    assert verdicts(result) == {
        name: "unknown" if name in liveness else verdict for name, verdict in whole.items()
    }
    assert {whole[name] for name in liveness} != {"unknown"}


def test_a_stop_while_judging_leaves_the_liveness_properties_unknown() -> None:
    tell, stop = _asked_in("judging")
    result = check(TwoPhase(), two_phase_properties(), phase=tell, stop=stop)
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert result.liveness_states == 288
    assert {p.verdict for p in result.properties if p.kind in ("eventually", "leads-to")} == {
        "unknown"
    }
    assert verdicts(result)["TCConsistent"] == "holds"


def test_a_second_ctrl_c_while_judging_liveness_ends_judging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged: list[str] = []
    real = checker.run.find_lasso

    def interrupted_second(*args: object, **kwargs: object) -> object:
        judged.append("x")
        if len(judged) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker.run, "find_lasso", interrupted_second)
    result = check(TwoPhase(), two_phase_properties(), stop=lambda: False, symmetry=False)
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert verdicts(result)["TM decides"] == "holds"
    assert verdicts(result)["every RM decides"] == "unknown"
    assert len(judged) == 2, "no liveness property is judged after the interrupt"
    judged.clear()
    with pytest.raises(KeyboardInterrupt):
        check(TwoPhase(), two_phase_properties(), symmetry=False)


def test_a_second_ctrl_c_while_judging_liveness_on_the_reduced_graph_ends_judging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    judged: list[str] = []
    real = checker.run.judge_reduced

    def interrupted_second(*args: object, **kwargs: object) -> object:
        judged.append("x")
        if len(judged) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checker.run, "judge_reduced", interrupted_second)
    result = check(TwoPhase(), two_phase_properties(), stop=lambda: False)
    assert (result.complete, result.stopped_reason) == (False, "interrupted")
    assert verdicts(result)["TM decides"] == "holds"
    assert verdicts(result)["every RM decides"] == "unknown"
    assert verdicts(result)["prepared leads to commit"] == "unknown"
    assert len(judged) == 2, "no liveness property is judged after the interrupt"
    judged.clear()
    with pytest.raises(KeyboardInterrupt):
        check(TwoPhase(), two_phase_properties())


@pytest.mark.parametrize("symmetry", [True, False])
def test_no_limit_short_of_the_whole_graph_lets_a_property_pass(symmetry: bool) -> None:
    # Every state limit below the full count, a time limit, and a stop in every phase: the run is
    # incomplete; while the search is cut only what a found trace decides (a violation, a
    # `sometimes` witness) stands, and no verdict ever differs from the whole graph's.
    whole = check(TwoPhase(), two_phase_properties(), symmetry=symmetry)
    assert whole.complete
    cut = [
        check(TwoPhase(), two_phase_properties(), symmetry=symmetry, max_states=n)
        for n in range(1, whole.states)
    ]
    for phase in (
        "exploring",
        "invariants",
        "liveness: reduced graph",
        "liveness: unreduced graph",
        "judging",
    ):
        tell, stop = _asked_in(phase)
        cut.append(
            check(TwoPhase(), two_phase_properties(), symmetry=symmetry, phase=tell, stop=stop)
        )
    ticks = itertools.count()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("time.perf_counter", lambda: float(next(ticks)))
        cut.append(check(TwoPhase(), two_phase_properties(), symmetry=symmetry, max_seconds=3))
    for result in cut:
        if result.complete:  # a phase this run never entered: the stop was never pressed
            assert verdicts(result) == verdicts(whole)
            continue
        assert result.stopped_reason in ("max-states", "max-seconds", "interrupted")
        explored = result.states == whole.states  # cut after the search, in a liveness phase
        for prop in result.properties:
            if prop.verdict == "holds" and not explored:
                assert prop.kind == "sometimes" and prop.trace, prop.name
            assert prop.verdict in ("unknown", verdicts(whole)[prop.name]), prop.name
