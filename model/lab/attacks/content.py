"""Content access attacks: downloads a distribution point must refuse (SEC-1, DP-1..DP-3).

Content access tokens forged, expired or for another distribution point; the network access
account with a wrong secret, or the right one with a trailing NUL (specs/threat-model.md); no
credential at all; PKI client certificates from an untrusted root or without clientAuth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import jwt

from ehttp.lab.attacks.base import (
    Roles,
    accepted,
    at_mp,
    first_registered,
    registered_domain_client,
)
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.evidence import ClientCertificate, ContentToken, NaaLogon, NoCredential
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, registration_id_for
from ehttp.lab.pki import EnterprisePki, Issued
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import NAA_USER, SITE_CODE, ConcreteLab
from ehttp.lab.tokens import thumbprint
from ehttp.lab.trust import presented

__all__ = ["ATTACKS", "PACKAGE", "TWINS", "download_with", "real_content_token"]

PACKAGE = "PS100001"


def _dp(tb: ConcreteLab) -> str:
    roles = Roles(tb)
    return roles.need(roles.auth_dp, "distribution point asking for a credential")


def real_content_token(tb: ConcreteLab, dp: str, client: str | None = None) -> str:
    """A genuine content access token for ``dp``, issued to ``client`` (registered first)."""
    holder = client if client is not None else first_registered(tb)
    message = tb.clients[holder].message(CONTENT_TOKEN_REQUEST, dp.encode())
    verdict = tb.mp(at_mp(tb, holder)).content_token(message)
    return str(accepted(verdict, f"{holder} asks for a content access token for {dp}"))


def download_with(tb: ConcreteLab, token: str) -> Submit:
    """Download from the first authenticating DP presenting ``token``."""
    dp = _dp(tb)
    return lambda: tb.dp(dp).download(PACKAGE, ContentToken(token))


def _cat_forged(tb: ConcreteLab) -> Submit:
    holder = first_registered(tb)
    now = tb.clock.timestamp()
    claims = {
        "iss": f"sms:{SITE_CODE}",
        "aud": _dp(tb),
        "sub": registration_id_for(holder),
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "ehp": tb.period.number,
    }
    kid = thumbprint(tb.authority.token_signing.certificate)
    token = jwt.encode(claims, tb.clients[holder].key, algorithm="ES256", headers={"kid": kid})
    return download_with(tb, token)


def _cat_expired(tb: ConcreteLab) -> Submit:
    token = real_content_token(tb, _dp(tb))
    tb.clock.advance(dt.timedelta(hours=3))
    return download_with(tb, token)


def _cat_other_dp(tb: ConcreteLab) -> Submit:
    return download_with(tb, real_content_token(tb, f"{_dp(tb)}-elsewhere"))


def _cat_without_enhanced(tb: ConcreteLab) -> Submit:
    client, mp = registered_domain_client(tb)
    message = tb.clients[client].message(CONTENT_TOKEN_REQUEST, _dp(tb).encode())
    return lambda: tb.mp(mp).content_token(message)


def _naa(secret: Callable[[ConcreteLab], str]) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        dp = _dp(tb)
        logon = NaaLogon(NAA_USER, secret(tb))
        return lambda: tb.dp(dp).download(PACKAGE, logon)

    return prepare


def _no_credential(tb: ConcreteLab) -> Submit:
    dp = _dp(tb)
    return lambda: tb.dp(dp).download(PACKAGE, NoCredential())


def _client_certificate(make: Callable[[ConcreteLab], Issued]) -> Callable[[ConcreteLab], Submit]:
    def prepare(tb: ConcreteLab) -> Submit:
        dp = _dp(tb)
        credential = ClientCertificate(presented(make(tb)))
        return lambda: tb.dp(dp).download(PACKAGE, credential)

    return prepare


def _foreign_client_cert(tb: ConcreteLab) -> Issued:
    return EnterprisePki(tb.seed, tb.clock, "Fabrikam Root CA").client_certificate(
        tb.dns_name(tb.lab.clients[0].name)
    )


def _server_cert_as_client(tb: ConcreteLab) -> Issued:
    return tb.pki.server_certificate(tb.dns_name(tb.lab.clients[0].name))


_CAT = ("enhanced", "authenticating-dp")
_CONTENT = ("SEC-1",)
_R = Reason


_attack = Family("content", _CONTENT)


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "cat-forged-by-client",
        "content access token a client signed with its own key",
        _R.CAT_FORGED,
        _cat_forged,
        _CAT,
    ),
    _attack(
        "cat-expired",
        "content access token used after its lifetime",
        _R.CAT_EXPIRED,
        _cat_expired,
        _CAT,
    ),
    _attack(
        "cat-other-dp",
        "content access token issued for another distribution point",
        _R.CAT_WRONG_DP,
        _cat_other_dp,
        _CAT,
    ),
    _attack(
        "cat-without-enhanced-http",
        "content access token request with enhanced HTTP off",
        _R.CAT_NOT_AVAILABLE,
        _cat_without_enhanced,
        ("domain-client", "authenticating-dp"),
        ("DP-2",),
        "enhanced-off",
    ),
    _attack(
        "naa-wrong-secret",
        "download with the network access account and a wrong secret",
        _R.NAA_WRONG_SECRET,
        _naa(lambda tb: "Summer2018!"),
        ("authenticating-dp",),
        (*_CONTENT, "DP-2"),
        "naa-configured",
    ),
    _attack(
        "naa-trailing-nul",
        "download with the network access account's secret and a trailing NUL",
        _R.NAA_WRONG_SECRET,
        _naa(lambda tb: tb.naa_secret + "\x00"),
        ("authenticating-dp",),
        (*_CONTENT, "DP-2"),
        "naa-configured",
    ),
    _attack(
        "dp-no-credential",
        "download from a non-anonymous DP with no credential",
        _R.METHOD_NOT_ACCEPTED,
        _no_credential,
        ("authenticating-dp",),
        (*_CONTENT, "DP-2"),
    ),
    _attack(
        "pki-client-untrusted-root",
        "client certificate from an untrusted enterprise root",
        _R.CERT_UNTRUSTED,
        _client_certificate(_foreign_client_cert),
        ("authenticating-dp",),
        variant="https-dp",
    ),
    _attack(
        "pki-client-without-client-auth",
        "server certificate offered as a client certificate",
        _R.CERT_WRONG_USAGE,
        _client_certificate(_server_cert_as_client),
        ("authenticating-dp",),
        variant="https-dp",
    ),
)
"""The content access family."""


def _genuine_token(tb: ConcreteLab) -> Submit:
    return download_with(tb, real_content_token(tb, _dp(tb)))


def _genuine_client_certificate(tb: ConcreteLab) -> Issued:
    return tb.pki.client_certificate(tb.dns_name(tb.lab.clients[0].name))


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-content-token-download",
        "a registered client downloads with its genuine content access token",
        _genuine_token,
        _CAT,
    ),
    _attack.twin(
        "honest-naa-download",
        "a download with the network access account's genuine secret",
        _naa(lambda tb: tb.naa_secret),
        ("authenticating-dp",),
        (*_CONTENT, "DP-2"),
        "naa-configured",
    ),
    _attack.twin(
        "honest-pki-client-download",
        "a download with a genuine enterprise PKI client certificate",
        _client_certificate(_genuine_client_certificate),
        ("authenticating-dp",),
        variant="https-dp",
    ),
)
"""The content access family's honest twins."""
