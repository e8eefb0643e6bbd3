"""Message kind attacks: a signed message relabelled as another kind (SEC-3; specs/threat-model.md).

A client's signature covers its message's kind, so a content access token request relabelled as
a client notification (or the other way round) does not verify; a genuine message sent to the
endpoint of another kind is refused for its kind.
"""

from __future__ import annotations

from dataclasses import replace

from ehttp.lab.attacks.base import at_mp, first_registered
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS"]


def _dp_name(tb: ConcreteLab) -> bytes:
    return tb.lab.distribution_points[0].name.encode()


def _request_as_notification(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(CONTENT_TOKEN_REQUEST, _dp_name(tb))
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).notify(replace(message, kind=NOTIFICATION))


def _notification_as_request(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(NOTIFICATION, _dp_name(tb))
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).content_token(replace(message, kind=CONTENT_TOKEN_REQUEST))


def _wrong_endpoint(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(NOTIFICATION, _dp_name(tb))
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).content_token(message)


_attack = Family("kinds", ("SEC-3",))


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "kind-token-request-as-notification",
        "a signed content access token request relabelled as a client notification",
        Reason.MSG_BAD_SIGNATURE,
        _request_as_notification,
    ),
    _attack(
        "kind-notification-as-token-request",
        "a signed client notification relabelled as a content access token request",
        Reason.MSG_BAD_SIGNATURE,
        _notification_as_request,
        ("enhanced",),
    ),
    _attack(
        "kind-notification-at-token-endpoint",
        "a genuine client notification sent to the content access token endpoint",
        Reason.MSG_WRONG_KIND,
        _wrong_endpoint,
        ("enhanced",),
    ),
)
"""The message kind family."""


def _genuine_request(tb: ConcreteLab) -> Submit:
    client = first_registered(tb)
    message = tb.clients[client].message(CONTENT_TOKEN_REQUEST, _dp_name(tb))
    mp = at_mp(tb, client)
    return lambda: tb.mp(mp).content_token(message)


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-token-request",
        "a genuine content access token request at its own endpoint",
        _genuine_request,
        ("enhanced",),
    ),
)
"""The message kind family's honest twin."""
