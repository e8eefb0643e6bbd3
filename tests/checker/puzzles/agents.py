"""Interchangeable agents sharing one global variable, written as tables of steps.

Every agent runs the same table of local steps, each guarded by its own local state and the
global value and setting both; the environment has steps of its own on the global value. Sorting
the agents' local states is a symmetry, and the model is `Symmetric`: it says where sorting put
each agent and whose step each action is, so the checker judges liveness on the reduced graph.
It is an `Orbits` model too (any two agents may be exchanged), so a property about one agent is
judged by the agent's orbit.

`relay` is the case that needs the agents followed through the symmetry. Two agents hand a baton
round in three phases (the global value): the one waiting reaches for it, the holder lets go, the
reacher grabs it. An agent holding or reaching may leave, a weakly fair step. On the reduced graph
the relay is one cycle of three states, and "the agent in the second position" may leave in all
three; but that is a different agent after every hand-over, and each agent in turn stands with
empty hands for a phase: no agent's leave is continuously enabled, weak fairness does not force
it, and "someone leaves" is violated. A checker that took the positions for the agents would
say it holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.checker import BaseModel

__all__ = ["AgentRow", "Agents", "GlobalRow", "Swarm", "relay"]

Swarm = tuple[int, tuple[int, ...]]
"""The global value and each agent's local state."""
Step = tuple[str, int | None]
"""A step's name and the agent taking it (None for an environment step on the global value)."""


@dataclass(frozen=True)
class AgentRow:
    """An agent's step: from its local state and the global value to new ones."""

    name: str
    local: int
    glob: int
    to_local: int
    to_glob: int
    fair: bool = True


@dataclass(frozen=True)
class GlobalRow:
    """An environment step on the global value (never fair)."""

    name: str
    glob: int
    to_glob: int


class Agents(BaseModel[Swarm, Step]):
    """``count`` agents, each running ``rows``, from the given initial state."""

    def __init__(
        self,
        count: int,
        rows: Sequence[AgentRow],
        env: Sequence[GlobalRow] = (),
        start: Swarm | None = None,
    ) -> None:
        self.count = count
        self.rows = tuple(rows)
        self.env = tuple(env)
        self.start: Swarm = start if start is not None else (0, (0,) * count)
        self.fair = {r.name: r.fair for r in self.rows}
        self.declared = tuple(dict.fromkeys([*(r.name for r in self.rows), *self.fair_env()]))

    def fair_env(self) -> list[str]:
        return [r.name for r in self.env]

    def init_states(self) -> Sequence[Swarm]:
        return (self.start,)

    def actions(self, state: Swarm) -> list[Step]:
        glob, local = state
        steps: list[Step] = [(r.name, None) for r in self.env if r.glob == glob]
        for agent, mine in enumerate(local):
            steps += [(r.name, agent) for r in self.rows if r.local == mine and r.glob == glob]
        return list(dict.fromkeys(steps))

    def next_state(self, state: Swarm, action: Step) -> Swarm:
        glob, local = state
        name, agent = action
        if agent is None:
            row = next(r for r in self.env if r.name == name and r.glob == glob)
            return (row.to_glob, local)
        found = next(
            r for r in self.rows if r.name == name and r.local == local[agent] and r.glob == glob
        )
        moved = (*local[:agent], found.to_local, *local[agent + 1 :])
        return (found.to_glob, moved)

    def is_fair(self, action: Step) -> bool:
        return action[1] is not None and self.fair[action[0]]

    def action_name(self, action: Step) -> str:
        return action[0]

    def all_action_names(self) -> Sequence[str]:
        return self.declared

    def canonical(self, state: Swarm) -> Swarm:
        return self.canonical_map(state)[0]

    def canonical_map(self, state: Swarm) -> tuple[Swarm, tuple[int, ...]]:
        glob, local = state
        order = sorted(range(self.count), key=local.__getitem__)
        perm = [0] * self.count
        for at, old in enumerate(order):
            perm[old] = at
        return (glob, tuple(local[old] for old in order)), tuple(perm)

    def agent(self, action: Step) -> tuple[int, str] | None:
        name, agent = action
        return None if agent is None else (agent, name)

    def orbit(self, position: int) -> tuple[int, ...]:
        """Every agent: any two may be exchanged (an `Orbits` model)."""
        return tuple(range(self.count))

    def swap(self, state: Swarm, i: int, j: int) -> Swarm:
        glob, local = state
        moved = list(local)
        moved[i], moved[j] = local[j], local[i]
        return (glob, tuple(moved))


def relay() -> Agents:
    """Local 0: empty-handed, 1: holding the baton, 2: reaching for it, 3: gone."""
    rows = [
        AgentRow("reach for the baton", 0, 0, 2, 1),
        AgentRow("let go of the baton", 1, 1, 0, 2),
        AgentRow("grab the baton", 2, 2, 1, 0),
        *(AgentRow("leave", local, phase, 3, phase) for local in (1, 2) for phase in (0, 1, 2)),
    ]
    return Agents(2, rows, start=(0, (1, 0)))
