"""Signed client messages against the site's registration record (SEC-3, REG-5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ehttp.lab.keys import derive_ec_key
from ehttp.lab.messages import (
    Registration,
    SignedMessage,
    canonical,
    sign_message,
    verify_message,
    well_formed,
)
from ehttp.lab.reasons import Accepted, Reason, Refused, Rejected

KEY = derive_ec_key(0, "messages-test")
NONCE = b"n" * 16


def _signed(kind: str = "client-notification", body: bytes = b"restart") -> SignedMessage:
    return sign_message(KEY, "GUID:c1", 1, kind, body, sent_at=1000, nonce=NONCE)


def _registration(regime: str = "enhanced-http", generation: int = 1) -> Registration:
    return Registration("c1", "GUID:c1", KEY.public_key(), generation, regime, True)  # type: ignore[arg-type]


def test_a_signed_message_verifies() -> None:
    message = _signed()
    assert isinstance(verify_message(message, _registration(), enhanced=True), Accepted)


def test_canonical_encoding_keeps_fields_apart() -> None:
    assert canonical("a", 1, "bc", b"d", 5, NONCE) != canonical("ab", 1, "c", b"d", 5, NONCE)
    assert canonical("a", 1, "b", b"d", 5, NONCE) != canonical("a", 1, "b", b"d", 6, NONCE)


def test_self_signed_registration_is_unverifiable_under_enhanced_http_only() -> None:
    message = _signed()
    registration = _registration("self-signed")
    assert verify_message(message, registration, enhanced=False).ok
    verdict = verify_message(message, registration, enhanced=True)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_REGIME_MISMATCH


def test_generation_and_body_are_signed() -> None:
    message = _signed()
    relabelled = replace(message, generation=2)
    verdict = verify_message(relabelled, _registration(generation=2), enhanced=True)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE


def test_message_kind_is_signed() -> None:
    relabelled = replace(
        _signed("content-access-token-request", b"dp1"), kind="client-notification"
    )
    verdict = verify_message(relabelled, _registration(), enhanced=True)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE
    assert verify_message(relabelled, _registration(), enhanced=True, kind_unbound=True).ok


def test_freshness_fields_are_signed() -> None:
    for changed in (replace(_signed(), sent_at=1001), replace(_signed(), nonce=b"m" * 16)):
        verdict = verify_message(changed, _registration(), enhanced=True)
        assert isinstance(verdict, Refused) and verdict.reason is Reason.MSG_BAD_SIGNATURE


def test_malformed_message_fields_are_refused_by_name() -> None:
    cases = {
        "registration_id": "GUID:\udc80",
        "generation": "1",
        "kind": "",
        "body": "text",
        "sent_at": -1,
        "nonce": None,
        "signature": b"x" * 70000,
    }
    for field, value in cases.items():
        with pytest.raises(Rejected) as error:
            well_formed(replace(_signed(), **{field: value}))
        assert error.value.reason is Reason.MSG_MALFORMED
        assert error.value.detail.startswith(f"{field}: ")
