"""The properties checked on a lab's composed model, each naming the requirement IDs it checks.

Every property is stated over what an administrator or a client would observe, in the seed's own
units, never with the guard or constant that enforces it (STYLE.md rule 13):
- time bounds compare an instance's elapsed minutes (its timer, in the clock's quanta) with the
  seed's minutes written out here: 30 ("Wait up to 30 minutes", CERT-2) and 60 (the policy cycle
  "one hour by default", REG-5), so a deadline declared one quantum too long fails them;
- "what happens if" claims ask the model: the successors of an administrator's or a client's step
  from the world at hand (a notification sent now, "select HTTPS only" now), so a removed or
  redirected row fails them.

Most properties are checked on the lab's model as configured. Some claims are about a restricted
situation, and are checked on a variant of the same declarations:
- "without approval": the administrator's "approve the client" row is left out, so a client that
  becomes registered did so on its own evidence (SEC-2, REG-3);
- "from enhanced HTTP off": the lab's site before "Configure the site" (the option off, no role
  certificate anywhere) with "HTTPS or HTTP" selected, and enabling the option as the
  administrator's only step (the seed's "Select the option for HTTPS or HTTP and then enable the
  option"), so a witness shows the documented path: enable the option, then the role
  certificates are issued and bound (SITE-1, CERT-1), and a declaration that turns the option on
  by another way does not meet it;
- "after enabling": from there, the administrator enables the option, then only the system's own
  steps run, so the site must issue and bind every role certificate on its own (CERT-1, CERT-2);
- "then HTTPS only": from a site with enhanced HTTP on and HTTPS or HTTP (the lab as configured,
  or the option enabled as the seed says), selecting HTTPS only is the administrator's only step
  (SITE-2: the console allows the unsupported combination);
- "toggling the option only": from the lab as configured, enabling and disabling the option are
  the administrator's only steps, so CERT-3's witness is the seed's cause ("Rapidly and
  repeatedly enabling and disabling the option"), not a restart of smsexec or a deletion, and a
  client due to re-register became due by enabling (REG-4), not by a return from HTTPS only;
- "after the workaround": from every reachable world of the lab (clients included) that shows
  CERT-3's symptom, the seed's workaround as written ("Delete all certificates issued by SMS
  Issuing" from the SMS certificate store, then restart the smsexec service), then only the
  system's own steps (CERT-4);
- "after a restart alone": from every reachable world of the lab that shows CERT-3's symptom at
  every HTTP site system, the administrator restarts the smsexec service, then every step but
  the deletion of the certificates (A-3's consequence: restarting alone, or enabling the option
  again, does not help, which is why the seed's workaround deletes the certificates first).
A site without the option (1706, 1802, or 1806 without pre-release features) is checked for
"enhanced HTTP is never on" instead of the enhanced HTTP claims.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ehttp.checker import Property
from ehttp.compose.seed_tables import (
    seed_download_methods,
    seed_dp_row,
    seed_registration_methods,
)
from ehttp.compose.world import APP, EXEC, HISTORY, SITE, World, WorldModel
from ehttp.config.schema import Client, Lab
from ehttp.machines.access import Method
from ehttp.machines.binding import (
    BINDING,
    DELETE,
    PENDING_STATES,
    RESTART,
    SMSEXEC_RUNNING,
    STRANDED,
    initial_binding,
)
from ehttp.machines.clock import QUANTUM_MINUTES, minutes
from ehttp.machines.guards import Rendering, promela_all, promela_any, promela_not
from ehttp.machines.registration import (
    NOTIFY_FAILS,
    NOTIFY_OK,
    POLICY_POLL,
    REGISTERED_STATES,
    REGISTRATION,
    REREGISTRATION_DUE,
    REREGISTRATION_STRANDED,
)
from ehttp.machines.site import DISABLE, ENABLE, ENHANCED, SITE_MODE, UNSUPPORTED_STATE

__all__ = [
    "AFTER_ENABLING",
    "FROM_OFF",
    "LAB",
    "NO_APPROVAL",
    "RESTART_ALONE",
    "SELECT_HTTPS_ONLY",
    "SELECT_HTTPS_OR_HTTP",
    "THEN_HTTPS_ONLY",
    "TOGGLING",
    "VARIANT_ADMINISTRATOR",
    "VARIANT_WITHOUT",
    "WORKAROUND",
    "Check",
    "enabled_start",
    "enhanced_start",
    "from_off_start",
    "has_option",
    "lab_checks",
    "probe",
    "restart_alone_starts",
    "row_variants",
    "stranded",
    "stranded_promela",
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


class _Prober:
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


def _try(model: WorldModel, world: World, index: int, name: str) -> World:
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
            current = _try(model, current, index, DELETE)
        starts.append(_try(model, current, EXEC, RESTART))
    return tuple(dict.fromkeys(starts))


def restart_alone_starts(model: WorldModel, worlds: Sequence[World]) -> tuple[World, ...]:
    """Every given world where every HTTP site system shows CERT-3's symptom, after the
    administrator restarts smsexec and deletes nothing (worlds with overdue system work skipped,
    as in `workaround_starts`)."""
    env = model.env
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    starts = [
        _try(model, world, EXEC, RESTART)
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
    return _try(model, tuple(world), SITE, SELECT_HTTPS_OR_HTTP)


def enabled_start(model: WorldModel) -> World:
    """`from_off_start` after the administrator enables the option (as it is when offered)."""
    return _try(model, from_off_start(model), SITE, ENABLE)


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


_IN_USE = frozenset({"issued", "bound", "pki-bound+issued"})
"""Binding states with a role certificate bound, or its bind queued (see
`model/machines/binding.py`).

