"""What a fuzz campaign drives: a lab that takes the model's actions and shows its abstract state.

DESIGN "Concrete lab": the concrete lab's abstraction function maps it onto the abstract state, so
a campaign compares the two after every step. `Driver` is the interface a campaign needs from a
lab; `ehttp.bridge.driver.LabDriver` is the real one (certificates, tokens, TLS). `ModelDriver` is
the abstract model standing in for a lab: it cannot disagree with the model, so it is the
reference the campaign's own machinery (rules, coverage, steering, replay) is tested and measured
against, apart from the cost of the cryptography.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ehttp.compose.world import Action, World, WorldModel

__all__ = ["Driver", "ModelDriver"]


class Driver(Protocol):
    """A lab a campaign can drive in lockstep with the abstract model."""

    @property
    def model(self) -> WorldModel:
        """The lab's composed abstract model (same lab, same declarations)."""
        ...

    def step(self, action: Action) -> object:
        """Carry out the model's enabled `action` in the lab."""
        ...

    def abstraction(self) -> World:
        """The lab's current state, mapped onto the abstract model's world."""
        ...

    def inject(self, attack: str) -> object:
        """Submit the catalogue's bad input `attack`; return the lab's reason for refusing it
        and raise when the lab accepts it."""
        ...

    def attack_names(self) -> Sequence[str]:
        """The names of the attacks `inject` accepts, in catalogue order."""
        ...


class ModelDriver:
    """The abstract model standing in for a concrete lab (no attacks: it has no inputs to forge)."""

    def __init__(self, model: WorldModel) -> None:
        self._model = model
        self._world = model.initial

    @property
    def model(self) -> WorldModel:
        """The model it runs."""
        return self._model

    def step(self, action: Action) -> World:
        """Take the model's step."""
        self._world = self._model.next_state(self._world, action)
        return self._world

    def abstraction(self) -> World:
        """The model's world itself."""
        return self._world

    def inject(self, attack: str) -> object:
        """No attack exists for the abstract model."""
        raise KeyError(f"attack: {attack!r} is not accepted; the abstract model has no attacks")

    def attack_names(self) -> Sequence[str]:
        """None: the abstract model has no concrete inputs."""
        return ()
