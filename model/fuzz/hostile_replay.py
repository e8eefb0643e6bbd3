"""Replays across a site's management points, for `ehttp fuzz --hostile` (`model/fuzz/hostile.py`).

Issue 21: each management point kept its own replay window and registrations, so what one of them
accepted another took again. A site has one database behind all its management points (A-44,
`model/lab/sitedb.py`). This target runs on the campaign's lab with a second management point
beside each one the lab has only one of (the `second-mp` variant of `ehttp.lab.attacks.base`),
built once per campaign from the same lab, seed, mutants and run secret, its clients registered
with their best evidence first. Each example:

1. takes honest steps and captures what went over the network: a registration request, a key
   rollover, a client notification, a content access token request or a domain user's proof,
   each accepted at a management point drawn from those that serve the client;
2. may let the client roll over to a new key, and lets the clock move on (within the window or
   past it);
3. sends the captured input again to a management point drawn from all of the site's (the same
   one or another; a rollover either to the rollover endpoint or as a registration request), or
   signs a fresh registration request (with the captured evidence) or a fresh notification with
   the key the site superseded.

The oracle is absolute: none of these may be accepted at any management point. One registration
per request, one action per notification, one token per request, one authorization per user
proof, and a superseded key signs and registers nothing anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import strategies as st

from ehttp.fuzz.hostile_base import Staged, Target, cached
from ehttp.lab.attacks.base import (
    VARIANTS,
    Roles,
    SetupRefused,
    accepted,
    at_mp,
    best_method,
    register_capturing,
    registered,
)
from ehttp.lab.client import public_der
from ehttp.lab.evidence import RegistrationRequest, registration_payload
from ehttp.lab.freshness import NONCE_BYTES, WINDOW
from ehttp.lab.messages import sign_message
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Verdict
from ehttp.lab.testbed import ConcreteLab

__all__ = ["KINDS", "REPLAY_TARGETS", "replay_target", "site_of"]

_WINDOW = int(WINDOW.total_seconds())
_DELAYS = (0, 1, _WINDOW // 2, _WINDOW - 1, _WINDOW + 1, 3600)
"""Seconds between the capture and the replay: at once, inside the window, just past it."""
_BODY = b"run-scripts:inventory"
_PICK = st.integers(0, 2**16)
"""A choice among what the lab holds now, taken modulo its count: Hypothesis replays a choice
sequence only if each draw's range stays the same, and the lab moves on between examples."""

Send = Callable[[str], Verdict[Any]]
"""Send the captured input to the named management point."""


@dataclass(frozen=True)
class _Captured:
    what: str
    client: str | None
    send: Send


def site_of(tb: ConcreteLab) -> ConcreteLab:
    """The campaign's lab with a second management point beside each one it has one of, built
    once per campaign, its clients registered with their best evidence."""

    def make() -> ConcreteLab:
        lab = VARIANTS["second-mp"](replace(tb.lab, site=tb.site))
        site = ConcreteLab(lab, tb.seed, mutants=tb.mutants, secret=tb.secret)
        for client in lab.clients:
            try:
                _register(site, client.name)
            except SetupRefused:
                continue
        return site

    return cached(tb, "second-mp", make)


def _keys(site: ConcreteLab, client: str) -> list[ec.EllipticCurvePrivateKey]:
    """Every key ``client`` registered on this lab, oldest first, noted as it moves on (an
    attacker who captured an old device holds any of them)."""
    history: dict[str, list[ec.EllipticCurvePrivateKey]] = site.__dict__.setdefault(
        "_hostile_keys", {}
    )
    keys = history.setdefault(client, [])
    key = site.clients[client].key
    if site.registration_of(client) is not None and (not keys or keys[-1] is not key):
        keys.append(key)
    return keys


def _register(site: ConcreteLab, client: str) -> None:
    """``client`` registers anew with its best evidence (`registered`), its key noted."""
    registered(site, client)
    _keys(site, client)


