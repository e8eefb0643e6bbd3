"""The hostile-input campaign (model/fuzz/hostile.py): the CI profile passes the lab, each of its
three invariants can fail, and mutants that remove an identity, continuity, freshness or lifetime
check are caught by it."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from click.testing import CliRunner

import ehttp.cli.fuzz as fuzz_command
import ehttp.compose.promela as promela
import ehttp.config.labfile as labfile
import ehttp.readlimits as readlimits
from ehttp.cli.app import main
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.fuzz.hostile import (
    ACCEPTED_FORBIDDEN,
    CI_HOSTILE_EXAMPLES,
    EXCEPTION,
    REFUSAL_CHANGED,
    TARGETS,
    TEXT_AS_CODE,
    HostilePlan,
    HostileResult,
    run_hostile,
)
from ehttp.lab.dp import DistributionPointServer, Download
from ehttp.lab.freshness import ReplayStore
from ehttp.lab.mp import ManagementPointServer
from ehttp.lab.mutants import (
    FORGETS_KEYS,
    IGNORES_IDENTITY,
    IGNORES_LIFETIME,
    KEEPS_OLD_KEY,
    NO_REPLAY_WINDOW,
    SKIPS_CONTINUITY,
)
from ehttp.lab.reasons import Reason, Refused
from ehttp.report.traceability import example_labs


def test_ci_profile_passes_the_lab_and_tries_every_target(monkeypatch: pytest.MonkeyPatch) -> None:
    result = run_hostile(HostilePlan(default_lab(), seed=0, profile="ci"))
    assert result.failure is None
    assert result.skipped == ()
    assert len(result.tried) == len(TARGETS) == 12
    costly = {target.name for target, _needs in TARGETS if target.weight < 1}
    assert costly == {"generated files"}
    assert all(count >= 60 for name, count in result.tried.items() if name not in costly)
    assert result.tried["generated files"] == 12
    # The replay target on the unmutated site (was tests/fuzz/test_hostile_replay.py's own run
    # of this same plan): every replay at another management point tried and refused.
    assert result.tried["replay at another management point"] == 60
    assert result.accepted["replay at another management point"] == 0
    # The command (was test_the_command_prints_the_inputs_tried's own run): it builds this plan
    # (the ci profile's examples per target) and prints its result, one line per target. That
    # the same plan gives the same counts is test_the_same_plan_tries_and_accepts_the_same.
    plans: list[HostilePlan] = []

    def this_run(plan: HostilePlan) -> HostileResult:
        plans.append(plan)
        return result

    monkeypatch.setattr(fuzz_command, "run_hostile", this_run)
    command = CliRunner().invoke(
        main, ["fuzz", "--hostile", "--profile", "ci", "--seed", "0"], catch_exceptions=False
    )
    assert plans == [HostilePlan(default_lab(), seed=0, examples=CI_HOSTILE_EXAMPLES, profile="ci")]
    assert command.exit_code == 0, command.output
    lines = command.stdout.splitlines()
    assert lines[0] == "seed 0"
    assert lines[1].startswith("hostile inputs tried: ")
    assert "  device token: " in command.stdout
    assert lines[2 : 2 + len(result.tried)] == [
        f"  {name}: {result.tried[name]:,} tried, {result.accepted[name]:,} accepted within the "
        "model's rules"
        for name in sorted(result.tried)
    ]
    assert lines[-1] == (
        "PASS: no exception, no acceptance the model forbids, nothing changed after a refusal"
    )


@pytest.mark.parametrize(
    "lab",
    [
        lab if lab.name == "default" else pytest.param(lab, marks=pytest.mark.heavy)
        for lab in example_labs()
    ],
    ids=lambda lab: lab.name,
)
def test_every_example_lab_survives_a_bounded_hostile_run(lab: Lab) -> None:
    # The default lab in the fast suite; every other example lab is heavy (tests/conftest.py).
    result = _bounded(lab)
    assert result.failure is None, result.failure
    assert result.total > 0


@cache
def _bounded(lab: Lab) -> HostileResult:
    """A bounded ci run of `lab` (ten examples per target), once per lab for this module; the
    tests only read it."""
    return run_hostile(HostilePlan(lab, seed=1, examples=10, profile="ci"))


def test_the_same_plan_tries_and_accepts_the_same() -> None:
    # Was a second run of the whole ci plan in test_ci_profile_passes_the_lab_...: ten examples
    # per target draw from every target (two for the generated files), so a campaign that is
    # not reproducible from its seed shows here too.
    first = _bounded(default_lab())
    again = run_hostile(HostilePlan(default_lab(), seed=1, examples=10, profile="ci"))
    assert set(first.tried) == {target.name for target, _needs in TARGETS}
    assert first.tried["generated files"] == 2
    assert again.tried == first.tried and again.accepted == first.accepted
    assert again.skipped == first.skipped


@pytest.mark.parametrize(
    ("mutant", "target"),
    [
        (IGNORES_IDENTITY, "registration request"),
        (SKIPS_CONTINUITY, "key rollover"),
        (NO_REPLAY_WINDOW, "client notification"),
        (IGNORES_LIFETIME, "content access token"),
    ],
)
def test_a_removed_check_is_an_acceptance_the_model_forbids(mutant: str, target: str) -> None:
    result = run_hostile(HostilePlan(default_lab(), seed=0, profile="ci", mutant=mutant))
    assert result.failure is not None
    assert (result.failure.invariant, result.failure.target) == (ACCEPTED_FORBIDDEN, target)


def test_an_exception_breaks_the_first_invariant(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: DistributionPointServer, package: str, credential: object) -> None:
        raise UnicodeEncodeError("utf-8", "\udc80", 0, 1, "surrogates not allowed")

    monkeypatch.setattr(DistributionPointServer, "download", crash)
    result = run_hostile(HostilePlan(default_lab(), seed=0, examples=5, profile="ci"))
    assert result.failure is not None and result.failure.invariant == EXCEPTION
    assert "UnicodeEncodeError" in result.failure.detail


def test_a_refusal_that_changes_state_breaks_the_third_invariant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def leaky(self: DistributionPointServer, package: str, credential: object) -> Refused:
        self.served.append(Download(package, "nobody"))
        return Refused(Reason.METHOD_NOT_ACCEPTED, "refused, but logged as served")

    monkeypatch.setattr(DistributionPointServer, "download", leaky)
    result = run_hostile(HostilePlan(default_lab(), seed=0, examples=5, profile="ci"))
    assert result.failure is not None and result.failure.invariant == REFUSAL_CHANGED


def test_replay_and_hostile_together_is_one_line() -> None:
    result = CliRunner().invoke(main, ["fuzz", "--hostile", "--replay", "x.json"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --replay and --hostile are not accepted together; give one"
    ]


def _own_replay_memory(mp: pytest.MonkeyPatch) -> None:
    """Each management point keeps its own memory of what it saw, as before issue 21."""
    built = ManagementPointServer.__init__

    def own(self: ManagementPointServer, *args: Any, **kwargs: Any) -> None:
        built(self, *args, **kwargs)
        self._seen = ReplayStore()

    mp.setattr(ManagementPointServer, "__init__", own)


REPLAY = "replay at another management point"

PLANTED = {
    "management points that each keep their own replay memory": (
        _own_replay_memory,
        {(ACCEPTED_FORBIDDEN, REPLAY)},
    ),
    "a generator that stops escaping": (
        lambda mp: mp.setattr(promela, "comment_text", lambda text: text),
        {(TEXT_AS_CODE, "generated files")},
    ),
    "a parser that drops the depth check": (
        lambda mp: mp.setattr(readlimits, "MAX_DEPTH", 10**6),
        {
            (invariant, target)
            for invariant in (EXCEPTION, ACCEPTED_FORBIDDEN)
            for target in ("lab file", "replay file", "saved file")
        },
    ),
    "a parser that drops the number check": (
        lambda mp: mp.setattr(readlimits, "MAX_BARE", 10**6),
        {
            (invariant, target)
            for invariant in (EXCEPTION, ACCEPTED_FORBIDDEN)
            for target in ("lab file", "replay file", "saved file")
        },
    ),
    "a lab file reader without the size bounds": (
        lambda mp: mp.setattr(labfile, "_size_mistake", lambda data: None),
        {(ACCEPTED_FORBIDDEN, "lab file")},
    ),
}


@pytest.mark.parametrize(
    "planted",
    [
        # Witness: tests/fuzz/test_hostile_replay.py::test_each_kind_finds_its_fault_within_the_
        # ci_profile plants this memory per management point for each kind of the replay target.
        pytest.param(name, marks=pytest.mark.heavy)
        if name == "management points that each keep their own replay memory"
        else name
        for name in sorted(PLANTED)
    ],
)
def test_a_planted_fault_of_each_new_class_is_found_by_the_ci_profile(
    planted: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 21, point 7: injection through a generator, deep nesting, huge numbers, oversized
    labs and a replay memory per management point are each found within the CI profile."""
    plant, expected = PLANTED[planted]
    plant(monkeypatch)
    result = run_hostile(HostilePlan(default_lab(), seed=0, profile="ci"))
    assert result.failure is not None
    assert (result.failure.invariant, result.failure.target) in expected, result.failure


