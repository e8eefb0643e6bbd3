"""Small liveness puzzles, each written as a table of transitions (name, source, target).

An action is its name: the same name enabled in two states is one action for weak fairness,
as with a TLA+ action that is enabled in several states. Each puzzle isolates one point of the
semantics the checker must get right:

- `spinner`: an `eventually` that holds only because `finish` is weakly fair;
- `doorbell`: the only violation is stuttering where no fair action is enabled (the graph has no
  cycle at all); it also declares an action that can never fire;
- `elevator`: the violation is a cycle inside a non-terminal component: `exit` leaves the cycle,
  but it is not continuously enabled, so weak fairness does not force it;
- `binder`: fairness is per action value: ("bind", 0) looping does not discharge ("bind", 1).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from ehttp.checker import BaseModel

__all__ = [
    "Row",
    "TableModel",
    "binder",
    "doorbell",
    "elevator",
    "spinner",
]

Act = TypeVar("Act", bound=Hashable)


@dataclass(frozen=True)
class Row(Generic[Act]):
    """One transition: the action, the state it is enabled in, and the state it leads to."""

    action: Act
    source: str
    target: str


class TableModel(BaseModel[str, Act]):
    """A model given as data: initial states, transition rows, and which actions are unfair.

    The declared action names are those of the rows, reachable or not.
    """

    def __init__(
        self,
        init: Sequence[str],
        rows: Sequence[Row[Act]],
        unfair: frozenset[Act] = frozenset(),
    ) -> None:
        self.init = tuple(init)
        self.rows = tuple(rows)
        self.unfair = unfair
        self.declared = tuple(dict.fromkeys(self.action_name(r.action) for r in rows))
        self.targets = {(r.source, r.action): r.target for r in self.rows}

    def init_states(self) -> Sequence[str]:
        return self.init

    def actions(self, state: str) -> list[Act]:
        return [r.action for r in self.rows if r.source == state]

    def next_state(self, state: str, action: Act) -> str:
        return self.targets[(state, action)]

    def is_fair(self, action: Act) -> bool:
        return action not in self.unfair

    def action_name(self, action: Act) -> str:
        return action[0] if isinstance(action, tuple) else str(action)

    def all_action_names(self) -> Sequence[str]:
        return self.declared


def spinner(fair_finish: bool) -> TableModel[str]:
    """start -begin-> w0 <-spin-> w1, and finish from w0 or w1 to done."""
    rows = [
        Row("begin", "start", "w0"),
        Row("spin", "w0", "w1"),
        Row("spin", "w1", "w0"),
        Row("finish", "w0", "done"),
        Row("finish", "w1", "done"),
    ]
    return TableModel(["start"], rows, frozenset() if fair_finish else frozenset({"finish"}))


def doorbell() -> TableModel[str]:
    """idle -arm-> armed -press (a visitor: unfair)-> ringing -answer-> answered.

    ``repair`` is declared for the state "broken", which nothing reaches.
    """
    rows = [
        Row("arm", "idle", "armed"),
        Row("press", "armed", "ringing"),
        Row("answer", "ringing", "answered"),
        Row("repair", "broken", "idle"),
    ]
    return TableModel(["idle"], rows, frozenset({"press"}))


def elevator() -> TableModel[str]:
    """lobby -enter-> ground <-up/down-> first -exit-> out: exit only on the first floor."""
    rows = [
        Row("enter", "lobby", "ground"),
        Row("up", "ground", "first"),
        Row("down", "first", "ground"),
        Row("exit", "first", "out"),
    ]
    return TableModel(["lobby"], rows)


def binder() -> TableModel[tuple[str, int]]:
    """a <-("bind", 0)-> b, and ("bind", 1) from a or b to bound."""
    rows = [
        Row(("bind", 0), "a", "b"),
        Row(("bind", 0), "b", "a"),
        Row(("bind", 1), "a", "bound"),
        Row(("bind", 1), "b", "bound"),
    ]
    return TableModel(["a"], rows)
