"""Run every check of a lab: the lab's model and the variants some claims are stated on.

The generic checker (`model/checker/run.py`) judges each variant; this module builds the variants
from
the same declarations, runs them, and gathers one result a report or the command line can print.

The "after the workaround" variant starts from every reachable CERT-3 world of the lab, clients
included, with the workaround applied; "from enhanced HTTP off" starts from the lab's site
before the option was turned on, with enabling it the administrator's only step ("then HTTPS
only" and "toggling the option only" allow other steps: `model/compose/properties/`).
`lab_variants` builds every variant model from one lab model (and its reachable graph, where a
variant needs it), so the audit can build the same variants of a mutant.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ehttp.checker import (
    CheckResult,
    ProgressInfo,
    Property,
    PropertyResult,
    can_fork,
    check,
    forked,
    reachable,
    to_json,
)
from ehttp.compose.properties import (
    AFTER_ENABLING,
    FROM_OFF,
    LAB,
    NO_APPROVAL,
    RESTART_ALONE,
    THEN_HTTPS_ONLY,
    TOGGLING,
    WORKAROUND,
    enabled_start,
    enhanced_start,
    from_off_start,
    lab_checks,
    restart_alone_starts,
    stranded,
    variant_without,
    workaround_starts,
)
from ehttp.compose.property_ids import property_id
from ehttp.compose.successors import Successors, TableModel
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.access import AccessTables
from ehttp.machines.machine import Machine

VARIANT_ORDER = (
    THEN_HTTPS_ONLY,
    TOGGLING,
    NO_APPROVAL,
    FROM_OFF,
    AFTER_ENABLING,
    WORKAROUND,
    RESTART_ALONE,
)
"""The variants in output order, after the lab's own model (`lab_variants` builds them so)."""

__all__ = [
    "VARIANT_ORDER",
    "LabCheck",
    "VariantResult",
    "assumptions_of",
    "lab_variants",
    "run_checks",
    "with_id",
]


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
                merged.append(with_id(prop, variant.variant))
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


def with_id(prop: dict[str, Any], variant: str) -> dict[str, Any]:
    """A property's JSON with its short ID as `id` and its sentence as `name` (the checker's
    generic JSON has the sentence as `id`), and the variant it was checked on."""
    name = str(prop["id"])
    requirements = tuple(str(r) for r in prop.get("requirements", ()))
    rest = {key: value for key, value in prop.items() if key != "id"}
    return {"id": property_id(name, requirements), "name": name, **rest, "variant": variant}


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


def _as_configured(model: WorldModel) -> World:
    return model.initial


def lab_variants(
    model: WorldModel, variants: set[str], worlds: Iterable[World] | None = None
) -> list[tuple[str, WorldModel]]:
    """The variant models named in `variants` (less "lab"), built from `model`'s declarations.

    "after the workaround" needs the reachable worlds of `model`: `worlds` when given, else
    explored here.
    """
    machines = model.machines

    def one(start: Callable[[WorldModel], World]) -> Callable[[], list[World]]:
        return lambda: [start(model)]

    found: list[World] = []

    def lab_worlds() -> list[World]:
        if not found:
            found.extend(worlds if worlds is not None else reachable(model).states)
        return found

    def workaround() -> list[World]:
        symptoms = [
            w for w in lab_worlds() if any(stranded(model, w, i) for i in model.env.bindings)
        ]
        return list(workaround_starts(model, symptoms))

    def restart_alone() -> list[World]:
        return list(restart_alone_starts(model, lab_worlds()))

    # Each variant: its starting worlds (None: the lab's) and whether only fair
    # steps run; the rows it leaves out are `variant_without`'s.
    starts: dict[str, tuple[Callable[[], list[World]] | None, bool]] = {
        THEN_HTTPS_ONLY: (one(enhanced_start), False),
        TOGGLING: (one(_as_configured), False),
        NO_APPROVAL: (None, False),
        FROM_OFF: (one(from_off_start), False),
        AFTER_ENABLING: (one(enabled_start), True),
        WORKAROUND: (workaround, True),
        RESTART_ALONE: (restart_alone, False),
    }
    return [
        (
            name,
            WorldModel(
                model.lab,
                without=variant_without(model, name),
                initial=None if start is None else start(),
                fair_only=fair_only,
                machines=machines,
                tables=model.tables,
                site_symmetry=model.site_symmetry,
            ),
        )
        for name, (start, fair_only) in ((n, starts[n]) for n in VARIANT_ORDER)
        if name in variants
    ]


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


