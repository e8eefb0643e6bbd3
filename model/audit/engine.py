"""Run every property of a lab against every mutant of the declarations.

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

import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from ehttp.audit.graph import IntModel, MutantGraph, WorldIndex
from ehttp.audit.mutants import REDIRECT_LIMIT, REDIRECT_SEED, Mutant, derive_mutants
from ehttp.audit.table_mutants import derive_table_mutants
from ehttp.audit.unconstrained import Survivor, match_unconstrained
from ehttp.checker import CheckResult, Property, PropertyResult, check, reachable
from ehttp.compose.checking import lab_variants
from ehttp.compose.properties import LAB, Check, lab_checks
from ehttp.compose.successors import Edges, Successors, TableModel
from ehttp.compose.world import Action, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.fuzz.survivors import lab_contradicts
from ehttp.machines.access import dp_authentication_methods, dp_type, mp_registration_methods

__all__ = [
    "STATE_BUDGET",
    "AuditResult",
    "BaseFailed",
    "Checks",
    "MutantResult",
    "PropertyStrength",
    "Status",
    "lab_lockstep",
    "run_audit",
]

Status = Literal["killed", "survived", "equivalent", "not-run"]
STATE_BUDGET = 3
"""A mutant's search stops at this many times the unmutated run's worlds (a guard forced true on
the clock lets timers grow without bound). Three, not two: enabling redirected to HTTPS only
(`site-mode/0/redirect/https-only`) reaches 2.5 times the one-client lab's worlds once every
client re-registers (A-47), and a search cut short leaves its liveness verdicts unknown, where a
search from scratch finds them violated (`tests/audit/test_graph.py`)."""


class BaseFailed(RuntimeError):
    """The unmutated lab does not pass its own check: there is nothing to measure."""


@dataclass(frozen=True)
class MutantResult:
    """What one mutant did: which properties it broke, or what it allows unnoticed."""

    mutant: Mutant
    status: Status
    killed_by: tuple[str, ...] = ()
    lengths: tuple[int | None, ...] = ()
    """Per property in `killed_by`: the counterexample's number of steps (None: vacuous)."""
    behaviour: str = ""
    unconstrained: str | None = None
    """The seed sentence that leaves this survivor open (`specs/unconstrained.toml`)."""
    complete: bool = True
    lab: str | None = None
    """A survivor of the declarations only: what the lab does on the mutant's first difference,
    driven in lockstep with the mutant (`model/fuzz/survivors.py`): "contradicts: ..." with the
    broken invariant (a fuzz campaign that gets there kills it), or "follows"."""


@dataclass(frozen=True)
class PropertyStrength:
    """One property: the mutants it kills, and one of them with its counterexample length."""

    key: str
    name: str
    variant: str
    kind: str
    requirements: tuple[str, ...]
    killed: tuple[str, ...]
    example: tuple[str, int | None] | None

    @property
    def unfalsifiable(self) -> bool:
        """No mutant made it fail."""
        return not self.killed


