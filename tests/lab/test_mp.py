"""The management point: registration by each method, approval, notifications, content tokens."""

from __future__ import annotations

from dataclasses import replace

from model.config.labfile import default_lab
from model.config.schema import ManagementPoint
from model.lab.evidence import DomainProof, UserToken
from model.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION, user_payload
from model.lab.reasons import Accepted, Reason, Refused
from model.lab.testbed import ConcreteLab


def _https_mp_lab() -> ConcreteLab:
    lab = default_lab()
    client = replace(lab.clients[2], pki_certificate=True)
    return ConcreteLab(
        replace(
            lab,
            management_points=(ManagementPoint("mp1", "https"),),
            clients=(*lab.clients[:2], client),
        )
    )


def test_location_request_and_client_package_need_nothing() -> None:
    mp = ConcreteLab(default_lab()).mp()
    assert mp.location_request().ok and mp.client_package().ok


def test_device_token_and_domain_registrations_are_approved_under_enhanced_http() -> None:
    tb = ConcreteLab(default_lab())
    device = tb.register("aad1", "azure-ad-device-token")
    domain = tb.register("dom1", "active-directory")
    assert isinstance(device, Accepted) and device.value.regime == "enhanced-http"
    assert isinstance(domain, Accepted) and domain.value.approved


def test_anonymous_registration_waits_for_approval() -> None:
    tb = ConcreteLab(default_lab())
    pending = tb.register("wg1", "anonymous-manual-approval")
    assert isinstance(pending, Accepted) and not pending.value.approved
    assert tb.mp().snapshot().registrations == ()
    assert tb.approve("wg1").ok
    assert len(tb.mp().snapshot().registrations) == 1
    again = tb.approve("wg1")
    assert isinstance(again, Refused) and again.reason is Reason.REG_NOT_PENDING


def test_pki_registration_at_an_https_mp() -> None:
    tb = _https_mp_lab()
    verdict = tb.register("wg1", "pki-certificate")
    assert isinstance(verdict, Accepted) and verdict.value.regime == "pki"


def test_notification_is_acted_on_only_when_signed_by_the_current_registration() -> None:
    tb = ConcreteLab(default_lab())
    tb.register("dom1", "active-directory")
    assert tb.mp().notify(tb.clients["dom1"].message(NOTIFICATION, b"restart")).ok
    assert tb.mp().snapshot().notifications == (("dom1", b"restart"),)


def test_reregistration_closes_the_notification_gap() -> None:
    """REG-4/REG-5: self-signed, then enhanced HTTP on: notification fails until re-registration."""
    lab = default_lab()
    tb = ConcreteLab(replace(lab, site=replace(lab.site, enhanced_http=False)))
    tb.register("dom1", "active-directory")
    tb.mp().configure(lab.site)
    gap = tb.mp().notify(tb.clients["dom1"].message(NOTIFICATION, b"restart"))
    assert isinstance(gap, Refused) and gap.reason is Reason.MSG_REGIME_MISMATCH
    again = tb.register("dom1", "active-directory")
    assert isinstance(again, Accepted) and again.value.regime == "enhanced-http"
    assert tb.mp().notify(tb.clients["dom1"].message(NOTIFICATION, b"restart")).ok


def test_content_access_token_opens_the_dp() -> None:
    tb = ConcreteLab(default_lab())
    tb.register("aad1", "azure-ad-device-token")
    token = tb.mp().content_token(tb.clients["aad1"].message(CONTENT_TOKEN_REQUEST, b"dp1"))
    assert isinstance(token, Accepted)
    assert tb.mp().snapshot().tokens_issued == 1


def test_user_authorization_by_token_and_by_domain() -> None:
    tb = ConcreteLab(default_lab())
    user = tb.mp().authorize_user(UserToken(tb.tenant.user_token("alice@contoso.com")))
    assert isinstance(user, Accepted) and user.value == "alice@contoso.com"
    secret = tb.domain.join("alice")
    domain = tb.mp().authorize_user(
        DomainProof("alice", tb.domain.prove(secret, user_payload("alice")))
    )
    assert domain.ok


def test_user_token_not_accepted_at_http_mp_without_enhanced_http() -> None:
    lab = default_lab()
    tb = ConcreteLab(replace(lab, site=replace(lab.site, enhanced_http=False)))
    verdict = tb.mp().authorize_user(UserToken(tb.tenant.user_token("alice@contoso.com")))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.METHOD_NOT_ACCEPTED
