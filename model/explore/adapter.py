"""The explorer's one door into the model: every lab, world, step, property and answer that
`ehttp explore` shows comes through a function of this module, and no other module of
`model/explore/` imports the rest of the package (`tests/explore/test_adapter.py` checks it).

The functions wrap what the commands already compute; none decides anything itself:
- labs: `lab_by_name`, `example_lab_names`, `read_lab_file`, `lab_from_text`, `lab_text` (the
  loader and its one-line errors are `model/config/labfile.py`'s, as for every command);
- worlds: `model_of`, `steady`, `world_from_json`, `world_json`, `describe` (the world of
  `model/compose/world.py`; the start is `ehttp whatif`'s and `ehttp diagnose`'s steady state);
- steps: `possible_moves`, `take`, `tokens_along` (administrator actions by the ids of
  `ehttp whatif --do`, the site's own steps by their row's words and instance);
- the console: `site_view`, `site_system_views`, `client_views`, `fault_at` (the declarations'
  own state descriptions, `ehttp whatif`'s capabilities, the CERT-3 symptom of
  `model/compose/properties/`);
- properties: `property_status` (the lab's checks of `model/compose/properties/`, each
  predicate asked of the worlds on the path);
- answers: `whatif_answer`, `run_outcomes`, `diagnose_answer`, `symptoms`, `scenario_rows`
  (`ehttp whatif`, `ehttp diagnose`, `ehttp scenarios`);
- quotes: `seed_quotes` (the requirement catalogue's verbatim sentences of the seed).

Modeling assumption A-45: the explorer treats each administrator action as one click taken at
once, and lets the site's own steps, including the clock's "15 minutes pass", run between clicks
only when the person chooses them (or "let the site run"); this is `ehttp whatif`'s A-33 applied to
one action at a time, with the interleaving left to the person.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from ehttp.ask.actions import action_text, apply, catalogue, parse, possible_now
from ehttp.ask.diagnose import diagnose
from ehttp.ask.diagnose_text import to_json as diagnose_json
from ehttp.ask.observe import CAPABILITIES, http_site_systems
from ehttp.ask.statefile import load_world
from ehttp.ask.steady import steady_state
from ehttp.ask.symptoms import symptom_list
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_text import describe_world
from ehttp.ask.whatif_text import to_json as whatif_json
from ehttp.compose.properties import LAB, lab_checks, stranded, variant_without
from ehttp.compose.world import APP, EXEC, SITE, ModelError, World, WorldModel
from ehttp.config.examples import example_lab, example_labs
from ehttp.config.labfile import LabError, lab_to_toml, load_lab, parse_lab
from ehttp.config.schema import Lab
from ehttp.machines.binding import BOUND_STATES, DELETE
from ehttp.machines.clock import QUANTUM_MINUTES, TICK
from ehttp.machines.site import UNSUPPORTED_STATE
from ehttp.report.markdown import plain
from ehttp.report.requirements import load_requirements
from ehttp.views.scenarios import SCENARIO_TITLES, judge

__all__ = [
    "DEFAULT",
    "QUANTUM_MINUTES",
    "WORKAROUND",
    "InputError",
    "Lab",
    "LabError",
    "ModelError",
    "Move",
    "Outcome",
    "World",
    "WorldModel",
    "client_views",
    "describe",
    "diagnose_answer",
    "example_lab_names",
    "fault_at",
    "lab_by_name",
    "lab_from_text",
    "lab_text",
    "model_of",
    "possible_moves",
    "property_status",
    "read_lab_file",
    "run_outcomes",
    "scenario_rows",
    "seed_quotes",
    "site_system_views",
    "site_view",
    "steady",
    "symptoms",
    "take",
    "tokens_along",
    "whatif_answer",
    "world_from_json",
    "world_json",
]

DEFAULT = "default"
"""The embedded default lab's name."""

InputError = (LabError, ModelError)
"""What the model raises for input it can't use (one line each): lab files, actions, worlds."""