@dataclass(frozen=True)
class AuditResult:
    """The audit of one lab."""

    lab: Lab
    properties: tuple[PropertyStrength, ...]
    mutants: tuple[MutantResult, ...]
    redirects_total: int
    redirects_limit: int
    seconds: float

    @property
    def complete(self) -> bool:
        """Every mutant was run to the end."""
        return all(m.status != "not-run" for m in self.mutants)

    @property
    def changing(self) -> tuple[MutantResult, ...]:
        """Mutants that change a reachable graph and are not a copy of an earlier one."""
        return tuple(
            m
            for m in self.mutants
            if m.status in ("killed", "survived") and m.mutant.same_as is None
        )

    @property
    def counted(self) -> tuple[MutantResult, ...]:
        """The changing mutants less the survivors the seed leaves open."""
        return tuple(m for m in self.changing if m.unconstrained is None)

    @property
    def kill_ratio(self) -> float:
        """Killed over counted (1.0 when nothing is counted)."""
        counted = self.counted
        if not counted:
            return 1.0
        return sum(m.status == "killed" for m in counted) / len(counted)

    @property
    def unfalsifiable(self) -> tuple[PropertyStrength, ...]:
        """Properties that killed no mutant."""
        return tuple(p for p in self.properties if p.unfalsifiable)

    @property
    def passed(self) -> bool:
        """Complete, and every property killed at least one mutant."""
        return self.complete and not self.unfalsifiable

    def to_json(self) -> dict[str, Any]:
        """The audit as JSON-ready data (the shape `ehttp audit --json` prints)."""
        counted = self.counted
        return {
            "lab": self.lab.name,
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "passed": self.passed,
            "kill_ratio": round(self.kill_ratio, 4),
            "killed": sum(m.status == "killed" for m in counted),
            "counted": len(counted),
            "redirects": {
                "derived": self.redirects_total,
                "limit": self.redirects_limit,
                "seed": REDIRECT_SEED,
            },
            "properties": [
                {
                    "id": p.name,
                    "variant": p.variant,
                    "kind": p.kind,
                    "requirements": list(p.requirements),
                    "killed": len(p.killed),
                    "unfalsifiable": p.unfalsifiable,
                    "example": None
                    if p.example is None
                    else {"mutant": p.example[0], "length": p.example[1]},
                }
                for p in self.properties
            ],
            "mutants": [
                {
                    "id": m.mutant.id,
                    "where": _where_json(m.mutant),
                    "kind": m.mutant.kind,
                    "change": m.mutant.change,
                    "status": m.status,
                    "killed_by": list(m.killed_by),
                    "same_as": m.mutant.same_as,
                    "behaviour": m.behaviour or None,
                    "unconstrained": m.unconstrained,
                    "complete": m.complete,
                    "lab": m.lab,
                }
                for m in self.mutants
            ],
        }


def _where_json(mutant: Mutant) -> dict[str, Any]:
    w = mutant.where
    return {
        "machine": w.machine,
        "row": w.row,
        "on": w.on,
        "source": list(w.source),
        "dest": w.dest,
        "state": w.state,
        "target": w.target,
    }


def _key(variant: str, name: str) -> str:
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
) -> _Run:
    results: dict[str, CheckResult[World]] = {}
    results[LAB] = check(
        TableModel(model, table), props[LAB], symmetry=symmetry, max_states=max_states
    )
    lab_worlds = list(table.memo)
    for variant, variant_model in lab_variants(model, set(props) - {LAB}, lab_worlds):
        results[variant] = check(
            TableModel(variant_model, table),
            props[variant],
            symmetry=symmetry,
            max_states=max_states,
        )
    return _Run(results, lab_worlds)


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
        (_key(variant, p.name), p)
        for variant, result in run.results.items()
        for p in result.properties
        if p.verdict in ("violated", "vacuous")
    ]


class _Base:
    """The unmutated lab: its table, its worlds in breadth-first order, and its verdicts."""

    def __init__(self, lab: Lab, checks: Checks) -> None:
        self.model = WorldModel(lab)
        self.checks = checks
        self.props = _by_variant(self.model, checks)
        self.order = [(item.variant, item.prop) for item in checks(self.model)]
        self.symmetry = bool(self.model.symmetric_groups)
        self.table = Successors(self.model)
        run = _check_all(self.model, self.table, self.props, self.symmetry, None)
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


def _affected(base: _Base, mutant: Mutant) -> Callable[[World], bool]:
    instances = base.instances.get(mutant.machine, ())
    sources = mutant.sources

    def affected(world: World) -> bool:
        return any(world[i][0] in sources for i in instances)

    return affected


def _describe(base: _Base, model: WorldModel, world: World, old: Edges, new: Edges) -> str:
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


def _edges_of(base: _Base, model: WorldModel, mutant: Mutant) -> Redo[Any]:
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
    base: _Base, affected: Callable[[World], bool], edges_of: Redo[Any]
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


