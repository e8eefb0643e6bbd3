"""Scenario verdicts: for each client of a lab, whether the seed's scenarios work, and why.

Implements the seed's "Scenarios" (Scenario 1: client to management point, SCN-1; Scenario 2:
client to distribution point, SCN-2; Scenario 3: Azure AD device identity, SCN-3), the 1806
improvements they "benefit from" (IMP-1), the "Prerequisites" (PRE-1, PRE-2), and two "Known
issues": users can't see applications targeted to them as available in Software Center (KI-1), and
OS deployment still needs the network access account (KI-2).

A verdict is one of four words:
- ``works``: the seed's conditions hold and the lab's model reaches the scenario's goal;
- ``blocked``: a condition the seed states is missing; each reason names the lab value and the
  value that would fix it (``fix: distribution_points[dp1].network_access_account = true``);
- ``not-applicable``: the scenario is about another kind of client (a domain-joined intranet
  desktop is not Scenario 1's Azure AD-joined device on the internet);
- ``undocumented``: the seed does not decide it, and the verdict does not guess.

For a scenario that applies and that the seed decides, the question is "does it work in my site as
configured", so the lab's composed model (`model/compose/world.py`) is explored with the site's
configuration frozen: every row of the site mode and Azure AD application machines (enable or
disable enhanced HTTP, select HTTPS only or HTTPS or HTTP, onboard, Update application setting) is
left out. Each (client, scenario) is one `sometimes` property, and all of a lab's properties are
judged in one exploration by the generic checker: the verdict is reachability in the model, not a
table. The reasons come from `model/views/scenario_facts.py`, each citing a requirement ID or an
assumption ID; the tests check that the model and the facts agree on every example lab and on
generated labs. A verdict lists the assumption IDs its reasons rest on.

Modeling assumption A-13: a per-client property holds when it holds for the client or for another
client of the same configuration. Such clients are interchangeable (the checker's symmetry
reduction stores one of their orders), so the verdict is the same for each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from ehttp.checker import Property, check
from ehttp.compose.world import SITE, Env, World, WorldModel
from ehttp.config.schema import Client, Lab
from ehttp.machines.access import (
    mp_client_authentication_methods,
    mp_user_authorization_methods,
)
from ehttp.machines.registration import REGISTERED_STATES, evidence
from ehttp.machines.site import AZURE_AD_APP, SITE_MODE, UNSUPPORTED_STATE
from ehttp.views.scenario_facts import (
    Fact,
    ScenarioId,
    facts,
    user_methods,
)

__all__ = [
    "SCENARIOS",
    "SCENARIO_TITLES",
    "SITE_CONFIGURATION_ROWS",
    "VERDICTS",
    "Fact",
    "ScenarioId",
    "ScenarioReport",
    "Verdict",
    "VerdictWord",
    "evaluate",
    "facts",
    "render_text",
    "scenario_holds",
    "scenario_model",
    "to_json",
]

VerdictWord = Literal["works", "blocked", "not-applicable", "undocumented"]
VERDICTS: tuple[VerdictWord, ...] = get_args(VerdictWord)

SCENARIOS: tuple[ScenarioId, ...] = (1, 2, 3, "os-deployment", "user-available-apps")
SCENARIO_TITLES: dict[ScenarioId, str] = {
    1: "1: client to management point",
    2: "2: client to distribution point",
    3: "3: Azure AD device identity",
    "os-deployment": "os-deployment",
    "user-available-apps": "user-available-apps",
}
_BASE_IDS: dict[ScenarioId, tuple[str, ...]] = {
    1: ("SCN-1",),
    2: ("SCN-2",),
    3: ("SCN-3",),
    "os-deployment": ("KI-2",),
    "user-available-apps": ("KI-1",),
}
_GOALS: dict[ScenarioId, str] = {
    1: "the client is registered under enhanced HTTP and reaches an HTTP management point",
    2: "the client is registered under enhanced HTTP and an HTTP distribution point accepts its "
    "content access token",
    3: "enhanced HTTP is on and the client is registered, holds its device token and reaches a "
    "management point that verifies it",
    "os-deployment": "a distribution point with the network access account serves the task "
    "sequence its content",
    "user-available-apps": "the client is registered with enhanced HTTP off and reaches a "
    "management point that authorizes its user",
}

SITE_CONFIGURATION_ROWS: frozenset[str] = frozenset(
    row.name for row in (*SITE_MODE.rows, *AZURE_AD_APP.rows)
)
"""The administrator's rows that change the site's configuration: left out of the scenario model."""


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
    """Every verdict of a lab, and what the exploration behind them saw."""

    lab: Lab
    verdicts: tuple[Verdict, ...]
    unsupported: bool
    states: int
    answers: tuple[tuple[str, ScenarioId, bool], ...] = ()
    """The model's answer for each (client, scenario) it was asked about."""


