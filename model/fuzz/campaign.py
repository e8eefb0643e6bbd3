"""A stateful fuzz campaign: Hypothesis drives a lab in lockstep with the model.

A campaign runs rounds of Hypothesis examples of the lab's generated state machine
(`ehttp.fuzz.machine`) until its example budget or its time is spent, or an invariant breaks.
Coverage is measured against the checker's reachable set for the same lab
(`ehttp.fuzz.coverage`). A broken invariant stops the campaign; the failing example's steps are
shortened by `ehttp.fuzz.minimize` (Hypothesis's shrink phase is off, `ehttp.fuzz.profiles`) and,
in the source's words, become the failure and its replay file (`ehttp.fuzz.replay`).

Reproducibility (STYLE rule 7): every round's Hypothesis seed is derived from the campaign seed;
with an example budget the rounds, and so the printed result, are the same for the same seed (the
example database is not read then). A time budget decides how many rounds run, so such a run
reproduces from its seed and its step lists rather than as a whole.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from hypothesis import seed as hypothesis_seed
from hypothesis.stateful import run_state_machine_as_test

from ehttp.bridge.driver import LabDriver
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import lab_to_toml
from ehttp.config.schema import Lab
from ehttp.fuzz.coverage import BudgetSpent, Coverage, Reachable
from ehttp.fuzz.driver import Driver
from ehttp.fuzz.invariants import InvariantBroken, state_invariants
from ehttp.fuzz.lockstep import FuzzStep
from ehttp.fuzz.machine import Session, machine_class
from ehttp.fuzz.minimize import minimize
from ehttp.fuzz.planner import Planner
from ehttp.fuzz.profiles import Profile, profile_settings, source_constants
from ehttp.fuzz.replay import step_json, write_replay
from ehttp.fuzz.rules import RuleSpec, derive_rules
from ehttp.lab.attacks import CATALOGUE, unmet

# Hypothesis documents the factory as "anything which returns an instance of RuleBasedStateMachine
# when called with no arguments"; its annotation varies between releases (untyped, then
# `type[RuleBasedStateMachine]`), so the call goes through this one declared signature.
_run_as_test: Callable[..., None] = run_state_machine_as_test

__all__ = [
    "CATALOGUE_NAMES",
    "GOAL_STEPS_PER_STATE",
    "ROUND_EXAMPLES",
    "STEPS_PER_STATE",
    "WALKS",
    "CampaignPlan",
    "Failure",
    "FuzzResult",
    "Walk",
    "lab_driver",
    "never_enabled",
    "round_budget",
    "run_campaign",
]

STEPS_PER_STATE = 1.2
"""The default budget of `ehttp fuzz`: 1.2 lab steps per reachable state, so its work follows the
lab's size and a seed gives the same coverage on any machine. Sized by work for a default run worth
its time (issue 23): on the default lab (30,256 states) that is 36,308 steps, which reach 82.5 % of
the states with seed 1 in under a minute of processor time on a 2-core machine
(`benchmarks/fuzz_speed.py --goal` prints both figures)."""

GOAL_STEPS_PER_STATE = 1.5
"""The coverage goal by work, for any lab: at least 90 % of the reachable states within 1.5 lab
steps per reachable state with seed 1 (`ehttp fuzz --steps`); on the default lab 45,384 steps reach
91.2 % (`benchmarks/fuzz_speed.py --goal`)."""

ROUND_EXAMPLES = 2
"""Examples per Hypothesis round: examples are long, so a few per round keep a time budget
overshot by little (the budget is looked at between rounds)."""

DriverFactory = Callable[[WorldModel], Driver]

Walk = Literal["global", "local"]
WALKS: tuple[Walk, ...] = ("global", "local")
"""How steering walks the checker's graph: "global", the walk planner of `ehttp.fuzz.planner`
(path cover, detours weighed by new states per step); "local", the earlier steering of
`ehttp.fuzz.steering` (nearest uncovered state, Warnsdorff among fresh successors), kept so that
`benchmarks/fuzz_speed.py` can set the two side by side."""


@dataclass(frozen=True)
class CampaignPlan:
    """What to run: the lab, the seed, one budget, the profile, steering on or off."""

    lab: Lab
    seed: int
    seconds: float | None = None
    examples: int | None = None
    steps: int | None = None
    """Stop after this many lab steps: the same seed and steps give the same coverage on any
    machine (no example database is read)."""
    steps_per_state: float | None = None
    """With no other budget: stop after this many lab steps per state of the checker's reachable
    set, rounded up (`ehttp fuzz` by default: `STEPS_PER_STATE`), so the work follows the lab's
    size and the same seed gives the same coverage on any machine."""
    mutant: str | None = None
    profile: Profile = "fuzz"
    steering: bool = True
    walk: Walk = "global"
    replay_folder: Path | None = None


@dataclass(frozen=True)
class Failure:
    """A broken invariant and the shortened step list that breaks it."""

    invariant: str
    detail: str
    steps: tuple[FuzzStep, ...]
    replay_file: Path | None

    def to_json(self) -> dict[str, Any]:
        """The failure as `ehttp fuzz --json` prints it: invariant, detail, steps, replay file."""
        return {
            "invariant": self.invariant,
            "detail": self.detail,
            "steps": [step_json(step) for step in self.steps],
            "replay_file": None if self.replay_file is None else str(self.replay_file),
        }


@dataclass(frozen=True)
class FuzzResult:
    """What a campaign did and found."""

    seed: int
    seconds: float
    steps: int
    examples: int
    reached: int
    reachable: int
    timeline: tuple[tuple[float, int], ...]
    rules: tuple[tuple[str, int], ...]
    failures: tuple[Failure, ...]
    never_enabled: tuple[str, ...]
    """Row rules that no state of the checker's reachable set enables: the lab rules them out,
    so their never firing is no gap in the campaign."""
    edges: int = 0
    """Distinct reachable transitions the campaign took."""
    reachable_edges: int = 0
    """Distinct transitions of the checker's reachable graph (symmetry-reduced)."""
    interrupted: bool = False
    """Ctrl-C stopped the campaign: the numbers are what it had reached by then."""
    step_budget: int | None = None
    """The lab steps the campaign was given (`CampaignPlan.steps`, or `steps_per_state` times
    the reachable states); None for a time or example budget."""
    attack_needs: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Attacks that never fired and that the lab as configured does not host, each with what it
    needs (naming the lab key that would let it run)."""

    @property
    def steps_per_second(self) -> float:
        """Lab steps per second of wall time (set-up included)."""
        return self.steps / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction(self) -> float:
        """Reached states as a share of the checker's reachable set."""
        return self.reached / self.reachable if self.reachable else 0.0

    @property
    def never_fired(self) -> tuple[str, ...]:
        """Rules (rows and attacks) that never fired."""
        return tuple(name for name, count in self.rules if count == 0)

    def to_json(self) -> dict[str, Any]:
        """The shape `ehttp fuzz --json` prints."""
        return {
            "seed": self.seed,
            "seconds": round(self.seconds, 3),
            "steps": self.steps,
            "steps_per_second": round(self.steps_per_second, 1),
            "examples": self.examples,
            "coverage": {
                "reached": self.reached,
                "reachable": self.reachable,
                "fraction": round(self.fraction, 4),
                "timeline": [[round(at, 3), count] for at, count in self.timeline],
                "edges": self.edges,
                "reachable_edges": self.reachable_edges,
            },
            "rules": dict(self.rules),
            "never_fired": list(self.never_fired),
            "never_enabled": list(self.never_enabled),
            "attack_needs": {name: list(needs) for name, needs in self.attack_needs},
            "failures": [failure.to_json() for failure in self.failures],
            "interrupted": self.interrupted,
        }


