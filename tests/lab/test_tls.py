"""Real TLS handshakes over memory BIOs prove what a binding serves; an accepted handshake is
given again from the cache only for the same served chain and key, name, roots and validity."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ehttp.lab.clock import LabClock
from ehttp.lab.keys import derive_ec_key, derive_rsa_key
from ehttp.lab.pki import ROLE_CERTIFICATE_NAME, EnterprisePki, Issued, SiteAuthority
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.tls import CACHE, HANDSHAKES, handshake
from ehttp.lab.trust import key_refusal, presented, verify_server

NOW = LabClock().now()


@pytest.fixture
def no_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every handshake a new one, as the session tests need."""
    monkeypatch.setattr(CACHE, "enabled", False)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache on and empty (other tests' handshakes leave verdicts in it)."""
    monkeypatch.setattr(CACHE, "enabled", True)
    monkeypatch.setattr(CACHE, "kept", {})


def test_handshake_to_role_certificate_trusting_sms_issuing() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp1.contoso.com")
    verdict = handshake(role, "mp1.contoso.com", [authority.certificate], NOW)
    assert verdict.ok
    assert isinstance(verdict, Accepted)
    assert verdict.value == role.certificate.public_bytes(Encoding.DER)


def test_handshake_refused_when_the_client_trusts_only_another_root() -> None:
    clock = LabClock()
    role = SiteAuthority(0, "PS1", clock).role_certificate("mp1.contoso.com")
    verdict = handshake(role, "mp1.contoso.com", [EnterprisePki(0, clock).certificate], NOW)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_UNTRUSTED


def test_nothing_bound_means_no_handshake() -> None:
    roots = [SiteAuthority(0, "PS1", LabClock()).certificate]
    verdict = handshake(None, "mp1.contoso.com", roots, NOW)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TLS_NO_BINDING


@pytest.mark.usefixtures("no_cache")
def test_a_second_connection_resumes_the_session_of_the_same_binding() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp2.contoso.com")
    assert handshake(role, "mp2.contoso.com", [authority.certificate], NOW).ok
    before = HANDSHAKES.copy()
    verdict = handshake(role, "mp2.contoso.com", [authority.certificate], NOW)
    assert isinstance(verdict, Accepted)
    assert verdict.value == role.certificate.public_bytes(Encoding.DER)
    assert HANDSHAKES - before == {"resumed": 1}


@pytest.mark.usefixtures("no_cache")
def test_a_session_never_lets_another_certificate_through() -> None:
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    roots = [authority.certificate]
    assert handshake(
        authority.role_certificate("mp3.contoso.com"), "mp3.contoso.com", roots, NOW
    ).ok
    impostor = SiteAuthority(1, "PS1", clock).role_certificate("mp3.contoso.com")
    verdict = handshake(impostor, "mp3.contoso.com", roots, NOW)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_UNTRUSTED
    other_name = authority.role_certificate("dp3.contoso.com")
    verdict = handshake(other_name, "mp3.contoso.com", roots, NOW)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_WRONG_NAME
    before = HANDSHAKES.copy()
    rebound = authority.role_certificate("mp3.contoso.com")
    assert handshake(rebound, "mp3.contoso.com", roots, NOW).ok
    assert HANDSHAKES - before == {"full": 1}, "a new binding is verified in full"


def _one_policy(issued: Issued, name: str, roots: list[x509.Certificate]) -> tuple[Reason, Reason]:
    by_path = verify_server(presented(issued), name, roots, NOW)
    by_tls = handshake(issued, name, roots, NOW)
    assert isinstance(by_path, Refused) and isinstance(by_tls, Refused)
    return by_path.reason, by_tls.reason


def test_a_name_only_in_the_common_name_is_refused_by_path_and_tls_alike() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    name = "mp1.contoso.com"
    cn_only = authority.root.issue(
        name, key_label="cn-only", dns_names=[name], common_name_only=True
    )
    assert _one_policy(cn_only, name, [authority.certificate]) == (
        Reason.CERT_WRONG_NAME,
        Reason.CERT_WRONG_NAME,
    )


def test_a_1024_bit_rsa_key_is_refused_by_path_and_tls_alike() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    name = "mp1.contoso.com"
    weak = authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="weak",
        dns_names=[name],
        key=derive_rsa_key(0, "weak", bits=1024),
    )
    assert _one_policy(weak, name, [authority.certificate]) == (
        Reason.CERT_WEAK_KEY,
        Reason.CERT_WEAK_KEY,
    )
    strong = authority.root.issue(
        ROLE_CERTIFICATE_NAME, key_label="strong", dns_names=[name], key=derive_rsa_key(0, "ok")
    )
    assert key_refusal([strong.certificate]) is None
    assert handshake(strong, name, [authority.certificate], NOW).ok


def test_a_certificate_the_server_cannot_load_is_a_refused_handshake() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp1.contoso.com")
    other = authority.role_certificate("dp1.contoso.com")
    mismatched = Issued(role.certificate, other.key)
    verdict = handshake(mismatched, "mp1.contoso.com", [authority.certificate], NOW)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TLS_HANDSHAKE_FAILED


