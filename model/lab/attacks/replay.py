"""Replay attacks: captured signed requests and messages sent again (SEC-3, SEC-2,
specs/threat-model.md).

A client notification the management point already acted on, sent again at once or a day later;
a captured registration request replayed after the client moved to a new key (which would roll
the key back to the superseded one); a message stamped a day ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from model.lab.attacks.base import Attack, Family, Submit, at_mp, register_capturing, registered
from model.lab.attacks.messages import attacker_nonce
from model.lab.messages import sign_message
from model.lab.mp import NOTIFICATION
from model.lab.reasons import Reason
from model.lab.testbed import ConcreteLab

__all__ = ["ATTACKS"]

_DAY = dt.timedelta(days=1)


def _acted_on(tb: ConcreteLab) -> tuple[str, Submit]:
    client = tb.lab.clients[0].name
    registered(tb, client)
    message = tb.clients[client].message(NOTIFICATION, b"run-scripts:inventory")
    mp = at_mp(tb, client)
    verdict = tb.mp(mp).notify(message)
    if not verdict.ok:
        raise RuntimeError(f"attack setup: the notification was refused: {verdict}")
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
        "replay-message-from-the-future",
        "a genuinely signed notification stamped a day ahead",
        Reason.MSG_NOT_FRESH,
        _from_the_future,
    ),
)
"""The replay family."""
