"""How fast `ehttp audit` judges mutants: mutants per second on a lab (default: site-1802), and
the speed-up of reusing the unmutated graph over searching each mutant from scratch.

Runs the audit once (two forked workers where the platform forks) and prints the mutants derived,
how many changed a reachable graph (and so were checked against every property), the seconds and
the rates. Then, in the same run, a baseline: every `STRIDE`-th of the changing mutants is judged
once by the audit (reusing the unmutated graph, one process) and once by checking the mutated
declarations from scratch (`ehttp.checker.check` on `WorldModel(lab, machines=...)` and its
variants), and the ratio of the two times is printed (the clock's guard forced true is left out of
the baseline: its timers grow without bound, and only the audit's state budget stops it).
Usage: `python benchmarks/audit_speed.py [LAB_FILE]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ehttp.audit import Mutant, load_unconstrained, run_audit
from ehttp.checker import Property, check, reachable
from ehttp.compose.checking import lab_variants
from ehttp.compose.properties import LAB, lab_checks
from ehttp.compose.world import World, WorldModel
from ehttp.config.labfile import load_lab
from ehttp.config.schema import Lab

ROOT = Path(__file__).resolve().parents[1]
STRIDE = 8


def _from_scratch(lab: Lab, mutant: Mutant) -> None:
    model = WorldModel(lab, machines={mutant.machine: mutant.replaced})
    by_variant: dict[str, list[Property[World]]] = {}
    for item in lab_checks(model):
        by_variant.setdefault(item.variant, []).append(item.prop)
    check(model, by_variant[LAB], symmetry=False)
    worlds = reachable(model).states
    for variant, variant_model in lab_variants(model, set(by_variant) - {LAB}, worlds):
        check(variant_model, by_variant[variant], symmetry=False)


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "specs" / "labs" / "site-1802.toml"
    lab = load_lab(path)
    listed = load_unconstrained()
    started = time.perf_counter()
    result = run_audit(lab, unconstrained=listed)
    seconds = time.perf_counter() - started
    checked = len(result.changing)
    print(
        f"lab {lab.name!r}: {len(result.mutants)} mutants, {checked} checked against every "
        f"property, {seconds:.1f} s: {len(result.mutants) / seconds:.1f} mutants/s, "
        f"{checked / seconds:.2f} checked mutants/s; kill ratio {result.kill_ratio:.2f}"
    )
    sample = [
        m.mutant
        for m in result.changing[::STRIDE]
        if not (m.mutant.machine == "clock" and m.mutant.kind == "guard-true")
    ]
    if not sample:
        print("baseline: no mutant changes this lab's graph; nothing to compare")
        return
    started = time.perf_counter()
    run_audit(lab, only=sample, workers=1)
    reused = time.perf_counter() - started
    started = time.perf_counter()
    for mutant in sample:
        _from_scratch(lab, mutant)
    scratch = time.perf_counter() - started
    print(
        f"baseline, {len(sample)} mutants in one process: reusing the unmutated graph "
        f"{reused:.1f} s (the unmutated lab's check included), from scratch {scratch:.1f} s: "
        f"{scratch / reused:.2f}x"
    )


if __name__ == "__main__":
    main()