This rests on the mechanism `model/machines/binding.py` labels a modeling assumption (disabling the
option cancels a queued bind and queues the removal of a binding); the seed describes only
enabling."""

_REGISTER = (
    "register anonymously (manual approval)",
    "register with Active Directory domain evidence",
    "register with an Azure AD device token",
    "register with a PKI client certificate",
)
"""The client's registration steps (`model/machines/registration.py`), by name."""


def _holds(client: Client, app_ready: bool) -> set[Method]:
    """The identity evidence a client holds (the MP table's registration column, REG-1/REG-2):
    every client may ask anonymously; domain and hybrid joins have Active Directory evidence; an
    Azure AD or hybrid join has a device token once the site's Azure AD application is current
    (Prerequisites); a PKI client certificate is evidence. (Windows 10 1803 is Scenario 3's
    prerequisite for a device with no user signed in, not registration's.)"""
    held: set[Method] = {"anonymous-manual-approval"}
    if client.join in ("domain", "hybrid"):
        held.add("active-directory")
    if client.join in ("azure-ad", "hybrid") and app_ready:
        held.add("azure-ad-device-token")
    if client.pki_certificate:
        held.add("pki-certificate")
    return held


def _registers_as(method: str, enhanced: bool) -> str:
    if method == "anonymous-manual-approval":
        return "pending-approval"
    if method == "pki-certificate":
        return "registered:pki"
    return "registered:enhanced-http" if enhanced else "registered:self-signed"


_CONSOLE: tuple[tuple[str, str, str | bool], ...] = (
    (ENABLE, "option", True),
    (DISABLE, "option", False),
    (SELECT_HTTPS_ONLY, "communication", "https-only"),
    (SELECT_HTTPS_OR_HTTP, "communication", "https-or-http"),
)
"""The site's console (Client Computer Communication tab): what each administrator step sets."""


def _settings(mode: str) -> tuple[str, bool]:
    communication, _, option = mode.partition("+")
    return communication, option == "enhanced"


