"""Real TLS handshakes over memory BIOs prove what a binding serves."""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from model.lab.clock import LabClock
from model.lab.keys import derive_rsa_key
from model.lab.pki import ROLE_CERTIFICATE_NAME, EnterprisePki, Issued, SiteAuthority
from model.lab.reasons import Accepted, Reason, Refused
from model.lab.tls import HANDSHAKES, handshake
from model.lab.trust import key_refusal, presented, verify_server


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


def _one_policy(issued: Issued, name: str, roots: list[x509.Certificate]) -> tuple[Reason, Reason]:
    clock = LabClock()
    by_path = verify_server(presented(issued), name, roots, clock.now())
    by_tls = handshake(issued, name, roots)
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
    assert handshake(strong, name, [authority.certificate]).ok


def test_a_certificate_the_server_cannot_load_is_a_refused_handshake() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    role = authority.role_certificate("mp1.contoso.com")
    other = authority.role_certificate("dp1.contoso.com")
    mismatched = Issued(role.certificate, other.key)
    verdict = handshake(mismatched, "mp1.contoso.com", [authority.certificate])
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TLS_HANDSHAKE_FAILED
