"""The Die Hard water-jug puzzle, after TLA+ Examples `specifications/DieHard/DieHard.tla`.

Jugs of 3 and 5 gallons, a faucet and a drain. TLC reports 16 distinct states, and the invariant
"the big jug never holds 4 gallons" is violated by a shortest behaviour of 6 steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.checker import BaseModel

__all__ = ["ACTIONS", "DieHard", "Jugs"]

ACTIONS: tuple[str, ...] = (
    "FillSmallJug",
    "FillBigJug",
    "EmptySmallJug",
    "EmptyBigJug",
    "SmallToBig",
    "BigToSmall",
)


@dataclass(frozen=True)
class Jugs:
    """The gallons in each jug."""

    small: int  # 0..3
    big: int  # 0..5


class DieHard(BaseModel[Jugs, str]):
    """Every action is always enabled, as in the TLA+ spec (some steps leave the state as is)."""

    def init_states(self) -> Sequence[Jugs]:
        return (Jugs(small=0, big=0),)

    def actions(self, state: Jugs) -> Sequence[str]:
        return ACTIONS

    def next_state(self, state: Jugs, action: str) -> Jugs:
        small, big = state.small, state.big
        if action == "FillSmallJug":
            return Jugs(3, big)
        if action == "FillBigJug":
            return Jugs(small, 5)
        if action == "EmptySmallJug":
            return Jugs(0, big)
        if action == "EmptyBigJug":
            return Jugs(small, 0)
        if action == "SmallToBig":
            poured = min(small, 5 - big)
            return Jugs(small - poured, big + poured)
        poured = min(big, 3 - small)
        return Jugs(small + poured, big - poured)

    def action_name(self, action: str) -> str:
        return action

    def all_action_names(self) -> Sequence[str]:
        return ACTIONS