def _site_checks(model: WorldModel) -> list[Check]:
    env = model.env
    offered = has_option(model.lab)
    ask = _Prober(model, lambda w: ())

    def console_applies_settings(w: World) -> bool:
        """Each console step sets what it names and nothing else, whatever the world; HTTPS only
        with the option on is allowed and flagged unsupported, and nothing else is flagged; where
        the option is not offered, enabling it does nothing."""
        communication, option = _settings(w[SITE][0])
        for name, field, value in _CONSOLE:
            wanted = (communication, bool(value)) if field == "option" else (str(value), option)
            if wanted == (communication, option):
                continue
            after = ask(w, SITE, name)
            if name == ENABLE and not offered:
                if after:
                    return False
                continue
            if len(after) != 1 or _settings(after[0]) != wanted:
                return False
            unsupported = "unsupported" in SITE_MODE.state(after[0]).marks
            if unsupported != (wanted == ("https-only", True)):
                return False
        return True

    console = Check(
        Property.always(
            "each console step sets what it names; HTTPS only with enhanced HTTP is allowed "
            "and flagged unsupported",
            console_applies_settings,
            ("SITE-1", "SITE-2", "SITE-3"),
        ),
        probes=(SITE_MODE.name,),
    )
    if not offered:
        return [
            Check(
                Property.always(
                    "enhanced HTTP is never on: the option needs 1806 with pre-release features",
                    lambda w: not env.enhanced(w),
                    ("SITE-3",),
                ),
                promela=lambda r: promela_not(ENHANCED.promela(r, SITE)),
            ),
            console,
        ]
    return [
        Check(
            Property.sometimes(
                "with HTTPS or HTTP selected, the administrator turns on enhanced HTTP",
                lambda w: w[SITE][0] == "https-or-http+enhanced",
                ("SITE-1",),
            ),
            FROM_OFF,
            lambda r: r.is_in(SITE, ("https-or-http+enhanced",)),
        ),
        Check(
            Property.sometimes(
                "with enhanced HTTP on, the console lets the administrator select HTTPS only "
                "(unsupported)",
                lambda w: w[SITE][0] == UNSUPPORTED_STATE,
                ("SITE-2",),
            ),
            THEN_HTTPS_ONLY,
            lambda r: r.is_in(SITE, (UNSUPPORTED_STATE,)),
        ),
        console,
    ]


