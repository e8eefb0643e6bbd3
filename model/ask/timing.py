"""Minutes on an explored graph of a script: when a state can be occupied, when a goal is met.

The graph is the generic checker's reachable graph of a script (`model/ask/whatif_script.py`): the
administrator's actions with the system's own steps between and after them, from one starting
world; with no action it is the graph of system steps alone. Time passes only on the clock's step
("15 minutes pass", a wait's quantum included); every other step is instantaneous.
A pair (state, quanta) is reachable when some path from the start reaches
the state after that many clock steps. A state with no step out (settled) stays occupied while
time goes on; elsewhere the clock's step is itself a step out.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from ehttp.ask.steps import TimedStep
from ehttp.ask.whatif_script import Move, Script, Scripted
from ehttp.checker import Exploration, reachable
from ehttp.compose.world import EXEC, ModelError, World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES

__all__ = ["Reach", "Timed", "explore_script", "explore_timed", "minutes"]

_MAX_QUANTA = 10_000
"""A run longer than this many quanta means time is unbounded somewhere (no state settles)."""


@dataclass(frozen=True)
class Reach:
    """When runs first meet a goal, in quanta after the start.

    `dated` is False when some run waits for it in a state where no timer runs: the model's clock
    stands still there, so `latest` is no bound in minutes, only "eventually".
    """

    earliest: int
    latest: int
    dated: bool


@dataclass(frozen=True)
class Timed:
    """A script's graph with the times (in quanta) each state can be occupied at."""

    model: Script
    graph: Exploration[Scripted, Move]
    ticks: tuple[tuple[bool, ...], ...]
    """For each state, parallel to its successors: whether that step is the clock's."""
    arrivals: tuple[frozenset[int], ...]
    """For each state, the quanta after which some path from the start reaches it."""
    worlds: tuple[World, ...]
    """For each state, its world."""

    @property
    def states(self) -> tuple[World, ...]:
        """The world of each explored state, the start first (a world may repeat: the same world
        before and after an action of the script are two states)."""
        return self.worlds

    def done(self, state: int) -> bool:
        """Every action of the script is taken in `state`."""
        return self.model.done(self.graph.states[state])

    def successors(self, state: int) -> Sequence[int]:
        """The states one system step from `state`."""
        succ = self.graph.succ
        assert succ is not None
        return succ[state]

    def settled(self, state: int) -> bool:
        """No system step leaves `state`."""
        return not self.successors(state)

    @property
    def horizon(self) -> int:
        """The latest quantum any state can be reached at."""
        return max(max(times) for times in self.arrivals)

    def occupied(self, quantum: int) -> set[int]:
        """The states some run can be in at `quantum`: reached then, or settled before."""
        return {
            state
            for state, times in enumerate(self.arrivals)
            if quantum in times or (self.settled(state) and min(times) < quantum)
        }

    def timer_runs(self, state: int) -> bool:
        """Some timer runs in `state`: model time goes on while it is pending.

        Where none runs and a system step is still pending, the model's clock stands still: the
        step comes eventually (weak fairness) but the documents give it no minute bound. A
        restarting smsexec counts as timed: the binding declarations assume that a service
        restart takes less than one clock quantum.
        """
        world = self.states[state]
        return world[EXEC][0] == "restarting" or any(timer >= 0 for _control, timer in world)

    def bounded(self, state: int) -> bool:
        """A run in `state` leaves it within a known number of minutes, or stays for good: some
        action of the script is still to come (the click follows within the wait before it), a
        timer runs, or the state is settled."""
        return not self.done(state) or self.timer_runs(state) or self.settled(state)

    def first_reach(self, goal: Sequence[bool]) -> Reach | None:
        """When runs first meet `goal` (None: no run ever does).

        The latest is over runs that meet it; whether every fair run does is the checker's
        `eventually` verdict, not this function's.
        """
        if goal[0]:
            return Reach(0, 0, dated=True)
        hits = [t for state, times in enumerate(self.arrivals) if goal[state] for t in times]
        if not hits:
            return None
        latest = 0
        dated = True
        seen = {(0, 0)}
        queue = deque(seen)
        while queue:
            state, quanta = queue.popleft()
            dated = dated and self.bounded(state)
            for k, nxt in enumerate(self.successors(state)):
                at = quanta + self.ticks[state][k]
                if goal[nxt]:
                    latest = max(latest, at)
                elif (nxt, at) not in seen:
                    seen.add((nxt, at))
                    queue.append((nxt, at))
        return Reach(min(hits), latest, dated)

    def path_to(self, state: int) -> list[TimedStep]:
        """A shortest path from the start to `state`, each step with the minutes so far."""
        nodes = self.graph.states
        parent = self.graph.parent
        chain = [state]
        while parent[chain[-1]] >= 0:
            chain.append(parent[chain[-1]])
        chain.reverse()
        labels = self.graph.labels
        assert labels is not None
        steps: list[TimedStep] = []
        quanta = 0
        for before, after in pairwise(chain):
            k = list(self.successors(before)).index(after)
            action = self.graph.actions[labels[before][k]]
            quanta += self.ticks[before][k]
            steps.append(self.model.timed_step(quanta, nodes[before], action, nodes[after]))
        return steps


def minutes(quanta: int) -> int:
    """Quanta as minutes."""
    return quanta * QUANTUM_MINUTES


def explore_timed(model: WorldModel) -> Timed:
    """Explore the system steps of `model`'s lab from its first start and time every state."""
    return explore_script(Script(model.lab, model.starts[0]))


def explore_script(model: Script) -> Timed:
    """Explore the script `model` and time every state."""
    graph = reachable(model, labels=True)
    assert graph.succ is not None and graph.labels is not None
    clock = tuple(model.is_tick(a) for a in graph.actions)
    ticks = tuple(tuple(clock[a] for a in labels) for labels in graph.labels)
    arrivals: list[set[int]] = [set() for _ in graph.states]
    arrivals[0].add(0)
    queue = deque([(0, 0)])
    while queue:
        state, quanta = queue.popleft()
        for k, nxt in enumerate(graph.succ[state]):
            at = quanta + ticks[state][k]
            if at > _MAX_QUANTA:
                raise ModelError(
                    f"lab {model.lab.name!r}: time passes without end without the system settling"
                )
            if at not in arrivals[nxt]:
                arrivals[nxt].add(at)
                queue.append((nxt, at))
    worlds = tuple(node[2] for node in graph.states)
    return Timed(model, graph, ticks, tuple(frozenset(a) for a in arrivals), worlds)
