"""User authorization proofs are fresh and bound (issue 21, point 3): an Active Directory user's
proof covers the instant it was made and a nonce, so a captured proof is not accepted again, later,
or at another management point."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.config.labfile import default_lab, load_lab
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab

TWO_MPS = Path(__file__).resolve().parent / "labs" / "two-mps.toml"


@pytest.mark.req("SEC-2", "MP-3")
def test_a_fresh_user_proof_is_accepted_once() -> None:
    tb = ConcreteLab(default_lab())
    proof = tb.user_proof("alice")
    verdict = tb.mp().authorize_user(proof)
    assert isinstance(verdict, Accepted) and verdict.value == "alice"
    again = tb.mp().authorize_user(proof)
    assert isinstance(again, Refused) and again.reason is Reason.MSG_REPLAYED
    assert tb.mp().authorize_user(tb.user_proof("alice")).ok


@pytest.mark.req("SEC-2", "MP-3")
def test_a_captured_user_proof_is_refused_thirty_days_later() -> None:
    tb = ConcreteLab(default_lab())
    captured = tb.user_proof("alice")
    assert tb.mp().authorize_user(captured).ok
    tb.clock.advance(dt.timedelta(days=30))
    before = tb.snapshot()
    late = tb.mp().authorize_user(captured)
    assert isinstance(late, Refused) and late.reason is Reason.MSG_NOT_FRESH
    assert tb.snapshot() == before


@pytest.mark.req("SEC-2", "MP-3")
def test_a_user_proof_is_bound_to_its_instant_and_nonce() -> None:
    tb = ConcreteLab(default_lab())
    proof = tb.user_proof("alice")
    for changed in (
        replace(proof, sent_at=proof.sent_at + 1),
        replace(proof, nonce=bytes(16)),
        replace(proof, account="bob"),
    ):
        tb.domain.join("bob")
        verdict = tb.mp().authorize_user(changed)
        assert isinstance(verdict, Refused) and verdict.reason is Reason.AD_BAD_PROOF, changed


@pytest.mark.req("SEC-2", "MP-3")
def test_a_user_proof_accepted_at_one_mp_is_a_replay_at_another() -> None:
    tb = ConcreteLab(load_lab(TWO_MPS))
    proof = tb.user_proof("alice")
    assert tb.mp("mp1").authorize_user(proof).ok
    again = tb.mp("mp2").authorize_user(proof)
    assert isinstance(again, Refused) and again.reason is Reason.MSG_REPLAYED


def test_one_users_proofs_do_not_spend_anothers_nonces() -> None:
    tb = ConcreteLab(default_lab())
    alice = tb.user_proof("alice")
    bob = replace(tb.user_proof("bob"), nonce=alice.nonce)
    assert tb.mp().authorize_user(alice).ok
    verdict = tb.mp().authorize_user(bob)
    assert isinstance(verdict, Refused) and verdict.reason is Reason.AD_BAD_PROOF