def scenario_model(lab: Lab) -> WorldModel:
    """The lab's model with the site's configuration frozen (`SITE_CONFIGURATION_ROWS` left out)."""
    return WorldModel(lab, without=SITE_CONFIGURATION_ROWS)


def _applies(client: Client, scenario: ScenarioId) -> bool:
    if scenario == "os-deployment":
        return client.task_sequence
    if scenario == "user-available-apps":
        return client.user_signed_in
    return True


# --- the model's side: one predicate per scenario, on a world and a client's instance ----------

_ClientPred = Callable[[Env, World, int], bool]


def _reaches_http_mp(env: Env, world: World, index: int) -> bool:
    return any(
        mp.connections == "http" and env.mp_reachable(world, index, number)
        for number, mp in enumerate(env.lab.management_points)
    )


def _scenario_1(env: Env, world: World, index: int) -> bool:
    client = env.client(index)
    return (
        client.join == "azure-ad"
        and client.network == "internet"
        and world[index][0] == "registered:enhanced-http"
        and _reaches_http_mp(env, world, index)
    )


def _scenario_2(env: Env, world: World, index: int) -> bool:
    client = env.client(index)
    if client.join not in ("workgroup", "azure-ad"):
        return False
    if world[index][0] != "registered:enhanced-http":
        return False
    for offset, dp in enumerate(env.lab.distribution_points):
        secure = env.sms_bound(world, env.first_dp + offset)
        accepts = "content-access-token" in env.dp_methods(world, dp)
        if dp.connections == "http" and not dp.allow_anonymous and accepts and secure:
            return True
    return False


def _scenario_3(env: Env, world: World, index: int) -> bool:
    client = env.client(index)
    if client.join not in ("azure-ad", "hybrid") or client.user_signed_in:
        return False
    if not env.enhanced(world) or world[index][0] not in REGISTERED_STATES:
        return False
    if "azure-ad-device-token" not in evidence(env, world, index):
        return False
    version = env.lab.site.version
    return any(
        "azure-ad-device-token" in mp_client_authentication_methods(mp.connections, version, True)
        and env.mp_reachable(world, index, number)
        for number, mp in enumerate(env.lab.management_points)
    )


def _os_deployment(env: Env, world: World, index: int) -> bool:
    return any(
        dp.network_access_account and env.dp_methods(world, dp)
        for dp in env.lab.distribution_points
    )


def _user_available_apps(env: Env, world: World, index: int) -> bool:
    if env.enhanced(world) or world[index][0] not in REGISTERED_STATES:
        return False
    user = user_methods(env.client(index))
    version = env.lab.site.version
    return any(
        user & mp_user_authorization_methods(mp.connections, version, False)
        and env.mp_reachable(world, index, number)
        for number, mp in enumerate(env.lab.management_points)
    )


_PREDICATES: dict[ScenarioId, _ClientPred] = {
    1: _scenario_1,
    2: _scenario_2,
    3: _scenario_3,
    "os-deployment": _os_deployment,
    "user-available-apps": _user_available_apps,
}


def _peers(model: WorldModel, index: int) -> tuple[int, ...]:
    for group in model.symmetric_groups:
        if index in group:
            return group
    return (index,)


def _property(model: WorldModel, index: int, scenario: ScenarioId) -> Property[World]:
    env, pred, peers = model.env, _PREDICATES[scenario], _peers(model, index)

    def goal(world: World) -> bool:
        return any(pred(env, world, peer) for peer in peers)

    name = f"{env.names[index]}: scenario {scenario}"
    return Property.sometimes(name, goal, _BASE_IDS[scenario])


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _unsupported_fact() -> Fact:
    return Fact(
        False,
        "site.client_communication = https-only with enhanced_http = true: unsupported, the "
        "known issues say not to configure it",
        ("SITE-2",),
    )


