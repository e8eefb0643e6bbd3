"""The administrator's clicks and the site's own steps between them: the model `whatif` explores.

A script is a start world, the administrator's actions in order, and how long the administrator
waits between two of them (`ehttp whatif --do A --wait 20 --do B`). Its states are
(actions taken, clock steps since the last one, world); its steps are
- the administrator's next action (one model step of that action's row, on every instance it
  fires on), taken when the lab's model allows it and the wait before it is over; where the model
  refuses it (a site step got there first: nothing left to delete, a restart under way), the
  click changes nothing and the script goes on (an action no run can take is an input error);
- a system step of the world (a weakly fair row), other than the clock's, between two actions and
  after the last one;
- the clock's step ("15 minutes pass") after the last action, and between two actions only as
  many times as the wait between them allows; while no timer runs, the minutes of a wait pass with
  nothing for the clock to advance, and the world stays as it is.
Every step is weakly fair: the administrator does click, the site does work. Minutes are counted
from the first action.

Modeling assumption A-33: consecutive actions are a person clicking quickly in the console: the
site's own steps may run between two clicks in any interleaving, but no clock quantum passes
between them; a wait of W minutes between two clicks lets floor(W/15) or ceil(W/15) clock
quanta pass (the clicks' phase against the model clock is unknown). `--at-once` takes the actions
one after another with no step of the site between them (the meaning before), where a click the
lab's model refuses is an input error, as it is for the first action and for an action no run can
take.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ehttp.ask.actions import AdminAction, possible_now, take, targets
from ehttp.ask.steps import TimedStep
from ehttp.checker import PropertyResult
from ehttp.compose.world import CLOCK_AT, Action, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.machines.clock import QUANTUM_MINUTES, TICK

__all__ = ["Move", "Script", "Scripted", "quanta_between"]

Scripted = tuple[int, int, World]
"""A state of a script: (actions taken, clock quanta since the last of them, the world)."""


@dataclass(frozen=True)
class Move:
    """A step of a script: "admin" (the next action), "skip" (the next action's click where the
    lab's model refuses it: nothing changes), "system" (a fair row of the world, the clock's
    included after the last action) or "wait" (a quantum of a wait between actions)."""

    kind: str
    step: Action | None = None
    number: int = -1
    """For "admin": which action of the script (0 for the first)."""


_WAIT = Move("wait")


def quanta_between(wait_minutes: int) -> tuple[int, int]:
    """The fewest and most clock quanta a wait of `wait_minutes` between two clicks spans."""
    return wait_minutes // QUANTUM_MINUTES, -(-wait_minutes // QUANTUM_MINUTES)


class Script:
    """The checker's model of a script (see the module docstring)."""

    def __init__(
        self,
        lab: Lab,
        start: World,
        actions: Sequence[AdminAction] = (),
        waits: Sequence[int] = (),
        *,
        at_once: bool = False,
    ) -> None:
        if len(waits) != max(len(actions) - 1, 0):
            raise ValueError("one wait between each two actions")
        self.world = WorldModel(lab)
        self.lab = lab
        self.start = start
        self.plan = tuple(actions)
        self.waits = tuple(waits)
        self.bounds = tuple(quanta_between(w) for w in waits)
        self.at_once = at_once
        self.admin_rows = frozenset(
            row.name for m in self.world.env.machines for row in m.local_rows if not row.fair
        )

    def init_states(self) -> Sequence[Scripted]:
        """The start, no action taken."""
        return ((0, 0, self.start),)

    def done(self, state: Scripted) -> bool:
        """Every action of the script is taken in `state`."""
        return state[0] == len(self.plan)

    def actions(self, state: Scripted) -> list[Move]:
        """The steps of the script in `state` (see the module docstring)."""
        taken, waited, world = state
        model = self.world
        if taken == len(self.plan):
            return [Move("system", a) for a in model.actions(world) if model.is_fair(a)]
        moves: list[Move] = []
        low, high = self.bounds[taken - 1] if taken else (0, 0)
        if waited >= low:
            takes = take(model, world, self.plan[taken]) is not None
            if takes:
                moves.append(Move("admin", number=taken))
            elif taken and not self.at_once and not model.env.overdue(world):
                # While work is overdue the click waits for it, then counts.
                moves.append(Move("skip", number=taken))
        if taken == 0 or self.at_once:
            return moves
        system = [a for a in model.actions(world) if model.is_fair(a)]
        moves.extend(Move("system", a) for a in system if a[0] != CLOCK_AT)
        if waited < high and not model.env.overdue(world):
            moves.append(_WAIT)
        return moves

    def next_state(self, state: Scripted, move: Move) -> Scripted:
        """The state after `move`."""
        taken, waited, world = state
        model = self.world
        if move.kind == "admin":
            done = take(model, world, self.plan[taken])
            assert done is not None
            return (taken + 1, 0, done[0])
        if move.kind == "skip":
            return (taken + 1, 0, world)
        if move.kind == "wait":
            clock = [a for a in model.actions(world) if a[0] == CLOCK_AT]
            after = model.next_state(world, clock[0]) if clock else world
            return (taken, waited + 1, after)
        assert move.step is not None
        return (taken, waited, model.next_state(world, move.step))

    def is_fair(self, move: Move) -> bool:
        """Every step of a script is weakly fair (the administrator does click)."""
        return True

    def is_tick(self, move: Move) -> bool:
        """The step lets one clock quantum pass."""
        return move.kind == "wait" or (move.step is not None and move.step[0] == CLOCK_AT)

    def action_name(self, move: Move) -> str:
        """The declared name of the row the step fires (the clock's for a wait)."""
        if move.kind == "wait":
            return TICK
        if move.kind in {"admin", "skip"}:
            return self.plan[move.number].row
        assert move.step is not None
        return self.world.action_name(move.step)

    def all_action_names(self) -> Sequence[str]:
        """Every row name of the lab's model."""
        return self.world.all_action_names()

    def canonical(self, state: Scripted) -> Scripted:
        """No symmetry: the script names clients."""
        return state

    def describe_step(self, before: Scripted, move: Move, after: Scripted) -> str:
        """The step in the source's words and what changed."""
        if move.kind == "wait":
            if before[2] == after[2]:
                return f"{TICK} (the administrator waits; nothing is pending)"
            return f"{TICK} (the administrator waits)"
        if move.kind == "admin":
            done = take(self.world, before[2], self.plan[before[0]])
            assert done is not None
            return "; then ".join(step.text for step in done[1])
        if move.kind == "skip":
            action = self.plan[before[0]]
            where = ", ".join(
                f"{self.world.env.names[i]} is {before[2][i][0]}"
                for i in targets(self.world, action)
            )
            return f"{action.text}: nothing to act on, the click changes nothing ({where})"
        assert move.step is not None
        return self.world.describe_step(before[2], move.step, after[2])

    def timed_step(self, quanta: int, before: Scripted, move: Move, after: Scripted) -> TimedStep:
        """The step as a path shows it, `quanta` clock steps from the start."""
        return TimedStep(
            quanta * QUANTUM_MINUTES,
            move.kind in {"admin", "skip"},
            self.action_name(move),
            after[2],
            self.describe_step(before, move, after),
        )

    def trace(self, result: PropertyResult[Scripted]) -> tuple[TimedStep, ...]:
        """A checker trace of the script (its first step the start) as timed steps."""
        steps: list[TimedStep] = []
        quanta = 0
        for step in result.trace:
            if step.action == TICK:
                quanta += 1
            administrator = step.action is not None and step.action in self.admin_rows
            steps.append(
                TimedStep(
                    quanta * QUANTUM_MINUTES, administrator, step.action, step.state[2], step.text
                )
            )
        return tuple(steps)

    def refused(self, state: Scripted) -> str | None:
        """When the next action can never be taken from `state` (no step leaves it): the input
        error's one line, naming what the lab's model allows there."""
        if state[0] == len(self.plan) or self.actions(state):
            return None
        return self.refusal(state)

    def refusal(self, state: Scripted) -> str:
        """The input error's one line for the next action in `state`, naming what the lab's
        model allows there."""
        taken, _waited, world = state
        action = self.plan[taken]
        where = ", ".join(
            f"{self.world.env.names[i]} is {world[i][0]}" for i in targets(self.world, action)
        )
        when = "now" if taken == 0 else f"after {self.plan[taken - 1].text} in some run"
        then = "now" if taken == 0 else "then"
        return (
            f"--do: {action.text!r} can't be taken {when} ({where}); possible {then}: "
            f"{', '.join(possible_now(self.world, world)) or 'nothing'}"
        )
