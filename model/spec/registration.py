"""Client registration lifecycle, per client.

Implements the MP table's registration column (REG-1, REG-2, REG-3), the known issue that "existing
clients automatically re-register with the site ... during the next policy polling cycle" after
enhanced HTTP is enabled (REG-4) and that until then "client notification actions don't work. The
site can't verify the client message signature" (REG-5), Scenario 1 (an Azure AD-joined device
through a CMG), Scenario 3 (device identity needs Windows 10 1803) and the reference facts that
clients using HTTP with a self-signed certificate need approval and that after registration "the
client uses message signing to prove device identity".

A registered state names the signing regime the site holds for the client:
- ``registered:self-signed``: registered at an HTTP management point without enhanced HTTP;
- ``registered:enhanced-http``: registered while enhanced HTTP is on;
- ``registered:pki``: registered with a PKI client certificate.

Modeling assumption: an internet client reaches a management point only through the cloud
management gateway, which authenticates it by Azure AD device token or PKI certificate; through
it an HTTP management point is reachable only with enhanced HTTP on and the management point's
role certificate bound (Scenario 1: "The site server generates a certificate for the management
point allowing it to communicate via a secure channel"; 1802 "requires an HTTPS-enabled management
point").
Modeling assumption: the Azure AD device token needs Windows 10 1803 (Scenario 3's prerequisite)
and a current Azure AD application (PRE-1).
Modeling assumption: disabling enhanced HTTP before a client re-registered cancels the pending
re-registration, and does not invalidate registrations made while it was on (the documents describe
re-registration only on enabling).
Modeling assumption: re-registration at the policy poll goes over the channel the client already
uses, so it does not depend on the management point's certificate binding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from model.spec.clock import POLICY_CYCLE
from model.spec.machine import Machine, Row, StateDecl
from model.spec.site import DISABLE, ENABLE

if TYPE_CHECKING:
    from model.config.schema import Client
    from model.spec.access import Method
    from model.spec.state import Questions, World

__all__ = [
    "NOTIFY_FAILS",
    "NOTIFY_OK",
    "POLICY_POLL",
    "REGISTERED_STATES",
    "REGISTRATION",
    "REREGISTRATION_DUE",
    "evidence",
]

REREGISTRATION_DUE = "reregistration-due"
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
    if client.join in ("azure-ad", "hybrid") and client.build >= 1803 and app_ready:
        methods.add("azure-ad-device-token")
    if client.pki_certificate:
        methods.add("pki-certificate")
    return frozenset(methods)


def _can_register(method: Method) -> Callable[[Questions, World, int], bool]:
    def guard(env: Questions, world: World, index: int) -> bool:
        return method in evidence(env, world, index) and env.some_mp_accepts(world, index, method)

    return guard


def _register_on(method: Method) -> Callable[[Questions, World, int], bool]:
    can = _can_register(method)

    def guard(env: Questions, world: World, index: int) -> bool:
        return env.enhanced(world) and can(env, world, index)

    return guard


def _register_off(method: Method) -> Callable[[Questions, World, int], bool]:
    can = _can_register(method)

    def guard(env: Questions, world: World, index: int) -> bool:
        return not env.enhanced(world) and can(env, world, index)

    return guard


def _enhanced(env: Questions, world: World, index: int) -> bool:
    return env.enhanced(world)


def _not_enhanced(env: Questions, world: World, index: int) -> bool:
    return not env.enhanced(world)


_NAMES: dict[Method, str] = {
    "active-directory": "register with Active Directory domain evidence",
    "azure-ad-device-token": "register with an Azure AD device token",
}
_REQS: dict[Method, tuple[str, ...]] = {
    "active-directory": ("REG-1", "REG-2", "SEC-2"),
    "azure-ad-device-token": ("REG-1", "REG-2", "SEC-2", "SCN-1", "SCN-3"),
}


def _regime_rows(method: Method) -> tuple[Row, ...]:
    text = f"holds {method} evidence and reaches a management point that accepts it"
    return (
        Row(
            _NAMES[method],
            ("unregistered",),
            "registered:enhanced-http",
            _REQS[method],
            "client",
            _register_on(method),
            f"enhanced HTTP on; {text}",
        ),
        Row(
            _NAMES[method],
            ("unregistered",),
            "registered:self-signed",
            _REQS[method],
            "client",
            _register_off(method),
            f"enhanced HTTP off; {text}",
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
    ),
    rows=(
        Row(
            "register anonymously (manual approval)",
            ("unregistered",),
            "pending-approval",
            ("REG-1", "REG-2", "REG-3"),
            "client",
            _can_register("anonymous-manual-approval"),
            "reaches a management point that accepts anonymous registration",
        ),
        *_regime_rows("active-directory"),
        *_regime_rows("azure-ad-device-token"),
        Row(
            "register with a PKI client certificate",
            ("unregistered",),
            "registered:pki",
            ("REG-2", "SEC-2"),
            "client",
            _can_register("pki-certificate"),
            "holds a PKI client certificate and reaches an HTTPS management point",
        ),
        Row(
            "approve the client",
            ("pending-approval",),
            "registered:enhanced-http",
            ("REG-3", "SEC-2"),
            "administrator",
            _enhanced,
            "enhanced HTTP on",
        ),
        Row(
            "approve the client",
            ("pending-approval",),
            "registered:self-signed",
            ("REG-3", "SEC-2"),
            "administrator",
            _not_enhanced,
            "enhanced HTTP off",
        ),
        Row(
            "re-registration becomes due",
            ("registered:self-signed",),
            REREGISTRATION_DUE,
            ("REG-4", "REG-5"),
            "client",
            event=ENABLE,
        ),
        Row(
            "pending re-registration cancelled",
            (REREGISTRATION_DUE,),
            "registered:self-signed",
            ("REG-4",),
            "client",
            event=DISABLE,
            note="Modeling assumption: see the module docstring",
        ),
        Row(POLICY_POLL, (REREGISTRATION_DUE,), "registered:enhanced-http", ("REG-4",), "client"),
        *(
            Row(NOTIFY_OK, (state,), state, ("SEC-3", "REG-5"), "administrator")
            for state in sorted(REGISTERED_STATES)
        ),
        Row(
            NOTIFY_FAILS,
            (REREGISTRATION_DUE,),
            REREGISTRATION_DUE,
            ("REG-5", "SEC-3"),
            "administrator",
        ),
    ),
)