WORKAROUND: tuple[str, ...] = ("delete-sms-issuing-certs", "restart-smsexec")
"""The seed's workaround for CERT-3 as `ehttp whatif --do` ids (CERT-4): delete every certificate
issued by SMS Issuing from the SMS store, then restart smsexec."""

# --- labs ---------------------------------------------------------------------------------


def example_lab_names() -> tuple[str, ...]:
    """The embedded default lab, then every example lab shipped with the package, by name (the
    names every command's `--lab` takes, `model/config/examples.py`)."""
    return tuple(example.name for example in example_labs())


def lab_by_name(name: str) -> Lab:
    """The embedded default lab or an example lab by name; `LabError` names the accepted ones."""
    return example_lab(name)


def read_lab_file(path: Path) -> Lab:
    """A lab file, read as every command reads one (size bound, UTF-8, TOML, the schema)."""
    return load_lab(path)


def lab_from_text(text: str, source: str) -> Lab:
    """A lab from its TOML text (a lab carried in an explorer link), read as a lab file is."""
    return parse_lab(text, source)


def lab_text(lab: Lab) -> str:
    """The lab as lab-file text that `lab_from_text` reads back to an equal lab."""
    return lab_to_toml(lab)


# --- worlds -------------------------------------------------------------------------------


@lru_cache(maxsize=16)
def model_of(lab: Lab) -> WorldModel:
    """The lab's composed model (every administrator action and system step)."""
    return WorldModel(lab)


@lru_cache(maxsize=16)
def steady(lab: Lab) -> World:
    """Where `ehttp whatif` and `ehttp diagnose` start: the lab's steady state."""
    return steady_state(lab)


def world_json(model: WorldModel, world: World) -> dict[str, Any]:
    """A world as the commands print it: each instance's state and the minutes on its timer."""
    return model.state_to_json(world)


