"""`ehttp fuzz` with no budget runs 1.2 lab steps per reachable state (model/cli/fuzz.py,
model/fuzz/campaign.py `STEPS_PER_STATE`), and says so; a failure names what broke and when."""

from __future__ import annotations

import json
import math
from pathlib import Path

from click.testing import CliRunner, Result

from ehttp.cli.app import main
from ehttp.cli.fuzz import broke
from ehttp.fuzz.campaign import STEPS_PER_STATE
from ehttp.fuzz.invariants import ABSTRACTION
from ehttp.fuzz.lockstep import FuzzStep

SMALL = Path(__file__).resolve().parents[2] / "specs" / "labs" / "site-1802.toml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["fuzz", "--lab", str(SMALL), *args], catch_exceptions=False)


def test_the_default_budget_is_steps_per_reachable_state() -> None:
    result = run("--seed", "1", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    reachable = document["coverage"]["reachable"]
    budget = math.ceil(STEPS_PER_STATE * reachable)
    assert document["budget"] == {
        "seconds": None,
        "examples": None,
        "steps": budget,
        "steps_per_state": STEPS_PER_STATE,
    }
    assert document["steps"] == budget


def test_the_text_gives_the_budget_and_the_coverage_in_words() -> None:
    result = run("--seed", "1")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "seed 1",
        "budget: 65 steps (1.20 per reachable state)",
        lines[2],
        "coverage: 54 of 54 reachable states (100.0%), 60 of 206 reachable transitions (29.1%)",
    ]
    assert lines[2].startswith("65 steps in ") and lines[2].endswith(" steps/s), 1 example")
    assert lines[-1] == "PASS: no invariant broke"


def test_an_explicit_budget_replaces_the_default() -> None:
    document = json.loads(run("--seed", "1", "--steps", "5", "--json").stdout)
    assert document["budget"]["steps"] == 5 and document["budget"]["steps_per_state"] is None
    assert document["steps"] == 5


def test_a_broken_property_is_named_by_its_id_and_the_step_after_which_it_broke() -> None:
    step = FuzzStep(kind="action", name="enable enhanced HTTP", text="enable enhanced HTTP (site)")
    sentence = "toggling only after the previous change completed never strands a certificate"
    assert broke(sentence, (step, step)) == (
        f"property CERT-5/careful-toggling ({sentence!r}) broke at step 2 (enable enhanced HTTP)"
    )
    assert broke(ABSTRACTION, ()) == (
        "invariant \"the lab's abstraction equals the model's state\" broke on the lab as "
        "configured, before any step"
    )
