"""The management point: registration by each method, approval, notifications, content tokens."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.config.labfile import default_lab
from ehttp.lab.evidence import UserToken
from ehttp.lab.freshness import WINDOW
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab
from tests.lab.https_mp import https_mp_lab


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
    tb = https_mp_lab()
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
    domain = tb.mp().authorize_user(tb.user_proof("alice"))
    assert isinstance(domain, Accepted) and domain.value == "alice"


def test_user_token_not_accepted_at_http_mp_without_enhanced_http() -> None:
    lab = default_lab()
    tb = ConcreteLab(replace(lab, site=replace(lab.site, enhanced_http=False)))
    verdict = tb.mp().authorize_user(UserToken(tb.tenant.user_token("alice@contoso.com")))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.METHOD_NOT_ACCEPTED


def test_rollover_continuity_needs_the_key_on_record() -> None:
    lab = ConcreteLab(default_lab())
    assert lab.register("dom1", "active-directory").ok
    agent = lab.clients["dom1"]
    request = agent.request("anonymous-manual-approval")
    attacker = derive_ec_key(0, "attacker")
    forged = attacker.sign(request.payload(), ec.ECDSA(hashes.SHA256()))
    before = lab.snapshot()
    verdict = lab.mp().reregister(request, forged)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.REG_ROLLOVER_NOT_CONTINUOUS
    assert lab.snapshot() == before
    assert lab.mp().reregister(request, agent.continuity(request)).ok


def test_freshness_a_notification_is_acted_on_once_and_only_while_fresh() -> None:
    lab = ConcreteLab(default_lab())
    assert lab.register("dom1", "active-directory").ok
    message = lab.clients["dom1"].message(NOTIFICATION, b"restart")
    assert lab.mp().notify(message).ok
    again = lab.mp().notify(message)
    assert isinstance(again, Refused) and again.reason is Reason.MSG_REPLAYED
    late = lab.clients["dom1"].message(NOTIFICATION, b"restart")
    lab.clock.advance(WINDOW + dt.timedelta(seconds=1))
    verdict = lab.mp().notify(late)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_NOT_FRESH


def test_freshness_a_captured_registration_cannot_roll_the_key_back() -> None:
    lab = ConcreteLab(default_lab())
    agent = lab.clients["dom1"]
    captured = agent.request("active-directory")
    accepted = lab.mp().register(captured)
    assert isinstance(accepted, Accepted)
    agent.registered(accepted.value)
    assert lab.register("dom1", "active-directory").ok
    before = lab.snapshot()
    verdict = lab.mp().register(captured)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_REPLAYED
    assert lab.snapshot() == before


def test_message_kind_a_relabelled_token_request_is_no_notification() -> None:
    lab = ConcreteLab(default_lab())
    assert lab.register("dom1", "active-directory").ok
    request = lab.clients["dom1"].message(CONTENT_TOKEN_REQUEST, b"dp1")
    verdict = lab.mp().notify(replace(request, kind=NOTIFICATION))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE
    wrong = lab.mp().notify(request)
    assert isinstance(wrong, Refused) and wrong.reason is Reason.MSG_WRONG_KIND
    assert lab.mp().content_token(request).ok
