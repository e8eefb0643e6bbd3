"""The global walk planner: where a steered campaign goes next on the checker's reachable graph.

A campaign of N lab steps covers the most states when nearly every step enters a state not covered
yet. A walk that does so is a chain of runs of new states, each run a path of the graph, joined by
detours through covered states (or by starting again on a fresh lab, which costs no lab step);
every detour step is a step spent on no new state. So the planner:
- follows a path cover of each strongly connected component (`cover`: a maximum matching of each
  state to one successor in its own component, found by Hopcroft and Karp's algorithm; its matched
  edges are vertex-disjoint paths and cycles, and staying in the component keeps the states
  upstream, which no step comes back to, from being left behind);
- where the cover's next state is covered, takes the fresh successors that stay furthest upstream
  and, by Warnsdorff's rule, have the fewest fresh successors of their own but at least one;
- where no successor is fresh, plans a detour: of the fresh states nearest to here (breadth-first,
  through covered states only) and of the fresh states nearest to the initial state (reached on a
  fresh lab along a shortest path), the one whose run of new states from it is longest for the
  detour's cost (new states per step), since a campaign's budget is steps and a nearby run of one
  new state can cost more than a distant run of forty.

The run from a candidate is estimated by walking the same rules ahead over the graph (no lab
step), up to `RUN_HORIZON` states.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

__all__ = [
    "CANDIDATES",
    "RUN_HORIZON",
    "SEARCH_DEPTH",
    "Detour",
    "Fresh",
    "Planner",
    "path_cover",
]

CANDIDATES = 40
"""How many of the nearest fresh states, from here and from the initial state, a detour weighs.
More weigh better and cost more time: on the default lab's graph, 30,000 steps of the walk alone
cover 74.5 % with 20 candidates (search depth 8, horizon 40), 75.3 % with 40 (10, 80) and 76.8 %
with 200 (20, 60), for 2.5, 7 and 28 s of planning."""

RUN_HORIZON = 80
"""How far ahead the run of new states from a detour's candidate is walked (states)."""

SEARCH_DEPTH = 10
"""How far from here (steps) a detour's breadth-first search looks for fresh states."""


@dataclass(frozen=True)
class Detour:
    """Where to go when no successor is fresh: the states to walk (the last one fresh), from here
    or, when `fresh_lab`, from the initial state of a newly built lab."""

    path: tuple[int, ...]
    fresh_lab: bool


def path_cover(successors: Sequence[Sequence[int]], component: Sequence[int]) -> tuple[int, ...]:
    """Each state's matched successor in a maximum matching of states to successors in their own
    strongly connected component (-1 for none): Hopcroft and Karp's algorithm, so the matched
    edges form the fewest vertex-disjoint paths (and cycles) that cover the graph's components."""
    count = len(successors)
    inside = [
        [after for after in out if after != state and component[after] == component[state]]
        for state, out in enumerate(successors)
    ]
    match_out = [-1] * count
    match_in = [-1] * count
    unreached = count + 1
    while True:
        level = [unreached] * count
        queue: deque[int] = deque()
        for state in range(count):
            if match_out[state] == -1:
                level[state] = 0
                queue.append(state)
        found = False
        while queue:
            state = queue.popleft()
            for after in inside[state]:
                owner = match_in[after]
                if owner == -1:
                    found = True
                elif level[owner] == unreached:
                    level[owner] = level[state] + 1
                    queue.append(owner)
        if not found:
            break
        augmented = False
        position = [0] * count
        for root in range(count):
            if match_out[root] != -1:
                continue
            stack = [root]
            while stack:
                state = stack[-1]
                edges = inside[state]
                if position[state] >= len(edges):
                    level[state] = unreached
                    stack.pop()
                    continue
                after = edges[position[state]]
                position[state] += 1
                owner = match_in[after]
                if owner == -1:
                    for node in reversed(stack):
                        previous = match_out[node]
                        match_out[node] = after
                        match_in[after] = node
                        after = previous
                    augmented = True
                    break
                if level[owner] == level[state] + 1:
                    stack.append(owner)
        if not augmented:
            break
    return tuple(match_out)


def _tree(successors: Sequence[Sequence[int]], start: int) -> tuple[list[int], list[int]]:
    """Breadth-first distances from `start` and each state's parent on a shortest path."""
    depth = [-1] * len(successors)
    parent = [-1] * len(successors)
    depth[start] = 0
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for after in successors[state]:
            if depth[after] == -1:
                depth[after] = depth[state] + 1
                parent[after] = state
                queue.append(after)
    return depth, parent


Fresh = Callable[[int], bool]
"""Whether a state (by number) is still to be covered, as the asking example sees it."""


