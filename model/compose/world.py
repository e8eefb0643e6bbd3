"""The composed model of a lab: every machine instance, one world state, one successor function.

A world is a tuple with one ``(control state, timer)`` pair per machine instance, in a fixed layout:
site mode, Azure AD application, smsexec, clock, toggle history, one certificate binding per
management point then per distribution point, then one registration per client. Timers are -1 where
the state has no deadline. Everything is derived from the declarations in `model/machines/site.py`,
`model/machines/binding.py`, `model/machines/registration.py` and `model/machines/clock.py`; this
module only composes them: a local row fires, every other instance reacts to the row's name
through its reaction rows (at most one each), the clock's step advances every running timer. The
layout of the instances and the questions their guards ask of a world are `Env`'s
(`model/compose/env.py`); which instances are interchangeable and the canonical form of a world
under their exchange are `Interchange`'s (`model/compose/symmetry.py`).

`WorldModel` is the generic model checker's view of a lab (it knows nothing of Enhanced HTTP).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ehttp.compose.env import (
    APP,
    CLOCK_AT,
    EXEC,
    HISTORY,
    MACHINES,
    SITE,
    Env,
    ModelError,
)
from ehttp.compose.symmetry import Interchange, into_place
from ehttp.config.schema import (
    DistributionPoint,
    Lab,
    ManagementPoint,
    at_least,
)
from ehttp.machines.access import AccessTables
from ehttp.machines.binding import (
    CERTIFICATE_WORK_PENDING,
    SMSEXEC_RUNNING,
    initial_binding,
)
from ehttp.machines.clock import OVERDUE, QUANTUM_MINUTES, TIME_CAN_ADVANCE
from ehttp.machines.machine import Machine, Row
from ehttp.machines.site import (
    APP_READY,
    ENHANCED,
    OPTION_AVAILABLE,
    option_available,
)
from ehttp.machines.state import Action, World

__all__ = [
    "APP",
    "CLOCK_AT",
    "EXEC",
    "HISTORY",
    "MACHINES",
    "SITE",
    "Action",
    "Env",
    "ModelError",
    "World",
    "WorldModel",
]


_Context = tuple[str, str, World, bool]
"""What a client's guards read of the rest of the world: the site mode, the Azure AD application,
the management points' bindings, and whether something is overdue."""

_CORE_ATOMS = frozenset(
    (
        OPTION_AVAILABLE,
        ENHANCED,
        APP_READY,
        SMSEXEC_RUNNING,
        CERTIFICATE_WORK_PENDING,
        OVERDUE,
        TIME_CAN_ADVANCE,
    )
)
"""The atoms that read only the site components (the world before the first client) and the
timer summary (some timer runs, some stands at its deadline)."""


def _initial_site(lab: Lab) -> str:
    site = lab.site
    if site.enhanced_http and not (at_least(site.version, "1806") and site.prerelease_features):
        raise ModelError(
            f"site.enhanced_http: true is not accepted for version {site.version} with "
            f"prerelease_features = {str(site.prerelease_features).lower()}; enhanced HTTP "
            "needs version 1806 with prerelease_features = true"
        )
    base = site.client_communication
    return f"{base}+enhanced" if site.enhanced_http else base


def _initial_app(lab: Lab) -> str:
    if not lab.site.azure_ad_onboarded:
        return "not-onboarded"
    return "updated" if lab.site.azure_ad_app_updated else "needs-update"


