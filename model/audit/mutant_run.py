"""One mutant run against the unmutated lab (`model/audit/engine.py` runs them all).

The lab and its variants are checked once, unmutated, which fills one successor table
(`model/compose/successors.py`). A mutant changes one machine; a world where no instance of that
machine stands in a state the change touches has the same successors as before, so the mutant's
table copies them from the unmutated one and computes only the others. First, every world the
unmutated run expanded is asked whether its successors change; when none does, the mutant
cannot change any reachable graph (by induction from the same initial worlds) and is set aside
as equivalent without exploring. Otherwise every variant is checked again on the mutant's table
and each property that no longer holds (violated, or vacuous for a leads-to whose trigger became
unreachable) kills the mutant. A mutant whose search hits the state budget decides only what it
found.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ehttp.audit.graph import IntModel, MutantGraph, WorldIndex
from ehttp.audit.mutants import Mutant
from ehttp.audit.results import MutantResult
from ehttp.checker import CheckResult, ProgressInfo, Property, PropertyResult, check, reachable
from ehttp.compose.checking import lab_variants
from ehttp.compose.properties import LAB, Check, lab_checks
from ehttp.compose.successors import Edges, Successors, TableModel
from ehttp.compose.world import Action, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.fuzz.survivors import lab_contradicts
from ehttp.machines.access import dp_authentication_methods, dp_type, mp_registration_methods

__all__ = [
    "CUT",
    "STATE_BUDGET",
    "UNBOUNDED",
    "Base",
    "BaseFailed",
    "BaseStopped",
    "Bounds",
    "Checks",
    "lab_lockstep",
    "lab_on",
    "property_key",
    "run_mutant",
]

STATE_BUDGET = 3
"""A mutant's search stops at this many times the unmutated run's worlds (a guard forced true on
the clock lets timers grow without bound). Three, not two: enabling redirected to HTTPS only
(`site-mode/0/redirect/https-only`) reaches 2.5 times the one-client lab's worlds once every
client re-registers (A-47), and a search cut short leaves its liveness verdicts unknown, where a
search from scratch finds them violated (`tests/audit/test_graph.py`)."""


class BaseFailed(RuntimeError):
    """The unmutated lab does not pass its own check: there is nothing to measure."""


CUT = ("max-seconds", "interrupted")
"""The reasons a check of the audit stops before its end that leave it undecided (a mutant's
state budget, `max-states`, is the audit's own rule and decides it, see `Base.budget`)."""


@dataclass(frozen=True)
class Bounds:
    """When the audit's checks must stop: at `deadline` (a `time.monotonic()` reading, which
    forked workers share) or when `stop` (a Ctrl-C request) turns true; `progress` and `phase`
    are told the unmutated lab's checks' progress, as `ehttp check` shows it."""

    deadline: float | None = None
    stop: Callable[[], bool] | None = None
    progress: Callable[[ProgressInfo], None] | None = None
    phase: Callable[[str], None] | None = None

    def seconds(self) -> float | None:
        """The seconds left before the deadline (None: no deadline)."""
        if self.deadline is None:
            return None
        return max(self.deadline - time.monotonic(), 0.001)

    def quiet(self) -> Bounds:
        """The same limits, no progress (for the mutants' checks)."""
        return Bounds(self.deadline, self.stop)


UNBOUNDED = Bounds()


class BaseStopped(RuntimeError):
    """The unmutated lab's check stopped before its end (`reason`: one of `CUT`), so no mutant
    can be measured against it. `model` and `order` are the lab's, for the mutants not run."""

    def __init__(self, reason: str, states: int, model: WorldModel, order: list[Any]) -> None:
        super().__init__(f"the unmutated lab's check stopped ({reason}) at {states:,} states")
        self.reason = reason
        self.states = states
        self.model = model
        self.order = order


def property_key(variant: str, name: str) -> str:
    return name if variant == LAB else f"{name} [{variant}]"


@dataclass
class _Run:
    """The results of checking a lab's variants on one table."""

    results: dict[str, CheckResult[Any]]
    lab_worlds: list[World]


def _check_all(
    model: WorldModel,
    table: Successors,
    props: dict[str, list[Property[World]]],
    symmetry: bool,
    max_states: int | None,
    bounds: Bounds = UNBOUNDED,
) -> _Run:
    """Every variant checked on `table`; once one is cut (`CUT`), the rest are not searched."""
    results: dict[str, CheckResult[World]] = {}

    def one(variant: str, variant_model: WorldModel) -> CheckResult[World]:
        phase = bounds.phase
        return check(
            TableModel(variant_model, table),
            props[variant],
            symmetry=symmetry,
            max_states=max_states,
            max_seconds=bounds.seconds(),
            stop=bounds.stop,
            progress=bounds.progress,
            phase=None if phase is None else lambda label: phase(f"unmutated {variant}: {label}"),
        )

    results[LAB] = one(LAB, model)
    lab_worlds = list(table.memo)
    for variant, variant_model in lab_variants(model, set(props) - {LAB}, lab_worlds):
        if _cut(results):
            break
        results[variant] = one(variant, variant_model)
    return _Run(results, lab_worlds)


def _cut(results: dict[str, CheckResult[Any]]) -> str | None:
    """Why one of `results` stopped undecided (`CUT`), or None."""
    return next((r.stopped_reason for r in results.values() if r.stopped_reason in CUT), None)


Checks = Callable[[WorldModel], Sequence[Check]]
"""What the audit measures: the checks of a lab's model (default `lab_checks`)."""


def _by_variant(model: WorldModel, checks: Checks) -> dict[str, list[Property[World]]]:
    """The properties built for `model` (a probe asks this model's rows), by variant."""
    props: dict[str, list[Property[World]]] = {}
    for item in checks(model):
        props.setdefault(item.variant, []).append(item.prop)
    return props


def _failures(run: _Run) -> list[tuple[str, PropertyResult[Any]]]:
    return [
        (property_key(variant, p.name), p)
        for variant, result in run.results.items()
        for p in result.properties
        if p.verdict in ("violated", "vacuous")
    ]


class Base:
    """The unmutated lab: its table, its worlds in breadth-first order, and its verdicts."""

    def __init__(self, lab: Lab, checks: Checks, bounds: Bounds = UNBOUNDED) -> None:
        # Site systems keep their places here: the audit judges each property through its own
        # wrapped predicates over world numbers (`model/audit/graph.py`), which do not carry the
        # site system a property is about, so only interchangeable clients are reduced.
        self.model = WorldModel(lab, site_symmetry=False)
        self.checks = checks
        self.props = _by_variant(self.model, checks)
        self.order = [(item.variant, item.prop) for item in checks(self.model)]
        self.symmetry = bool(self.model.symmetric_groups)
        self.table = Successors(self.model)
        self.bounds = bounds.quiet()
        """The limits every mutant's check keeps to."""
        run = _check_all(self.model, self.table, self.props, self.symmetry, None, bounds)
        cut = _cut(run.results)
        if cut is not None:
            raise BaseStopped(cut, len(self.table.memo), self.model, self.order)
        failed = _failures(run)
        incomplete = [v for v, r in run.results.items() if not r.complete]
        if failed or incomplete:
            names = ", ".join(k for k, _ in failed) or ", ".join(incomplete)
            raise BaseFailed(
                f"lab {lab.name!r}: the unmutated model does not pass ({names}); "
                "run ehttp check on it first"
            )
        graph = reachable(TableModel(self.model, self.table))
        self.graph = graph
        self.scan_order = list(dict.fromkeys([*graph.states, *self.table.memo]))
        """Every expanded world, the lab's in breadth-first order first."""
        self.budget = STATE_BUDGET * len(self.table.memo)
        self.index = WorldIndex(self.table)
        self.by_name = {
            (variant, prop.name): prop for variant, found in self.props.items() for prop in found
        }
        self.probes = {(item.variant, item.prop.name): item.probes for item in checks(self.model)}
        for (variant, name), prop in self.by_name.items():
            for part, pred in (("condition", prop.condition), ("trigger", prop.trigger)):
                if pred is not None:
                    self.index.remember((variant, name, part), pred)
        self.instances: dict[str, tuple[int, ...]] = {}
        for index, machine in enumerate(self.model.env.machines):
            self.instances.setdefault(machine.name, ())
            self.instances[machine.name] += (index,)

    def path_to(self, world: World) -> list[str]:
        """The action names of a shortest path from the lab's initial world to `world`."""
        index = self.graph.index.get(world)
        if index is None:
            return []
        names: list[str] = []
        parent = self.graph.parent
        while parent[index] >= 0:
            before = self.graph.states[parent[index]]
            for action, target in self.table(before):
                if target == self.graph.states[index]:
                    names.append(self._label(action))
                    break
            index = parent[index]
        return names[::-1]

    def actions_to(self, world: World) -> list[Action]:
        """The actions of a shortest path from the lab's initial world to `world`."""
        index = self.graph.index.get(world)
        if index is None:
            return []
        actions: list[Action] = []
        parent = self.graph.parent
        while parent[index] >= 0:
            before = self.graph.states[parent[index]]
            for action, target in self.table(before):
                if target == self.graph.states[index]:
                    actions.append(action)
                    break
            index = parent[index]
        return actions[::-1]

    def _label(self, action: Action) -> str:
        name = self.model.action_name(action)
        who = self.model.env.names[action[0]]
        return name if who == "clock" else f"{name} ({who})"


def _affected(base: Base, mutant: Mutant) -> Callable[[World], bool]:
    instances = base.instances.get(mutant.machine, ())
    sources = mutant.sources

    def affected(world: World) -> bool:
        return any(world[i][0] in sources for i in instances)

    return affected


def _describe(base: Base, model: WorldModel, world: World, old: Edges, new: Edges) -> str:
    steps = base.path_to(world)
    where = f"after {'; '.join(steps)}" if steps else "in the initial world"
    before = {a: t for a, t in old}
    after = {a: t for a, t in new}
    parts = []
    for action, target in new:
        if before.get(action) != target:
            parts.append(f"now {model.describe_step(world, action, target)}")
    for action, target in old:
        if action not in after:
            parts.append(f"no longer {base.model.describe_step(world, action, target)}")
    return f"{where}: {'; '.join(parts)}"


T = TypeVar("T")
Redo = Callable[
    [World, tuple[tuple[Action, T], ...], Callable[[World], T]], tuple[tuple[Action, T], ...]
]
"""The mutant's edges of a world from its unmutated ones; targets as `T` (a world, or its
number), a new target turned into one by the callable given."""


def _edges_of(base: Base, model: WorldModel, mutant: Mutant) -> Redo[Any]:
    """The mutant's edges of a world, from the unmutated edges of that world.

    A row mutant changes only its own row: a local row's edges are dropped and asked again of
    the mutant (its guard, urgency, its destination); for a reaction row, the edges of its event
    are taken again by the mutant (who reacts, and where to). A deadline mutant changes when time
    may pass and what is urgent: the world's edges are computed anew.
    """
    compute = Successors(model).compute
    number = mutant.row
    instances = base.instances.get(mutant.machine, ())
    if number is None or mutant.replaced is None:

        def anew(
            world: World, edges: tuple[tuple[Action, T], ...], to: Callable[[World], T]
        ) -> tuple[tuple[Action, T], ...]:
            return tuple((a, to(t)) for a, t in compute(world))

        return anew
    row = mutant.replaced.rows[number]
    env = model.env
    if row.event is not None:
        event = row.event

        def react(
            world: World, edges: tuple[tuple[Action, T], ...], to: Callable[[World], T]
        ) -> tuple[tuple[Action, T], ...]:
            return tuple(
                (action, to(model.next_state(world, action)))
                if model.action_name(action) == event
                else (action, target)
                for action, target in edges
            )

        return react

    def local(
        world: World, edges: tuple[tuple[Action, T], ...], to: Callable[[World], T]
    ) -> tuple[tuple[Action, T], ...]:
        kept = [(a, t) for a, t in edges if not (a[1] == number and a[0] in instances)]
        urgent = env.overdue(world)
        for index in instances:
            if world[index][0] not in row.source or (urgent and not row.fair):
                continue
            if row.guard(env, world, index):
                kept.append(((index, number), to(model.next_state(world, (index, number)))))
        return tuple(kept)

    return local


def _same(world: World) -> World:
    return world


def _first_change(
    base: Base, affected: Callable[[World], bool], edges_of: Redo[Any]
) -> tuple[World, Edges] | None:
    """The shallowest world the unmutated run expanded whose successors the mutant changes, and
    the mutant's edges there."""
    memo = base.table.memo
    for world in base.scan_order:
        if affected(world):
            old = memo[world]
            new = edges_of(world, old, _same)
            if new != old and set(new) != set(old):
                return world, new
    return None


def _check_mutant(base: Base, model: WorldModel, graph: MutantGraph, machine: str) -> _Run:
    """Every variant of the mutant's lab checked on its graph by number (`machine`: the mutated
    machine)."""
    props = _by_variant(model, base.checks)
    wrapped = {
        variant: [
            graph.wrap(
                variant,
                p,
                base.by_name[(variant, p.name)],
                machine in base.probes[(variant, p.name)],
            )
            for p in found
        ]
        for variant, found in props.items()
    }
    symmetry = base.symmetry
    bounds = base.bounds
    lab_model = IntModel(model, graph, symmetry)
    results: dict[str, CheckResult[Any]] = {
        LAB: check(
            lab_model,
            wrapped[LAB],
            symmetry=symmetry,
            max_states=base.budget,
            max_seconds=bounds.seconds(),
            stop=bounds.stop,
        )
    }
    lab_worlds = [graph.world(number) for number in lab_model.expanded]
    for variant, variant_model in lab_variants(model, set(props) - {LAB}, lab_worlds):
        if _cut(results):
            break
        results[variant] = check(
            IntModel(variant_model, graph, symmetry),
            wrapped[variant],
            symmetry=symmetry,
            max_states=base.budget,
            max_seconds=bounds.seconds(),
            stop=bounds.stop,
        )
    return _Run(results, lab_worlds)


def _same_answers(base: Base, model: WorldModel) -> bool:
    """Whether the mutated tables answer every question this lab's model asks of them as the
    declared tables do (registration at each management point, downloads at each distribution
    point, with enhanced HTTP off and on)."""
    lab = base.model.lab
    version = lab.site.version
    for enhanced in (False, True):
        for mp in lab.management_points:
            old = mp_registration_methods(mp.connections, version, enhanced, base.model.tables)
            if old != mp_registration_methods(mp.connections, version, enhanced, model.tables):
                return False
        for dp in lab.distribution_points:
            kind = dp_type(dp.connections, dp.allow_anonymous)
            old = dp_authentication_methods(kind, version, enhanced, base.model.tables)
            if old != dp_authentication_methods(kind, version, enhanced, model.tables):
                return False
    return True


def _table_change(base: Base, model: WorldModel, table: Successors) -> str | None:
    """What the mutated tables change in the worlds their model reached: the first world whose
    steps differ, or a distribution point that accepts other credentials; None: nothing."""
    memo = base.table.memo
    for world, new in table.memo.items():
        old = memo.get(world)
        if old is None:
            continue
        if set(new) != set(old):
            return _describe(base, model, world, old, new)
        for dp in base.model.lab.distribution_points:
            before = base.model.env.dp_methods(world, dp)
            after = model.env.dp_methods(world, dp)
            if before != after:
                steps = base.path_to(world)
                where = f"after {'; '.join(steps)}" if steps else "in the initial world"
                return (
                    f"{where}: {dp.name} accepts {', '.join(sorted(after)) or 'nothing'} "
                    f"instead of {', '.join(sorted(before)) or 'nothing'}"
                )
    return None


def _run_table_mutant(base: Base, mutant: Mutant) -> MutantResult:
    """A table mutant: its model checked anew on every variant (a changed cell can change the
    steps of every world where a client registers, and what every distribution point accepts)."""
    model = WorldModel(base.model.lab, tables=mutant.tables, site_symmetry=False)
    if _same_answers(base, model):
        return MutantResult(mutant, "equivalent")
    table = Successors(model)
    props = _by_variant(model, base.checks)
    run = _check_all(model, table, props, base.symmetry, base.budget, base.bounds)
    if _cut(run.results) is not None:
        return MutantResult(mutant, "not-run")
    failed = _failures(run)
    complete = all(r.complete for r in run.results.values())
    behaviour = _table_change(base, model, table)
    if not failed:
        if behaviour is None and complete and len(table.memo) == len(base.table.memo):
            return MutantResult(mutant, "equivalent")
        return MutantResult(mutant, "survived", behaviour=behaviour or "", complete=complete)
    return MutantResult(
        mutant,
        "killed",
        tuple(k for k, _ in failed),
        tuple(len(p.trace) - 1 if p.trace else None for _, p in failed),
        behaviour or "",
        complete=complete,
    )


def lab_on(base: Base, mutant: Mutant) -> str:
    """Drive the lab in lockstep with a surviving mutant of the declarations along its first
    difference (`model/fuzz/survivors.py`)."""
    assert mutant.replaced is not None
    model = WorldModel(
        base.model.lab, machines={mutant.machine: mutant.replaced}, site_symmetry=False
    )
    found = _first_change(base, _affected(base, mutant), _edges_of(base, model, mutant))
    if found is None:
        return "follows"
    world, new = found
    old = set(base.table.memo[world])
    steps = [action for action, target in new if (action, target) not in old]
    if not steps:
        return "follows: the mutant only takes steps away, and lockstep takes the mutant's steps"
    broken = lab_contradicts(model, [*base.actions_to(world), steps[0]])
    return "follows" if broken is None else f"contradicts: {broken}"


def lab_lockstep(
    lab: Lab, mutants: Iterable[Mutant], checks: Checks = lab_checks
) -> dict[str, str]:
    """For each mutant of the declarations (table mutants are left out), what the lab does when
    driven in lockstep with it along its first difference ("contradicts: ..." or "follows"),
    by mutant id (what `MutantResult.lab` says of a survivor, asked of any mutant)."""
    base = Base(lab, checks)
    return {m.id: lab_on(base, m) for m in mutants if m.replaced is not None}


def run_mutant(base: Base, mutant: Mutant) -> MutantResult:
    if mutant.replaced is None:
        return _run_table_mutant(base, mutant)
    model = WorldModel(
        base.model.lab, machines={mutant.machine: mutant.replaced}, site_symmetry=False
    )
    affected = _affected(base, mutant)
    edges_of = _edges_of(base, model, mutant)
    found = _first_change(base, affected, edges_of)
    if found is None:
        return MutantResult(mutant, "equivalent")
    world, new = found
    behaviour = _describe(base, model, world, base.table.memo[world], new)

    graph = MutantGraph(base.index, affected, edges_of, Successors(model).compute)
    run = _check_mutant(base, model, graph, mutant.machine)
    if _cut(run.results) is not None:
        return MutantResult(mutant, "not-run")
    failed = _failures(run)
    complete = all(r.complete for r in run.results.values())
    if not failed:
        return MutantResult(mutant, "survived", behaviour=behaviour, complete=complete)
    return MutantResult(
        mutant,
        "killed",
        tuple(k for k, _ in failed),
        tuple(len(p.trace) - 1 if p.trace else None for _, p in failed),
        behaviour,
        complete=complete,
    )
