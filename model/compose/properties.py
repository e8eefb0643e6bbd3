"""The properties checked on a lab's composed model, each naming the requirement IDs it checks.

Most properties are checked on the lab's model as configured. Some claims are about a restricted
situation, and are checked on a variant of the same declarations:
- "without approval": the administrator's "approve the client" row is left out, so a client that
  becomes registered did so on its own evidence (SEC-2, REG-3);
- "after the workaround": starting from every reachable CERT-3 world with the documented
  workaround applied (delete the SMS-Issuing certificates of the stranded site system, restart
  smsexec), only the system's own steps run (CERT-4).
Properties follow the lab: a site without the option (1706, 1802, or 1806 without pre-release
features) is checked for "enhanced HTTP is never on" instead of the enhanced HTTP claims.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from model.checker import Property
from model.compose.world import APP, EXEC, HISTORY, SITE, World, WorldModel
from model.spec.binding import (
    BINDING,
    BOUND_STATES,
    DELETE,
    PENDING_STATES,
    RESTART,
    SMSEXEC_RUNNING,
    STRANDED,
)
from model.spec.clock import CERTIFICATE_DEADLINE, POLICY_CYCLE
from model.spec.guards import Rendering, promela_all, promela_any, promela_not
from model.spec.registration import REGISTERED_STATES, REREGISTRATION_DUE
from model.spec.site import ENHANCED, OPTION_AVAILABLE, SITE_MODE, UNSUPPORTED_STATE

__all__ = [
    "LAB",
    "NO_APPROVAL",
    "VARIANT_WITHOUT",
    "WORKAROUND",
    "Check",
    "lab_checks",
    "stranded",
    "stranded_promela",
    "workaround_starts",
]

LAB = "lab"
NO_APPROVAL = "without approval"
WORKAROUND = "after the workaround"

VARIANT_WITHOUT: dict[str, frozenset[str]] = {NO_APPROVAL: frozenset({"approve the client"})}
"""The rows a variant leaves out, by name."""

Pred = Callable[[World], bool]
Render = Callable[[Rendering], str]


@dataclass(frozen=True)
class Check:
    """A property, the variant of the lab's model it is checked on, and its Promela rendering.

    `promela` renders the property's predicate (the invariant of an `always`, the goal of a
    `sometimes`) as a Promela expression, side by side with the Python predicate, for
    `ehttp export --promela`; None for the kinds Spin does not decide here (liveness, recoverable,
    deadlock freedom, which Spin reports as an invalid end state).
    """

    prop: Property[World]
    variant: str = LAB
    promela: Render | None = None


def stranded(model: WorldModel, world: World, index: int) -> bool:
    """CERT-3's symptom at one site system: enhanced HTTP on, smsexec running, the role
    certificate in the SMS store, nothing SMS-Issuing-issued bound, no work queued."""
    return world[index][0] == STRANDED and model.env.enhanced(world) and world[EXEC][0] == "running"


def stranded_promela(r: Rendering, index: int) -> str:
    """`stranded` as a Promela expression."""
    return promela_all(
        (r.is_in(index, (STRANDED,)), ENHANCED.promela(r, SITE), SMSEXEC_RUNNING.promela(r, EXEC))
    )


def workaround_starts(model: WorldModel, worlds: Sequence[World]) -> tuple[World, ...]:
    """Every given CERT-3 world with the documented workaround applied to its stranded systems.

    Worlds where system work is overdue are skipped: the administrator acts after it (urgency),
    and the CERT-3 symptom outlasts that work, so the world after it is among the given ones.
    """
    starts: list[World] = []
    for world in worlds:
        if model.env.overdue(world):
            continue
        current = world
        for index in model.env.bindings:
            if stranded(model, current, index):
                current = model.fire(current, index, DELETE)
        if current != world:
            starts.append(model.fire(current, EXEC, RESTART))
    return tuple(dict.fromkeys(starts))


def _site_checks(model: WorldModel) -> list[Check]:
    env = model.env

    def unsupported_flagged(world: World) -> bool:
        flagged = "unsupported" in SITE_MODE.state(world[SITE][0]).marks
        https_only = world[SITE][0].startswith("https-only")
        return flagged == (https_only and env.enhanced(world))

    flagged = [s.name for s in SITE_MODE.states if "unsupported" in s.marks]
    https_only = [name for name in SITE_MODE.state_names if name.startswith("https-only")]
    if not model.option_available():
        return [
            Check(
                Property.always(
                    "enhanced HTTP is never on: the option needs 1806 with pre-release features",
                    lambda w: not env.enhanced(w),
                    ("SITE-3",),
                ),
                promela=lambda r: promela_not(ENHANCED.promela(r, SITE)),
            )
        ]
    return [
        Check(
            Property.sometimes(
                "HTTPS or HTTP with enhanced HTTP on is reachable",
                lambda w: w[SITE][0] == "https-or-http+enhanced",
                ("SITE-1",),
            ),
            promela=lambda r: r.is_in(SITE, ("https-or-http+enhanced",)),
        ),
        Check(
            Property.sometimes(
                "HTTPS only with enhanced HTTP is reachable from the console",
                lambda w: w[SITE][0] == UNSUPPORTED_STATE,
                ("SITE-2",),
            ),
            promela=lambda r: r.is_in(SITE, (UNSUPPORTED_STATE,)),
        ),
        Check(
            Property.always(
                "HTTPS only with enhanced HTTP is always flagged unsupported",
                unsupported_flagged,
                ("SITE-2",),
            ),
            promela=lambda r: (
                f"({r.is_in(SITE, flagged)}) == "
                f"{promela_all((r.is_in(SITE, https_only), ENHANCED.promela(r, SITE)))}"
            ),
        ),
        Check(
            Property.always(
                "enhanced HTTP is on only with version 1806 and pre-release features",
                lambda w: not env.enhanced(w) or model.option_available(),
                ("SITE-3",),
            ),
            promela=lambda r: promela_any(
                (promela_not(ENHANCED.promela(r, SITE)), OPTION_AVAILABLE.promela(r, SITE))
            ),
        ),
    ]


def _binding_checks(model: WorldModel) -> list[Check]:
    env = model.env
    checks: list[Check] = []
    https = [i for i in env.bindings if env.site_system(i).connections == "https"]
    http = [i for i in env.bindings if env.site_system(i).connections == "http"]
    pki_bound = [name for name in BINDING.state_names if name.startswith("pki-bound")]
    if https:
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
    if not model.option_available():
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
            return w[i][0] not in PENDING_STATES or w[i][1] <= CERTIFICATE_DEADLINE

        def within_promela(r: Rendering, i: int = index) -> str:
            return promela_any(
                (promela_not(r.is_in(i, PENDING_STATES)), f"{r.timer(i)} <= {CERTIFICATE_DEADLINE}")
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
    if not http:
        return checks

    def all_bound(w: World) -> bool:
        return env.enhanced(w) and all(env.sms_bound(w, i) for i in http)

    def any_stranded(w: World) -> bool:
        return any(stranded(model, w, i) for i in http)

    def careful_never_stranded(w: World) -> bool:
        return w[HISTORY][0] == "rapid" or not any_stranded(w)

    def all_bound_promela(r: Rendering) -> str:
        return promela_all((ENHANCED.promela(r, SITE), *(r.is_in(i, BOUND_STATES) for i in http)))

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
                "enhanced HTTP on with every HTTP site system's role certificate bound",
                all_bound,
                ("CERT-1", "SCN-1"),
            ),
            promela=all_bound_promela,
        ),
        Check(
            Property.sometimes(
                "rapid enable/disable leaves no SMS-Issuing certificate bound",
                site_wide_symptom,
                ("CERT-3",),
            ),
            promela=site_wide_symptom_promela,
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
            Property.eventually(
                "after the workaround every HTTP site system's role certificate is bound",
                lambda w: all(env.sms_bound(w, i) for i in http),
                ("CERT-4",),
            ),
            WORKAROUND,
        ),
    ]
    return checks


def _client_checks(model: WorldModel) -> list[Check]:
    env = model.env
    clients = env.clients

    def some_due(w: World) -> bool:
        return any(w[i][0] == REREGISTRATION_DUE for i in clients)

    def none_due(w: World) -> bool:
        return not some_due(w)

    def gap_bounded(w: World) -> bool:
        return all(
            w[i][0] != REREGISTRATION_DUE or (env.enhanced(w) and w[i][1] <= POLICY_CYCLE)
            for i in clients
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

    def gap_bounded_promela(r: Rendering) -> str:
        on = ENHANCED.promela(r, SITE)
        return promela_all(
            promela_any(
                (
                    promela_not(r.is_in(i, (REREGISTRATION_DUE,))),
                    promela_all((on, f"{r.timer(i)} <= {POLICY_CYCLE}")),
                )
            )
            for i in clients
        )

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

    checks = [
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
        ),
        Check(
            Property.always(
                "client notification fails only after enabling, for at most one policy cycle",
                gap_bounded,
                ("REG-5", "SEC-3"),
            ),
            promela=gap_bounded_promela,
        ),
        Check(
            Property.always(
                "without approval, a client with no identity evidence is never registered",
                evidence_only,
                ("SEC-2", "REG-3"),
            ),
            NO_APPROVAL,
            evidence_only_promela,
        ),
        Check(
            Property.sometimes(
                "a client waits for manual approval",
                lambda w: any(w[i][0] == "pending-approval" for i in clients),
                ("REG-3",),
            ),
            promela=lambda r: promela_any(r.is_in(i, ("pending-approval",)) for i in clients),
        ),
    ]
    if model.option_available():
        checks += [
            Check(
                Property.sometimes(
                    "an existing client is due to re-register after enhanced HTTP is enabled",
                    some_due,
                    ("REG-4", "REG-5"),
                ),
                promela=some_due_promela,
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


def lab_checks(model: WorldModel) -> tuple[Check, ...]:
    """Every check for the lab of `model`, in report order."""
    general = [
        Check(
            Property.deadlock_free(
                "no reachable state is a deadlock (time-bounded claims need the model to go on)",
                ("CERT-2", "REG-5"),
            )
        ),
        Check(
            Property.recoverable(
                "from every reachable state the site can return to a healthy state",
                _healthy(model),
                ("CERT-4", "REG-4"),
            )
        ),
    ]
    return tuple(_site_checks(model) + _binding_checks(model) + _client_checks(model) + general)


def _healthy(model: WorldModel) -> Pred:
    env = model.env

    def healthy(w: World) -> bool:
        if any(w[i][0] in PENDING_STATES for i in env.bindings) or w[EXEC][0] != "running":
            return False
        if any(w[i][0] == REREGISTRATION_DUE for i in env.clients):
            return False
        return not any(stranded(model, w, i) for i in env.bindings)

    return healthy
