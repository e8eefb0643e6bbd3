"""Properties about one agent under symmetry reduction: judged by the agent's orbit.

A property about the agent at position s (`Property.about_agent`: "s's queued work completes")
does not hold alike on the states of one symmetry class: exchanging s with a twin changes its
value. The model is an `Orbits` model: its symmetry group G holds every exchange of two positions
of one orbit, its initial states are closed under G, and so is its reachable set R (a step of x
is, permuted, a step of g x). The family of the property gives P@j, the same claim about the
agent at j, with P@g(j)(g x) = P@j(x) for every g in G (permuting the agents and the position
together leaves the value alone).

Safety. P@s holds on every state of R exactly when P@j holds on every canonical state of R for
every j in the orbit of s. If x in R fails P@s, its canonical form c = g x fails P@g(s). If a
canonical c fails P@j, the exchange t of s and j maps c to t c in R, and P@s(t c) = P@j(c) fails.
So an invariant about s is checked as "P@j for every j of the orbit" on the stored states, and a
reachability goal as "P@j for some j"; the first stored state that decides it is at the least
depth any state deciding P@s has (depths are kept by permutations). Its concrete trace (replayed
from a concrete initial state, `ehttp.checker.trace`) ends in a state x deciding P@j for some j;
the exchange t of s and j maps the whole trace onto a run of the model from t x0, an initial
state, ending in t x, which decides P@s: `swapped_trace` returns that run, every step replayed.

Liveness. The marked model has the states (x, m), x in R and m a position of the orbit of s,
and the steps (x, m) -> (y, m) for each step x -> y: the agent at m is followed. G acts on it by
g (x, m) = (g x, g(m)), a symmetry of the marked model, and P@m(x), Q@m(x) are invariant under
it, so the marked model's reduced graph decides P@s ~> Q@s from the initial states marked at s
(`ehttp.checker.liveness.judge_reduced`, whose argument needs only a symmetry with one
representative per class and invariant predicates). Its representative of (x, m) is (c, j): c
the canonical form of x, j where the canonical form moved m, lowered to the least position of
the orbit whose exchange with it leaves c unchanged (the stabiliser of c exchanges exactly such
positions, so (c, j) is one per class). Its edges are the reduced graph's: from (c, j), for each
edge c -> d whose canonical form moved position j to perm[j], the pair (d, perm[j] lowered), and
the permutation of that edge, composed with the lowering exchange (which leaves d unchanged), is
where the edge moved each agent. Every pair (c, j) is reachable from some initial state marked
at s (the exchange of j and s maps c to a state of R). Only the pairs the judgement looks at are
built: those deciding P but not Q, and what they reach through states not deciding Q.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from itertools import pairwise
from typing import Literal

from ehttp.checker.liveness import CHUNK, POLL_MASK, Agents, ask, judge_reduced
from ehttp.checker.model import A, Model, Orbits, S
from ehttp.checker.properties import Property
from ehttp.checker.trace import ModelError, Step

__all__ = ["judge_watched", "orbit_of", "safety_predicate", "swapped_trace"]


def orbit_of(model: object, prop: Property[S], symmetry: bool) -> tuple[int, ...]:
    """The positions ``prop`` is judged at: the orbit of its agent under symmetry reduction of
    an `Orbits` model, else its own position only (empty for a property about no agent)."""
    if prop.about is None:
        return ()
    position = prop.about.position
    if not symmetry or not isinstance(model, Orbits):
        return (position,)
    found = tuple(model.orbit(position))
    return found if position in found else (position, *found)


def safety_predicate(prop: Property[S], orbit: Sequence[int]) -> Callable[[S], bool]:
    """The predicate checked on stored states for an `always` (every position of the orbit)
    or a `sometimes` (some position) about one agent."""
    assert prop.about is not None
    family = prop.about.family
    conditions = [c for j in orbit if (c := family(j).condition) is not None]
    if prop.kind == "always":
        return lambda s: all(c(s) for c in conditions)
    return lambda s: any(c(s) for c in conditions)


def swapped_trace(
    model: Model[S, A], prop: Property[S], orbit: Sequence[int], steps: tuple[Step[S], ...]
) -> tuple[Step[S], ...]:
    """``steps`` (a concrete trace ending where ``prop`` is decided for some position of the
    orbit) as the run deciding it for the property's own agent (see the module docstring)."""
    assert prop.about is not None and steps
    position, family = prop.about.position, prop.about.family
    last = steps[-1].state
    decided = prop.kind == "sometimes"
    here = next(
        (j for j in orbit if (c := family(j).condition) is not None and bool(c(last)) == decided),
        position,
    )
    if here == position or not isinstance(model, Orbits):
        return steps
    states = [model.swap(step.state, position, here) for step in steps]
    out = [Step[S](None, states[0], "initial state")]
    for before, after in pairwise(states):
        for action in model.actions(before):
            if model.next_state(before, action) == after:
                text = model.describe_step(before, action, after)
                out.append(Step[S](model.action_name(action), after, text))
                break
        else:
            raise ModelError(
                f"swap: no action from {before!r} reaches {after!r}; exchanging two agents of "
                "one orbit must be a symmetry of the model (see model.checker.Orbits)"
            )
    return tuple(out)