def round_budget(plan: CampaignPlan, number: int) -> int:
    """Examples of round `number` under an example budget (0: the budget is spent), computed
    per round so that no list of rounds is built, whatever the budget."""
    assert plan.examples is not None
    return max(0, min(ROUND_EXAMPLES, plan.examples - number * ROUND_EXAMPLES))


def _timeline(coverage: Coverage, seconds: float) -> tuple[tuple[float, int], ...]:
    """The reached count at each whole second and at the end."""
    marks = [float(s) for s in range(1, int(seconds) + 1)] + [seconds]
    points: list[tuple[float, int]] = [(0.0, coverage.reached_at(0.0))]
    for mark in marks:
        count = coverage.reached_at(mark)
        if mark > points[-1][0]:
            points.append((mark, count))
    return tuple(points)


def lab_driver(plan: CampaignPlan) -> DriverFactory:
    """Concrete labs for the plan's lab, seed and mutant (`ehttp.bridge.driver.LabDriver`)."""

    def new(model: WorldModel) -> Driver:
        return LabDriver(plan.lab, seed=plan.seed, mutant=plan.mutant)

    return new


CATALOGUE_NAMES: tuple[str, ...] = tuple(attack.name for attack in CATALOGUE)
"""Every attack of the catalogue, in catalogue order."""


