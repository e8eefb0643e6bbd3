"""Signed client messages against the site's registration record (SEC-3, REG-5)."""

from __future__ import annotations

from dataclasses import replace

from model.lab.keys import derive_ec_key
from model.lab.messages import Registration, canonical, sign_message, verify_message
from model.lab.reasons import Accepted, Reason, Refused

KEY = derive_ec_key(0, "messages-test")


def _registration(regime: str = "enhanced-http", generation: int = 1) -> Registration:
    return Registration("c1", "GUID:c1", KEY.public_key(), generation, regime, True)  # type: ignore[arg-type]


def test_a_signed_message_verifies() -> None:
    message = sign_message(KEY, "GUID:c1", 1, "client-notification", b"restart")
    assert isinstance(verify_message(message, _registration(), enhanced=True), Accepted)


def test_canonical_encoding_keeps_fields_apart() -> None:
    assert canonical("a", 1, "bc", b"d") != canonical("ab", 1, "c", b"d")


def test_self_signed_registration_is_unverifiable_under_enhanced_http_only() -> None:
    message = sign_message(KEY, "GUID:c1", 1, "client-notification", b"restart")
    registration = _registration("self-signed")
    assert verify_message(message, registration, enhanced=False).ok
    verdict = verify_message(message, registration, enhanced=True)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_REGIME_MISMATCH


def test_generation_and_body_are_signed() -> None:
    message = sign_message(KEY, "GUID:c1", 1, "client-notification", b"restart")
    relabelled = replace(message, generation=2)
    verdict = verify_message(relabelled, _registration(generation=2), enhanced=True)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE
