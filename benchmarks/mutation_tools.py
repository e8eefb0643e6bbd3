"""A mutation benchmark of the product's own verification: how many planted faults each of
`ehttp check`, `fuzz`, `attacks` and `audit` catches (not the test suite).

Two kinds of faults, on one lab (default: the embedded default lab):
- the lab's named mutants (`model/lab/mutants.py`, `ehttp fuzz --mutant`): faults in the concrete
  lab. `fuzz` runs a ci-profile campaign of `FUZZ_STEPS` steps with the mutant planted;
  `attacks` runs the attack catalogue and every honest twin (a case not answered as expected
  catches it). `check` and `audit` read only the model: no lab mutant can change what they say,
  so they are not run on these and count 0.
- the audit's mutants of the declarations and of the access tables (`ehttp audit`): faults in the
  model. `audit` catches a mutant it kills; `check` catches it when `ehttp check` of the mutated
  model fails, which is run for each table mutant, and for each declaration mutant is the
  audit's verdict (the audit checks every property of every variant on the mutant: a property
  fails exactly when `check` would fail; its state budget aside, where the audit says not-run);
  `fuzz` catches it when the lab, driven in lockstep with the mutant along the mutant's first
  difference, departs from it (`model/fuzz/survivors.py`: what a campaign that reaches that world
  sees; not run on table mutants, whose model a campaign cannot be given: they count 0);
  `attacks` runs the lab alone and counts 0.
Mutants the audit finds equivalent (no reachable behaviour changes) are left out of the counts.
Usage: `python benchmarks/mutation_tools.py [LAB_FILE]`.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from ehttp.audit import MutantResult, lab_lockstep, load_unconstrained, run_audit
from ehttp.bridge.catalogue import run_catalogue
from ehttp.compose.checking import run_checks
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import Lab
from ehttp.fuzz.campaign import CampaignPlan, run_campaign
from ehttp.lab.attacks import CASES
from ehttp.lab.mutants import MUTANTS

FUZZ_STEPS = 300
"""Steps of each lab mutant's ci-profile campaign (seed 0)."""


def _lab_mutants(lab: Lab) -> dict[str, dict[str, bool]]:
    caught: dict[str, dict[str, bool]] = {}
    for name in sorted(MUTANTS):
        campaign = run_campaign(
            CampaignPlan(lab, seed=0, steps=FUZZ_STEPS, mutant=name, profile="ci")
        )
        cases = run_catalogue(lab, 0, name, cases=CASES)
        caught[name] = {
            "check": False,
            "fuzz": bool(campaign.failures),
            "attacks": any(not case.as_expected for case in cases if not case.skipped_because),
            "audit": False,
        }
        print(f"  lab mutant {name}: {caught[name]}", file=sys.stderr)
    return caught


def _model_mutants(lab: Lab, results: tuple[MutantResult, ...]) -> dict[str, dict[str, bool]]:
    changing = [
        r for r in results if r.status in ("killed", "survived") and r.mutant.same_as is None
    ]
    lab_says = lab_lockstep(lab, [r.mutant for r in changing])
    caught: dict[str, dict[str, bool]] = {}
    for result in changing:
        mutant = result.mutant
        if mutant.tables is not None:
            checked = not run_checks(lab, tables=mutant.tables).passed
            lockstep = False
        else:
            checked = result.status == "killed"
            lockstep = lab_says[mutant.id].startswith("contradicts")
        caught[mutant.id] = {
            "check": checked,
            "fuzz": lockstep,
            "attacks": False,
            "audit": result.status == "killed",
        }
    return caught


def _table(title: str, caught: dict[str, dict[str, bool]]) -> list[str]:
    lines = [f"{title}: {len(caught)}"]
    for tool in ("check", "fuzz", "attacks", "audit"):
        count = sum(found[tool] for found in caught.values())
        lines.append(f"  {tool:8} catches {count:3} of {len(caught)}")
    alone = sum(
        1
        for found in caught.values()
        if found["fuzz"] and not (found["check"] or found["audit"] or found["attacks"])
    )
    missed = sorted(name for name, found in caught.items() if not any(found.values()))
    lines.append(f"  caught by fuzz alone: {alone}; caught by none: {len(missed)}")
    lines += [f"    {name}" for name in missed]
    return lines


def main() -> None:
    lab = load_lab(Path(sys.argv[1])) if len(sys.argv) > 1 else default_lab()
    started = time.perf_counter()
    audit = run_audit(lab, unconstrained=load_unconstrained())
    lines = [f"lab {lab.name!r}: audit {audit.seconds:.1f} s"]
    lines += _table("lab mutants (model/lab/mutants.py)", _lab_mutants(lab))
    lines += _table(
        "audit mutants that change the lab's reachable graph (declarations and access tables)",
        _model_mutants(lab, audit.mutants),
    )
    lines.append(f"{time.perf_counter() - started:.1f} s in all")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
