"""Liveness under weak fairness: P ~> Q on an explicit state graph, with lasso counterexamples.

Semantics (TLA+): a behaviour is infinite; weak fairness of an action means that if the action is
continuously enabled from some point on, it is eventually taken. Action identity for fairness is
the action value. A behaviour may stutter forever in a state where no fair action is enabled
(a deadlocked state included).

A violation of P ~> Q is a fair behaviour that reaches a P-and-not-Q state and then never meets
Q. Let R be the not-Q states reachable from P-and-not-Q states through not-Q states. In a finite
graph such a behaviour either stutters forever in one state of R (allowed only where no fair
action is enabled), or from some point on visits exactly a strongly connected set of states L
inside R with at least one edge, taking every fair action that is enabled in all of L on an edge
inside L. We look for the latter on the maximal SCCs of R only, and that is complete for weak
fairness: if L lies inside the maximal SCC C, the fair actions enabled in all of C are a subset of
those enabled in all of L (more states, smaller intersection), and each of them is taken on an
edge inside L, hence inside C; so C passes the test whenever any L inside it does. Conversely,
when C passes, `_fair_cycle` builds a loop through C that is a fair behaviour. (Strong fairness
would need the recursive SCC decomposition; weak fairness does not.)

On a symmetry-reduced graph (one representative per class of states that differ only by a
permutation of interchangeable agents) `judge_reduced` decides the same question without the
unreduced graph. Let C be a maximal SCC of the reduced region. The unreduced states over C are a
union of SCCs that are permutations of one another, each mapping onto all of C (if x reaches
pi(y) and y reaches sigma(x), then x reaches (pi sigma)^k(x) = x for k the order of pi sigma),
and an unreduced edge from one of them to a state over C stays inside it (an edge from D to
rho(D) gives a cycle D -> rho(D) -> ... -> rho^k(D) = D). So an unreduced edge leaves such a D
exactly when its reduced edge leaves C, and one D decides for all. An action of no agent the
symmetry moves is enabled in all of D, or taken inside D, exactly when it is in all of C, or on
an edge inside C. An agent's action is not: which agent sits where changes along the edges. As in
Emerson and Sistla's threaded quotient structure, the agent is followed: a thread is a pair
(state of C, position), the edge s -> t whose canonical form moved position j to perm[j] joins
(s, j) to (t, perm[j]), and the threads of one agent in D make up one connected component of
these pairs (components are closed under the edges inside C, by the argument above). D is
accepting when, in every thread component, each fair action of the followed agent that is
enabled at every pair is taken from one of its pairs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Literal

from ehttp.checker.explore import parent_path

__all__ = ["CHUNK", "POLL_MASK", "Agents", "Lasso", "Stopped", "ask", "find_lasso", "judge_reduced"]


class Stopped(Exception):
    """A judgement was told to stop: its ``stop`` turned true (a stop request, a deadline)."""


POLL_MASK = 4095
"""A mask: a judgement's searches ask their ``stop`` each time a count of steps they keep anyway
(states numbered, popped, built) has these bits clear, every 4,096 steps."""

CHUNK = 65536
"""States whose predicates are asked between two questions to a judgement's ``stop``."""


def ask(stop: Callable[[], bool] | None) -> None:
    """Raise `Stopped` when ``stop`` is given and true."""
    if stop is not None and stop():
        raise Stopped


@dataclass(frozen=True)
class Lasso:
    """A counterexample path of state indices.

    ``via[k]`` is the action id taken into ``path[k]`` (None for the first state and for the
    prefix, where any action reaching the next state will do). For a cycle, ``path[-1]`` equals
    ``path[loop_from]``; for a stutter, ``loop_from`` is the last index and ``stutter`` is True.
    """

    path: tuple[int, ...]
    via: tuple[int | None, ...]
    loop_from: int
    stutter: bool


