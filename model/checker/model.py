"""The interface a model offers the checker, in the style of Stateright's `Model` trait.

The checker knows nothing about Enhanced HTTP: a model gives its initial states, the actions
enabled in a state, the successor of a state under an action, which actions are the system's own
(weakly fair) and which are the environment's, and, optionally, a symmetry representative and a
human description of a step. `BaseModel` supplies those optional parts for simple models.

A model whose symmetry permutes interchangeable agents may also be a `Symmetric` model: it says
where canonical form put each agent and whose step each action is, and liveness is then judged
on the reduced graph instead of the unreduced one (see `ehttp.checker.liveness`). A model that
can hand over a state's successors in one call, already in canonical form when asked, is an
`Expanding` model, and the search asks it so (one call per state instead of one per action).
"""

from __future__ import annotations

import dataclasses
from abc import ABC, abstractmethod
from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

__all__ = [
    "A",
    "BaseModel",
    "Expanding",
    "Model",
    "Moving",
    "Orbits",
    "Recording",
    "S",
    "Symmetric",
    "describe_change",
]

S = TypeVar("S", bound=Hashable)
A = TypeVar("A", bound=Hashable)
A_contra = TypeVar("A_contra", bound=Hashable, contravariant=True)
A_co = TypeVar("A_co", bound=Hashable, covariant=True)


class Model(Protocol[S, A]):
    """A finite transition system the checker can explore."""

    def init_states(self) -> Sequence[S]:
        """The initial states."""
        ...

    def actions(self, state: S) -> Iterable[A]:
        """The actions enabled in ``state``."""
        ...

    def next_state(self, state: S, action: A) -> S:
        """The state after taking the enabled ``action`` in ``state``."""
        ...

    def is_fair(self, action: A) -> bool:
        """True for a system action under weak fairness; False for an environment action."""
        ...

    def action_name(self, action: A) -> str:
        """The declared name of the transition that ``action`` instantiates."""
        ...

    def all_action_names(self) -> Sequence[str]:
        """Every declared transition name, so that the checker can report those never fired."""
        ...

    def canonical(self, state: S) -> S:
        """The representative of ``state``'s symmetry class (``state`` itself if none)."""
        ...

    def describe_step(self, before: S, action: A, after: S) -> str:
        """Human text for one step: the action in the source's words, then what changed."""
        ...


@runtime_checkable
class Expanding(Protocol[S, A_co]):
    """A model that gives a state's successors in one call (a faster search, same graph)."""

    def successors(self, state: S, canonical: bool) -> Iterable[tuple[A_co, S]]:
        """Each action of ``actions(state)``, in that order, with ``next_state(state, action)``,
        or with ``canonical(next_state(state, action))`` when ``canonical``."""
        ...


@runtime_checkable
class Symmetric(Protocol[S, A_contra]):
    """A model whose symmetry permutes agents (processes, clients): what weak fairness on the
    symmetry-reduced graph needs to know.

    The agents sit at positions ``0 .. n-1`` of a state; canonical form permutes them. The
    contract: the agent at position ``j`` of ``state`` is at position ``perm[j]`` of
    ``canonical(state)``, and the action an agent takes in one state is, once the agents are
    permuted, the action of the same name taken by the same agent at its new position.
    """

    def canonical_map(self, state: S) -> tuple[S, Sequence[int]]:
        """``canonical(state)`` and the permutation of positions that gives it."""
        ...

    def agent(self, action: A_contra) -> tuple[int, Hashable] | None:
        """The position of the agent taking ``action`` and the action's name among that agent's
        actions; None for an action no permutation of the symmetry moves."""
        ...


@runtime_checkable
class Moving(Protocol[S]):
    """A `Symmetric`, `Expanding` model that says which of a state's successors canonical form
    changes: judging on the reduced graph then needs no successor built again, only those."""

    def moved_targets(self, state: S) -> Mapping[int, S]:
        """The successors of ``state`` (numbered in the order of ``successors(state, True)``)
        that canonical form changes, before canonical form; canonical form leaves the others as
        they are (``canonical_map`` of each is the identity). Asked of stored states only."""
        ...


@runtime_checkable
class Recording(Protocol):
    """A model that keeps a record its answers add to (the rows its steps fired): when the
    checker asks questions in a forked child process (`ehttp.checker.fork`), the child's record
    comes back with its answers and is added to this process's, as if asked here."""

    def recorded(self) -> object:
        """The record as it stands (picklable)."""
        ...

    def absorb(self, record: object) -> None:
        """Add a child's `recorded()` to this model's record."""
        ...


@runtime_checkable
class Orbits(Protocol[S]):
    """A model whose symmetry exchanges any two agents of one orbit: what judging a property
    about one agent (`ehttp.checker.Property.about_agent`) under symmetry reduction needs.

    The contract: the symmetry group holds every exchange of two positions of one orbit (so it
    is a product of the full permutation groups of its orbits, as with clients or servers of
    one configuration), and the initial states are closed under it.
    """

    def orbit(self, position: int) -> Sequence[int]:
        """The positions the symmetry may move the agent at ``position`` to, in order (itself
        included; only itself when no permutation moves it)."""
        ...

    def swap(self, state: S, i: int, j: int) -> S:
        """``state`` with the agents at positions ``i`` and ``j`` (of one orbit) exchanged."""
        ...


def describe_change(before: object, after: object) -> str:
    """What changed between two states: changed fields of a dataclass, else old -> new."""
    if (
        dataclasses.is_dataclass(before)
        and not isinstance(before, type)
        and type(before) is type(after)
    ):
        changes = [
            f"{field.name}: {getattr(before, field.name)!r} -> {getattr(after, field.name)!r}"
            for field in dataclasses.fields(before)
            if getattr(before, field.name) != getattr(after, field.name)
        ]
        return ", ".join(changes) if changes else "no change"
    if before == after:
        return "no change"
    return f"{before!r} -> {after!r}"


class BaseModel(ABC, Generic[S, A]):
    """Defaults for the optional parts of `Model`: every action fair, no symmetry, generic text.

    Subclasses implement `init_states`, `actions`, `next_state`, `action_name` and
    `all_action_names`; they override `is_fair`, `canonical` or `describe_step` when they have
    environment actions, a symmetry, or words from the source for a step.
    """

    @abstractmethod
    def init_states(self) -> Sequence[S]:
        """The initial states."""

    @abstractmethod
    def actions(self, state: S) -> Iterable[A]:
        """The actions enabled in ``state``."""

    @abstractmethod
    def next_state(self, state: S, action: A) -> S:
        """The state after taking ``action`` in ``state``."""

    @abstractmethod
    def action_name(self, action: A) -> str:
        """The declared name of the transition that ``action`` instantiates."""

    @abstractmethod
    def all_action_names(self) -> Sequence[str]:
        """Every declared transition name."""

    def is_fair(self, action: A) -> bool:
        """Every action is a system action under weak fairness unless a subclass says otherwise."""
        return True

    def canonical(self, state: S) -> S:
        """No symmetry: every state is its own representative."""
        return state

    def describe_step(self, before: S, action: A, after: S) -> str:
        """The action's name, then the changed fields."""
        return f"{self.action_name(action)}: {describe_change(before, after)}"
