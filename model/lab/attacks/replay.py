"""Replay attacks: captured signed requests and messages sent again (SEC-3, SEC-2,
specs/threat-model.md).

A client notification the management point already acted on, sent again at once or a day later;
a content access token request answered, sent again (one token per request); a captured
registration request replayed after the client moved to a new key (which would roll the key back
to the superseded one); a key rollover sent again as a registration request for the same key; a
message stamped a day ahead; a fresh registration of a client's superseded key, with the client's
genuine device token captured from its registration (a bearer credential: only the site's key
history stands in the way); a domain user's proof for user policy sent again, or a month later.
On a site with two management points alike (the `second-mp` variant), each of those sent to the
other management point, and a fresh notification signed with the superseded key there: the site
has one database, so what one management point accepted is a replay at any other (issue 21).

Its honest twins: a client whose next nonce another party learned and sent first under its own
key still registers, and still has its notification acted on (freshness is per authenticated
sender), and a client registered through one management point is heard at the other.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.attacks.base import Roles, accepted, at_mp, register_capturing, registered
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.identity import request_as
from ehttp.lab.attacks.messages import attacker_nonce
from ehttp.lab.client import public_der
from ehttp.lab.evidence import Anonymous, RegistrationRequest, registration_payload
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.messages import sign_message
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS"]

_DAY = dt.timedelta(days=1)
_MONTH = dt.timedelta(days=30)


def _acted_on(tb: ConcreteLab) -> tuple[str, Submit]:
    client = tb.lab.clients[0].name
    registered(tb, client)
    message = tb.clients[client].message(NOTIFICATION, b"run-scripts:inventory")
    mp = at_mp(tb, client)
    accepted(tb.mp(mp).notify(message), f"{client}'s notification is acted on")
    return client, lambda: tb.mp(mp).notify(message)


def _notification_again(tb: ConcreteLab) -> Submit:
    return _acted_on(tb)[1]


def _notification_next_day(tb: ConcreteLab) -> Submit:
    submit = _acted_on(tb)[1]
    tb.clock.advance(_DAY)
    return submit


def _registration_rollback(later: dt.timedelta) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        client = tb.lab.clients[0].name
        captured = register_capturing(tb, client)
        registered(tb, client)
        tb.clock.advance(later)
        mp = at_mp(tb, client)
        return lambda: tb.mp(mp).register(captured)

    return prepare


def _rollback(tb: ConcreteLab) -> tuple[str, RegistrationRequest]:
    """An Azure AD-joined client registers at a management point taking device tokens and then
    rolls its key over; the management point and a registration request carrying the captured
    device token under the superseded key."""
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    mp = roles.need(roles.device_mp, "management point taking device tokens")
    agent = tb.clients[client]
    captured = agent.request("azure-ad-device-token")
    agent.registered(accepted(tb.mp(mp).register(captured), f"{client} registers at {mp}"))
    old = agent.key
    registered(tb, client)
    evidence = captured.evidence
    return mp, request_as(tb, client, lambda payload: evidence, old)


def _superseded_key(tb: ConcreteLab) -> Submit:
    mp, rollback = _rollback(tb)
    return lambda: tb.mp(mp).register(rollback)


def _elsewhere(tb: ConcreteLab, mp: str) -> str:
    roles = Roles(tb)
    return roles.need(roles.other_mp(mp), f"second management point like {mp}")


def _registration_elsewhere(tb: ConcreteLab) -> Submit:
    client = tb.lab.clients[0].name
    captured = register_capturing(tb, client)
    where = at_mp(tb, client)
    registered(tb, client)
    other = _elsewhere(tb, where)
    return lambda: tb.mp(other).register(captured)


def _notification_elsewhere(tb: ConcreteLab) -> Submit:
    client = tb.lab.clients[0].name
    registered(tb, client)
    message = tb.clients[client].message(NOTIFICATION, b"run-scripts:inventory")
    where = at_mp(tb, client)
    accepted(tb.mp(where).notify(message), f"{client}'s notification is acted on at {where}")
    other = _elsewhere(tb, where)
    return lambda: tb.mp(other).notify(message)


def _token_request_elsewhere(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    dp = roles.need(roles.auth_dp, "authenticating DP")
    client = tb.lab.clients[0].name
    registered(tb, client)
    request = tb.clients[client].message(CONTENT_TOKEN_REQUEST, dp.encode())
    where = at_mp(tb, client)
    accepted(tb.mp(where).content_token(request), f"{client} gets a content access token")
    other = _elsewhere(tb, where)
    return lambda: tb.mp(other).content_token(request)


def _token_request_again(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    dp = roles.need(roles.auth_dp, "authenticating DP")
    client = tb.lab.clients[0].name
    registered(tb, client)
    request = tb.clients[client].message(CONTENT_TOKEN_REQUEST, dp.encode())
    where = at_mp(tb, client)
    accepted(tb.mp(where).content_token(request), f"{client} gets a content access token")
    return lambda: tb.mp(where).content_token(request)


def _rollover_as_registration(tb: ConcreteLab) -> Submit:
    """A key rollover the site accepted, captured and sent again to the registration endpoint,
    where it reads as an anonymous request for the same key."""
    client = tb.lab.clients[0].name
    registered(tb, client)
    request = tb.clients[client].request("anonymous-manual-approval")
    where = at_mp(tb, client)
    accepted(tb.reregister(client, where, request), f"{client} rolls over at {where}")
    return lambda: tb.mp(where).register(request)


def _superseded_key_elsewhere(tb: ConcreteLab) -> Submit:
    mp, rollback = _rollback(tb)
    other = _elsewhere(tb, mp)
    return lambda: tb.mp(other).register(rollback)


def _superseded_notification_elsewhere(tb: ConcreteLab) -> Submit:
    """After the client rolled over at its management point, a fresh notification signed with
    its old key under its old registration, sent to another management point."""
    client = tb.lab.clients[0].name
    registered(tb, client)
    agent = tb.clients[client]
    old, generation = agent.key, agent.generation
    where = at_mp(tb, client)
    accepted(tb.reregister(client, where), f"{client} rolls over at {where}")
    assert agent.registration_id is not None
    message = sign_message(
        old,
        agent.registration_id,
        generation,
        NOTIFICATION,
        b"run-scripts:inventory",
        sent_at=tb.clock.timestamp(),
        nonce=attacker_nonce("superseded-notification"),
    )
    other = _elsewhere(tb, where)
    return lambda: tb.mp(other).notify(message)


def _user_proof_again(later: dt.timedelta, elsewhere: bool) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        mp = Roles(tb).mp
        proof = tb.user_proof("alice")
        accepted(tb.mp(mp).authorize_user(proof), f"alice's proof is accepted at {mp}")
        tb.clock.advance(later)
        target = _elsewhere(tb, mp) if elsewhere else mp
        return lambda: tb.mp(target).authorize_user(proof)

    return prepare


def _after_nonce_theft(tb: ConcreteLab) -> Submit:
    """Another party learns the domain client's next nonce and sends it first, in an anonymous
    request for the client's name under its own key; the client's own registration follows."""
    roles = Roles(tb)
    client = roles.need(roles.domain, "domain-joined client")
    agent = tb.clients[client]
    stolen = copy.deepcopy(agent).nonce()
    key = derive_ec_key(tb.seed, "nonce-thief")
    der, sent_at = public_der(key), tb.clock.timestamp()
    payload = registration_payload(client, der, sent_at, stolen)
    possession = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    theft = RegistrationRequest(client, der, Anonymous(), possession, sent_at, stolen)
    tb.mp(roles.mp).register(theft)
    own = agent.request("active-directory")
    return lambda: tb.mp(roles.mp).register(own)


def _notification_after_nonce_theft(tb: ConcreteLab) -> Submit:
    """Another registered client learns the first client's next nonce and signs its own
    notification with it first; the first client's own notification follows."""
    roles = Roles(tb)
    client = tb.lab.clients[0].name
    thief = roles.need(roles.other_than(client), "second client")
    registered(tb, client)
    registered(tb, thief)
    agent = tb.clients[client]
    stolen = copy.deepcopy(agent).nonce()
    other = tb.clients[thief]
    assert other.registration_id is not None
    theft = sign_message(
        other.key,
        other.registration_id,
        other.generation,
        NOTIFICATION,
        b"run-scripts:inventory",
        sent_at=tb.clock.timestamp(),
        nonce=stolen,
    )
    accepted(tb.mp(at_mp(tb, thief)).notify(theft), f"{thief}'s notification is acted on")
    own = agent.message(NOTIFICATION, b"run-scripts:inventory")
    return lambda: tb.mp(at_mp(tb, client)).notify(own)