@dataclass(frozen=True)
class Agents:
    """How a symmetry moves the actions of a reduced graph.

    ``of[a]`` is, for action id ``a``, the position of the agent taking it and the action's name
    among that agent's actions, or None for an action the symmetry leaves in place.
    ``permutation(i, k)`` is where the ``k``-th edge of state ``i`` took each position when its
    target was put in canonical form (the agent at position ``j`` is at ``permutation(i, k)[j]``
    of the stored target). ``permutations(i)``, when given, is every edge's of state ``i`` at
    once, in edge order (for callers that ask about all of a state's edges).
    """

    of: Sequence[tuple[int, Hashable] | None]
    permutation: Callable[[int, int], Sequence[int]]
    permutations: Callable[[int], Sequence[Sequence[int]]] | None = None


def judge_reduced(
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    fair: Sequence[bool],
    p: Sequence[bool],
    q: Sequence[bool],
    agents: Agents,
    stop: Callable[[], bool] | None = None,
) -> Literal["holds", "vacuous", "violated"]:
    """Decide P ~> Q on a symmetry-reduced graph (see the module docstring); no trace. Raises
    `Stopped` when ``stop``, asked every few thousand steps, turns true."""
    n = len(succ)
    if not any(p):
        return "vacuous"
    starts = [i for i in range(n) if p[i] and not q[i]]
    region = _region(succ, q, starts, stop)
    inside = [i for i in range(n) if region[i]]
    fair_ids = {a for a, f in enumerate(fair) if f}
    for i in inside:
        if fair_ids.isdisjoint(labels[i]):
            return "violated"  # a fair behaviour may stutter there forever
    comp = _sccs(succ, region, inside, stop)
    members: dict[int, list[int]] = {}
    for i in inside:
        members.setdefault(comp[i], []).append(i)
    moved = [of is not None for of in agents.of]
    for number, states in enumerate(members.values()):
        if not number & POLL_MASK:
            ask(stop)
        if len(states) == 1 and states[0] not in succ[states[0]]:
            continue  # no edge inside: no cycle
        if _accepting_reduced(succ, labels, comp, fair, states, moved, agents):
            return "violated"
    return "holds"


def _accepting_reduced(
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    comp: list[int],
    fair: Sequence[bool],
    states: list[int],
    moved: list[bool],
    agents: Agents,
) -> bool:
    c = comp[states[0]]
    # The labels taken inside first: most components are one state with a few self-loops, and
    # the edge triples `_threads_fair` needs are built only for a component that moves agents.
    taken: set[int] = set()
    for i in states:
        out = labels[i]
        for k, j in enumerate(succ[i]):
            if comp[j] == c:
                taken.add(out[k])
    if not taken:
        return False
    fair_enabled = {i: frozenset([a for a in labels[i] if fair[a]]) for i in states}
    still = frozenset([a for a in fair_enabled[states[0]] if not moved[a]])
    for i in states:
        still &= fair_enabled[i]
    if not still <= taken:
        return False
    if not any(moved[a] for i in states for a in fair_enabled[i]):
        return True
    inside = [(i, k, j) for i in states for k, j in enumerate(succ[i]) if comp[j] == c]
    return _threads_fair(labels, fair_enabled, states, inside, agents)


def _threads_fair(
    labels: Sequence[Sequence[int]],
    fair_enabled: dict[int, frozenset[int]],
    states: list[int],
    inside: list[tuple[int, int, int]],
    agents: Agents,
) -> bool:
    """Whether every thread component of a reduced SCC takes each fair action of its agent that
    is enabled at all of its pairs (the agents' half of the acceptance test)."""
    of = agents.of
    perms = {(i, k): agents.permutation(i, k) for i, k, _j in inside}
    positions = sorted(
        {found[0] for i in states for a in fair_enabled[i] if (found := of[a]) is not None}
        | {j for perm in perms.values() for j, to in enumerate(perm) if j != to}
    )
    slot = {j: x for x, j in enumerate(positions)}
    local = {i: x for x, i in enumerate(states)}
    width = len(positions)
    root = list(range(len(states) * width))

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for i, k, j in inside:
        perm = perms[i, k]
        base, target = local[i] * width, local[j] * width
        for x, position in enumerate(positions):
            a, b = find(base + x), find(target + slot[perm[position]])
            if a != b:
                root[a] = b
    enabled: dict[int, set[Hashable]] = {}
    taken: dict[int, set[Hashable]] = {}
    for i in states:
        names: dict[int, set[Hashable]] = {x: set() for x in range(width)}
        for a in fair_enabled[i]:
            found = of[a]
            if found is not None:
                names[slot[found[0]]].add(found[1])
        for x in range(width):
            r = find(local[i] * width + x)
            previous = enabled.get(r)
            enabled[r] = names[x] if previous is None else previous & names[x]
    for i, k, _j in inside:
        found = of[labels[i][k]]
        if found is not None and found[0] in slot:
            taken.setdefault(find(local[i] * width + slot[found[0]]), set()).add(found[1])
    return all(names <= taken.get(r, set()) for r, names in enabled.items())


