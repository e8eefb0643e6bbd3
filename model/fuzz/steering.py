"""The local steering of a fuzz campaign (`CampaignPlan.walk = "local"`, `Session.planner` None):
where the lab goes next on the checker's reachable graph (`ehttp.fuzz.coverage.Reachable`), by
the states fresh to the example, so that a campaign reaches deep states such as CERT-3's, which
plain random walks stall short of.

The fuzz machine (`ehttp.fuzz.machine`) ranks the enabled actions by:
- the actions whose successor (canonical form) the campaign has not covered yet, narrowed to those
  that stay furthest upstream (a step into a lower strongly connected component leaves the states
  above behind: registrations and the toggle history never go back) and then, by Warnsdorff's
  rule, to those with the fewest uncovered successors of their own but at least one (the state
  that would be hardest to come back to is taken while it is next door): `onward`;
- when there is none, the first step of a shortest path in the model (breadth-first over the
  reachable graph from the current state) to the nearest state not covered yet: `route`;
- starting again on a fresh lab when the nearest such state is no further from the initial
  state than from here, or cannot be reached from here.
The global walk planner (`ehttp.fuzz.planner`), the default, replaced it; it is kept so that
`benchmarks/fuzz_speed.py` can set the two side by side.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

__all__ = ["onward", "route"]


def onward(
    successors: Sequence[tuple[int, ...]],
    component: Sequence[int],
    states: tuple[int, ...],
    fresh: Callable[[int], bool],
) -> tuple[int, ...]:
    """Of the fresh successors `states`, the ones to prefer: those that stay furthest
    upstream (in the highest strongly connected component: `Reachable.component` numbers
    the components so that no edge leads to a higher one), since a step downstream leaves
    the states upstream behind; among those, the ones with the fewest fresh successors of
    their own but at least one (Warnsdorff's rule: take the hard-to-reach state now, while
    it is next door, and keep a fresh state next)."""
    top = max(component[number] for number in states)
    upstream = tuple(number for number in states if component[number] == top)
    ahead = {
        number: sum(1 for after in successors[number] if after != number and fresh(after))
        for number in upstream
    }
    counts = [count for count in ahead.values() if count]
    if not counts:
        return upstream
    fewest = min(counts)
    return tuple(number for number in upstream if ahead[number] == fewest)


def route(
    successors: Sequence[tuple[int, ...]], start: int, fresh: Callable[[int], bool]
) -> list[int]:
    """The states of a shortest path from state `start` to the nearest state that is `fresh`
    (none when no such state can be reached from it)."""
    parent = {start: start}
    queue = deque([start])
    while queue:
        at = queue.popleft()
        for number in successors[at]:
            if number in parent:
                continue
            parent[number] = at
            if fresh(number):
                path = [number]
                while parent[path[-1]] != start:
                    path.append(parent[path[-1]])
                return path[::-1]
            queue.append(number)
    return []