class Planner:
    """The walk planner of one reachable graph (state numbers as `ehttp.fuzz.coverage.Reachable`
    gives them, the initial state first)."""

    def __init__(
        self, successors: Sequence[Sequence[int]], component: Sequence[int], start: int = 0
    ) -> None:
        self.successors = successors
        self.component = component
        self.start = start
        self.cover = path_cover(successors, component)
        self.depth, self._parent = _tree(successors, start)
        self.by_depth: tuple[int, ...] = tuple(
            sorted(
                (s for s in range(len(successors)) if self.depth[s] >= 0),
                key=self.depth.__getitem__,
            )
        )
        """The states nearest to the initial state first: where a fresh lab's detours look."""

    def onward(self, here: int, fresh: Fresh) -> tuple[int, ...]:
        """The fresh successors of `here` to prefer (none when no successor is fresh): the cover's
        successor if it is fresh, else those furthest upstream with the fewest fresh successors
        of their own but at least one."""
        matched = self.cover[here]
        if matched != -1 and fresh(matched):
            return (matched,)
        novel = [after for after in self.successors[here] if after != here and fresh(after)]
        if not novel:
            return ()
        top = max(self.component[after] for after in novel)
        upstream = [after for after in novel if self.component[after] == top]
        onward = {after: self._fresh_successors(after, fresh) for after in upstream}
        counts = [count for count in onward.values() if count]
        if not counts:
            return tuple(upstream)
        fewest = min(counts)
        return tuple(after for after in upstream if onward[after] == fewest)

    def detour(self, here: int, fresh: Fresh, cursor: int = 0) -> tuple[Detour | None, int]:
        """The detour to take from `here` (None when no fresh state is left), and the position in
        `by_depth` before which no state is fresh (pass it back as `cursor`: states only stop
        being fresh, so the scan need not start over)."""
        while cursor < len(self.by_depth) and not fresh(self.by_depth[cursor]):
            cursor += 1
        best: tuple[float, int, Detour] | None = None
        for target, path in self._nearest(here, fresh):
            rate = self._rate(target, len(path), fresh)
            if best is None or rate > best[0]:
                best = (rate, len(path), Detour(path, fresh_lab=False))
        if here != self.start:
            weighed = 0
            for target in self.by_depth[cursor:]:
                if weighed == CANDIDATES:
                    break
                if not fresh(target):
                    continue
                weighed += 1
                rate = self._rate(target, self.depth[target], fresh)
                if best is None or rate > best[0]:
                    best = (rate, self.depth[target], Detour(self._from_start(target), True))
        return (None if best is None else best[2]), cursor

    def _fresh_successors(self, state: int, fresh: Fresh) -> int:
        return sum(1 for after in self.successors[state] if after != state and fresh(after))

    def _rate(self, target: int, steps: int, fresh: Fresh) -> float:
        """New states per step of a detour of `steps` steps to `target` and the run after it."""
        run = self._run(target, fresh)
        return run / (steps - 1 + run)

    def _run(self, first: int, fresh: Fresh) -> int:
        """How many new states the rules of `onward` would enter in a row from `first` (fresh),
        up to `RUN_HORIZON`, taking the first preferred state at each step."""
        taken = {first}
        here = first
        while len(taken) < RUN_HORIZON:
            ahead = self.onward(here, lambda state: state not in taken and fresh(state))
            if not ahead:
                break
            here = ahead[0]
            taken.add(here)
        return len(taken)

    def _nearest(self, here: int, fresh: Fresh) -> list[tuple[int, tuple[int, ...]]]:
        """Up to `CANDIDATES` fresh states nearest to `here` (within `SEARCH_DEPTH` steps, through
        covered states), each with the path to it."""
        parent = {here: here}
        level = {here: 0}
        queue = deque([here])
        found: list[tuple[int, tuple[int, ...]]] = []
        while queue and len(found) < CANDIDATES:
            state = queue.popleft()
            if level[state] >= SEARCH_DEPTH:
                continue
            for after in self.successors[state]:
                if after in parent:
                    continue
                parent[after] = state
                level[after] = level[state] + 1
                if fresh(after):
                    found.append((after, _path(parent, here, after)))
                else:
                    queue.append(after)
        return found

    def _from_start(self, target: int) -> tuple[int, ...]:
        """A shortest path from the initial state to `target` (the initial state excluded)."""
        path = [target]
        while self._parent[path[-1]] != self.start:
            path.append(self._parent[path[-1]])
        return tuple(reversed(path))


def _path(parent: dict[int, int], start: int, end: int) -> tuple[int, ...]:
    path = [end]
    while parent[path[-1]] != start:
        path.append(parent[path[-1]])
    return tuple(reversed(path))
