"""Fuzz speed: lab steps per second under Hypothesis, and coverage after 10, 30 and 60 seconds.

Prints figures, never asserts (STYLE rule 8). Run: ``python benchmarks/fuzz_speed.py [--quick]
[--seed S]``; ``--quick`` stops every run at 10 s instead of 60 s.

Four runs on the default lab, each against the checker's reachable set:
- the campaign with model-guided steering (`model.fuzz.machine`);
- the same campaign without steering (plain Hypothesis rule selection);
- a plain seeded random walk over the model's enabled actions, driving the same concrete lab in
  lockstep and checking the same invariants, restarting a fresh lab after each example's worth
  of steps (the fuzz profile's example length) and injecting no attacks;
- the steered campaign with the abstract model standing in for the lab, to show what the steering
  reaches when a step costs no cryptography.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass

from model.compose.world import WorldModel
from model.config.labfile import default_lab
from model.fuzz.campaign import CampaignPlan, run_campaign
from model.fuzz.coverage import Coverage, Reachable
from model.fuzz.driver import ModelDriver
from model.fuzz.invariants import state_invariants
from model.fuzz.lockstep import Lockstep
from model.fuzz.profiles import STEPS_PER_EXAMPLE
from model.lab.facade import LabDriver

MARKS = (10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Run:
    name: str
    steps: int
    seconds: float
    reachable: int
    at: dict[float, int]


def _at(points: list[tuple[float, int]], seconds: float) -> int:
    count = 0
    for when, reached in points:
        if when > seconds:
            break
        count = reached
    return count


def campaign(name: str, seconds: float, seed: int, *, steering: bool, model_only: bool) -> Run:
    plan = CampaignPlan(default_lab(), seed=seed, seconds=seconds, steering=steering)
    result = run_campaign(plan, ModelDriver, attacks=()) if model_only else run_campaign(plan)
    points = list(result.timeline)
    return Run(
        name,
        result.steps,
        result.seconds,
        result.reachable,
        {mark: _at(points, mark) for mark in MARKS if mark <= seconds},
    )


def random_walk(seconds: float, seed: int) -> Run:
    lab = default_lab()
    model = WorldModel(lab)
    coverage = Coverage()
    reachable = Reachable(model)
    invariants = state_invariants(model)
    rng = random.Random(seed)
    deadline = coverage.started + seconds
    while time.perf_counter() < deadline:
        lock = Lockstep(LabDriver(lab, seed=seed), invariants)
        coverage.visit(model.canonical(lock.world))
        for _ in range(STEPS_PER_EXAMPLE["fuzz"]):
            action = rng.choice(list(model.actions(lock.world)))
            coverage.visit(model.canonical(lock.act(action)))
            coverage.steps += 1
    elapsed = time.perf_counter() - coverage.started
    return Run(
        "plain seeded random walk (lab)",
        coverage.steps,
        elapsed,
        len(reachable),
        {mark: coverage.reached_at(mark) for mark in MARKS if mark <= seconds},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10-second runs instead of 60")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    seconds = 10.0 if args.quick else 60.0
    print(f"seed {args.seed}, {seconds:.0f} s per run, default lab")
    runs = [
        campaign(
            "Hypothesis + steering (lab)", seconds, args.seed, steering=True, model_only=False
        ),
        campaign(
            "Hypothesis, no steering (lab)", seconds, args.seed, steering=False, model_only=False
        ),
        random_walk(seconds, args.seed),
        campaign(
            "Hypothesis + steering (model only)", seconds, args.seed, steering=True, model_only=True
        ),
    ]
    marks = [mark for mark in MARKS if mark <= seconds]
    header = "  ".join(f"{'at ' + format(m, '.0f') + ' s':>16}" for m in marks)
    print(f"{'run':36} {'steps':>8} {'steps/s':>8}  {header}")
    for run in runs:
        cells = "  ".join(
            f"{run.at[m]:>7,} ({100 * run.at[m] / run.reachable:4.1f}%)" for m in marks
        )
        print(f"{run.name:36} {run.steps:>8,} {run.steps / run.seconds:>8,.0f}  {cells}")
    print(f"reachable states (checker, symmetry-reduced): {runs[0].reachable:,}")


if __name__ == "__main__":
    main()
