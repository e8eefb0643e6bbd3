"""A catalogued case: an attack the lab must refuse, or an honest twin it must accept.

An attack is data: a name, its family, what it tries, the `Reason` the lab must give, the
requirement IDs it defends and a `prepare` function that sets up a lab and returns the single bad
input as a thunk (`Submit`). It names the conditions it `requires` (`ehttp.lab.attacks.base`) and,
when it needs the lab changed first, a `variant`. A family declares its attacks and its honest
twins (`Family`, `Family.twin`): a twin's input is a genuine client's genuine one, and it expects
`Honest.ACCEPTED`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ehttp.lab.reasons import Reason, Verdict
from ehttp.lab.testbed import ConcreteLab

__all__ = ["Attack", "Expected", "Family", "Honest", "Outcome", "Submit"]

Submit = Callable[[], Verdict[Any]]
"""A case's single input, ready to send: the lab's verdict on it."""


class Honest(enum.Enum):
    """What an honest twin expects of the lab: to be accepted."""

    ACCEPTED = "accepted"


Expected = Reason | Honest
"""What a case expects: the reason an attack must be refused with, or acceptance (a twin)."""


@dataclass(frozen=True)
class Attack:
    """One catalogued case: an attack (``expected`` a `Reason`) or an honest twin
    (``expected`` `Honest.ACCEPTED`)."""

    name: str
    family: str
    tries: str
    expected: Expected
    requirements: tuple[str, ...]
    prepare: Callable[[ConcreteLab], Submit]
    variant: str = "default"
    requires: tuple[str, ...] = ()

    @property
    def honest(self) -> bool:
        """Whether this is an honest twin, which the lab must accept."""
        return self.expected is Honest.ACCEPTED


@dataclass(frozen=True)
class Family:
    """How a family declares its attacks: the family's name, the requirement IDs its attacks
    defend and the lab conditions they need, unless an attack says otherwise."""

    name: str
    requirements: tuple[str, ...]
    requires: tuple[str, ...] = ()

    def __call__(
        self,
        name: str,
        tries: str,
        expected: Expected,
        prepare: Callable[[ConcreteLab], Submit],
        requires: tuple[str, ...] | None = None,
        requirements: tuple[str, ...] | None = None,
        variant: str = "default",
    ) -> Attack:
        """One attack of the family."""
        return Attack(
            name,
            self.name,
            tries,
            expected,
            self.requirements if requirements is None else requirements,
            prepare,
            variant,
            self.requires if requires is None else requires,
        )

    def twin(
        self,
        name: str,
        tries: str,
        prepare: Callable[[ConcreteLab], Submit],
        requires: tuple[str, ...] | None = None,
        requirements: tuple[str, ...] | None = None,
        variant: str = "default",
    ) -> Attack:
        """An honest twin of the family: ``prepare`` returns a genuine input to be accepted."""
        return self(name, tries, Honest.ACCEPTED, prepare, requires, requirements, variant)


@dataclass(frozen=True)
class Outcome:
    """What the lab did with an attack."""

    attack: Attack
    verdict: Verdict[Any]
    state_unchanged: bool

    @property
    def reason(self) -> Reason | None:
        """The reason given, or None if the input was accepted."""
        return None if self.verdict.ok else self.verdict.reason  # type: ignore[union-attr]

    @property
    def passed(self) -> bool:
        """An attack: refused with exactly the expected reason and nothing changed. A twin:
        accepted."""
        if self.attack.honest:
            return self.verdict.ok
        return self.reason is self.attack.expected and self.state_unchanged