def run_campaign(
    plan: CampaignPlan,
    new_driver: DriverFactory | None = None,
    *,
    attacks: Sequence[str] = CATALOGUE_NAMES,
    progress: Callable[[Coverage, int], None] | None = None,
) -> FuzzResult:
    """Run the campaign `plan` on drivers made by `new_driver` for the lab's model (default:
    concrete labs, `lab_driver`), whose attack rule draws from `attacks`.

    `progress` is told the tally and the reachable count after every example.
    """
    coverage = Coverage(max_steps=plan.steps)
    if plan.seconds is not None:
        coverage.deadline = coverage.started + plan.seconds
    model = WorldModel(plan.lab)
    reachable = Reachable(model)
    if plan.steps is None and plan.steps_per_state is not None:
        coverage.max_steps = math.ceil(plan.steps_per_state * len(reachable))
    make = lab_driver(plan) if new_driver is None else new_driver
    rules = derive_rules(model)
    session = Session(
        model=model,
        rules=rules,
        invariants=state_invariants(model),
        new_driver=lambda: make(model),
        attacks=tuple(attacks),
        reachable=reachable,
        coverage=coverage,
        steering=plan.steering,
        planner=_planner(plan, reachable),
        on_example=None if progress is None else lambda: progress(coverage, len(reachable)),
    )
    ruled_out = never_enabled(model, reachable, rules)
    deadline = None if plan.seconds is None else coverage.started + plan.seconds
    seeds = random.Random(plan.seed)
    failure: Failure | None = None
    interrupted = False
    number = 0
    while failure is None:
        if plan.examples is not None:
            examples = round_budget(plan, number)
            if examples == 0:
                break
        else:
            if deadline is not None and time.perf_counter() >= deadline:
                break
            if deadline is None and coverage.max_steps is None:
                break
            examples = ROUND_EXAMPLES
        round_seed = seeds.getrandbits(64)
        session.begin_round()
        try:
            broken = _run_round(session, plan, examples, round_seed, number)
        except KeyboardInterrupt:
            interrupted = True
            break
        except BudgetSpent:
            break
        if broken is not None:
            failure = _failure(plan, session, broken)
        number += 1
    needs = _attack_needs(
        plan, session, make(model) if session.last is None else session.last.driver
    )
    seconds = time.perf_counter() - coverage.started
    counts = [(spec.title, coverage.rules[spec.title]) for spec in rules]
    counts += [(f"attack: {name}", coverage.rules[f"attack: {name}"]) for name in session.attacks]
    return FuzzResult(
        seed=plan.seed,
        seconds=seconds,
        steps=coverage.steps,
        examples=coverage.examples,
        reached=len(coverage.reached),
        reachable=len(reachable),
        timeline=_timeline(coverage, seconds),
        rules=tuple(counts),
        failures=() if failure is None else (failure,),
        never_enabled=ruled_out,
        edges=len(coverage.edges),
        attack_needs=needs,
        reachable_edges=reachable.edges,
        interrupted=interrupted,
        step_budget=coverage.max_steps,
    )


def _planner(plan: CampaignPlan, reachable: Reachable) -> Planner | None:
    if not plan.steering or plan.walk != "global":
        return None
    start = reachable.index[reachable.model.canonical(reachable.model.initial)]
    return Planner(reachable.successors, reachable.component, start)


def _attack_needs(
    plan: CampaignPlan, session: Session, driver: Driver
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each attack that never fired and that the lab's initial state does not host, with what it
    needs (`ehttp.lab.attacks.unmet`); only a concrete lab can tell."""
    if not isinstance(driver, LabDriver):
        return ()
    by_name = {attack.name: attack for attack in CATALOGUE}
    found = []
    for name in session.attacks:
        if session.coverage.rules[f"attack: {name}"] or name not in by_name:
            continue
        missing = unmet(by_name[name], driver.lab)
        if missing:
            found.append((name, missing))
    return tuple(found)


def never_enabled(
    model: WorldModel, reachable: Reachable, rules: Sequence[RuleSpec]
) -> tuple[str, ...]:
    """The titles of the row rules that no reachable state enables (in rule order)."""
    machines = model.env.machines
    enabled = {(machines[index].name, number) for index, number in reachable.fired}
    return tuple(spec.title for spec in rules if (spec.machine, spec.number) not in enabled)


def _run_round(
    session: Session, plan: CampaignPlan, examples: int, round_seed: int, number: int
) -> InvariantBroken | None:
    machine = machine_class(session)

    def factory() -> object:
        return machine()

    key = f"{lab_to_toml(plan.lab)}|{plan.mutant}|{plan.steering}|{plan.walk}|{number}"
    factory._hypothesis_internal_add_digest = key.encode()  # type: ignore[attr-defined]
    reuse = plan.seconds is not None
    coverage = session.coverage
    settings = profile_settings(
        plan.profile, examples, reuse=reuse, saving=lambda: not coverage.spent
    )
    try:
        with source_constants():
            _run_as_test(hypothesis_seed(round_seed)(factory), settings=settings)
    except InvariantBroken as broken:
        return broken
    return None


def _failure(plan: CampaignPlan, session: Session, broken: InvariantBroken) -> Failure:
    """The failing example's failure, its steps shortened by `ehttp.fuzz.minimize.minimize`."""
    assert session.last is not None, "an invariant broke before any example started"
    steps, broken = minimize(
        plan.lab, plan.seed, plan.mutant, tuple(session.last.steps), broken, session.new_driver
    )
    path = write_replay(
        plan.replay_folder,
        lab=plan.lab,
        seed=plan.seed,
        mutant=plan.mutant,
        invariant=broken.invariant,
        steps=steps,
    )
    return Failure(broken.invariant, broken.detail, steps, path)
