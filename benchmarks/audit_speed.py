"""How fast `ehttp audit` judges mutants: mutants per second on a lab (default: site-1802).

Runs the audit once (two forked workers where the platform forks) and prints the mutants derived,
how many changed a reachable graph (and so were checked against every property), the seconds and
the rates. Usage: `python benchmarks/audit_speed.py [LAB_FILE]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from model.audit import load_unconstrained, run_audit
from model.config.labfile import load_lab

ROOT = Path(__file__).resolve().parents[1]


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


if __name__ == "__main__":
    main()
