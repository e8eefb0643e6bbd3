"""The console view of a place: what the page shows and `/api/state` returns, as one document.

Everything in it comes from `model/explore/adapter.py` (the model's answers) and
`model/explore/place.py` (the links): the site's properties, its site systems and clients, the
scenario verdicts, the properties' status along the path, the documented fault with its
workaround, what the administrator can do now and what the site may do next, the timeline, and
a followed trace. Links are relative URLs of places, so every control is a plain link or form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from ehttp.explore.adapter import (
    QUANTUM_MINUTES,
    WORKAROUND,
    InputError,
    Move,
    World,
    WorldModel,
    client_views,
    fault_at,
    possible_moves,
    property_status,
    scenario_rows,
    seed_quotes,
    site_system_views,
    site_view,
    symptoms,
    take,
)
from ehttp.explore.place import Place, Walk

__all__ = ["WAIT", "state_document", "workaround_tokens"]

WAIT = "15-minutes-pass"
"""The clock's step ("15 minutes pass") as a token: "wait 15 minutes"."""


def workaround_tokens(model: WorldModel, world: World) -> tuple[tuple[str, ...], str | None]:
    """The seed's workaround as one click from `world` (CERT-4), or why it can't be taken now."""
    at = world
    for token in WORKAROUND:
        try:
            at = take(model, at, token).after
        except InputError as error:
            return (), f"{token}: {error}"
    return WORKAROUND, None


def _move(place: Place, move: Move, route: str) -> dict[str, Any]:
    return {
        "token": move.token,
        "actor": move.actor,
        "label": move.label,
        "text": move.text,
        "url": place.then([move.token]).url(),
        "whatif_url": f"{place.url('/whatif')}&{_do(move.token)}" if route else None,
    }


def _do(token: str) -> str:
    return urlencode({"do": token})


def _timeline(place: Place, found: Walk) -> list[dict[str, Any]]:
    rows = []
    ticks = 0
    for number, click in enumerate(found.clicks, 1):
        steps = []
        for move in click:
            ticks += move.tick
            steps.append(
                {"minutes": ticks * QUANTUM_MINUTES, "actor": move.actor, "text": move.text}
            )
        rows.append({"click": number, "url": place.prefix(number).url(), "steps": steps})
    return rows


def _wait(
    place: Place, model: WorldModel, world: World, system: tuple[Move, ...]
) -> dict[str, Any]:
    tick = next((m for m in system if m.token == WAIT), None)
    if tick is not None:
        return {"url": place.then([WAIT]).url(), "why_not": None}
    if any(timer >= 0 for _state, timer in world):
        why = (
            "some work stands at its deadline: the site's own step comes first (modeling "
            "assumption A-12); choose it below or let the site run"
        )
    else:
        why = "nothing is pending: no timer runs, so time passing changes nothing here"
    return {"url": None, "why_not": why}


def _trace(place: Place, found: Walk) -> dict[str, Any] | None:
    if place.trace is None:
        return None
    done = len(found.moves)
    remaining = place.plan[done:]
    return {
        "property": place.trace,
        "step": done,
        "of": len(place.plan),
        "next": remaining[0] if remaining else None,
        "next_url": place.then([remaining[0]]).url() if remaining else None,
        "rest_url": place.then(remaining).url() if remaining else None,
        "start_url": place.prefix(0).url(),
    }


def _fault(place: Place, model: WorldModel, world: World) -> dict[str, Any] | None:
    stranded = fault_at(model, world)
    if not stranded:
        return None
    tokens, why_not = workaround_tokens(model, world)
    return {
        "site_systems": list(stranded),
        "requirement": "CERT-3",
        "quotes": list(seed_quotes("CERT-3")),
        "workaround": {
            "requirement": "CERT-4",
            "quotes": list(seed_quotes("CERT-4")),
            "actions": list(WORKAROUND),
            "url": place.then(tokens).url() if tokens else None,
            "why_not": why_not,
        },
    }


def state_document(place: Place, found: Walk) -> dict[str, Any]:
    """The console view of `place` (the body of `/api/state`; `specs/schemas/explore.json`)."""
    model, world = found.model, found.here
    admin, system = possible_moves(model, world)
    return {
        "kind": "state",
        "url": place.url(),
        "lab_name": found.lab.name,
        "clicks": len(found.clicks),
        "minutes": found.minutes,
        "started_from": "steady state" if place.start is None else "given world",
        "site": site_view(model, world),
        "site_systems": site_system_views(model, world),
        "clients": client_views(model, world),
        "scenarios": scenario_rows(found.lab, world),
        "fault": _fault(place, model, world),
        "properties": property_status(model, found.worlds, [m.row for m in found.moves]),
        "actions": [_move(place, m, "/whatif") for m in admin],
        "steps": [_move(place, m, "") for m in system if m.token != WAIT],
        "wait": _wait(place, model, world, system),
        "run_url": place.url("/run"),
        "undo_url": place.prefix(len(found.clicks) - 1).url() if found.clicks else None,
        "timeline": _timeline(place, found),
        "trace": _trace(place, found),
        "symptoms": symptoms(model),
    }