def _check_mutant(base: _Base, model: WorldModel, graph: MutantGraph, machine: str) -> _Run:
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
    lab_model = IntModel(model, graph, symmetry)
    results: dict[str, CheckResult[Any]] = {
        LAB: check(lab_model, wrapped[LAB], symmetry=symmetry, max_states=base.budget)
    }
    lab_worlds = [graph.world(number) for number in lab_model.expanded]
    for variant, variant_model in lab_variants(model, set(props) - {LAB}, lab_worlds):
        results[variant] = check(
            IntModel(variant_model, graph, symmetry),
            wrapped[variant],
            symmetry=symmetry,
            max_states=base.budget,
        )
    return _Run(results, lab_worlds)


def _same_answers(base: _Base, model: WorldModel) -> bool:
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


def _table_change(base: _Base, model: WorldModel, table: Successors) -> str | None:
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


def _run_table_mutant(base: _Base, mutant: Mutant) -> MutantResult:
    """A table mutant: its model checked anew on every variant (a changed cell can change the
    steps of every world where a client registers, and what every distribution point accepts)."""
    model = WorldModel(base.model.lab, tables=mutant.tables)
    if _same_answers(base, model):
        return MutantResult(mutant, "equivalent")
    table = Successors(model)
    run = _check_all(model, table, _by_variant(model, base.checks), base.symmetry, base.budget)
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


def _lab_on(base: _Base, mutant: Mutant) -> str:
    """Drive the lab in lockstep with a surviving mutant of the declarations along its first
    difference (`model/fuzz/survivors.py`)."""
    assert mutant.replaced is not None
    model = WorldModel(base.model.lab, machines={mutant.machine: mutant.replaced})
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
    base = _Base(lab, checks)
    return {m.id: _lab_on(base, m) for m in mutants if m.replaced is not None}


def _run_mutant(base: _Base, mutant: Mutant) -> MutantResult:
    if mutant.replaced is None:
        return _run_table_mutant(base, mutant)
    model = WorldModel(base.model.lab, machines={mutant.machine: mutant.replaced})
    affected = _affected(base, mutant)
    edges_of = _edges_of(base, model, mutant)
    found = _first_change(base, affected, edges_of)
    if found is None:
        return MutantResult(mutant, "equivalent")
    world, new = found
    behaviour = _describe(base, model, world, base.table.memo[world], new)

    graph = MutantGraph(base.index, affected, edges_of, Successors(model).compute)
    run = _check_mutant(base, model, graph, mutant.machine)
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


def _strengths(base: _Base, results: Sequence[MutantResult]) -> tuple[PropertyStrength, ...]:
    strengths = []
    for variant, prop in base.order:
        key = _key(variant, prop.name)
        killed: list[str] = []
        best: tuple[str, int | None] | None = None
        for result in results:
            if key not in result.killed_by:
                continue
            killed.append(result.mutant.id)
            if result.mutant.same_as is not None:
                continue
            length = result.lengths[result.killed_by.index(key)]
            if best is None or (length is not None and (best[1] is None or length < best[1])):
                best = (result.mutant.id, length)
        strengths.append(
            PropertyStrength(
                key, prop.name, variant, prop.kind, prop.requirements, tuple(killed), best
            )
        )
    return tuple(strengths)


_SHARED: list[tuple[_Base, tuple[Mutant, ...]]] = []
"""The unmutated lab and the mutants, for the worker processes (inherited when forked: a
mutant's guards are closures, which do not pickle)."""

_Outcome = tuple[int, Status, tuple[str, ...], tuple[int | None, ...], str, bool]


