"""One site database behind every management point (issue 21, point 2): what one management point
accepted, every other one knows, so nothing captured at one is accepted again at another.

Each test reproduces a fault of a lab whose management points kept their own registrations and
replay windows, on a site with two HTTP management points (`tests/lab/labs/two-mps.toml`)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.config.labfile import load_lab
from ehttp.lab.evidence import DeviceToken
from ehttp.lab.mp import CONTENT_TOKEN_REQUEST, NOTIFICATION
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab

TWO_MPS = Path(__file__).resolve().parent / "labs" / "two-mps.toml"


def _lab() -> ConcreteLab:
    return ConcreteLab(load_lab(TWO_MPS))


def _registered_then_rolled(tb: ConcreteLab, client: str, method: str) -> object:
    """``client`` registers at mp1 (the request is captured), then registers again with a new
    key; the captured request."""
    agent = tb.clients[client]
    captured = agent.request(method)
    first = tb.mp("mp1").register(captured)
    assert isinstance(first, Accepted)
    agent.registered(first.value)
    assert tb.register(client, method, "mp1").ok  # type: ignore[arg-type]
    return captured


def _register_at_both(tb: ConcreteLab, client: str, method: str) -> None:
    """``client`` registers at mp1; its request is sent to mp2 as well (which may refuse it)."""
    agent = tb.clients[client]
    request = agent.request(method)
    verdict = tb.mp("mp1").register(request)
    assert isinstance(verdict, Accepted)
    agent.registered(verdict.value)
    tb.mp("mp2").register(request)


@pytest.mark.req("SEC-2", "SEC-3")
def test_a_registration_captured_at_one_mp_is_refused_at_another() -> None:
    tb = _lab()
    captured = _registered_then_rolled(tb, "dom1", "active-directory")
    before = tb.snapshot()
    verdict = tb.mp("mp2").register(captured)  # type: ignore[arg-type]
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_REPLAYED
    assert tb.snapshot() == before


@pytest.mark.req("SEC-3")
def test_a_superseded_key_signs_nothing_at_any_mp() -> None:
    """The captured registration replayed at mp2 must not bring dom1's old key back there."""
    tb = _lab()
    agent = tb.clients["dom1"]
    captured = agent.request("active-directory")
    first = tb.mp("mp1").register(captured)
    assert isinstance(first, Accepted)
    agent.registered(first.value)
    old = agent.message(NOTIFICATION, b"restart")
    assert tb.register("dom1", "active-directory", "mp1").ok
    tb.mp("mp2").register(captured)
    for mp in ("mp1", "mp2"):
        verdict = tb.mp(mp).notify(old)
        assert isinstance(verdict, Refused), mp
    current = tb.registration_of("dom1")
    assert current is not None and current.public_key == agent.key.public_key()


@pytest.mark.req("SEC-2")
def test_a_superseded_key_is_not_registered_again_even_with_a_genuine_device_token() -> None:
    """The attacker holds aad1's superseded key and aad1's device token, captured from its
    registration: a fresh request under the old key is refused at every management point."""
    tb = _lab()
    agent = tb.clients["aad1"]
    captured = agent.request("azure-ad-device-token")
    first = tb.mp("mp1").register(captured)
    assert isinstance(first, Accepted)
    agent.registered(first.value)
    old_key = agent.key
    assert tb.register("aad1", "azure-ad-device-token", "mp1").ok
    assert isinstance(captured.evidence, DeviceToken)
    from ehttp.lab.attacks.identity import request_as

    for mp in ("mp1", "mp2"):
        rollback = request_as(tb, "aad1", lambda payload: captured.evidence, old_key)
        before = tb.snapshot()
        verdict = tb.mp(mp).register(rollback)
        assert isinstance(verdict, Refused) and verdict.reason is Reason.REG_KEY_SUPERSEDED, mp
        assert tb.snapshot() == before


@pytest.mark.req("SEC-3")
def test_one_notification_is_acted_on_once_across_mps() -> None:
    """dom1's registration reaches mp2 too (its request replayed there, or the database): its
    notification is acted on at one management point only."""
    tb = _lab()
    _register_at_both(tb, "dom1", "active-directory")
    message = tb.clients["dom1"].message(NOTIFICATION, b"run-scripts:inventory")
    assert tb.mp("mp1").notify(message).ok
    again = tb.mp("mp2").notify(message)
    assert isinstance(again, Refused) and again.reason is Reason.MSG_REPLAYED
    acted = [n for _, mp in tb.snapshot().management_points for n in mp.notifications]
    assert acted == [("dom1", b"run-scripts:inventory")]


@pytest.mark.req("SEC-1", "DP-2")
def test_one_content_token_request_yields_one_token() -> None:
    tb = _lab()
    _register_at_both(tb, "aad1", "azure-ad-device-token")
    request = tb.clients["aad1"].message(CONTENT_TOKEN_REQUEST, b"dp1")
    assert tb.mp("mp1").content_token(request).ok
    again = tb.mp("mp2").content_token(request)
    assert isinstance(again, Refused) and again.reason is Reason.MSG_REPLAYED
    assert sum(mp.tokens_issued for _, mp in tb.snapshot().management_points) == 1


@pytest.mark.req("SEC-3")
def test_every_mp_knows_a_registration_made_at_another() -> None:
    """The honest side of one database: dom1 registered at mp1 is heard at mp2."""
    tb = _lab()
    assert tb.register("dom1", "active-directory", "mp1").ok
    assert tb.mp("mp2").notify(tb.clients["dom1"].message(NOTIFICATION, b"restart")).ok
    assert tb.mp("mp2").approve("dom1").ok is False


@pytest.mark.req("SEC-2", "REG-3")
def test_an_anonymous_request_at_another_mp_cannot_take_a_registered_name() -> None:
    tb = _lab()
    assert tb.register("wg1", "anonymous-manual-approval", "mp1").ok
    from ehttp.lab.attacks.identity import request_as
    from ehttp.lab.evidence import Anonymous

    verdict = tb.mp("mp2").register(request_as(tb, "wg1", lambda payload: Anonymous()))
    assert isinstance(verdict, Refused) and verdict.reason is Reason.REG_CONFLICTING_RECORD
    assert tb.approve("wg1", "mp2").ok
    registration = tb.registration_of("wg1")
    assert registration is not None
    assert registration.public_key == tb.clients["wg1"].key.public_key()


def test_the_lab_has_two_management_points() -> None:
    lab = load_lab(TWO_MPS)
    assert [m.name for m in lab.management_points] == ["mp1", "mp2"]
    assert replace(lab, name="x").management_points == lab.management_points
