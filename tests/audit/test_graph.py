"""Tests for model/audit/graph.py: a mutant judged on the reused graph by number gets exactly the
verdicts (and counterexample lengths) the checker gives the mutated model searched from scratch."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

import pytest

from ehttp.audit import Mutant, derive_mutants
from ehttp.audit.mutant_run import Base, Checks, run_mutant
from ehttp.checker import Property, check, reachable
from ehttp.compose.checking import lab_variants
from ehttp.compose.properties import LAB, lab_checks
from ehttp.compose.world import MACHINES, World, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab


def _lab() -> Lab:
    lab = default_lab()
    return replace(lab, clients=tuple(c for c in lab.clients if c.name == "dom1"))


def _sample() -> list[Mutant]:
    """Every kind, several machines: a fixed, spread-out sample (less the clock's guard forced
    true, whose timers grow without bound: the audit cuts it by its state budget, a search from
    scratch would never end)."""
    every, _ = derive_mutants(MACHINES, redirect_limit=sys.maxsize)
    mutants = [m for m in every if m.same_as is None and m.machine != "clock"]
    taken: list[Mutant] = []
    seen: Counter[tuple[str, str]] = Counter()
    for mutant in mutants:
        key = (mutant.machine, mutant.kind)
        if seen[key] < 2:
            seen[key] += 1
            taken.append(mutant)
    return taken


def _from_scratch(lab: Lab, mutant: Mutant) -> dict[str, int | None]:
    """The properties the mutated model violates (or leaves vacuous), searched by the checker
    on the mutated declarations themselves, with their counterexample lengths."""
    model = WorldModel(lab, machines={mutant.machine: mutant.replaced})
    by_variant: dict[str, list[Property[World]]] = {}
    for item in lab_checks(model):
        by_variant.setdefault(item.variant, []).append(item.prop)
    results = {LAB: check(model, by_variant[LAB], symmetry=False)}
    worlds = reachable(model).states
    for variant, variant_model in lab_variants(model, set(by_variant) - {LAB}, worlds):
        results[variant] = check(variant_model, by_variant[variant], symmetry=False)
    failed: dict[str, int | None] = {}
    for variant, result in results.items():
        for prop in result.properties:
            if prop.verdict in ("violated", "vacuous"):
                key = prop.name if variant == LAB else f"{prop.name} [{variant}]"
                failed[key] = len(prop.trace) - 1 if prop.trace else None
    return failed


@pytest.fixture(scope="module")
def base(audit_base: Callable[[Lab, Checks], Base]) -> Base:
    """The unmutated lab, checked once for every mutant below, as `run_audit` checks it once for
    all its mutants (and once for the session: tests/audit/conftest.py)."""
    return audit_base(_lab(), lab_checks)


@pytest.mark.parametrize("mutant", _sample(), ids=lambda m: m.id)
def test_the_reused_graph_gives_the_verdicts_of_a_search_from_scratch(
    mutant: Mutant, base: Base
) -> None:
    result = run_mutant(base, mutant)
    expected = _from_scratch(_lab(), mutant)
    if result.status == "equivalent":
        assert expected == {}
        return
    assert dict(zip(result.killed_by, result.lengths, strict=True)) == expected
