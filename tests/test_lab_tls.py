"""Real TLS handshakes over memory BIOs prove what a binding serves."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from model.lab.clock import LabClock
from model.lab.pki import EnterprisePki, SiteAuthority
from model.lab.reasons import Accepted, Reason, Refused
from model.lab.tls import handshake


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
