"""Signed client message attacks: notifications the management point must not act on (SEC-3,
REG-5).

A message tampered with, signed with another client's key, from a client that never registered
or still awaits approval, signed under a superseded registration or key, with a truncated
signature, or from a self-signed client after enhanced HTTP was turned on.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace

from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.attacks.base import (
    Roles,
    all_accepted,
    at_mp,
    first_registered,
    registered,
    registered_domain_client,
)
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.freshness import NONCE_BYTES
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.messages import SignedMessage, sign_message
from ehttp.lab.mp import NOTIFICATION, registration_id_for
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS", "attacker_nonce", "forge", "notify_at"]


def attacker_nonce(label: str) -> bytes:
    """A nonce the attacker picks (never one a client used)."""
    return hashlib.sha256(f"attacker-nonce:{label}".encode()).digest()[:NONCE_BYTES]


def forge(
    tb: ConcreteLab,
    key: ec.EllipticCurvePrivateKey,
    registration_id: str,
    generation: int,
    kind: str = NOTIFICATION,
    body: bytes = b"restart",
) -> SignedMessage:
    """A message the attacker signs with ``key``, sent now with a fresh nonce."""
    return sign_message(
        key,
        registration_id,
        generation,
        kind,
        body,
        sent_at=tb.clock.timestamp(),
        nonce=attacker_nonce(f"{registration_id}:{generation}:{kind}:{body!r}"),
    )


def notify_at(tb: ConcreteLab, client: str, message: SignedMessage) -> Submit:
    """Send ``message`` to the management point holding ``client``'s registration."""
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).notify(message)


def _tampered(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(NOTIFICATION, b"run-scripts:inventory")
    return notify_at(tb, client, replace(message, body=b"run-scripts:wipe"))


def _other_clients_key(tb: ConcreteLab) -> Submit:
    victim = first_registered(tb)
    attacker = Roles(tb).need(Roles(tb).other_than(victim), "second client")
    registered(tb, attacker)
    target = tb.clients[victim]
    assert target.registration_id is not None
    message = forge(tb, tb.clients[attacker].key, target.registration_id, target.generation)
    return notify_at(tb, victim, message)


def _unregistered(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.unregistered_workgroup, "unregistered workgroup client")
    key = derive_ec_key(tb.seed, f"client:{client}:0")
    message = forge(tb, key, registration_id_for(client), 1)
    return lambda: tb.mp(roles.mp).notify(message)


def _stale(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    old = tb.clients[client].message(NOTIFICATION, b"restart")
    registered(tb, client)
    return notify_at(tb, client, old)


def _old_key_current_generation(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    old_key = tb.clients[client].key
    registered(tb, client)
    agent = tb.clients[client]
    assert agent.registration_id is not None
    return notify_at(tb, client, forge(tb, old_key, agent.registration_id, agent.generation))


def _truncated(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(NOTIFICATION, b"restart")
    return notify_at(tb, client, replace(message, signature=message.signature[:-7]))


def _pending(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.unregistered_workgroup, "unregistered workgroup client")
    tb.register(client, "anonymous-manual-approval", roles.mp)
    message = tb.clients[client].message(NOTIFICATION, b"restart")
    return lambda: tb.mp(roles.mp).notify(message)


def _before_reregistration(tb: ConcreteLab) -> Submit:
    client, mp = registered_domain_client(tb)
    tb.mp(mp).configure(replace(tb.site, enhanced_http=True))
    message = tb.clients[client].message(NOTIFICATION, b"restart")
    return lambda: tb.mp(mp).notify(message)


_MSG = ("SEC-3",)
_R = Reason


_attack = Family("messages", _MSG)


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "msg-tampered-body",
        "notification whose body changed after signing",
        _R.MSG_BAD_SIGNATURE,
        _tampered,
    ),
    _attack(
        "msg-other-clients-key",
        "notification for one client signed with another client's key",
        _R.MSG_BAD_SIGNATURE,
        _other_clients_key,
        ("two-clients",),
    ),
    _attack(
        "msg-unregistered",
        "notification from a client that never registered",
        _R.MSG_UNREGISTERED,
        _unregistered,
        ("workgroup-unregistered",),
    ),
    _attack(
        "msg-stale-registration",
        "notification signed under the registration before re-registration",
        _R.MSG_STALE_REGISTRATION,
        _stale,
    ),
    _attack(
        "msg-old-key-current-generation",
        "notification signed with the key replaced at re-registration, claiming the new one",
        _R.MSG_BAD_SIGNATURE,
        _old_key_current_generation,
    ),
    _attack(
        "msg-truncated-signature",
        "notification with a truncated signature",
        _R.MSG_MALFORMED,
        _truncated,
    ),
    _attack(
        "msg-pending-approval",
        "notification from a client still awaiting approval",
        _R.MSG_PENDING_APPROVAL,
        _pending,
        ("workgroup-unregistered",),
        (*_MSG, "REG-3"),
    ),
    _attack(
        "msg-before-reregistration",
        "notification from a self-signed client after enhanced HTTP was enabled",
        _R.MSG_REGIME_MISMATCH,
        _before_reregistration,
        ("domain-client", "option-available"),
        (*_MSG, "REG-5"),
        "enhanced-off",
    ),
)
"""The signed client message family."""


def _every_clients_notification(tb: ConcreteLab) -> Submit:
    """Every client registers with the best evidence it holds and sends a notification."""
    submits = []
    for config in tb.lab.clients:
        registered(tb, config.name)
        message = tb.clients[config.name].message(NOTIFICATION, b"run-scripts:inventory")
        submits.append(notify_at(tb, config.name, message))
    return lambda: all_accepted(submits)


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-notifications",
        "every client's genuine notification, signed under its current registration",
        _every_clients_notification,
    ),
)
"""The signed client message family's honest twin."""
