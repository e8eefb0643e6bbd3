"""Failure minimisation (model/fuzz/minimize.py): the checker's shortest path, then removals, each
candidate replayed in the lab and kept only when the same invariant breaks."""

from __future__ import annotations

from ehttp.bridge.driver import LabDriver
from ehttp.compose.properties import stranded
from ehttp.compose.world import Action, World, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.fuzz.driver import ModelDriver
from ehttp.fuzz.invariants import ABSTRACTION, InvariantBroken, state_invariants
from ehttp.fuzz.lockstep import FuzzStep, Lockstep
from ehttp.fuzz.minimize import Paths, minimize, moves_of
from ehttp.fuzz.replay import Move, ReplayPlan, replay
from ehttp.lab.mutants import NEVER_REBINDS

LAB = default_lab()
MODEL = WorldModel(LAB)


def action(instance: str, name: str, world: World | None = None) -> Action:
    """The enabled action called `name` on `instance` in `world` (default: the initial one)."""
    index = MODEL.env.names.index(instance)
    for candidate in MODEL.actions(MODEL.initial if world is None else world):
        if candidate[0] == index and MODEL.action_name(candidate) == name:
            return candidate
    raise AssertionError(f"{name!r} on {instance} is not enabled")


def walk(*moves: tuple[str, str] | str) -> tuple[Move, ...]:
    """Model moves from (instance, action name) pairs and attack names, in order."""
    world = MODEL.initial
    out: list[Move] = []
    for move in moves:
        if isinstance(move, str):
            out.append(move)
            continue
        taken = action(*move, world=world)
        out.append(taken)
        world = MODEL.next_state(world, taken)
    return tuple(out)


def mutant_driver() -> LabDriver:
    return LabDriver(LAB, seed=0, mutant=NEVER_REBINDS)


# A long way to the "never rebinds" fault: rapid toggles, a registration and an attack first.
LONG = walk(
    ("site", "disable enhanced HTTP"),
    ("site", "enable enhanced HTTP"),
    "token-alg-none",
    ("dom1", "register anonymously (manual approval)"),
    ("site", "disable enhanced HTTP"),
    ("site", "enable enhanced HTTP"),
    ("smsexec", "restart the smsexec service"),
    ("mp1", 'delete all certificates issued by "SMS Issuing" from the SMS certificate store'),
    ("smsexec", "smsexec service starts"),
)


def failing_steps() -> tuple[tuple[FuzzStep, ...], InvariantBroken]:
    outcome = replay(ReplayPlan(LAB, 0, NEVER_REBINDS, LONG, "fuzz"), mutant_driver())
    assert outcome.broken is not None
    return outcome.steps, outcome.broken


def test_the_shortest_path_reaches_the_cert3_state_in_the_checkers_five_steps() -> None:
    frontier = [MODEL.initial]
    seen = set(frontier)
    target = None
    while target is None:
        world = frontier.pop(0)
        for taken in MODEL.actions(world):
            after = MODEL.next_state(world, taken)
            if any(stranded(MODEL, after, i) for i in MODEL.env.bindings):
                target = after
                break
            if after not in seen:
                seen.add(after)
                frontier.append(after)
    path = Paths(MODEL).to(target)
    assert path is not None and len(path) == 5
    world = MODEL.initial
    for taken in path:
        assert taken in set(MODEL.actions(world))
        world = MODEL.next_state(world, taken)
    assert world == target
    assert Paths(MODEL).to(MODEL.initial) == ()


def test_a_long_failure_becomes_the_three_steps_of_the_fault() -> None:
    steps, broken = failing_steps()
    assert broken.invariant == ABSTRACTION and len(steps) == len(LONG)
    short, shown = minimize(LAB, 0, NEVER_REBINDS, steps, broken, mutant_driver)
    assert [step.name for step in short] == [
        "restart the smsexec service",
        'delete all certificates issued by "SMS Issuing" from the SMS certificate store',
        "smsexec service starts",
    ]
    outcome = replay(
        ReplayPlan(LAB, 0, NEVER_REBINDS, moves_of(MODEL, short), "fuzz"), mutant_driver()
    )
    assert outcome.broken is not None and outcome.broken.invariant == ABSTRACTION
    assert shown.invariant == ABSTRACTION
    assert shown.detail == outcome.broken.detail == "mp1: model issued, lab no-certificate"


def test_the_unmutated_lab_gives_nothing_shorter_to_keep() -> None:
    steps, broken = failing_steps()
    short = minimize(LAB, 0, None, steps, broken, lambda: LabDriver(LAB, seed=0))
    assert short == (steps, broken), "no candidate breaks on a lab without the fault"


def test_a_single_step_failure_is_kept_as_it_is() -> None:
    lock = Lockstep(ModelDriver(MODEL), state_invariants(MODEL))
    lock.act(action("site", "disable enhanced HTTP"))
    steps = tuple(lock.steps)
    broken = InvariantBroken(ABSTRACTION, "as recorded")
    assert minimize(LAB, 0, None, steps, broken, lambda: ModelDriver(MODEL)) == (steps, broken)


def test_moves_of_reads_rows_and_attacks() -> None:
    steps, _ = failing_steps()
    assert moves_of(MODEL, steps) == LONG