def _binding_checks(model: WorldModel) -> list[Check]:
    env = model.env
    checks: list[Check] = []
    https = [i for i in env.bindings if env.site_system(i).connections == "https"]
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    pki_bound = [name for name in BINDING.state_names if name.startswith("pki-bound")]
    if https and has_option(model.lab):
        checks.append(
            Check(
                Property.always(
                    "an HTTPS site system keeps its PKI certificate bound",
                    lambda w: all(w[i][0].startswith("pki-bound") for i in https),
                    ("SITE-4",),
                ),
                promela=lambda r: promela_all(r.is_in(i, pki_bound) for i in https),
            )
        )
    if not has_option(model.lab):
        checks.append(
            Check(
                Property.always(
                    "without the option no role certificate is ever issued",
                    lambda w: all(w[i][0] in ("no-certificate", "pki-bound") for i in env.bindings),
                    ("CERT-1", "SITE-3"),
                ),
                promela=lambda r: promela_all(
                    r.is_in(i, ("no-certificate", "pki-bound")) for i in env.bindings
                ),
            )
        )
        return checks
    for index in env.bindings:
        name = env.names[index]

        def pending(w: World, i: int = index) -> bool:
            return w[i][0] in PENDING_STATES

        def not_pending(w: World, i: int = index) -> bool:
            return w[i][0] not in PENDING_STATES

        def within(w: World, i: int = index) -> bool:
            return w[i][0] not in PENDING_STATES or minutes(w[i][1]) <= CERTIFICATE_MINUTES

        def within_promela(r: Rendering, i: int = index) -> str:
            return promela_any(
                (
                    promela_not(r.is_in(i, PENDING_STATES)),
                    f"{r.timer(i)} * {QUANTUM_MINUTES} <= {CERTIFICATE_MINUTES}",
                )
            )

        checks += [
            Check(
                Property.always(
                    f"{name}: queued certificate work is never older than 30 minutes",
                    within,
                    ("CERT-2",),
                ),
                promela=within_promela,
            ),
            Check(
                Property.leads_to(
                    f"{name}: queued certificate work completes",
                    pending,
                    not_pending,
                    ("CERT-2", "CERT-1"),
                )
            ),
        ]
    checks.append(_stopped_check(model))
    if not http:
        return checks

    def all_bound(w: World) -> bool:
        return env.enhanced(w) and all(w[i][0] == "bound" for i in http)

    def any_stranded(w: World) -> bool:
        return any(stranded(model, w, i) for i in http)

    def careful_never_stranded(w: World) -> bool:
        return w[HISTORY][0] == "rapid" or not any_stranded(w)

    def nothing_bound_while_off(w: World) -> bool:
        running = w[EXEC][0] == "running"
        return env.enhanced(w) or not running or all(w[i][0] not in _IN_USE for i in env.bindings)

    def nothing_removed_while_on(w: World) -> bool:
        # The seed's configuration: enabling the option gives each HTTP site system its role
        # certificate ("Wait up to 30 minutes for the management point to receive and configure
        # the new certificate"); the site does not take it away while the option stays on.
        running = w[EXEC][0] == "running"
        return not env.enhanced(w) or not running or all(w[i][0] != "unbinding" for i in http)

    def all_bound_promela(r: Rendering) -> str:
        return promela_all((ENHANCED.promela(r, SITE), *(r.is_in(i, ("bound",)) for i in http)))

    def any_stranded_promela(r: Rendering) -> str:
        return promela_any(stranded_promela(r, i) for i in http)

    def site_wide_symptom(w: World) -> bool:
        # The known issue's symptom is site-wide: "No certificates issued by the "SMS Issuing"
        # certificate are bound to a website" in IIS, for the roles it may not "properly bind to".
        return all(stranded(model, w, i) for i in http)

    def site_wide_symptom_promela(r: Rendering) -> str:
        return promela_all(stranded_promela(r, i) for i in http)

    checks += [
        Check(
            Property.sometimes(
                "after enabling, every HTTP site system's role certificate is bound",
                all_bound,
                ("CERT-1", "SCN-1"),
            ),
            FROM_OFF,
            all_bound_promela,
        ),
        Check(
            Property.eventually(
                "once enabled, the site binds every HTTP site system's role certificate on its own",
                all_bound,
                ("CERT-1", "CERT-2"),
            ),
            AFTER_ENABLING,
        ),
        Check(
            Property.always(
                "with enhanced HTTP on and smsexec running no role certificate binding is "
                "being removed",
                nothing_removed_while_on,
                ("CERT-1", "CERT-2"),
            ),
            promela=lambda r: promela_any(
                (
                    promela_not(ENHANCED.promela(r, SITE)),
                    promela_not(SMSEXEC_RUNNING.promela(r, EXEC)),
                    promela_all(promela_not(r.is_in(i, ("unbinding",))) for i in http),
                )
            ),
        ),
        Check(
            Property.always(
                "with enhanced HTTP off and smsexec running no role certificate is bound or "
                "waiting to be bound (a queued removal aside)",
                nothing_bound_while_off,
                ("CERT-1",),
            ),
            promela=lambda r: promela_any(
                (
                    ENHANCED.promela(r, SITE),
                    promela_not(SMSEXEC_RUNNING.promela(r, EXEC)),
                    promela_all(promela_not(r.is_in(i, _IN_USE)) for i in env.bindings),
                )
            ),
        ),
        Check(
            Property.sometimes(
                "rapidly enabling and disabling the option alone leaves no SMS-Issuing "
                "certificate bound",
                site_wide_symptom,
                ("CERT-3",),
            ),
            TOGGLING,
            site_wide_symptom_promela,
        ),
        Check(
            Property.always(
                "toggling only after the previous change completed never strands a certificate",
                careful_never_stranded,
                ("CERT-5", "CERT-3"),
            ),
            promela=lambda r: promela_any(
                (r.is_in(HISTORY, ("rapid",)), promela_not(any_stranded_promela(r)))
            ),
        ),
        Check(
            Property.always(
                "restarting smsexec without deleting the SMS Issuing certificates leaves no "
                "SMS-Issuing certificate bound, in every run (toggling the option included)",
                lambda w: all(w[i][0] == STRANDED for i in http),
                ("CERT-3", "CERT-4"),
            ),
            RESTART_ALONE,
        ),
        Check(
            Property.eventually(
                "after the workaround every HTTP site system's role certificate is bound",
                lambda w: all(w[i][0] == "bound" for i in http),
                ("CERT-4",),
            ),
            WORKAROUND,
        ),
    ]
    return checks


