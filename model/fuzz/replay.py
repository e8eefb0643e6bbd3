"""Replay files: a failure's steps as JSON, and replaying them (or a checker trace) into a lab.

Every failure is written as JSON, and `ehttp fuzz --replay FILE` replays it exactly. A
replay file holds the lab (as lab-file TOML), the seed the lab's keys derive from, the mutant if
one was planted, the broken invariant and the steps in the source's words, each step naming its
declared row (instance, machine, row number) or its attack, so replay does not depend on the
order in which actions happen to be enumerated.

The same command replays a trace from `ehttp check --json` (a property's ``"trace"``: a list of
``{"action", "state", "text"}``): each step is mapped back to the model action whose successor
renders as the trace's next state, so a checker witness can be watched happening in the lab.

A replay file is untrusted input: it is read only up to `MAX_REPLAY_BYTES`, JSON nested deeper than
the parser follows is refused, at most `MAX_REPLAY_STEPS` steps are replayed, and the mutant and
each attack must be ones this version knows; each mistake is one line (exit 2 at the command).
The file a failure is written to is named after the lab through `file_stem`, so a lab named with
``/`` or ``..`` can't place it outside the replay folder, and is written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehttp.atomic import write_atomic
from ehttp.compose.world import Action, World, WorldModel
from ehttp.config.labfile import LabError, file_stem, lab_to_toml, parse_lab
from ehttp.config.schema import Lab
from ehttp.fuzz.driver import Driver
from ehttp.fuzz.invariants import InvariantBroken, state_invariants
from ehttp.fuzz.lockstep import FuzzStep, Lockstep
from ehttp.fuzz.profiles import cache_folder
from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.mutants import MUTANTS
from ehttp.readlimits import TooLarge, load_json

__all__ = [
    "FORMAT",
    "MAX_REPLAY_BYTES",
    "MAX_REPLAY_STEPS",
    "ReplayError",
    "ReplayOutcome",
    "ReplayPlan",
    "load_replay",
    "replay",
    "step_json",
    "write_replay",
]

FORMAT = "ehttp-fuzz-replay"
MAX_REPLAY_BYTES = 4_194_304
"""The largest replay file read (4 MiB; a minimized failure is a few KB)."""
MAX_REPLAY_STEPS = 10_000
"""The most steps a replay file may hold (campaign examples are at most 500 steps)."""

_ATTACKS = frozenset(attack.name for attack in CATALOGUE)

Move = Action | str
"""A replayed step: a model action, or the name of an attack of the catalogue."""


class ReplayError(ValueError):
    """A replay file that can't be used (one line: which file, which field, what is accepted)."""


@dataclass(frozen=True)
class ReplayPlan:
    """What to replay: the lab, its seed and mutant, and the steps."""

    lab: Lab
    seed: int
    mutant: str | None
    moves: tuple[Move, ...]
    source: str
    """"fuzz" for a campaign's replay file, "check" for a checker trace."""


@dataclass(frozen=True)
class ReplayOutcome:
    """The steps carried out, and the invariant that broke (None when the replay is clean)."""

    steps: tuple[FuzzStep, ...]
    broken: InvariantBroken | None


def step_json(step: FuzzStep) -> dict[str, Any]:
    """A step as JSON, in replay files and in `ehttp fuzz --json` alike: an attack of the
    catalogue by name, or a declared row by name, instance, machine and row number."""
    if step.kind == "attack":
        return {"kind": "attack", "attack": step.name, "text": step.text}
    return {
        "kind": "action",
        "action": step.name,
        "instance": step.instance,
        "machine": step.machine,
        "row": step.row,
        "text": step.text,
    }


def write_replay(
    folder: Path | None,
    *,
    lab: Lab,
    seed: int,
    mutant: str | None,
    invariant: str,
    steps: Sequence[FuzzStep],
) -> Path:
    """Write a failure's replay file into `folder` (default: the cache folder's `replays`)."""
    document = {
        "format": FORMAT,
        "lab": lab_to_toml(lab),
        "seed": seed,
        "mutant": mutant,
        "invariant": invariant,
        "steps": [step_json(step) for step in steps],
    }
    text = json.dumps(document, indent=2) + "\n"
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    where = folder if folder is not None else cache_folder() / "replays"
    where.mkdir(parents=True, exist_ok=True)
    path = where / f"{file_stem(lab.name)}-seed{seed}-{digest}.json"
    write_atomic(path, text.encode("utf-8"))
    return path


