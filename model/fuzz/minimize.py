"""Short failures: the checker's shortest paths, then removals, each replayed in the lab.

Every failure is shortened and printed as a numbered step list. A campaign does not let
Hypothesis shrink (`model/fuzz/profiles.py`): a steered example's choices are ranks among
preferred actions, so removing one changes what the rest of the example does, and Hypothesis spent
minutes on a failure to end with tens of steps for a fault three steps deep. The model knows
better: a failing step list ends with one move (an action or an attack), and the abstract model
gives the shortest path from the initial state to any state the list passed through. `minimize`
replays, on fresh labs:

1. the shortest path to the state before the failing move, then that move; if that does not
   break, the shortest path to the state before an earlier move, then the list from that move on,
   from the end back (a fault may need a few steps of the lab's own history);
2. then the shortest list found so far with a run of moves left out (halving the run's length
   down to one, from the end back; never the failing move itself), keeping each removal after
   which the same invariant still breaks. A later action the model no longer allows where it now
   comes is replaced by the enabled action of the same name on the same instance (a declared row
   is one source state's arrow), or the removal is not tried.

Every candidate is replayed in lockstep (`ehttp.fuzz.replay.replay`) exactly as `--replay` will
replay it, and a candidate counts only when the same invariant breaks. The number of replays is
bounded (`MAX_REPLAYS`), not the time, so a campaign with the same seed prints the same list.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from ehttp.compose.world import Action, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.fuzz.driver import Driver
from ehttp.fuzz.invariants import InvariantBroken
from ehttp.fuzz.lockstep import FuzzStep
from ehttp.fuzz.replay import Move, ReplayError, ReplayOutcome, ReplayPlan, replay

__all__ = [
    "MAX_PATH_STATES",
    "MAX_REPLAYS",
    "SUFFIX_TRIES",
    "Paths",
    "minimize",
    "moves_of",
]

MAX_REPLAYS = 48
"""Replays one minimisation may spend (each builds a fresh lab: keys, certificates, tokens)."""

SUFFIX_TRIES = 16
"""How many earlier moves a shortest path may be spliced in before (step 1 of the docstring)."""

MAX_PATH_STATES = 250_000
"""States the shortest-path search may visit before it gives up (the list is then kept)."""


def moves_of(model: WorldModel, steps: Sequence[FuzzStep]) -> tuple[Move, ...]:
    """The replayable moves of a recorded step list (declared rows by instance, attacks by name)."""
    moves: list[Move] = []
    for step in steps:
        if step.kind == "attack":
            moves.append(step.name)
        else:
            assert step.instance is not None and step.row is not None
            moves.append((model.env.names.index(step.instance), step.row))
    return tuple(moves)


class Paths:
    """Shortest paths from the initial state (breadth first, no symmetry reduction: a path must
    reach this very state), explored once and as far as the states asked for need."""

    def __init__(self, model: WorldModel) -> None:
        self.model = model
        self.start = model.initial
        self.parent: dict[World, tuple[World, Action] | None] = {self.start: None}
        self.frontier = deque([self.start])

    def to(self, target: World) -> tuple[Action, ...] | None:
        """The actions of a shortest path to `target`, or None when it is not found within
        `MAX_PATH_STATES` states."""
        parent, model = self.parent, self.model
        while target not in parent and self.frontier and len(parent) < MAX_PATH_STATES:
            world = self.frontier.popleft()
            for action in model.actions(world):
                after = model.next_state(world, action)
                if after not in parent:
                    parent[after] = (world, action)
                    self.frontier.append(after)
        if target not in parent:
            return None
        path: list[Action] = []
        link = parent[target]
        while link is not None:
            world, taken = link
            path.append(taken)
            link = parent[world]
        return tuple(reversed(path))


def _remapped(model: WorldModel, moves: Sequence[Move]) -> tuple[Move, ...] | None:
    """`moves` with each action the model does not allow where it now comes replaced by the
    enabled action of the same name on the same instance (a declared row is one source state's
    arrow, so leaving a step out often moves the next one onto another row of the same name);
    None when some action has no such stand-in."""
    world = model.initial
    out: list[Move] = []
    for move in moves:
        if isinstance(move, str):
            out.append(move)
            continue
        enabled = list(model.actions(world))
        if move not in enabled:
            index, row = move
            name = model.env.machines[index].rows[row].name
            stand_ins = [a for a in enabled if a[0] == index and model.action_name(a) == name]
            if not stand_ins:
                return None
            move = stand_ins[0]
        out.append(move)
        world = model.next_state(world, move)
    return tuple(out)


def _states_before(model: WorldModel, moves: Sequence[Move]) -> list[World]:
    """The model's state before each move (an attack leaves it as it is)."""
    world = model.initial
    states = []
    for move in moves:
        states.append(world)
        if not isinstance(move, str):
            world = model.next_state(world, move)
    return states


def minimize(
    lab: Lab,
    seed: int,
    mutant: str | None,
    steps: Sequence[FuzzStep],
    broken: InvariantBroken,
    new_driver: Callable[[], Driver],
) -> tuple[tuple[FuzzStep, ...], InvariantBroken]:
    """A step list no longer than `steps` after which `broken`'s invariant still breaks (module
    docstring), with what broke at its end; `steps` and `broken` themselves when nothing shorter
    is found within `MAX_REPLAYS` replays."""
    driver = new_driver()
    model = driver.model
    invariant = broken.invariant
    best_moves = moves_of(model, steps)
    best_steps = tuple(steps)
    best_broken = broken
    replays = 0

    def breaks(wanted: tuple[Move, ...]) -> ReplayOutcome | None:
        nonlocal replays, driver
        moves = _remapped(model, wanted)
        if moves is None:
            return None
        replays += 1
        if replays > 1:
            driver = new_driver()
        try:
            outcome = replay(ReplayPlan(lab, seed, mutant, moves, "fuzz"), driver)
        except ReplayError:
            return None
        if outcome.broken is None or outcome.broken.invariant != invariant:
            return None
        return outcome

    def keep(found: ReplayOutcome) -> None:
        nonlocal best_moves, best_steps, best_broken
        assert found.broken is not None
        best_moves, best_steps, best_broken = (
            moves_of(model, found.steps),
            found.steps,
            found.broken,
        )

    if not best_moves:
        return best_steps, best_broken
    paths = Paths(model)
    before = _states_before(model, best_moves)
    last = len(best_moves) - 1
    for start in range(last, max(last - SUFFIX_TRIES, 0) - 1, -1):
        path = paths.to(before[start])
        if path is None or len(path) >= start or replays >= MAX_REPLAYS:
            continue
        found = breaks((*path, *best_moves[start:]))
        if found is not None:
            keep(found)
            break
    for width in _widths(len(best_moves)):
        position = len(best_moves) - 1 - width
        while position >= 0 and replays < MAX_REPLAYS:
            found = breaks(best_moves[:position] + best_moves[position + width :])
            if found is not None and len(found.steps) < len(best_steps):
                keep(found)
            position = min(position, len(best_moves) - 1 - width) - (width if width > 2 else 1)
    return best_steps, best_broken


def _widths(length: int) -> list[int]:
    """Run lengths to leave out, pass by pass: halving from half the list, then 2 (an enable and
    its disable) and 1."""
    widths = []
    width = length // 2
    while width > 2:
        widths.append(width)
        width //= 2
    return [*widths, 2, 1]
