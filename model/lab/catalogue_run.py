"""The attack catalogue run against a lab: each case, what the lab answered, or why it was skipped.

DESIGN "Command line" (`ehttp attacks`) and the report's attack section read the same run; the
catalogue defends SEC-1..SEC-5 (`specs/threat-model.md`). Each
attack runs through `LabDriver.inject` on the lab, or on the variant of it the attack names (an
HTTPS distribution point, a network access account, enhanced HTTP off, a 1802 site); an attack
whose hosts or conditions the lab lacks is skipped with the reason. With a mutant planted the lab
may accept an attack: that case says "accepted". The catalogue defends SEC-1..SEC-5, REG-5 and
PRE-1 (each attack names its requirement IDs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from model.config.schema import Lab
from model.lab.attacks import CATALOGUE, VARIANTS, Attack, unmet
from model.lab.facade import AttackAccepted, LabDriver

__all__ = ["CaseResult", "run_catalogue"]


@dataclass(frozen=True)
class CaseResult:
    """One attack against the lab: what the lab answered, or why the attack did not apply."""

    attack: Attack
    actual: str | None
    skipped_because: tuple[str, ...] = ()

    @property
    def rejected(self) -> bool:
        """Refused without a state change (with whatever reason)."""
        return self.actual is not None and self.actual != "accepted"

    @property
    def as_expected(self) -> bool:
        """Refused with exactly the catalogue's reason."""
        return self.actual == self.attack.expected.value

    def to_json(self) -> dict[str, Any]:
        """The case as DESIGN's JSON shape (plus the variant it ran on)."""
        return {
            "name": self.attack.name,
            "family": self.attack.family,
            "what": self.attack.tries,
            "expected": self.attack.expected.value,
            "actual": self.actual,
            "rejected": self.rejected,
            "variant": self.attack.variant,
        }


def run_catalogue(
    lab: Lab,
    seed: int = 0,
    mutant: str | None = None,
    *,
    stop: Callable[[], bool] | None = None,
) -> tuple[CaseResult, ...]:
    """Run every catalogued attack against ``lab`` (or the variant of it the attack names).

    ``stop`` is a stop request asked before each attack; once it is True, or on a
    KeyboardInterrupt when ``stop`` is given, the cases run so far are returned (fewer than the
    catalogue's).
    """
    drivers: dict[str, LabDriver] = {}
    results: list[CaseResult] = []
    try:
        for attack in CATALOGUE:
            if stop is not None and stop():
                break
            results.append(_run_case(attack, lab, seed, mutant, drivers))
    except KeyboardInterrupt:
        if stop is None:
            raise
    return tuple(results)


def _run_case(
    attack: Attack, lab: Lab, seed: int, mutant: str | None, drivers: dict[str, LabDriver]
) -> CaseResult:
    driver = drivers.get(attack.variant)
    if driver is None:
        driver = drivers[attack.variant] = LabDriver(VARIANTS[attack.variant](lab), seed, mutant)
    missing = unmet(attack, driver.lab)
    if missing:
        return CaseResult(attack, None, missing)
    try:
        return CaseResult(attack, driver.inject(attack.name).value)
    except AttackAccepted:
        return CaseResult(attack, "accepted")
