"""Reading the explored graph of a `whatif` script (`model/ask/timing.py`'s `Timed`): where the
administrator's actions were taken or found nothing to act on, the changes a user waits for once
they are all taken, a state predicate from a mask over the graph's states, each client
capability's window and the timeline's 15-minute slots. `model/ask/whatif.py` asks the checker
its questions over these masks and assembles the answer.
"""

from __future__ import annotations

from collections.abc import Callable

from ehttp.ask.actions import ActionError
from ehttp.ask.observe import http_site_systems
from ehttp.ask.timing import Timed, minutes
from ehttp.ask.whatif_answer import TimelineRow, Window
from ehttp.ask.whatif_script import Scripted
from ehttp.checker import PropertyResult
from ehttp.compose.world import EXEC, WorldModel
from ehttp.decide import can
from ehttp.machines.registration import (
    REGISTERED_STATES,
    REREGISTRATION_DUE,
    REREGISTRATION_STRANDED,
)

__all__ = [
    "NOT_ON_TIMELINE",
    "capability_window",
    "lookup",
    "skipped_actions",
    "states_after",
    "timeline_rows",
    "user_goals",
]

_WAITING = frozenset({REREGISTRATION_DUE, REREGISTRATION_STRANDED})
"""A client due to re-register, or stranded by HTTPS only while due (A-47, A-48)."""
_REREGISTERED = frozenset({"registered:enhanced-http", "registered:pki"})
"""Where a policy poll under enhanced HTTP re-registers a client (A-47)."""


_NOTIFICATION_AGAIN = "client notification works again"
NOT_ON_TIMELINE = frozenset({_NOTIFICATION_AGAIN})
"""Changes the timeline leaves out: the client's notification row shows the same minutes."""


def user_goals(
    model: WorldModel, timed: Timed, after: tuple[int, ...]
) -> list[tuple[str, str, tuple[str, ...], list[bool]]]:
    """(subject, what, requirement IDs, goal mask) for each change a user waits for; a goal is
    met only once every action is taken."""
    env = model.env
    states = timed.states
    done = [timed.done(s) for s in range(len(states))]
    first = states[after[0]]
    goals: list[tuple[str, str, tuple[str, ...], list[bool]]] = []

    def once_done(mask: list[bool]) -> list[bool]:
        return [d and m for d, m in zip(done, mask, strict=True)]

    for index in http_site_systems(env):
        name = env.names[index]
        bound = [env.sms_bound(w, index) for w in states]
        if env.enhanced(first):
            goals.append((name, "role certificate bound", ("CERT-1", "CERT-2"), once_done(bound)))
        elif any(bound):
            removed = once_done([not b for b in bound])
            goals.append((name, "role certificate removed", ("CERT-5",), removed))
    if any(states[s][EXEC][0] != "running" for s in after):
        running = once_done([w[EXEC][0] == "running" for w in states])
        goals.append(("smsexec", "running again", ("CERT-4",), running))
    finished = [s for s, d in enumerate(done) if d]
    for index in env.clients:
        name = env.names[index]
        due = any(states[s][index][0] in _WAITING for s in finished)
        registered = [w[index][0] in REGISTERED_STATES for w in states]
        registers = any(
            not registered[s] and any(registered[t] for t in timed.successors(s)) for s in finished
        )
        if due:
            goals.append(
                (
                    name,
                    "re-registered under enhanced HTTP",
                    ("REG-4",),
                    once_done([w[index][0] in _REREGISTERED for w in states]),
                )
            )
        elif registers:
            goals.append((name, "registered", ("REG-1", "REG-2"), once_done(registered)))
        notified = [can(env, w, index, "client notification") for w in states]
        if notified[0] and not all(notified[s] for s in finished):
            goals.append((name, _NOTIFICATION_AGAIN, ("REG-5",), once_done(notified)))
    return goals


def timeline_rows(timed: Timed, rows: list[tuple[str, str, list[bool]]]) -> tuple[TimelineRow, ...]:
    """The timeline's rows: per 15-minute slot of the explored script, whether the row's
    `failing` mask holds in every run there ("fails"), in some ("maybe") or in none ("works")."""
    horizon = timed.horizon + 1
    occupied = [timed.occupied(q) for q in range(horizon + 1)]
    out: list[TimelineRow] = []
    for subject, what, failing in rows:
        slots: list[str] = []
        for states in occupied:
            bad = [failing[s] for s in states]
            slots.append("fails" if all(bad) else "maybe" if any(bad) else "works")
        out.append(TimelineRow(subject, what, tuple(slots)))
    return tuple(out)


def skipped_actions(timed: Timed, count: int) -> set[int]:
    """The actions some run's click found nothing to act on; an input error when no run takes
    one of them."""
    graph = timed.graph
    assert graph.labels is not None
    taken: set[int] = set()
    skipped: dict[int, int] = {}
    for state, labels in enumerate(graph.labels):
        for label in labels:
            move = graph.actions[label]
            if move.kind == "admin":
                taken.add(move.number)
            elif move.kind == "skip":
                skipped.setdefault(move.number, state)
    for number in range(count):
        if number not in taken:
            raise ActionError(timed.model.refusal(graph.states[skipped[number]]))
    return set(skipped)


def states_after(timed: Timed, count: int) -> tuple[int, ...]:
    """The states right after the last action (the start when there is none), first found
    first."""
    if count == 0:
        return (0,)
    graph = timed.graph
    assert graph.labels is not None
    found: dict[int, None] = {}
    for state, labels in enumerate(graph.labels):
        for k, label in enumerate(labels):
            move = graph.actions[label]
            if move.kind in {"admin", "skip"} and move.number == count - 1:
                found[timed.successors(state)[k]] = None
    return tuple(sorted(found))


def lookup(timed: Timed, mask: list[bool]) -> Callable[[Scripted], bool]:
    """A predicate over the script's states that reads `mask` (one entry per explored state)."""
    index = timed.graph.index

    def holds(state: Scripted) -> bool:
        return mask[index[state]]

    return holds


def capability_window(
    timed: Timed,
    client: str,
    name: str,
    reqs: tuple[str, ...],
    mask: list[bool],
    result: PropertyResult[Scripted] | None,
) -> Window:
    """The window of one client's capability; "may fail" until the caller knows whether every
    run fails at some point ("fails")."""
    before = mask[0]
    if result is None:
        return Window(client, name, reqs, "works" if before else "doesn't work", None, None)
    failing = [t for s, times in enumerate(timed.arrivals) if not mask[s] for t in times]
    first, last = minutes(min(failing)), minutes(max(failing))
    done = [s for s in range(len(mask)) if timed.done(s)]
    if before and not any(mask[s] for s in done):
        return Window(client, name, reqs, "stops", first, None, False)
    if result.verdict == "violated":
        lasso = timed.model.trace(result)
        status = "stops" if before else "may start"
        return Window(client, name, reqs, status, first, None, False, lasso, result.loop_from)
    dated = all(timed.bounded(s) for s in range(len(mask)) if not mask[s])
    if not before:
        return Window(client, name, reqs, "starts", first, last, dated)
    return Window(client, name, reqs, "may fail", first, last, dated)
