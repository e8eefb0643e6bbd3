"""The guard vocabulary in one list: every atom a row's guard may combine, for readers and tests.

Each atom is declared next to the states it reads (`site.py`, `binding.py`, `clock.py`,
`registration.py`); this list gathers them, with the registration atoms once per method.
"""

from __future__ import annotations

from ehttp.machines.access import METHODS
from ehttp.machines.binding import CERTIFICATE_WORK_PENDING, SMSEXEC_RUNNING
from ehttp.machines.clock import OVERDUE, TIME_CAN_ADVANCE
from ehttp.machines.guards import Atom
from ehttp.machines.registration import (
    LAB_HAS_AN_HTTPS_MP,
    SITE_MODE_ALLOWS_AN_MP,
    holds_evidence,
    mp_accepts,
)
from ehttp.machines.site import APP_READY, ENHANCED, OPTION_AVAILABLE

__all__ = ["ATOMS"]

ATOMS: tuple[Atom, ...] = (
    OPTION_AVAILABLE,
    ENHANCED,
    APP_READY,
    SMSEXEC_RUNNING,
    CERTIFICATE_WORK_PENDING,
    OVERDUE,
    TIME_CAN_ADVANCE,
    *(holds_evidence(method) for method in METHODS),
    *(mp_accepts(method) for method in METHODS),
    SITE_MODE_ALLOWS_AN_MP,
    LAB_HAS_AN_HTTPS_MP,
)
"""Every atom, by its unique name."""