def _alike(site: ConcreteLab, mp: str) -> list[str]:
    """``mp`` and every management point configured like it."""
    kind = next(m.connections for m in site.lab.management_points if m.name == mp)
    return [m.name for m in site.lab.management_points if m.connections == kind]


def _client(site: ConcreteLab, data: st.DataObject, *, rolls: bool = False) -> str:
    """A client of the lab, registered; with ``rolls``, one whose key a new registration
    supersedes (a PKI client registers its certificate's key each time)."""
    names = [
        c.name
        for c in site.lab.clients
        if not (rolls and best_method(site, c.name)[0] == "pki-certificate")
    ]
    client: str = data.draw(st.sampled_from(names))
    if site.registration_of(client) is None:
        _register(site, client)
    return client


def _registration(site: ConcreteLab, data: st.DataObject) -> _Captured:
    client = _client(site, data)
    captured = register_capturing(site, client)
    _keys(site, client)
    return _Captured(
        f"{client}'s registration request, accepted at {at_mp(site, client)}",
        client,
        lambda to: site.mp(to).register(captured),
    )


def _rollover(site: ConcreteLab, data: st.DataObject) -> _Captured:
    client = _client(site, data)
    agent = site.clients[client]
    where = data.draw(st.sampled_from(_alike(site, at_mp(site, client))))
    request = agent.request("anonymous-manual-approval")
    continuity = agent.continuity(request)
    verdict = site.mp(where).reregister(request, continuity)
    agent.registered(accepted(verdict, f"{client} rolls over at {where}"))
    agent.reregister_by = None
    _keys(site, client)
    as_registration = data.draw(st.booleans())
    if as_registration:
        return _Captured(
            f"{client}'s key rollover, accepted at {where}, sent as a registration request",
            client,
            lambda to: site.mp(to).register(request),
        )
    return _Captured(
        f"{client}'s key rollover, accepted at {where}",
        client,
        lambda to: site.mp(to).reregister(request, continuity),
    )


def _notification(site: ConcreteLab, data: st.DataObject) -> _Captured:
    client = _client(site, data)
    where = data.draw(st.sampled_from(_alike(site, at_mp(site, client))))
    message = site.clients[client].message(NOTIFICATION, _BODY)
    accepted(site.mp(where).notify(message), f"{client}'s notification is acted on at {where}")
    return _Captured(
        f"{client}'s notification, acted on at {where}",
        client,
        lambda to: site.mp(to).notify(message),
    )


def _token_request(site: ConcreteLab, data: st.DataObject) -> _Captured:
    roles = Roles(site)
    dp = roles.need(roles.auth_dp, "distribution point asking for a credential")
    client = _client(site, data)
    where = data.draw(st.sampled_from(_alike(site, at_mp(site, client))))
    request = site.clients[client].message(CONTENT_TOKEN_REQUEST, dp.encode())
    accepted(site.mp(where).content_token(request), f"{client} gets a token at {where}")
    return _Captured(
        f"{client}'s content access token request, answered at {where}",
        client,
        lambda to: site.mp(to).content_token(request),
    )


def _user_proof(site: ConcreteLab, data: st.DataObject) -> _Captured:
    where = data.draw(st.sampled_from(_alike(site, Roles(site).mp)))
    proof = site.user_proof("alice")
    accepted(site.mp(where).authorize_user(proof), f"alice's proof is accepted at {where}")
    return _Captured(
        f"alice's user proof, accepted at {where}",
        None,
        lambda to: site.mp(to).authorize_user(proof),
    )


def _superseded_registration(site: ConcreteLab, data: st.DataObject) -> _Captured:
    """A fresh registration request of the client's superseded key, carrying the evidence it
    registered with (a device token is a bearer credential)."""
    client = _client(site, data, rolls=True)
    captured = register_capturing(site, client)
    old = site.clients[client].key
    _keys(site, client)
    _register(site, client)
    der, sent_at = public_der(old), site.clock.timestamp()
    nonce = data.draw(st.binary(min_size=NONCE_BYTES, max_size=NONCE_BYTES))
    payload = registration_payload(client, der, sent_at, nonce)
    possession = old.sign(payload, ec.ECDSA(hashes.SHA256()))
    rollback = RegistrationRequest(client, der, captured.evidence, possession, sent_at, nonce)
    return _Captured(
        f"a fresh registration of {client}'s superseded key with its captured "
        f"{captured.evidence.method} evidence",
        None,
        lambda to: site.mp(to).register(rollback),
    )


