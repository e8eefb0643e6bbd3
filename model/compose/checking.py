"""Run every check of a lab: the lab's model and the variants some claims are stated on.

The generic checker (`model/checker/run.py`) judges each variant; this module builds the variants
from
the same declarations, runs them, and gathers one result a report or the command line can print.

The "after the workaround" variant starts from the lab's CERT-3 worlds with the workaround applied.
Those worlds are found on the lab without its clients: no row of the site, smsexec, clock, history
or binding machines reads a client, so the certificate behaviour of the lab with clients is, step
for step, a behaviour of the lab without them (clients only add steps and hold the clock back).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from model.checker import (
    CheckResult,
    ProgressInfo,
    Property,
    PropertyResult,
    check,
    reachable,
    to_json,
)
from model.compose.properties import (
    LAB,
    NO_APPROVAL,
    VARIANT_WITHOUT,
    WORKAROUND,
    lab_checks,
    stranded,
    workaround_starts,
)
from model.compose.world import World, WorldModel
from model.config.schema import Lab

__all__ = ["LabCheck", "VariantResult", "assumptions_of", "run_checks"]


@dataclass(frozen=True)
class VariantResult:
    """The checker's result on one variant of the lab's model."""

    variant: str
    model: WorldModel
    result: CheckResult[World]


@dataclass(frozen=True)
class LabCheck:
    """Everything `ehttp check` reports about a lab."""

    lab: Lab
    model: WorldModel
    variants: tuple[VariantResult, ...]
    seconds: float
    never_fired_rows: tuple[str, ...]
    assumptions: tuple[tuple[str, ...], ...] = ()
    """For each of `properties`, in order: the modeling assumptions (``A-n``) its verdict rests
    on (see `assumptions_of`)."""

    @property
    def main(self) -> CheckResult[World]:
        """The result on the lab's model as configured."""
        return self.variants[0].result

    @property
    def properties(self) -> tuple[tuple[str, PropertyResult[World]], ...]:
        """Every property result with the variant it was checked on, in report order."""
        return tuple((v.variant, p) for v in self.variants for p in v.result.properties)

    @property
    def complete(self) -> bool:
        """Every variant was explored to the end."""
        return all(v.result.complete for v in self.variants)

    @property
    def interrupted(self) -> bool:
        """A stop request (Ctrl-C) cut the run; some variants may not have run at all."""
        return any(v.result.stopped_reason == "interrupted" for v in self.variants)

    @property
    def passed(self) -> bool:
        """Complete, and every property holds (a vacuous or unknown verdict is not a pass)."""
        return self.complete and all(p.holds for _, p in self.properties)

    def to_json(self) -> dict[str, Any]:
        """The DESIGN.md shape for the lab's model, with the variants' properties merged in."""
        main = self.main
        out: dict[str, Any] = dict(to_json(main, self.model.state_to_json))
        out["seconds"] = round(self.seconds, 3)
        out["complete"] = self.complete
        out["stopped_reason"] = next(
            (v.result.stopped_reason for v in self.variants if v.result.stopped_reason), None
        )
        out["lab"] = self.lab.name
        out["clients"] = len(self.lab.clients)
        merged: list[dict[str, Any]] = []
        for variant in self.variants:
            part = to_json(variant.result, variant.model.state_to_json)
            found = part["properties"]
            assert isinstance(found, list)
            for prop in found:
                merged.append({**prop, "variant": variant.variant})
        for prop, assumed in zip(merged, self.assumptions, strict=True):
            prop["assumptions"] = list(assumed)
        out["properties"] = merged
        out["variants"] = [
            {
                "variant": v.variant,
                "states": v.result.states,
                "transitions": v.result.transitions,
                "complete": v.result.complete,
            }
            for v in self.variants
        ]
        out["never_fired_rows"] = list(self.never_fired_rows)
        return out


def _assumption_order(ids: set[str]) -> tuple[str, ...]:
    return tuple(sorted(ids, key=lambda i: int(i.removeprefix("A-"))))


