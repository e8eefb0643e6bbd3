"""The lab's steady state, where `ehttp whatif` and `ehttp diagnose` start: defined once in
`model/decide/steady.py` (where `ehttp scenarios` reads it too); this name stays for callers."""

from __future__ import annotations

from ehttp.decide.steady import settled, steady_state

__all__ = ["settled", "steady_state"]
