"""Mutants of the declarations: small, named changes to one machine, made in memory.

From the declared machines alone (`model/machines/`), each mutant changes one thing:
- ``remove``: a row is removed (kept in place with a guard that is never true, so that actions
  keep their row numbers; a removed reaction row no longer reacts to its event);
- ``guard-true`` / ``guard-false``: a row's guard is forced true, or false (rows whose guard is
  already "always" have no guard to force; a guard forced false behaves exactly as the row
  removed, and the audit says so instead of checking it twice). A reaction row forced true
  displaces the reaction rows to the same event that share a source state with it (their guards
  are exclusive alternatives, and the composition refuses two reactions at once): the mutant is
  "this alternative always wins";
- ``deadline-shorter`` / ``deadline-longer``: a state's deadline is one clock quantum shorter
  (never below one quantum) or longer;
- ``redirect``: a row's destination becomes another state of its machine. There are many of
  these; when there are more than the limit, a fixed-seed sample of them is taken, so a run is
  reproducible.
Observer machines (the toggle history) are not mutated: no guard reads them, so a change to them
changes no behaviour of the site, only what the properties see.

Nothing is patched: a mutant is a new `Machine` value built with `dataclasses.replace`, and the
composition runs it in place of the declared one (`WorldModel(..., machines=...)`).
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ehttp.machines.access import AccessTables
from ehttp.machines.guards import Atom, Guard, Rendering
from ehttp.machines.machine import Machine, Row, always

if TYPE_CHECKING:
    from ehttp.machines.state import Questions, World

__all__ = [
    "KINDS",
    "OBSERVERS",
    "REDIRECT_LIMIT",
    "REDIRECT_SEED",
    "TABLE_KINDS",
    "Kind",
    "Mutant",
    "Where",
    "derive_mutants",
    "never",
]

Kind = Literal[
    "remove",
    "guard-true",
    "guard-false",
    "deadline-shorter",
    "deadline-longer",
    "redirect",
    "cell-removed",
    "cell-added",
    "condition-dropped",
]
KINDS: tuple[Kind, ...] = (
    "remove",
    "guard-true",
    "guard-false",
    "deadline-shorter",
    "deadline-longer",
    "redirect",
)
"""The kinds of mutants of the declared machines."""
TABLE_KINDS: tuple[Kind, ...] = ("cell-removed", "cell-added", "condition-dropped")
"""The kinds of mutants of the access tables (`model/audit/table_mutants.py`)."""
OBSERVERS = frozenset({"toggle-history"})
"""Machines that only observe (no guard reads them); they are not mutated."""
REDIRECT_LIMIT = 40
"""At most this many redirect mutants; more are sampled with `REDIRECT_SEED`."""
REDIRECT_SEED = 1806


@dataclass(frozen=True, eq=False)
class _Never(Guard):
    text: str = "never"

    def __call__(self, env: Questions, world: World, index: int) -> bool:
        return False

    def promela(self, rendering: Rendering, index: int) -> str:
        return "0"

    def atoms(self) -> Iterator[Atom]:
        return iter(())


never: Guard = _Never()
"""The guard of a removed row, or of a guard forced false."""


@dataclass(frozen=True)
class Where:
    """What a mutant changes, named by the declaration's own words (never by a row's position,
    which an edit elsewhere in the machine moves): the machine and the kind of change; for a row,
    its name, event, sources and destination (and a redirect's new destination); for a deadline,
    its state. `specs/unconstrained.toml` lists survivors by these fields."""

    machine: str
    kind: Kind
    row: str | None = None
    on: str | None = None
    source: tuple[str, ...] = ()
    dest: str | None = None
    state: str | None = None
    target: str | None = None


@dataclass(frozen=True)
class Mutant:
    """One change to one declared machine.

    `id` is stable across runs (machine, row number or state, kind); `change` says what changed
    in the declaration's own words; `sources` are the states of `machine` where the change can
    make a difference (a world with no instance of `machine` in one of them behaves as before).
    `same_as` names an earlier mutant with exactly the same behaviour. A mutant of the access
    tables has no machine (`replaced` is None) and carries the changed `tables` instead; its
    `machine` names the table ("mp-table", "dp-table").
    """

    id: str
    kind: Kind
    machine: str
    change: str
    replaced: Machine | None
    sources: frozenset[str]
    where: Where
    """What the change is, in the declaration's words (see `Where`)."""
    same_as: str | None = None
    row: int | None = None
    """The number of the changed row (None for a deadline)."""
    tables: AccessTables | None = None
    """The changed access tables (a table mutant only)."""


def _row_text(row: Row) -> str:
    on = f" on {row.event!r}" if row.event is not None else ""
    return f"{row.name!r}{on} ({', '.join(row.source)} -> {row.dest})"


def _with_row(machine: Machine, number: int, row: Row) -> Machine:
    rows = list(machine.rows)
    rows[number] = row
    return replace(machine, rows=tuple(rows))


def _alternatives(machine: Machine, number: int) -> tuple[int, ...]:
    """The other reaction rows to row `number`'s event that share a source state with it."""
    row = machine.rows[number]
    if row.event is None:
        return ()
    return tuple(
        other
        for other, sibling in enumerate(machine.rows)
        if other != number and sibling.event == row.event and set(sibling.source) & set(row.source)
    )


def _row_mutant(
    machine: Machine,
    number: int,
    kind: Kind,
    change: str,
    changed: Row,
    target: str | None = None,
    same_as: str | None = None,
    displaced: tuple[int, ...] = (),
) -> Mutant:
    """Row `number` of `machine` replaced by `changed`, the rows `displaced` forced false;
    `change` follows the row's text."""
    row = machine.rows[number]
    base = f"{machine.name}/{number}/{kind}"
    mutated = _with_row(machine, number, changed)
    sources = set(row.source)
    for other in displaced:
        mutated = _with_row(mutated, other, replace(machine.rows[other], guard=never))
        sources |= set(machine.rows[other].source)
    return Mutant(
        base if target is None else f"{base}/{target}",
        kind,
        machine.name,
        f"{machine.name}: row {_row_text(row)}{change}",
        mutated,
        frozenset(sources),
        Where(machine.name, kind, row.name, row.event, row.source, row.dest, None, target),
        same_as=same_as,
        row=number,
    )


def _row_mutants(machine: Machine) -> tuple[list[Mutant], list[Mutant]]:
    mutants: list[Mutant] = []
    redirects: list[Mutant] = []
    for number, row in enumerate(machine.rows):
        removed = _row_mutant(machine, number, "remove", " removed", replace(row, guard=never))
        mutants.append(removed)
        if row.guard is not always:
            guard = row.guard_text
            displaced = _alternatives(machine, number)
            mutants.append(
                _row_mutant(
                    machine,
                    number,
                    "guard-true",
                    f": guard [{guard}] forced true"
                    + (" over its alternatives" if displaced else ""),
                    replace(row, guard=always),
                    displaced=displaced,
                )
            )
            mutants.append(
                _row_mutant(
                    machine,
                    number,
                    "guard-false",
                    f": guard [{guard}] forced false",
                    replace(row, guard=never),
                    same_as=removed.id,
                )
            )
        for state in machine.state_names:
            if state != row.dest:
                redirects.append(
                    _row_mutant(
                        machine,
                        number,
                        "redirect",
                        f" goes to {state} instead",
                        replace(row, dest=state),
                        state,
                    )
                )
    return mutants, redirects


def _deadline_mutants(machine: Machine) -> list[Mutant]:
    mutants: list[Mutant] = []
    for number, state in enumerate(machine.states):
        if state.deadline is None:
            continue
        steps: tuple[tuple[Kind, int], ...] = (("deadline-shorter", -1), ("deadline-longer", 1))
        for kind, delta in steps:
            deadline = state.deadline + delta
            if deadline < 1:
                continue
            states = list(machine.states)
            states[number] = replace(state, deadline=deadline)
            word = "shorter" if delta < 0 else "longer"
            mutants.append(
                Mutant(
                    f"{machine.name}/{state.name}/{kind}",
                    kind,
                    machine.name,
                    f"{machine.name}: deadline of {state.name} {state.deadline} -> {deadline} "
                    f"quanta (one quantum {word})",
                    replace(machine, states=tuple(states)),
                    frozenset({state.name}),
                    where=Where(machine.name, kind, state=state.name),
                )
            )
    return mutants


def derive_mutants(
    machines: Sequence[Machine], *, redirect_limit: int = REDIRECT_LIMIT, seed: int = REDIRECT_SEED
) -> tuple[tuple[Mutant, ...], int]:
    """Every mutant of `machines` (observers left out), with redirects sampled down to
    `redirect_limit`; also the number of redirect mutants there were before sampling."""
    mutants: list[Mutant] = []
    redirects: list[Mutant] = []
    for machine in machines:
        if machine.name in OBSERVERS:
            continue
        found, redirected = _row_mutants(machine)
        mutants += found
        mutants += _deadline_mutants(machine)
        redirects += redirected
    total = len(redirects)
    if total > redirect_limit:
        chosen = set(random.Random(seed).sample(range(total), redirect_limit))
        redirects = [m for number, m in enumerate(redirects) if number in chosen]
    return tuple(mutants + redirects), total
