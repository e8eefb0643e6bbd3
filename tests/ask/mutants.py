"""Declaration mutants for the answers' tests: a machine with other deadlines or fewer rows.

The composition compiles each declared machine once (`model.compose.world._COMPILED`); a test
swaps in a compiled mutant for its duration, so every model built meanwhile uses the mutant.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from model.compose import world
from model.spec.machine import Machine

__all__ = ["mutate"]


def mutate(
    monkeypatch: pytest.MonkeyPatch,
    machine: Machine,
    *,
    deadlines: dict[str, int] | None = None,
    drop_rows: frozenset[str] = frozenset(),
) -> None:
    """Use `machine` with the given state deadlines (in quanta) and without the named rows."""
    changed = deadlines or {}
    states = tuple(replace(s, deadline=changed.get(s.name, s.deadline)) for s in machine.states)
    rows = tuple(r for r in machine.rows if r.name not in drop_rows)
    mutant = replace(machine, states=states, rows=rows)
    monkeypatch.setitem(world._COMPILED, machine.name, world._compile(mutant))
