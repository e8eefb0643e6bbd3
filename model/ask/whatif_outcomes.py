"""Where the runs of a `whatif` answer end, and whether the documented fault shows on the way:
the steady outcomes (the explored graph's bottom strongly connected components), and the CERT-3
question (the symptom is `model/compose/properties/common.py`'s `stranded`), asked of the checker as
`eventually` and `sometimes` properties.
"""

from __future__ import annotations

from ehttp.ask.observe import healthy, http_site_systems, unhealthy_because
from ehttp.ask.steps import trace_steps
from ehttp.ask.timing import Timed, minutes
from ehttp.ask.whatif_answer import Cert3, Outcome
from ehttp.ask.whatif_graph import lookup
from ehttp.checker import Property, check
from ehttp.compose.properties import stranded
from ehttp.compose.world import HISTORY, World, WorldModel
from ehttp.machines.site import DISABLE, ENABLE

__all__ = ["cert3_answer", "steady_outcomes"]


def steady_outcomes(model: WorldModel, timed: Timed) -> tuple[Outcome, ...]:
    """Settled worlds, then, should the declarations ever allow it, one world for each region of
    worlds runs cycle in forever without settling (none in the current declarations)."""
    env = model.env
    count = len(timed.states)
    reverse: list[list[int]] = [[] for _ in range(count)]
    for state in range(count):
        for nxt in timed.successors(state):
            reverse[nxt].append(state)
    settles = [timed.settled(s) for s in range(count)]
    stack = [s for s in range(count) if settles[s]]
    while stack:
        for before in reverse[stack.pop()]:
            if not settles[before]:
                settles[before] = True
                stack.append(before)
    picked: list[tuple[int, int]] = [(s, 0) for s in range(count) if timed.settled(s)]
    covered = [False] * count
    for state in range(count):
        if settles[state] or covered[state]:
            continue
        region = _forward(timed, state)
        if all(state in _forward(timed, other) for other in region):
            for other in region:
                covered[other] = True
            picked.append((state, len(region)))
    merged: dict[World, tuple[int, int, int, set[int]]] = {}
    for state, cycle in picked:
        # Worlds that differ only in the toggle history (an observer) look alike to a user.
        key = (*timed.states[state][:HISTORY], ("", -1), *timed.states[state][HISTORY + 1 :])
        if key in merged:
            merged[key][3].update(timed.arrivals[state])
        else:
            merged[key] = (state, cycle, len(merged), set(timed.arrivals[state]))
    found: list[Outcome] = []
    for state, cycle, _order, times in merged.values():
        world = timed.states[state]
        found.append(
            Outcome(
                world=world,
                healthy=healthy(model, world),
                because=tuple(unhealthy_because(model, world)),
                cert3=tuple(
                    env.names[i] for i in http_site_systems(env) if stranded(model, world, i)
                ),
                reached=(minutes(min(times)), minutes(max(times))),
                path=tuple(timed.path_to(state)),
                cycle=cycle,
                every=len(merged) == 1,
            )
        )
    return tuple(found)


def _forward(timed: Timed, start: int) -> set[int]:
    seen = {start}
    stack = [start]
    while stack:
        for nxt in timed.successors(stack.pop()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def cert3_answer(model: WorldModel, timed: Timed, after: tuple[World, ...]) -> Cert3:
    """Whether the CERT-3 symptom shows on the way (in every run or some), else whether further
    administrator actions from the worlds `after` the actions reach it, without or with the
    toggle rows."""
    env = model.env
    systems = http_site_systems(env)

    def symptom(world: World) -> bool:
        return any(stranded(model, world, i) for i in systems)

    mask = [symptom(w) for w in timed.states]
    on_the_way = next((s for s, hit in enumerate(mask) if hit), None)
    if on_the_way is not None:
        everywhere = Property.eventually("CERT-3 in every run", lookup(timed, mask), ("CERT-3",))
        every = check(timed.model, [everywhere], symmetry=False).properties[0].holds
        return Cert3(tuple(timed.path_to(on_the_way)), None, (), every)
    if not systems or not model.option_available():
        return Cert3(None, False, ())
    prop = Property.sometimes("CERT-3 symptom", symptom, ("CERT-3",))
    quiet = WorldModel(model.lab, initial=list(after), without=frozenset({ENABLE, DISABLE}))
    without = check(quiet, [prop], symmetry=False).properties[0].holds
    full = check(WorldModel(model.lab, initial=list(after)), [prop], symmetry=False).properties[0]
    return Cert3(None, without, trace_steps(model, full) if full.holds else ())