def assumptions_of(model: WorldModel, prop: PropertyResult[World]) -> tuple[str, ...]:
    """The modeling assumptions a property's verdict rests on.

    A `sometimes` property that holds rests on its witness: the assumptions enacted by the rows
    the witness fires (its own rows and the reactions they trigger). Any other verdict is about
    every behaviour, so it rests as well on the assumptions enacted by each row that serves one
    of the property's requirement IDs (the rows that implement what it checks).
    """
    found: set[str] = set()
    if not (prop.kind == "sometimes" and prop.holds):
        wanted = set(prop.requirements)
        found = {
            assumption
            for machine in set(model.env.machines)
            for row in machine.rows
            if wanted & set(row.requirements)
            for assumption in row.assumes
        }
    for before, after in zip(prop.trace, prop.trace[1:], strict=False):
        for action in model.actions(before.state):
            if (
                model.action_name(action) == after.action
                and model.next_state(before.state, action) == after.state
            ):
                found |= {a for row in model.rows_fired(before.state, action) for a in row.assumes}
                break
    return _assumption_order(found)


def _without_clients(lab: Lab) -> Lab:
    return Lab(
        name=lab.name,
        site=lab.site,
        management_points=lab.management_points,
        distribution_points=lab.distribution_points,
        clients=(),
    )


def _stranded_worlds(model: WorldModel) -> tuple[World, ...]:
    """Every reachable CERT-3 world of `model`, read off the generic checker's reachable graph."""
    graph = reachable(model)
    return tuple(
        world
        for world in graph.states
        if any(stranded(model, world, i) for i in model.env.bindings)
    )


def _never_fired_rows(models: list[WorldModel]) -> tuple[str, ...]:
    fired: set[tuple[str, int]] = set()
    for model in models:
        fired |= model.fired
    machines = {m.name: m for m in models[0].env.machines}
    return tuple(
        sorted(
            f"{name}: {row.name} ({', '.join(row.source)} -> {row.dest})"
            for name, machine in machines.items()
            for number, row in enumerate(machine.rows)
            if (name, number) not in fired
        )
    )


def run_checks(
    lab: Lab,
    *,
    symmetry: bool = True,
    max_states: int | None = None,
    max_seconds: float | None = None,
    progress: Callable[[ProgressInfo], None] | None = None,
    phase: Callable[[str], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> LabCheck:
    """Check every property of `lab` on the variant it is stated on.

    `phase` is told each phase as it starts, prefixed with the variant ("lab: exploring",
    "without approval: judging", ...); `stop` is the checker's stop request (see
    `model.checker.check`): once it is True every remaining variant stops at once, "interrupted".
    """

    def tell(variant: str) -> Callable[[str], None] | None:
        if phase is None:
            return None
        report = phase
        return lambda label: report(f"{variant}: {label}")

    started = time.perf_counter()
    model = WorldModel(lab)
    checks = lab_checks(model)
    # With no interchangeable clients the canonical form is the identity: reducing by it would
    # only make the checker explore the same graph a second time for liveness.
    symmetry = symmetry and bool(model.symmetric_groups)

    def props(variant: str) -> list[Property[World]]:
        return [c.prop for c in checks if c.variant == variant]

    def remaining() -> float | None:
        if max_seconds is None:
            return None
        return max(max_seconds - (time.perf_counter() - started), 0.001)

    results = [
        VariantResult(
            LAB,
            model,
            check(
                model,
                props(LAB),
                symmetry=symmetry,
                max_states=max_states,
                max_seconds=max_seconds,
                progress=progress,
                phase=tell(LAB),
                stop=stop,
            ),
        )
    ]
    models = [model]
    variants: list[tuple[str, WorldModel]] = []
    if props(NO_APPROVAL):
        variants.append((NO_APPROVAL, WorldModel(lab, without=VARIANT_WITHOUT[NO_APPROVAL])))
    if props(WORKAROUND):
        projected = WorldModel(_without_clients(lab))
        starts = workaround_starts(projected, _stranded_worlds(projected))
        variants.append((WORKAROUND, WorldModel(projected.lab, initial=starts, fair_only=True)))
    for variant, variant_model in variants:
        models.append(variant_model)
        results.append(
            VariantResult(
                variant,
                variant_model,
                check(
                    variant_model,
                    props(variant),
                    symmetry=symmetry,
                    max_states=max_states,
                    max_seconds=remaining(),
                    progress=progress,
                    phase=tell(variant),
                    stop=stop,
                ),
            )
        )
    fired = _never_fired_rows(models)
    assumed = tuple(assumptions_of(v.model, prop) for v in results for prop in v.result.properties)
    return LabCheck(
        lab=lab,
        model=model,
        variants=tuple(results),
        seconds=time.perf_counter() - started,
        never_fired_rows=fired,
        assumptions=assumed,
    )
