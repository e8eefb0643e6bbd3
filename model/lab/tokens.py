"""Token validation: Azure AD device and user tokens at the MP, content access tokens at the DP.

Implements SEC-5 (derived): a token is accepted only with a valid signature from the expected
issuer, an allowed algorithm, the expected audience and tenant and a valid lifetime; MP-1/MP-2 (the
site verifies the Azure AD user and/or device token), Scenario 3 (device identity), PRE-1 (an
application not updated is refused), and DP-2/DP-3 (the content access token, reference "Tokens":
"The management point issues each client a token"; the SMS Token Signing Certificate signs the
tokens the site issues).

Each check runs on every call; parsed keys are cached, verdicts never are. A token is text from the
network: anything that is not a well-formed JWS compact token of at most `MAX_TOKEN` characters,
whose header or claims are not UTF-8 JSON nested at most `ehttp.lab.inputs.MAX_JSON_DEPTH` deep
(checked on the text, before any JSON parser recurses into it: ``token-too-deep``), or whose
header asks for an extension (``crit``, ``b64``) or names its key by anything but a string, is
refused with a reason code before PyJWT sees it, and PyJWT's own refusals are all caught
(specs/threat-model.md).

Modeling assumption A-36: turning enhanced HTTP off revokes the content access tokens issued before
it; each token carries the site's enhanced HTTP period (``ehp``, counted up when enhanced HTTP is
turned off) and a distribution point refuses a token from an earlier period (specs/threat-model.md;
the documents don't say how Configuration Manager ends a token's use).

Modeling assumptions A-26: the allowed algorithms are fixed (RS256 for Azure AD, ES256 for the
site's tokens); clock skew leeway is 60 seconds; a content access token names the distribution point
as audience and the client's registration as subject, lives one hour and is signed with the SMS
Token Signing key whose ``kid`` is the certificate's SHA-256 thumbprint (the documents give no
format).
"""

from __future__ import annotations

import binascii
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from jwt.types import Options
from jwt.utils import base64url_decode

from ehttp.lab.clock import LabClock
from ehttp.lab.inputs import json_text, text
from ehttp.lab.mutants import ALG_NONE, IGNORES_LIFETIME, KEEPS_TOKENS
from ehttp.lab.pki import Issued
from ehttp.lab.reasons import Accepted, Reason, Refused, Rejected, Verdict
from ehttp.lab.tenant import OLD_APP_URI

__all__ = [
    "AAD_ALGORITHMS",
    "CAT_ALGORITHMS",
    "CAT_LIFETIME",
    "LEEWAY_SECONDS",
    "MAX_TOKEN",
    "AadIdentity",
    "AadValidator",
    "ContentGrant",
    "ContentTokenIssuer",
    "ContentTokenValidator",
    "EnhancedPeriod",
    "thumbprint",
]

AAD_ALGORITHMS = ("RS256",)
CAT_ALGORITHMS = ("ES256",)
LEEWAY_SECONDS = 60
CAT_LIFETIME = dt.timedelta(hours=1)
MAX_TOKEN = 16384
"""The longest token accepted, in characters (modeling assumption: Azure AD tokens are a few KB)."""
_UNSUPPORTED_HEADERS = ("crit", "b64", "jku", "jwk", "x5u", "x5c")
TokenKind = Literal["device", "user"]

_NO_CLAIM_CHECKS: Options = {
    "verify_signature": True,
    "verify_exp": False,
    "verify_nbf": False,
    "verify_iat": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
    "require": [],
}


def thumbprint(certificate: x509.Certificate) -> str:
    """The certificate's SHA-256 thumbprint, hex."""
    return certificate.fingerprint(hashes.SHA256()).hex()


@dataclass(frozen=True)
class AadIdentity:
    """What an accepted Azure AD token proves: its kind, subject (device id or UPN) and tenant."""

    kind: TokenKind
    subject: str
    tenant_id: str


def _segment(segment: str, name: str, malformed: Reason) -> str:
    """A token segment's JSON text, checked before any JSON parser reads it (`json_text`)."""
    try:
        data = base64url_decode(segment)
    except (ValueError, binascii.Error):
        raise Rejected(malformed, f"{name}: not base64url") from None
    return json_text(data, name, malformed, Reason.TOKEN_TOO_DEEP)


def _header(token: object, malformed: Reason) -> dict[str, Any]:
    """The header of a well-formed token whose header and claims are shallow JSON; else
    `Rejected`."""
    checked = text(token, "token", malformed, MAX_TOKEN)
    if checked.count(".") != 2:
        raise Rejected(
            malformed, f"expected 3 dot-separated segments, got {checked.count('.') + 1}"
        )
    header, claims, _ = checked.split(".")
    header_text = _segment(header, "header", malformed)
    _segment(claims, "payload", malformed)
    try:
        raw = json.loads(header_text)
    except ValueError:
        raise Rejected(malformed, "header: not base64url-encoded JSON") from None
    if not isinstance(raw, dict):
        raise Rejected(malformed, "header: not a JSON object")
    asked = sorted(name for name in _UNSUPPORTED_HEADERS if name in raw)
    if asked:
        raise Rejected(
            Reason.TOKEN_UNSUPPORTED_HEADER, f"header parameters {asked} are not supported"
        )
    if "kid" in raw and not isinstance(raw["kid"], str):
        raise Rejected(malformed, f"kid {raw['kid']!r} is not a string")
    try:
        return jwt.get_unverified_header(checked)
    except jwt.InvalidTokenError as error:
        raise Rejected(malformed, f"header: {error}") from None


