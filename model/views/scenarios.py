"""Scenario verdicts: for each client of a lab, whether the seed's scenarios work, and why.

Implements the seed's "Scenarios" (Scenario 1: client to management point, SCN-1; Scenario 2:
client to distribution point, SCN-2; Scenario 3: Azure AD device identity, SCN-3), the 1806
improvements they "benefit from" (IMP-1), the "Prerequisites" (PRE-1, PRE-2), and two "Known
issues": users can't see applications targeted to them as available in Software Center (KI-1), and
OS deployment still needs the network access account (KI-2).

A verdict is one of four words:
- ``works``: the seed's conditions hold and the lab's steady state shows the scenario's goal;
- ``blocked``: a condition the seed states is missing, or the steady state does not show the goal
  (a client waiting for manual approval); each reason names the lab value and the
  value that would fix it (``fix: distribution_points[dp1].network_access_account = true``);
- ``not-applicable``: the scenario is about another kind of client (a domain-joined intranet
  desktop is not Scenario 1's Azure AD-joined device on the internet);
- ``undocumented``: the seed does not decide it, and the verdict does not guess.

Every verdict is `ehttp.decide.decide` on the lab's steady state (`model/decide/steady.py`: the
world the site settles in with its configuration as given, where `ehttp whatif` and `ehttp
diagnose` start too), so the three commands and the report give one answer to "can this client do
this here". The reasons are the decision's facts, each citing a requirement ID or an assumption
ID; a verdict lists the assumption IDs its reasons rest on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ehttp.compose.world import SITE, World, WorldModel
from ehttp.config.schema import Lab
from ehttp.decide import (
    SCENARIOS,
    WORDS,
    Decision,
    Fact,
    ScenarioId,
    Word,
    applies,
    decide,
    facts,
    steady_search,
)
from ehttp.machines.site import UNSUPPORTED_STATE

__all__ = [
    "SCENARIOS",
    "SCENARIO_TITLES",
    "VERDICTS",
    "Fact",
    "ScenarioId",
    "ScenarioReport",
    "Verdict",
    "VerdictWord",
    "evaluate",
    "facts",
    "judge",
    "render_text",
    "to_json",
]

VerdictWord = Word
VERDICTS: tuple[VerdictWord, ...] = WORDS

SCENARIO_TITLES: dict[ScenarioId, str] = {
    1: "1: client to management point",
    2: "2: client to distribution point",
    3: "3: Azure AD device identity",
    "os-deployment": "os-deployment",
    "user-available-apps": "user-available-apps",
}


@dataclass(frozen=True)
class Verdict:
    """A scenario's verdict for a client, its reasons, what would fix it, and the IDs behind it."""

    client: str
    scenario: ScenarioId
    verdict: VerdictWord
    because: tuple[str, ...]
    requirements: tuple[str, ...]
    assumptions: tuple[str, ...] = ()
    fix: tuple[str, ...] = ()

    @property
    def works(self) -> bool:
        """Whether the verdict is ``works``."""
        return self.verdict == "works"

    def to_json(self) -> dict[str, Any]:
        """The row in the shape `ehttp scenarios --json` prints."""
        return {
            "client": self.client,
            "scenario": str(self.scenario),
            "verdict": self.verdict,
            "works": self.works,
            "because": list(self.because),
            "fix": list(self.fix),
            "requirements": list(self.requirements),
            "assumptions": list(self.assumptions),
        }


@dataclass(frozen=True)
class ScenarioReport:
    """Every verdict of a lab, and the steady state they were judged in."""

    lab: Lab
    verdicts: tuple[Verdict, ...]
    unsupported: bool
    states: int
    """The worlds the search for the steady state explored."""
    decisions: tuple[Decision, ...] = ()
    """The decision behind each verdict, in the same order."""


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _unsupported_fact() -> Fact:
    return Fact(
        False,
        "site.client_communication = https-only with enhanced_http = true: unsupported, the "
        "known issues say not to configure it",
        ("SITE-2",),
    )


