"""Coverage against the truth: the checker's reachable set, and what a campaign has reached of it.

Distinct abstract states a campaign reached, in the model's canonical form (the same symmetry
reduction the checker uses), against the reachable set the checker explores for the same lab;
rules fired with counts and rules never fired (Hypothesis reports neither). `Reachable` keeps the
checker's edges too: steering walks them to the nearest state not yet covered.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from ehttp.checker import Exploration, reachable
from ehttp.compose.world import Action, World, WorldModel

__all__ = ["BudgetSpent", "Coverage", "Reachable"]


class BudgetSpent(BaseException):
    """The campaign's step or time budget is spent: raised by the step that spends it, and not an
    `Exception`, so Hypothesis passes it through at once (no shrinking, no failure report)."""


class Reachable:
    """Every reachable canonical world of a model, in breadth-first order (so by depth)."""

    def __init__(self, model: WorldModel) -> None:
        self.model = model
        self._graph: Exploration[World, Action] = reachable(model, symmetry=True)
        self.states: tuple[World, ...] = tuple(self._graph.states)
        self.index = self._graph.index
        assert self._graph.succ is not None
        self.successors: tuple[tuple[int, ...], ...] = tuple(
            tuple(dict.fromkeys(out)) for out in self._graph.succ
        )
        """Each state's distinct successors (state numbers, in the model's action order)."""
        self.edges = sum(len(out) for out in self.successors)
        """How many distinct (state, successor) pairs the reachable graph has."""
        self.fired: frozenset[Action] = self._graph.fired
        """Every action some reachable world enables (each world's actions are explored)."""
        self.component: tuple[int, ...] = _components(self.successors)
        """Each state's strongly connected component (a number): two states share one when
        each can reach the other. The model has one-way regions (registrations and the toggle
        history never go back), so leaving a component leaves its states behind for good. The
        numbers follow Tarjan's order, so no edge leads to a higher-numbered component."""

    def __len__(self) -> int:
        return len(self.states)


def _components(successors: tuple[tuple[int, ...], ...]) -> tuple[int, ...]:
    """Tarjan's strongly connected components of a graph given by successor lists, without
    recursion (the reachable graph is deep); each node's component number."""
    count = len(successors)
    order = [-1] * count
    low = [0] * count
    component = [-1] * count
    stack: list[int] = []
    on_stack = [False] * count
    counter = 0
    found = 0
    for root in range(count):
        if order[root] != -1:
            continue
        work = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = True
        while work:
            node, position = work[-1]
            out = successors[node]
            if position < len(out):
                work[-1] = (node, position + 1)
                nxt = out[position]
                if order[nxt] == -1:
                    order[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack[nxt] = True
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], order[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == order[node]:
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component[member] = found
                    if member == node:
                        break
                found += 1
    return tuple(component)


def _reached_by(points: Sequence[tuple[float, int]], until: float) -> int:
    """The states reached at the last of `points` (x, reached), in order of x, at or before
    `until` (0 before the first)."""
    count = 0
    for at, reached in points:
        if at > until:
            break
        count = reached
    return count


@dataclass
class Coverage:
    """What a campaign has reached so far, and when (a mutable tally, owned by one campaign)."""

    started: float = field(default_factory=time.perf_counter)
    reached: set[World] = field(default_factory=set)
    timeline: list[tuple[float, int]] = field(default_factory=list)
    rules: Counter[str] = field(default_factory=Counter)
    steps: int = 0
    examples: int = 0
    edges: set[tuple[int, int]] = field(default_factory=set)
    """Distinct reachable transitions taken: (state number, successor number)."""
    max_steps: int | None = None
    deadline: float | None = None
    spent: bool = False
    """The budget is spent (`spend` raised `BudgetSpent`)."""
    failing: bool = False
    """An invariant broke: Hypothesis replays the failing example to report it, and a replay must
    run as the example did, so the budget no longer ends a step (the campaign stops after it)."""
    growth: list[tuple[int, int]] = field(default_factory=list)
    """(steps taken, states reached) each time a state new to the campaign is reached: coverage
    by steps, which no machine's speed changes."""

    def visit(self, canonical: World) -> bool:
        """Note a canonical world; True when it is new to the campaign."""
        if canonical in self.reached:
            return False
        self.reached.add(canonical)
        self.timeline.append((time.perf_counter() - self.started, len(self.reached)))
        self.growth.append((self.steps, len(self.reached)))
        return True

    def fired(self, title: str) -> None:
        """Note one step of the rule called `title`."""
        self.rules[title] += 1
        self.steps += 1

    def spend(self) -> None:
        """Raise `BudgetSpent` once `max_steps` steps are taken or the clock passes `deadline`
        (asked after each step is fully noted); never once an invariant broke (`failing`)."""
        if self.failing:
            return
        if self.max_steps is not None and self.steps >= self.max_steps:
            self.spent = True
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            self.spent = True
        if self.spent:
            raise BudgetSpent

    def moved(self, before: int, after: int) -> None:
        """Note a transition between two reachable states (by number), a step that leaves the
        state as it is included: the reachable graph counts such steps among its edges (15,344
        of the default lab's 163,216), so leaving them out kept edge coverage short of 100 %."""
        self.edges.add((before, after))

    def reached_by(self, steps: int) -> int:
        """How many distinct states had been reached once `steps` steps were taken."""
        return _reached_by(self.growth, steps)

    def reached_at(self, seconds: float) -> int:
        """How many distinct states had been reached `seconds` into the campaign."""
        return _reached_by(self.timeline, seconds)
