"""How long `ehttp whatif` and `ehttp diagnose` take to answer, against a full check of a lab.

For every example lab (and the embedded default) it times, in one run: `ehttp check`'s whole run
(every property, every variant) as the baseline; `whatif` for each administrator action possible
from the lab's steady state; `diagnose` for every symptom of the lab. It prints the seconds and the
ratio to the baseline. Nothing is asserted; speed lives here, not in the tests.

    python benchmarks/ask_speed.py [--lab NAME ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ehttp.ask.actions import possible_now
from ehttp.ask.diagnose import diagnose
from ehttp.ask.steady import steady_state
from ehttp.ask.symptoms import symptom_list
from ehttp.ask.whatif import what_if
from ehttp.compose.checking import run_checks
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab
from ehttp.config.schema import Lab

LABS = Path(__file__).resolve().parents[1] / "specs" / "labs"


def _labs(names: list[str]) -> list[Lab]:
    paths: list[Path | None] = [None, *sorted(LABS.glob("*.toml"))]
    labs = [load_lab(p) for p in paths]
    return [lab for lab in labs if not names or lab.name in names]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lab", action="append", default=[], help="only these labs (by name)")
    args = parser.parse_args()
    print(
        f"{'lab':22} {'check s':>8} {'whatif':>7} {'mean s':>7} {'max s':>7} "
        f"{'diagnose':>9} {'mean s':>7} {'max s':>7} {'max/check':>9}"
    )
    for lab in _labs(args.lab):
        started = time.perf_counter()
        run_checks(lab)
        baseline = time.perf_counter() - started
        model = WorldModel(lab)
        whatifs: list[float] = []
        for action in possible_now(model, steady_state(lab)):
            started = time.perf_counter()
            what_if(lab, [action])
            whatifs.append(time.perf_counter() - started)
        diagnoses: list[float] = []
        for symptom in symptom_list(model):
            started = time.perf_counter()
            diagnose(lab, symptom.text)
            diagnoses.append(time.perf_counter() - started)
        worst = max(whatifs + diagnoses)
        print(
            f"{lab.name:22} {baseline:8.2f} {len(whatifs):7} "
            f"{sum(whatifs) / max(len(whatifs), 1):7.2f} {max(whatifs, default=0):7.2f} "
            f"{len(diagnoses):9} {sum(diagnoses) / len(diagnoses):7.2f} {max(diagnoses):7.2f} "
            f"{worst / baseline:9.2f}"
        )


if __name__ == "__main__":
    main()
