"""The lab and the model in lockstep: take one step in both, record it, check the invariants.

Both the Hypothesis state machine and `ehttp fuzz --replay` run their steps through `Lockstep`,
so a replayed step list executes exactly what the campaign executed. A step is recorded in the
source's words (`WorldModel.describe_step`) before it is checked, so a failing step is the last
one of the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ehttp.bridge.driver import AttackAccepted
from ehttp.compose.world import Action, World
from ehttp.fuzz.driver import Driver
from ehttp.fuzz.invariants import (
    ABSTRACTION,
    ATTACK_ANSWERED,
    ATTACK_REFUSED,
    LAB_STEPS,
    REFUSAL_CHANGES_NOTHING,
    InvariantBroken,
    StateInvariant,
)

__all__ = ["FuzzStep", "Lockstep"]


@dataclass(frozen=True)
class FuzzStep:
    """One step of a campaign: a declared row on one instance, or an attack of the catalogue."""

    kind: Literal["action", "attack"]
    name: str
    text: str
    instance: str | None = None
    machine: str | None = None
    row: int | None = None


class Lockstep:
    """A driver, the model's world beside it, and the invariants checked after every step."""

    def __init__(self, driver: Driver, invariants: Sequence[StateInvariant]) -> None:
        self.driver = driver
        self.model = driver.model
        self.invariants = tuple(invariants)
        self.world: World = self.model.initial
        self.steps: list[FuzzStep] = []
        self.seen: World | None = None
        """The lab's abstraction as the last check read it (the lab has not moved since)."""

    def act(self, action: Action) -> World:
        """Take the model's enabled `action` in the model and in the lab, then check."""
        model = self.model
        index, number = action
        machine = model.env.machines[index]
        before = self.world
        after = model.next_state(before, action)
        self.steps.append(
            FuzzStep(
                kind="action",
                name=machine.rows[number].name,
                text=model.describe_step(before, action, after),
                instance=model.env.names[index],
                machine=machine.name,
                row=number,
            )
        )
        self.world = after
        self.seen = None
        try:
            self.driver.step(action)
        except Exception as error:
            raise InvariantBroken(LAB_STEPS, f"{type(error).__name__}: {error}") from error
        self.check()
        return after

    def attack(self, name: str) -> object:
        """Submit the catalogue's attack `name`; it must be refused and change nothing."""
        before = self.driver.abstraction() if self.seen is None else self.seen
        try:
            reason = self.driver.inject(name)
        except AttackAccepted as error:
            self.steps.append(FuzzStep(kind="attack", name=name, text=f"attack {name}: accepted"))
            raise InvariantBroken(ATTACK_REFUSED, str(error)) from error
        except Exception as error:
            self.steps.append(FuzzStep(kind="attack", name=name, text=f"attack {name}: error"))
            raise InvariantBroken(
                ATTACK_ANSWERED, f"{name}: {type(error).__name__}: {error}"
            ) from error
        shown = getattr(reason, "value", reason)
        self.steps.append(
            FuzzStep(kind="attack", name=name, text=f"attack {name}: refused ({shown})")
        )
        after = self.driver.abstraction()
        if after != before:
            raise InvariantBroken(
                REFUSAL_CHANGES_NOTHING, f"{name} changed {self._changes(before, after)}"
            )
        self.check(after)
        return reason

    def check(self, abstraction: World | None = None) -> None:
        """Every invariant on the current world; raise `InvariantBroken` naming the first broken.

        The lab's abstraction is read once (or taken from `abstraction`) and every invariant is
        judged on that one reading."""
        seen = self.driver.abstraction() if abstraction is None else abstraction
        self.seen = seen
        if seen != self.world:
            raise InvariantBroken(ABSTRACTION, self._changes(self.world, seen))
        for invariant in self.invariants:
            if not invariant.holds(seen):
                raise InvariantBroken(
                    invariant.name, f"violated ({', '.join(invariant.requirements)})"
                )

    def _changes(self, expected: World, seen: World) -> str:
        names = self.model.env.names
        parts = [
            f"{names[i]}: model {a[0]}, lab {b[0]}"
            if a[0] != b[0]
            else f"{names[i]}: model timer {a[1]}, lab timer {b[1]}"
            for i, (a, b) in enumerate(zip(expected, seen, strict=True))
            if a != b
        ]
        return "; ".join(parts) if parts else "nothing"
