"""The attack catalogue: every attack is refused with its own reason and changes nothing."""

from __future__ import annotations

import pytest

from model.lab.attacks import CATALOGUE, VARIANTS, Attack, run
from model.lab.reasons import Reason


@pytest.mark.parametrize("attack", CATALOGUE, ids=[a.name for a in CATALOGUE])
def test_attack_is_refused_with_its_reason_and_changes_nothing(attack: Attack) -> None:
    outcome = run(attack)
    assert not outcome.verdict.ok
    assert outcome.reason is attack.expected
    assert outcome.state_unchanged
    assert outcome.passed


def test_catalogue_is_large_named_uniquely_and_uses_known_variants() -> None:
    names = [a.name for a in CATALOGUE]
    assert len(names) >= 28
    assert len(set(names)) == len(names)
    assert {a.variant for a in CATALOGUE} <= set(VARIANTS)
    assert all(a.requirements for a in CATALOGUE)


def test_catalogue_covers_many_distinct_reasons() -> None:
    reasons = {a.expected for a in CATALOGUE}
    assert {
        Reason.TOKEN_ALG_NOT_ALLOWED,
        Reason.TOKEN_BAD_SIGNATURE,
        Reason.TOKEN_UNKNOWN_KID,
        Reason.TOKEN_EXPIRED,
        Reason.TOKEN_NOT_YET_VALID,
        Reason.TOKEN_WRONG_AUDIENCE,
        Reason.TOKEN_WRONG_ISSUER,
        Reason.TOKEN_WRONG_TENANT,
        Reason.TOKEN_MISSING_DEVICE_ID,
        Reason.TOKEN_MALFORMED,
        Reason.TOKEN_WRONG_TYPE,
        Reason.TOKEN_DEVICE_MISMATCH,
        Reason.TOKEN_APP_NOT_UPDATED,
        Reason.CAT_FORGED,
        Reason.CAT_EXPIRED,
        Reason.CAT_WRONG_DP,
        Reason.CERT_UNTRUSTED,
        Reason.CERT_EXPIRED,
        Reason.CERT_WRONG_NAME,
        Reason.CERT_WRONG_USAGE,
        Reason.CERT_ISSUER_NOT_CA,
        Reason.MSG_BAD_SIGNATURE,
        Reason.MSG_UNREGISTERED,
        Reason.MSG_STALE_REGISTRATION,
        Reason.NAA_WRONG_SECRET,
        Reason.METHOD_NOT_ACCEPTED,
    } <= reasons


def test_an_accepted_input_would_fail_the_attack() -> None:
    """The runner is not vacuous: an honest registration is reported as not refused."""
    honest = Attack(
        "honest",
        "a genuine device token",
        Reason.TOKEN_BAD_SIGNATURE,
        (),
        lambda tb: lambda: tb.mp().register(tb.clients["aad1"].request("azure-ad-device-token")),
    )
    outcome = run(honest)
    assert outcome.verdict.ok
    assert outcome.reason is None
    assert not outcome.state_unchanged
    assert not outcome.passed
