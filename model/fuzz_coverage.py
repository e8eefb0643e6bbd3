"""Coverage against the truth: the checker's reachable set, and what a campaign has reached of it.

The issue's "coverage against the truth": distinct abstract states a campaign reached, in the
model's canonical form (the same symmetry reduction the checker uses), against the reachable set
the checker explores for the same lab; rules fired with counts and rules never fired (Hypothesis
reports neither). `Reachable` also gives the checker's shortest concrete trace to any reachable
state, which steering uses to start examples next to states not yet covered.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from model.checker_explore import Exploration, Limits, explore, parent_path
from model.checker_trace import ModelError
from model.world import Action, World, WorldModel

__all__ = ["Coverage", "Reachable"]


class Reachable:
    """Every reachable canonical world of a model, in breadth-first order (so by depth)."""

    def __init__(self, model: WorldModel) -> None:
        self.model = model
        self._graph: Exploration[World, Action] = explore(
            model,
            canonicalize=True,
            record_edges=False,
            record_labels=False,
            checks=(),
            limits=Limits(max_states=None, deadline=None, progress=None, started=0.0),
        )
        self.states: tuple[World, ...] = tuple(self._graph.states)
        self.index = self._graph.index

    def __len__(self) -> int:
        return len(self.states)

    def depth(self, number: int) -> int:
        """The length of the shortest trace to state `number`."""
        return self._graph.depth[number]

    def shortest_trace(self, number: int) -> tuple[Action, ...]:
        """Concrete actions from the initial world to a world whose canonical form is state
        `number` (replayed as `model.checker_trace` does it, so every step is a real step)."""
        model = self.model
        path = parent_path(self._graph.parent, number)
        world = self._graph.initial[path[0]]
        actions: list[Action] = []
        for wanted in path[1:]:
            target = self.states[wanted]
            for action in model.actions(world):
                after = model.next_state(world, action)
                if model.canonical(after) == target:
                    actions.append(action)
                    world = after
                    break
            else:
                raise ModelError(f"canonical: no action from {world!r} reaches {target!r}")
        return tuple(actions)


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