_CERTIFICATE_WORK = (
    "bind the certificate to the IIS Default Web Site on port 443",
    "keep the PKI certificate already bound",
    "remove the binding and delete the role certificate",
)
"""The certificate manager's queued work on a site system (`model/machines/binding.py`), by name."""


def _stopped_check(model: WorldModel) -> Check:
    """A-41 as a property: the certificate manager runs inside smsexec, so while smsexec is not
    running an enable or a disable changes no site system's certificate, and no queued work is
    carried out (the lab's certificate manager does exactly this; smsexec acts on the change
    when it starts, which "after the workaround" and "after a restart alone" check)."""
    env = model.env
    first, last = env.first_binding, env.first_client
    memo: dict[tuple[object, ...], bool] = {}

    def idle(w: World) -> bool:
        if w[EXEC][0] == "running":
            return True
        key = (w[SITE][0], w[EXEC][0], w[first:last])
        found = memo.get(key)
        if found is None:
            found = memo[key] = all(
                _try(model, w, SITE, name)[first:last] == w[first:last]
                for name in (ENABLE, DISABLE)
            ) and not any(
                probe(model, w, i, name) for i in env.bindings for name in _CERTIFICATE_WORK
            )
        return found

    return Check(
        Property.always(
            "while smsexec is not running, enabling or disabling the option changes no "
            "certificate and no queued certificate work is done",
            idle,
            ("CERT-1", "CERT-3"),
        ),
        probes=(SITE_MODE.name, BINDING.name),
    )