def world_from_json(model: WorldModel, data: Mapping[str, Any], where: str) -> World:
    """The world a JSON object names (as `ehttp whatif --from` reads one), for `model`'s lab.

    `model/ask/statefile.py` reads worlds from files only, so the object is handed to it as one;
    its one-line errors name `where` instead of the temporary file.
    """
    handle, name = tempfile.mkstemp(suffix=".json", prefix="ehttp-explore-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(dict(data), file)
        return load_world(model, Path(name))
    except ModelError as error:
        raise ModelError(str(error).replace(f"--from: {name}", where)) from None
    finally:
        os.unlink(name)


def describe(model: WorldModel, world: World) -> str:
    """A world in one line (`ehttp whatif`'s words)."""
    return describe_world(model, world)


# --- steps --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One step of the model from a world: its token (what a link carries), who takes it, its
    name in the source's words, what happens, the world it leads to, and whether it is the
    clock's."""

    token: str
    actor: str
    """"administrator", "site", "client" or "time" (the row's actor)."""
    label: str
    text: str
    after: World
    tick: bool
    row: str = ""
    """The name of the declared row the move takes (`variant_without` names rows so)."""


def _row(model: WorldModel, action: tuple[int, int]) -> Any:
    index, number = action
    return model.env.machines[index].rows[number]


def _moves(model: WorldModel, world: World) -> list[tuple[tuple[int, int], Move]]:
    enabled = model.actions(world)
    texts = [action_text(model, a) for a in enabled]
    found = []
    for action, text in zip(enabled, texts, strict=True):
        row = _row(model, action)
        after = model.next_state(world, action)
        token = text if texts.count(text) == 1 else f"{text}@{row.dest}"
        index = action[0]
        where = f" ({model.env.names[index]})" if index >= model.env.first_binding else ""
        found.append(
            (
                action,
                Move(
                    token,
                    row.actor,
                    f"{row.name}{where}",
                    model.describe_step(world, action, after),
                    after,
                    row.name == TICK,
                    row.name,
                ),
            )
        )
    return found


def possible_moves(model: WorldModel, world: World) -> tuple[tuple[Move, ...], tuple[Move, ...]]:
    """(the administrator's actions possible now, the site's own steps that may come next).

    Administrator actions are `ehttp whatif --list`'s, possible now, each taken as whatif takes
    it (`delete-sms-issuing-certs` with no site system deletes on every one); the site's own
    steps are every enabled weakly fair row (site components, client agents, the clock), one
    `Move` each: the model is nondeterministic and every choice is shown.
    """
    admin = tuple(_admin(model, world, text) for text in possible_now(model, world))
    system = tuple(m for a, m in _moves(model, world) if model.is_fair(a))
    return admin, system


def _admin(model: WorldModel, world: World, text: str) -> Move:
    action = parse(model, text)
    after, steps = apply(model, world, action)
    where = action.target or ("every site system" if action.row == DELETE else None)
    label = action.row if where is None else f"{action.row} ({where})"
    return Move(
        text, "administrator", label, "; ".join(s.text for s in steps), after, False, action.row
    )


def take(model: WorldModel, world: World, token: str) -> Move:
    """The move `token` names from `world`: an administrator action as `ehttp whatif --do` names
    it, or a site's step by its token (`possible_moves`). Raises `ModelError` naming what is
    possible now."""
    for _action, move in _moves(model, world):
        if move.token == token:
            return move
    texts = {a.text for a in catalogue(model)}
    if token in texts and token in possible_now(model, world):
        return _admin(model, world, token)
    admin, system = possible_moves(model, world)
    accepted = ", ".join(m.token for m in (*admin, *system)) or "nothing"
    raise ModelError(f"{token!r} is not possible here; possible now: {accepted}")


def tokens_along(
    model: WorldModel, start: World, states: Sequence[Mapping[str, Any]]
) -> tuple[str, ...]:
    """The step tokens of a path given by the worlds it passes after `start`, as the commands
    print worlds (a check's trace, a diagnose cause, a whatif path). A world may be given up to
    interchangeable clients, as a check with symmetry reduction prints it. Raises `ModelError`
    naming the first world no enabled step leads to."""
    at = start
    tokens: list[str] = []
    for number, wanted in enumerate(states, 1):
        moves = [move for _action, move in _moves(model, at)]
        found = next((m for m in moves if world_json(model, m.after) == wanted), None)
        if found is None:
            found = next(
                (m for m in moves if world_json(model, model.canonical(m.after)) == wanted), None
            )
        if found is None:
            raise ModelError(
                f"step {number}: no step of lab {model.lab.name!r} leads from "
                f"{describe(model, at)} to the world the path gives"
            )
        tokens.append(found.token)
        at = found.after
    return tuple(tokens)


# --- the console --------------------------------------------------------------------------


def site_view(model: WorldModel, world: World) -> dict[str, Any]:
    """The site's properties as the console shows them (Client Computer Communication tab)."""
    state = world[SITE][0]
    communication, _, option = state.partition("+")
    return {
        "client_communication": communication,
        "enhanced_http": option == "enhanced",
        "option_offered": model.option_available(),
        "unsupported": state == UNSUPPORTED_STATE,
        "words": model.env.machines[SITE].state(state).description,
        "azure_ad_app": model.env.machines[APP].state(world[APP][0]).description,
        "smsexec": world[EXEC][0],
        "smsexec_words": model.env.machines[EXEC].state(world[EXEC][0]).description,
        "version": model.lab.site.version,
        "prerelease_features": model.lab.site.prerelease_features,
    }


def _sms_certificate_states(model: WorldModel) -> frozenset[str]:
    """Binding states that hold a certificate issued by SMS Issuing: the states the seed's delete
    step (`DELETE`) acts on."""
    env = model.env
    return frozenset(
        source
        for index in env.bindings
        for row in env.machines[index].rows
        if row.name == DELETE
        for source in row.source
    )


def _timer(model: WorldModel, world: World, index: int) -> int | None:
    timer = world[index][1]
    return timer * QUANTUM_MINUTES if timer >= 0 else None


def site_system_views(model: WorldModel, world: World) -> list[dict[str, Any]]:
    """Each site system: its role, connections, certificate and IIS binding, in the
    declarations' words, and the minutes its queued work has waited."""
    env = model.env
    holding = _sms_certificate_states(model)
    rows = []
    for index in env.bindings:
        system = env.site_system(index)
        state = world[index][0]
        if state in BOUND_STATES:
            iis = "SMS Role SSL Certificate bound to the Default Web Site on port 443"
        elif state.startswith("pki-bound"):
            iis = "PKI certificate bound"
        else:
            iis = "no certificate bound"
        rows.append(
            {
                "name": env.names[index],
                "role": "management point" if index < env.first_dp else "distribution point",
                "connections": system.connections,
                "state": state,
                "words": env.machines[index].state(state).description,
                "sms_certificate": state in holding,
                "iis": iis,
                "waited_minutes": _timer(model, world, index),
                "fault": "fault" in env.machines[index].state(state).marks
                and stranded(model, world, index),
            }
        )
    return rows


def client_views(model: WorldModel, world: World) -> list[dict[str, Any]]:
    """Each client: its configuration, its registration in the declarations' words, and what
    it can do in this world (`ehttp whatif`'s capabilities)."""
    env = model.env
    rows = []
    for index in env.clients:
        client = env.client(index)
        state = world[index][0]
        rows.append(
            {
                "name": env.names[index],
                "join": client.join,
                "windows": client.windows,
                "network": client.network,
                "pki_certificate": client.pki_certificate,
                "user_signed_in": client.user_signed_in,
                "registration": state,
                "words": env.machines[index].state(state).description,
                "waited_minutes": _timer(model, world, index),
                "now": [
                    {
                        "capability": c.name,
                        "works": c.holds(env, world, index),
                        "requirements": list(c.requirements),
                    }
                    for c in CAPABILITIES
                ],
            }
        )
    return rows


def fault_at(model: WorldModel, world: World) -> tuple[str, ...]:
    """The HTTP site systems that show the documented fault's symptom (CERT-3) in `world`."""
    env = model.env
    return tuple(env.names[i] for i in http_site_systems(env) if stranded(model, world, i))


# --- properties ---------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _checks(lab: Lab) -> tuple[Any, ...]:
    return lab_checks(model_of(lab))


def property_status(
    model: WorldModel, worlds: Sequence[World], taken: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Every property of the lab (as `ehttp check` lists them), asked of the path so far:
    an invariant of the world here, a reachability goal of every world on the path, a liveness
    goal of the world here (met, or what it still waits for). `taken` are the rows the path took
    (`Move.row`): a property checked on a variant that leaves one of them out (the restart
    alone, say, which never deletes the certificates) says so instead of judging a path it is
    not about."""
    rows = []
    for check in _checks(model.lab):
        prop = check.prop
        outside = sorted(set(taken) & variant_without(model, check.variant))
        if check.variant != LAB and outside:
            status, ok = f"not about this path: '{check.variant}' never takes {outside[0]}", None
        else:
            status, ok = _status(model, prop.kind, prop.condition, prop.trigger, worlds)
        rows.append(
            {
                "name": prop.name,
                "kind": prop.kind,
                "variant": check.variant,
                "requirements": list(prop.requirements),
                "status": status,
                "ok": ok,
            }
        )
    return rows


def _status(
    model: WorldModel,
    kind: str,
    condition: Callable[[World], bool] | None,
    trigger: Callable[[World], bool] | None,
    worlds: Sequence[World],
) -> tuple[str, bool | None]:
    """The status text and whether it is good (None: neither, e.g. a goal not met yet)."""
    here = worlds[-1]
    if kind == "deadlock-free":
        alive = bool(model.actions(here))
        return ("a step is possible here" if alive else "DEADLOCK: no step is possible"), alive
    assert condition is not None
    if kind == "always":
        holds = condition(here)
        return ("holds here" if holds else "VIOLATED here"), holds
    if kind == "sometimes":
        met = [n for n, w in enumerate(worlds) if condition(w)]
        if met:
            return f"met on this path (first at step {met[0]})", True
        return "not met on this path yet", None
    if kind == "recoverable":
        healthy = condition(here)
        return ("healthy here" if healthy else "not healthy here"), healthy if healthy else None
    if kind == "eventually":
        return ("met here" if condition(here) else "not met here yet"), condition(here) or None
    assert trigger is not None
    if trigger(here) and not condition(here):
        since = len(worlds) - 1
        while since > 0 and trigger(worlds[since - 1]) and not condition(worlds[since - 1]):
            since -= 1
        return f"waiting since step {since}: the checker proves it comes", None
    return "nothing waiting", True


# --- answers ------------------------------------------------------------------------------


def whatif_answer(lab: Lab, world: World, actions: Sequence[str]) -> tuple[str, dict[str, Any]]:
    """`ehttp whatif`'s answer for `actions` taken from `world`: (its answer word, its JSON
    fields as `ehttp whatif --json` prints them). From the lab's steady state it is the
    command's own answer (its start and assumptions included), elsewhere `--from`'s."""
    answer = what_if(lab, tuple(actions), None if world == steady(lab) else world)
    return answer.verdict, whatif_json(answer)


@dataclass(frozen=True)
class Outcome:
    """A world the site settles in when only its own steps run, and the steps to it."""

    healthy: bool
    because: tuple[str, ...]
    fault: tuple[str, ...]
    minutes: tuple[int, int]
    tokens: tuple[str, ...]
    texts: tuple[str, ...]


def run_outcomes(lab: Lab, world: World) -> tuple[Outcome, ...]:
    """Where the site settles from `world` with only its own steps (weakly fair), each with
    `ehttp whatif`'s shortest path to it as step tokens: "let the site run"."""
    answer = what_if(lab, (), world)
    model = model_of(lab)
    found = []
    for outcome in answer.outcomes:
        tokens = tokens_along(model, world, [world_json(model, s.world) for s in outcome.path])
        found.append(
            Outcome(
                outcome.healthy,
                outcome.because,
                outcome.cert3,
                outcome.reached,
                tokens,
                tuple(step.text for step in outcome.path),
            )
        )
    return tuple(found)


def symptoms(model: WorldModel) -> list[dict[str, Any]]:
    """`ehttp diagnose --list`: every symptom of the lab, as typed and in words."""
    return [
        {"symptom": s.text, "words": s.words, "requirements": list(s.kind.requirements)}
        for s in symptom_list(model)
    ]


def diagnose_answer(
    lab: Lab, symptom: str, limit: int = 5, start: World | None = None
) -> tuple[str, dict[str, Any]]:
    """`ehttp diagnose`'s answer from `start` (`ehttp diagnose --from`; the lab's steady state
    when None or when `start` is that state): (its answer word, its JSON fields as
    `ehttp diagnose --json` prints them)."""
    if start is not None and start == steady(lab):
        start = None
    answer = diagnose(lab, symptom, limit=limit, start=start)
    return answer.verdict, diagnose_json(answer)


def scenario_rows(lab: Lab, world: World) -> list[dict[str, Any]]:
    """`ehttp scenarios`' verdicts judged in this very world (`ehttp.decide.decide`, the one
    decision every command asks: works, blocked, not-applicable, undocumented, with reasons and
    fixes), each with whether the world shows the scenario's goal."""
    report = judge(lab, world)
    rows = []
    for verdict, decision in zip(report.verdicts, report.decisions, strict=True):
        row = verdict.to_json()
        row["title"] = SCENARIO_TITLES[verdict.scenario]
        row["reached_here"] = decision.goal
        rows.append(row)
    return rows


# --- quotes -------------------------------------------------------------------------------


@cache
def seed_quotes(requirement: str) -> tuple[str, ...]:
    """The seed's sentences a requirement quotes, verbatim, as plain text (markdown marks
    kept out: the page escapes the text, it renders no markup from documents)."""
    for found in load_requirements():
        if found.id == requirement:
            return tuple(plain(q).replace("**", "") for q in found.quotes)
    raise KeyError(requirement)
