"""`ehttp diagnose`: how a site gets to a symptom, whether it clears by itself, and what cures it.

Everything is read off the generic checker's graph of the lab's full model (administrator and
system steps) from the lab's steady state (`model/ask/steady.py`), or is one of its verdicts:
- causes: the administrator's action sequences that can lead to the symptom, fewest actions
  first. Between two actions any system steps may run (the actions may be seconds or hours
  apart). A sequence is listed only when no shorter listed one is a subsequence of it, and only
  sequences that reach worlds no earlier sequence reached are extended; each comes with a
  shortest trace (every step, with the minutes so far);
- whether the symptom clears by itself from where the trace ends: the checker's `eventually`
  on the system's own steps (a lasso when it never does), with the minutes it can take;
- the cure: for the CERT-3 symptom the seed's workaround (delete the SMS-Issuing certificates,
  restart smsexec; `ehttp.compose.properties.workaround_starts`), proven by the checker's
  `eventually` that every HTTP site system's role certificate is bound, and restarting smsexec
  alone shown not to cure it (a lasso); otherwise the fewest administrator actions back to a
  settled world without the symptom, healthy when enhanced HTTP is on (a 0-1 breadth-first search
  where only the administrator's steps cost): with enhanced HTTP as where the symptom shows, else
  as in the steady state, else either way (some symptoms need the option turned on or off).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ehttp.ask.actions import action_text
from ehttp.ask.assumptions import Assumption, assumption
from ehttp.ask.observe import healthy, http_site_systems
from ehttp.ask.steady import steady_state
from ehttp.ask.steps import TimedStep, timed_step, trace_steps
from ehttp.ask.symptoms import Symptom, parse_symptom
from ehttp.ask.timing import explore_timed, minutes
from ehttp.ask.whatif import ASSUMPTION_PHRASES
from ehttp.checker import Exploration, Property, check, reachable
from ehttp.compose.properties import stranded, workaround_starts
from ehttp.compose.world import EXEC, ModelError, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.binding import RESTART, SMSEXEC_STARTS
from ehttp.machines.clock import TICK
from ehttp.machines.machine import Machine

__all__ = ["Cause", "Cure", "Diagnosis", "diagnose"]

MAX_ACTIONS = 8
"""The longest administrator action sequence the search for causes tries."""


@dataclass(frozen=True)
class Cure:
    """What clears the symptom from where a cause's trace ends."""

    how: str
    """"by itself", "documented workaround" or "administrator actions"."""
    actions: tuple[str, ...]
    proven: bool
    """The checker proved it: every fair run afterwards gets there (`eventually` holds); False
    also when the lab's model can't take the cure's actions at all."""
    within: int | None
    """Minutes after the last action (after smsexec starts, when it restarts) by which every run
    is there (None: no bound in minutes)."""
    trace: tuple[TimedStep, ...] = ()
    restart_alone: tuple[TimedStep, ...] = ()
    """For CERT-3: the checker's lasso showing that restarting smsexec alone never rebinds."""
    restart_alone_loop_from: int | None = None


@dataclass(frozen=True)
class Cause:
    """An administrator action sequence that can lead to the symptom, and what follows."""

    actions: tuple[str, ...]
    trace: tuple[TimedStep, ...]
    world: World
    cert3: bool
    clears: bool
    clears_within: int | None
    never_clears: tuple[TimedStep, ...]
    """The checker's lasso when the symptom never clears by itself."""
    cure: Cure | None
    never_clears_loop_from: int | None = None


@dataclass(frozen=True)
class Diagnosis:
    """The whole answer of `ehttp diagnose`."""

    lab: Lab
    symptom: Symptom
    steady: World
    worlds: int
    causes: tuple[Cause, ...]
    reason: str
    """Why the symptom can't happen on this lab (empty when it can)."""
    model: WorldModel
    assumptions: tuple[Assumption, ...] = ()
    """The sections of `specs/assumptions.md` the answer rests on (whatif's, less "at once")."""
    start_given: bool = False
    """The search started from a given world (`--from`, the explorer's current world), not the
    lab's steady state; `steady` is that world."""

    @property
    def start_words(self) -> str:
        """How the answer names where the search started."""
        return "the given world" if self.start_given else "the steady state"

    @property
    def verdict(self) -> str:
        """ "cannot happen", "no cure" (some cause has none, or a cure is not proven) or
        "answered"."""
        if not self.causes:
            return "cannot happen"
        if any(c.cure is None or not c.cure.proven for c in self.causes):
            return "no cure"
        return "answered"


