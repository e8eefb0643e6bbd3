"""A lab's machine instances and the questions their guards ask of a world.

`Env` lays out a lab's instances in the world tuple (site mode, Azure AD application, smsexec,
clock, toggle history, one certificate binding per management point then per distribution point,
then one registration per client), holds each instance's declared machine compiled into rows by
source state, and answers the guards' questions (`model/machines/state.py`'s `Environment`): is
enhanced HTTP on, does a client reach a management point, what a distribution point accepts now.
`model/compose/world.py` composes the instances into the checker's model.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ehttp.config.schema import (
    SITE_INSTANCES,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
)
from ehttp.machines.access import (
    METHODS,
    AccessTables,
    Method,
    dp_authentication_methods,
    dp_type,
    mp_registration_methods,
)
from ehttp.machines.binding import (
    BINDING,
    BOUND_STATES,
    PENDING_STATES,
    SMSEXEC,
    TOGGLE_HISTORY,
)
from ehttp.machines.clock import CLOCK
from ehttp.machines.machine import Machine, Row
from ehttp.machines.registration import DEVICE_IDENTITY_BUILD, REGISTRATION
from ehttp.machines.site import (
    AZURE_AD_APP,
    ENHANCED_STATES,
    HTTPS_ONLY_STATES,
    SITE_MODE,
)
from ehttp.machines.state import World

__all__ = [
    "APP",
    "CLOCK_AT",
    "EXEC",
    "HISTORY",
    "MACHINES",
    "SITE",
    "Env",
    "ModelError",
]


MACHINES: tuple[Machine, ...] = (
    SITE_MODE,
    AZURE_AD_APP,
    SMSEXEC,
    CLOCK,
    TOGGLE_HISTORY,
    BINDING,
    REGISTRATION,
)
"""Every declared machine, once each."""

SITE, APP, EXEC, CLOCK_AT, HISTORY = range(5)


class ModelError(ValueError):
    """A lab that the model cannot represent (one line: the key, the value, what is accepted)."""


@dataclass(frozen=True)
class _Compiled:
    local: dict[str, tuple[tuple[int, Row], ...]]
    reactions: dict[str, dict[str, tuple[tuple[int, Row], ...]]]
    deadlines: dict[str, int]


def _compile(machine: Machine) -> _Compiled:
    local: dict[str, list[tuple[int, Row]]] = {}
    reactions: dict[str, dict[str, list[tuple[int, Row]]]] = {}
    for number, row in enumerate(machine.rows):
        for source in row.source:
            if row.event is None:
                local.setdefault(source, []).append((number, row))
            else:
                reactions.setdefault(row.event, {}).setdefault(source, []).append((number, row))
    return _Compiled(
        local={k: tuple(v) for k, v in local.items()},
        reactions={e: {k: tuple(v) for k, v in by.items()} for e, by in reactions.items()},
        deadlines={s.name: s.deadline for s in machine.states if s.deadline is not None},
    )


_COMPILED: dict[str, _Compiled] = {m.name: _compile(m) for m in MACHINES}


def _declared(replaced: Mapping[str, Machine]) -> dict[str, Machine]:
    # The module's names, read now: a test may swap a machine in for its duration.
    known = {
        m.name: m
        for m in (SITE_MODE, AZURE_AD_APP, SMSEXEC, CLOCK, TOGGLE_HISTORY, BINDING, REGISTRATION)
    }
    unknown = sorted(set(replaced) - set(known))
    if unknown:
        raise ModelError(
            f"machines: {unknown[0]!r} is not a declared machine; use one of {', '.join(known)}"
        )
    return {**known, **replaced}


class Env:
    """A lab's instances and the questions guards ask of a world (read-only helpers).

    `machines` replaces declared machines by name (a variant of the declarations, such as a
    mutant of the audit); by default every instance runs its declared machine. `tables` replaces
    the seed's access tables (`model/machines/access.py`'s `TABLES`, the default) the same way.
    """

    def __init__(
        self,
        lab: Lab,
        machines: Mapping[str, Machine] | None = None,
        tables: AccessTables | None = None,
    ) -> None:
        self.lab = lab
        self.tables = tables
        mps, dps = lab.management_points, lab.distribution_points
        self.first_binding = HISTORY + 1
        self.first_dp = self.first_binding + len(mps)
        self.first_client = self.first_dp + len(dps)
        declared = _declared(machines or {})
        self.machines: tuple[Machine, ...] = (
            declared[SITE_MODE.name],
            declared[AZURE_AD_APP.name],
            declared[SMSEXEC.name],
            declared[CLOCK.name],
            declared[TOGGLE_HISTORY.name],
            *(declared[BINDING.name] for _ in (*mps, *dps)),
            *(declared[REGISTRATION.name] for _ in lab.clients),
        )
        self.names: tuple[str, ...] = (
            *SITE_INSTANCES,
            *(mp.name for mp in mps),
            *(dp.name for dp in dps),
            *(client.name for client in lab.clients),
        )
        by_name = {
            name: _compile(machine) if name in (machines or {}) else _COMPILED[name]
            for name, machine in declared.items()
        }
        self.compiled = tuple(by_name[m.name] for m in self.machines)
        self.deadlines = tuple(compiled.deadlines for compiled in self.compiled)
        self.timed = tuple((i, found) for i, found in enumerate(self.deadlines) if found)
        """The instances whose machine has deadlines (only they ever run a timer)."""
        self._timed_world: World | None = None
        self._timed = (False, False)
        self.bindings = range(self.first_binding, self.first_client)
        self.clients = range(self.first_client, len(self.machines))
        reactors: dict[str, list[tuple[int, str, dict[str, tuple[tuple[int, Row], ...]]]]] = {}
        for index, (machine, compiled) in enumerate(zip(self.machines, self.compiled, strict=True)):
            for event, by_source in compiled.reactions.items():
                reactors.setdefault(event, []).append((index, machine.name, by_source))
        self.reactors = {event: tuple(found) for event, found in reactors.items()}
        """For each event, the instances with reaction rows to it (precomputed for speed)."""
        version = lab.site.version
        self._accepting: dict[tuple[Method, bool], tuple[int, ...]] = {
            (method, enhanced): tuple(
                number
                for number, mp in enumerate(mps)
                if method in mp_registration_methods(mp.connections, version, enhanced, tables)
            )
            for method in METHODS
            for enhanced in (False, True)
        }
        self.memo: dict[tuple[str, int, bool], frozenset[Method]] = {}
        """Memo for pure functions of an instance's configuration (see `registration.evidence`)."""

    def client(self, index: int) -> Client:
        """The configuration of the client at instance `index`."""
        return self.lab.clients[index - self.first_client]

    def site_system(self, index: int) -> ManagementPoint | DistributionPoint:
        """The configuration of the site system whose binding is instance `index`."""
        if index < self.first_dp:
            return self.lab.management_points[index - self.first_binding]
        return self.lab.distribution_points[index - self.first_dp]

    def enhanced(self, world: World) -> bool:
        """Whether enhanced HTTP is on (in either client communication mode)."""
        return world[SITE][0] in ENHANCED_STATES

    def app_ready(self, world: World) -> bool:
        """Whether the site is onboarded to Azure AD with a current application (PRE-1)."""
        return world[APP][0] == "updated"

    def smsexec_running(self, world: World) -> bool:
        """Whether smsexec, and with it the certificate manager, is running."""
        return world[EXEC][0] == "running"

    def certificate_work_pending(self, world: World) -> bool:
        """Whether any site system has queued certificate work."""
        return any(world[i][0] in PENDING_STATES for i in self.bindings)

    def sms_bound(self, world: World, index: int) -> bool:
        """Whether the site system at `index` has its SMS role certificate bound in IIS."""
        return world[index][0] in BOUND_STATES

    def _timers(self, world: World) -> tuple[bool, bool]:
        """(some timer runs, some timer stands at its deadline), remembered for the last world
        asked: the successors of one world ask it once per guard that reads the clock."""
        if world is self._timed_world:
            return self._timed
        running = overdue = False
        for index, deadlines in self.timed:
            state, timer = world[index]
            if timer >= 0:
                running = True
                if timer >= deadlines[state]:
                    overdue = True
                    break
        self._timed_world, self._timed = world, (running, overdue)
        return running, overdue

    def time_can_advance(self, world: World) -> bool:
        """A timer runs and none stands at its deadline."""
        running, overdue = self._timers(world)
        return running and not overdue

    def overdue(self, world: World) -> bool:
        """Some timer stands at its deadline: the pending system step must come first."""
        return self._timers(world)[1]

    def https_only(self, world: World) -> bool:
        """Whether the site's client communication is HTTPS only (with or without the option)."""
        return world[SITE][0] in HTTPS_ONLY_STATES

    def usable(self, world: World, connections: str) -> bool:
        """Whether clients use a site system configured for `connections` now.

        Modeling assumption A-39: with the site's client communication set to HTTPS only, clients
        don't use a site system configured for HTTP (no registration, no download); the setting is
        taken at its word (SITE-5).
        """
        return connections == "https" or not self.https_only(world)

    def mp_reachable(self, world: World, client_index: int, mp_number: int) -> bool:
        """Whether the client reaches management point `mp_number` (intranet, or through a CMG)."""
        mp = self.lab.management_points[mp_number]
        if not self.usable(world, mp.connections):
            return False
        if self.client(client_index).network == "intranet":
            return True
        if not self.lab.site.cloud_management_gateway:
            return False
        if mp.connections == "https":
            return True
        return self.enhanced(world) and self.sms_bound(world, self.first_binding + mp_number)

    def cmg_authenticates(self, world: World, client_index: int) -> bool:
        """Whether the CMG authenticates the client (A-8, A-9): by its PKI certificate, by the
        Azure AD user token of its signed-in user, or by its device identity alone, which needs
        Windows 10 1803 and the 1806 improvements (SCN-3: "now sufficient")."""
        client = self.client(client_index)
        if client.pki_certificate:
            return True
        if client.join not in ("azure-ad", "hybrid") or not self.app_ready(world):
            return False
        if client.user_signed_in:
            return True
        return client.build >= DEVICE_IDENTITY_BUILD and self.enhanced(world)

    def some_mp_accepts(self, world: World, client_index: int, method: Method) -> bool:
        """Whether some reachable management point registers with `method` now."""
        client = self.client(client_index)
        if client.network == "internet" and (
            method not in ("azure-ad-device-token", "pki-certificate")
            or not self.cmg_authenticates(world, client_index)
        ):
            return False
        return any(
            self.mp_reachable(world, client_index, number)
            for number in self._accepting[method, self.enhanced(world)]
        )

    def dp_methods(self, world: World, dp: DistributionPoint) -> frozenset[Method]:
        """What distribution point `dp` accepts now (DP table); nothing if clients don't use it."""
        if not self.usable(world, dp.connections):
            return frozenset()
        kind = dp_type(dp.connections, dp.allow_anonymous)
        return dp_authentication_methods(
            kind, self.lab.site.version, self.enhanced(world), self.tables
        )