def _superseded_notification(site: ConcreteLab, data: st.DataObject) -> _Captured:
    """A fresh notification signed with one of the keys the client had before it registered
    anew, claiming one of its registrations."""
    client = _client(site, data, rolls=True)
    agent = site.clients[client]
    _register(site, client)
    superseded = _keys(site, client)[:-1]
    which = data.draw(st.sampled_from(["last", "first", "any"]))
    at = {"last": -1, "first": 0, "any": data.draw(_PICK) % len(superseded)}[which]
    current = data.draw(st.booleans())
    assert agent.registration_id is not None
    message = sign_message(
        superseded[at],
        agent.registration_id,
        agent.generation if current else 1 + data.draw(_PICK) % agent.generation,
        NOTIFICATION,
        _BODY,
        sent_at=site.clock.timestamp(),
        nonce=data.draw(st.binary(min_size=NONCE_BYTES, max_size=NONCE_BYTES)),
    )
    return _Captured(
        f"a fresh notification signed with one of {client}'s superseded keys",
        None,
        lambda to: site.mp(to).notify(message),
    )


def _rolls(roles: Roles) -> bool:
    """Whether the lab has a client whose key a new registration supersedes."""
    return any(best_method(roles.tb, c.name)[0] != "pki-certificate" for c in roles.tb.lab.clients)


_CAPTURES: dict[str, tuple[Callable[[ConcreteLab, st.DataObject], _Captured], Any]] = {
    "registration": (_registration, lambda roles: True),
    "rollover": (_rollover, lambda roles: True),
    "notification": (_notification, lambda roles: True),
    "token request": (_token_request, lambda roles: roles.enhanced and bool(roles.auth_dp)),
    "user proof": (_user_proof, lambda roles: True),
    "superseded registration": (_superseded_registration, _rolls),
    "superseded notification": (_superseded_notification, _rolls),
}
"""Each kind of captured input, with when the lab can make one (a content access token needs
enhanced HTTP and a distribution point asking for a credential)."""


KINDS = tuple(_CAPTURES)
"""Every kind of captured input, by name."""


def _replay(tb: ConcreteLab, data: st.DataObject, kinds: tuple[str, ...]) -> Staged:
    site = site_of(tb)
    roles = Roles(site)
    possible = [k for k in kinds if _CAPTURES[k][1](roles)]
    if not possible:
        raise SetupRefused(f"the lab can make none of {', '.join(kinds)}")
    kind = data.draw(st.sampled_from(possible))
    captured = _CAPTURES[kind][0](site, data)
    rolled = ""
    if captured.client is not None and data.draw(st.booleans()):
        _register(site, captured.client)
        rolled = f", then {captured.client} moved to a new key"
    delay = data.draw(st.sampled_from(_DELAYS))
    site.clock.advance(dt.timedelta(seconds=delay))
    to = data.draw(st.sampled_from([m.name for m in site.lab.management_points]))
    shown = f"{captured.what}{rolled}, sent {delay} s later to {to}"
    return Staged(site, lambda: (captured.send(to), shown, lambda _: False))


def replay_target(kinds: tuple[str, ...] = KINDS) -> Target:
    """The target, its captured inputs drawn from ``kinds`` (every kind by default; a test
    shows each kind's oracle can fail)."""
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise ValueError(f"kinds: {unknown or 'none'} not accepted; use some of {', '.join(KINDS)}")
    return Target("replay at another management point", lambda tb, data: _replay(tb, data, kinds))


REPLAY_TARGETS: tuple[tuple[Target, tuple[str, ...]], ...] = ((replay_target(), ()),)
"""What one management point accepted, sent again to any of the site's (needs nothing of the
lab: the target adds the second management point itself)."""
