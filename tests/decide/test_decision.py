"""One decision: `ehttp scenarios`, the report, `ehttp whatif` and `ehttp diagnose` give the same
answer to "can client C do X" in every steady world of every example lab (issue 19 point 5).

Before, `scenarios` judged reachability with the site configuration frozen and `whatif` a bare
model predicate: on the default lab `scenarios` said wg1's scenario 2 "works" (after an approval
nobody gave) and aad1's "undocumented", `whatif` "doesn't work, before or after" and "works". The
agreement test compares the commands' own answers (`tests/decide/agreement.py`); the perturbation
tests show it fails when any one command decides on its own again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from ehttp.ask import symptoms, whatif
from ehttp.ask.observe import CAPABILITIES, Capability
from ehttp.compose.world import Env, World
from ehttp.config.examples import example_lab, example_labs
from ehttp.decide import Decision, Question, goal_holds
from ehttp.machines.registration import REREGISTRATION_DUE
from ehttp.views import scenarios
from tests.decide.agreement import Answers, answers, disagreements, steady_variants

COVERAGE = {
    "labs": 13,
    "steady worlds": 24,
    "(world, client) pairs": 67,
    "(world, client, question) triples": 356,
    "answers compared": 913,
}
"""The agreement test's coverage, pinned: a lab, world or question that stops being compared
fails the test (labs x worlds x clients x questions)."""

DEFAULT_COVERAGE = {
    "labs": 1,
    "steady worlds": 2,
    "(world, client) pairs": 6,
    "(world, client, question) triples": 32,
    "answers compared": 82,
}
"""The same coverage on the default lab alone, which the fast suite compares."""


@pytest.fixture(scope="module")
def default_answers() -> dict[tuple[str, str], Answers]:
    """Every command's answers on every steady world of the default lab, computed once."""
    return {
        ("default", label): answers(lab) for label, lab in steady_variants(example_lab("default"))
    }


@pytest.fixture(scope="module")
def example_answers(
    default_answers: dict[tuple[str, str], Answers],
) -> dict[tuple[str, str], Answers]:
    """Every command's answers on every steady world of every example lab, computed once (the
    default lab's from `default_answers`)."""
    return {
        (example.name, label): default_answers.get((example.name, label)) or answers(lab)
        for example in example_labs()
        for label, lab in steady_variants(example_lab(example.name))
    }


def _coverage(found: dict[tuple[str, str], Answers]) -> dict[str, int]:
    return {
        "labs": len({name for name, _label in found}),
        "steady worlds": len(found),
        "(world, client) pairs": len({(w, c) for w, by in found.items() for c, _q in by}),
        "(world, client, question) triples": sum(len(by) for by in found.values()),
        "answers compared": sum(len(a) for by in found.values() for a in by.values()),
    }


def _agree(found: dict[tuple[str, str], Answers], pinned: dict[str, int]) -> None:
    wrong_worlds = {
        f"{name} ({label})": wrong
        for (name, label), by in found.items()
        if (wrong := disagreements(by))
    }
    assert wrong_worlds == {}
    coverage = _coverage(found)
    print("coverage: " + ", ".join(f"{value} {key}" for key, value in coverage.items()))
    assert coverage == pinned


@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2", "REG-5", "DP-2")
def test_the_four_commands_agree_on_every_steady_world_of_the_default_lab(
    default_answers: dict[tuple[str, str], Answers],
) -> None:
    _agree(default_answers, DEFAULT_COVERAGE)


# Heavy (every example lab, 12 s): the fast suite compares the four commands on both steady
# worlds of the default lab (the test above), and the perturbation tests below show there that
# each command deciding on its own is caught.
@pytest.mark.heavy
@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2", "REG-5", "DP-2")
def test_the_four_commands_agree_on_every_steady_world_of_every_example_lab(
    example_answers: dict[tuple[str, str], Answers],
) -> None:
    _agree(example_answers, COVERAGE)