def judge_watched(
    model: Orbits[S],
    prop: Property[S],
    orbit: Sequence[int],
    states: Sequence[S],
    roots: Sequence[int],
    succ: Sequence[Sequence[int]],
    labels: Sequence[Sequence[int]],
    fair: Sequence[bool],
    agents: Agents,
    stop: Callable[[], bool] | None = None,
) -> Literal["holds", "vacuous", "violated"]:
    """``prop`` (eventually or leads-to, about one agent) on the marked model's reduced graph,
    built from the reduced graph ``succ``/``labels`` of ``states`` (see the module docstring);
    ``roots`` are the indices of the initial states. Raises `Stopped` when ``stop``, asked
    every few thousand steps, turns true."""
    assert prop.about is not None
    family = prop.about.family
    at = {j: family(j) for j in orbit}
    goal = {j: p.condition for j, p in at.items()}
    trigger = {j: p.trigger for j, p in at.items()}

    # Where each position of the orbit is lowered to in state i, worked out once per state
    # (None: nowhere, the common case of a state no exchange of the orbit leaves unchanged).
    unknown: dict[int, int] = {}  # a marker: not worked out yet
    lows: list[dict[int, int] | None] = [unknown] * len(states)

    def lowering(i: int) -> dict[int, int] | None:
        low = lows[i]
        if low is unknown:
            state = states[i]
            found = {
                m: next(k for k in orbit if k == m or model.swap(state, m, k) == state)
                for m in orbit
            }
            low = lows[i] = None if all(k == m for m, k in found.items()) else found
        return low

    def lowered(i: int, j: int) -> int:
        low = lowering(i)
        return j if low is None else low[j]

    # The permutations of each state's edges, asked once per state (a state is met once for
    # each position of the orbit it is marked with).
    edge_perms: dict[int, Sequence[Sequence[int]]] = {}

    every = agents.permutations

    def perms_of(i: int) -> Sequence[Sequence[int]]:
        found = edge_perms.get(i)
        if found is None:
            found = edge_perms[i] = (
                every(i)
                if every is not None
                else [agents.permutation(i, k) for k in range(len(succ[i]))]
            )
        return found

    def p(i: int, j: int) -> bool:
        found = trigger[j]
        return bool(found(states[i])) if found is not None else True

    def q(i: int, j: int) -> bool:
        found = goal[j]
        return bool(found(states[i])) if found is not None else False

    if prop.trigger is None:  # eventually: from the initial states, the agent anywhere
        starts = [(i, j) for i in roots for j in orbit if lowered(i, j) == j]
    else:
        starts = []
        for begin in range(0, len(states), CHUNK):  # `stop` asked between chunks
            ask(stop)
            starts += [
                (i, j)
                for i in range(begin, min(begin + CHUNK, len(states)))
                for j in orbit
                if p(i, j) and lowered(i, j) == j
            ]
    if not starts:
        return "vacuous"
    # Each pair's number, at i * width + the place of j in the orbit (-1: not built yet).
    width = len(orbit)
    place = {j: x for x, j in enumerate(orbit)}
    number = [-1] * (len(states) * width)
    nodes: list[tuple[int, int]] = []
    marks: list[bool] = []

    def node(pair: tuple[int, int]) -> int:
        key = pair[0] * width + place[pair[1]]
        found = number[key]
        if found < 0:
            found = number[key] = len(nodes)
            nodes.append(pair)
            marks.append(q(*pair))
        return found

    starting = [node(pair) for pair in starts]
    pair_succ: list[list[int]] = []
    pair_labels: list[Sequence[int]] = []
    pair_perms: list[list[Sequence[int]]] = []
    cursor = 0
    while cursor < len(nodes):
        if not cursor & POLL_MASK:
            ask(stop)
        i, j = nodes[cursor]
        out: list[int] = []
        perms: list[Sequence[int]] = []
        if not marks[cursor]:  # a goal state ends the region: its edges are never looked at
            # `lowered` and `node`, written out: this loop runs once per edge of the marked model.
            for t, perm in zip(succ[i], perms_of(i), strict=True):
                moved = perm[j]
                low = lows[t]
                if low is unknown:
                    low = lowering(t)
                if low is not None and low[moved] != moved:
                    to = low[moved]
                    perm = [to if x == moved else moved if x == to else x for x in perm]
                    moved = to
                key = t * width + place[moved]
                found = number[key]
                if found < 0:
                    found = number[key] = len(nodes)
                    nodes.append((t, moved))
                    marks.append(q(t, moved))
                out.append(found)
                perms.append(perm)
        pair_succ.append(out)
        pair_perms.append(perms)
        pair_labels.append(labels[i] if not marks[cursor] else ())
        cursor += 1
    first = bytearray(len(nodes))
    for x in starting:
        first[x] = 1
    trig = [bool(first[x]) for x in range(len(nodes))]
    if not any(t and not m for t, m in zip(trig, marks, strict=True)):
        return "holds"

    def permutation(x: int, k: int) -> Sequence[int]:
        return pair_perms[x][k]

    of: Sequence[tuple[int, Hashable] | None] = agents.of
    return judge_reduced(pair_succ, pair_labels, fair, trig, marks, Agents(of, permutation), stop)
