"""Freshness (issue 21, point 3): per authenticated sender, nonces nobody else can predict, and a
replay store that stays small without ever letting a replay through."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given, settings
from hypothesis import strategies as st

from ehttp.config.labfile import default_lab
from ehttp.lab.client import public_der
from ehttp.lab.evidence import Anonymous, RegistrationRequest, registration_payload
from ehttp.lab.freshness import NONCE_BYTES, WINDOW, ReplayStore
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.lab.testbed import ConcreteLab

_W = int(WINDOW.total_seconds())


def _anonymous_request(tb: ConcreteLab, client: str, nonce: bytes) -> RegistrationRequest:
    """An anonymous request for ``client``'s name under the attacker's key, carrying ``nonce``."""
    key = derive_ec_key(tb.seed, "thief")
    der = public_der(key)
    sent_at = tb.clock.timestamp()
    payload = registration_payload(client, der, sent_at, nonce)
    possession = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    return RegistrationRequest(client, der, Anonymous(), possession, sent_at, nonce)


@pytest.mark.req("SEC-2")
def test_one_party_cannot_spend_another_clients_nonce() -> None:
    """An anonymous request carrying dom1's next nonce (leaked, in the worst case) leaves dom1's
    own first registration acceptable."""
    tb = ConcreteLab(default_lab())
    agent = tb.clients["dom1"]
    stolen = copy.deepcopy(agent).nonce()
    tb.mp().register(_anonymous_request(tb, "dom1", stolen))
    request = agent.request("active-directory")
    assert request.nonce == stolen
    verdict = tb.mp().register(request)
    assert isinstance(verdict, Accepted), verdict


def test_nonces_are_not_derived_from_the_public_seed() -> None:
    """Two runs with the same seed draw different nonces; a run given its secret again repeats
    them (what a deterministic replay needs)."""
    lab = default_lab()
    first, second = ConcreteLab(lab, 7), ConcreteLab(lab, 7)
    assert first.clients["dom1"].nonce() != second.clients["dom1"].nonce()
    again = ConcreteLab(lab, 7, secret=first.secret)
    replayed = ConcreteLab(lab, 7, secret=first.secret)
    assert [again.clients["wg1"].nonce() for _ in range(3)] == [
        replayed.clients["wg1"].nonce() for _ in range(3)
    ]
    assert len(again.clients["wg1"].nonce()) == NONCE_BYTES


def test_the_store_forgets_only_what_the_window_refuses() -> None:
    store = ReplayStore()
    nonce = b"n" * NONCE_BYTES
    store.remember("dom1", 1000, nonce, 1000)
    assert len(store) == 1
    at_edge = store.check("dom1", 1000, nonce, 1000 + _W)
    assert isinstance(at_edge, Refused) and at_edge.reason is Reason.MSG_REPLAYED
    late = 1000 + _W + 1
    refused = store.check("dom1", 1000, nonce, late)
    assert isinstance(refused, Refused) and refused.reason is Reason.MSG_NOT_FRESH
    store.remember("wg1", late, b"m" * NONCE_BYTES, late + 2 * _W)
    assert len(store) == 1, "the first entry left once its window closed"


def test_the_store_is_bounded_and_refuses_rather_than_forgets() -> None:
    store = ReplayStore(capacity=3)
    for i in range(3):
        store.remember("dom1", 1000, bytes([i]) * NONCE_BYTES, 1000)
    full = store.check("dom1", 1000, b"\x09" * NONCE_BYTES, 1000)
    assert isinstance(full, Refused) and full.reason is Reason.MSG_STORE_FULL
    later = 1000 + 2 * _W + 1
    assert store.check("dom1", later, b"\x09" * NONCE_BYTES, later) is None


def test_a_request_that_adds_two_pairs_needs_room_for_both() -> None:
    """A key rollover remembers its nonce for two senders (model/lab/mp.py): with one place
    left it is refused, so the store never holds more than its capacity."""
    store = ReplayStore(capacity=3)
    for i in range(2):
        store.remember("dom1", 1000, bytes([i]) * NONCE_BYTES, 1000)
    assert store.check("dom1", 1000, b"\x09" * NONCE_BYTES, 1000) is None
    full = store.check("dom1", 1000, b"\x09" * NONCE_BYTES, 1000, room=2)
    assert isinstance(full, Refused) and full.reason is Reason.MSG_STORE_FULL


def test_a_refused_check_changes_nothing() -> None:
    store = ReplayStore()
    store.remember("dom1", 1000, b"n" * NONCE_BYTES, 1000)
    before = store.snapshot()
    store.check("dom1", 1000, b"n" * NONCE_BYTES, 1000 + 3 * _W)
    assert store.snapshot() == before


_SENDERS = st.sampled_from(["dom1", "wg1", "key:ab"])
_NONCES = st.sampled_from([bytes([i]) * NONCE_BYTES for i in range(4)])


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(_SENDERS, _NONCES, st.integers(-2 * _W, 2 * _W), st.integers(0, _W)),
        max_size=40,
    )
)
def test_the_bounded_store_decides_as_one_that_never_forgets(
    requests: list[tuple[str, bytes, int, int]],
) -> None:
    """Soundness of eviction: against a reference that keeps every pair forever, the bounded
    store accepts and refuses exactly the same requests, each pair always sent with the instant
    it was first sent (a replay repeats the signed bytes; the clock only moves forward)."""
    store = ReplayStore()
    kept: set[tuple[str, bytes]] = set()
    stamped: dict[tuple[str, bytes], int] = {}
    now = 10_000
    for sender, nonce, skew, wait in requests:
        now += wait
        sent_at = stamped.setdefault((sender, nonce), now + skew)
        fresh = abs(now - sent_at) <= _W and (sender, nonce) not in kept
        verdict = store.check(sender, sent_at, nonce, now)
        assert (verdict is None) == fresh, (sender, nonce, sent_at, now, verdict)
        if verdict is None:
            store.remember(sender, sent_at, nonce, now)
            kept.add((sender, nonce))


def test_a_day_later_nothing_is_kept() -> None:
    tb = ConcreteLab(default_lab())
    assert tb.register("dom1", "active-directory").ok
    tb.clock.advance(dt.timedelta(days=1))
    assert tb.register("dom1", "active-directory").ok
    assert len(tb.database.seen) == 1
