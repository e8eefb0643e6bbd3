"""Shorter failures than Hypothesis finds alone: the checker's shortest path, then step removal.

Issue 5: every failure is shrunk and printed as a numbered step list. Hypothesis shrinks the
choices that made an example, but a steered example's choices are ranks among preferred actions,
so removing one changes what the rest of the example does, and its shrunk lists stay long (tens
of steps for a fault three steps deep). The model knows better: a failing step list ends with one
move (an action or an attack) taken from some model state, and the abstract model gives the
shortest path from the initial state to that state. `minimize` replays, on fresh labs:

1. the shortest path to the state before the failing move, then that move;
2. then the shortest list found so far with two adjacent moves left out, then one, from the last
   move back (never the failing move itself), keeping
   each removal after which the same invariant still breaks (a later action the model no longer
   allows where it now comes is replaced by the enabled action of the same name on the same
   instance, or the removal is not tried).

Every candidate is replayed in lockstep (`model.fuzz_replay.replay`) exactly as `--replay` will
replay it, and a candidate counts only when the same invariant breaks. The number of replays is
bounded (`MAX_REPLAYS`), not the time, so a campaign with the same seed prints the same list.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence

from model.config import Lab
from model.fuzz_driver import Driver
from model.fuzz_invariants import InvariantBroken
from model.fuzz_lockstep import FuzzStep
from model.fuzz_replay import Move, ReplayError, ReplayOutcome, ReplayPlan, replay
from model.world import Action, World, WorldModel

__all__ = [
    "MAX_PATH_STATES",
    "MAX_REPLAYS",
    "REMOVALS",
    "minimize",
    "moves_of",
    "shortest_path",
]

MAX_REPLAYS = 48
"""Replays one minimisation may spend (each builds a fresh lab: keys, certificates, tokens)."""

REMOVALS = (2, 1)
"""Adjacent moves one removal leaves out, pass by pass (two: an enable and its disable)."""

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


def shortest_path(model: WorldModel, target: World) -> tuple[Action, ...] | None:
    """The actions of a shortest path from the initial state to `target` (breadth first, no
    symmetry reduction: the path must reach this very state), or None when it is not found
    within `MAX_PATH_STATES` states."""
    start = model.initial
    if start == target:
        return ()
    parent: dict[World, tuple[World, Action]] = {}
    seen = {start}
    frontier = deque([start])
    while frontier and len(seen) < MAX_PATH_STATES:
        world = frontier.popleft()
        for action in model.actions(world):
            after = model.next_state(world, action)
            if after in seen:
                continue
            seen.add(after)
            parent[after] = (world, action)
            if after == target:
                path: list[Action] = []
                while after != start:
                    after, taken = parent[after]
                    path.append(taken)
                return tuple(reversed(path))
            frontier.append(after)
    return None


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


def _state_before_last(model: WorldModel, moves: Sequence[Move]) -> World:
    world = model.initial
    for move in moves[:-1]:
        if not isinstance(move, str):
            world = model.next_state(world, move)
    return world


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
    path = shortest_path(model, _state_before_last(model, best_moves))
    if path is not None and len(path) + 1 < len(best_moves):
        found = breaks((*path, best_moves[-1]))
        if found is not None:
            keep(found)
    for width in REMOVALS:
        position = len(best_moves) - 1 - width
        while position >= 0 and replays < MAX_REPLAYS:
            found = breaks(best_moves[:position] + best_moves[position + width :])
            if found is not None and len(found.steps) < len(best_steps):
                keep(found)
            position = min(position, len(best_moves) - 1 - width) - 1
    return best_steps, best_broken