def _client_checks(model: WorldModel) -> list[Check]:
    env = model.env
    clients = env.clients

    def some_due(w: World) -> bool:
        return any(w[i][0] == REREGISTRATION_DUE for i in clients)

    def none_due(w: World) -> bool:
        return not some_due(w)

    first, last = env.first_binding, env.first_dp
    ask = _Prober(model, lambda w: (w[SITE][0], w[APP][0], w[first:last]))

    def acted_on(w: World, i: int) -> bool:
        after = ask(w, i, NOTIFY_OK)
        return bool(after) and all(state == w[i][0] for state in after)

    def fails(w: World, i: int) -> bool:
        return bool(ask(w, i, NOTIFY_FAILS))

    lab = model.lab
    https_mp = any(mp.connections == "https" for mp in lab.management_points)

    def no_mp_allowed(w: World) -> bool:
        """A-39 read off the console and the lab: HTTPS only is selected and every management
        point of the lab is configured for HTTP."""
        return w[SITE][0].startswith("https-only") and not https_mp

    def notification_outcome(w: World) -> bool:
        for i in clients:
            state = w[i][0]
            if state in REGISTERED_STATES:
                if fails(w, i) or not acted_on(w, i):
                    return False
            elif state == REREGISTRATION_DUE:
                in_gap = env.enhanced(w) and minutes(w[i][1]) <= POLICY_CYCLE_MINUTES
                if not in_gap or ask(w, i, NOTIFY_OK) or not fails(w, i):
                    return False
            elif state == REREGISTRATION_STRANDED and (
                # no time bound, but only while the site mode allows no management point.
                not no_mp_allowed(w) or ask(w, i, NOTIFY_OK) or not fails(w, i)
            ):
                return False
        return True

    def cmg_admits(w: World, client: Client, enhanced: bool) -> bool:
        """Whether the CMG authenticates the client (A-8, A-9, Scenario 3): by its PKI
        certificate, its signed-in user's Azure AD token, or its device identity alone on
        Windows 10 1803 with enhanced HTTP; Azure AD tokens need a current application."""
        if client.pki_certificate:
            return True
        if client.join not in ("azure-ad", "hybrid") or w[APP][0] != "updated":
            return False
        return client.user_signed_in or (client.build >= 1803 and enhanced)

    def table_registration(w: World, i: int) -> set[str]:
        """Where one registration step may take client `i` now, by the seed's MP table as the
        seed prints it (`model/compose/seed_tables.py`, never the model's own transcription), and
        the labelled assumptions A-8, A-9, A-39 on how a client reaches a management point."""
        client = env.client(i)
        enhanced = env.enhanced(w)
        https_only = w[SITE][0].startswith("https-only")
        internet = client.network == "internet"
        if internet and not (lab.site.cloud_management_gateway and cmg_admits(w, client, enhanced)):
            return set()
        accepted: set[str] = set()
        for number, mp in enumerate(lab.management_points):
            if mp.connections == "http" and https_only:
                continue
            bound = w[env.first_binding + number][0] in ("bound", "unbinding")
            if internet and mp.connections == "http" and not (enhanced and bound):
                continue
            accepted |= seed_registration_methods(mp.connections, lab.site.version, enhanced)
        if internet:
            accepted &= {"azure-ad-device-token", "pki-certificate"}
        usable = accepted & _holds(client, w[APP][0] == "updated")
        return {_registers_as(method, enhanced) for method in usable}

    follows: dict[tuple[object, ...], bool] = {}

    def registration_follows_table(w: World) -> bool:
        for i in clients:
            if w[i][0] != "unregistered":
                continue
            key = (i, w[SITE][0], w[APP][0], w[first:last])
            found = follows.get(key)
            if found is None:
                now = {state for name in _REGISTER for state in ask(w, i, name)}
                found = follows[key] = now == table_registration(w, i)
            if not found:
                return False
        return True

    def allowed_systems_only(w: World) -> bool:
        """A-39: with no management point the site mode allows, no registration step and no
        policy poll registers a client."""
        if not no_mp_allowed(w):
            return True
        for i in clients:
            state = w[i][0]
            if state == "unregistered":
                names: tuple[str, ...] = _REGISTER
            elif state in (REREGISTRATION_DUE, REREGISTRATION_STRANDED):
                names = (POLICY_POLL,)
            else:
                continue
            if any(ask(w, i, name) for name in names):
                return False
        return True

    registered_after: dict[tuple[object, ...], bool] = {}

    def enabling_makes_every_client_due(w: World) -> bool:
        """REG-4 asked of the model: enabling the option now leaves every registered client,
        whatever regime it registered under, due to re-register, or stranded where HTTPS only
        leaves it no management point (A-48)."""
        if env.enhanced(w) or not any(w[i][0] in REGISTERED_STATES for i in clients):
            return True
        key = (w[SITE][0], w[APP][0], w[first:last], tuple(w[i][0] for i in clients))
        found = registered_after.get(key)
        if found is None:
            after = _try(model, w, SITE, ENABLE)
            waits = REREGISTRATION_STRANDED if no_mp_allowed(w) else REREGISTRATION_DUE
            found = registered_after[key] = after[SITE] == w[SITE] or all(
                after[i][0] == waits for i in clients if w[i][0] in REGISTERED_STATES
            )
        return found

    def approval_registers(w: World) -> bool:
        regime = "registered:enhanced-http" if env.enhanced(w) else "registered:self-signed"
        return all(
            ask(w, i, "approve the client") == (regime,)
            for i in clients
            if w[i][0] == "pending-approval"
        )

    def no_old_regime_while_enhanced(w: World) -> bool:
        return not env.enhanced(w) or all(w[i][0] != "registered:self-signed" for i in clients)

    # An Azure AD token needs a current application (PRE-1), which is never withdrawn: an Azure
    # AD-joined client lacks evidence exactly while the application is not current.
    def lacks_evidence(i: int) -> bool:
        client = env.client(i)
        return not client.pki_certificate and client.join in ("workgroup", "azure-ad")

    def lacks_now(w: World, i: int) -> bool:
        return env.client(i).join == "workgroup" or w[APP][0] != "updated"

    def evidence_only(w: World) -> bool:
        for i in clients:
            if (
                lacks_evidence(i)
                and lacks_now(w, i)
                and w[i][0] in REGISTERED_STATES | {REREGISTRATION_DUE}
            ):
                return False
        return True

    def some_due_promela(r: Rendering) -> str:
        return promela_any(r.is_in(i, (REREGISTRATION_DUE,)) for i in clients)

    def evidence_only_promela(r: Rendering) -> str:
        held = REGISTERED_STATES | {REREGISTRATION_DUE}
        stale = promela_not(r.is_in(APP, ("updated",)))
        return promela_all(
            promela_any(
                (
                    promela_not(r.is_in(i, held)),
                    "0" if env.client(i).join == "workgroup" else promela_not(stale),
                )
            )
            for i in clients
            if lacks_evidence(i)
        )

    without_pki = [i for i in clients if not env.client(i).pki_certificate]

    def pki_only_with_certificate(w: World) -> bool:
        return all(w[i][0] != "registered:pki" for i in without_pki)

    checks: list[Check] = []
    # Where the site has no enhanced HTTP option (SITE-3), enhanced HTTP is never on and the claim
    # has no case to check: the lab does not carry it, as it carries no other enhanced-only claim.
    if has_option(model.lab):
        checks.append(
            Check(
                Property.always(
                    "with enhanced HTTP on no client stays registered under the old regime",
                    no_old_regime_while_enhanced,
                    ("REG-4",),
                ),
                promela=lambda r: promela_any(
                    (
                        promela_not(ENHANCED.promela(r, SITE)),
                        promela_all(
                            promela_not(r.is_in(i, ("registered:self-signed",))) for i in clients
                        ),
                    )
                ),
            )
        )
    checks += [
        Check(
            Property.always(
                "a registered client's notification is acted on; it fails only after enabling, "
                "until the client re-registers, for at most 60 minutes unless HTTPS only "
                "strands it",
                notification_outcome,
                ("REG-5", "SEC-3"),
            ),
            probes=(REGISTRATION.name,),
        ),
        Check(
            Property.always(
                "an unregistered client registers as the MP table allows its identity evidence, "
                "and no other way",
                registration_follows_table,
                ("REG-1", "REG-2", "SEC-2"),
            ),
            probes=(REGISTRATION.name,),
        ),
        Check(
            Property.always(
                "approving a waiting client registers it under the site's current regime",
                approval_registers,
                ("REG-3",),
            ),
            probes=(REGISTRATION.name,),
        ),
    ]
    # A-39 forbids a registration only where the site mode allows no management point: HTTPS
    # only with no HTTPS management point. A lab with an HTTPS management point never meets that
    # case, so the claim has nothing to check there and the lab does not carry it.
    if not any(mp.connections == "https" for mp in lab.management_points):
        checks.append(
            Check(
                Property.always(
                    "a client registers or re-registers only through a site system its site mode "
                    "allows",
                    allowed_systems_only,
                    ("SITE-5", "REG-1", "REG-4"),
                ),
                probes=(REGISTRATION.name,),
            )
        )
    if without_pki:
        checks.append(
            Check(
                Property.always(
                    "a client is registered by PKI certificate only when it has one",
                    pki_only_with_certificate,
                    ("REG-2", "SEC-2"),
                ),
                promela=lambda r: promela_all(
                    promela_not(r.is_in(i, ("registered:pki",))) for i in without_pki
                ),
            )
        )
    # Where every client holds identity evidence from the start to the end (no workgroup client
    # without a PKI certificate, and an Azure AD application current from the start), no client
    # can lack it: the claim is not applicable, and the lab does not carry it.
    app_current = lab.site.azure_ad_onboarded and lab.site.azure_ad_app_updated
    if any(
        lacks_evidence(i) and (env.client(i).join == "workgroup" or not app_current)
        for i in clients
    ):
        checks.append(
            Check(
                Property.always(
                    "without approval, a client with no identity evidence is never registered",
                    evidence_only,
                    ("SEC-2", "REG-3"),
                ),
                NO_APPROVAL,
                evidence_only_promela,
            )
        )
    checks += [
        Check(
            Property.sometimes(
                "a client waits for manual approval",
                lambda w: any(w[i][0] == "pending-approval" for i in clients),
                ("REG-3",),
            ),
            promela=lambda r: promela_any(r.is_in(i, ("pending-approval",)) for i in clients),
        ),
    ]
    if has_option(model.lab):
        checks += [
            Check(
                Property.sometimes(
                    "an existing client is due to re-register after enhanced HTTP is enabled",
                    some_due,
                    ("REG-4", "REG-5"),
                ),
                # Toggling the option only (where the lab starts at HTTPS or HTTP): no HTTPS only,
                # so no stranded client becomes due again by another way, and the witness
                # is the seed's: enabling.
                TOGGLING if model.initial[SITE][0].startswith("https-or-http") else LAB,
                some_due_promela,
            ),
            Check(
                Property.always(
                    "enabling enhanced HTTP makes every registered client due to re-register, "
                    "whatever regime it registered under (stranded if HTTPS only leaves it no "
                    "management point)",
                    enabling_makes_every_client_due,
                    ("REG-4", "REG-5"),
                ),
                probes=(SITE_MODE.name, REGISTRATION.name),
            ),
            Check(
                Property.leads_to(
                    "every client due to re-register re-registers at a policy poll",
                    some_due,
                    none_due,
                    ("REG-4",),
                )
            ),
        ]
    return checks


