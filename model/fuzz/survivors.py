"""Does the lab contradict a surviving mutant of the declarations? Lockstep on the mutant's path.

A mutant that no property kills (`ehttp audit`) shows behaviour the properties leave open; the
lab may still disagree with it. The audit gives the mutant's first difference: a path of steps
both the declared model and the mutant take, then a step where the mutant goes elsewhere. Here
the lab is driven along that path in lockstep with the mutant (its abstraction must equal the
mutant's world after every step): a lab that departs from the mutant, or refuses its step,
contradicts it, and a fuzz campaign that reaches that world kills it; a lab that follows it
leaves it open to fuzzing too.
"""

from __future__ import annotations

from collections.abc import Sequence

from ehttp.bridge.driver import LabDriver
from ehttp.compose.world import Action, WorldModel
from ehttp.fuzz.invariants import InvariantBroken
from ehttp.fuzz.lockstep import Lockstep

__all__ = ["lab_contradicts"]


def lab_contradicts(mutant: WorldModel, path: Sequence[Action], seed: int = 0) -> str | None:
    """The invariant the lab breaks when driven along `path` in lockstep with the `mutant`'s
    model (with the detail), or None when the lab follows the mutant to the end."""
    driver = LabDriver(mutant.lab, seed=seed)
    driver.model = mutant
    lock = Lockstep(driver, (), forbidden=0)
    try:
        lock.check()
        for action in path:
            lock.act(action)
    except InvariantBroken as broken:
        return f"{broken.invariant}: {broken.detail}"
    return None