def _verified_claims(
    token: str, key: Any, algorithm: str, bad_signature: Reason, malformed: Reason
) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, key, algorithms=[algorithm], options=_NO_CLAIM_CHECKS
        )
    except jwt.InvalidSignatureError:
        raise Rejected(bad_signature, "signature does not verify") from None
    except jwt.InvalidTokenError as error:
        raise Rejected(malformed, f"payload: {error}") from None
    return claims


def _unverified_claims(token: str) -> dict[str, Any]:
    """The payload with no signature check: only the `mp-accepts-alg-none` mutant uses it."""
    try:
        claims: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    except jwt.InvalidTokenError as error:
        raise Rejected(Reason.TOKEN_MALFORMED, f"payload: {error}") from None
    return claims


def _seconds(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _times(claims: Mapping[str, Any], malformed: Reason) -> tuple[int, int]:
    exp, nbf = claims.get("exp"), claims.get("nbf", claims.get("iat"))
    if isinstance(exp, bool) or isinstance(nbf, bool):
        raise Rejected(malformed, "exp and nbf (or iat) must be whole seconds, not true or false")
    if not isinstance(exp, int) or not isinstance(nbf, int):
        raise Rejected(malformed, "exp and nbf (or iat) must be whole seconds")
    return nbf, exp


def _check_lifetime(
    claims: Mapping[str, Any], now: int, expired: Reason, early: Reason, malformed: Reason
) -> None:
    nbf, exp = _times(claims, malformed)
    if now > exp + LEEWAY_SECONDS:
        raise Rejected(expired, f"expired {now - exp} s ago")
    if now + LEEWAY_SECONDS < nbf:
        raise Rejected(early, f"valid only in {nbf - now} s")


class AadValidator:
    """The site's validator for tokens from its onboarded Azure AD tenant (SEC-5)."""

    def __init__(
        self,
        jwks: Mapping[str, Any],
        tenant_id: str,
        app_uri: str,
        clock: LabClock,
        *,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self._keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict(dict(jwks)).keys}
        self._alg_none = ALG_NONE in mutants
        self.tenant_id = tenant_id
        self.issuer = f"https://sts.windows.net/{tenant_id}/"
        self.app_uri = app_uri
        self._clock = clock

    def validate(self, token: object, kind: TokenKind) -> Verdict[AadIdentity]:
        """Accept a token of ``kind`` ("device" or "user"), or name why not."""
        try:
            return Accepted(self._validate(token, kind))
        except Rejected as error:
            return Refused.of(error)

    def _validate(self, token: object, kind: TokenKind) -> AadIdentity:
        header = _header(token, Reason.TOKEN_MALFORMED)
        assert isinstance(token, str)  # `_header` refused anything else
        algorithm = header.get("alg")
        if algorithm == "none" and self._alg_none:
            return self._claims_checked(_unverified_claims(token), kind)
        if algorithm not in AAD_ALGORITHMS:
            raise Rejected(
                Reason.TOKEN_ALG_NOT_ALLOWED, f"alg {algorithm!r}; allowed {AAD_ALGORITHMS}"
            )
        key = self._keys.get(header.get("kid", ""))
        if key is None:
            raise Rejected(
                Reason.TOKEN_UNKNOWN_KID, f"kid {header.get('kid')!r} is not in the JWKS"
            )
        claims = _verified_claims(
            token, key, str(algorithm), Reason.TOKEN_BAD_SIGNATURE, Reason.TOKEN_MALFORMED
        )
        return self._claims_checked(claims, kind)

    def _claims_checked(self, claims: Mapping[str, Any], kind: TokenKind) -> AadIdentity:
        if claims.get("iss") != self.issuer:
            raise Rejected(Reason.TOKEN_WRONG_ISSUER, f"iss {claims.get('iss')!r}")
        if claims.get("tid") != self.tenant_id:
            raise Rejected(Reason.TOKEN_WRONG_TENANT, f"tid {claims.get('tid')!r}")
        audience = claims.get("aud")
        if audience == OLD_APP_URI:
            raise Rejected(
                Reason.TOKEN_APP_NOT_UPDATED,
                f"aud {audience!r}: update the Azure AD application setting",
            )
        if audience != self.app_uri:
            raise Rejected(
                Reason.TOKEN_WRONG_AUDIENCE, f"aud {audience!r}, expected {self.app_uri}"
            )
        _check_lifetime(
            claims,
            self._clock.timestamp(),
            Reason.TOKEN_EXPIRED,
            Reason.TOKEN_NOT_YET_VALID,
            Reason.TOKEN_MALFORMED,
        )
        if claims.get("idtyp") != kind:
            raise Rejected(
                Reason.TOKEN_WRONG_TYPE, f"idtyp {claims.get('idtyp')!r}, expected {kind}"
            )
        subject = claims.get("deviceid") if kind == "device" else claims.get("upn")
        if not isinstance(subject, str) or not subject:
            missing = Reason.TOKEN_MISSING_DEVICE_ID if kind == "device" else Reason.TOKEN_MALFORMED
            raise Rejected(missing, f"{'deviceid' if kind == 'device' else 'upn'} claim missing")
        return AadIdentity(kind, subject, self.tenant_id)


@dataclass(frozen=True)
class ContentGrant:
    """What an accepted content access token grants: the registration it was issued to."""

    registration: str
    distribution_point: str


class EnhancedPeriod:
    """The site's enhanced HTTP period: counts up each time enhanced HTTP is turned off."""

    def __init__(self) -> None:
        self.number = 0

    def end(self) -> None:
        """Enhanced HTTP was turned off: every token issued so far is revoked."""
        self.number += 1


class ContentTokenIssuer:
    """The MP side: issues content access tokens signed with the SMS Token Signing key."""

    def __init__(
        self, signing: Issued, site_code: str, clock: LabClock, period: EnhancedPeriod
    ) -> None:
        self._period = period
        self._signing = signing
        self._kid = thumbprint(signing.certificate)
        self.issuer = f"sms:{site_code}"
        self._clock = clock

    def issue(self, registration: str, distribution_point: str) -> str:
        """A token for ``registration`` to download from ``distribution_point``."""
        now = self._clock.timestamp()
        claims = {
            "iss": self.issuer,
            "aud": distribution_point,
            "sub": registration,
            "iat": now,
            "nbf": now,
            "exp": now + int(CAT_LIFETIME.total_seconds()),
            "ehp": self._period.number,
            "jti": str(
                uuid.uuid5(uuid.NAMESPACE_URL, f"{registration}:{distribution_point}:{now}")
            ),
        }
        return jwt.encode(claims, self._signing.key, algorithm="ES256", headers={"kid": self._kid})


class ContentTokenValidator:
    """The DP side: accepts a content access token only for itself (SEC-1, DP-2, DP-3)."""

    def __init__(
        self,
        token_signing: x509.Certificate,
        site_code: str,
        dp_name: str,
        clock: LabClock,
        period: EnhancedPeriod,
        *,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self._period = period
        self._ignores_lifetime = IGNORES_LIFETIME in mutants
        self._keeps_tokens = KEEPS_TOKENS in mutants
        self._key = token_signing.public_key()
        self._kid = thumbprint(token_signing)
        self.issuer = f"sms:{site_code}"
        self.dp_name = dp_name
        self._clock = clock

    def validate(self, token: object) -> Verdict[ContentGrant]:
        """Accept a content access token for this distribution point, or name why not."""
        try:
            return Accepted(self._validate(token))
        except Rejected as error:
            return Refused.of(error)

    def _validate(self, token: object) -> ContentGrant:
        header = _header(token, Reason.CAT_FORGED)
        assert isinstance(token, str)  # `_header` refused anything else
        if header.get("alg") not in CAT_ALGORITHMS or header.get("kid") != self._kid:
            raise Rejected(
                Reason.CAT_FORGED,
                f"alg {header.get('alg')!r} kid {header.get('kid')!r} is not the site's token key",
            )
        claims = _verified_claims(token, self._key, "ES256", Reason.CAT_FORGED, Reason.CAT_FORGED)
        if claims.get("iss") != self.issuer:
            raise Rejected(Reason.CAT_FORGED, f"iss {claims.get('iss')!r}")
        if claims.get("aud") != self.dp_name:
            raise Rejected(
                Reason.CAT_WRONG_DP, f"aud {claims.get('aud')!r}, this is {self.dp_name}"
            )
        if not self._ignores_lifetime:
            _check_lifetime(
                claims,
                self._clock.timestamp(),
                Reason.CAT_EXPIRED,
                Reason.CAT_EXPIRED,
                Reason.CAT_FORGED,
            )
        period = claims.get("ehp")
        if not _seconds(period):
            raise Rejected(Reason.CAT_FORGED, f"ehp {period!r} is not a period number")
        if period != self._period.number and not self._keeps_tokens:
            raise Rejected(
                Reason.CAT_REVOKED,
                f"issued in enhanced HTTP period {period}; enhanced HTTP was turned off since "
                f"(period {self._period.number})",
            )
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise Rejected(Reason.CAT_FORGED, "sub claim missing")
        return ContentGrant(subject, self.dp_name)