def find_lasso(
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    fair: Sequence[bool],
    p: Sequence[bool],
    q: Sequence[bool],
    parent: Sequence[int],
    depth: Sequence[int],
) -> Lasso | Literal["holds", "vacuous"]:
    """Check P ~> Q on the graph; the masks ``p`` and ``q`` are indexed by state."""
    n = len(succ)
    if not any(p):
        return "vacuous"
    starts = [i for i in range(n) if p[i] and not q[i]]
    region = _region(succ, q, starts)
    fair_enabled = [
        frozenset(a for a in labels[i] if fair[a]) if region[i] else frozenset() for i in range(n)
    ]
    comp = _sccs(succ, region)
    stutter = [bool(region[i]) and not fair_enabled[i] for i in range(n)]
    accepting = _accepting_components(succ, labels, comp, fair_enabled, region)
    targets = [i for i in range(n) if region[i] and (stutter[i] or comp[i] in accepting)]
    if not targets:
        return "holds"
    dist = _distance_to(succ, region, targets)
    start = min((s for s in starts if dist[s] >= 0), key=lambda s: (depth[s] + dist[s], s))
    path = parent_path(parent, start)
    via: list[int | None] = [None] * len(path)
    node = start
    while dist[node] > 0:
        node, label = next(
            (j, labels[node][k])
            for k, j in enumerate(succ[node])
            if region[j] and dist[j] == dist[node] - 1
        )
        path.append(node)
        via.append(label)
    loop_from = len(path) - 1
    if stutter[node]:
        return Lasso(tuple(path), tuple(via), loop_from, stutter=True)
    for target, label in _fair_cycle(succ, labels, comp, fair_enabled, node):
        path.append(target)
        via.append(label)
    return Lasso(tuple(path), tuple(via), loop_from, stutter=False)


def _region(
    succ: Sequence[Sequence[int]],
    q: Sequence[bool],
    starts: list[int],
    stop: Callable[[], bool] | None = None,
) -> bytearray:
    region = bytearray(len(succ))
    for s in starts:
        region[s] = 1
    stack = list(starts)
    popped = 0
    while stack:
        popped += 1
        if not popped & POLL_MASK:
            ask(stop)
        i = stack.pop()
        for j in succ[i]:
            if not q[j] and not region[j]:
                region[j] = 1
                stack.append(j)
    return region


