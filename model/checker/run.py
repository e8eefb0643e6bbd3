"""A generic explicit-state model checker in the style of TLC and Stateright.

`check` explores a `Model` breadth-first and judges a list of `Property` values: invariants and
reachability on the stored states in the order the search found them (shortest counterexamples
and witnesses), deadlock freedom,
recoverability on the reachable graph, and liveness (`eventually`, `leads-to`) under weak fairness
of the model's fair actions by strongly connected components (see `ehttp.checker.liveness`).

Symmetry reduction stores `model.canonical(s)` instead of `s` (on by default). Traces are still
concrete: they are replayed from a concrete initial state. The reduced graph's edges lose which
concrete action (and so which fairness obligation) they stand for, unless the model is
`Symmetric` and says where canonical form moved each agent: then liveness is judged on the
reduced graph (`ehttp.checker.liveness.judge_reduced`), and only a violated liveness property
has the unreduced graph explored, for its lasso (the same shortest lasso as without symmetry).
For any other model under symmetry, liveness is judged on the unreduced reachable graph,
explored separately. `CheckResult.liveness_states` reports the size of the graph liveness was
judged on. A property about one agent (`Property.about_agent`) of an `Orbits` model is judged
under symmetry by the agent's orbit (`ehttp.checker.watched`).

An incomplete search (a state or time limit hit) never passes a property: whatever a found
counterexample or witness did not decide is "unknown". When every property asked is a `sometimes`,
the search stops as soon as each has its witness (``stopped_reason`` "decided"): no further state
could change a verdict, so the result is complete, and its state count is what was explored.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, Literal, TypeVar, cast

from ehttp.checker.explore import (
    Exploration,
    Limits,
    ProgressInfo,
    SafetyCheck,
    explore,
    first_hits_until,
    parent_path,
    paused_gc,
)
from ehttp.checker.fork import can_fork, fork_from_states, forked
from ehttp.checker.liveness import CHUNK, Agents, Stopped, ask, find_lasso, judge_reduced
from ehttp.checker.model import A, Expanding, Model, Moving, Orbits, Recording, S, Symmetric
from ehttp.checker.properties import LIVENESS_KINDS, Kind, Property, PropertyError
from ehttp.checker.trace import ModelError, Step, replay_path
from ehttp.checker.watched import judge_watched, orbit_of, safety_predicate, swapped_trace

__all__ = ["CheckResult", "PropertyResult", "Verdict", "check", "to_json"]

Verdict = Literal["holds", "violated", "vacuous", "unknown"]

_SWEEPS = 4  # forward and backward sweeps before recoverable's backward search (see below)

SEARCH_SHARE = 0.8
"""The share of ``max_seconds`` the search may take when the invariants and goals are asked of
the stored states after it: asking them costs about a seventh of the search on two cores and a
quarter on one (the lab of benchmarks/labs/three-mps.toml: 60.5 s of search, 8.1 s of asking
on two cores), so a search cut by the deadline leaves time to ask what it stored."""


@dataclass(frozen=True)
class PropertyResult(Generic[S]):
    """The verdict on one property, with its counterexample or witness.

    ``trace`` is a counterexample when the property is violated, and a witness when a `sometimes`
    property holds; otherwise it is empty. For liveness the trace is a lasso: ``loop_from`` is
    the index where the cycle starts and the last state equals ``trace[loop_from].state``; when
    the behaviour stutters forever in its last state, ``loop_from`` is the last index and that
    step's text says so.
    """

    name: str
    kind: Kind
    requirements: tuple[str, ...]
    verdict: Verdict
    trace: tuple[Step[S], ...] = ()
    loop_from: int | None = None

    @property
    def holds(self) -> bool:
        """True only for the verdict "holds"."""
        return self.verdict == "holds"

    @property
    def vacuous(self) -> bool:
        """True when a leads-to's trigger is never reached (which is not a pass)."""
        return self.verdict == "vacuous"

    @property
    def trace_role(self) -> str:
        """What the trace shows: "witness" for a `sometimes` that holds, else "counterexample"."""
        return "witness" if self.kind == "sometimes" and self.holds else "counterexample"