class _Graph:
    """The full model's reachable graph with, per edge, whether it is the administrator's."""

    def __init__(self, model: WorldModel, graph: Exploration[World, tuple[int, int]]) -> None:
        assert graph.succ is not None and graph.labels is not None
        self.model = model
        self.graph = graph
        self.succ = graph.succ
        self.labels = graph.labels
        self.admin = [not model.is_fair(a) for a in graph.actions]
        self.texts = [action_text(model, a) if not model.is_fair(a) else "" for a in graph.actions]

    def closure(self, starts: Sequence[int]) -> frozenset[int]:
        seen = set(starts)
        stack = list(starts)
        while stack:
            node = stack.pop()
            for k, nxt in enumerate(self.succ[node]):
                if not self.admin[self.labels[node][k]] and nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        return frozenset(seen)

    def settled(self, node: int) -> bool:
        return all(self.admin[a] for a in self.labels[node])

    def step(self, node: int, k: int) -> tuple[World, tuple[int, int], World]:
        action = self.graph.actions[self.labels[node][k]]
        return self.graph.states[node], action, self.graph.states[self.succ[node][k]]


@lru_cache(maxsize=4)
def _explored(lab: Lab, start: World, machines: tuple[Machine, ...]) -> tuple[WorldModel, _Graph]:
    """The full model of `lab` from `start` and its reachable graph, explored once per (lab,
    start, declared machines): the report, the commands' agreement test and the explorer ask
    about several symptoms of one start, and the graph is the same for each (it is only read
    afterwards). `machines`, the lab's instances' machines as `WorldModel(lab)` reads them now,
    keeps a test's swapped-in mutant declarations from reusing the declared machines' graph."""
    full = WorldModel(lab, initial=[start])
    assert full.env.machines == machines
    return full, _Graph(full, reachable(full, labels=True))