def _answered_twice(found: dict[tuple[str, str], Answers]) -> None:
    single = [
        (world, key, by) for world, got in found.items() for key, by in got.items() if len(by) < 2
    ]
    assert single == []
    commands = {c for got in found.values() for by in got.values() for c in by}
    assert commands == {"scenarios", "report", "whatif", "diagnose"}


def test_every_question_on_the_default_lab_is_answered_by_two_commands_or_more(
    default_answers: dict[tuple[str, str], Answers],
) -> None:
    _answered_twice(default_answers)


# Heavy (every example lab): the fast suite checks the default lab (the test above).
@pytest.mark.heavy
def test_every_question_is_answered_by_two_commands_or_more(
    example_answers: dict[tuple[str, str], Answers],
) -> None:
    _answered_twice(example_answers)


def test_a_disagreement_is_reported_with_every_command_s_answer() -> None:
    found: Answers = {
        ("wg1", "2"): {"scenarios": "works", "report": "works", "whatif": "blocked"},
        ("wg1", "content download"): {"whatif": "blocked", "diagnose": "works"},
        ("dom1", "1"): {"scenarios": "not-applicable", "whatif": "not-applicable"},
        ("dom1", "client notification"): {"whatif": "blocked", "diagnose": "doesn't work"},
    }
    assert disagreements(found) == [
        "wg1 2: scenarios works, report works, whatif blocked",
        "wg1 content download: whatif blocked, diagnose works",
    ]


def _default() -> Answers:
    return answers(example_lab("default"))


def test_the_default_lab_agrees_as_given(
    default_answers: dict[tuple[str, str], Answers],
) -> None:
    """The unperturbed baseline of the perturbation tests below, read from the module's answers
    rather than asked again."""
    assert disagreements(default_answers[("default", "as given")]) == []


def test_scenarios_deciding_on_its_own_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """`scenarios` (and the report, which prints its verdicts) saying "works" for scenario 2
    whenever the model can reach it, as before: wg1 waits for approval in the steady state."""
    real = scenarios.decide

    def optimistic(env: Env, world: World, index: int, question: Question) -> Decision:
        decision = real(env, world, index, question)
        return replace(decision, word="works") if decision.word == "blocked" else decision

    monkeypatch.setattr(scenarios, "decide", optimistic)
    assert "wg1 2: scenarios works, report works, whatif blocked" in disagreements(_default())


class _ModelOnly(Capability):
    """A capability that reads the model's goal alone, as `whatif` did before."""

    def holds(self, env: Env, world: World, index: int) -> bool:
        return goal_holds(env, world, index, self.question)

    def decide(self, env: Env, world: World, index: int) -> Decision:
        decision = super().decide(env, world, index)
        goal = goal_holds(env, world, index, self.question)
        return replace(decision, word="works" if goal else decision.word)


def test_whatif_deciding_on_its_own_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """`whatif` reading the model's goal without the seed's gates and silences: aad1's scenario
    2 (an internet client, which the seed does not speak of) "works throughout"."""
    model_only = tuple(_ModelOnly(c.name, c.requirements, c.question) for c in CAPABILITIES)
    monkeypatch.setattr(whatif, "CAPABILITIES", model_only)
    assert "aad1 2: scenarios undocumented, report undocumented, whatif works" in disagreements(
        _default()
    )


def test_diagnose_deciding_on_its_own_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """`diagnose` reading "notification fails" as "due to re-register" only, as before: the
    steady state, where wg1 waits for approval, did not show it."""
    real: Callable[[Env, World, int, Question], bool] = symptoms.can

    def due_only(env: Env, world: World, index: int, question: Question) -> bool:
        if question == "client notification":
            return world[index][0] != REREGISTRATION_DUE
        return real(env, world, index, question)

    monkeypatch.setattr(symptoms, "can", due_only)
    assert "wg1 client notification: whatif blocked, diagnose works" in disagreements(_default())
