"""Every example lab in specs/labs/ is fuzzed in CI (a short, deterministic campaign with the ci
profile): a lab fault that shows only on one lab's clients (a hybrid-joined client's own device
token refused, say) fails here, not only on the default lab. Speed lives in benchmarks/; the
per-lab times are what `pytest --durations` prints for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.config.labfile import load_lab
from model.fuzz.campaign import CampaignPlan, run_campaign

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


@pytest.mark.parametrize("lab_file", _labs(), ids=lambda p: p.stem)
def test_a_short_campaign_on_each_example_lab_passes(lab_file: Path) -> None:
    plan = CampaignPlan(load_lab(lab_file), seed=0, steps=CI_STEPS, profile="ci")
    result = run_campaign(plan)
    assert [(f.invariant, f.detail) for f in result.failures] == []
    assert result.steps >= CI_STEPS
