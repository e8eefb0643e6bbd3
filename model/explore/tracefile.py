"""`ehttp explore --trace CHECK.json --property ID`: a checker trace as a place to follow.

The file is `ehttp check --json` (read with a size bound, as every saved file the commands
read); the property is named by its `id`, and must have a trace (a `sometimes` witness or a
counterexample). The trace's first world becomes the place's start and its steps the plan the
page offers one at a time; each step must be a step of the lab's model from the world before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ehttp.explore.adapter import InputError, Lab, model_of, tokens_along, world_from_json
from ehttp.explore.place import Place, world_parameter

__all__ = ["MAX_CHECK_BYTES", "TraceError", "trace_place"]

MAX_CHECK_BYTES = 67_108_864
"""The largest check file read (64 MiB; the default lab's is about 60 KB)."""


class TraceError(ValueError):
    """A trace file or property that can't be opened (one line: the option, the value, what is
    accepted)."""


def _document(path: Path) -> Any:
    try:
        with path.open("rb") as file:
            raw = file.read(MAX_CHECK_BYTES + 1)
    except OSError as error:
        raise TraceError(f"--trace: {path}: {error.strerror or error}") from None
    if len(raw) > MAX_CHECK_BYTES:
        raise TraceError(f"--trace: {path}: larger than {MAX_CHECK_BYTES:,} bytes")
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise TraceError(
            f"--trace: {path}: not JSON ({error.__class__.__name__}); give the output of "
            "ehttp check --json"
        ) from None


def _trace(document: Any, path: Path, prop: str) -> list[Any]:
    properties = document.get("properties") if isinstance(document, dict) else None
    if not isinstance(properties, list):
        raise TraceError(
            f'--trace: {path} has no "properties" list; give the output of ehttp check --json'
        )
    traced = [
        p
        for p in properties
        if isinstance(p, dict) and isinstance(p.get("trace"), list) and p["trace"]
    ]
    for candidate in traced:
        if candidate.get("id") == prop:
            trace: list[Any] = candidate["trace"]
            return trace
    names = "; ".join(repr(p.get("id")) for p in traced) or "none has one"
    raise TraceError(f"--property: {prop!r} is not a property with a trace in {path}; use {names}")


def trace_place(lab: Lab, lab_parameter: str, path: Path, prop: str) -> Place:
    """The place that opens `prop`'s trace in the check file at `path`, at its first step."""
    trace = _trace(_document(path), path, prop)
    model = model_of(lab)
    states: list[dict[str, Any]] = []
    for number, step in enumerate(trace):
        state = step.get("state") if isinstance(step, dict) else None
        if not isinstance(state, dict):
            raise TraceError(f'--trace: {path}: step {number} of {prop!r} has no "state" object')
        states.append(state)
    try:
        start = world_from_json(model, states[0], "step 0")
        plan = tokens_along(model, start, states[1:])
    except InputError as error:
        raise TraceError(
            f"--trace: {path}: {error}; give the --lab the trace was checked on"
        ) from None
    return Place(lab_parameter, world_parameter(model, start), (), prop, plan)