def _word(found: Sequence[Fact], model_works: bool | None) -> VerdictWord:
    if any(not f.holds for f in found if f.kind == "gate"):
        return "not-applicable"
    if any(not f.holds for f in found if f.kind == "silence"):
        return "undocumented"
    blocked = any(not f.holds for f in found if f.kind == "prerequisite")
    return "works" if model_works and not blocked else "blocked"


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


def _judge(
    client: Client, scenario: ScenarioId, found: Sequence[Fact], model_works: bool | None
) -> Verdict:
    """The verdict from a scenario's facts and the model's answer (None: not asked)."""
    word = _word(found, model_works)
    shown = _shown(found, word)
    if word == "blocked" and not shown:
        shown = [
            Fact(
                False,
                f"the model reaches no world where {_GOALS[scenario]}",
                _BASE_IDS[scenario],
            )
        ]
    ids = [*_BASE_IDS[scenario], *(i for f in shown for i in f.requirements)]
    assumptions = [i for f in shown for i in f.assumptions]
    fixes = [fix for f in shown for fix in f.fix] if word == "blocked" else []
    return Verdict(
        client.name,
        scenario,
        word,
        _unique([f.line for f in shown]),
        _unique(ids),
        _unique(assumptions),
        _unique(fixes),
    )


def _asks_model(found: Sequence[Fact]) -> bool:
    return all(f.holds for f in found if f.kind in ("gate", "silence"))


def evaluate(lab: Lab) -> ScenarioReport:
    """Judge every (client, scenario) of `lab`; the model is explored once, for every scenario
    that applies and that the seed decides."""
    model = scenario_model(lab)
    env = model.env
    rows = [
        (index, scenario, facts(lab, env.client(index), scenario))
        for index in env.clients
        for scenario in SCENARIOS
        if _applies(env.client(index), scenario)
    ]
    asked = [(index, scenario) for index, scenario, found in rows if _asks_model(found)]
    result = check(model, [_property(model, index, scenario) for index, scenario in asked])
    if not result.complete:
        raise RuntimeError(f"scenarios: the exploration stopped ({result.stopped_reason})")
    answers = {key: prop.holds for key, prop in zip(asked, result.properties, strict=True)}
    unsupported = model.initial[SITE][0] == UNSUPPORTED_STATE
    verdicts = []
    for index, scenario, found in rows:
        verdict = _judge(env.client(index), scenario, found, answers.get((index, scenario)))
        if len(_peers(model, index)) > 1 and (index, scenario) in answers:
            verdict = _with_assumption(verdict, "A-13")
        if unsupported and verdict.verdict != "not-applicable":
            verdict = _with_reason(verdict, _unsupported_fact())
        verdicts.append(verdict)
    asked_answers = tuple(
        (env.names[index], scenario, holds) for (index, scenario), holds in answers.items()
    )
    return ScenarioReport(lab, tuple(verdicts), unsupported, result.states, asked_answers)


def _with_assumption(verdict: Verdict, assumption: str) -> Verdict:
    return Verdict(
        verdict.client,
        verdict.scenario,
        verdict.verdict,
        verdict.because,
        verdict.requirements,
        _unique([*verdict.assumptions, assumption]),
        verdict.fix,
    )


def _with_reason(verdict: Verdict, fact: Fact) -> Verdict:
    return Verdict(
        verdict.client,
        verdict.scenario,
        verdict.verdict,
        _unique([*verdict.because, fact.line]),
        _unique([*verdict.requirements, *fact.requirements]),
        verdict.assumptions,
        verdict.fix,
    )


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
        f"enhanced HTTP {'on' if site.enhanced_http else 'off'}; {report.states:,} states "
        "explored with the site configuration fixed",
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


def scenario_holds(env: Env, world: World, index: int, scenario: ScenarioId) -> bool:
    """Whether `scenario`'s goal is reached for the client at instance `index` in `world` (one
    world only; the model's side of a verdict, before gates and prerequisites)."""
    return _PREDICATES[scenario](env, world, index)