def load_replay(path: Path, lab: Lab, prop: str | None = None) -> ReplayPlan:
    """Read a replay file, or a checker trace to replay on `lab` (the file's own lab wins): a
    property's trace, or the trace of property `prop` in a whole `ehttp check --json` file."""
    where = str(path)
    try:
        with path.open("rb") as file:
            data = file.read(MAX_REPLAY_BYTES + 1)
        if len(data) > MAX_REPLAY_BYTES:
            raise ReplayError(
                f"--replay: {where}: larger than {MAX_REPLAY_BYTES:,} bytes; give a replay file "
                "written by ehttp fuzz or a trace from ehttp check --json"
            )
        document = load_json(data.decode("utf-8"))
    except TooLarge as error:
        raise ReplayError(f"--replay: {where}: {error}") from None
    except OSError as error:
        raise ReplayError(f"--replay: {where}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReplayError(
            f"--replay: {where} is not JSON ({error}); give a replay file "
            "written by ehttp fuzz or a trace from ehttp check --json"
        ) from None
    if isinstance(document, dict) and document.get("format") == FORMAT:
        return _fuzz_plan(document, where)
    if isinstance(document, dict) and isinstance(document.get("properties"), list):
        return _check_plan(_trace_of(document["properties"], prop, where), lab, where)
    if isinstance(document, dict) and isinstance(document.get("trace"), list):
        return _check_plan(document["trace"], lab, where)
    if isinstance(document, list):
        return _check_plan(document, lab, where)
    raise ReplayError(
        f'--replay: {where} is neither a replay file ("format": "{FORMAT}") nor a checker '
        'trace (a property\'s "trace" list from ehttp check --json)'
    )


def _trace_of(properties: list[Any], prop: str | None, where: str) -> list[Any]:
    """The trace of property `prop` among a check's properties (one that has a trace)."""
    traced = [
        p
        for p in properties
        if isinstance(p, dict) and isinstance(p.get("trace"), list) and p["trace"]
    ]
    names = ", ".join(repr(p.get("id")) for p in traced)
    if prop is None:
        raise ReplayError(
            f"--property: {where} is a whole ehttp check --json file; give --property NAME, one "
            f"of the properties with a trace: {names}"
        )
    for candidate in traced:
        if candidate.get("id") == prop:
            trace: list[Any] = candidate["trace"]
            return trace
    raise ReplayError(
        f"--property: {prop!r} is not a property with a trace in {where}; use one of {names}"
    )


def _fuzz_plan(document: dict[str, Any], where: str) -> ReplayPlan:
    try:
        lab = parse_lab(str(document["lab"]), f"{where} (lab)")
    except LabError as error:
        raise ReplayError(f"--replay: {error}") from None
    except KeyError:
        raise ReplayError(f"--replay: {where}: key 'lab' is missing; give the lab's TOML") from None
    seed, mutant, steps = document.get("seed"), document.get("mutant"), document.get("steps")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ReplayError(f"--replay: {where}: seed {seed!r} is not accepted; give a whole number")
    if mutant is not None and (not isinstance(mutant, str) or mutant not in MUTANTS):
        raise ReplayError(
            f"--replay: {where}: mutant {_short(mutant)} is not accepted; use null or one of "
            f"{', '.join(sorted(MUTANTS))}"
        )
    if not isinstance(steps, list):
        raise ReplayError(f"--replay: {where}: steps {_short(steps)} is not accepted; give a list")
    _bounded(steps, where)
    model = WorldModel(lab)
    moves = tuple(_move(model, step, number, where) for number, step in enumerate(steps, 1))
    return ReplayPlan(lab, seed, mutant, moves, "fuzz")


def _short(value: object) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:59] + "…"


def _bounded(steps: Sequence[object], where: str) -> None:
    if len(steps) > MAX_REPLAY_STEPS:
        raise ReplayError(
            f"--replay: {where}: {len(steps):,} steps; at most {MAX_REPLAY_STEPS:,} are accepted"
        )