def _download_checks(model: WorldModel) -> list[Check]:
    """What the model lets a client download with, at each distribution point (DP-1..DP-3),
    against the seed's DP table as the seed prints it (`model/compose/seed_tables.py`)."""
    env = model.env
    lab = model.lab
    dps = lab.distribution_points
    if not dps:
        return []
    follows: dict[str, bool] = {}

    def expected(w: World, connections: str, allow_anonymous: bool) -> frozenset[str]:
        # with HTTPS only selected, clients don't use a site system configured for HTTP.
        if connections == "http" and w[SITE][0].startswith("https-only"):
            return frozenset()
        row = seed_dp_row(connections, allow_anonymous)
        return seed_download_methods(row, lab.site.version, env.enhanced(w))

    def downloads_follow_table(w: World) -> bool:
        found = follows.get(w[SITE][0])
        if found is None:
            found = follows[w[SITE][0]] = all(
                env.dp_methods(w, dp) == expected(w, dp.connections, dp.allow_anonymous)
                for dp in dps
            )
        return found

    return [
        Check(
            Property.always(
                "a client downloads from a distribution point with exactly the credentials the "
                "DP table lists for its type",
                downloads_follow_table,
                ("DP-1", "DP-2", "DP-3", "SEC-1"),
            )
        )
    ]


