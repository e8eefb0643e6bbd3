"""`ehttp attacks` as users see it (model/cli/attacks.py): text, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from model.cli.app import main
from model.lab.attacks import CATALOGUE
from tests.cli.test_json_schemas import validate

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
    needs_pki = [a.name for a in CATALOGUE if "pki-client" in a.requires]
    ran = len(CATALOGUE) - len(needs_pki)
    assert lines[-1] == (
        f"{ran} cases: {ran} rejected as expected, 0 with another reason, "
        f"0 accepted; {len(needs_pki)} skipped"
    )
    assert (
        "skipped   identity-pki-registers-other-client: does not apply: needs a client with a "
        "PKI certificate ([[clients]] pki_certificate = true); needs an HTTPS management point "
        '([[management_points]] connections = "https")'
    ) in lines


def test_json_on_the_default_lab() -> None:
    result = run("--json")
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["accepted"] == [] and out["unexpected_reason"] == []
    needs_pki = [a.name for a in CATALOGUE if "pki-client" in a.requires]
    assert [s["name"] for s in out["skipped"]] == needs_pki
    assert [c["name"] for c in out["cases"]] == [
        a.name for a in CATALOGUE if a.name not in needs_pki
    ]
    first = out["cases"][0]
    assert first == {
        "name": "token-alg-none",
        "family": "tokens",
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
    result = run("--lab", str(LABS / "osd-without-naa.toml"), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    skipped = {s["name"]: s["because"] for s in out["skipped"]}
    assert skipped["token-alg-none"] == [
        'needs an Azure AD-joined client ([[clients]] join = "azure-ad")'
    ]
    assert all(c["rejected"] for c in out["cases"])
    pki = json.loads(run("--lab", str(LABS / "https-site-systems.toml"), "--json").stdout)
    assert "identity-pki-registers-other-client" in {c["name"] for c in pki["cases"]}
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
        "Error: --mutant: 'bogus' is not accepted; use one of dp-ignores-token-lifetime, "
        "dp-keeps-tokens-after-disabling, dp-serves-without-credential, mp-accepts-alg-none, "
        "mp-anonymous-replaces-record, mp-ignores-identity-binding, mp-ignores-message-kind, "
        "mp-keeps-old-key, mp-never-rebinds, mp-no-replay-window, mp-skips-rollover-continuity"
    ]


@pytest.mark.parametrize("seed", ["x", "-1"])
def test_bad_seed_exits_2_with_one_line(seed: str) -> None:
    result = CliRunner().invoke(main, ["attacks", "--seed", seed], catch_exceptions=False)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: --seed: '{seed}' is not accepted; give a whole number from 0 to "
        "18,446,744,073,709,551,615"
    ]


def test_every_family_runs_on_some_example_lab() -> None:
    ran: set[str] = set()
    for path in sorted(LABS.glob("*.toml")):
        out = json.loads(run("--lab", str(path), "--json").stdout)
        ran |= {c["family"] for c in out["cases"]}
    assert ran == {a.family for a in CATALOGUE}


def test_ctrl_c_prints_the_cases_run_so_far_and_exits_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import model.lab.catalogue_run as catalogue_run

    real = catalogue_run._run_case
    cases: list[int] = []

    def interrupted_fourth(*args: Any) -> Any:
        cases.append(1)
        if len(cases) == 4:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(catalogue_run, "_run_case", interrupted_fourth)
    result = run()
    assert result.exit_code == 130, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1 + 3 + 2
    assert (
        lines[-2] == "3 cases: 3 rejected as expected, 0 with another reason, 0 accepted; 0 skipped"
    )
    assert lines[-1].startswith(
        f"INTERRUPTED: Ctrl-C after 3 of {len(CATALOGUE)} attacks; not run: "
    )
    cases.clear()
    document = json.loads(run("--json").stdout)
    validate("attacks", document)
    assert document["verdict"] == "interrupted" and len(document["cases"]) == 3
    assert document["not_run"] == [attack.name for attack in CATALOGUE[3:]]
