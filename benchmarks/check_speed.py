"""How fast `ehttp check` explores the composed model, against Spin and two yardsticks, in one run.

For growing numbers of clients (`--clients N` replicas of the default lab's clients) it prints the
states, wall and CPU seconds (this process's and the children it forks to judge and search on
the second core, `model/checker/fork.py`) and states/s of the whole check (every property, every
variant; the states/s of the lab's own search), the unreduced state count ("full": Spin's,
which the CI cross-check holds equal to ehttp's `--no-symmetry`
count; "-" without Spin) with the symmetry reduction factor (full / states), and, measured in the
same run:
- Spin (`ehttp check --engine spin`, `model/compose/spin.py`): its unreduced states, its wall
  seconds with `spin -a` and gcc included, its CPU seconds (this process's and every program's it
  ran: spin, gcc, pan), and the seconds `pan` itself searched (the safety
  searches and every witness search), then ehttp's time over Spin's, wall and CPU ("ehttp/spin",
  "cpu e/s": below 1 when ehttp's whole check is the faster); left out when spin or gcc is missing;
- with `--baseline PATH`, another checkout of ehttp (an older main, say) doing the same whole check
  of the same scaled lab in a subprocess with PATH first on the Python path: its states, its wall
  and CPU seconds, and the speed-up of this checkout over it (its seconds / ours, wall and CPU);
  nothing of that checkout is imported here;
- the bare tuple BFS yardstick: a plain dict-and-deque breadth-first search over tuples of small
  ints (as many as the lab's world has instances) with two actions per position (two dozen and
  more), on a toy state space of 1 to 2 times the lab's unreduced size (its stored size without
  Spin), capped at `YARDSTICK_STATES` (a rate needs no more: at 8 clients the uncapped toy held
  27 to 55 million tuples in a Python dict, 6 GB, and ran longer than the rest of the row); the
  ratio of ehttp's exploration rate to it is printed;
- a naive explorer on the default lab: one that keeps each world as `transitions` model objects,
  deep-copies them for every successor and fires each trigger through the `transitions` machines
  of `model/views/machines.py`.
Then, in the same run, the same two engines on whole labs: the lab of issue 20 (three management
points, `benchmarks/labs/three-mps.toml`) and every example lab of specs/labs/: ehttp's states
(with symmetry), whether its check finished within `--max-seconds` (else INCOMPLETE, as `ehttp
check --max-seconds` says), its wall and CPU seconds, and Spin's states, wall and CPU seconds
(spin, gcc and pan included) and hash table (`-w`, grown when pan finds it full), or INCOMPLETE
with pan's reason.
Nothing is asserted; speed lives here, not in the tests.

    python benchmarks/check_speed.py [--clients 1,2,4,6,8] [--naive-seconds 10]
        [--max-seconds 300] [--no-spin] [--no-naive] [--no-labs] [--baseline PATH]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from ehttp.compose.checking import run_checks
from ehttp.compose.spin import run_spin, spin_available
from ehttp.compose.world import CLOCK_AT, World, WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.views.machines import Context, MachineView, bind, build_view, fire


@dataclass
class _Instance:
    """One machine instance as a mutable model object, the way a naive explorer keeps it."""

    state: str
    timer: int


def _world(instances: list[_Instance]) -> World:
    return tuple((i.state, i.timer) for i in instances)


def naive_rate(model: WorldModel, seconds: float) -> tuple[int, float]:
    """Explore breadth-first for `seconds` by deep copies and `transitions` triggers."""
    env = model.env
    views: dict[str, MachineView] = {}
    contexts: dict[str, Context] = {}
    for machine in env.machines:
        if machine.name not in views:
            views[machine.name] = build_view(machine)
            contexts[machine.name] = bind(views[machine.name], env)
    start = [_Instance(c, t) for c, t in model.initial]
    seen = {_world(start)}
    queue = deque([start])
    began = time.perf_counter()
    while queue and time.perf_counter() - began < seconds:
        node = queue.popleft()
        world = _world(node)
        for index, number in model.actions(world):
            machine = env.machines[index]
            row = machine.rows[number]
            successor = copy.deepcopy(node)
            if index == CLOCK_AT:
                for item in successor:
                    if item.timer >= 0:
                        item.timer += 1
            else:
                for other, other_machine in enumerate(env.machines):
                    view = views[other_machine.name]
                    trigger = row.name
                    if other != index and trigger not in view.reaction_triggers:
                        continue
                    if other == index and trigger not in view.local_triggers:
                        continue
                    target = fire(view, contexts[other_machine.name], world, other, trigger)
                    if target is not None and target != successor[other].state:
                        successor[other].state = target
                        deadlines = env.compiled[other].deadlines
                        successor[other].timer = 0 if target in deadlines else -1
            key = _world(successor)
            if key not in seen:
                seen.add(key)
                queue.append(successor)
    elapsed = time.perf_counter() - began
    return len(seen), elapsed


YARDSTICK_STATES = 2_000_000
"""The largest toy state space the tuple BFS yardstick explores (see the module docstring)."""


def tuple_bfs(positions: int, target: int) -> tuple[int, int, float]:
    """A bare BFS over tuples of small ints: (states, transitions, seconds).

    Position i holds 0..m_i-1, the m_i grown in turn from 1 until their product reaches
    `target` (so the toy has between 1 and 2 times the lab's states); the two actions of a
    position add 1 or 2 modulo m_i, so every state has two actions per position, and the
    reachable set is the whole product.
    """
    sizes = [1] * positions
    product = 1
    at = 0
    while product < target:
        product = product // sizes[at] * (sizes[at] + 1)
        sizes[at] += 1
        at = (at + 1) % positions
    start = (0,) * positions
    seen = {start: 0}
    queue = deque([start])
    transitions = 0
    began = time.perf_counter()
    while queue:
        state = queue.popleft()
        for at, size in enumerate(sizes):
            value = state[at]
            for step in (1, 2):
                transitions += 1
                successor = (*state[:at], (value + step) % size, *state[at + 1 :])
                if successor not in seen:
                    seen[successor] = len(seen)
                    queue.append(successor)
    return len(seen), transitions, time.perf_counter() - began


_BASELINE = """
import json, os, resource, sys, time
if sys.argv[2] == "ehttp":
    import ehttp as package
    from ehttp.compose.checking import run_checks
    from ehttp.config.labfile import default_lab
else:
    import model as package
    if os.path.exists(os.path.join(os.path.dirname(package.__file__), "checking.py")):
        from model.checking import run_checks  # before the package map
        from model.labfile import default_lab
    else:
        from model.compose.checking import run_checks
        from model.config.labfile import default_lab
root = os.path.dirname(package.__file__)
lab = default_lab().with_clients(int(sys.argv[1]))
def used():
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime
cpu, wall = used(), time.perf_counter()
report = run_checks(lab)
print(json.dumps({"states": report.main.states, "wall": time.perf_counter() - wall,
                  "cpu": used() - cpu, "root": root}))
"""
"""The whole check of the scaled default lab, as any checkout of ehttp runs it (either layout)."""


@dataclass(frozen=True)
class Baseline:
    """Another checkout's whole check of one scaled lab."""

    states: int
    wall: float
    cpu: float


def baseline(path: Path, clients: int) -> Baseline:
    """Run the whole check of the default lab scaled to `clients` in the checkout at `path`."""
    with tempfile.TemporaryDirectory() as links:
        # A checkout whose folder model/ is imported as ehttp is reached through a link named
        # ehttp; an older one is imported as model from the checkout itself.
        layout = "ehttp" if (path / "model" / "shipped.py").is_file() else "model"
        if layout == "ehttp":
            (Path(links) / "ehttp").symlink_to(path / "model")
        env = {**os.environ, "PYTHONPATH": links if layout == "ehttp" else str(path)}
        found = subprocess.run(
            [sys.executable, "-c", _BASELINE, str(clients), layout],
            cwd=path,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        data = json.loads(found.stdout.strip().splitlines()[-1])
        # Resolved while the link to the checkout still exists (the folder goes with the block).
        if Path(data["root"]).resolve() != (path / "model").resolve():
            raise SystemExit(
                f"--baseline: {path} did not provide the model package ({data['root']})"
            )
    return Baseline(data["states"], data["wall"], data["cpu"])


ROOT = Path(__file__).resolve().parents[1]
LABS = [
    ROOT / "benchmarks" / "labs" / "three-mps.toml",
    *sorted((ROOT / "specs" / "labs").glob("*.toml")),
]


def children_cpu() -> float:
    """CPU seconds of every finished child process so far (spin, gcc and pan; ehttp's forks)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def time_labs(spin: bool, max_seconds: float) -> None:
    """The second table: both engines on each whole lab, one line each."""
    print(
        f"{'lab':28} {'mps':>3} {'dps':>3} {'clients':>7} {'states':>10} {'ehttp':>10} "
        f"{'seconds':>8} {'cpu s':>7}"
        + (
            f" {'spin states':>11} {'spin':>10} {'spin s':>7} {'cpu s':>7} {'-w':>3}"
            if spin
            else ""
        )
    )
    for path in LABS:
        lab = load_lab(path)
        cpu = time.process_time() + children_cpu()
        report = run_checks(lab, max_seconds=max_seconds)
        cpu = time.process_time() + children_cpu() - cpu
        verdict = "INCOMPLETE" if not report.complete else "PASS" if report.passed else "FAIL"
        line = (
            f"{path.stem:28} {len(lab.management_points):>3} {len(lab.distribution_points):>3} "
            f"{len(lab.clients):>7} {report.main.states:>10,} {verdict:>10} {report.seconds:>8.2f}"
            f" {cpu:>7.2f}"
        )
        if spin:
            cpu = time.process_time() + children_cpu()
            checked = run_spin(lab)
            cpu = time.process_time() + children_cpu() - cpu
            word = "INCOMPLETE" if not checked.complete else "PASS" if checked.passed else "FAIL"
            line += (
                f" {checked.main().states:>11,} {word:>10} {checked.seconds:>7.2f} {cpu:>7.2f}"
                f" {checked.hash_bits:>3}"
            )
            line += "".join(f"\n    spin: {reason}" for reason in checked.reasons)
        print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--clients",
        type=lambda text: [int(part) for part in text.split(",")],
        default=[1, 2, 4, 6, 8],
        help="The default lab's client counts to time, comma-separated (default 1,2,4,6,8).",
    )
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=300.0,
        help="ehttp's time limit on each whole lab of the second table (default 300).",
    )
    parser.add_argument("--no-labs", action="store_true", help="Leave the table of labs out.")
    parser.add_argument("--naive-seconds", type=float, default=10.0)
    parser.add_argument("--no-spin", action="store_true", help="Leave the Spin columns out.")
    parser.add_argument("--no-naive", action="store_true", help="Leave the naive explorer out.")
    parser.add_argument(
        "--baseline", type=Path, help="Another checkout of ehttp to time the same check on."
    )
    args = parser.parse_args()
    spin = not args.no_spin and spin_available() is None
    lab = default_lab()
    print(
        f"{'clients':>7} {'states':>9} {'full':>9} {'reduction':>9} {'seconds':>8} {'cpu s':>7}"
        f" {'states/s':>9}"
        + (
            f" {'spin states':>11} {'spin s':>7} {'cpu s':>7} {'pan s':>6}"
            f" {'ehttp/spin':>10} {'cpu e/s':>7}"
            if spin
            else ""
        )
        + f" {'tuple BFS/s':>11} {'ehttp/BFS':>9}"
        + (
            f" {'base states':>11} {'base s':>7} {'base cpu':>8} {'x wall':>6} {'x cpu':>6}"
            if args.baseline
            else ""
        )
    )
    for clients in args.clients:
        scaled = lab.with_clients(clients)
        cpu = time.process_time() + children_cpu()
        report = run_checks(scaled)
        cpu = time.process_time() + children_cpu() - cpu
        main_result = report.main
        full: int | None = None
        spin_part = ""
        if spin:
            spin_cpu = time.process_time() + children_cpu()
            checked = run_spin(scaled)
            spin_cpu = time.process_time() + children_cpu() - spin_cpu
            full = checked.main().states
            spin_part = (
                f" {full:>11,} {checked.seconds:>7.2f} {spin_cpu:>7.2f} {checked.searched:>6.2f}"
                f" {report.seconds / checked.seconds:>10.2f} {cpu / spin_cpu:>7.2f}"
            )
        elif not main_result.symmetry:
            full = main_result.states
        line = (
            f"{clients:>7} {main_result.states:>9,} "
            + (f"{full:>9,} {full / main_result.states:>9.2f} " if full else f"{'-':>9} {'-':>9} ")
            + f"{report.seconds:>8.2f} {cpu:>7.2f} {main_result.states_per_second:>9,.0f}"
            + spin_part
        )
        size = min(full or main_result.states, YARDSTICK_STATES)
        states, _transitions, seconds = tuple_bfs(len(WorldModel(scaled).initial), size)
        bare = states / seconds
        line += f" {bare:>11,.0f} {main_result.states_per_second / bare:>9.2f}"
        if args.baseline:
            base = baseline(args.baseline, clients)
            line += (
                f" {base.states:>11,} {base.wall:>7.2f} {base.cpu:>8.2f}"
                f" {base.wall / report.seconds:>6.2f} {base.cpu / cpu:>6.2f}"
            )
        print(line, flush=True)
    if not args.no_labs:
        print()
        time_labs(spin, args.max_seconds)
    if args.no_naive:
        return
    model = WorldModel(lab)
    fast = run_checks(lab)
    naive_states, naive_seconds = naive_rate(model, args.naive_seconds)
    naive = naive_states / naive_seconds
    ours = fast.main.states_per_second
    print(
        f"\nbaseline on the default lab, same run: naive explorer (deep copies + transitions "
        f"triggers) {naive_states:,} states in {naive_seconds:.1f} s = {naive:,.0f} states/s; "
        f"ehttp check {ours:,.0f} states/s; ratio {ours / naive:.1f}x"
    )


if __name__ == "__main__":
    main()