@dataclass(frozen=True)
class CheckResult(Generic[S]):
    """What a run of the checker found.

    ``states``, ``transitions`` and ``diameter`` describe the stored (possibly symmetry-reduced)
    graph. ``liveness_states`` is the size of the graph liveness was judged on: the unreduced
    graph when it was explored (symmetry on, and a model that is not `Symmetric` or a liveness
    property violated), the stored graph otherwise, None when no liveness property was asked or
    the search stopped before liveness could be judged.
    """

    states: int
    transitions: int
    diameter: int
    seconds: float
    states_per_second: float
    complete: bool
    stopped_reason: str | None
    properties: tuple[PropertyResult[S], ...]
    never_fired: tuple[str, ...]
    symmetry: bool
    liveness_states: int | None


def check(
    model: Model[S, A],
    properties: Sequence[Property[S]],
    *,
    symmetry: bool = True,
    max_states: int | None = None,
    max_seconds: float | None = None,
    progress: Callable[[ProgressInfo], None] | None = None,
    phase: Callable[[str], None] | None = None,
    stop: Callable[[], bool] | None = None,
    alongside: Callable[[], object] | None = None,
) -> CheckResult[S]:
    """Explore ``model`` and judge ``properties``; see the module docstring for the semantics.

    ``max_states`` and ``max_seconds`` bound the whole run. When the unreduced exploration runs
    (see the module docstring) it runs second, under the same limits, and ``progress`` then
    counts its states from zero. ``phase`` is told each phase as it starts ("exploring",
    "invariants", "liveness: reduced graph", "liveness: unreduced graph", "judging"); ``stop`` is
    asked every few hundred expansions or states asked and before judging each liveness
    property, and True stops the run as "interrupted" (incomplete, like a limit; what was decided
    so far is kept).

    ``alongside`` is work of the caller's that needs nothing of this check: when liveness is
    judged on two cores (`ehttp.checker.fork`), this process runs it while the child judges its
    share, and the child takes the larger share. Returns without running it otherwise: the
    caller runs it after (``alongside`` may note that it ran).
    """
    props = tuple(properties)
    _validate(props, max_states, max_seconds)
    started = time.perf_counter()
    only_sometimes = bool(props) and all(p.kind == "sometimes" for p in props)
    orbits = [orbit_of(model, p, symmetry) for p in props]
    checks = [
        SafetyCheck(
            slot,
            safety_predicate(p, orbits[slot]) if len(orbits[slot]) > 1 else p.condition,
            hit_when=p.kind == "sometimes",
        )
        for slot, p in enumerate(props)
        if p.kind in ("always", "sometimes") and p.condition is not None
    ]
    # ``max_seconds`` bounds the whole run: the phases after the search ask the deadline too.
    # When the stored states are asked after the search, the search itself stops at
    # SEARCH_SHARE of the time, so what it stored can still be asked before the deadline.
    deadline = None if max_seconds is None else started + max_seconds
    deferred = bool(checks) and not only_sometimes
    limits = Limits(
        max_states=max_states,
        deadline=started + max_seconds * SEARCH_SHARE
        if max_seconds is not None and deferred
        else deadline,
        progress=progress,
        started=started,
        stop=stop,
        stop_when_decided=only_sometimes,
    )

    late: str | None = None  # "max-seconds" once the deadline cut a phase after the search
    tell = phase if phase is not None else (lambda _label: None)
    tell("exploring")
    wants_liveness = any(p.kind in LIVENESS_KINDS for p in props)
    reduced_liveness = symmetry and isinstance(model, Symmetric)
    # The invariants and reachability goals are asked of each state as the search discovers it
    # only when the search stops once they are decided (every property a `sometimes`); else they
    # are asked of the stored states after the search, in the order they were found, which gives
    # the same first state deciding each (`first_hits`), and on two cores (`_invariants`).
    main = explore(
        model,
        canonicalize=symmetry,
        record_edges=any(p.kind == "recoverable" for p in props),
        record_labels=wants_liveness and (reduced_liveness or not symmetry),
        checks=checks if only_sometimes else (),
        limits=limits,
    )
    main_seconds = time.perf_counter() - started
    unasked: frozenset[int] = frozenset()
    if deferred:
        tell("invariants")
        # After a stop request during the search, the states it stored are still asked, as the
        # search asked each state it stored before; a stop request during this phase leaves
        # every invariant and goal unknown, and the deadline those it had not decided yet.
        asking = stop if main.stopped_reason != "interrupted" else None
        with paused_gc():
            hits, cut = _invariants(model, main.states, checks, asking, deadline)
        if hits is None:
            unasked = frozenset(check.slot for check in checks)
            hits = {}
        elif cut:
            unasked = frozenset(check.slot for check in checks if check.slot not in hits)
            late = "max-seconds"
        main = replace(main, hits=hits)
    full: Exploration[S, A] | None = None
    reduced: dict[int, Verdict] | None = None
    if wants_liveness and main.complete and not unasked:
        full = main
        if reduced_liveness:
            assert isinstance(model, Symmetric)
            tell("liveness: reduced graph")
            with paused_gc():
                reduced = _judge_reduced(model, props, orbits, main, stop, alongside, deadline)
        if symmetry and (reduced is None or "violated" in reduced.values()):
            tell("liveness: unreduced graph")
            full = explore(
                model,
                canonicalize=False,
                record_edges=True,
                record_labels=True,
                checks=(),
                limits=replace(limits, deadline=deadline),
            )
    tell("judging")
    with paused_gc():
        results, judged = _judge_all(
            model, props, orbits, main, full, symmetry, stop, reduced, unasked, deadline
        )
    if not judged and late is None and not _asked(stop, None) and _asked(None, deadline):
        late = "max-seconds"
    fired = {model.action_name(a) for a in main.fired}
    if full is not None:
        fired.update(model.action_name(a) for a in full.fired)
    declared = set(model.all_action_names())
    undeclared = sorted(fired - declared)
    if undeclared:
        raise ModelError(
            f"action_name: {undeclared[0]!r} is not in all_action_names() {sorted(declared)!r}; "
            "declare every transition name the model's actions use"
        )
    seconds = time.perf_counter() - started
    return CheckResult(
        states=len(main.states),
        transitions=main.transitions,
        diameter=main.diameter,
        seconds=seconds,
        states_per_second=len(main.states) / main_seconds if main_seconds > 0 else 0.0,
        complete=(main.complete or main.stopped_reason == "decided")
        and (full is None or full.complete)
        and judged,
        stopped_reason=main.stopped_reason
        or (full.stopped_reason if full else None)
        or late
        or (None if judged else "interrupted"),
        properties=results,
        never_fired=tuple(sorted(declared - fired)),
        symmetry=symmetry,
        liveness_states=len(full.states) if full is not None and full.complete else None,
    )


