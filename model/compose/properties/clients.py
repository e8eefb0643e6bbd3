"""The clients' properties (REG-1..REG-5, SEC-2, SEC-3): a client registers as the seed's MP
table allows its identity evidence, approval registers under the site's current regime, enabling
the option makes every registered client due to re-register, and a notification fails only in the
documented gap."""

from __future__ import annotations

from ehttp.checker import Property
from ehttp.compose.properties.common import (
    LAB,
    NO_APPROVAL,
    POLICY_CYCLE_MINUTES,
    TOGGLING,
    Check,
    ClientFacts,
    Prober,
    has_option,
    try_step,
)
from ehttp.compose.seed_tables import seed_registration_methods
from ehttp.compose.world import APP, SITE, World, WorldModel
from ehttp.config.schema import Client
from ehttp.machines.access import Method
from ehttp.machines.clock import minutes
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
from ehttp.machines.site import ENABLE, ENHANCED, SITE_MODE

__all__ = ["client_checks"]


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


_NOTIFICATION, _FOLLOWS, _APPROVAL, _ALLOWED, _OLD_REGIME, _EVIDENCE, _PKI, _PENDING, _DUE = (
    1 << k for k in range(9)
)
"""The bits of `ClientFacts` the clients' claims read, in the order of its parts."""


def client_checks(model: WorldModel) -> list[Check]:
    env = model.env
    clients = env.clients

    def some_due(w: World) -> bool:
        return bool(facts(w) & _DUE)

    def none_due(w: World) -> bool:
        return not some_due(w)

    first, last = env.first_binding, env.first_dp
    ask = Prober(model, lambda w: (w[SITE][0], w[APP][0], w[first:last]))

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

    def notification_outcome_of(w: World, i: int) -> bool:
        state = w[i][0]
        if state in REGISTERED_STATES:
            return not fails(w, i) and acted_on(w, i)
        if state == REREGISTRATION_DUE:
            in_gap = env.enhanced(w) and minutes(w[i][1]) <= POLICY_CYCLE_MINUTES
            return in_gap and not ask(w, i, NOTIFY_OK) and fails(w, i)
        if state == REREGISTRATION_STRANDED:
            # no time bound, but only while the site mode allows no management point.
            return no_mp_allowed(w) and not ask(w, i, NOTIFY_OK) and fails(w, i)
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

    def registration_follows_table_of(w: World, i: int) -> bool:
        if w[i][0] != "unregistered":
            return True
        now = {state for name in _REGISTER for state in ask(w, i, name)}
        return now == table_registration(w, i)

    def allowed_systems_only_of(w: World, i: int) -> bool:
        """A-39: with no management point the site mode allows, no registration step and no
        policy poll registers a client."""
        if not no_mp_allowed(w):
            return True
        state = w[i][0]
        if state == "unregistered":
            names: tuple[str, ...] = _REGISTER
        elif state in (REREGISTRATION_DUE, REREGISTRATION_STRANDED):
            names = (POLICY_POLL,)
        else:
            return True
        return not any(ask(w, i, name) for name in names)

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
            after = try_step(model, w, SITE, ENABLE)
            waits = REREGISTRATION_STRANDED if no_mp_allowed(w) else REREGISTRATION_DUE
            found = registered_after[key] = after[SITE] == w[SITE] or all(
                after[i][0] == waits for i in clients if w[i][0] in REGISTERED_STATES
            )
        return found

    def approval_registers_of(w: World, i: int) -> bool:
        if w[i][0] != "pending-approval":
            return True
        regime = "registered:enhanced-http" if env.enhanced(w) else "registered:self-signed"
        return ask(w, i, "approve the client") == (regime,)

    def notification_outcome(w: World) -> bool:
        return not facts(w) & _NOTIFICATION

    def registration_follows_table(w: World) -> bool:
        return not facts(w) & _FOLLOWS

    def approval_registers(w: World) -> bool:
        return not facts(w) & _APPROVAL

    def allowed_systems_only(w: World) -> bool:
        return not facts(w) & _ALLOWED

    def no_old_regime_while_enhanced_of(w: World, i: int) -> bool:
        return not env.enhanced(w) or w[i][0] != "registered:self-signed"

    def no_old_regime_while_enhanced(w: World) -> bool:
        return not facts(w) & _OLD_REGIME

    # An Azure AD token needs a current application (PRE-1), which is never withdrawn: an Azure
    # AD-joined client lacks evidence exactly while the application is not current.
    def lacks_evidence(i: int) -> bool:
        client = env.client(i)
        return not client.pki_certificate and client.join in ("workgroup", "azure-ad")

    def lacks_now(w: World, i: int) -> bool:
        return env.client(i).join == "workgroup" or w[APP][0] != "updated"

    held_or_due = REGISTERED_STATES | {REREGISTRATION_DUE}

    def evidence_only_of(w: World, i: int) -> bool:
        return not (lacks_evidence(i) and lacks_now(w, i) and w[i][0] in held_or_due)

    def evidence_only(w: World) -> bool:
        return not facts(w) & _EVIDENCE

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

    def pki_only_with_certificate_of(w: World, i: int) -> bool:
        return env.client(i).pki_certificate or w[i][0] != "registered:pki"

    def pki_only_with_certificate(w: World) -> bool:
        return not facts(w) & _PKI

    # The claims above are each "every client ..." (or "some client ...": some client breaks
    # "not ..."), and what one client's part reads is the client's (state, timer) and the
    # context its rows' guards read (`Prober`'s): they are judged in one pass over a world's
    # clients, memoised on those (bit k of `facts(w)`: some client breaks part k).
    facts = ClientFacts(
        clients,
        lambda w: (w[SITE][0], w[APP][0], w[first:last]),
        (
            notification_outcome_of,
            registration_follows_table_of,
            approval_registers_of,
            allowed_systems_only_of,
            no_old_regime_while_enhanced_of,
            evidence_only_of,
            pki_only_with_certificate_of,
            lambda w, i: w[i][0] != "pending-approval",
            lambda w, i: w[i][0] != REREGISTRATION_DUE,
        ),
    )

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
                lambda w: bool(facts(w) & _PENDING),
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