def _undecided(props: list[Property[World]], reason: str | None) -> CheckResult[World]:
    """A variant not searched because the search it starts from stopped (for `reason`)."""
    return CheckResult(
        states=0,
        transitions=0,
        diameter=0,
        seconds=0.0,
        states_per_second=0.0,
        complete=False,
        stopped_reason=reason,
        properties=tuple(PropertyResult(p.name, p.kind, p.requirements, "unknown") for p in props),
        never_fired=(),
        symmetry=False,
        liveness_states=None,
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
    machines: Mapping[str, Machine] | None = None,
    tables: AccessTables | None = None,
) -> LabCheck:
    """Check every property of `lab` on the variant it is stated on.

    `machines` and `tables` replace declared machines and the access tables (a mutant of the
    declarations, see `WorldModel`); by default the declarations as they are.

    Every variant reads its successors from one table computed by the lab's model, so a world
    shared by several variants is expanded once. `phase` is told each phase as it starts,
    prefixed with the variant ("lab: exploring", "without approval: judging", ...); `stop` is the
    checker's stop request (see `ehttp.checker.check`): once it is True every remaining variant
    stops at once, "interrupted".
    """

    def tell(variant: str) -> Callable[[str], None] | None:
        if phase is None:
            return None
        report = phase
        return lambda label: report(f"{variant}: {label}")

    started = time.perf_counter()
    model = WorldModel(lab, machines=machines, tables=tables)
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

    def out_of_time() -> bool:
        return max_seconds is not None and time.perf_counter() - started >= max_seconds

    table = Successors(model)
    wanted = {c.variant for c in checks}
    # The variants that start from worlds of their own (not from the lab's reachable worlds)
    # are searched, when this process may fork (`ehttp.checker.fork`), in a child process on the
    # other core while this one searches the lab: with a table of successors of their own, the
    # child's copy of `table`. Only their results and the rows they fired come back.
    early = lab_variants(model, wanted - {WORKAROUND, RESTART_ALONE})
    fork = bool(early) and can_fork()

    def search(
        variant: str,
        variant_model: WorldModel,
        quiet: bool,
        alongside: Callable[[], object] | None = None,
    ) -> CheckResult[World]:
        return check(
            TableModel(variant_model, table),
            props(variant),
            symmetry=symmetry,
            max_states=max_states,
            max_seconds=remaining(),
            progress=None if quiet else progress,
            phase=None if quiet else tell(variant),
            stop=stop,
            alongside=alongside,
        )

    def search_early() -> tuple[list[CheckResult[World]], frozenset[tuple[str, int]]]:
        found: list[CheckResult[World]] = []
        for variant, variant_model in early:
            if stop is not None and stop():  # after a stop request no variant is searched
                found.append(_undecided(props(variant), "interrupted"))
                continue
            found.append(search(variant, variant_model, quiet=fork))
        return found, model.recorded()

    by_name: dict[str, VariantResult] = {}
    late_done: list[bool] = []

    def search_late(lab_complete: bool, lab_stopped: str | None) -> None:
        """The variants that start from the lab's reachable worlds (the table's worlds), once
        the lab's search is over: while the lab's liveness is judged on the other core (the
        search is then complete), else after the lab's check."""
        late_done.append(True)
        table.remember = True
        # Their starting worlds are picked from every world of the lab (seconds on millions of
        # worlds): not once the time is up, when they are not searched anyway.
        late_names = wanted & {WORKAROUND, RESTART_ALONE}
        worlds = [] if out_of_time() else table.worlds()
        for variant, variant_model in lab_variants(model, late_names, worlds):
            # After a stop request no variant is searched; the workaround's starting worlds come
            # from the lab's search, so it is not searched either when that stopped early.
            if stop is not None and stop():
                found = _undecided(props(variant), "interrupted")
            elif not lab_complete:
                found = _undecided(props(variant), lab_stopped)
            elif out_of_time():
                found = _undecided(props(variant), "max-seconds")
            else:
                found = search(variant, variant_model, quiet=False)
            by_name[variant] = VariantResult(variant, variant_model, found)

    with forked(search_early, fork) as child:
        # The lab's search keeps no copy of its edges in the table: the checker stores the lab's
        # graph, and a second copy of it (the edges with their targets, about 2 kB a world)
        # costs more than it saves. With the variants in the child, it would only add to the
        # memory each process writes. On one core (or in a thread), where the variants come
        # after the lab's search, reading the lab's edges saved them about 2% of the check's
        # time, on the default lab and on benchmarks/labs/three-mps.toml cut to 3 clients,
        # where it held 1.8 GB at the peak against 1.0 GB without. The table keeps, per world,
        # which targets canonical form changed (what judging on the reduced graph asks) and the
        # worlds for the variants that start there.
        table.remember = False
        lab_check = search(LAB, model, quiet=False, alongside=lambda: search_late(True, None))
        results = [VariantResult(LAB, model, lab_check)]
        done = child.result(stop) if stop is None or not stop() else None
    if done is None or (fork and stop is not None and stop()):
        done = ([_undecided(props(v), "interrupted") for v, _ in early], frozenset())
    early_results, fired = done
    model.absorb(fired)
    by_name.update(
        (v, VariantResult(v, m, r)) for (v, m), r in zip(early, early_results, strict=True)
    )
    if not late_done:
        search_late(lab_check.complete, lab_check.stopped_reason)
    # In the order the variants are declared (`lab_variants`).
    results += [by_name[v] for v in VARIANT_ORDER if v in by_name]
    return LabCheck(
        lab=lab,
        model=model,
        variants=tuple(results),
        seconds=time.perf_counter() - started,
        never_fired_rows=_never_fired_rows([model]),
        assumptions=tuple(
            assumptions_of(v.model, prop) for v in results for prop in v.result.properties
        ),
    )
