"""Azure AD token attacks: forged, expired, misdirected and confused device tokens (SEC-5, SEC-2).

Each presents a device token at the management point that takes them, on behalf of the lab's
first Azure AD-joined client; the token is what is wrong (algorithm, key, issuer, tenant,
audience, lifetime, claims, the application setting of PRE-1).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from ehttp.lab.attacks.base import Roles, all_accepted
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.encoding import b64, compact
from ehttp.lab.evidence import DeviceToken
from ehttp.lab.keys import derive_rsa_key
from ehttp.lab.reasons import Reason
from ehttp.lab.tenant import Tenant, tenant_id_for
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS", "device_claims", "present_device_token"]

_AAD = ("aad-client", "device-token-mp")
_UPDATED = (*_AAD, "app-updated")
_TOKEN = ("SEC-5", "SEC-2")


def device_claims(tb: ConcreteLab, client: str, **changes: Any) -> dict[str, Any]:
    """Claims of a device token for ``client``, with ``changes`` (None removes a claim)."""
    now = tb.clock.timestamp()
    claims: dict[str, Any] = {
        "iss": tb.tenant.issuer,
        "aud": tb.tenant.app_uri,
        "tid": tb.tenant.tenant_id,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "idtyp": "device",
        "deviceid": tb.tenant.device_id(client),
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def present_device_token(tb: ConcreteLab, token: str, as_client: str | None = None) -> Submit:
    """The lab's Azure AD client registers ``as_client`` (itself by default) presenting
    ``token`` at the management point that takes device tokens."""
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    mp = roles.need(roles.device_mp, "management point taking device tokens")
    request = tb.clients[client].request("azure-ad-device-token")
    forged = replace(request, evidence=DeviceToken(token))
    if as_client is not None:
        forged = replace(forged, client=as_client)
    return lambda: tb.mp(mp).register(forged)


def _aad(tb: ConcreteLab) -> str:
    roles = Roles(tb)
    return roles.need(roles.aad, "Azure AD-joined client")


def _tenant_signed(**changes: Any) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        return present_device_token(tb, tb.tenant.sign(device_claims(tb, _aad(tb), **changes)))

    return prepare


def _expired_token(tb: ConcreteLab) -> Submit:
    now = tb.clock.timestamp()
    return _tenant_signed(iat=now - 7200, nbf=now - 7200, exp=now - 3600)(tb)


def _early_token(tb: ConcreteLab) -> Submit:
    now = tb.clock.timestamp()
    return _tenant_signed(nbf=now + 3600, exp=now + 7200)(tb)


def _alg_none(tb: ConcreteLab) -> Submit:
    header = {"alg": "none", "typ": "JWT", "kid": tb.tenant.kid}
    return present_device_token(tb, compact(header, device_claims(tb, _aad(tb)), b""))


def _hs256_with_public_key(tb: ConcreteLab) -> Submit:
    public_pem = tb.tenant.signing_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    unsigned = compact(
        {"alg": "HS256", "typ": "JWT", "kid": tb.tenant.kid}, device_claims(tb, _aad(tb)), b""
    )
    signing_input = unsigned[:-1]
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    return present_device_token(tb, f"{signing_input}.{b64(mac)}")


def _attacker_key(kid: str | None) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        key = derive_rsa_key(tb.seed, "attacker")
        token = jwt.encode(
            device_claims(tb, _aad(tb)),
            key,
            algorithm="RS256",
            headers={"kid": kid if kid is not None else tb.tenant.kid},
        )
        return present_device_token(tb, token)

    return prepare


def _user_as_device(tb: ConcreteLab) -> Submit:
    return present_device_token(tb, tb.tenant.user_token("alice@contoso.com"))


def _app_not_updated(tb: ConcreteLab) -> Submit:
    old = Tenant(tb.seed, tb.tenant.name, tb.clock, app_updated=False)
    return present_device_token(tb, old.device_token(_aad(tb)))


def _device_token_1802(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    mp = roles.need(roles.http_mp_without_enhanced, "HTTP management point")
    request = tb.clients[client].request("azure-ad-device-token")
    return lambda: tb.mp(mp).register(request)


_attack = Family("tokens", _TOKEN, _AAD)


_R = Reason
ATTACKS: tuple[Attack, ...] = (
    _attack(
        "token-alg-none",
        "device token with alg=none and no signature",
        _R.TOKEN_ALG_NOT_ALLOWED,
        _alg_none,
    ),
    _attack(
        "token-hs256-public-key",
        "HS256 token keyed with the tenant's public key (algorithm confusion)",
        _R.TOKEN_ALG_NOT_ALLOWED,
        _hs256_with_public_key,
    ),
    _attack(
        "token-wrong-key",
        "RS256 token under the tenant's kid, signed by another key",
        _R.TOKEN_BAD_SIGNATURE,
        _attacker_key(None),
    ),
    _attack(
        "token-unknown-kid",
        "RS256 token naming a key the tenant never published",
        _R.TOKEN_UNKNOWN_KID,
        _attacker_key("attacker-kid"),
    ),
    _attack(
        "token-expired",
        "tenant-signed device token that expired an hour ago",
        _R.TOKEN_EXPIRED,
        _expired_token,
    ),
    _attack(
        "token-not-yet-valid",
        "tenant-signed device token valid only from an hour on",
        _R.TOKEN_NOT_YET_VALID,
        _early_token,
    ),
    _attack(
        "token-wrong-audience",
        "tenant-signed device token for another application",
        _R.TOKEN_WRONG_AUDIENCE,
        _tenant_signed(aud="api://another-application"),
    ),
    _attack(
        "token-wrong-issuer",
        "tenant-signed device token naming another issuer",
        _R.TOKEN_WRONG_ISSUER,
        _tenant_signed(iss="https://sts.example.net/evil/"),
    ),
    _attack(
        "token-wrong-tenant",
        "device token whose tid is another tenant",
        _R.TOKEN_WRONG_TENANT,
        _tenant_signed(tid=tenant_id_for("fabrikam")),
    ),
    _attack(
        "token-missing-device-id",
        "device token without a deviceid claim",
        _R.TOKEN_MISSING_DEVICE_ID,
        _tenant_signed(deviceid=None),
    ),
    _attack(
        "token-user-as-device",
        "a user token offered as device evidence",
        _R.TOKEN_WRONG_TYPE,
        _user_as_device,
        # Past the audience check only: a tenant whose application was not updated issues
        # every token for the old application, refused as token-app-not-updated first.
        _UPDATED,
    ),
    _attack(
        "token-app-not-updated",
        "token from a tenant whose application was not updated (PRE-1)",
        _R.TOKEN_APP_NOT_UPDATED,
        _app_not_updated,
        requirements=(*_TOKEN, "PRE-1"),
    ),
    _attack(
        "reg-device-token-1802-http-mp",
        "device token at an HTTP MP of a 1802 site",
        _R.METHOD_NOT_ACCEPTED,
        _device_token_1802,
        ("aad-client", "http-mp-without-enhanced"),
        ("REG-1", "SCN-1"),
        "site-1802",
    ),
)
"""The Azure AD token family."""


def _own_device_tokens(tb: ConcreteLab) -> Submit:
    """Every Azure AD-joined or hybrid client registers with its own genuine device token."""
    roles = Roles(tb)
    mp = roles.need(roles.device_mp, "management point taking device tokens")
    requests = [
        tb.clients[client].request("azure-ad-device-token")
        for client in roles.joined("azure-ad", "hybrid")
    ]
    return lambda: all_accepted([partial(tb.mp(mp).register, r) for r in requests])


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-device-tokens",
        "every Azure AD-joined or hybrid client's own genuine device token",
        _own_device_tokens,
        _UPDATED,
    ),
)
"""The Azure AD token family's honest twin."""