class WorldModel(Interchange):
    """A lab's composed model, in the shape the generic checker explores.

    Clients with identical configuration are interchangeable, and so are site systems of one
    kind (management points, distribution points) with identical configuration but the name
    (unless `site_symmetry` is False); the canonical form sorts their states (see `canonical`).
    A variant may leave out rows by name (`without`), start from given worlds (`initial`)
    or keep only the system's own fair steps (`fair_only`): properties such as "after the
    workaround, the binding is restored" are checked on such variants. `machines` replaces
    declared machines by name, `tables` the access tables (see `Env`).
    """

    def __init__(
        self,
        lab: Lab,
        *,
        without: frozenset[str] = frozenset(),
        initial: Sequence[World] | None = None,
        fair_only: bool = False,
        machines: Mapping[str, Machine] | None = None,
        tables: AccessTables | None = None,
        site_symmetry: bool = True,
    ) -> None:
        self.env = Env(lab, machines, tables)
        self.site_symmetry = site_symmetry
        self.machines: Mapping[str, Machine] = dict(machines or {})
        self.tables = tables
        self.lab = lab
        self.without = without
        self.fair_only = fair_only
        groups = self._interchangeable(self.env, site_symmetry)
        self._canonical_kind: dict[Action, tuple[int, int] | bool] = {}
        self._client_kind: dict[int, int] = {
            index: kind for kind, group in enumerate(groups.values()) for index in group
        }
        self._client_memo: dict[
            tuple[str, str, World, bool], dict[tuple[int, str], tuple[Action, ...]]
        ] = {}
        """A client's enabled actions by what client guards read and overdue, then by (client,
        its state): the first key is the same for every client of a world, so it is hashed once.

        Client guards read only the client's own configuration and state, the site mode, the
        Azure AD application and the management points' bindings (see
        `model/machines/registration.py`);
        urgency reads whether something is overdue."""
        self._core_memo: dict[tuple[World, bool, bool], tuple[Action, ...]] = {}
        """The site components' enabled actions by (their part of the world, some timer runs,
        some timer is overdue): what their guards read."""
        core_machines = set(self.env.machines[: self.env.first_client])
        self._core_only = all(
            atom in _CORE_ATOMS
            for machine in core_machines
            for row in machine.rows
            for atom in row.guard.atoms()
        )
        """Whether every guard of the site components reads only what `_core_memo` keys on (a
        machine swapped in with another guard may read more: then guards are evaluated)."""
        enhanced = lab.site.enhanced_http
        start: list[tuple[str, int]] = [
            (_initial_site(lab), -1),
            (_initial_app(lab), -1),
            ("running", -1),
            ("ticking", -1),
            ("careful", -1),
        ]
        systems: tuple[ManagementPoint | DistributionPoint, ...] = (
            *lab.management_points,
            *lab.distribution_points,
        )
        for system in systems:
            start.append((initial_binding(system.connections == "https", enhanced), -1))
        start.extend(("unregistered", -1) for _ in lab.clients)
        self._pairs: dict[tuple[str, int], tuple[str, int]] = {}
        """One object per (control state, timer) pair a step makes: worlds built from shared
        pairs compare equal item by item by identity, so looking a successor up in the search's
        index of worlds (which compares on every hit) is cheaper."""
        self.initial: World = tuple(self._pairs.setdefault(pair, pair) for pair in start)
        self.starts: tuple[World, ...] = tuple(initial) if initial is not None else (self.initial,)
        self.fired: set[tuple[str, int]] = set()
        self._own_steps = (
            type(self).actions is WorldModel.actions
            and type(self).next_state is WorldModel.next_state
        )
        """False for a subclass that changes `actions` or `next_state`: `edges` then asks them."""
        self._steps: dict[Action, tuple[Row, tuple[str, int], tuple[str, int] | None, bool]] = {}

    def init_states(self) -> Sequence[World]:
        """The lab as configured, before anything happens (or the given starting worlds)."""
        return self.starts

    def actions(self, state: World) -> list[Action]:
        """Every enabled local row of every instance (less the rows this variant leaves out).

        Modeling assumption A-12 (urgency): while some timer stands at its deadline only the
        system's own steps can happen; the environment's next step comes after the overdue work.
        Without it, an administrator who restarts smsexec over and over within one instant would
        stop time (a Zeno behaviour) and starve the certificate manager.

        Enabled rows are looked up in memos keyed by what the guards read (`_core_memo`,
        `_client_memo`); `tests/compose/test_world.py` checks them against evaluating every guard
        in every reachable world.
        """
        return [action for part in self._enabled(state) for action in part]

    def _enabled(self, state: World) -> list[tuple[Action, ...]]:
        """The enabled actions of the site components, then of each client (from the memos)."""
        env = self.env
        running, overdue = env._timers(state)
        first_client = env.first_client
        core = state[:first_client]
        if self._core_only:
            key = (core, running, overdue)
            found = self._core_memo.get(key)
            if found is None:
                found = self._core_memo[key] = self._evaluate(state, range(first_client), overdue)
        else:
            found = self._evaluate(state, range(first_client), overdue)
        enabled = [found]
        context = (core[SITE][0], core[APP][0], state[env.first_binding : env.first_dp], overdue)
        memo = self._client_memo.get(context)
        if memo is None:
            memo = self._client_memo[context] = {}
        for index in env.clients:
            key_client = (index, state[index][0])
            mine = memo.get(key_client)
            if mine is None:
                mine = memo[key_client] = self._evaluate(state, (index,), overdue)
            if mine:
                enabled.append(mine)
        return enabled

    def _evaluate(self, state: World, indices: Iterable[int], overdue: bool) -> tuple[Action, ...]:
        """The enabled actions of the instances at `indices`, every guard evaluated."""
        env = self.env
        fair_only = self.fair_only or overdue
        without = self.without
        return tuple(
            (index, number)
            for index in indices
            for number, row in env.compiled[index].local.get(state[index][0], ())
            if (not fair_only or row.fair)
            and not (without and row.name in without)
            and row.guard(env, state, index)
        )

    def edges(self, state: World) -> tuple[tuple[Action, World], ...]:
        """Each action of `actions(state)`, in order, with `next_state(state, action)`.

        A step that no other instance reacts to (the clock's aside) changes only its own
        instance: its target is built here from the step's entered pair, without the rest of
        `next_state` (unless a subclass changes `actions` or `next_state`)."""
        next_state = self.next_state
        if not self._own_steps:
            return tuple([(action, next_state(state, action)) for action in self.actions(state)])
        steps = self._steps
        out = []
        for mine in self._enabled(state):
            for action in mine:
                _row, _key, entered, reacts = steps.get(action) or self._step(action)
                if reacts or entered is None:
                    out.append((action, next_state(state, action)))
                    continue
                index = action[0]
                if entered[0] == state[index][0]:
                    out.append((action, state))
                else:
                    out.append((action, (*state[:index], entered, *state[index + 1 :])))
        return tuple(out)

    def successors(self, state: World, canonical: bool) -> tuple[tuple[Action, World], ...]:
        """`edges(state)`, with each target in canonical form when `canonical` (the checker's
        `Expanding` interface)."""
        edges = self.edges(state)
        if not canonical:
            return edges
        canon = self.canonical
        return tuple((action, canon(target)) for action, target in edges)

    def canonical_edges(
        self, state: World, edges: tuple[tuple[Action, World], ...]
    ) -> tuple[tuple[Action, World], ...]:
        """`edges` of `state` with each target in canonical form (`edges` itself when every
        target already is).

        When `state` is canonical, a step that changes one instance only (no other instance
        reacts, not the clock) leaves every run of interchangeable instances sorted but the
        changed instance's own: that instance is moved to its place among its sorted twins, which
        is what sorting the run gives; a step of an instance in no run leaves the target
        canonical. Any other step, or a `state` not canonical, is put in canonical form in full
        (`tests/compose/test_successors.py` checks both ways agree on every reachable world).
        """
        canon = self.canonical
        if not self._own_steps or self._symmetric_runs is None or canon(state) is not state:
            found = tuple(
                edge if (target := canon(edge[1])) is edge[1] else (edge[0], target)
                for edge in edges
            )
            return edges if all(a is b for a, b in zip(found, edges, strict=True)) else found
        kinds = self._canonical_kind
        out: list[tuple[Action, World]] | None = None
        for at, edge in enumerate(edges):
            action, target = edge
            kind = kinds.get(action)
            if kind is None:
                kind = self._kind(action)
            if kind is True:
                fixed = canon(target)
            elif kind is False or target is state:
                fixed = target
            else:
                index = action[0]
                start, stop = kind
                value = target[index]
                if (index > start and value < target[index - 1]) or (
                    index + 1 < stop and target[index + 1] < value
                ):
                    fixed = into_place(target, index, kind)
                else:
                    fixed = target
            if fixed is not target:
                if out is None:
                    out = list(edges[:at])
                out.append((action, fixed))
            elif out is not None:
                out.append(edge)
        return edges if out is None else tuple(out)

    def _kind(self, action: Action) -> tuple[int, int] | bool:
        """How `canonical_edges` puts a target of `action` in canonical form, worked out once:
        True sorts in full (reactions, the clock), False leaves it (one instance in no run),
        else the run of the one instance the step changes."""
        _row, _key, entered, reacts = self._steps.get(action) or self._step(action)
        kind: tuple[int, int] | bool = (
            True if reacts or entered is None else self._run_at.get(action[0], False)
        )
        self._canonical_kind[action] = kind
        return kind

    def _step(self, action: Action) -> tuple[Row, tuple[str, int], tuple[str, int] | None, bool]:
        """What firing `action` needs, worked out once per action: its row, its key in `fired`,
        the pair its instance enters (None on the clock) and whether other instances react."""
        index, number = action
        env = self.env
        row = env.machines[index].rows[number]
        dest = row.dest
        entered = (
            None
            if index == CLOCK_AT
            else self._pair(dest, 0 if dest in env.deadlines[index] else -1)
        )
        found = (row, (env.machines[index].name, number), entered, row.name in env.reactors)
        self._steps[action] = found
        # Only a step that fires is worked out (by `edges` or `next_state`), so its row is
        # recorded as fired here, once, instead of on every firing.
        self.fired.add(found[1])
        return found

    def next_state(self, state: World, action: Action) -> World:
        """Fire a local row, let every other instance react to it, update timers."""
        row, _key, entered, reacts = self._steps.get(action) or self._step(action)
        if entered is None:  # the clock's step: every running timer advances
            ticked = list(state)
            pairs = self._pairs
            for at, _deadlines in self.env.timed:
                control, timer = state[at]
                if timer >= 0:
                    pair = (control, timer + 1)
                    ticked[at] = pairs.setdefault(pair, pair)
            return tuple(ticked)
        index = action[0]
        if state[index][0] == entered[0]:
            entered = state[index]
        if not reacts:
            return (*state[:index], entered, *state[index + 1 :])
        env = self.env
        fired = self.fired
        reactors = env.reactors[row.name]
        new = list(state)
        new[index] = entered
        name = row.name
        for other, machine_name, by_source in reactors:
            if other == index:
                continue
            control = state[other][0]
            matched: Row | None = None
            for react_number, reaction in by_source.get(control, ()):
                if reaction.guard(env, state, other):
                    if matched is not None:
                        raise ModelError(
                            f"{env.names[other]}: two reaction rows match {name!r} in state "
                            f"{control!r}; make their guards exclusive"
                        )
                    matched = reaction
                    fired.add((machine_name, react_number))
            if matched is not None:
                new[other] = self._enter(other, state[other], matched.dest)
        return tuple(new)

    def rows_fired(self, state: World, action: Action) -> tuple[Row, ...]:
        """The rows a step fires: the action's own row, then every reaction row it triggers
        (the same matching as `next_state`, for reports; not on the checker's hot path)."""
        env = self.env
        index, number = action
        row = env.machines[index].rows[number]
        rows = [row]
        for other, _machine, by_source in env.reactors.get(row.name, ()):
            if other != index:
                rows.extend(
                    reaction
                    for _n, reaction in by_source.get(state[other][0], ())
                    if reaction.guard(env, state, other)
                )
        return tuple(rows)

    def fire(self, world: World, index: int, name: str) -> World:
        """Fire the enabled local row called `name` of instance `index` (exactly one must be)."""
        matching = [a for a in self.actions(world) if a[0] == index and self.action_name(a) == name]
        if len(matching) != 1:
            raise ModelError(
                f"{self.env.names[index]}: {name!r} is not enabled in state {world[index][0]!r}"
                if not matching
                else f"{self.env.names[index]}: {name!r} matches {len(matching)} rows"
            )
        return self.next_state(world, matching[0])

    def _enter(self, index: int, current: tuple[str, int], dest: str) -> tuple[str, int]:
        if dest == current[0]:
            return current
        return self._pair(dest, 0 if dest in self.env.compiled[index].deadlines else -1)

    def _pair(self, control: str, timer: int) -> tuple[str, int]:
        """The shared object for (control, timer) (see `_pairs`)."""
        pair = (control, timer)
        return self._pairs.setdefault(pair, pair)

    def recorded(self) -> frozenset[tuple[str, int]]:
        """The rows fired so far (`fired`: the checker's `Recording` interface, for questions
        asked in a forked child)."""
        return frozenset(self.fired)

    def absorb(self, record: object) -> None:
        """Add the rows a child process fired (its `recorded()`) to `fired`."""
        assert isinstance(record, frozenset)
        self.fired |= record

    def is_fair(self, action: Action) -> bool:
        """System steps (site components, client agent, clock) are weakly fair."""
        index, number = action
        return self.env.machines[index].rows[number].fair

    def action_name(self, action: Action) -> str:
        """The declared name of the action's row."""
        index, number = action
        return self.env.machines[index].rows[number].name

    def all_action_names(self) -> Sequence[str]:
        """The names of every local row of every machine instance in the lab."""
        names = {row.name for m in set(self.env.machines) for row in m.local_rows}
        return tuple(sorted(names))

    def describe_step(self, before: World, action: Action, after: World) -> str:
        """The action in the source's words, on which instance, and what changed."""
        index, number = action
        row = self.env.machines[index].rows[number]
        changes = [
            f"{self.env.names[i]}: {a[0]} -> {b[0]}"
            for i, (a, b) in enumerate(zip(before, after, strict=True))
            if a[0] != b[0]
        ]
        who = self.env.names[index]
        head = f"{row.name} ({who})"
        if index == CLOCK_AT:
            return f"{row.name}"
        return f"{head}: {'; '.join(changes)}" if changes else head

    def state_to_json(self, state: World) -> dict[str, Any]:
        """A world as JSON: each instance as ``{"state", "minutes"}``, the minutes on its timer
        (null when no timer runs), so every instance's value has one shape."""
        out: dict[str, Any] = {}
        for name, (control, timer) in zip(self.env.names, state, strict=True):
            if name == "clock":
                continue
            out[name] = {
                "state": control,
                "minutes": timer * QUANTUM_MINUTES if timer >= 0 else None,
            }
        return out

    def option_available(self) -> bool:
        """Whether the lab's site offers the enhanced HTTP option at all (SITE-3)."""
        return option_available(self.env, self.initial, SITE)