def _issue(
    issuer: Issued,
    label: str,
    *,
    ca: bool = False,
    authority_key_id: bool = True,
    key_usage: bool = True,
    above: tuple[x509.Certificate, ...] = (),
) -> Issued:
    """A server certificate for mp1, or (``ca``) an intermediate, with the named departures from
    the profile."""
    key = derive_ec_key(0, f"profile:{label}")
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, label)]))
        .issuer_name(issuer.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(LabClock().start - dt.timedelta(days=1))
        .not_valid_after(LabClock().start + dt.timedelta(days=300))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("mp1.contoso.com")]), False)
    )
    if key_usage:
        usage = (True, False, False, False, not ca, ca, ca, False, False)
        builder = builder.add_extension(x509.KeyUsage(*usage), critical=True)
    if authority_key_id:
        issuer_key = issuer.key.public_key()
        aki = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key)
        builder = builder.add_extension(aki, critical=False)
    return Issued(builder.sign(issuer.key, hashes.SHA256()), key, above)


def _profile_cases(root: Issued) -> dict[str, Issued]:
    bare = _issue(root, "intermediate-without-key-usage", ca=True, key_usage=False)
    return {
        "leaf with cA=TRUE": _issue(root, "leaf-ca", ca=True),
        "leaf without authority key identifier": _issue(root, "no-aki", authority_key_id=False),
        "intermediate without keyUsage": _issue(bare, "below-bare", above=(bare.certificate,)),
    }


@pytest.mark.req("SEC-4")
@pytest.mark.parametrize("case", _profile_cases(SiteAuthority(0, "PS1", LabClock()).root.issued))
def test_tls_refuses_what_path_validation_refuses_for_the_same_reason(case: str) -> None:
    """Issue 21: the TLS handshake accepted three server certificates path validation refused."""
    authority = SiteAuthority(0, "PS1", LabClock())
    issued = _profile_cases(authority.root.issued)[case]
    assert _one_policy(issued, "mp1.contoso.com", [authority.certificate]) == (
        Reason.CERT_BAD_PROFILE,
        Reason.CERT_BAD_PROFILE,
    )


def test_a_profile_conforming_chain_through_an_intermediate_is_accepted_both_ways() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    middle = _issue(authority.root.issued, "intermediate", ca=True)
    leaf = _issue(middle, "below-intermediate", above=(middle.certificate,))
    roots = [authority.certificate]
    assert verify_server(presented(leaf), "mp1.contoso.com", roots, NOW).ok
    assert handshake(leaf, "mp1.contoso.com", roots, NOW).ok


def test_the_handshake_judges_validity_on_the_lab_clock() -> None:
    """One verifier, one clock: a role certificate is expired for a client whose lab clock is
    past it, whatever the wall clock says."""
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    role = authority.role_certificate("mp4.contoso.com")
    roots = [authority.certificate]
    assert handshake(role, "mp4.contoso.com", roots, clock.now()).ok
    clock.advance(dt.timedelta(days=400))
    late = handshake(role, "mp4.contoso.com", roots, clock.now())
    assert isinstance(late, Refused) and late.reason is Reason.CERT_EXPIRED


@pytest.mark.usefixtures("cache")
def test_the_same_handshake_again_is_answered_from_the_cache() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp4.contoso.com")
    roots = [authority.certificate]
    first = handshake(role, "mp4.contoso.com", roots, NOW)
    before = HANDSHAKES.copy()
    later = NOW + dt.timedelta(days=30)
    again = handshake(role, "mp4.contoso.com", roots, later)
    assert HANDSHAKES - before == {"cached": 1}, "every certificate is still valid 30 days on"
    assert again == first and isinstance(again, Accepted)
    CACHE.enabled = False
    assert handshake(role, "mp4.contoso.com", roots, later) == again


@pytest.mark.usefixtures("cache")
def test_the_cache_gives_nothing_for_other_inputs() -> None:
    """Each input the handshake reads is part of the key: another certificate with the same name,
    the same certificate to another name, for other roots, or after it expired, and a served key
    that does not match, all shake hands anew and are refused."""
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    name = "mp5.contoso.com"
    role = authority.role_certificate(name)
    roots = [authority.certificate]
    assert handshake(role, name, roots, NOW).ok
    impostor = SiteAuthority(1, "PS1", clock).role_certificate(name)
    expired = role.certificate.not_valid_after_utc + dt.timedelta(minutes=1)
    other_key = Issued(role.certificate, authority.role_certificate("dp5.contoso.com").key)
    before = HANDSHAKES.copy()
    refusals = [
        handshake(impostor, name, roots, NOW),
        handshake(role, "dp5.contoso.com", roots, NOW),
        handshake(role, name, [EnterprisePki(0, clock).certificate], NOW),
        handshake(role, name, roots, expired),
        handshake(other_key, name, roots, NOW),
    ]
    reasons = [v.reason if isinstance(v, Refused) else None for v in refusals]
    assert reasons == [
        Reason.CERT_UNTRUSTED,
        Reason.CERT_WRONG_NAME,
        Reason.CERT_UNTRUSTED,
        Reason.CERT_EXPIRED,
        Reason.TLS_HANDSHAKE_FAILED,
    ]
    assert HANDSHAKES["cached"] == before["cached"]
