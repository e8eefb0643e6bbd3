"""Declaration mutants for the answers' tests: a machine with other deadlines, fewer or more rows.

The composition compiles each declared machine once (`ehttp.compose.env._COMPILED`) and builds
a lab's instances from the machine constants it imports; a test swaps in the mutant in both places
for its duration, so every model built meanwhile uses it and row numbers stay consistent.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from ehttp.compose import env
from ehttp.machines.machine import Machine, Row

__all__ = ["mutate"]


def mutate(
    monkeypatch: pytest.MonkeyPatch,
    machine: Machine,
    *,
    deadlines: dict[str, int] | None = None,
    drop_rows: frozenset[str] = frozenset(),
    add_rows: tuple[Row, ...] = (),
) -> Machine:
    """Use `machine` with the given state deadlines (in quanta), without the named rows and with
    `add_rows`; return the mutant."""
    changed = deadlines or {}
    states = tuple(replace(s, deadline=changed.get(s.name, s.deadline)) for s in machine.states)
    rows = tuple(r for r in machine.rows if r.name not in drop_rows) + add_rows
    mutant = replace(machine, states=states, rows=rows)
    names = [name for name, value in vars(env).items() if value is machine]
    assert names, f"ehttp.compose.env imports no machine {machine.name!r}"
    for name in names:
        monkeypatch.setattr(env, name, mutant)
    monkeypatch.setitem(env._COMPILED, machine.name, env._compile(mutant))
    return mutant
