"""What a campaign checks after every step of the lab.

The invariants: the lab's abstraction equals the model's state; every `always` property the
checker judges on the lab's model (`ehttp.compose.properties.lab_checks`, the variant "lab") holds
on it; a rejected input changed nothing, and every input of the attack catalogue is rejected
(DESIGN "Concrete lab": bad input "is rejected with a reason, never with a crash").

The `always` properties of the other variants are left out on purpose: they are claims about a
restricted model ("without approval"), which the full lab does not satisfy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ehttp.compose.properties import LAB, lab_checks
from ehttp.compose.world import World, WorldModel

__all__ = [
    "ABSTRACTION",
    "ATTACK_ANSWERED",
    "ATTACK_REFUSED",
    "LAB_STEPS",
    "REFUSAL_CHANGES_NOTHING",
    "InvariantBroken",
    "StateInvariant",
    "state_invariants",
]

ABSTRACTION = "the lab's abstraction equals the model's state"
ATTACK_REFUSED = "the lab refuses every attack of the catalogue"
ATTACK_ANSWERED = "the lab answers every attack with a reason, never an error"
REFUSAL_CHANGES_NOTHING = "a refused input changes nothing"
LAB_STEPS = "the lab carries out every enabled step of the model"


class InvariantBroken(AssertionError):
    """An invariant failed after a step; `invariant` names it, the message says how."""

    def __init__(self, invariant: str, detail: str) -> None:
        super().__init__(f"{invariant}: {detail}")
        self.invariant = invariant
        self.detail = detail


@dataclass(frozen=True)
class StateInvariant:
    """An `always` property of the checker, with the requirement IDs it checks."""

    name: str
    requirements: tuple[str, ...]
    holds: Callable[[World], bool]


def state_invariants(model: WorldModel) -> tuple[StateInvariant, ...]:
    """Every `always` property the checker judges on the lab's own model."""
    found: list[StateInvariant] = []
    for check in lab_checks(model):
        prop = check.prop
        if check.variant == LAB and prop.kind == "always" and prop.condition is not None:
            found.append(StateInvariant(prop.name, prop.requirements, prop.condition))
    return tuple(found)