def _sccs(
    succ: Sequence[Sequence[int]],
    region: bytearray,
    inside: Sequence[int] | None = None,
    stop: Callable[[], bool] | None = None,
) -> list[int]:
    """Tarjan's algorithm without recursion; returns each region state's component id (-1 else).
    ``inside``, when given, lists the region's states in increasing order (the roots tried);
    ``stop`` is asked every 4,096 states numbered (`ask`)."""
    n = len(succ)
    comp = [-1] * n
    low = [0] * n
    order = [-1] * n
    on_stack = bytearray(n)
    stack: list[int] = []
    counter = 0
    components = 0
    for root in range(n) if inside is None else inside:
        if not region[root] or order[root] >= 0:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        order[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack[root] = 1
        while work:
            v, k = work[-1]
            edges = succ[v]
            while k < len(edges):
                w = edges[k]
                k += 1
                if not region[w]:
                    continue
                if order[w] < 0:
                    work[-1] = (v, k)
                    order[w] = low[w] = counter
                    counter += 1
                    if not counter & POLL_MASK:
                        ask(stop)
                    stack.append(w)
                    on_stack[w] = 1
                    work.append((w, 0))
                    break
                if on_stack[w] and order[w] < low[v]:
                    low[v] = order[w]
            else:
                work.pop()
                if low[v] == order[v]:
                    while True:
                        w = stack.pop()
                        on_stack[w] = 0
                        comp[w] = components
                        if w == v:
                            break
                    components += 1
                if work:
                    u = work[-1][0]
                    if low[v] < low[u]:
                        low[u] = low[v]
    return comp


def _accepting_components(
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    comp: list[int],
    fair_enabled: list[frozenset[int]],
    region: bytearray,
) -> set[int]:
    """Components with an internal edge where every always-enabled fair action is taken inside."""
    always_enabled: dict[int, frozenset[int]] = {}
    taken_inside: dict[int, set[int]] = {}
    for i in range(len(succ)):
        if not region[i]:
            continue
        c = comp[i]
        previous = always_enabled.get(c)
        always_enabled[c] = fair_enabled[i] if previous is None else previous & fair_enabled[i]
        for k, j in enumerate(succ[i]):
            if comp[j] == c:
                taken_inside.setdefault(c, set()).add(labels[i][k])
    return {c for c, inside in taken_inside.items() if always_enabled[c] <= inside}


def _distance_to(succ: Sequence[Sequence[int]], region: bytearray, targets: list[int]) -> list[int]:
    """Edges from each region state to the nearest target, staying in the region (-1: none)."""
    n = len(succ)
    reverse: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        if region[i]:
            for j in succ[i]:
                if region[j]:
                    reverse[j].append(i)
    dist = [-1] * n
    queue = deque(targets)
    for t in targets:
        dist[t] = 0
    while queue:
        j = queue.popleft()
        for i in reverse[j]:
            if dist[i] < 0:
                dist[i] = dist[j] + 1
                queue.append(i)
    return dist


def _fair_cycle(
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    comp: list[int],
    fair_enabled: list[frozenset[int]],
    entry: int,
) -> list[tuple[int, int]]:
    """A loop from ``entry`` back to it inside its accepting component, as (state, action) steps.

    The loop takes every fair action that stays enabled in all the states it visits: for each
    such action it either takes an edge labelled by it inside the component or, when there is
    none, visits a state of the component where the action is disabled (one exists, or the
    component would not be accepting).
    """
    c = comp[entry]
    members = [i for i in range(len(succ)) if comp[i] == c]
    inside_labels = {labels[i][k] for i in members for k, j in enumerate(succ[i]) if comp[j] == c}
    steps: list[tuple[int, int]] = []
    taken: set[int] = set()
    unbroken = set(fair_enabled[entry])

    def internal(v: int) -> list[tuple[int, int]]:
        return [(j, labels[v][k]) for k, j in enumerate(succ[v]) if comp[j] == c]

    def walk(start: int, goal: Callable[[int], bool]) -> int:
        """Take the shortest walk inside the component from ``start`` to a ``goal`` state."""
        back: dict[int, tuple[int, int]] = {}
        queue = deque([start])
        seen = {start}
        while queue:
            v = queue.popleft()
            if goal(v):
                break
            for j, label in internal(v):
                if j not in seen:
                    seen.add(j)
                    back[j] = (v, label)
                    queue.append(j)
        else:
            raise AssertionError("an accepting component is strongly connected")
        route: list[tuple[int, int]] = []
        while v != start:
            u, label = back[v]
            route.append((v, label))
            v = u
        for target, label in reversed(route):
            move(target, label)
        return route[0][0] if route else start

    def takes(action: int, v: int) -> bool:
        return any(label == action for _, label in internal(v))

    def disables(action: int, v: int) -> bool:
        return action not in fair_enabled[v]

    def move(target: int, label: int) -> None:
        steps.append((target, label))
        taken.add(label)
        unbroken.intersection_update(fair_enabled[target])

    here = entry
    while missing := sorted(unbroken - taken):
        action = missing[0]
        if action in inside_labels:
            here = walk(here, partial(takes, action))
            target = next(j for j, label in internal(here) if label == action)
            move(target, action)
            here = target
        else:
            here = walk(here, partial(disables, action))
    if not steps:
        target, label = internal(here)[0]
        move(target, label)
        here = target
    if here != entry:
        walk(here, lambda v: v == entry)
    return steps
