"""The CI profile catches every named mutant of the concrete lab, naming the broken invariant, and
passes the unmutated lab."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehttp.bridge.driver import LabDriver
from ehttp.config.labfile import default_lab
from ehttp.fuzz.campaign import CampaignPlan, FuzzResult, run_campaign
from ehttp.fuzz.invariants import (
    ABSTRACTION,
    ATTACK_ANSWERED,
    ATTACK_REFUSED,
    FORBIDDEN_REFUSED,
    LAB_STEPS,
)
from ehttp.fuzz.replay import load_replay, replay
from ehttp.lab.mutants import (
    ALG_NONE,
    ANONYMOUS_REPLACES,
    DEVICE_TOKEN_WITHOUT_ENHANCED,
    FORGETS_KEYS,
    IGNORES_IDENTITY,
    IGNORES_LIFETIME,
    KEEPS_OLD_KEY,
    KEEPS_TOKENS,
    KIND_UNBOUND,
    MUTANTS,
    NEVER_REBINDS,
    NO_REPLAY_WINDOW,
    SERVES_WITHOUT_CREDENTIAL,
    SKIPS_CONTINUITY,
)

CAUGHT_BY = {
    ALG_NONE: {ATTACK_REFUSED},
    SERVES_WITHOUT_CREDENTIAL: {ATTACK_REFUSED, FORBIDDEN_REFUSED},
    NEVER_REBINDS: {ABSTRACTION},
    KEEPS_OLD_KEY: {LAB_STEPS, ATTACK_REFUSED, ATTACK_ANSWERED},
    IGNORES_IDENTITY: {ATTACK_REFUSED},
    SKIPS_CONTINUITY: {ATTACK_REFUSED},
    KIND_UNBOUND: {ATTACK_REFUSED},
    NO_REPLAY_WINDOW: {ATTACK_REFUSED},
    IGNORES_LIFETIME: {ATTACK_REFUSED},
    KEEPS_TOKENS: {ATTACK_REFUSED},
    ANONYMOUS_REPLACES: {ATTACK_REFUSED},
    FORGETS_KEYS: {ATTACK_REFUSED},
    DEVICE_TOKEN_WITHOUT_ENHANCED: {FORBIDDEN_REFUSED},
}
"""The invariant each mutant breaks: an accepted attack, or the lab departing from the model
(either when the lab refuses a notification the model says it acts on, or when the abstraction
differs), or an attack whose setup the lab breaks (a re-registered client can no longer sign for
the token an attack needs), or an input the model forbids that the lab accepts (negative
lockstep)."""

CI_EXAMPLES = 10
"""Examples each campaign here runs: bounded and, with the ci profile, deterministic."""


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


def ci_campaign(mutant: str | None) -> FuzzResult:
    plan = CampaignPlan(default_lab(), seed=0, examples=CI_EXAMPLES, mutant=mutant, profile="ci")
    return run_campaign(plan)


def test_every_mutant_has_an_expectation() -> None:
    assert set(CAUGHT_BY) == set(MUTANTS)


FAST = frozenset({ALG_NONE, SERVES_WITHOUT_CREDENTIAL, DEVICE_TOKEN_WITHOUT_ENHANCED})
"""The mutants the fast suite runs: each is caught within the first example (about a second of
CPU), one of an attack refused, an attack and a forbidden input both refused, and a forbidden input
refused (negative lockstep). The others take the ci profile 10 to 30 seconds of CPU each to catch:
they are `heavy` (tests/conftest.py), run by .ci/run after the fast suite."""


@pytest.mark.parametrize(
    "mutant",
    [m if m in FAST else pytest.param(m, marks=pytest.mark.heavy) for m in sorted(MUTANTS)],
)
def test_ci_profile_catches_the_mutant(mutant: str) -> None:
    result = ci_campaign(mutant)
    (failure,) = result.failures
    assert failure.invariant in CAUGHT_BY[mutant], (failure.invariant, failure.detail)
    assert failure.replay_file is not None
    plan = load_replay(failure.replay_file, default_lab())
    assert plan.mutant == mutant
    outcome = replay(plan, LabDriver(plan.lab, seed=plan.seed, mutant=plan.mutant))
    assert outcome.broken is not None
    assert outcome.broken.invariant == failure.invariant
    assert [step.text for step in outcome.steps] == [step.text for step in failure.steps]


@pytest.mark.heavy
def test_ci_profile_passes_the_unmutated_lab() -> None:
    # Ten examples of the unmutated lab (heavy); the fast suite's one-example campaigns of
    # tests/fuzz/test_campaign.py also pass it.
    result = ci_campaign(None)
    assert result.failures == ()
    assert result.examples >= CI_EXAMPLES
    assert any(count for name, count in result.rules if name.startswith("attack: "))
