"""Coverage against the truth: the checker's reachable set, and what a campaign has reached of it.

Distinct abstract states a campaign reached, in the model's canonical form (the same symmetry
reduction the checker uses), against the reachable set the checker explores for the same lab;
rules fired with counts and rules never fired (Hypothesis reports neither). `Reachable` keeps the
checker's edges too: steering walks them to the nearest state not yet covered.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from model.checker import Exploration, reachable
from model.compose.world import Action, World, WorldModel

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

    def __len__(self) -> int:
        return len(self.states)


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

    def visit(self, canonical: World) -> bool:
        """Note a canonical world; True when it is new to the campaign."""
        if canonical in self.reached:
            return False
        self.reached.add(canonical)
        self.timeline.append((time.perf_counter() - self.started, len(self.reached)))
        return True

    def fired(self, title: str) -> None:
        """Note one step of the rule called `title`."""
        self.rules[title] += 1
        self.steps += 1

    def spend(self) -> None:
        """Raise `BudgetSpent` once `max_steps` steps are taken or the clock passes `deadline`
        (asked after each step is fully noted)."""
        if self.max_steps is not None and self.steps >= self.max_steps:
            raise BudgetSpent
        if self.deadline is not None and time.perf_counter() >= self.deadline:
            raise BudgetSpent

    def moved(self, before: int, after: int) -> None:
        """Note a transition between two reachable states (by number)."""
        if before != after:
            self.edges.add((before, after))

    def reached_at(self, seconds: float) -> int:
        """How many distinct states had been reached `seconds` into the campaign."""
        count = 0
        for at, reached in self.timeline:
            if at > seconds:
                break
            count = reached
        return count
