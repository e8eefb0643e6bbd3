"""`ehttp attacks` as users see it (model/cli/attacks.py): text, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from model.cli.app import main
from model.lab.attacks import CATALOGUE

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["attacks", *args], catch_exceptions=False)


@pytest.mark.req("SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5")
def test_text_on_the_default_lab() -> None:
    result = run()
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Attack catalogue against lab 'default' (seed 0):"
    assert lines[1] == (
        "rejected  token-alg-none: device token with alg=none and no signature; "
        "expected token-alg-not-allowed, actual token-alg-not-allowed"
    )
    assert len(lines) == len(CATALOGUE) + 2
    assert lines[-1] == (
        f"{len(CATALOGUE)} cases: {len(CATALOGUE)} rejected as expected, 0 with another reason, "
        "0 accepted; 0 skipped"
    )


def test_json_on_the_default_lab() -> None:
    result = run("--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["accepted"] == [] and out["unexpected_reason"] == [] and out["skipped"] == []
    assert [c["name"] for c in out["cases"]] == [a.name for a in CATALOGUE]
    first = out["cases"][0]
    assert first == {
        "name": "token-alg-none",
        "what": "device token with alg=none and no signature",
        "expected": "token-alg-not-allowed",
        "actual": "token-alg-not-allowed",
        "rejected": True,
        "variant": "default",
    }


def test_a_mutant_makes_it_exit_1() -> None:
    result = run("--mutant", "mp-accepts-alg-none")
    assert result.exit_code == 1
    assert (
        "ACCEPTED  token-alg-none: device token with alg=none and no signature; "
        "expected token-alg-not-allowed, actual accepted"
    ) in result.stdout.splitlines()
    out = json.loads(run("--mutant", "mp-accepts-alg-none", "--json").stdout)
    assert out["accepted"] == ["token-alg-none"]
    assert out["mutant"] == "mp-accepts-alg-none"


def test_another_lab_skips_what_it_lacks() -> None:
    result = run("--lab", str(LABS / "https-site-systems.toml"), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    skipped = {s["name"]: s["because"] for s in out["skipped"]}
    assert skipped["reg-ad-wrong-proof"] == ["a domain-joined client dom1"]
    assert all(c["rejected"] for c in out["cases"])
    assert len(out["cases"]) + len(skipped) == len(CATALOGUE)


@pytest.mark.parametrize("lab", sorted(path.name for path in LABS.glob("*.toml")))
def test_every_example_lab_refuses_every_applicable_attack_for_its_own_reason(lab: str) -> None:
    result = run("--lab", str(LABS / lab), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["accepted"] == []
    assert [c["name"] for c in out["cases"] if c["actual"] != c["expected"]] == []


def test_bad_mutant_is_one_line() -> None:
    result = run("--mutant", "bogus")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --mutant: 'bogus' is not accepted; use one of dp-serves-without-credential, "
        "mp-accepts-alg-none, mp-keeps-old-key, mp-never-rebinds"
    ]


@pytest.mark.parametrize("seed", ["x", "-1"])
def test_bad_seed_exits_2_with_one_line(seed: str) -> None:
    result = CliRunner().invoke(main, ["attacks", "--seed", seed], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: --seed: '{seed}' is not accepted; give a whole number >= 0"
    ]
