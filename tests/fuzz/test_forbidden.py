"""Negative lockstep (model/fuzz/forbidden.py, model/lab/forbidden.py): what the model forbids in a
world is tried on the lab, which must refuse it for the model's reason; a lab looser than the
model fails `ehttp fuzz` on the default lab."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.bridge.driver import LabDriver
from ehttp.cli.app import main
from ehttp.config.labfile import default_lab
from ehttp.fuzz.forbidden import forbidden_attempts, sample
from ehttp.lab.forbidden import Attempt
from ehttp.lab.mutants import DEVICE_TOKEN_WITHOUT_ENHANCED
from ehttp.lab.reasons import Accepted, Reason, Refused
from ehttp.machines.site import DISABLE

DEVICE_AT_MP1 = Attempt("registration", "mp1", "azure-ad-device-token", "aad1")


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def _disabled(driver: LabDriver) -> None:
    model = driver.model
    [action] = [a for a in model.actions(model.initial) if model.action_name(a) == DISABLE]
    driver.step(action)


def test_what_the_default_lab_forbids_follows_enhanced_http() -> None:
    driver = LabDriver(default_lab())
    model = driver.model
    on = forbidden_attempts(model, model.initial)
    assert DEVICE_AT_MP1 not in on
    assert Attempt("user authorization", "mp1", "azure-ad-user-token") not in on
    assert Attempt("download", "dp1", "none") in on
    [action] = [a for a in model.actions(model.initial) if model.action_name(a) == DISABLE]
    off = forbidden_attempts(model, model.next_state(model.initial, action))
    assert DEVICE_AT_MP1 in off
    assert Attempt("user authorization", "mp1", "azure-ad-user-token") in off
    assert Attempt("download", "dp1", "content-access-token") in off
    # No client of the default lab holds a PKI certificate: nothing is tried with one.
    assert all(a.method != "pki-certificate" for a in on + off)


def test_the_lab_refuses_each_for_the_tables_reason_and_does_not_change() -> None:
    driver = LabDriver(default_lab())
    _disabled(driver)
    attempts = forbidden_attempts(driver.model, driver.abstraction())
    before = driver.abstraction()
    verdicts = driver.try_forbidden(attempts)
    assert len(verdicts) == len(attempts) == 4
    assert all(
        isinstance(v, Refused) and v.reason is Reason.METHOD_NOT_ACCEPTED for v in verdicts
    ), [(a.text, v) for a, v in zip(attempts, verdicts, strict=True)]
    assert driver.abstraction() == before


def test_the_planted_mutant_accepts_a_device_token_at_an_http_mp_without_enhanced_http() -> None:
    driver = LabDriver(default_lab(), mutant=DEVICE_TOKEN_WITHOUT_ENHANCED)
    _disabled(driver)
    (verdict,) = driver.try_forbidden([DEVICE_AT_MP1])
    assert isinstance(verdict, Accepted)


def test_a_sample_takes_the_attempts_in_turn() -> None:
    driver = LabDriver(default_lab())
    _disabled(driver)
    attempts = forbidden_attempts(driver.model, driver.abstraction())
    assert len(attempts) == 4
    assert sample(attempts, 0, 2) == attempts[:2]
    assert sample(attempts, len(attempts) - 1, 2) == (attempts[-1], attempts[0])
    assert sample(attempts[:1], 5, 2) == attempts[:1]


def test_fuzz_fails_on_the_default_lab_with_an_http_mp_taking_device_tokens_unenhanced() -> None:
    args = ["fuzz", "--steps", "60", "--seed", "1", "--profile", "ci"]
    clean = CliRunner().invoke(main, args, catch_exceptions=False)
    assert clean.exit_code == 0, clean.output
    result = CliRunner().invoke(
        main, [*args, "--mutant", DEVICE_TOKEN_WITHOUT_ENHANCED], catch_exceptions=False
    )
    assert result.exit_code == 1, result.output
    assert (
        'FAIL: invariant "the lab refuses what the model forbids, for the model\'s reason" broke '
        "at step 1 (disable enhanced HTTP)\n"
        "  registration with azure-ad-device-token at mp1 by aad1: accepted; the model forbids "
        "it (method-not-accepted)\n" in result.stdout
    )
