"""Guards as data: named atoms over the world, combined with and, or and not.

A guard is a small formula. Its leaves are atoms: named predicates over the composed world
("enhanced HTTP on", "smsexec running", "certificate work queued", ...), each declared once, next to
the states it reads, with its two meanings side by side:
- `evaluate`: the Python evaluation the model checker's successor function calls;
- `render`: the same question as a Promela expression, for `ehttp export --promela`.
A row's `guard_text` is read off the formula (the atoms' words joined by "and", "or"), so the
tables, the diagrams, the checker and the Promela export all read one declaration.

Combine atoms with ``&``, ``|`` and ``~``: ``ENHANCED & holds_evidence(m) & mp_accepts(m)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ehttp.machines.state import Questions, World

__all__ = [
    "ALWAYS",
    "AllOf",
    "AnyOf",
    "Atom",
    "Guard",
    "Not",
    "Rendering",
    "promela_all",
    "promela_any",
    "promela_not",
]


class Rendering(Protocol):
    """What an atom's Promela rendering may ask of the exporter (`model/compose/promela.py`).

    The lab's configuration (`env`), where each machine instance sits in the world (`site`, `app`,
    `smsexec`, the certificate bindings, each management point's binding) and how to say in
    Promela that an instance is in one of some states, or what its timer reads.
    """

    @property
    def env(self) -> Questions:
        """The lab's configuration and the composition's questions."""

    @property
    def site(self) -> int:
        """The site mode's instance."""

    @property
    def app(self) -> int:
        """The Azure AD application's instance."""

    @property
    def smsexec(self) -> int:
        """The smsexec service's instance."""

    @property
    def bindings(self) -> Sequence[int]:
        """Every site system's certificate binding instance."""

    @property
    def management_points(self) -> Sequence[int]:
        """Each management point's certificate binding instance, in the lab's order."""

    @property
    def timed(self) -> Sequence[tuple[int, dict[str, int]]]:
        """Instances whose machine has deadlines, with each deadline state's deadline."""

    def is_in(self, instance: int, states: Iterable[str]) -> str:
        """A Promela expression: the instance's control state is one of `states`."""

    def timer(self, instance: int) -> str:
        """The Promela variable holding the instance's timer (quanta spent in its state)."""


def promela_all(parts: Iterable[str]) -> str:
    """The conjunction of Promela expressions, with the constants ``1`` and ``0`` folded."""
    kept: list[str] = []
    for part in parts:
        if part == "0":
            return "0"
        if part != "1" and part not in kept:
            kept.append(part)
    if not kept:
        return "1"
    return kept[0] if len(kept) == 1 else "(" + " && ".join(kept) + ")"


def promela_any(parts: Iterable[str]) -> str:
    """The disjunction of Promela expressions, with the constants ``1`` and ``0`` folded."""
    kept: list[str] = []
    for part in parts:
        if part == "1":
            return "1"
        if part != "0" and part not in kept:
            kept.append(part)
    if not kept:
        return "0"
    return kept[0] if len(kept) == 1 else "(" + " || ".join(kept) + ")"


def promela_not(part: str) -> str:
    """The negation of a Promela expression, with the constants folded."""
    if part in ("0", "1"):
        return "1" if part == "0" else "0"
    return f"!{part}" if part.startswith("(") else f"!({part})"


class Guard:
    """A guard formula: called like a function of (questions, world, own instance index)."""

    text: str
    """The guard in the source's words, as tables and diagrams print it ("" when always true)."""

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        raise NotImplementedError

    def promela(self, rendering: Rendering, index: int) -> str:
        """The guard as a Promela expression for the instance at `index`."""
        raise NotImplementedError

    def atoms(self) -> Iterator[Atom]:
        """The atoms the formula reads, left to right."""
        raise NotImplementedError

    def __and__(self, other: Guard) -> Guard:
        return AllOf((*_parts(self, AllOf), *_parts(other, AllOf)))

    def __or__(self, other: Guard) -> Guard:
        return AnyOf((*_parts(self, AnyOf), *_parts(other, AnyOf)))

    def __invert__(self) -> Guard:
        return Not(self)


def _parts(guard: Guard, kind: type[AllOf] | type[AnyOf]) -> tuple[Guard, ...]:
    return guard.parts if isinstance(guard, kind) else (guard,)


@dataclass(frozen=True, eq=False)
class Atom(Guard):
    """A named predicate over the world, with its Python evaluation and its Promela rendering.

    `text` says when it holds and `negated` when it does not, in the source's words.
    """

    name: str
    text: str
    negated: str
    evaluate: Callable[[Questions, World, int], bool] = field(repr=False)
    render: Callable[[Rendering, int], str] = field(repr=False)

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        return self.evaluate(env, world, index)

    def promela(self, rendering: Rendering, index: int) -> str:
        return self.render(rendering, index)

    def atoms(self) -> Iterator[Atom]:
        yield self


@dataclass(frozen=True, eq=False)
class Not(Guard):
    """The negation of a guard."""

    part: Guard
    text: str = field(init=False)

    def __post_init__(self) -> None:
        words = self.part.negated if isinstance(self.part, Atom) else f"not ({self.part.text})"
        object.__setattr__(self, "text", words)

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        return not self.part(env, world, index)

    def promela(self, rendering: Rendering, index: int) -> str:
        return promela_not(self.part.promela(rendering, index))

    def atoms(self) -> Iterator[Atom]:
        return self.part.atoms()


@dataclass(frozen=True, eq=False)
class AllOf(Guard):
    """Every part holds (evaluated left to right, stopping at the first that does not)."""

    parts: tuple[Guard, ...]
    text: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " and ".join(_words(p, AnyOf) for p in self.parts))

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        for part in self.parts:  # noqa: SIM110 (no generator per call on the checker's hot path)
            if not part(env, world, index):
                return False
        return True

    def promela(self, rendering: Rendering, index: int) -> str:
        return promela_all(p.promela(rendering, index) for p in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()


@dataclass(frozen=True, eq=False)
class AnyOf(Guard):
    """Some part holds (evaluated left to right, stopping at the first that does)."""

    parts: tuple[Guard, ...]
    text: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", " or ".join(_words(p, AllOf) for p in self.parts))

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        for part in self.parts:  # noqa: SIM110 (no generator per call on the checker's hot path)
            if part(env, world, index):
                return True
        return False

    def promela(self, rendering: Rendering, index: int) -> str:
        return promela_any(p.promela(rendering, index) for p in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()


def _words(part: Guard, bracketed: type[AllOf] | type[AnyOf]) -> str:
    return f"({part.text})" if isinstance(part, bracketed) else part.text


@dataclass(frozen=True, eq=False)
class _Always(Guard):
    text: str = ""

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        return True

    def promela(self, rendering: Rendering, index: int) -> str:
        return "1"

    def atoms(self) -> Iterator[Atom]:
        return iter(())


ALWAYS: Guard = _Always()
"""The guard of a row that is enabled whenever its source state is."""