def to_json(result: CheckResult[S], state_to_json: Callable[[S], object]) -> dict[str, object]:
    """The result as JSON-ready data; ``state_to_json`` renders a model state."""
    return {
        "states": result.states,
        "transitions": result.transitions,
        "diameter": result.diameter,
        "seconds": result.seconds,
        "states_per_second": result.states_per_second,
        "complete": result.complete,
        "symmetry": result.symmetry,
        "properties": [
            {
                "id": p.name,
                "kind": p.kind,
                "requirements": list(p.requirements),
                "holds": p.holds,
                "verdict": p.verdict,
                "vacuous": p.vacuous,
                "trace": [
                    {"action": s.action, "state": state_to_json(s.state), "text": s.text}
                    for s in p.trace
                ],
                "loop_from": p.loop_from,
            }
            for p in result.properties
        ],
        "never_fired": list(result.never_fired),
    }


def _validate(
    props: tuple[Property[S], ...], max_states: int | None, max_seconds: float | None
) -> None:
    if max_states is not None and (
        isinstance(max_states, bool) or not isinstance(max_states, int) or max_states < 1
    ):
        raise ValueError(
            f"max_states: {max_states!r} is not accepted; give a whole number >= 1 or None"
        )
    if max_seconds is not None and (
        isinstance(max_seconds, bool)
        or not isinstance(max_seconds, int | float)
        or not max_seconds > 0
    ):
        raise ValueError(
            f"max_seconds: {max_seconds!r} is not accepted; give a number of seconds > 0 or None"
        )
    seen: set[str] = set()
    for prop in props:
        if not isinstance(prop, Property):
            raise PropertyError(
                f"properties: {prop!r} is not a Property; build one with Property.always(...) etc."
            )
        if prop.name in seen:
            raise PropertyError(
                f"name: {prop.name!r} is used by two properties; give each property its own name"
            )
        seen.add(prop.name)


