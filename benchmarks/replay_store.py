"""Replay store speed: does a request cost the same after many others (issue 21)?

Prints figures, never asserts (STYLE rule 8).
Run: ``python benchmarks/replay_store.py [before] [batch]`` (defaults 12,000 and 500).

The site's replay store (`model/lab/freshness.py`) is checked and written on every accepted
registration, rollover, notification, content access token request and user proof. Two
measurements, each against its own baseline in the same run:

- the store alone: ``batch`` fresh (check, remember) pairs on an empty store, then ``batch`` more
  after ``before`` others, all within one freshness window (nothing expires), then ``batch`` more
  once the window has passed (everything expires at once);
- the lab: ``batch`` signed client notifications acted on by the management point (signature
  verification included), on a fresh lab, then after ``before`` others.

A store that does constant work per request shows the same time per request in every column.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable

from ehttp.config.labfile import default_lab
from ehttp.lab.freshness import NONCE_BYTES, WINDOW, ReplayStore
from ehttp.lab.mp import NOTIFICATION
from ehttp.lab.testbed import ConcreteLab

_W = int(WINDOW.total_seconds())


def _per_request(run: Callable[[], None], count: int) -> float:
    start = time.perf_counter()
    run()
    return (time.perf_counter() - start) / count * 1e6


def _fill(store: ReplayStore, first: int, count: int, now: int) -> None:
    for i in range(first, first + count):
        nonce = i.to_bytes(NONCE_BYTES, "big")
        assert store.check("sender", now, nonce, now) is None
        store.remember("sender", now, nonce, now)


def store_alone(before: int, batch: int) -> tuple[float, float, float]:
    """Microseconds per request: on an empty store, after ``before`` others, a window later."""
    empty = _per_request(lambda: _fill(ReplayStore(), 0, batch, 1000), batch)
    store = ReplayStore()
    _fill(store, 0, before, 1000)
    full = _per_request(lambda: _fill(store, before, batch, 1000), batch)
    later = _per_request(lambda: _fill(store, before + batch, batch, 1000 + 3 * _W), batch)
    return empty, full, later


def _notify(lab: ConcreteLab, count: int) -> None:
    agent = lab.clients["dom1"]
    for _ in range(count):
        assert lab.mp().notify(agent.message(NOTIFICATION, b"run-scripts:inventory")).ok


def lab_notifications(before: int, batch: int) -> tuple[float, float]:
    """Microseconds per notification acted on: on a fresh lab, and after ``before`` others."""
    fresh = ConcreteLab(default_lab())
    assert fresh.register("dom1", "active-directory").ok
    first = _per_request(lambda: _notify(fresh, batch), batch)
    busy = ConcreteLab(default_lab())
    assert busy.register("dom1", "active-directory").ok
    _notify(busy, before)
    after = _per_request(lambda: _notify(busy, batch), batch)
    return first, after


def main(argv: list[str]) -> None:
    before = int(argv[0]) if argv else 12_000
    batch = int(argv[1]) if len(argv) > 1 else 500
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average {load}; {batch} requests per column, {before:,} before the second")
    empty, full, later = store_alone(before, batch)
    print(
        f"store alone: {empty:.1f} us/request on an empty store, {full:.1f} after {before:,} "
        f"others, {later:.1f} a window later (all expired)"
    )
    first, after = lab_notifications(before, batch)
    print(
        f"lab notifications: {first:.0f} us/request on a fresh lab, {after:.0f} after "
        f"{before:,} others ({after / first:.2f}x)"
    )


if __name__ == "__main__":
    main(sys.argv[1:])
