"""Properties the checker verifies, built with constructors as in Stateright's `Property`.

Kinds: `always` (invariant), `sometimes` (reachability), `eventually` and `leads-to` (liveness
under weak fairness of the model's fair actions), `recoverable` (a healthy state stays reachable)
and `deadlock-free`. Each property carries the requirement IDs it checks. Constructors validate
their arguments when the property is declared, so a mistake is reported where it is made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, Literal

from ehttp.checker.model import S

__all__ = ["KINDS", "LIVENESS_KINDS", "WATCHED_KINDS", "About", "Kind", "Property", "PropertyError"]

Kind = Literal["always", "sometimes", "eventually", "leads-to", "recoverable", "deadlock-free"]
KINDS: tuple[Kind, ...] = (
    "always",
    "sometimes",
    "eventually",
    "leads-to",
    "recoverable",
    "deadlock-free",
)
LIVENESS_KINDS: tuple[Kind, ...] = ("eventually", "leads-to")
WATCHED_KINDS: tuple[Kind, ...] = ("always", "sometimes", "eventually", "leads-to")
"""The kinds a property about one agent (`Property.about`) may have."""


class PropertyError(ValueError):
    """A property declared with a bad argument; the message names the field, value and fix."""


def _name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise PropertyError(
            f"name: {name!r} is not accepted; give a non-empty string that identifies the property"
        )
    return name


def _requirements(name: str, requirements: Iterable[str]) -> tuple[str, ...]:
    if isinstance(requirements, str):
        raise PropertyError(
            f"requirements of {name!r}: {requirements!r} is a single string; "
            f"give a tuple of requirement IDs such as ({requirements!r},)"
        )
    ids = tuple(requirements)
    for rid in ids:
        if not isinstance(rid, str) or not rid.strip():
            raise PropertyError(
                f"requirements of {name!r}: {rid!r} is not accepted; "
                "give non-empty strings such as 'CERT-3'"
            )
    return ids


def _predicate(name: str, field: str, pred: object) -> Callable[[S], bool]:
    if not callable(pred):
        raise PropertyError(
            f"{field} of {name!r}: {pred!r} is not callable; give a function from state to bool"
        )
    return pred


@dataclass(frozen=True)
class About(Generic[S]):
    """The agent a property is about: its position, and the same property about another."""

    position: int
    family: Callable[[int], Property[S]]


@dataclass(frozen=True)
class Property(Generic[S]):
    """One property: its name, kind, requirement IDs and predicates.

    ``condition`` is the invariant (`always`), the goal (`sometimes`, `eventually`), Q of
    `leads-to`, or the healthy predicate (`recoverable`); ``trigger`` is P of `leads-to`.
    Predicates are evaluated on stored states; under symmetry reduction they must not distinguish
    states of one symmetry class (as with TLC's SYMMETRY), unless the property is about one agent
    (``about``, see `Property.about`): the checker then judges it by the agent's orbit.
    """

    name: str
    kind: Kind
    requirements: tuple[str, ...]
    condition: Callable[[S], bool] | None = None
    trigger: Callable[[S], bool] | None = None
    about: About[S] | None = None

    @classmethod
    def about_agent(cls, position: int, family: Callable[[int], Property[S]]) -> Property[S]:
        """``family(position)``, marked as a property about the agent at ``position``.

        ``family(j)`` is the same claim about the agent at position ``j`` (its predicates read
        that agent where ``family(position)``'s read this one). Its predicates may then tell apart
        states of one symmetry class: under symmetry reduction the checker judges the claim
        for every position the symmetry may move the agent to (`ehttp.checker.model.Orbits`),
        which is sound when permuting the agents and the positions together leaves the
        predicates' values alone (see `ehttp.checker.watched`). Kinds: `WATCHED_KINDS`.
        """
        if isinstance(position, bool) or not isinstance(position, int) or position < 0:
            raise PropertyError(
                f"position: {position!r} is not accepted; give the agent's position (an int >= 0)"
            )
        if not callable(family):
            raise PropertyError(
                f"family: {family!r} is not callable; give a function from a position to the "
                "property about the agent there"
            )
        prop = family(position)
        if not isinstance(prop, Property) or prop.kind not in WATCHED_KINDS:
            raise PropertyError(
                f"family({position}): {prop!r} is not accepted; give a Property of kind "
                f"{', '.join(WATCHED_KINDS)}"
            )
        return dataclasses.replace(prop, about=About(position, family))

    @classmethod
    def always(
        cls, name: str, pred: Callable[[S], bool], requirements: Iterable[str] = ()
    ) -> Property[S]:
        """``pred`` holds in every reachable state; a violation has a shortest trace."""
        name = _name(name)
        return cls(
            name, "always", _requirements(name, requirements), _predicate(name, "pred", pred)
        )

    @classmethod
    def sometimes(
        cls, name: str, pred: Callable[[S], bool], requirements: Iterable[str] = ()
    ) -> Property[S]:
        """Some reachable state satisfies ``pred``; the witness is a shortest trace to it."""
        name = _name(name)
        return cls(
            name, "sometimes", _requirements(name, requirements), _predicate(name, "pred", pred)
        )

    @classmethod
    def eventually(
        cls, name: str, pred: Callable[[S], bool], requirements: Iterable[str] = ()
    ) -> Property[S]:
        """Every weakly fair behaviour from an initial state reaches a ``pred`` state."""
        name = _name(name)
        return cls(
            name, "eventually", _requirements(name, requirements), _predicate(name, "pred", pred)
        )

    @classmethod
    def leads_to(
        cls,
        name: str,
        p: Callable[[S], bool],
        q: Callable[[S], bool],
        requirements: Iterable[str] = (),
    ) -> Property[S]:
        """P ~> Q: under weak fairness, every P state is followed by a Q state."""
        name = _name(name)
        return cls(
            name,
            "leads-to",
            _requirements(name, requirements),
            _predicate(name, "q", q),
            _predicate(name, "p", p),
        )

    @classmethod
    def recoverable(
        cls, name: str, healthy: Callable[[S], bool], requirements: Iterable[str] = ()
    ) -> Property[S]:
        """From every reachable state some path reaches a ``healthy`` state."""
        name = _name(name)
        return cls(
            name,
            "recoverable",
            _requirements(name, requirements),
            _predicate(name, "healthy", healthy),
        )

    @classmethod
    def deadlock_free(cls, name: str, requirements: Iterable[str] = ()) -> Property[S]:
        """Every reachable state has at least one enabled action."""
        name = _name(name)
        return cls(name, "deadlock-free", _requirements(name, requirements))