def _judge_all(
    model: Model[S, A],
    props: tuple[Property[S], ...],
    orbits: list[tuple[int, ...]],
    main: Exploration[S, A],
    full: Exploration[S, A] | None,
    symmetry: bool,
    stop: Callable[[], bool] | None,
    reduced: dict[int, Verdict] | None,
    unasked: frozenset[int] = frozenset(),
    deadline: float | None = None,
) -> tuple[tuple[PropertyResult[S], ...], bool]:
    """Every property's verdict, and whether every one was judged.

    Judging liveness can take long on a large graph, so a stop request is asked before each
    liveness property, and, when the caller gave ``stop`` (it handles interruption), a
    KeyboardInterrupt (a second Ctrl-C) while judging one ends judging too. Liveness properties
    left unjudged are "unknown"; ``deadline`` (a `time.perf_counter` reading) is asked before
    each liveness and `recoverable` property the same way. ``reduced`` holds the verdicts judged
    on the reduced graph (None when liveness is not judged there); a liveness property missing
    from it was not judged.
    """
    results: list[PropertyResult[S]] = []
    judged = not unasked
    for slot, prop in enumerate(props):
        if slot in unasked:  # an invariant or goal the stored states were not all asked
            results.append(PropertyResult(prop.name, prop.kind, prop.requirements, "unknown"))
            continue
        if prop.kind in LIVENESS_KINDS and full is not None:
            if reduced is not None and slot not in reduced:
                judged = False
            if judged and _asked(stop, deadline):
                judged = False
            if judged:
                try:
                    verdict = None if reduced is None else reduced[slot]
                    results.append(
                        _judge(model, slot, prop, orbits[slot], main, full, symmetry, verdict)
                    )
                    continue
                except KeyboardInterrupt:
                    if stop is None:
                        raise
                    judged = False
            results.append(PropertyResult(prop.name, prop.kind, prop.requirements, "unknown"))
            continue
        if prop.kind == "recoverable" and _asked(None, deadline):
            # Its searches over the whole graph take long too: once the time is up, unknown.
            judged = False
            results.append(PropertyResult(prop.name, prop.kind, prop.requirements, "unknown"))
            continue
        results.append(_judge(model, slot, prop, orbits[slot], main, full, symmetry, None))
    return tuple(results), judged


T = TypeVar("T")


def _asked(stop: Callable[[], bool] | None, deadline: float | None) -> bool:
    """Whether the stop request came or the deadline (a `time.perf_counter` reading) passed."""
    return (stop is not None and stop()) or (
        deadline is not None and time.perf_counter() >= deadline
    )


def _with_record(model: object, run: Callable[[], T]) -> Callable[[], tuple[T, object]]:
    """``run`` for a forked child: its value with the model's record (a `Recording` model)."""

    def job() -> tuple[T, object]:
        value = run()
        return value, model.recorded() if isinstance(model, Recording) else None

    return job


def _unpack(model: object, answer: tuple[T, object] | None) -> T | None:
    """A child's value (None: none came), its record added to the model's."""
    if answer is None:
        return None
    value, record = answer
    if record is not None and isinstance(model, Recording):
        model.absorb(record)
    return value


