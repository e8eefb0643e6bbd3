"""How a machine is declared: states and transition rows as plain, typed data.

Every machine of the model (site mode, certificate binding, smsexec, client registration, the
clock, ...) is one `Machine` value. The `transitions` view, the model checker's successor function,
the Hypothesis rules, the tables and the diagrams are all derived from these values (STYLE.md rule
1), so there is exactly one place where a behaviour is written down.

A row either fires on its own (its `actor` does it) or, when `event` is set, reacts to another
machine's row of that name in the same step (a broadcast, like one `trigger` sent to several
`transitions` models). Guards read the composed world before the step; a row's effect is only its
destination state (guard, then update, then frame: everything else stays unchanged). A guard is a
formula over named atoms (`model/machines/guards.py`): plain data with a Python evaluation and a
Promela rendering.

Time is explicit: a state may carry a deadline in clock quanta. An instance's timer starts at 0
when it enters such a state, the clock advances every running timer by one quantum, and the clock
cannot advance past a deadline (the state is urgent at its deadline), as in timed automata.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ehttp.machines.guards import ALWAYS, Guard

__all__ = [
    "FAIR_ACTORS",
    "Actor",
    "DeclarationError",
    "Guard",
    "Machine",
    "Row",
    "StateDecl",
    "always",
]

Actor = Literal["administrator", "user", "site", "client", "time"]
_ASSUMPTION_ID = re.compile(r"A-[1-9][0-9]*")
FAIR_ACTORS: frozenset[Actor] = frozenset({"site", "client", "time"})
"""Actors whose steps are weakly fair: site server components, the client agent and the clock.
Administrators and users are the environment: the model never assumes they act."""

always: Guard = ALWAYS
"""The guard of a row that is enabled whenever its source state is."""


class DeclarationError(ValueError):
    """A machine declaration is inconsistent; raised when the machine is defined, not when run."""


@dataclass(frozen=True)
class StateDecl:
    """A control state of a machine.

    `marks` flag states a reader must notice (for example ``("unsupported", "SITE-2")``); the
    diagrams draw them, and properties may refer to them. `deadline` is in clock quanta.
    """

    name: str
    description: str
    marks: tuple[str, ...] = ()
    deadline: int | None = None


@dataclass(frozen=True)
class Row:
    """One transition: name in the source's words, sources, destination, guard, requirement IDs."""

    name: str
    source: tuple[str, ...]
    dest: str
    requirements: tuple[str, ...]
    actor: Actor
    guard: Guard = ALWAYS
    event: str | None = None
    note: str = ""
    assumes: tuple[str, ...] = ()
    """The modeling assumptions (``A-n`` of `specs/assumptions.md`) the row enacts."""

    @property
    def guard_text(self) -> str:
        """The guard in the source's words, read off its atoms ("" when always enabled)."""
        return self.guard.text

    @property
    def fair(self) -> bool:
        """Whether the row is a system step under weak fairness (reactions follow their event)."""
        return self.actor in FAIR_ACTORS

    @property
    def reaction(self) -> bool:
        """Whether the row only fires as part of another machine's step named `event`."""
        return self.event is not None


@dataclass(frozen=True)
class Machine:
    """A declared machine: its states, its rows and what it is about."""

    name: str
    title: str
    doc: str
    states: tuple[StateDecl, ...]
    rows: tuple[Row, ...]

    def __post_init__(self) -> None:
        names = [state.name for state in self.states]
        if len(set(names)) != len(names):
            raise DeclarationError(f"machine {self.name}: state names repeat: {sorted(names)}")
        known = set(names)
        for row in self.rows:
            unknown = [s for s in (*row.source, row.dest) if s not in known]
            if unknown:
                raise DeclarationError(
                    f"machine {self.name}: row {row.name!r} names unknown states {unknown}; "
                    f"declare them in states (known: {', '.join(names)})"
                )
            if not row.source:
                raise DeclarationError(
                    f"machine {self.name}: row {row.name!r} has no source state; give at least one"
                )
            malformed = [a for a in row.assumes if not _ASSUMPTION_ID.fullmatch(a)]
            if malformed:
                raise DeclarationError(
                    f"machine {self.name}: row {row.name!r} assumes {malformed}; "
                    "name assumptions by their IDs in specs/assumptions.md, such as 'A-3'"
                )
            if not row.requirements:
                raise DeclarationError(
                    f"machine {self.name}: row {row.name!r} names no requirement ID; "
                    "every row must say which requirement it serves"
                )
        for state in self.states:
            if state.deadline is not None and state.deadline < 1:
                raise DeclarationError(
                    f"machine {self.name}: state {state.name!r} has deadline {state.deadline}; "
                    "a deadline is a whole number of quanta >= 1"
                )

    def state(self, name: str) -> StateDecl:
        """The declared state called `name`."""
        for state in self.states:
            if state.name == name:
                return state
        raise KeyError(f"machine {self.name} has no state {name!r}")

    @property
    def state_names(self) -> tuple[str, ...]:
        """The names of the declared states, in declaration order."""
        return tuple(state.name for state in self.states)

    @property
    def local_rows(self) -> tuple[Row, ...]:
        """Rows that fire on their own."""
        return tuple(row for row in self.rows if not row.reaction)

    @property
    def reaction_rows(self) -> tuple[Row, ...]:
        """Rows that react to another machine's step."""
        return tuple(row for row in self.rows if row.reaction)

    def assumption_ids(self) -> frozenset[str]:
        """Every assumption ID named by a row of the machine."""
        return frozenset(a for row in self.rows for a in row.assumes)

    def requirement_ids(self) -> frozenset[str]:
        """Every requirement ID named by a row of the machine."""
        return frozenset(req for row in self.rows for req in row.requirements)
