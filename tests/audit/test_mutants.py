"""Tests for model/audit/mutants.py: the mutants derived, reproducibly, from the declarations."""

from __future__ import annotations

from collections import Counter

from ehttp.audit import KINDS, REDIRECT_SEED, derive_mutants
from ehttp.audit.mutants import never
from ehttp.compose.world import MACHINES
from ehttp.machines.machine import always


def test_every_kind_is_derived_and_ids_are_unique() -> None:
    mutants, total = derive_mutants(MACHINES)
    kinds = Counter(m.kind for m in mutants)
    assert set(kinds) == set(KINDS)
    assert len({m.id for m in mutants}) == len(mutants)
    assert kinds["redirect"] == min(total, 40)


def test_each_row_is_removed_and_each_real_guard_forced_both_ways() -> None:
    mutants, _ = derive_mutants(MACHINES)
    mutable = [m for m in MACHINES if m.name != "toggle-history"]
    rows = sum(len(m.rows) for m in mutable)
    guarded = sum(1 for m in mutable for row in m.rows if row.guard is not always)
    kinds = Counter(m.kind for m in mutants)
    assert kinds["remove"] == rows
    assert kinds["guard-true"] == kinds["guard-false"] == guarded


def test_a_removed_row_keeps_its_place_with_a_guard_that_never_holds() -> None:
    mutants, _ = derive_mutants(MACHINES)
    removed = next(m for m in mutants if m.kind == "remove")
    number = int(removed.id.split("/")[1])
    original = next(m for m in MACHINES if m.name == removed.machine)
    assert len(removed.replaced.rows) == len(original.rows)
    assert removed.replaced.rows[number].guard is never
    assert removed.replaced.rows[number].name == original.rows[number].name


def test_deadlines_move_one_quantum_and_never_below_one() -> None:
    mutants, _ = derive_mutants(MACHINES)
    for mutant in mutants:
        if mutant.kind.startswith("deadline"):
            [state] = mutant.sources
            machine = next(m for m in MACHINES if m.name == mutant.machine)
            old = machine.state(state).deadline
            new = mutant.replaced.state(state).deadline
            assert old is not None and new is not None and new >= 1
            assert new - old == (1 if mutant.kind == "deadline-longer" else -1)


def test_redirect_sampling_is_reproducible_and_bounded() -> None:
    first, total = derive_mutants(MACHINES, redirect_limit=7)
    again, _ = derive_mutants(MACHINES, redirect_limit=7, seed=REDIRECT_SEED)
    other, _ = derive_mutants(MACHINES, redirect_limit=7, seed=REDIRECT_SEED + 1)
    ids = [m.id for m in first if m.kind == "redirect"]
    assert len(ids) == 7 < total
    assert ids == [m.id for m in again if m.kind == "redirect"]
    assert ids != [m.id for m in other if m.kind == "redirect"]
    everything, _ = derive_mutants(MACHINES, redirect_limit=total)
    assert sum(m.kind == "redirect" for m in everything) == total
