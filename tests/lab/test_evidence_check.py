"""model/lab/evidence_check.py, through the management point's registration: evidence is bound to
the site's record of the client it names (SEC-2); an anonymous request displaces no key (A-42)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.config.labfile import default_lab
from ehttp.lab.attacks.identity import request_as
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    Evidence,
    RegistrationRequest,
)
from ehttp.lab.mp import NOTIFICATION
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab
from ehttp.lab.trust import presented
from tests.lab.https_mp import https_mp_lab


@pytest.mark.req("SEC-2", "REG-3")
def test_anonymous_request_cannot_take_a_registered_name_even_after_approval() -> None:
    """A-42: an attacker's anonymous request for dom1's name is refused, so nothing waits for the
    administrator to approve, and dom1's own notifications are still acted on."""
    tb = ConcreteLab(default_lab())
    assert tb.register("dom1", "active-directory").ok
    attack = tb.mp().register(request_as(tb, "dom1", lambda payload: Anonymous()))
    assert isinstance(attack, Refused) and attack.reason is Reason.REG_CONFLICTING_RECORD
    approval = tb.approve("dom1")
    assert isinstance(approval, Refused) and approval.reason is Reason.REG_NOT_PENDING
    assert tb.mp().notify(tb.clients["dom1"].message(NOTIFICATION, b"restart")).ok


@pytest.mark.req("SEC-2", "REG-3")
def test_anonymous_request_cannot_replace_a_name_awaiting_approval() -> None:
    """The administrator approves wg1's own key, whatever was asked in between."""
    tb = ConcreteLab(default_lab())
    assert tb.register("wg1", "anonymous-manual-approval").ok
    attack = tb.mp().register(request_as(tb, "wg1", lambda payload: Anonymous()))
    assert isinstance(attack, Refused) and attack.reason is Reason.REG_CONFLICTING_RECORD
    approved = tb.approve("wg1")
    assert isinstance(approved, Accepted)
    assert approved.value.public_key == tb.clients["wg1"].key.public_key()


def _takeover_request(lab: ConcreteLab, victim: str, evidence: Evidence) -> RegistrationRequest:
    """A request for ``victim``'s name under a fresh attacker key with ``evidence``."""
    return request_as(lab, victim, lambda payload: evidence)


def test_identity_binding_device_token_is_compared_with_the_client_record() -> None:
    lab = ConcreteLab(default_lab())
    assert lab.register("dom1", "active-directory").ok
    before = lab.snapshot()
    request = _takeover_request(lab, "dom1", DeviceToken(lab.tenant.device_token("aad1")))
    verdict = lab.mp().register(request)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.TOKEN_DEVICE_MISMATCH
    assert lab.snapshot() == before
    assert lab.notify("dom1", b"still mine").ok


def test_identity_binding_pki_certificate_is_compared_with_the_client_name() -> None:
    lab = https_mp_lab()
    wg1 = lab.clients["wg1"]
    assert wg1.certificate is not None
    evidence = ClientCertificate(presented(wg1.certificate))
    key = wg1.certificate.key
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    verdict = lab.mp().register(request_as(lab, "dom1", lambda payload: evidence, key))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.CERT_CLIENT_MISMATCH
    assert lab.register("wg1", "pki-certificate").ok


def test_identity_binding_domain_proof_is_compared_with_the_account_on_record() -> None:
    lab = ConcreteLab(default_lab())
    secret = lab.domain.join("DOM1$")
    request = _takeover_request(lab, "aad1", DomainProof("DOM1$", b""))
    proof = DomainProof("DOM1$", Domain.prove(secret, request.payload()))
    verdict = lab.mp().register(replace(request, evidence=proof))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.AD_ACCOUNT_MISMATCH


def test_identity_binding_refuses_names_the_site_has_no_record_of() -> None:
    lab = ConcreteLab(default_lab())
    request = _takeover_request(lab, "DOM1", DeviceToken(lab.tenant.device_token("aad1")))
    verdict = lab.mp().register(request)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.REG_UNKNOWN_CLIENT
