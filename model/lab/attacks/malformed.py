"""Malformed input attacks: what a parser must refuse with a reason, never an exception (issue
11, point 4).

Tokens that are not well-formed JWS (segments, base64url, JSON, a payload that is not an object,
a time claim that is a boolean), that ask for extensions (``crit``, ``b64``) or name their key by
a number, that hold a lone surrogate or are a megabyte long, or whose header holds 3,000 nested
arrays (8 KB, under the size limit: at registration, user authorization and download);
registration requests, messages and network access account logons whose text fields hold lone
surrogates or NULs, or whose numbers are strings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import jwt

from ehttp.lab.attacks.base import Roles, at_mp, registered
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.content import download_with
from ehttp.lab.attacks.encoding import b64, compact, nested_segment, segment
from ehttp.lab.attacks.tokens import device_claims, present_device_token
from ehttp.lab.evidence import NaaLogon, UserToken
from ehttp.lab.mp import NOTIFICATION
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import NAA_USER, ConcreteLab

__all__ = ["ATTACKS", "TWINS"]

_SURROGATE = "\udc80"
_DEPTH = 3000


def _token(make: Callable[[ConcreteLab], str]) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        return present_device_token(tb, make(tb))

    return prepare


def _claims(tb: ConcreteLab) -> dict[str, object]:
    roles = Roles(tb)
    return device_claims(tb, roles.need(roles.aad, "Azure AD-joined client"))


def _header(**fields: object) -> Callable[[ConcreteLab], str]:
    def make(tb: ConcreteLab) -> str:
        header = {"alg": "RS256", "typ": "JWT", "kid": tb.tenant.kid, **fields}
        return compact(header, _claims(tb), b"\x01" * 256)

    return make


def _nested(header: Mapping[str, object], claims: Mapping[str, object]) -> str:
    """A token whose ``header`` also holds `_DEPTH` nested arrays (8 KB)."""
    return f"{nested_segment(header, _DEPTH)}.{segment(claims)}.{b64(bytes(64))}"


def _nested_header(tb: ConcreteLab) -> str:
    return _nested({"alg": "RS256", "typ": "JWT", "kid": tb.tenant.kid}, _claims(tb))


def _nested_user_token(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    mp = roles.need(roles.device_mp, "management point taking Azure AD tokens")
    header = {"alg": "RS256", "typ": "JWT", "kid": tb.tenant.kid}
    evidence = UserToken(_nested(header, {"idtyp": "user", "upn": "alice@contoso.com"}))
    return lambda: tb.mp(mp).authorize_user(evidence)


def _nested_content_token(tb: ConcreteLab) -> Submit:
    header = {"alg": "ES256", "typ": "JWT", "kid": "site-token-signing"}
    return download_with(tb, _nested(header, {"sub": "anyone"}))


def _payload_not_object(tb: ConcreteLab) -> str:
    return jwt.api_jws.PyJWS().encode(
        b"[1,2,3]", tb.tenant.signing_key, algorithm="RS256", headers={"kid": tb.tenant.kid}
    )


def _boolean_expiry(tb: ConcreteLab) -> str:
    return tb.tenant.sign({**_claims(tb), "exp": True})


def _registration_field(**changes: Any) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        roles = Roles(tb)
        client = tb.lab.clients[0].name
        request = replace(tb.clients[client].request("anonymous-manual-approval"), **changes)
        return lambda: tb.mp(roles.mp).register(request)

    return prepare


def _message_field(**changes: Any) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        client = tb.lab.clients[0].name
        registered(tb, client)
        message = replace(tb.clients[client].message(NOTIFICATION, b"restart"), **changes)
        mp = at_mp(tb, client)
        return lambda: tb.mp(mp).notify(message)

    return prepare


def _naa_user(tb: ConcreteLab) -> Submit:
    dp = Roles(tb).need(Roles(tb).auth_dp, "authenticating DP")
    logon = NaaLogon(NAA_USER + _SURROGATE, tb.naa_secret)
    return lambda: tb.dp(dp).download("PS100001", logon)


def _cat_surrogate(tb: ConcreteLab) -> Submit:
    return download_with(tb, f"{_SURROGATE}.e30.c2ln")


_AAD = ("aad-client", "device-token-mp")
_R = Reason
_TOKEN = ("SEC-5",)


_attack = Family("malformed", _TOKEN, _AAD)


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "token-malformed-segments",
        "token with two segments",
        _R.TOKEN_MALFORMED,
        _token(lambda tb: "eyJhbGciOiJSUzI1NiJ9.e30"),
    ),
    _attack(
        "token-malformed-base64",
        "token whose header is not base64url",
        _R.TOKEN_MALFORMED,
        _token(lambda tb: "%%%not-base64%%%.e30.c2ln"),
    ),
    _attack(
        "token-malformed-json",
        "token whose header is not JSON",
        _R.TOKEN_MALFORMED,
        _token(lambda tb: f"{b64(b'{not json')}.{b64(b'{}')}.c2ln"),
    ),
    _attack(
        "token-kid-not-string",
        "token whose header names its key by a number",
        _R.TOKEN_MALFORMED,
        _token(_header(kid=5)),
    ),
    _attack(
        "token-crit-extension",
        "token whose header marks an extension critical",
        _R.TOKEN_UNSUPPORTED_HEADER,
        _token(_header(crit=["exp"])),
    ),
    _attack(
        "token-unencoded-payload",
        "token asking for an unencoded payload (b64=false, RFC 7797)",
        _R.TOKEN_UNSUPPORTED_HEADER,
        _token(_header(b64=False, crit=["b64"])),
    ),
    _attack(
        "token-embedded-key",
        "token carrying its own verification key (jwk header)",
        _R.TOKEN_UNSUPPORTED_HEADER,
        _token(_header(jwk={"kty": "RSA", "n": "AQAB", "e": "AQAB"})),
    ),
    _attack(
        "token-lone-surrogate",
        "token text holding a lone surrogate",
        _R.TOKEN_MALFORMED,
        _token(lambda tb: f"{_SURROGATE}{tb.tenant.device_token(tb.lab.clients[0].name)}"),
    ),
    _attack(
        "token-oversized",
        "a token of a million characters",
        _R.TOKEN_MALFORMED,
        _token(lambda tb: "a" * 1_000_000),
    ),
    _attack(
        "token-nested-header",
        "device token whose header holds 3,000 nested arrays (8 KB)",
        _R.TOKEN_TOO_DEEP,
        _token(_nested_header),
    ),
    _attack(
        "user-token-nested-header",
        "user token whose header holds 3,000 nested arrays, for user policy",
        _R.TOKEN_TOO_DEEP,
        _nested_user_token,
        requirements=("SEC-5", "MP-3"),
    ),
    _attack(
        "cat-nested-header",
        "content access token whose header holds 3,000 nested arrays",
        _R.TOKEN_TOO_DEEP,
        _nested_content_token,
        ("enhanced", "authenticating-dp"),
        ("SEC-1",),
    ),
    _attack(
        "token-payload-not-object",
        "tenant-signed token whose payload is a JSON array",
        _R.TOKEN_MALFORMED,
        _token(_payload_not_object),
    ),
    _attack(
        "token-boolean-expiry",
        "tenant-signed device token whose exp is true",
        _R.TOKEN_MALFORMED,
        _token(_boolean_expiry),
        (*_AAD, "app-updated"),
    ),
    _attack(
        "reg-client-lone-surrogate",
        "registration request whose client name holds a lone surrogate",
        _R.INPUT_MALFORMED,
        _registration_field(client=f"client{_SURROGATE}"),
        (),
        ("SEC-2",),
    ),
    _attack(
        "reg-client-nul",
        "registration request whose client name ends with a NUL",
        _R.INPUT_MALFORMED,
        _registration_field(client="client\x00"),
        (),
        ("SEC-2",),
    ),
    _attack(
        "reg-sent-at-text",
        "registration request whose timestamp is text",
        _R.INPUT_MALFORMED,
        _registration_field(sent_at="now"),
        (),
        ("SEC-2",),
    ),
    _attack(
        "msg-registration-id-lone-surrogate",
        "notification whose registration id holds a lone surrogate",
        _R.MSG_MALFORMED,
        _message_field(registration_id=f"GUID:{_SURROGATE}"),
        (),
        ("SEC-3",),
    ),
    _attack(
        "msg-generation-text",
        "notification whose generation is text",
        _R.MSG_MALFORMED,
        _message_field(generation="1"),
        (),
        ("SEC-3",),
    ),
    _attack(
        "naa-user-lone-surrogate",
        "network access account logon whose user holds a lone surrogate",
        _R.NAA_UNKNOWN_ACCOUNT,
        _naa_user,
        ("authenticating-dp",),
        ("SEC-1", "DP-2"),
        "naa-configured",
    ),
    _attack(
        "cat-lone-surrogate",
        "content access token holding a lone surrogate",
        _R.CAT_FORGED,
        _cat_surrogate,
        ("enhanced", "authenticating-dp"),
        ("SEC-1",),
    ),
)
"""The malformed input family."""


def _well_formed(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    return present_device_token(tb, tb.tenant.device_token(client))


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-well-formed-token",
        "a genuine, well-formed device token",
        _well_formed,
        (*_AAD, "app-updated"),
    ),
)
"""The malformed input family's honest twin."""
