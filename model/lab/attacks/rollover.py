"""Key rollover attacks: a policy poll's re-registration not signed by the key on record (SEC-2,
SEC-3, REG-4; specs/threat-model.md).

A rollover moves a registered client to a new key; only the holder of the key on record may ask
for it. The attacker signs the continuity proof with its own key, with the client's superseded
key, or pairs the client's genuine continuity proof with a request for the attacker's key; or
replays a rollover the client already made.
"""

from __future__ import annotations

from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.attacks.base import accepted, at_mp, registered
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.identity import request_as
from ehttp.lab.evidence import Anonymous
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS"]


def _victim(tb: ConcreteLab) -> str:
    client = tb.lab.clients[0].name
    registered(tb, client)
    return client


def _sign(key: ec.EllipticCurvePrivateKey, payload: bytes) -> bytes:
    return key.sign(payload, ec.ECDSA(hashes.SHA256()))


def _rollover(tb: ConcreteLab, client: str, continuity_key: ec.EllipticCurvePrivateKey) -> Submit:
    request = request_as(tb, client, lambda payload: Anonymous())
    continuity = _sign(continuity_key, request.payload())
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).reregister(request, continuity)


def _attacker_signed(tb: ConcreteLab) -> Submit:
    client = _victim(tb)
    return _rollover(tb, client, derive_ec_key(tb.seed, "attacker-rollover"))


def _superseded_key(tb: ConcreteLab) -> Submit:
    client = _victim(tb)
    old = tb.clients[client].key
    registered(tb, client)
    return _rollover(tb, client, old)


def _borrowed_continuity(tb: ConcreteLab) -> Submit:
    client = _victim(tb)
    agent = tb.clients[client]
    genuine = agent.request("anonymous-manual-approval")
    continuity = agent.continuity(genuine)
    forged = request_as(tb, client, lambda payload: Anonymous())
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).reregister(forged, continuity)


def _replayed(tb: ConcreteLab) -> Submit:
    client = _victim(tb)
    agent = tb.clients[client]
    request = agent.request("anonymous-manual-approval")
    continuity = agent.continuity(request)
    mp = at_mp(tb, client)
    verdict = tb.mp(mp).reregister(request, continuity)
    agent.registered(accepted(verdict, f"{client} rolls over to a new key"))
    return lambda: tb.mp(mp).reregister(request, continuity)


def _attack(name: str, tries: str, prepare: Callable[[ConcreteLab], Submit]) -> Attack:
    return Attack(
        name,
        "rollover",
        tries,
        Reason.REG_ROLLOVER_NOT_CONTINUOUS,
        ("SEC-2", "SEC-3", "REG-4"),
        prepare,
    )


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "rollover-signed-by-attacker",
        "a rollover of a registered client to the attacker's key, signed by the attacker",
        _attacker_signed,
    ),
    _attack(
        "rollover-signed-by-superseded-key",
        "a rollover signed with the client's key from before its last registration",
        _superseded_key,
    ),
    _attack(
        "rollover-borrowed-continuity",
        "the client's genuine continuity proof attached to a rollover to the attacker's key",
        _borrowed_continuity,
    ),
    _attack(
        "rollover-replayed",
        "a rollover the client already made, sent again",
        _replayed,
    ),
)
"""The key rollover continuity family."""


def _genuine(tb: ConcreteLab) -> Submit:
    client = _victim(tb)
    agent = tb.clients[client]
    request = agent.request("anonymous-manual-approval")
    continuity = agent.continuity(request)
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).reregister(request, continuity)


TWINS: tuple[Attack, ...] = (
    Family("rollover", ("SEC-2", "SEC-3", "REG-4")).twin(
        "honest-rollover",
        "a registered client's own rollover, signed by its key on record",
        _genuine,
    ),
)
"""The key rollover family's honest twin."""