def _shown(found: Sequence[Fact], word: VerdictWord) -> list[Fact]:
    """The facts a verdict shows: what holds for ``works``; for the others what decides it."""
    if word == "works":
        return [f for f in found if f.holds]
    kinds = {"not-applicable": ("gate",), "undocumented": ("silence",)}.get(
        word, ("prerequisite", "mechanism")
    )
    chosen: list[Fact] = []
    fixes: set[tuple[str, ...]] = set()
    for fact in found:
        if fact.holds or fact.kind not in kinds or fact.line in {f.line for f in chosen}:
            continue
        if fact.fix and fact.fix in fixes:
            continue
        chosen.append(fact)
        fixes.add(fact.fix)
    return chosen


def _verdict(decision: Decision, scenario: ScenarioId, unsupported: bool) -> Verdict:
    """The verdict as users read it: the decision's word and the facts that decide it."""
    shown = _shown(decision.facts, decision.word)
    if unsupported and decision.word != "not-applicable":
        shown.append(_unsupported_fact())
    ids = [*decision.requirements, *(i for f in shown for i in f.requirements)]
    fixes = [fix for f in shown for fix in f.fix] if decision.word == "blocked" else []
    return Verdict(
        decision.client,
        scenario,
        decision.word,
        _unique([f.line for f in shown]),
        _unique(ids),
        _unique([i for f in shown for i in f.assumptions]),
        _unique(fixes),
    )


def judge(lab: Lab, world: World, explored: int = 0) -> ScenarioReport:
    """Judge every (client, scenario) of `lab` in `world` of its model (`ehttp.decide.decide`);
    `explored`: the worlds explored to find `world`, for the report's first line."""
    env = WorldModel(lab).env
    unsupported = world[SITE][0] == UNSUPPORTED_STATE
    asked = [
        (scenario, decide(env, world, index, scenario))
        for index in env.clients
        for scenario in SCENARIOS
        if applies(env.client(index), scenario)
    ]
    verdicts = tuple(_verdict(d, scenario, unsupported) for scenario, d in asked)
    return ScenarioReport(lab, verdicts, unsupported, explored, tuple(d for _s, d in asked))


def evaluate(lab: Lab) -> ScenarioReport:
    """Judge every (client, scenario) of `lab` in its steady state."""
    world, explored = steady_search(lab)
    return judge(lab, world, explored)


def to_json(report: ScenarioReport) -> list[dict[str, Any]]:
    """Every verdict as a `scenarios --json` row."""
    return [verdict.to_json() for verdict in report.verdicts]


def _ids(verdict: Verdict) -> str:
    text = ", ".join(verdict.requirements)
    if verdict.assumptions:
        text += f" [assumes {', '.join(verdict.assumptions)}]"
    return text


def render_text(report: ScenarioReport) -> str:
    """The table users read: one row per (client, scenario), its reasons and fixes below it."""
    site = report.lab.site
    lines = [
        f"lab {report.lab.name!r}: site version {site.version}, {site.client_communication}, "
        f"enhanced HTTP {'on' if site.enhanced_http else 'off'}; judged in its steady state "
        f"({report.states:,} worlds explored to find it)",
    ]
    if report.unsupported:
        lines.append(
            "WARNING: the site is configured HTTPS only with enhanced HTTP: unsupported (SITE-2)"
        )
    lines.append("")
    client_width = max(len("client"), *(len(v.client) for v in report.verdicts))
    title_width = max(len(t) for t in SCENARIO_TITLES.values())
    word_width = max(len(w) for w in VERDICTS)
    lines.append(
        f"{'client':{client_width}}  {'scenario':{title_width}}  {'verdict':{word_width}}  "
        "requirements"
    )
    for verdict in report.verdicts:
        lines.append(
            f"{verdict.client:{client_width}}  {SCENARIO_TITLES[verdict.scenario]:{title_width}}  "
            f"{verdict.verdict:{word_width}}  {_ids(verdict)}"
        )
        lines.extend(f"{'':{client_width}}    - {reason}" for reason in verdict.because)
        lines.extend(f"{'':{client_width}}    fix: {fix}" for fix in verdict.fix)
    counts = [f"{sum(v.verdict == word for v in report.verdicts)} {word}" for word in VERDICTS]
    lines.append("")
    lines.append(f"{len(report.verdicts)} scenario checks: {', '.join(counts)}")
    return "\n".join(lines) + "\n"
