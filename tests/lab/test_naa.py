"""The network access account: Scrypt derivation, constant-time comparison."""

from __future__ import annotations

from ehttp.lab.naa import NetworkAccessAccount, derive
from ehttp.lab.reasons import Reason, Refused


def test_right_secret_accepted_wrong_refused_and_secret_not_stored() -> None:
    account = NetworkAccessAccount.configure("CONTOSO\\naa", "correct horse", seed=0)
    assert account.check("CONTOSO\\naa", "correct horse").ok
    wrong = account.check("CONTOSO\\naa", "correct hors")
    assert isinstance(wrong, Refused) and wrong.reason is Reason.NAA_WRONG_SECRET
    other = account.check("CONTOSO\\someone", "correct horse")
    assert isinstance(other, Refused) and other.reason is Reason.NAA_UNKNOWN_ACCOUNT
    assert b"correct horse" not in account.derived
    assert account.derived == derive("correct horse", account.salt)


def test_trailing_nul_is_another_secret() -> None:
    """Scrypt keys HMAC with the password, and HMAC zero-pads short keys (issue 11, point 6)."""
    account = NetworkAccessAccount.configure("CONTOSO\\naa", "correct horse", seed=0)
    for near in ("correct horse\x00", "correct horse\x00\x00", "correct horse "):
        verdict = account.check("CONTOSO\\naa", near)
        assert isinstance(verdict, Refused) and verdict.reason is Reason.NAA_WRONG_SECRET


def test_malformed_logons_are_refused_never_raised() -> None:
    account = NetworkAccessAccount.configure("CONTOSO\\naa", "correct horse", seed=0)
    for user, secret, reason in (
        ("CONTOSO\\naa\udc80", "correct horse", Reason.NAA_UNKNOWN_ACCOUNT),
        ("CONTOSO\\naa", "correct horse\udc80", Reason.NAA_WRONG_SECRET),
        (None, "correct horse", Reason.NAA_UNKNOWN_ACCOUNT),
        ("CONTOSO\\naa", b"correct horse", Reason.NAA_WRONG_SECRET),
        ("CONTOSO\\naa", "x" * 100_000, Reason.NAA_WRONG_SECRET),
    ):
        verdict = account.check(user, secret)
        assert isinstance(verdict, Refused) and verdict.reason is reason
