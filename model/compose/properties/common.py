"""What every property family shares: the `Check` record, the variants of the lab's model a
check may ask for (their names, the rows they leave out, the worlds they start from), and the ways
a predicate asks the model what a step would do (`probe`, `Prober`, `try_step`).

The variants are described in the package's docstring (`model/compose/properties/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from ehttp.checker import Property
from ehttp.compose.world import EXEC, SITE, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.binding import (
    DELETE,
    RESTART,
    SMSEXEC_RUNNING,
    STRANDED,
    initial_binding,
)
from ehttp.machines.guards import Rendering, promela_all
from ehttp.machines.site import DISABLE, ENABLE, ENHANCED

__all__ = [
    "AFTER_ENABLING",
    "CERTIFICATE_MINUTES",
    "FROM_OFF",
    "LAB",
    "NO_APPROVAL",
    "POLICY_CYCLE_MINUTES",
    "RESTART_ALONE",
    "SELECT_HTTPS_ONLY",
    "SELECT_HTTPS_OR_HTTP",
    "THEN_HTTPS_ONLY",
    "TOGGLING",
    "VARIANT_ADMINISTRATOR",
    "VARIANT_WITHOUT",
    "WORKAROUND",
    "Check",
    "ClientFacts",
    "Pred",
    "Prober",
    "Render",
    "enabled_start",
    "enhanced_start",
    "from_off_start",
    "has_option",
    "probe",
    "restart_alone_starts",
    "row_variants",
    "stranded",
    "stranded_promela",
    "try_step",
    "variant_without",
    "workaround_starts",
]

LAB = "lab"
NO_APPROVAL = "without approval"
FROM_OFF = "from enhanced HTTP off"
AFTER_ENABLING = "after enabling"
WORKAROUND = "after the workaround"
RESTART_ALONE = "after a restart alone"
THEN_HTTPS_ONLY = "then HTTPS only"
TOGGLING = "toggling the option only"
SELECT_HTTPS_OR_HTTP = "select HTTPS or HTTP"
SELECT_HTTPS_ONLY = "select HTTPS only"

VARIANT_WITHOUT: dict[str, frozenset[str]] = {
    NO_APPROVAL: frozenset({"approve the client"}),
    RESTART_ALONE: frozenset({DELETE}),
}
"""The rows a variant leaves out, by name."""
VARIANT_ADMINISTRATOR: dict[str, frozenset[str]] = {
    FROM_OFF: frozenset({ENABLE}),
    THEN_HTTPS_ONLY: frozenset({SELECT_HTTPS_ONLY}),
    TOGGLING: frozenset({ENABLE, DISABLE}),
}
"""The only administrator steps a variant allows, by name (every other administrator row is
left out; the site's, the clients' and the clock's own steps all run)."""

CERTIFICATE_MINUTES = 30
"""The seed's Tip: "Wait up to 30 minutes for the management point to receive and configure the
new certificate from the site" (CERT-2)."""
POLICY_CYCLE_MINUTES = 60
"""The seed's known issue: the interruption is no "longer than the policy cycle, which is one hour
by default" (REG-5)."""

Pred = Callable[[World], bool]
Render = Callable[[Rendering], str]


@dataclass(frozen=True)
class Check:
    """A property, the variant of the lab's model it is checked on, and its Promela rendering.

    `promela` renders the property's predicate (the invariant of an `always`, the goal of a
    `sometimes`) as a Promela expression, side by side with the Python predicate, for
    `ehttp export --promela`; None for the kinds Spin does not decide here (liveness, recoverable,
    deadlock freedom, which Spin reports as an invalid end state) and for the properties that
    ask the model what a step would do (a probe), which the export does not render.

    `probes` names the machines whose rows the predicates ask through `probe` (none: they read
    the world alone). A probe asks only the rows an instance can take from the state it is in, so
    a change to other states' rows, or to another machine, never changes the answer:
    `ehttp audit` relies on this to re-ask a predicate only where a mutant can change it
    (`tests/compose/test_properties.py` checks the declarations).
    """

    prop: Property[World]
    variant: str = LAB
    promela: Render | None = None
    probes: tuple[str, ...] = ()


def has_option(lab: Lab) -> bool:
    """The seed's Note, read off the lab: the option exists in version 1806 with pre-release
    features turned on (SITE-3)."""
    return lab.site.version == "1806" and lab.site.prerelease_features


def stranded(model: WorldModel, world: World, index: int) -> bool:
    """CERT-3's symptom at one site system: enhanced HTTP on, smsexec running, the role
    certificate in the SMS store, nothing SMS-Issuing-issued bound, no work queued."""
    return world[index][0] == STRANDED and model.env.enhanced(world) and world[EXEC][0] == "running"


def stranded_promela(r: Rendering, index: int) -> str:
    """`stranded` as a Promela expression."""
    return promela_all(
        (r.is_in(index, (STRANDED,)), ENHANCED.promela(r, SITE), SMSEXEC_RUNNING.promela(r, EXEC))
    )


def probe(model: WorldModel, world: World, index: int, name: str) -> tuple[str, ...]:
    """The states instance `index` would enter if it took its step `name` now (none: it can't).

    The model is asked as an observer asks the real site: do it, and look at that instance.
    Urgency and a variant's left-out rows are not applied: the question is what the step does,
    not when it may happen.
    """
    env = model.env
    return tuple(
        row.dest
        for _number, row in env.compiled[index].local.get(world[index][0], ())
        if row.name == name and row.guard(env, world, index)
    )


class Prober:
    """`probe`, memoised on the instance's state and what its machine's guards read.

    `context(world)` must return everything the guards of the probed rows read besides the
    instance's own configuration and state: the site's guards read only the lab (context ``()``),
    a client's read the site mode, the Azure AD application and the management points' bindings
    (the same assumption `WorldModel`'s client memo makes; `tests/compose/test_world.py` checks it
    against evaluating every guard).
    """

    def __init__(self, model: WorldModel, context: Callable[[World], tuple[object, ...]]) -> None:
        self.model = model
        self.context = context
        self.memo: dict[tuple[object, ...], tuple[str, ...]] = {}

    def __call__(self, world: World, index: int, name: str) -> tuple[str, ...]:
        key = (index, world[index][0], name, self.context(world))
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = probe(self.model, world, index, name)
        return found


class ClientFacts:
    """Which of several "every client ..." claims some client of a world breaks, as a bit mask
    (bit k: `parts[k]` fails for some client), in one pass over the world's clients.

    `parts[k](world, i)` says whether client `i` keeps claim k; it must read only the client's
    own configuration and (state, timer) and what `context(world)` returns. Each client's bits are
    memoised on those (per context, per client, per pair), and the mask of the last world asked
    is kept: the checker asks every claim of one world in turn.
    """

    def __init__(
        self,
        clients: Sequence[int],
        context: Callable[[World], Hashable],
        parts: Sequence[Callable[[World, int], bool]],
    ) -> None:
        self.clients = tuple(clients)
        self.context = context
        self.parts = tuple(parts)
        self._tables: dict[Hashable, list[dict[tuple[str, int], int]]] = {}
        self._world: World | None = None
        self._mask = 0

    def __call__(self, world: World) -> int:
        if world is self._world:
            return self._mask
        key = self.context(world)
        table = self._tables.get(key)
        if table is None:
            table = self._tables[key] = [{} for _ in self.clients]
        mask = 0
        for mine, i in zip(table, self.clients, strict=True):
            pair = world[i]
            found = mine.get(pair)
            if found is None:
                found = mine[pair] = sum(
                    1 << k for k, part in enumerate(self.parts) if not part(world, i)
                )
            mask |= found
        self._world, self._mask = world, mask
        return mask


def try_step(model: WorldModel, world: World, index: int, name: str) -> World:
    """`world` after the step `name` of instance `index`, or `world` when it isn't enabled."""
    env = model.env
    enabled = [
        number
        for number, row in env.compiled[index].local.get(world[index][0], ())
        if row.name == name and row.guard(env, world, index)
    ]
    return model.next_state(world, (index, enabled[0])) if len(enabled) == 1 else world


def workaround_starts(model: WorldModel, worlds: Sequence[World]) -> tuple[World, ...]:
    """Every given CERT-3 world after the seed's workaround as written: delete every certificate
    issued by SMS Issuing from the SMS certificate store (every site system), restart smsexec.

    Worlds where system work is overdue are skipped: the administrator acts after it (urgency),
    and the CERT-3 symptom outlasts that work, so the world after it is among the given ones. A
    step of the workaround that the model does not offer is left out, and the claim then fails
    if the binding stays broken.
    """
    starts: list[World] = []
    for world in worlds:
        if model.env.overdue(world):
            continue
        current = world
        for index in model.env.bindings:
            current = try_step(model, current, index, DELETE)
        starts.append(try_step(model, current, EXEC, RESTART))
    return tuple(dict.fromkeys(starts))


def restart_alone_starts(model: WorldModel, worlds: Sequence[World]) -> tuple[World, ...]:
    """Every given world where every HTTP site system shows CERT-3's symptom, after the
    administrator restarts smsexec and deletes nothing (worlds with overdue system work skipped,
    as in `workaround_starts`)."""
    env = model.env
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    starts = [
        try_step(model, world, EXEC, RESTART)
        for world in worlds
        if http and all(stranded(model, world, i) for i in http) and not env.overdue(world)
    ]
    return tuple(dict.fromkeys(starts))


def from_off_start(model: WorldModel) -> World:
    """The lab before "Configure the site": the option off, no role certificate issued, and the
    seed's first step taken: "Select the option for HTTPS or HTTP" (as the console does it)."""
    env = model.env
    world = list(model.initial)
    world[SITE] = (model.initial[SITE][0].removesuffix("+enhanced"), -1)
    for index in env.bindings:
        world[index] = (initial_binding(env.site_system(index).connections == "https", False), -1)
    return try_step(model, tuple(world), SITE, SELECT_HTTPS_OR_HTTP)


def enabled_start(model: WorldModel) -> World:
    """`from_off_start` after the administrator enables the option (as it is when offered)."""
    return try_step(model, from_off_start(model), SITE, ENABLE)


def row_variants(model: WorldModel) -> dict[str, frozenset[str]]:
    """The variants that start where the lab starts and differ from it only by the rows they
    leave out, with those rows by name (what the Promela export can switch)."""
    return {variant: variant_without(model, variant) for variant in (NO_APPROVAL, TOGGLING)}


def enhanced_start(model: WorldModel) -> World:
    """The lab as configured when it has enhanced HTTP on with HTTPS or HTTP, else
    `enabled_start`: a site with the option turned on as the seed says."""
    if model.initial[SITE][0] == "https-or-http+enhanced":
        return model.initial
    return enabled_start(model)


def variant_without(model: WorldModel, variant: str) -> frozenset[str]:
    """The row names `variant` leaves out: `VARIANT_WITHOUT`'s, or every administrator row but
    the steps `VARIANT_ADMINISTRATOR` allows."""
    allowed = VARIANT_ADMINISTRATOR.get(variant)
    if allowed is None:
        return VARIANT_WITHOUT.get(variant, frozenset())
    return frozenset(
        row.name
        for machine in dict.fromkeys(model.env.machines)
        for row in machine.rows
        if row.actor == "administrator" and row.name not in allowed
    )
