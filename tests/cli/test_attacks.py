"""`ehttp attacks` as users see it (model/cli/attacks.py): text, JSON and exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from ehttp.cli.app import main
from ehttp.lab.attacks import CASES, CATALOGUE, FAMILIES, HONEST
from ehttp.lab.mp import ManagementPointServer
from ehttp.lab.reasons import Reason, Refused
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["attacks", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def example_runs() -> dict[str, Result]:
    """`ehttp attacks --lab <example> --json` for each example lab, run once for the tests that
    read it: the catalogue is deterministic (seed 0) and nothing here changes what it runs."""
    return {path.name: run("--lab", str(path), "--json") for path in sorted(LABS.glob("*.toml"))}


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
    assert len(lines) == len(CASES) + 4
    needs_pki = [a.name for a in CATALOGUE if "pki-client" in a.requires]
    ran = len(CATALOGUE) - len(needs_pki)
    ran_by_family = {
        name: sum(1 for a in family if "pki-client" not in a.requires)
        for name, family in FAMILIES.items()
    }
    assert lines[-3] == "attacks by family: " + ", ".join(
        f"{name} {count}" for name, count in ran_by_family.items()
    )
    assert lines[-3].startswith("attacks by family: tokens 13, certificates 22, ")
    assert lines[-2] == (
        f"{ran} attacks: {ran} rejected as expected, 0 with another reason, 0 accepted; "
        f"{len(HONEST)} honest twins: {len(HONEST)} accepted, 0 refused; 0 setup refused; "
        f"{len(needs_pki)} skipped"
    )
    assert lines[-1] == (
        "PASS: every attack refused with its own reason, every honest twin accepted"
    )
    assert (
        "accepted  honest-device-tokens: every Azure AD-joined or hybrid client's own genuine "
        "device token; expected accepted, actual accepted"
    ) in lines
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
    assert [c["name"] for c in out["cases"]] == [a.name for a in CASES if a.name not in needs_pki]
    assert out["honest_refused"] == [] and out["setup_refused"] == []
    assert [c["name"] for c in out["cases"] if c["honest"]] == [a.name for a in HONEST]
    first = out["cases"][0]
    assert first == {
        "name": "token-alg-none",
        "family": "tokens",
        "what": "device token with alg=none and no signature",
        "expected": "token-alg-not-allowed",
        "actual": "token-alg-not-allowed",
        "rejected": True,
        "variant": "default",
        "honest": False,
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


def test_another_lab_skips_what_it_lacks(example_runs: dict[str, Result]) -> None:
    result = example_runs["osd-without-naa.toml"]
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    skipped = {s["name"]: s["because"] for s in out["skipped"]}
    assert skipped["token-alg-none"] == [
        'needs an Azure AD-joined client ([[clients]] join = "azure-ad")'
    ]
    assert all(c["rejected"] != c["honest"] for c in out["cases"])
    pki = json.loads(example_runs["https-site-systems.toml"].stdout)
    assert "identity-pki-registers-other-client" in {c["name"] for c in pki["cases"]}
    assert len(out["cases"]) + len(skipped) == len(CASES)


@pytest.mark.parametrize("lab", sorted(path.name for path in LABS.glob("*.toml")))
def test_every_example_lab_refuses_every_applicable_attack_for_its_own_reason(
    lab: str, example_runs: dict[str, Result]
) -> None:
    result = example_runs[lab]
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["accepted"] == [] and out["honest_refused"] == [] and out["setup_refused"] == []
    assert [c["name"] for c in out["cases"] if c["actual"] != c["expected"]] == []


def test_bad_mutant_is_one_line() -> None:
    result = run("--mutant", "bogus")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --mutant: 'bogus' is not accepted; use one of dp-ignores-token-lifetime, "
        "dp-keeps-tokens-after-disabling, dp-serves-without-credential, mp-accepts-alg-none, "
        "mp-anonymous-replaces-record, mp-forgets-superseded-keys, "
        "mp-http-device-token-without-enhanced, mp-ignores-identity-binding, "
        "mp-ignores-message-kind, "
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


def test_every_family_runs_on_some_example_lab(example_runs: dict[str, Result]) -> None:
    ran: set[str] = set()
    for result in example_runs.values():
        out = json.loads(result.stdout)
        ran |= {c["family"] for c in out["cases"]}
    assert ran == {a.family for a in CATALOGUE}


def test_ctrl_c_prints_the_cases_run_so_far_and_exits_130(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ehttp.bridge.catalogue as catalogue_run

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
    assert len(lines) == 1 + 3 + 3
    assert lines[-3] == (
        "attacks by family: tokens 3, certificates 0, content 0, messages 0, registration 0, "
        "identity 0, rollover 0, kinds 0, replay 0, stale 0, malformed 0"
    )
    assert lines[-2] == (
        "3 attacks: 3 rejected as expected, 0 with another reason, 0 accepted; "
        "0 honest twins: 0 accepted, 0 refused; 0 setup refused; 0 skipped"
    )
    assert lines[-1].startswith(f"INTERRUPTED: Ctrl-C after 3 of {len(CASES)} cases; not run: ")
    cases.clear()
    document = json.loads(run("--json").stdout)
    validate("attacks", document)
    assert document["verdict"] == "interrupted" and len(document["cases"]) == 3
    assert document["not_run"] == [attack.name for attack in CASES[3:]]


def test_every_family_has_an_honest_twin_accepted_on_some_example_lab(
    example_runs: dict[str, Result],
) -> None:
    """Issue 25: attacks show only that bad input is refused; each family's twin shows that the
    honest input beside it is accepted."""
    accepted: set[str] = set()
    for result in example_runs.values():
        out = json.loads(result.stdout)
        accepted |= {c["family"] for c in out["cases"] if c["honest"] and c["actual"] == "accepted"}
    assert accepted == {a.family for a in CATALOGUE}


@pytest.mark.req("SCN-3", "SEC-2")
def test_a_lab_refusing_a_hybrid_clients_own_device_token_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 25: such a lab passed every attack; the device token family's honest twin fails
    it (the fault: the site's records of hybrid clients lack their Azure AD device id)."""
    import ehttp.lab.testbed as testbed

    real = testbed.directory_of

    def without_hybrid_device_ids(clients: Any, suffix: str, device_ids: Any) -> Any:
        hybrid = {c.name for c in clients if c.join == "hybrid"}
        return real(clients, suffix, {n: i for n, i in device_ids.items() if n not in hybrid})

    monkeypatch.setattr(testbed, "directory_of", without_hybrid_device_ids)
    result = run("--lab", str(LABS / "hybrid-devices.toml"))
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert (
        "REFUSED   honest-device-tokens: every Azure AD-joined or hybrid client's own genuine "
        "device token; expected accepted, actual token-device-mismatch"
    ) in lines
    assert lines[-1].startswith("FAIL: honest twin refused: honest-device-tokens")


def test_a_refused_setup_step_is_a_result_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 25: `RuntimeError: attack setup: aad1 could not roll over` became a traceback; a
    lab that refuses every honest rollover now fails the cases that need one, each saying so."""

    def refuse(self: ManagementPointServer, request: object, continuity: object) -> Refused:
        return Refused(Reason.REG_ROLLOVER_NOT_CONTINUOUS, "this lab refuses every rollover")

    monkeypatch.setattr(ManagementPointServer, "reregister", refuse)
    result = run()
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert (
        "SETUP     rollover-replayed: a rollover the client already made, sent again; expected "
        "reg-rollover-not-continuous, actual setup refused: aad1 rolls over to a new key: "
        "reg-rollover-not-continuous: this lab refuses every rollover"
    ) in lines
    assert lines[-1].startswith("FAIL: ")
    assert "setup refused: " in lines[-1] and "rollover-replayed" in lines[-1]
    document = json.loads(run("--json").stdout)
    validate("attacks", document)
    assert document["verdict"] == "fail" and "rollover-replayed" in document["setup_refused"]