def _ignore_ctrl_c() -> None:
    """In a worker: Ctrl-C is the parent's to handle (it stops handing out mutants)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_worker(number: int) -> _Outcome:
    base, mutants = _SHARED[0]
    result = _run_mutant(base, mutants[number])
    return (
        number,
        result.status,
        result.killed_by,
        result.lengths,
        result.behaviour,
        result.complete,
    )


def _workers(requested: int | None) -> int:
    if requested is not None:
        return max(1, requested)
    if "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def run_audit(
    lab: Lab,
    *,
    unconstrained: Sequence[Survivor] = (),
    max_seconds: float | None = None,
    redirect_limit: int = REDIRECT_LIMIT,
    only: Iterable[Mutant] | None = None,
    workers: int | None = None,
    checks: Checks = lab_checks,
    progress: Callable[[int, int, MutantResult], None] | None = None,
    stop: Callable[[], bool] | None = None,
) -> AuditResult:
    """Audit `lab`: derive the mutants (or take `only`), run each, gather the strengths.

    `unconstrained` are the survivors listed as left open by the seed; one that matches no mutant
    of the declarations raises `UnconstrainedError` (a stale entry). Mutants run in
    `workers` processes (default: up to two, forked, where the platform forks); results do not
    depend on how many. `checks` builds the properties measured (tests measure other ones).
    `stop` is a stop request (Ctrl-C), asked between mutants like the time limit: the mutants
    not run then are "not-run".
    """
    started = time.perf_counter()
    base = _Base(lab, checks)
    machines = tuple(dict.fromkeys(base.model.env.machines))
    every, _ = derive_mutants(machines, redirect_limit=sys.maxsize)
    listed = match_unconstrained(unconstrained, every)
    redirects_total = 0
    if only is None:
        mutants, redirects_total = derive_mutants(machines, redirect_limit=redirect_limit)
        mutants += derive_table_mutants()
    else:
        mutants = tuple(only)
    ran: dict[int, MutantResult] = {}
    jobs = [(n, m) for n, m in enumerate(mutants) if m.same_as is None]
    count = 0

    def out_of_time() -> bool:
        if stop is not None and stop():
            return True
        return max_seconds is not None and time.perf_counter() - started > max_seconds

    def record(result: MutantResult, number: int) -> None:
        nonlocal count
        ran[number] = result
        count += 1
        if progress is not None:
            # Counted out of every mutant, as the header and the summary count them: those that
            # behave as a removal are judged with it and never run, so they count from the start.
            progress(count + len(mutants) - len(jobs), len(mutants), result)

    pool_size = _workers(workers)
    if pool_size == 1:
        for number, mutant in jobs:
            if out_of_time():
                break
            record(_run_mutant(base, mutant), number)
    else:
        _SHARED[:] = [(base, mutants)]
        context = multiprocessing.get_context("fork")
        with context.Pool(pool_size, initializer=_ignore_ctrl_c) as pool:
            for number, status, killed_by, lengths, behaviour, complete in pool.imap_unordered(
                _in_worker, [n for n, _ in jobs]
            ):
                record(
                    MutantResult(
                        mutants[number], status, killed_by, lengths, behaviour, complete=complete
                    ),
                    number,
                )
                if out_of_time():
                    pool.terminate()
                    break
        _SHARED.clear()
    by_id = {mutants[n].id: r for n, r in ran.items()}
    results: list[MutantResult] = []
    for number, mutant in enumerate(mutants):
        found = ran.get(number)
        if found is None and mutant.same_as is not None and mutant.same_as in by_id:
            copy = by_id[mutant.same_as]
            found = MutantResult(
                mutant, copy.status, copy.killed_by, copy.lengths, copy.behaviour, None
            )
        if found is None:
            found = MutantResult(mutant, "not-run")
        entry = listed.get(mutant.where)
        if found.status == "survived" and mutant.replaced is not None and mutant.same_as is None:
            found = MutantResult(
                mutant,
                found.status,
                behaviour=found.behaviour,
                unconstrained=None if entry is None else entry.sentence,
                complete=found.complete,
                lab=_lab_on(base, mutant),
            )
        elif found.status == "survived" and entry is not None:
            found = MutantResult(
                mutant, found.status, behaviour=found.behaviour, unconstrained=entry.sentence
            )
        results.append(found)
    return AuditResult(
        lab=lab,
        properties=_strengths(base, results),
        mutants=tuple(results),
        redirects_total=redirects_total,
        redirects_limit=redirect_limit,
        seconds=time.perf_counter() - started,
    )