# Witness: tests/fuzz/test_hostile_replay.py::test_each_kind_finds_its_fault_within_the_ci_profile
# [superseded registration] finds this mutant with the replay target in the ci profile.
@pytest.mark.heavy
def test_the_replay_target_finds_a_site_that_forgets_superseded_keys() -> None:
    """A fresh registration of a client's superseded key with its captured device token is
    accepted at a management point of the site when the site keeps no key history."""
    result = run_hostile(HostilePlan(default_lab(), seed=0, profile="ci", mutant=FORGETS_KEYS))
    assert result.failure is not None
    assert (result.failure.invariant, result.failure.target) == (ACCEPTED_FORBIDDEN, REPLAY)
    assert "superseded key" in result.failure.hostile


def test_a_refused_setup_step_is_reported_not_raised() -> None:
    """With the site keeping a client's old key, the genuine content access token the campaign
    starts from can't be had: that target is skipped with the lab's reason (it raised
    SetupRefused out of the campaign before), and the honest rollover the replay target needs is
    refused, which it reports."""
    result = run_hostile(HostilePlan(default_lab(), seed=0, profile="ci", mutant=KEEPS_OLD_KEY))
    assert any(s.startswith("content access token: ") for s in result.skipped), result.skipped
    assert result.failure is not None
    assert (result.failure.invariant, result.failure.target) == (EXCEPTION, REPLAY)
    assert result.failure.detail.startswith("SetupRefused: ")
