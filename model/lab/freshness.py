"""Freshness of signed requests and messages: a timestamp window and a replay cache.

Capability 3 of specs/threat-model.md: a captured registration request replayed later must not
roll a client's key back, and a signed client notification must not be acted on twice. The
reference facts say nothing of how Configuration Manager makes messages fresh (they say only that
after registration "the client uses message signing to prove device identity"), so this module is
a labelled assumption.

Modeling assumption A-35: every signed registration request, key rollover and client message carries
the instant it was sent (whole seconds on the lab clock) and a 16-byte nonce, both covered by its
signature. A management point accepts it only when that instant lies within `WINDOW` of its own
clock (either side) and the (sender, nonce) pair was not accepted before; accepted pairs are kept
until they leave the window, after which the timestamp check alone refuses them.
"""

from __future__ import annotations

import datetime as dt

from model.lab.reasons import Reason, Refused

__all__ = ["NONCE_BYTES", "WINDOW", "ReplayWindow"]

WINDOW = dt.timedelta(minutes=5)
NONCE_BYTES = 16


class ReplayWindow:
    """One management point's replay cache: (sender, nonce) -> the instant it was sent."""

    def __init__(self, *, disabled: bool = False) -> None:
        self._seen: dict[tuple[str, bytes], int] = {}
        self._disabled = disabled

    def check(self, sender: str, sent_at: int, nonce: bytes, now: int) -> Refused | None:
        """Why a request from ``sender`` sent at ``sent_at`` with ``nonce`` is not fresh, if so."""
        if self._disabled:
            return None
        window = int(WINDOW.total_seconds())
        if abs(now - sent_at) > window:
            return Refused(
                Reason.MSG_NOT_FRESH,
                f"sent {now - sent_at} s before the management point's clock; accepted within "
                f"{window} s",
            )
        if len(nonce) != NONCE_BYTES:
            return Refused(
                Reason.MSG_MALFORMED, f"nonce of {len(nonce)} bytes; expected {NONCE_BYTES}"
            )
        if (sender, nonce) in self._seen:
            return Refused(Reason.MSG_REPLAYED, f"nonce {nonce.hex()} from {sender} seen before")
        return None

    def remember(self, sender: str, sent_at: int, nonce: bytes, now: int) -> None:
        """Record an accepted request, and forget those that left the window."""
        window = int(WINDOW.total_seconds())
        self._seen = {k: t for k, t in self._seen.items() if abs(now - t) <= window}
        self._seen[(sender, nonce)] = sent_at

    def snapshot(self) -> tuple[tuple[str, bytes], ...]:
        """The remembered (sender, nonce) pairs, sorted."""
        return tuple(sorted(self._seen))
