"""A world read from a JSON file, for `ehttp whatif --from FILE`.

The file holds one world in the shape the commands print it (`WorldModel.state_to_json`): an
object with one entry per machine instance, its control state, or ``{"state", "minutes"}`` where
a timer runs. Accepted too: a trace step of `ehttp check --json` (an object with "state") and the
output of `ehttp whatif --json` (its "after_actions"), so that answers can be chained. The clock
is not in the file (it has one state); the toggle history may be left out ("careful").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ehttp.compose.world import CLOCK_AT, HISTORY, ModelError, World, WorldModel
from ehttp.machines.clock import QUANTUM_MINUTES
from ehttp.readlimits import TooLarge, load_json

__all__ = ["MAX_STATE_BYTES", "StateFileError", "load_world"]

MAX_STATE_BYTES = 1_048_576
"""A state file is untrusted input: read at most this much (a world of a lab is a few KiB)."""


class StateFileError(ModelError):
    """A state file that names no world of the lab (one line: the key, the value, what is
    accepted; exit 2)."""


def _pick(data: Any) -> Any:
    if isinstance(data, dict) and isinstance(data.get("after_actions"), dict):
        return data["after_actions"]
    if isinstance(data, dict) and isinstance(data.get("state"), dict):
        return data["state"]
    return data


def load_world(model: WorldModel, path: Path) -> World:
    """The world the file at `path` names, for `model`'s lab."""
    where = f"--from: {path}"
    with path.open("rb") as file:
        raw = file.read(MAX_STATE_BYTES + 1)
    if len(raw) > MAX_STATE_BYTES:
        raise StateFileError(
            f"{where}: larger than {MAX_STATE_BYTES:,} bytes; give one world as JSON"
        )
    try:
        data = _pick(load_json(raw.decode("utf-8")))
    except TooLarge as error:
        raise StateFileError(f"{where}: {error}") from None
    except UnicodeDecodeError:
        raise StateFileError(f"{where}: not UTF-8 text; give one world as JSON") from None
    except json.JSONDecodeError as error:
        raise StateFileError(f"{where}: not JSON ({error.msg} at line {error.lineno})") from None
    if not isinstance(data, dict):
        raise StateFileError(f"{where}: give a JSON object of instance states")
    env = model.env
    names = [n for i, n in enumerate(env.names) if i != CLOCK_AT]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise StateFileError(f"{where}: key {unknown[0]!r} is not accepted; use {', '.join(names)}")
    world: list[tuple[str, int]] = []
    for index, name in enumerate(env.names):
        machine = env.machines[index]
        if index == CLOCK_AT:
            world.append(model.initial[index])
            continue
        value = data.get(name, "careful" if index == HISTORY else None)
        if value is None:
            raise StateFileError(f"{where}: key {name!r} is missing; every instance needs a state")
        control, mins = (
            (value.get("state"), value.get("minutes")) if isinstance(value, dict) else (value, None)
        )
        if control not in machine.state_names:
            raise StateFileError(
                f"{where}: {name}: {control!r} is not accepted; use one of "
                f"{', '.join(machine.state_names)}"
            )
        deadline = machine.state(control).deadline
        if deadline is None:
            if mins is not None:
                raise StateFileError(f"{where}: {name}: {control!r} has no timer; drop minutes")
            world.append((control, -1))
            continue
        limit = deadline * QUANTUM_MINUTES
        if (
            not isinstance(mins, int)
            or isinstance(mins, bool)
            or mins % QUANTUM_MINUTES
            or not 0 <= mins <= limit
        ):
            raise StateFileError(
                f"{where}: {name}: minutes {mins!r} is not accepted; give a multiple of "
                f"{QUANTUM_MINUTES} from 0 to {limit}"
            )
        world.append((control, mins // QUANTUM_MINUTES))
    return tuple(world)
