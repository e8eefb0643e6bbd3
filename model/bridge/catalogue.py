"""The attack catalogue run against a lab: each case, what the lab answered, or why it was skipped.

DESIGN "Command line" (`ehttp attacks`) and the report's attack section read the same run; the
catalogue defends SEC-1..SEC-5 (`specs/threat-model.md`); the command runs every attack then every
honest twin, the report the attacks. Each case runs through `LabDriver.inject` (an attack, which
must be refused) or `LabDriver.confirm` (a twin, which must be accepted) on the lab, or on the
variant of it the case names (an HTTPS distribution point, a network access account, enhanced HTTP
off, a 1802 site, a second management point); a case whose hosts or conditions the lab lacks is
skipped with the reason. With a mutant planted
the lab may accept an attack: that case says "accepted"; a twin the lab refuses says the reason.
A case whose honest setup step the lab refuses says "setup refused: ..." (issue 25): a finding,
never a crash. The catalogue defends SEC-1..SEC-5, REG-5, MP-3 and PRE-1 (each case names its
requirement IDs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ehttp.bridge.driver import AttackAccepted, LabDriver
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CATALOGUE, VARIANTS, Attack, SetupRefused, unmet
from ehttp.lab.reasons import Refused

__all__ = ["ACCEPTED", "SETUP_REFUSED", "CaseResult", "run_catalogue"]

ACCEPTED = "accepted"
"""What a case says when the lab accepted its input."""
SETUP_REFUSED = "setup refused: "
"""How a case whose setup the lab refused begins."""


@dataclass(frozen=True)
class CaseResult:
    """One attack against the lab: what the lab answered, or why the attack did not apply."""

    attack: Attack
    actual: str | None
    skipped_because: tuple[str, ...] = ()

    @property
    def setup_refused(self) -> bool:
        """The lab refused an honest step of the case's setup: the case did not run."""
        return self.actual is not None and self.actual.startswith(SETUP_REFUSED)

    @property
    def rejected(self) -> bool:
        """Its input refused (with whatever reason; an attack's without a state change)."""
        return self.actual is not None and self.actual != ACCEPTED and not self.setup_refused

    @property
    def as_expected(self) -> bool:
        """An attack refused with exactly the catalogue's reason; a twin accepted."""
        return self.actual == str(self.attack.expected.value)

    def to_json(self) -> dict[str, Any]:
        """The case as DESIGN's JSON shape (plus the variant it ran on, and whether it is an
        honest twin)."""
        return {
            "name": self.attack.name,
            "family": self.attack.family,
            "what": self.attack.tries,
            "expected": self.attack.expected.value,
            "actual": self.actual,
            "rejected": self.rejected,
            "variant": self.attack.variant,
            "honest": self.attack.honest,
        }


def run_catalogue(
    lab: Lab,
    seed: int = 0,
    mutant: str | None = None,
    *,
    stop: Callable[[], bool] | None = None,
    cases: tuple[Attack, ...] = CATALOGUE,
) -> tuple[CaseResult, ...]:
    """Run ``cases`` against ``lab`` (or the variant of it each names): the attacks by default,
    `ehttp.lab.attacks.CASES` for the attacks then every honest twin (`ehttp attacks`).

    ``stop`` is a stop request asked before each case; once it is True, or on a
    KeyboardInterrupt when ``stop`` is given, the cases run so far are returned (fewer than
    ``cases``).
    """
    drivers: dict[str, LabDriver] = {}
    results: list[CaseResult] = []
    try:
        for attack in cases:
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
        if attack.honest:
            verdict = driver.confirm(attack.name)
            if isinstance(verdict, Refused):
                return CaseResult(attack, verdict.reason.value)
            return CaseResult(attack, ACCEPTED)
        return CaseResult(attack, driver.inject(attack.name).value)
    except AttackAccepted:
        return CaseResult(attack, ACCEPTED)
    except SetupRefused as error:
        return CaseResult(attack, f"{SETUP_REFUSED}{error}")
