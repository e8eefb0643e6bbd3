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

__all__ = ["Coverage", "Reachable"]


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

    def reached_at(self, seconds: float) -> int:
        """How many distinct states had been reached `seconds` into the campaign."""
        count = 0
        for at, reached in self.timeline:
            if at > seconds:
                break
            count = reached
        return count
