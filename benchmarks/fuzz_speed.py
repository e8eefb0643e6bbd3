"""Fuzz speed and coverage by steps: lab steps per second, and states covered per 1,000 steps.

Prints figures, never asserts (STYLE rule 8). Run: ``python benchmarks/fuzz_speed.py [--steps N]
[--seed S] [--baselines | --cache]`` (default 30,000 steps per run, the campaign's goal run: its
first run is ``ehttp fuzz --steps 30000 --seed 1``; a few minutes on a quiet 2-core machine, less
with a smaller N). Coverage by steps does not depend on the machine's speed; steps per second does.

With ``--cache`` (default 5,000 steps), only the default campaign (``ehttp fuzz --steps N --seed
S``) runs, twice in the same process: with the TLS handshake verdict cache of `model/lab/tls.py`
off, then on and empty; it prints each run's coverage (the same: the cache changes no verdict),
handshakes made and answered from the cache, wall and CPU seconds, steps per second by each, and
the ratios. CPU time (user and system, `time.process_time`) is the figure to compare on a machine
others load; wall time is printed beside it.

With ``--goal``, the campaign ``ehttp fuzz --seed S`` runs at the goal's budget
(`GOAL_STEPS_PER_STATE`, 1.5 lab steps per reachable state) and prints the states covered at each
budget from 1.0 to 1.5 steps per state, marking the default (`STEPS_PER_STATE`) and whether the
goal (90 %) and the default's promise (80 %) are met, and the run's CPU and wall seconds (the
default's own time is what ``ehttp fuzz --seed S`` prints).

Runs on the default lab, each of N steps, each against the checker's reachable set:
- the campaign steered by the global walk planner (`ehttp.fuzz.planner`, the default);
- the same campaign with the earlier local steering (`CampaignPlan.walk = "local"`: nearest
  uncovered state, Warnsdorff's rule among fresh successors);
- the planner and the local steering with the abstract model standing in for the lab (no
  attacks), to show what each walk reaches when a step costs no cryptography;
- with ``--baselines``, the campaign without steering (plain Hypothesis rule selection) and a
  plain seeded random walk over the model's enabled actions, driving the same concrete lab in
  lockstep and checking the same invariants, restarting a fresh lab after each example's worth
  of steps (the fuzz profile's example length) and injecting no attacks.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

from ehttp.bridge.driver import LabDriver
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab
from ehttp.fuzz.campaign import (
    GOAL_STEPS_PER_STATE,
    STEPS_PER_STATE,
    CampaignPlan,
    Walk,
    run_campaign,
)
from ehttp.fuzz.coverage import Coverage, Reachable
from ehttp.fuzz.driver import ModelDriver
from ehttp.fuzz.invariants import state_invariants
from ehttp.fuzz.lockstep import Lockstep
from ehttp.fuzz.profiles import STEPS_PER_EXAMPLE
from ehttp.lab.tls import CACHE, HANDSHAKES

EVERY = 1000


@dataclass(frozen=True)
class Run:
    name: str
    steps: int
    attacks: int
    seconds: float
    reachable: int
    by: dict[int, int]
    """States covered after each multiple of `EVERY` steps (and after the last step)."""


def _marks(steps: int) -> list[int]:
    return [*range(EVERY, steps + 1, EVERY)] + ([steps] if steps % EVERY else [])


def campaign(
    name: str, steps: int, seed: int, *, steering: bool, walk: Walk, model_only: bool
) -> Run:
    plan = CampaignPlan(default_lab(), seed=seed, steps=steps, steering=steering, walk=walk)
    tally: list[Coverage] = []

    def keep(coverage: Coverage, reachable: int) -> None:
        if not tally:
            tally.append(coverage)

    if model_only:
        result = run_campaign(plan, ModelDriver, attacks=(), progress=keep)
    else:
        result = run_campaign(plan, progress=keep)
    coverage = tally[0]
    by = {mark: coverage.reached_by(mark) for mark in _marks(result.steps)}
    attacks = sum(count for title, count in result.rules if title.startswith("attack: "))
    return Run(name, result.steps, attacks, result.seconds, result.reachable, by)


def random_walk(steps: int, seed: int) -> Run:
    lab = default_lab()
    model = WorldModel(lab)
    coverage = Coverage()
    reachable = Reachable(model)
    invariants = state_invariants(model)
    rng = random.Random(seed)
    while coverage.steps < steps:
        lock = Lockstep(LabDriver(lab, seed=seed), invariants)
        coverage.visit(model.canonical(lock.world))
        for _ in range(min(STEPS_PER_EXAMPLE["fuzz"], steps - coverage.steps)):
            action = rng.choice(list(model.actions(lock.world)))
            coverage.steps += 1
            coverage.visit(model.canonical(lock.act(action)))
    elapsed = time.perf_counter() - coverage.started
    by = {mark: coverage.reached_by(mark) for mark in _marks(coverage.steps)}
    return Run("random walk (lab)", coverage.steps, 0, elapsed, len(reachable), by)


def cache_runs(steps: int, seed: int) -> None:
    """The default campaign with the handshake cache off, then on (emptied first)."""
    print(f"seed {seed}, {steps:,} steps per run, default lab: the handshake cache off, then on")
    print(
        f"{'cache':6} {'steps':>7} {'coverage':>9} {'handshakes':>10} {'cached':>7} "
        f"{'wall s':>7} {'CPU s':>7} {'steps/s':>8} {'steps/CPU s':>11}"
    )
    rates: list[tuple[float, float]] = []
    for enabled in (False, True):
        CACHE.enabled = enabled
        CACHE.clear()
        before = HANDSHAKES.copy()
        cpu = time.process_time()
        result = run_campaign(CampaignPlan(default_lab(), seed=seed, steps=steps))
        cpu = time.process_time() - cpu
        done = HANDSHAKES - before
        made = done["full"] + done["resumed"]
        rates.append((result.steps_per_second, result.steps / cpu))
        print(
            f"{'on' if enabled else 'off':6} {result.steps:>7,} {100 * result.fraction:>8.1f}% "
            f"{made:>10,} {done['cached']:>7,} {result.seconds:>7.1f} {cpu:>7.1f} "
            f"{rates[-1][0]:>8,.0f} {rates[-1][1]:>11,.0f}"
        )
    CACHE.enabled = True
    (off_wall, off_cpu), (on_wall, on_cpu) = rates
    print(
        f"cache on / off: {on_cpu / off_cpu:.2f}x steps per CPU second, "
        f"{on_wall / off_wall:.2f}x steps per wall second"
    )


def goal_run(seed: int) -> None:
    """Coverage and time at each budget of lab steps per reachable state, up to the goal's."""
    plan = CampaignPlan(default_lab(), seed=seed, steps_per_state=GOAL_STEPS_PER_STATE)
    tally: list[Coverage] = []
    start = time.process_time()

    def keep(coverage: Coverage, reachable: int) -> None:
        if not tally:
            tally.append(coverage)

    result = run_campaign(plan, progress=keep)
    coverage, reachable = tally[0], result.reachable
    print(f"seed {seed}, default lab, {reachable:,} reachable states, {result.steps:,} steps")
    print(f"{'per state':>9} {'steps':>7} {'covered':>16}")
    for tenths in range(10, round(10 * GOAL_STEPS_PER_STATE) + 1):
        per_state = tenths / 10
        steps = math.ceil(per_state * reachable)
        count = coverage.reached_by(steps)
        mark = "  (default)" if per_state == STEPS_PER_STATE else ""
        share = f"{count:,} ({100 * count / reachable:.1f}%)"
        print(f"{per_state:>9.1f} {steps:>7,} {share:>16}{mark}")
    default = coverage.reached_by(math.ceil(STEPS_PER_STATE * reachable)) / reachable
    print(
        f"goal: at least 90% within {GOAL_STEPS_PER_STATE} steps per state: "
        f"{100 * result.fraction:.1f}%, {'met' if result.fraction >= 0.9 else 'NOT met'}; "
        f"default: at least 80% within {STEPS_PER_STATE}: {100 * default:.1f}%, "
        f"{'met' if default >= 0.8 else 'NOT met'}"
    )
    print(
        f"{result.steps:,} steps in {time.process_time() - start:.1f} CPU s, "
        f"{result.seconds:.1f} wall s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps", type=int, help="lab steps per run (default 30,000; 5,000 with --cache)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--baselines", action="store_true", help="also plain Hypothesis and a random walk"
    )
    parser.add_argument(
        "--cache", action="store_true", help="only the default campaign, handshake cache off, on"
    )
    parser.add_argument(
        "--goal", action="store_true", help="only the default campaign, coverage by budget"
    )
    args = parser.parse_args()
    if args.goal:
        goal_run(args.seed)
        return
    if args.cache:
        cache_runs(args.steps or 5000, args.seed)
        return
    args.steps = args.steps or 30000
    print(f"seed {args.seed}, {args.steps:,} steps per run, default lab")
    steps, seed = args.steps, args.seed
    runs = [
        campaign("planner (lab)", steps, seed, steering=True, walk="global", model_only=False),
        campaign("local (lab)", steps, seed, steering=True, walk="local", model_only=False),
        campaign("planner (model)", steps, seed, steering=True, walk="global", model_only=True),
        campaign("local (model)", steps, seed, steering=True, walk="local", model_only=True),
    ]
    if args.baselines:
        runs += [
            campaign(
                "no steering (lab)", steps, seed, steering=False, walk="global", model_only=False
            ),
            random_walk(steps, seed),
        ]
    print(f"{'run':20} {'steps':>8} {'attacks':>8} {'seconds':>8} {'steps/s':>8}")
    for run in runs:
        rate = run.steps / run.seconds if run.seconds else 0.0
        print(f"{run.name:20} {run.steps:>8,} {run.attacks:>8,} {run.seconds:>8.1f} {rate:>8,.0f}")
    print()
    print("states covered after each 1,000 steps (share of the reachable set)")
    print(f"{'steps':>7} " + " ".join(f"{run.name:>17}" for run in runs))
    for mark in _marks(steps):
        cells = []
        for run in runs:
            count = run.by.get(mark)
            cell = "" if count is None else f"{count:,} ({100 * count / run.reachable:4.1f}%)"
            cells.append(f"{cell:>17}")
        print(f"{mark:>7,} " + " ".join(cells))
    print(f"reachable states (checker, symmetry-reduced): {runs[0].reachable:,}")


if __name__ == "__main__":
    main()