def lab_checks(model: WorldModel) -> tuple[Check, ...]:
    """Every check for the lab of `model`, in report order.

    Deadlock freedom is asked where the option exists: it is what the time bounds of CERT-2 and
    REG-5 need (a deadlock would stop the clock); without the option no timer ever runs.
    """
    general = [
        Check(
            Property.deadlock_free(
                "no reachable state is a deadlock (time-bounded claims need the model to go on)",
                ("CERT-2", "REG-5"),
            )
        ),
        Check(
            Property.recoverable(
                "from every reachable state the administrator can return the site to health",
                _healthy(model),
                ("CERT-4", "REG-4"),
            )
        ),
    ]
    if not has_option(model.lab):
        general = general[1:]
    return tuple(
        _site_checks(model)
        + _binding_checks(model)
        + _client_checks(model)
        + _download_checks(model)
        + general
    )


def _healthy(model: WorldModel) -> Pred:
    """What an administrator wants: enhanced HTTP still on (HTTPS or HTTP), every HTTP site
    system's role certificate bound, every HTTPS one's PKI certificate, smsexec running. Without
    the option: smsexec running with no certificate work queued."""
    env = model.env
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    https = [i for i in env.bindings if env.site_system(i).connections == "https"]

    def healthy(w: World) -> bool:
        if w[EXEC][0] != "running":
            return False
        if not has_option(model.lab):
            return not any(w[i][0] in PENDING_STATES for i in env.bindings)
        return (
            w[SITE][0] == "https-or-http+enhanced"
            and all(w[i][0] == "bound" for i in http)
            and all(w[i][0].startswith("pki-bound") for i in https)
        )

    return healthy
