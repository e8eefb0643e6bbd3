"""One plain breadth-first search for the tests, independent of the checker it cross-checks."""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable, Iterable
from typing import Protocol, TypeVar

S = TypeVar("S", bound=Hashable)
A = TypeVar("A")


class Graph(Protocol[S, A]):
    """What the search needs of a model: its initial states and its successor function."""

    def init_states(self) -> Iterable[S]: ...

    def actions(self, state: S) -> Iterable[A]: ...

    def next_state(self, state: S, action: A) -> S: ...


def reachable(model: Graph[S, A]) -> list[S]:
    """Every state reachable from the model's initial states, in breadth-first order."""
    seen = dict.fromkeys(model.init_states())
    queue = deque(seen)
    while queue:
        state = queue.popleft()
        for action in model.actions(state):
            following = model.next_state(state, action)
            if following not in seen:
                seen[following] = None
                queue.append(following)
    return list(seen)
