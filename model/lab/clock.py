"""The lab clock: an instant that moves only when the lab advances it.

Token lifetimes (SEC-5) and X.509 validity (SEC-4) are judged against this clock, never against the
wall clock, so a run is reproducible; the TLS handshake too (`model/lab/tls.py` hands the served
chain to path validation at this clock's instant). Modeling assumption A-17: the clock starts at
today's 00:00 UTC, so a run's instants read as today's dates.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["LabClock", "today_midnight_utc"]


def today_midnight_utc() -> dt.datetime:
    """Today's 00:00 in UTC, as an aware datetime."""
    now = dt.datetime.now(dt.UTC)
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


class LabClock:
    """A monotonic lab instant (aware, UTC)."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        origin = start if start is not None else today_midnight_utc()
        if origin.tzinfo is None:
            raise ValueError(f"start: {origin!r} is not accepted; give an aware UTC datetime")
        self._start = origin
        self._now = origin

    @property
    def start(self) -> dt.datetime:
        """The instant the lab began."""
        return self._start

    def now(self) -> dt.datetime:
        """The current lab instant."""
        return self._now

    def timestamp(self) -> int:
        """The current lab instant as whole POSIX seconds (the unit of JWT time claims)."""
        return int(self._now.timestamp())

    def advance(self, delta: dt.timedelta) -> None:
        """Move the clock forward by ``delta`` (never backwards)."""
        if delta < dt.timedelta(0):
            raise ValueError(f"delta: {delta} is not accepted; the lab clock only moves forward")
        self._now += delta