def _is_subsequence(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    remaining = iter(long)
    return all(item in remaining for item in short)


def _causes(graph: _Graph, hit: Callable[[int], bool], limit: int) -> list[tuple[str, ...]]:
    """Action sequences of at most `MAX_ACTIONS` that can lead to a `hit` world (the caller
    falls back to one with the fewest actions when the symptom needs more)."""
    start = graph.closure([0])
    if any(hit(n) for n in start):
        return [()]
    found: list[tuple[str, ...]] = []
    seen = set(start)
    level: list[tuple[tuple[str, ...], frozenset[int]]] = [((), start)]
    for _depth in range(MAX_ACTIONS):
        following: list[tuple[tuple[str, ...], frozenset[int]]] = []
        for done, region in level:
            by_action: dict[str, set[int]] = {}
            for node in region:
                for k, nxt in enumerate(graph.succ[node]):
                    aid = graph.labels[node][k]
                    if graph.admin[aid]:
                        by_action.setdefault(graph.texts[aid], set()).add(nxt)
            for text in sorted(by_action):
                sequence = (*done, text)
                reached = graph.closure(sorted(by_action[text]))
                if any(hit(n) for n in reached):
                    if not any(_is_subsequence(f, sequence) for f in found):
                        found.append(sequence)
                    continue
                if reached <= seen:
                    continue
                seen |= reached
                following.append((sequence, reached))
        if len(found) >= limit or not following:
            break
        level = following
    return found[:limit]


def _trace(
    graph: _Graph, sequence: tuple[str, ...], goal: Callable[[int], bool]
) -> tuple[list[TimedStep], int]:
    """A shortest trace from the steady state taking `sequence` in order, ending in `goal`."""
    start = (0, 0)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
    queue = deque([start])
    end: tuple[int, int] | None = None
    while queue:
        node, done = queue.popleft()
        if done == len(sequence) and goal(node):
            end = (node, done)
            break
        for k, nxt in enumerate(graph.succ[node]):
            aid = graph.labels[node][k]
            if graph.admin[aid]:
                if done == len(sequence) or graph.texts[aid] != sequence[done]:
                    continue
                key = (nxt, done + 1)
            else:
                key = (nxt, done)
            if key not in parent:
                parent[key] = ((node, done), k)
                queue.append(key)
    assert end is not None, "a cause found on the graph has a trace on it"
    chain: list[tuple[int, int]] = []
    at = end
    while (link := parent[at]) is not None:
        chain.append((link[0][0], link[1]))
        at = link[0]
    chain.reverse()
    steps: list[TimedStep] = []
    quanta = 0
    for node, k in chain:
        before, action, after = graph.step(node, k)
        if graph.model.action_name(action) == TICK:
            quanta += 1
        steps.append(timed_step(graph.model, quanta, before, action, after))
    return steps, end[0]


def _fewest_actions(
    graph: _Graph, start: int, goal: Callable[[int], bool]
) -> list[tuple[int, int]] | None:
    """Edges (node, k) of a path from `start` to a `goal` node with the fewest administrator
    steps, then the fewest steps (0-1 breadth-first search)."""
    best = {start: 0}
    back: dict[int, tuple[int, int]] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if goal(node):
            path: list[tuple[int, int]] = []
            while node != start:
                prev, k = back[node]
                path.append((prev, k))
                node = prev
            return path[::-1]
        for k, nxt in enumerate(graph.succ[node]):
            cost = best[node] + graph.admin[graph.labels[node][k]]
            if cost < best.get(nxt, cost + 1):
                best[nxt] = cost
                back[nxt] = (node, k)
                if graph.admin[graph.labels[node][k]]:
                    queue.append(nxt)
                else:
                    queue.appendleft(nxt)
    return None


@dataclass(frozen=True)
class _Settled:
    """Whether every fair run of system steps reaches a goal, by when, and else the lasso."""

    reached: bool
    within: int | None
    lasso: tuple[TimedStep, ...] = ()
    loop_from: int | None = None


def _settle(model: WorldModel, world: World, goal: Callable[[World], bool], name: str) -> _Settled:
    """Whether every fair run of system steps from `world` reaches `goal`; by when; the lasso."""
    fair = WorldModel(model.lab, initial=[world], fair_only=True)
    result = check(fair, [Property.eventually(name, goal)], symmetry=False).properties[0]
    if not result.holds:
        return _Settled(False, None, trace_steps(fair, result), result.loop_from)
    timed = explore_timed(fair)
    reach = timed.first_reach([goal(w) for w in timed.states])
    within = minutes(reach.latest) if reach is not None and reach.dated else None
    return _Settled(True, within)


def _cure(
    graph: _Graph, symptom: Symptom, node: int, clears: bool, within: int | None
) -> Cure | None:
    model = graph.model
    world = graph.graph.states[node]
    if clears:
        return Cure("by itself", (), True, within)
    systems = http_site_systems(model.env)
    if stranded(model, world, symptom.index):

        def all_bound(w: World) -> bool:
            return all(model.env.sms_bound(w, i) for i in systems)

        deleted = [
            f"delete-sms-issuing-certs {model.env.names[i]}"
            for i in systems
            if stranded(model, world, i)
        ]
        try:
            proven, by = _proven(model, workaround_starts(model, [world])[0], all_bound)
        except ModelError:
            proven, by = False, None
        restarted = model.fire(world, EXEC, RESTART)
        alone = _settle(model, restarted, all_bound, "restart alone rebinds")
        return Cure(
            "documented workaround",
            (*deleted, "restart-smsexec"),
            proven,
            by,
            restart_alone=alone.lasso,
            restart_alone_loop_from=alone.loop_from,
        )

    env = model.env
    modes = dict.fromkeys((env.enhanced(world), env.enhanced(graph.graph.states[0]), True, False))
    for intent in modes:
        back = _back(model, symptom, intent)

        def cured(n: int, back: Callable[[World], bool] = back) -> bool:
            return back(graph.graph.states[n]) and graph.settled(n)

        path = _fewest_actions(graph, node, cured)
        if path is not None:
            break
    else:
        return None
    steps: list[TimedStep] = []
    actions: list[str] = []
    last_action = world
    quanta = 0
    for prev, k in path:
        before, action, after = graph.step(prev, k)
        if model.action_name(action) == TICK:
            quanta += 1
        if graph.admin[graph.labels[prev][k]]:
            actions.append(action_text(model, action))
            last_action = after
        steps.append(timed_step(model, quanta, before, action, after))

    proven, by = _proven(model, last_action, back)
    return Cure("administrator actions", tuple(actions), proven, by, tuple(steps))


def _proven(
    model: WorldModel, world: World, goal: Callable[[World], bool]
) -> tuple[bool, int | None]:
    """Whether every fair run from `world` reaches `goal`, and by when after smsexec starts."""
    settled = _settle(model, world, goal, "the cure works")
    proven, by = settled.reached, settled.within
    started = _started(model, world)
    if proven and started != world:
        by = _settle(model, started, goal, "the cure works").within
    return proven, by


def _back(model: WorldModel, symptom: Symptom, intent: bool) -> Callable[[World], bool]:
    """Cured: the symptom gone, enhanced HTTP `intent`, and healthy when it is on."""
    env = model.env

    def back(w: World) -> bool:
        return (
            not symptom.holds(model, w)
            and env.enhanced(w) == intent
            and (healthy(model, w) or not intent)
        )

    return back


def _started(model: WorldModel, world: World) -> World:
    """`world` once a restarting smsexec has started (cures are timed from then: the declarations
    give the restart no deadline, only the assumption that it is shorter than a quantum)."""
    if world[EXEC][0] == "restarting" and not model.env.overdue(world):
        return model.fire(world, EXEC, SMSEXEC_STARTS)
    return world


def _impossible(model: WorldModel, symptom: Symptom, worlds: int, given: bool = False) -> str:
    env = model.env
    if (
        symptom.kind.subject == "site-system"
        and env.site_system(symptom.index).connections == "https"
    ):
        return (
            f"{symptom.name} is an HTTPS site system: it keeps its PKI certificate bound and "
            "needs no SMS role certificate (SITE-4)"
        )
    if symptom.kind.id == "no-sms-certificate-bound" and not model.option_available():
        return (
            "the site doesn't offer enhanced HTTP: it needs version 1806 with pre-release "
            "features (SITE-3)"
        )
    return (
        f"no world reachable from {'the given world' if given else 'the steady state'} shows "
        f"it ({worlds:,} worlds: every "
        "administrator action and system step)"
    )


def diagnose(
    lab: Lab, text: str | Symptom, *, limit: int = 5, start: World | None = None
) -> Diagnosis:
    """Answer `ehttp diagnose` for `lab` and the symptom `text` (as typed, or one of
    `symptom_list`), with at most `limit` causes, searching from `start` (a world of the lab's
    model, as `ehttp whatif --from` takes) or, by default, from the lab's steady state."""
    model = WorldModel(lab)
    symptom = text if isinstance(text, Symptom) else parse_symptom(model, text)
    steady = steady_state(lab) if start is None else start
    given = start is not None
    full, graph = _explored(lab, steady, model.env.machines)
    states = graph.graph.states
    env = model.env
    marks = [symptom.holds(full, w) and not env.overdue(w) for w in states]
    if not any(marks):
        reason = _impossible(model, symptom, len(states), given)
        return Diagnosis(lab, symptom, steady, len(states), (), reason, full, _assumptions(), given)
    causes: list[Cause] = []
    sequences = _causes(graph, marks.__getitem__, limit)
    if not sequences:
        path = _fewest_actions(graph, 0, marks.__getitem__)
        assert path is not None, "a reachable symptom world has a path from the start"
        sequences = [
            tuple(
                graph.texts[graph.labels[n][k]] for n, k in path if graph.admin[graph.labels[n][k]]
            )
        ]
    for sequence in sequences:
        steps, node = _trace(graph, sequence, marks.__getitem__)
        world = states[node]
        clears = _settle(full, world, lambda w: not symptom.holds(full, w), "the symptom clears")
        causes.append(
            Cause(
                actions=sequence,
                trace=tuple(steps),
                world=world,
                cert3=stranded(full, world, symptom.index),
                clears=clears.reached,
                clears_within=clears.within,
                never_clears=clears.lasso,
                cure=_cure(graph, symptom, node, clears.reached, clears.within),
                never_clears_loop_from=clears.loop_from,
            )
        )
    return Diagnosis(
        lab, symptom, steady, len(states), tuple(causes), "", full, _assumptions(), given
    )


def _assumptions() -> tuple[Assumption, ...]:
    return tuple(assumption(p) for p in ASSUMPTION_PHRASES if "clicking quickly" not in p)