def _invariants(
    model: object,
    states: Sequence[S],
    checks: Sequence[SafetyCheck[S]],
    stop: Callable[[], bool] | None,
    deadline: float | None = None,
) -> tuple[dict[int, int] | None, bool]:
    """The first stored state deciding each check, by slot (`first_hits`), and whether
    ``deadline`` cut the asking short: the hits are then those of the states asked, a prefix in
    the search's order, so each is the first state deciding its check, and the other checks are
    not known. None when ``stop`` turned true (or a KeyboardInterrupt came, when there is
    ``stop``) before every state was asked. On two cores (`ehttp.checker.fork`) a forked child
    asks the second half of the states while this process asks the first; a state of the first
    half deciding a check comes first, and the second half's hits count only once the first
    half was asked whole."""
    n = len(states)
    try:
        if n < fork_from_states() or not can_fork():
            hits, upto = first_hits_until(states, checks, 0, n, stop, deadline)
            return hits, upto < n
        half = n // 2
        job = _with_record(model, lambda: first_hits_until(states, checks, half, n, None, deadline))
        with forked(job, fork=True) as child:
            mine, upto = first_hits_until(states, checks, 0, half, stop, deadline)
            if mine is None or upto < half:
                return mine, mine is not None
            theirs = _unpack(model, child.result(stop))
    except KeyboardInterrupt:
        if stop is None:
            raise
        return None, False
    if theirs is None:
        return None, False
    their_hits, their_upto = theirs
    assert their_hits is not None  # the child is asked with no stop request
    return {**their_hits, **mine}, their_upto < n


