"""Explicit time: a model clock with a fixed quantum and per-state deadlines.

Three claims of the seed are about time: the Tip "Wait up to 30 minutes for the management point to
receive and configure the new certificate" (CERT-2), re-registration "during the next policy polling
cycle" (REG-4) and a notification interruption no "longer than the policy cycle, which is one hour
by default" (REG-5). They are states here, not comments: a state may carry a deadline in quanta, an
instance's timer counts the quanta spent in it, and the clock's only step advances every running
timer by one quantum, which it may not do while some timer stands at its deadline.

Modeling assumption A-7: a quantum of 15 minutes; the documents give 30 and 60 minutes, both whole
multiples of it, and nothing finer is claimed. Timers run only while something is pending, so the
state space stays finite without a wrapping wall clock.
"""

from __future__ import annotations

from ehttp.machines.guards import Atom, Rendering, promela_all, promela_any, promela_not
from ehttp.machines.machine import Machine, Row, StateDecl

__all__ = [
    "CERTIFICATE_DEADLINE",
    "CLOCK",
    "OVERDUE",
    "POLICY_CYCLE",
    "QUANTUM_MINUTES",
    "TICK",
    "TIME_CAN_ADVANCE",
    "minutes",
]

QUANTUM_MINUTES = 15
CERTIFICATE_DEADLINE = 30 // QUANTUM_MINUTES
"""CERT-2: queued certificate work completes within 30 minutes (2 quanta)."""
POLICY_CYCLE = 60 // QUANTUM_MINUTES
"""REG-4, REG-5: the default client policy polling interval, 60 minutes (4 quanta)."""
TICK = f"{QUANTUM_MINUTES} minutes pass"


def minutes(quanta: int) -> int:
    """Model clock quanta as minutes."""
    return quanta * QUANTUM_MINUTES


def _overdue(r: Rendering, index: int) -> str:
    return promela_any(
        promela_all((r.is_in(i, (state,)), f"{r.timer(i)} >= {deadline}"))
        for i, deadlines in r.timed
        for state, deadline in deadlines.items()
    )


def _can_advance(r: Rendering, index: int) -> str:
    running = promela_any(r.is_in(i, deadlines) for i, deadlines in r.timed)
    return promela_all((running, promela_not(_overdue(r, index))))


OVERDUE = Atom(
    "overdue",
    "some timer stands at its deadline",
    "no timer stands at its deadline",
    lambda env, world, index: env.overdue(world),
    _overdue,
)
"""Urgency: while a timer stands at its deadline only the system's own steps may happen."""

TIME_CAN_ADVANCE = Atom(
    "time can advance",
    "a timer runs and none stands at its deadline",
    "no timer runs, or one stands at its deadline",
    lambda env, world, index: env.time_can_advance(world),
    _can_advance,
)
"""The clock's guard: something is pending and nothing is overdue."""


CLOCK = Machine(
    name="clock",
    title="Model clock",
    doc=f"Time passes in quanta of {QUANTUM_MINUTES} minutes while something is pending.",
    states=(StateDecl("ticking", "time passes while some timer runs"),),
    rows=(
        Row(
            TICK,
            ("ticking",),
            "ticking",
            ("CERT-2", "REG-4", "REG-5"),
            "time",
            TIME_CAN_ADVANCE,
            assumes=("A-7", "A-12"),
        ),
    ),
)
