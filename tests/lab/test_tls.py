"""Real TLS handshakes over memory BIOs prove what a binding serves."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from model.lab.clock import LabClock
from model.lab.pki import EnterprisePki, SiteAuthority
from model.lab.reasons import Accepted, Reason, Refused
from model.lab.tls import HANDSHAKES, handshake


def test_handshake_to_role_certificate_trusting_sms_issuing() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp1.contoso.com")
    verdict = handshake(role, "mp1.contoso.com", [authority.certificate])
    assert verdict.ok
    assert isinstance(verdict, Accepted)
    assert verdict.value == role.certificate.public_bytes(Encoding.DER)


def test_handshake_refused_when_the_client_trusts_only_another_root() -> None:
    clock = LabClock()
    role = SiteAuthority(0, "PS1", clock).role_certificate("mp1.contoso.com")
    verdict = handshake(role, "mp1.contoso.com", [EnterprisePki(0, clock).certificate])
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_UNTRUSTED


def test_nothing_bound_means_no_handshake() -> None:
    verdict = handshake(None, "mp1.contoso.com", [SiteAuthority(0, "PS1", LabClock()).certificate])
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TLS_NO_BINDING


def test_a_second_connection_resumes_the_session_of_the_same_binding() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp2.contoso.com")
    assert handshake(role, "mp2.contoso.com", [authority.certificate]).ok
    before = HANDSHAKES.copy()
    verdict = handshake(role, "mp2.contoso.com", [authority.certificate])
    assert isinstance(verdict, Accepted)
    assert verdict.value == role.certificate.public_bytes(Encoding.DER)
    assert HANDSHAKES - before == {"resumed": 1}


def test_a_session_never_lets_another_certificate_through() -> None:
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    roots = [authority.certificate]
    assert handshake(authority.role_certificate("mp3.contoso.com"), "mp3.contoso.com", roots).ok
    impostor = SiteAuthority(1, "PS1", clock).role_certificate("mp3.contoso.com")
    verdict = handshake(impostor, "mp3.contoso.com", roots)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_UNTRUSTED
    other_name = authority.role_certificate("dp3.contoso.com")
    verdict = handshake(other_name, "mp3.contoso.com", roots)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_WRONG_NAME
    before = HANDSHAKES.copy()
    rebound = authority.role_certificate("mp3.contoso.com")
    assert handshake(rebound, "mp3.contoso.com", roots).ok
    assert HANDSHAKES - before == {"full": 1}, "a new binding is verified in full"