def _move(model: WorldModel, step: object, number: int, where: str) -> Move:
    env = model.env
    if isinstance(step, dict) and isinstance(step.get("attack"), str):
        if step["attack"] not in _ATTACKS:
            raise ReplayError(
                f"--replay: {where}: step {number}: attack {_short(step['attack'])} is not "
                "accepted; name an attack of ehttp attacks"
            )
        return str(step["attack"])
    if not isinstance(step, dict) or step.get("instance") not in env.names:
        raise ReplayError(
            f"--replay: {where}: step {number}: instance {_short(_get(step, 'instance'))} is not "
            f'accepted; use one of {", ".join(env.names)} (or give an "attack")'
        )
    index = env.names.index(step["instance"])
    machine = env.machines[index]
    row = step.get("row")
    if (
        isinstance(row, bool)
        or not isinstance(row, int)
        or not 0 <= row < len(machine.rows)
        or machine.rows[row].name != step.get("action")
    ):
        raise ReplayError(
            f"--replay: {where}: step {number}: row {row!r} of {machine.name} is not "
            f"{step.get('action')!r}; the file does not match this model's declarations"
        )
    return (index, row)


def _get(step: object, key: str) -> object:
    return step.get(key) if isinstance(step, dict) else step


def _check_plan(trace: list[Any], lab: Lab, where: str) -> ReplayPlan:
    """Map a checker trace onto model actions, one enabled action per step."""
    _bounded(trace, where)
    model = WorldModel(lab)
    if not trace or not isinstance(trace[0], dict) or "state" not in trace[0]:
        raise ReplayError(
            f'--replay: {where}: the trace is empty or its steps have no "state"; give a '
            "property's trace from ehttp check --json"
        )
    world = model.initial
    if model.state_to_json(world) != trace[0]["state"]:
        raise ReplayError(
            f"--replay: {where}: step 0: the trace starts from a state that is not the initial "
            f"state of lab {lab.name!r}; give the --lab the trace was checked on"
        )
    moves: list[Move] = []
    for number, step in enumerate(trace[1:], 1):
        wanted = step.get("state") if isinstance(step, dict) else None
        action = _action_to(model, world, wanted)
        if action is None:
            raise ReplayError(
                f"--replay: {where}: step {number}: no enabled action of lab {lab.name!r} leads "
                f"to the trace's state ({_get(step, 'text')!r})"
            )
        moves.append(action)
        world = model.next_state(world, action)
    return ReplayPlan(lab, 0, None, tuple(moves), "check")


def _action_to(model: WorldModel, world: World, wanted: object) -> Action | None:
    for action in model.actions(world):
        if model.state_to_json(model.next_state(world, action)) == wanted:
            return action
    return None


def replay(
    plan: ReplayPlan, driver: Driver, on_step: Callable[[FuzzStep], None] | None = None
) -> ReplayOutcome:
    """Carry out the plan's steps on `driver` in lockstep with the model, checking every step.

    A step the model does not allow where it comes is an error of the file, not of the lab.
    """
    lock = Lockstep(driver, state_invariants(driver.model))
    shown = 0

    def report() -> None:
        nonlocal shown
        if on_step is not None:
            for step in lock.steps[shown:]:
                on_step(step)
        shown = len(lock.steps)

    try:
        lock.check()
        for number, move in enumerate(plan.moves, 1):
            if isinstance(move, str):
                known = ", ".join(driver.attack_names()) or "(none: this driver has no attacks)"
                if move not in driver.attack_names():
                    raise ReplayError(
                        f"--replay: step {number}: attack {move!r} is not accepted; "
                        f"use one of {known}"
                    )
                lock.attack(move)
            else:
                if move not in set(driver.model.actions(lock.world)):
                    raise ReplayError(
                        f"--replay: step {number}: {driver.model.action_name(move)!r} "
                        f"({driver.model.env.names[move[0]]}) is not enabled there"
                    )
                lock.act(move)
            report()
    except InvariantBroken as broken:
        report()
        return ReplayOutcome(tuple(lock.steps), broken)
    return ReplayOutcome(tuple(lock.steps), None)