def _judge_reduced(
    model: Symmetric[S, A],
    props: tuple[Property[S], ...],
    orbits: list[tuple[int, ...]],
    main: Exploration[S, A],
    stop: Callable[[], bool] | None,
    alongside: Callable[[], object] | None = None,
    deadline: float | None = None,
) -> dict[int, Verdict]:
    """Each liveness property's verdict on the reduced graph, by slot ("violated" still needs
    its lasso from the unreduced graph). A stop request or the deadline, asked before each
    property and every few thousand steps within one (`liveness.Stopped`), or a
    KeyboardInterrupt when the caller gave ``stop``, ends judging: the rest have no verdict.
    With a fork, this process also runs ``alongside`` (see `check`)."""
    assert main.succ is not None and main.labels is not None
    succ, labels = main.succ, main.labels
    states, actions = main.states, main.actions
    checked = cast(Model[S, A], model)

    # The permutations of one state's edges are worked out together and kept until another
    # state is asked about (callers ask about a state's edges one after the other). A `Moving`
    # model names the targets canonical form changed (the others keep every agent in place: a
    # stored state is canonical, so its own map is the identity); else the targets come in one
    # call when the model gives them so (`Expanding`, in the order of its canonical successors,
    # which is the order of the stored edges), or one `next_state` per edge.
    moving = isinstance(model, Moving)
    expanding = isinstance(model, Expanding)
    last: list[Any] = [-1, ()]

    def permutation(i: int, k: int) -> Sequence[int]:
        return permutations(i)[k]

    def permutations(i: int) -> Sequence[Sequence[int]]:
        if last[0] != i:
            state = states[i]
            perms: list[Sequence[int]]
            if moving:
                perms = [model.canonical_map(state)[1]] * len(labels[i])
                for at, target in cast(Moving[S], model).moved_targets(state).items():
                    perms[at] = model.canonical_map(target)[1]
            else:
                if expanding:
                    targets = [t for _a, t in cast(Expanding[S, A], model).successors(state, False)]
                else:
                    targets = [checked.next_state(state, actions[a]) for a in labels[i]]
                perms = [model.canonical_map(t)[1] for t in targets]
            last[0], last[1] = i, perms
        found: Sequence[Sequence[int]] = last[1]
        return found

    agents = Agents([model.agent(a) for a in actions], permutation, permutations)
    fair = [checked.is_fair(a) for a in actions]

    # The questions to judge, each with the slots its verdict answers and its weight (a guess
    # at its cost, to share them out between two processes). judge_watched reads of a property
    # only its family, its orbit and whether it has a trigger: the properties of one family
    # about the agents of one orbit (CERT-2 about each twin site system) are one question on the
    # marked model, whose starts are every position of the orbit, so one judgement answers all.
    questions: dict[object, list[int]] = {}
    for slot, prop in enumerate(props):
        if prop.kind not in LIVENESS_KINDS or prop.condition is None:
            continue
        key: object = slot
        if len(orbits[slot]) > 1:
            assert prop.about is not None
            key = (prop.about.family, orbits[slot], prop.trigger is None)
        questions.setdefault(key, []).append(slot)

    def weight(slots: list[int]) -> int:
        # A question about one agent is judged on the marked model, a state per stored state
        # and position of the orbit, built edge by edge in Python: measured on the lab of three
        # management points, it costs about five plain questions for an orbit of two.
        size = len(orbits[slots[0]])
        return 1 if size == 1 else 1 + 2 * size

    # A question is asked to stop, every few thousand steps, once a stop request comes or the
    # deadline passes (`Stopped`): one question may take tens of seconds on a large graph.
    asking = None if stop is None and deadline is None else lambda: _asked(stop, deadline)

    def one(slot: int) -> Verdict:
        prop = props[slot]
        if len(orbits[slot]) > 1:  # about one agent: its orbit, followed (watched.py)
            assert isinstance(model, Orbits)
            roots = [i for i, parent in enumerate(main.parent) if parent < 0]
            return judge_watched(
                model, prop, orbits[slot], states, roots, succ, labels, fair, agents, asking
            )
        # Masks read only for their truth: the conditions' own values, not bool() of each.
        # Both predicates are asked of one state in turn, so what a model works out once per
        # state for several predicates (the last state's facts) serves both.
        condition = prop.condition
        assert condition is not None
        trigger = prop.trigger
        q: list[bool] = []
        p: list[bool] = [] if trigger is not None else [parent < 0 for parent in main.parent]
        for first in range(0, len(states), CHUNK):  # the stop is asked between chunks
            ask(asking)
            chunk = states[first : first + CHUNK]
            if trigger is None:
                q += [condition(s) for s in chunk]
            else:
                pairs = [(trigger(s), condition(s)) for s in chunk]
                p += [pair[0] for pair in pairs]
                q += [pair[1] for pair in pairs]
        return judge_reduced(succ, labels, fair, p, q, agents, asking)

    def judge_each(share: list[list[int]]) -> dict[int, Verdict]:
        found: dict[int, Verdict] = {}
        for slots in share:
            if _asked(stop, deadline):
                break
            try:
                verdict = one(slots[0])
            except Stopped:
                break
            except KeyboardInterrupt:
                if stop is None:
                    raise
                break
            found.update((slot, verdict) for slot in slots)
        return found

    everything = list(questions.values())
    if len(everything) < 2 or len(states) < fork_from_states() or not can_fork():
        return judge_each(everything)  # in slot order, in this process
    # Two shares, the heaviest question first into the lighter share; the second share is
    # judged in a forked child on the other core (fork.py) while this process judges the first.
    shares: tuple[list[list[int]], list[list[int]]] = ([], [])
    loads = [0 if alongside is None else 1, 0]  # the caller's work weighs about a question
    for slots in sorted(everything, key=weight, reverse=True):
        lighter = 0 if loads[0] <= loads[1] else 1
        shares[lighter].append(slots)
        loads[lighter] += weight(slots)
    with forked(_with_record(model, lambda: judge_each(shares[1])), fork=True) as child:
        verdicts = judge_each(shares[0])
        if alongside is not None:
            alongside()
        waiting = stop if deadline is None else lambda: _asked(stop, deadline)
        theirs = _unpack(model, child.result(waiting))
    verdicts.update(theirs or {})
    # In slot order, as the properties were given.
    return {slot: verdicts[slot] for slot in sorted(verdicts)}


