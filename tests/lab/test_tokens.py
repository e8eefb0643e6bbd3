"""Azure AD token validation and content access tokens: good paths and lifetimes."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ehttp.lab.clock import LabClock
from ehttp.lab.pki import SiteAuthority
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.tenant import OLD_APP_URI, Tenant
from ehttp.lab.tokens import (
    AadValidator,
    ContentTokenIssuer,
    ContentTokenValidator,
    EnhancedPeriod,
)


def _validator(tenant: Tenant, clock: LabClock) -> AadValidator:
    return AadValidator(tenant.jwks, tenant.tenant_id, tenant.app_uri, clock)


def test_device_and_user_tokens_are_accepted_for_their_kind() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    validator = _validator(tenant, clock)
    device = validator.validate(tenant.device_token("aad1"), "device")
    assert isinstance(device, Accepted)
    assert device.value.subject == tenant.device_id("aad1")
    user = validator.validate(tenant.user_token("alice@contoso.com"), "user")
    assert isinstance(user, Accepted) and user.value.subject == "alice@contoso.com"
    wrong = validator.validate(tenant.device_token("aad1"), "user")
    assert isinstance(wrong, Refused) and wrong.reason is Reason.TOKEN_WRONG_TYPE


def test_verdict_follows_the_clock_and_is_never_cached() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    validator = _validator(tenant, clock)
    token = tenant.device_token("aad1")
    assert validator.validate(token, "device").ok
    clock.advance(dt.timedelta(minutes=62))
    late = validator.validate(token, "device")
    assert isinstance(late, Refused) and late.reason is Reason.TOKEN_EXPIRED


def test_leeway_is_small() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    token = tenant.device_token("aad1")
    clock.advance(dt.timedelta(minutes=60, seconds=30))
    assert _validator(tenant, clock).validate(token, "device").ok


def test_updating_the_application_fixes_prerequisite_pre1() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock, app_updated=False)
    assert tenant.audience == OLD_APP_URI
    validator = _validator(tenant, clock)
    before = validator.validate(tenant.device_token("aad1"), "device")
    assert isinstance(before, Refused) and before.reason is Reason.TOKEN_APP_NOT_UPDATED
    tenant.update_application()
    assert validator.validate(tenant.device_token("aad1"), "device").ok


def test_content_access_token_round_trip_and_lifetime() -> None:
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    period = EnhancedPeriod()
    issuer = ContentTokenIssuer(authority.token_signing, "PS1", clock, period)
    validator = ContentTokenValidator(
        authority.token_signing.certificate, "PS1", "dp1", clock, period
    )
    token = issuer.issue("GUID:client", "dp1")
    grant = validator.validate(token)
    assert isinstance(grant, Accepted) and grant.value.registration == "GUID:client"
    clock.advance(dt.timedelta(hours=2))
    late = validator.validate(token)
    assert isinstance(late, Refused) and late.reason is Reason.CAT_EXPIRED


def test_content_access_token_from_another_site_is_forged() -> None:
    clock = LabClock()
    ours = SiteAuthority(0, "PS1", clock)
    theirs = SiteAuthority(0, "PS2", clock)
    period = EnhancedPeriod()
    token = ContentTokenIssuer(theirs.token_signing, "PS1", clock, period).issue("GUID:x", "dp1")
    verdict = ContentTokenValidator(
        ours.token_signing.certificate, "PS1", "dp1", clock, period
    ).validate(token)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CAT_FORGED


def test_content_access_token_is_revoked_when_its_enhanced_http_period_ends() -> None:
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    period = EnhancedPeriod()
    token = ContentTokenIssuer(authority.token_signing, "PS1", clock, period).issue("GUID:x", "dp1")
    validator = ContentTokenValidator(
        authority.token_signing.certificate, "PS1", "dp1", clock, period
    )
    assert validator.validate(token).ok
    period.end()
    verdict = validator.validate(token)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CAT_REVOKED


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"alg": "RS256", "kid": 5}, Reason.TOKEN_MALFORMED),
        ({"alg": "RS256", "kid": ["a"]}, Reason.TOKEN_MALFORMED),
        ({"alg": "RS256", "crit": ["exp"]}, Reason.TOKEN_UNSUPPORTED_HEADER),
        ({"alg": "RS256", "b64": False, "crit": ["b64"]}, Reason.TOKEN_UNSUPPORTED_HEADER),
        ({"alg": "RS256", "jku": "https://evil.example/keys"}, Reason.TOKEN_UNSUPPORTED_HEADER),
        ([1, 2], Reason.TOKEN_MALFORMED),
    ],
)
def test_malformed_token_headers_are_refused_never_raised(header: object, reason: Reason) -> None:
    clock = LabClock()
    validator = _validator(Tenant(0, "contoso", clock), clock)
    token = f"{_b64(json.dumps(header).encode())}.{_b64(b'{}')}.{_b64(b'sig')}"
    verdict = validator.validate(token, "device")
    assert isinstance(verdict, Refused) and verdict.reason is reason


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.one_of(st.text(), st.binary(), st.integers(), st.none()))
def test_token_parsers_refuse_any_text_never_raise(token: object) -> None:
    clock = LabClock()
    validator = _validator(Tenant(0, "contoso", clock), clock)
    authority = SiteAuthority(0, "PS1", clock)
    content = ContentTokenValidator(
        authority.token_signing.certificate, "PS1", "dp1", clock, EnhancedPeriod()
    )
    assert isinstance(validator.validate(token, "device"), Refused)
    assert isinstance(content.validate(token), Refused)


def test_lone_surrogate_token_is_refused() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    verdict = _validator(tenant, clock).validate("\udc80" + tenant.device_token("aad1"), "device")
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TOKEN_MALFORMED


def _nested(depth: int) -> str:
    """A JSON value of ``depth`` nested arrays (0: a number)."""
    return "[" * depth + "]" * depth if depth else "0"


def _deep_token(kid: str, header_depth: int, claims_depth: int = 0) -> str:
    """A token under ``kid`` whose header and claims each hold a value nested that deep (the
    objects themselves are one level more)."""

    def b64(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    header = f'{{"alg":"RS256","typ":"JWT","kid":"{kid}","x":{_nested(header_depth)}}}'
    claims = f'{{"sub":"x","deep":{_nested(claims_depth)}}}'
    return f"{b64(header)}.{b64(claims)}.{b64('signature')}"


@pytest.mark.req("SEC-5", "SEC-1")
@pytest.mark.parametrize(("header", "claims"), [(3000, 0), (0, 3000), (16, 0), (0, 16)])
def test_deeply_nested_json_is_refused_before_any_parser_recurses(header: int, claims: int) -> None:
    """Issue 21: 3,000 nested arrays (8 KB, under the size limit) raised RecursionError at
    registration, user authorization and download."""
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    token = _deep_token(tenant.kid, header, claims)
    assert len(token) < 16384
    for kind in ("device", "user"):
        verdict = _validator(tenant, clock).validate(token, kind)  # type: ignore[arg-type]
        assert isinstance(verdict, Refused) and verdict.reason is Reason.TOKEN_TOO_DEEP, kind
    authority = SiteAuthority(0, "PS1", clock)
    validator = ContentTokenValidator(
        authority.token_signing.certificate, "PS1", "dp1", clock, EnhancedPeriod()
    )
    cat = validator.validate(token)
    assert isinstance(cat, Refused) and cat.reason is Reason.TOKEN_TOO_DEEP


def test_json_nested_to_the_limit_reaches_the_signature_check() -> None:
    clock = LabClock()
    tenant = Tenant(0, "contoso", clock)
    verdict = _validator(tenant, clock).validate(_deep_token(tenant.kid, 15, 15), "device")
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TOKEN_BAD_SIGNATURE
