"""Breadth-first exploration of a model's reachable states, as TLC and Stateright do it.

States are numbered in discovery order; since BFS discovers states in order of depth, the
numbering doubles as the queue (a cursor walks it) and parent pointers give shortest traces.
Invariants and reachability goals given to the search are asked of each state when it is
discovered (`first_hits` asks stored states the same way after a search), so the first hit is at
minimal depth. Edges are kept only when a property needs the graph: successor indices for
`recoverable`, plus interned action labels for liveness. An `Expanding` model hands over a
state's successors in one call; any other is asked `actions`, then `next_state` per action.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic

from ehttp.checker.model import A, Expanding, Model, S

__all__ = [
    "Exploration",
    "Limits",
    "ProgressInfo",
    "SafetyCheck",
    "explore",
    "first_hits",
    "first_hits_until",
    "parent_path",
    "paused_gc",
    "reachable",
]

_CLOCK_EVERY = 128  # expansions between clock reads: cheap enough, and ~ms apart on real models


@dataclass(frozen=True)
class ProgressInfo:
    """A snapshot of a running search, for a progress display."""

    states: int
    frontier: int
    depth: int
    transitions: int
    seconds: float
    states_per_second: float


@dataclass(frozen=True)
class Limits:
    """When to stop: a state budget, a wall-clock deadline, a caller's stop request (asked
    between batches of expansions, e.g. set by a Ctrl-C handler), and whom to tell about
    progress."""

    max_states: int | None
    deadline: float | None
    progress: Callable[[ProgressInfo], None] | None
    started: float
    progress_every: float = 0.2
    stop: Callable[[], bool] | None = None
    stop_when_decided: bool = False
    """Stop as soon as every safety check is decided (``stopped_reason`` "decided")."""


@dataclass(frozen=True)
class SafetyCheck(Generic[S]):
    """A predicate watched during the search; ``hit_when`` is the value that decides it."""

    slot: int
    pred: Callable[[S], bool]
    hit_when: bool


@dataclass(frozen=True)
class Exploration(Generic[S, A]):
    """The explored graph and what was seen while exploring it.

    ``expanded`` states (indices below it) had all their actions explored. ``succ[i]`` and
    ``labels[i]`` are parallel lists of successor indices and action ids (indices into
    ``actions``); they are None when not recorded. ``hits`` maps a safety check's slot to the
    first state index that decided it.
    """

    states: list[S]
    index: dict[S, int]
    parent: list[int]
    depth: list[int]
    initial: dict[int, S]
    succ: list[list[int]] | None
    labels: list[list[int]] | None
    actions: list[A]
    fired: frozenset[A]
    hits: dict[int, int]
    first_deadlock: int | None
    transitions: int
    expanded: int
    stopped_reason: str | None

    @property
    def complete(self) -> bool:
        """True when every reachable state was found and expanded."""
        return self.stopped_reason is None

    @property
    def diameter(self) -> int:
        """The greatest BFS depth reached."""
        return self.depth[-1] if self.depth else 0


@contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused for the duration (restored as it was).

    A search allocates millions of tuples and lists that stay alive, and every collection of the
    oldest generation walks all of them: on a lab of 300,000 states that is more than half of
    the search's time. A search makes no reference cycles, so pausing the collector frees
    nothing later than reference counting does.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            # What the search allocated joins the oldest generation untraversed (freezing and
            # unfreezing moves every tracked object there): re-enabled as it was, the collector
            # would otherwise walk all of it at once as the youngest generation.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


def explore(
    model: Model[S, A],
    *,
    canonicalize: bool,
    record_edges: bool,
    record_labels: bool,
    checks: Sequence[SafetyCheck[S]],
    limits: Limits,
) -> Exploration[S, A]:
    """Explore ``model`` breadth-first, storing ``model.canonical(s)`` when ``canonicalize``
    (with the garbage collector paused, see `paused_gc`)."""
    with paused_gc():
        return _explore(
            model,
            canonicalize=canonicalize,
            record_edges=record_edges,
            record_labels=record_labels,
            checks=checks,
            limits=limits,
        )


def _explore(
    model: Model[S, A],
    *,
    canonicalize: bool,
    record_edges: bool,
    record_labels: bool,
    checks: Sequence[SafetyCheck[S]],
    limits: Limits,
) -> Exploration[S, A]:
    states: list[S] = []
    index: dict[S, int] = {}
    parent: list[int] = []
    depth: list[int] = []
    initial: dict[int, S] = {}
    succ: list[list[int]] | None = [] if record_edges or record_labels else None
    labels: list[list[int]] | None = [] if record_labels else None
    action_ids: dict[A, int] = {}
    fired: set[A] = set()
    hits: dict[int, int] = {}
    pending = list(checks)
    first_deadlock: int | None = None
    transitions = 0
    stopped: str | None = None
    cap = limits.max_states
    deadline = limits.deadline
    canon = model.canonical if canonicalize else None
    expand = _expander(model, canonicalize)
    clock = time.perf_counter
    next_progress = limits.started + limits.progress_every

    stop_when_decided = limits.stop_when_decided and bool(pending)

    def discovered(j: int) -> None:
        # The state just stored at j, asked every check still pending (`first_hits`).
        found = first_hits(states, pending, j, j + 1)
        if found:
            hits.update(found)
            pending[:] = [check for check in pending if check.slot not in hits]

    for concrete in model.init_states():
        key = canon(concrete) if canon is not None else concrete
        if key in index:
            continue
        if cap is not None and len(states) >= cap:
            stopped = "max-states"
            break
        index[key] = len(states)
        initial[len(states)] = concrete
        states.append(key)
        parent.append(-1)
        depth.append(0)
        if pending:
            discovered(len(states) - 1)

    cursor = 0
    while stopped is None and cursor < len(states):
        if stop_when_decided and not pending:
            stopped = "decided"
            break
        if cursor % _CLOCK_EVERY == 0:
            now = clock()
            if deadline is not None and now >= deadline:
                stopped = "max-seconds"
                break
            if limits.stop is not None and limits.stop():
                stopped = "interrupted"
                break
            if limits.progress is not None and now >= next_progress:
                next_progress = now + limits.progress_every
                elapsed = now - limits.started
                limits.progress(
                    ProgressInfo(
                        states=len(states),
                        frontier=len(states) - cursor,
                        depth=depth[cursor],
                        transitions=transitions,
                        seconds=elapsed,
                        states_per_second=len(states) / elapsed if elapsed > 0 else 0.0,
                    )
                )
        state = states[cursor]
        child_depth = depth[cursor] + 1
        out: list[int] = []
        out_labels: list[int] = []
        before = transitions
        for action, target in expand(state):
            transitions += 1
            # The deadline is honoured inside a state's expansion too: one state may have
            # very many actions, each costly.
            if deadline is not None and transitions % _CLOCK_EVERY == 0 and clock() >= deadline:
                stopped = "max-seconds"
                break
            # A step that changes nothing (a notification, a failed attempt) leads to the very
            # state expanded: its index needs no look-up (no hash of the whole state).
            j = cursor if target is state else index.get(target)
            if j is None:
                if cap is not None and len(states) >= cap:
                    stopped = "max-states"
                    break
                j = len(states)
                index[target] = j
                states.append(target)
                parent.append(cursor)
                depth.append(child_depth)
                if pending:
                    discovered(j)
            if labels is not None:
                aid = action_ids.get(action)
                if aid is None:
                    aid = action_ids[action] = len(action_ids)
                out_labels.append(aid)
            else:
                fired.add(action)
            if succ is not None:
                out.append(j)
        if stopped is not None:
            break
        if transitions == before and first_deadlock is None:
            first_deadlock = cursor
        if succ is not None:
            succ.append(out)
        if labels is not None:
            labels.append(out_labels)
        cursor += 1

    fired.update(action_ids)
    return Exploration(
        states=states,
        index=index,
        parent=parent,
        depth=depth,
        initial=initial,
        succ=succ,
        labels=labels,
        actions=list(action_ids),
        fired=frozenset(fired),
        hits=hits,
        first_deadlock=first_deadlock,
        transitions=transitions,
        expanded=cursor,
        stopped_reason=stopped,
    )


def first_hits(
    states: Sequence[S],
    checks: Sequence[SafetyCheck[S]],
    start: int,
    end: int,
    stop: Callable[[], bool] | None = None,
) -> dict[int, int] | None:
    """The first index of ``states[start:end]`` that decides each check decided there (by slot),
    asking every check still undecided of one state before the next state (as the search does
    when it discovers a state); None when ``stop`` turned true, asked every few hundred states.
    """
    return first_hits_until(states, checks, start, end, stop)[0]


def first_hits_until(
    states: Sequence[S],
    checks: Sequence[SafetyCheck[S]],
    start: int,
    end: int,
    stop: Callable[[], bool] | None = None,
    deadline: float | None = None,
) -> tuple[dict[int, int] | None, int]:
    """`first_hits`, and the index it asked up to: ``end``, or the first state not asked when
    ``deadline`` (a `time.perf_counter` reading) passed first. The hits found before it are the
    first states deciding those checks in ``states[start:end]``; the others are not known."""
    hits: dict[int, int] = {}
    watch = [(check.slot, check.pred, check.hit_when) for check in checks]
    for i in range(start, end):
        if i % _CLOCK_EVERY == 0:
            if stop is not None and stop():
                return None, i
            if deadline is not None and time.perf_counter() >= deadline:
                return hits, i
        state = states[i]
        found = False
        for slot, pred, hit_when in watch:
            if (not pred(state)) is not hit_when:
                hits[slot] = i
                found = True
        if found:
            watch = [entry for entry in watch if entry[0] not in hits]
            if not watch:
                break
    return hits, end


def _expander(model: Model[S, A], canonicalize: bool) -> Callable[[S], Iterable[tuple[A, S]]]:
    """A state's actions with their (canonical, when asked) successors."""
    if isinstance(model, Expanding):
        successors = model.successors
        return lambda state: successors(state, canonicalize)
    actions_of, next_of, canon = model.actions, model.next_state, model.canonical
    if canonicalize:
        return lambda state: ((a, canon(next_of(state, a))) for a in actions_of(state))
    return lambda state: ((a, next_of(state, a)) for a in actions_of(state))


def parent_path(parent: Sequence[int], state: int) -> list[int]:
    """State indices from an initial state to ``state`` along parent pointers (a shortest path)."""
    path = [state]
    while parent[path[-1]] >= 0:
        path.append(parent[path[-1]])
    path.reverse()
    return path


def reachable(
    model: Model[S, A],
    *,
    symmetry: bool = False,
    labels: bool = False,
    max_states: int | None = None,
) -> Exploration[S, A]:
    """The reachable graph of ``model``: every state, its successors and (if asked) their actions.

    A read-only visit in the spirit of Stateright's ``CheckerVisitor``: callers that want to look
    at every reachable state (coverage, pictures, collecting the worlds that show a symptom) get
    the graph itself instead of smuggling a side effect into a property. ``symmetry`` stores
    ``model.canonical(s)``; a search cut by ``max_states`` says so in ``stopped_reason``.
    """
    return explore(
        model,
        canonicalize=symmetry,
        record_edges=True,
        record_labels=labels,
        checks=(),
        limits=Limits(max_states=max_states, deadline=None, progress=None, started=0.0),
    )