def _judge(
    model: Model[S, A],
    slot: int,
    prop: Property[S],
    orbit: tuple[int, ...],
    main: Exploration[S, A],
    full: Exploration[S, A] | None,
    symmetry: bool,
    reduced: Verdict | None,
) -> PropertyResult[S]:
    def result(verdict: Verdict, trace: tuple[Step[S], ...] = ()) -> PropertyResult[S]:
        return PropertyResult(prop.name, prop.kind, prop.requirements, verdict, trace)

    def trace_to(state: int) -> tuple[Step[S], ...]:
        path = parent_path(main.parent, state)
        return replay_path(model, main, path, [None] * len(path), canonicalize=symmetry)

    if prop.kind in ("always", "sometimes"):
        hit = main.hits.get(slot)
        decided: Verdict = "violated" if prop.kind == "always" else "holds"
        if hit is not None:
            trace = trace_to(hit)
            if len(orbit) > 1:  # decided about a twin of the agent: exchanged (watched.py)
                trace = swapped_trace(model, prop, orbit, trace)
            return result(decided, trace)
        if not main.complete:
            return result("unknown")
        return result("holds" if prop.kind == "always" else "violated")
    if prop.kind == "deadlock-free":
        if main.first_deadlock is not None:
            return result("violated", trace_to(main.first_deadlock))
        return result("holds" if main.complete else "unknown")
    if prop.kind == "recoverable":
        if not main.complete or main.succ is None or prop.condition is None:
            return result("unknown")
        stuck = _first_unrecoverable(main.succ, [prop.condition(s) for s in main.states])
        return result("holds") if stuck is None else result("violated", trace_to(stuck))
    if reduced == "holds" or reduced == "vacuous":
        return result(reduced)
    judged = _judge_liveness(model, prop, full)
    if reduced == "violated" and judged.verdict in ("holds", "vacuous"):
        raise ModelError(
            f"canonical_map: {prop.name!r} is violated on the reduced graph but "
            f"{judged.verdict} on the unreduced one; canonical_map() and agent() must describe "
            "a symmetry of the model (see model.checker.Symmetric)"
        )
    return judged


def _judge_liveness(
    model: Model[S, A], prop: Property[S], full: Exploration[S, A] | None
) -> PropertyResult[S]:
    if (
        full is None
        or not full.complete
        or full.succ is None
        or full.labels is None
        or prop.condition is None
    ):
        return PropertyResult(prop.name, prop.kind, prop.requirements, "unknown")
    goal = prop.condition
    trigger = prop.trigger
    q = [bool(goal(s)) for s in full.states]
    if trigger is None:
        p = [parent < 0 for parent in full.parent]
    else:
        p = [bool(trigger(s)) for s in full.states]
    fair = [model.is_fair(a) for a in full.actions]
    outcome = find_lasso(full.succ, full.labels, fair, p, q, full.parent, full.depth)
    if outcome == "holds" or outcome == "vacuous":
        return PropertyResult(prop.name, prop.kind, prop.requirements, outcome)
    trace = replay_path(
        model, full, outcome.path, outcome.via, canonicalize=False, stutter=outcome.stutter
    )
    return PropertyResult(
        prop.name, prop.kind, prop.requirements, "violated", trace, outcome.loop_from
    )


def _first_unrecoverable(succ: Sequence[Sequence[int]], healthy: Sequence[bool]) -> int | None:
    """The lowest-numbered (so shallowest) state from which no healthy state is reachable.

    A state reaches health when one of its successors does. A few sweeps forward and back over
    the states mark most of them at the cost of a look at their successors (a state is marked
    only when a marked successor shows it reaches health); the reverse edges a backward search
    needs are then built only out of the states still unmarked, and that search finds exactly
    the rest that reach health.
    """
    n = len(succ)
    reaches = bytearray(1 if h else 0 for h in healthy)
    for sweep in range(_SWEEPS):
        changed = False
        for i in range(n) if sweep % 2 == 0 else range(n - 1, -1, -1):
            if not reaches[i]:
                for j in succ[i]:
                    if reaches[j]:
                        reaches[i] = 1
                        changed = True
                        break
        if not changed:
            break
    left = [i for i in range(n) if not reaches[i]]
    reverse: dict[int, list[int]] = {}
    for i in left:
        for j in succ[i]:
            reverse.setdefault(j, []).append(i)
    queue = deque(j for j in reverse if reaches[j])
    while queue:
        j = queue.popleft()
        for i in reverse.get(j, ()):
            if not reaches[i]:
                reaches[i] = 1
                queue.append(i)
    return next((i for i in left if not reaches[i]), None)
