"""Client registration lifecycle, per client.

Implements the MP table's registration column (REG-1, REG-2, REG-3), the known issue that "existing
clients automatically re-register with the site ... during the next policy polling cycle" after
enhanced HTTP is enabled (REG-4) and that until then "client notification actions don't work. The
site can't verify the client message signature" (REG-5), Scenario 1 (an Azure AD-joined device
through a CMG), Scenario 3 (device identity alone is sufficient from Windows 10 1803) and the
reference facts that clients using HTTP with a self-signed certificate need approval and that after
registration "the client uses message signing to prove device identity".

A registered state names the signing regime the site holds for the client:
- ``registered:self-signed``: registered at an HTTP management point without enhanced HTTP;
- ``registered:enhanced-http``: registered while enhanced HTTP is on;
- ``registered:pki``: registered with a PKI client certificate.

Modeling assumption A-8: an internet client reaches a management point only through the cloud
management gateway, and registers through it with its Azure AD device token or PKI certificate;
through it an HTTP management point is reachable only with enhanced HTTP on and the management
point's role certificate bound (Scenario 1: "The site server generates a certificate for the
management point allowing it to communicate via a secure channel"; 1802 "requires an HTTPS-enabled
management point").
Modeling assumption A-9: an Azure AD token is accepted only from a site onboarded to Azure AD with
its application updated (PRE-1). Windows 10 1803 is asked for only where the CMG authenticates a
client by its device identity alone (no user signed in, no PKI certificate), which is Scenario 3's
claim ("the cloud-based device identity is now sufficient"; "*Scenario 3* only: A client running
Windows 10 version 1803"), and needs the 1806 improvements; a signed-in user's Azure AD user token
authenticates the client at the CMG ("the site verifies the *user* and/or *device* Azure AD
token"), and registration with a device token needs no particular build.
Modeling assumption A-10: disabling enhanced HTTP before a client re-registered cancels the pending
re-registration: the site holds the client under the regime it has without the option (its PKI
certificate where a management point accepts one, else self-signed), and registrations made while
the option was on stay valid (the documents describe re-registration only on enabling).
Modeling assumption A-11: re-registration at the policy poll goes over the channel the client
already uses, so it does not depend on the management point's certificate binding.
Modeling assumption A-47: enabling enhanced HTTP makes every registered client due to re-register,
whatever regime it registered under (self-signed, PKI, or enhanced HTTP before a disable), and the
poll re-registers it with the evidence it holds: with its PKI certificate where a management point
accepts one, else under enhanced HTTP (a disable in between cancels, A-10, so the option is on at
the poll). The seed says "existing clients" without exception; one due state, whatever the
client's origin, keeps the state space small.
Modeling assumption A-48: a client due to re-register while the site's client communication is
HTTPS only and the lab has no HTTPS management point finds no management point its site mode
allows (A-39): it is stranded, its notifications failing, from the moment HTTPS only is selected
(or the option is enabled at HTTPS only) until the administrator selects HTTPS or HTTP, when it is
due again and its next policy poll (within the hour, REG-4) re-registers it; a disable cancels
(A-10). The deadline applies only while a management point is allowed: the stranded state has
none, so the clock's urgency never forces a re-registration the site mode forbids, and the policy
cycle's hour (REG-5) bounds the interruption only where the client can reach an allowed
management point.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from ehttp.machines.access import mp_registration_methods
from ehttp.machines.binding import BOUND_STATES
from ehttp.machines.clock import POLICY_CYCLE
from ehttp.machines.guards import Atom, Rendering, promela_all, promela_any, promela_not
from ehttp.machines.machine import Machine, Row, StateDecl
from ehttp.machines.site import (
    APP_READY,
    DISABLE,
    ENABLE,
    ENHANCED,
    HTTPS_ONLY_STATES,
    SELECT_HTTPS_ONLY,
    SELECT_HTTPS_OR_HTTP,
)

if TYPE_CHECKING:
    from ehttp.config.schema import Client
    from ehttp.machines.access import Method
    from ehttp.machines.state import Questions, World

__all__ = [
    "DEVICE_IDENTITY_BUILD",
    "LAB_HAS_AN_HTTPS_MP",
    "NOTIFY_FAILS",
    "NOTIFY_OK",
    "POLICY_POLL",
    "REGISTERED_STATES",
    "REGISTRATION",
    "REREGISTRATION_DUE",
    "REREGISTRATION_STRANDED",
    "SITE_MODE_ALLOWS_AN_MP",
    "evidence",
    "holds_evidence",
    "mp_accepts",
]

REREGISTRATION_DUE = "reregistration-due"
REREGISTRATION_STRANDED = "reregistration-stranded"
DEVICE_IDENTITY_BUILD = 1803
"""SCN-3: the Windows 10 version from which device identity alone authenticates (A-9)."""
REGISTERED_STATES = frozenset(
    {"registered:self-signed", "registered:enhanced-http", "registered:pki"}
)
POLICY_POLL = "policy poll: re-register with the site"
NOTIFY_OK = "client notification acted on"
NOTIFY_FAILS = "client notification fails: the site can't verify the client message signature"


def evidence(env: Questions, world: World, index: int) -> frozenset[Method]:
    """The registration evidence client `index` holds now (identity, build, certificate, tenant)."""
    ready = env.app_ready(world)
    key = ("evidence", index, ready)
    found = env.memo.get(key)
    if found is None:
        found = env.memo[key] = _evidence(env.client(index), ready)
    return found


def _evidence(client: Client, app_ready: bool) -> frozenset[Method]:
    methods: set[Method] = {"anonymous-manual-approval"}
    if client.join in ("domain", "hybrid"):
        methods.add("active-directory")
    if client.join in ("azure-ad", "hybrid") and app_ready:
        methods.add("azure-ad-device-token")
    if client.pki_certificate:
        methods.add("pki-certificate")
    return frozenset(methods)


def holds_evidence(method: Method) -> Atom:
    """The atom "client holds `method` evidence" (its configuration, and PRE-1 for tokens)."""
    return _holds_evidence(method)


@cache
def _holds_evidence(method: Method) -> Atom:
    def rendering(r: Rendering, index: int) -> str:
        client = r.env.client(index)
        without, with_app = (method in _evidence(client, ready) for ready in (False, True))
        if without == with_app:
            return "1" if without else "0"
        return APP_READY.promela(r, index) if with_app else f"!{APP_READY.promela(r, index)}"

    return Atom(
        f"holds {method}",
        f"holds {method} evidence",
        f"lacks {method} evidence",
        lambda env, world, index: method in evidence(env, world, index),
        rendering,
    )


def mp_accepts(method: Method) -> Atom:
    """The atom "client reaches a management point that registers it with `method` now"."""
    return _mp_accepts(method)


@cache
def _mp_accepts(method: Method) -> Atom:
    def rendering(r: Rendering, index: int) -> str:
        client = r.env.client(index)
        lab = r.env.lab
        if client.network == "internet" and method not in (
            "azure-ad-device-token",
            "pki-certificate",
        ):
            return "0"

        def reachable(number: int, enhanced: bool) -> str:
            if lab.management_points[number].connections == "https":
                usable = "1"
            else:
                usable = promela_not(r.is_in(r.site, HTTPS_ONLY_STATES))
            if client.network == "intranet":
                return usable
            if not lab.site.cloud_management_gateway:
                return "0"
            if lab.management_points[number].connections == "https":
                return "1"
            if not enhanced:
                return "0"
            return promela_all((usable, r.is_in(r.management_points[number], BOUND_STATES)))

        def accepting(enhanced: bool) -> str:
            return promela_any(
                reachable(number, enhanced)
                for number, mp in enumerate(lab.management_points)
                if method in mp_registration_methods(mp.connections, lab.site.version, enhanced)
            )

        on, off = accepting(True), accepting(False)
        enhanced = ENHANCED.promela(r, index)
        if on == off:
            found = on
        else:
            found = promela_any((promela_all((enhanced, on)), promela_all((f"!{enhanced}", off))))
        if client.network == "intranet":
            return found
        return promela_all((_cmg_authenticates(r, index), found))

    return Atom(
        f"some MP accepts {method}",
        f"reaches a management point that accepts {method}",
        f"reaches no management point that accepts {method}",
        lambda env, world, index: env.some_mp_accepts(world, index, method),
        rendering,
    )


def _cmg_authenticates(r: Rendering, index: int) -> str:
    """`Env.cmg_authenticates` in Promela (A-8, A-9)."""
    client = r.env.client(index)
    if client.pki_certificate:
        return "1"
    if client.join not in ("azure-ad", "hybrid"):
        return "0"
    ready = APP_READY.promela(r, index)
    if client.user_signed_in:
        return ready
    if client.build < DEVICE_IDENTITY_BUILD:
        return "0"
    return promela_all((ready, ENHANCED.promela(r, index)))


def _allows_an_mp(r: Rendering, index: int) -> str:
    if any(mp.connections == "https" for mp in r.env.lab.management_points):
        return "1"
    return promela_not(r.is_in(r.site, HTTPS_ONLY_STATES))


SITE_MODE_ALLOWS_AN_MP = Atom(
    "site mode allows an MP",
    "the site mode allows some management point",
    "the site mode allows no management point",
    lambda env, world, index: (
        not env.https_only(world)
        or any(mp.connections == "https" for mp in env.lab.management_points)
    ),
    _allows_an_mp,
)
"""A-39, A-48: some management point of the lab is one the site's client communication lets
clients use (any, unless HTTPS only is selected; then an HTTPS one)."""


def _has_an_https_mp(r: Rendering, index: int) -> str:
    return "1" if any(mp.connections == "https" for mp in r.env.lab.management_points) else "0"


LAB_HAS_AN_HTTPS_MP = Atom(
    "lab has an HTTPS MP",
    "the lab has an HTTPS management point",
    "every management point of the lab is HTTP only",
    lambda env, world, index: any(mp.connections == "https" for mp in env.lab.management_points),
    _has_an_https_mp,
)
"""A-48: whether selecting HTTPS only leaves a due client some management point."""

_PKI_PATH = holds_evidence("pki-certificate") & mp_accepts("pki-certificate")
"""A-47: the client re-registers with its PKI certificate where a management point accepts it."""

_ASSUMES: dict[Method, tuple[str, ...]] = {
    "active-directory": ("A-39",),
    "azure-ad-device-token": ("A-8", "A-9", "A-39"),
}
"""The assumptions the registration guards read (`Env.some_mp_accepts`)."""

_NAMES: dict[Method, str] = {
    "active-directory": "register with Active Directory domain evidence",
    "azure-ad-device-token": "register with an Azure AD device token",
}
_REQS: dict[Method, tuple[str, ...]] = {
    "active-directory": ("REG-1", "REG-2", "SEC-2"),
    "azure-ad-device-token": ("REG-1", "REG-2", "SEC-2", "SCN-1", "SCN-3"),
}


def _regime_rows(method: Method) -> tuple[Row, ...]:
    can = holds_evidence(method) & mp_accepts(method)
    return (
        Row(
            _NAMES[method],
            ("unregistered",),
            "registered:enhanced-http",
            _REQS[method],
            "client",
            ENHANCED & can,
            assumes=_ASSUMES[method],
        ),
        Row(
            _NAMES[method],
            ("unregistered",),
            "registered:self-signed",
            _REQS[method],
            "client",
            ~ENHANCED & can,
            assumes=_ASSUMES[method],
        ),
    )


REGISTRATION = Machine(
    name="client-registration",
    title="Client registration (per client)",
    doc="A client's registration with its site and the signing regime the site verifies it by.",
    states=(
        StateDecl("unregistered", "installed, not registered"),
        StateDecl("pending-approval", "registered anonymously; waits for manual approval"),
        StateDecl("registered:self-signed", "registered; signs with its self-signed certificate"),
        StateDecl("registered:enhanced-http", "registered under enhanced HTTP"),
        StateDecl("registered:pki", "registered with a PKI client certificate"),
        StateDecl(
            REREGISTRATION_DUE,
            "enhanced HTTP enabled; re-registers at the next policy poll; "
            "client notification fails until then",
            marks=("gap", "REG-5"),
            deadline=POLICY_CYCLE,
        ),
        StateDecl(
            REREGISTRATION_STRANDED,
            "due to re-register, but HTTPS only leaves it no management point; "
            "client notification fails until the administrator selects HTTPS or HTTP",
            marks=("gap", "REG-5"),
        ),
    ),
    rows=(
        Row(
            "register anonymously (manual approval)",
            ("unregistered",),
            "pending-approval",
            ("REG-1", "REG-2", "REG-3"),
            "client",
            holds_evidence("anonymous-manual-approval") & mp_accepts("anonymous-manual-approval"),
            assumes=("A-39",),
        ),
        *_regime_rows("active-directory"),
        *_regime_rows("azure-ad-device-token"),
        Row(
            "register with a PKI client certificate",
            ("unregistered",),
            "registered:pki",
            ("REG-2", "SEC-2"),
            "client",
            holds_evidence("pki-certificate") & mp_accepts("pki-certificate"),
            assumes=("A-8", "A-39"),
        ),
        Row(
            "approve the client",
            ("pending-approval",),
            "registered:enhanced-http",
            ("REG-3", "SEC-2"),
            "administrator",
            ENHANCED,
        ),
        Row(
            "approve the client",
            ("pending-approval",),
            "registered:self-signed",
            ("REG-3", "SEC-2"),
            "administrator",
            ~ENHANCED,
        ),
        Row(
            "re-registration becomes due",
            tuple(sorted(REGISTERED_STATES)),
            REREGISTRATION_DUE,
            ("REG-4", "REG-5"),
            "client",
            SITE_MODE_ALLOWS_AN_MP,
            event=ENABLE,
            note="Modeling assumption A-47: every existing client",
            assumes=("A-47",),
        ),
        Row(
            "re-registration becomes due",
            tuple(sorted(REGISTERED_STATES)),
            REREGISTRATION_STRANDED,
            ("REG-4", "REG-5", "SITE-5"),
            "client",
            ~SITE_MODE_ALLOWS_AN_MP,
            event=ENABLE,
            note="Modeling assumption A-48: enabled at HTTPS only",
            assumes=("A-47", "A-48", "A-39"),
        ),
        Row(
            "HTTPS only leaves no management point to re-register through",
            (REREGISTRATION_DUE,),
            REREGISTRATION_STRANDED,
            ("REG-4", "SITE-5"),
            "client",
            ~LAB_HAS_AN_HTTPS_MP,
            event=SELECT_HTTPS_ONLY,
            note="Modeling assumption A-48: see the module docstring",
            assumes=("A-48", "A-39"),
        ),
        Row(
            "HTTPS or HTTP: due again at the next policy poll",
            (REREGISTRATION_STRANDED,),
            REREGISTRATION_DUE,
            ("REG-4", "SITE-5"),
            "client",
            event=SELECT_HTTPS_OR_HTTP,
            note="Modeling assumption A-48: see the module docstring",
            assumes=("A-48", "A-39"),
        ),
        Row(
            "pending re-registration cancelled",
            (REREGISTRATION_DUE, REREGISTRATION_STRANDED),
            "registered:pki",
            ("REG-4", "REG-2"),
            "client",
            _PKI_PATH,
            event=DISABLE,
            note="Modeling assumption A-10: see the module docstring",
            assumes=("A-10",),
        ),
        Row(
            "pending re-registration cancelled",
            (REREGISTRATION_DUE, REREGISTRATION_STRANDED),
            "registered:self-signed",
            ("REG-4",),
            "client",
            ~_PKI_PATH,
            event=DISABLE,
            note="Modeling assumption A-10: see the module docstring",
            assumes=("A-10",),
        ),
        Row(
            POLICY_POLL,
            (REREGISTRATION_DUE,),
            "registered:pki",
            ("REG-4", "REG-2"),
            "client",
            _PKI_PATH,
            assumes=("A-47", "A-39"),
        ),
        Row(
            POLICY_POLL,
            (REREGISTRATION_DUE,),
            "registered:enhanced-http",
            ("REG-4",),
            "client",
            SITE_MODE_ALLOWS_AN_MP & ~_PKI_PATH,
            assumes=("A-11", "A-47", "A-39"),
        ),
        *(
            Row(NOTIFY_OK, (state,), state, ("SEC-3", "REG-5"), "administrator")
            for state in sorted(REGISTERED_STATES)
        ),
        *(
            Row(NOTIFY_FAILS, (state,), state, ("REG-5", "SEC-3"), "administrator")
            for state in (REREGISTRATION_DUE, REREGISTRATION_STRANDED)
        ),
    ),
)
