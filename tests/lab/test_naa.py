"""The network access account: Scrypt derivation, constant-time comparison."""

from __future__ import annotations

from model.lab.naa import NetworkAccessAccount, derive
from model.lab.reasons import Reason, Refused


def test_right_secret_accepted_wrong_refused_and_secret_not_stored() -> None:
    account = NetworkAccessAccount.configure("CONTOSO\\naa", "correct horse", seed=0)
    assert account.check("CONTOSO\\naa", "correct horse").ok
    wrong = account.check("CONTOSO\\naa", "correct hors")
    assert isinstance(wrong, Refused) and wrong.reason is Reason.NAA_WRONG_SECRET
    other = account.check("CONTOSO\\someone", "correct horse")
    assert isinstance(other, Refused) and other.reason is Reason.NAA_UNKNOWN_ACCOUNT
    assert b"correct horse" not in account.derived
    assert account.derived == derive("correct horse", account.salt)
