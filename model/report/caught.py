"""Which lab mutants the attack catalogue catches on the report's lab, and for which requirements.

A mutant (`model/lab/mutants.py`) plants one named fault in the concrete lab. The report runs the
whole catalogue (`model/bridge/catalogue.py`) once per mutant against its lab and seed: a mutant
is caught when some attack is no longer refused with its expected reason, and it counts as
evidence for the requirements those attacks defend. A mutant no attack catches here (one that
only the lockstep with the model shows, `tests/lab/test_mutants.py`) is listed with none.
"""

from __future__ import annotations

from collections.abc import Callable

from ehttp.bridge.catalogue import run_catalogue
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.mutants import MUTANTS
from ehttp.report.traceability import MutantRef

__all__ = ["catch_mutants"]


def catch_mutants(
    lab: Lab, seed: int, *, stop: Callable[[], bool] | None = None
) -> tuple[MutantRef, ...] | None:
    """Every mutant with the attacks that let it through on `lab` (keys from `seed`); None when
    `stop` cut a run short."""
    found = []
    for name in MUTANTS:
        cases = run_catalogue(lab, seed, name, stop=stop)
        if len(cases) < len(CATALOGUE) or (stop is not None and stop()):
            return None
        through = [c.attack for c in cases if c.actual is not None and not c.as_expected]
        requirements = tuple(dict.fromkeys(r for attack in through for r in attack.requirements))
        found.append(MutantRef(name, tuple(a.name for a in through), requirements))
    return tuple(found)
