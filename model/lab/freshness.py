"""Freshness of signed requests and messages: a timestamp window and the site's replay store.

Capability 3 of specs/threat-model.md: a captured registration request replayed later, at any
management point, must not roll a client's key back, and a signed client notification must not be
acted on twice. The reference facts say nothing of how Configuration Manager makes messages fresh
(they say only that after registration "the client uses message signing to prove device
identity"), so this module is a labelled assumption.

Modeling assumption A-35: every signed registration request, key rollover, client message and user
authorization proof carries the instant it was sent (whole seconds on the lab clock) and a 16-byte
nonce, both covered by its signature or proof. The site accepts it only when that instant lies
within `WINDOW` of its own clock (either side) and the (sender, nonce) pair was not accepted before
at any of its management points; the sender is who the request authenticated as (the key it proved
possession of, the registration whose key signed it, the domain account whose secret proved it),
never a name it merely claims, and a pair is remembered only once the request was accepted, so no
party can spend another's nonces.

Modeling assumption A-43: the replay store is bounded (specs/threat-model.md, "Eviction"). A pair
is forgotten only once the window alone refuses it again: a pair sent at ``t`` is kept while the
clock reads at most ``t + WINDOW`` (entries are kept in slots one window wide, by the instant they
expire, and a slot goes as a whole once every entry in it expired), so forgetting never makes a
replay acceptable. At most `CAPACITY` pairs are kept; a request that would need one more is refused
(``msg-store-full``) rather than let a live pair go. Each check and each remembered pair touches at
most the three or four live slots: constant work whatever the store holds.
"""

from __future__ import annotations

import datetime as dt

from ehttp.lab.reasons import Reason, Refused

__all__ = ["CAPACITY", "NONCE_BYTES", "WINDOW", "ReplayStore"]

WINDOW = dt.timedelta(minutes=5)
NONCE_BYTES = 16
CAPACITY = 100_000
"""The most (sender, nonce) pairs the site keeps (A-43: a site of 100,000 clients each sending a
signed message in the same five minutes)."""

_Pair = tuple[str, bytes]


class ReplayStore:
    """The site's accepted (sender, nonce) pairs, each with the instant it was sent, in slots by
    the window in which they expire (see the module docstring)."""

    def __init__(self, *, capacity: int = CAPACITY, disabled: bool = False) -> None:
        """``disabled`` is the `mp-no-replay-window` mutant: `check` lets everything through,
        while what was accepted is still remembered (and shown by `snapshot`)."""
        self._window = int(WINDOW.total_seconds())
        self._capacity = capacity
        self._slots: dict[int, dict[_Pair, int]] = {}
        self._size = 0
        self._disabled = disabled

    def __len__(self) -> int:
        return self._size

    def _expired(self, slot: int, now: int) -> bool:
        """Every pair of ``slot`` expires before ``(slot + 1) * WINDOW``: once the clock is
        there, the window alone refuses each of them."""
        return (slot + 1) * self._window <= now

    def check(
        self, sender: str, sent_at: int, nonce: bytes, now: int, *, room: int = 1
    ) -> Refused | None:
        """Why a request from ``sender`` sent at ``sent_at`` with ``nonce`` can't be accepted now,
        if so; ``room`` is how many pairs accepting it would add (a key rollover remembers two).
        Reads only: nothing is remembered or forgotten."""
        if self._disabled:
            return None
        if abs(now - sent_at) > self._window:
            return Refused(
                Reason.MSG_NOT_FRESH,
                f"sent {now - sent_at} s before the site's clock; accepted within {self._window} s",
            )
        if len(nonce) != NONCE_BYTES:
            return Refused(
                Reason.MSG_MALFORMED, f"nonce of {len(nonce)} bytes; expected {NONCE_BYTES}"
            )
        if any((sender, nonce) in pairs for pairs in self._slots.values()):
            return Refused(Reason.MSG_REPLAYED, f"nonce {nonce.hex()} from {sender} seen before")
        live = self._size - sum(
            len(pairs) for slot, pairs in self._slots.items() if self._expired(slot, now)
        )
        if live + room > self._capacity:
            return Refused(
                Reason.MSG_STORE_FULL,
                f"the site keeps {self._capacity:,} unexpired nonces; try again once the oldest "
                f"leave the {self._window} s window",
            )
        return None

    def remember(self, sender: str, sent_at: int, nonce: bytes, now: int) -> None:
        """Record an accepted request (after `check` let it through), and forget the slots the
        window already refuses."""
        for slot in [s for s in self._slots if self._expired(s, now)]:
            self._size -= len(self._slots.pop(slot))
        pairs = self._slots.setdefault((sent_at + self._window) // self._window, {})
        if (sender, nonce) not in pairs:
            self._size += 1
        pairs[(sender, nonce)] = sent_at

    def snapshot(self) -> tuple[_Pair, ...]:
        """The remembered (sender, nonce) pairs, sorted."""
        return tuple(sorted(pair for pairs in self._slots.values() for pair in pairs))