def _heard_elsewhere(tb: ConcreteLab) -> Submit:
    client = tb.lab.clients[0].name
    registered(tb, client)
    other = _elsewhere(tb, at_mp(tb, client))
    message = tb.clients[client].message(NOTIFICATION, b"run-scripts:inventory")
    return lambda: tb.mp(other).notify(message)


def _from_the_future(tb: ConcreteLab) -> Submit:
    client = tb.lab.clients[0].name
    registered(tb, client)
    agent = tb.clients[client]
    assert agent.registration_id is not None
    message = sign_message(
        agent.key,
        agent.registration_id,
        agent.generation,
        NOTIFICATION,
        b"restart",
        sent_at=tb.clock.timestamp() + int(_DAY.total_seconds()),
        nonce=attacker_nonce("from-the-future"),
    )
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).notify(message)


_attack = Family("replay", ("SEC-3", "SEC-2"))


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "replay-notification",
        "a client notification the management point acted on, sent again",
        Reason.MSG_REPLAYED,
        _notification_again,
    ),
    _attack(
        "replay-notification-next-day",
        "a client notification acted on, sent again a day later",
        Reason.MSG_NOT_FRESH,
        _notification_next_day,
    ),
    _attack(
        "replay-registration-rollback",
        "a captured registration request replayed after the client moved to a new key",
        Reason.MSG_REPLAYED,
        _registration_rollback(dt.timedelta(0)),
    ),
    _attack(
        "replay-registration-next-day",
        "a captured registration request replayed a day later",
        Reason.MSG_NOT_FRESH,
        _registration_rollback(_DAY),
    ),
    _attack(
        "replay-user-proof",
        "a domain user's proof for user policy, accepted, sent again",
        Reason.MSG_REPLAYED,
        _user_proof_again(dt.timedelta(0), elsewhere=False),
        requirements=("SEC-2", "MP-3"),
    ),
    _attack(
        "replay-user-proof-a-month-later",
        "a domain user's proof for user policy, captured, sent again 30 days later",
        Reason.MSG_NOT_FRESH,
        _user_proof_again(_MONTH, elsewhere=False),
        requirements=("SEC-2", "MP-3"),
    ),
    _attack(
        "replay-registration-at-another-mp",
        "a registration request captured at one management point, replayed at another after "
        "the client moved to a new key",
        Reason.MSG_REPLAYED,
        _registration_elsewhere,
        variant="second-mp",
    ),
    _attack(
        "replay-notification-at-another-mp",
        "a notification acted on at one management point, sent to another",
        Reason.MSG_REPLAYED,
        _notification_elsewhere,
        variant="second-mp",
    ),
    _attack(
        "replay-token-request-at-another-mp",
        "a content access token request answered at one management point, sent to another",
        Reason.MSG_REPLAYED,
        _token_request_elsewhere,
        ("enhanced", "authenticating-dp"),
        ("SEC-1", "SEC-3", "DP-2"),
        "second-mp",
    ),
    _attack(
        "replay-user-proof-at-another-mp",
        "a domain user's proof accepted at one management point, sent to another",
        Reason.MSG_REPLAYED,
        _user_proof_again(dt.timedelta(0), elsewhere=True),
        requirements=("SEC-2", "MP-3"),
        variant="second-mp",
    ),
    _attack(
        "replay-token-request",
        "a content access token request the management point answered, sent again",
        Reason.MSG_REPLAYED,
        _token_request_again,
        ("enhanced", "authenticating-dp"),
        ("SEC-1", "SEC-3", "DP-2"),
    ),
    _attack(
        "replay-rollover-as-registration",
        "a key rollover the site accepted, sent again as a registration request for the same key",
        Reason.MSG_REPLAYED,
        _rollover_as_registration,
        requirements=("SEC-2", "SEC-3", "REG-4"),
    ),
    _attack(
        "replay-superseded-key-at-another-mp",
        "a fresh registration of a client's superseded key with its captured device token, at "
        "another management point",
        Reason.REG_KEY_SUPERSEDED,
        _superseded_key_elsewhere,
        ("aad-client", "device-token-mp", "app-updated"),
        variant="second-mp",
    ),
    _attack(
        "replay-superseded-key-notification-at-another-mp",
        "a fresh notification signed with a client's superseded key under its old registration, "
        "at another management point",
        Reason.MSG_STALE_REGISTRATION,
        _superseded_notification_elsewhere,
        variant="second-mp",
    ),
    _attack(
        "replay-superseded-key-with-device-token",
        "a fresh registration of a client's superseded key with its captured device token",
        Reason.REG_KEY_SUPERSEDED,
        _superseded_key,
        ("aad-client", "device-token-mp", "app-updated"),
    ),
    _attack(
        "replay-message-from-the-future",
        "a genuinely signed notification stamped a day ahead",
        Reason.MSG_NOT_FRESH,
        _from_the_future,
    ),
)
"""The replay family."""


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-registration-after-nonce-theft",
        "a domain client's own registration after another party sent its next nonce first",
        _after_nonce_theft,
        ("domain-client",),
    ),
    _attack.twin(
        "honest-notification-after-nonce-theft",
        "a client's own notification after another client signed its next nonce into a "
        "notification of its own first",
        _notification_after_nonce_theft,
        ("two-clients",),
    ),
    _attack.twin(
        "honest-notification-at-another-mp",
        "a client registered through one management point notifies another",
        _heard_elsewhere,
        variant="second-mp",
    ),
)
"""The replay family's honest twins."""
