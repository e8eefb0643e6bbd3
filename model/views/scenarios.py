"""Scenario verdicts: which of the seed's scenarios work for each client of a lab, and why.

Implements the seed's "Scenarios" (Scenario 1: client to management point, SCN-1; Scenario 2:
client to distribution point, SCN-2; Scenario 3: Azure AD device identity, SCN-3), with the
"Prerequisites" (PRE-1), and two "Known issues": users can't see applications targeted to them as
available in Software Center (KI-1), and OS deployment still needs the network access account
(KI-2).

The question is "does it work in my site as configured", so the lab's composed model
(`model/compose/world.py`) is explored with the site's configuration frozen: every row of the site
mode and
Azure AD application machines (enable or disable enhanced HTTP, select HTTPS only or HTTPS or HTTP,
onboard, Update application setting) is left out. Each (client, scenario) is one `sometimes`
property, and all of a lab's properties are judged in one exploration by the generic checker: the
verdict is reachability in the model, not a table.

The reasons ("because") are derived from the lab's values with the same decision functions
(`model/spec/access.py`): one fact per relevant lab value, each naming the value and the
requirement ID.
A working scenario lists the facts it rests on, a failing one the facts that stop it. The model and
the facts are independent views of one claim; the tests check that they agree on every example lab
and on generated labs, and should they ever disagree the row says that the model found no world.

Modeling assumption: a per-client property holds when it holds for the client or for another client
of the same configuration. Such clients are interchangeable (the checker's symmetry reduction stores
one of their orders), so the verdict is the same for each of them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from model.checker import Property, check
from model.compose.world import SITE, Env, World, WorldModel
from model.config.schema import Client, Lab
from model.spec.access import (
    mp_client_authentication_methods,
    mp_user_authorization_methods,
)
from model.spec.registration import REGISTERED_STATES, evidence
from model.spec.site import AZURE_AD_APP, SITE_MODE, UNSUPPORTED_STATE
from model.views.scenario_facts import Fact, ScenarioId, facts, user_methods

__all__ = [
    "SCENARIOS",
    "SCENARIO_TITLES",
    "SITE_CONFIGURATION_ROWS",
    "Fact",
    "ScenarioId",
    "ScenarioReport",
    "Verdict",
    "evaluate",
    "facts",
    "render_text",
    "scenario_holds",
    "scenario_model",
    "to_json",
]

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
    3: "the client is registered, holds its device token and reaches a management point that "
    "verifies it",
    "os-deployment": "a distribution point serves the task sequence its content",
    "user-available-apps": "the client is registered with enhanced HTTP off and reaches a "
    "management point that authorizes its user",
}

SITE_CONFIGURATION_ROWS: frozenset[str] = frozenset(
    row.name for row in (*SITE_MODE.rows, *AZURE_AD_APP.rows)
)
"""The administrator's rows that change the site's configuration: left out of the scenario model."""


@dataclass(frozen=True)
class Verdict:
    """Whether a scenario works for a client, the reasons, and the requirement IDs behind them."""

    client: str
    scenario: ScenarioId
    works: bool
    because: tuple[str, ...]
    requirements: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """The row in the shape `ehttp scenarios --json` prints."""
        return {
            "client": self.client,
            "scenario": str(self.scenario),
            "works": self.works,
            "because": list(self.because),
            "requirements": list(self.requirements),
        }


@dataclass(frozen=True)
class ScenarioReport:
    """Every verdict of a lab, and what the exploration behind them saw."""

    lab: Lab
    verdicts: tuple[Verdict, ...]
    unsupported: bool
    states: int


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
    if world[index][0] not in REGISTERED_STATES:
        return False
    if "azure-ad-device-token" not in evidence(env, world, index):
        return False
    version, enhanced = env.lab.site.version, env.enhanced(world)
    return any(
        "azure-ad-device-token"
        in mp_client_authentication_methods(mp.connections, version, enhanced)
        and env.mp_reachable(world, index, number)
        for number, mp in enumerate(env.lab.management_points)
    )


def _os_deployment(env: Env, world: World, index: int) -> bool:
    for dp in env.lab.distribution_points:
        methods = env.dp_methods(world, dp)
        if "none" in methods or (dp.network_access_account and "network-access-account" in methods):
            return True
    return False


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


def _ids(text: str) -> list[str]:
    inside = text[text.rfind("(") + 1 : text.rfind(")")]
    return [part.strip() for part in inside.split(",")]


def _unsupported_note() -> str:
    return (
        "site.client_communication = https-only with enhanced_http = true: unsupported, the "
        "known issues say not to configure it (SITE-2)"
    )


def _verdict(
    lab: Lab, client: Client, scenario: ScenarioId, works: bool, unsupported: bool
) -> Verdict:
    chosen = [f.text for f in facts(lab, client, scenario) if f.holds == works]
    if not works and not chosen:
        chosen = [
            f"the model reaches no world where {_GOALS[scenario]} "
            f"({', '.join(_BASE_IDS[scenario])})"
        ]
    if unsupported:
        chosen.append(_unsupported_note())
    ids = [*_BASE_IDS[scenario], *(i for text in chosen for i in _ids(text))]
    return Verdict(client.name, scenario, works, _unique(chosen), _unique(ids))


def evaluate(lab: Lab) -> ScenarioReport:
    """Judge every (client, scenario) of `lab` in one exploration of its frozen-site model."""
    model = scenario_model(lab)
    env = model.env
    asked = [
        (index, scenario)
        for index in env.clients
        for scenario in SCENARIOS
        if _applies(env.client(index), scenario)
    ]
    result = check(model, [_property(model, index, scenario) for index, scenario in asked])
    if not result.complete:
        raise RuntimeError(f"scenarios: the exploration stopped ({result.stopped_reason})")
    unsupported = model.initial[SITE][0] == UNSUPPORTED_STATE
    verdicts = tuple(
        _verdict(lab, env.client(index), scenario, prop.holds, unsupported)
        for (index, scenario), prop in zip(asked, result.properties, strict=True)
    )
    return ScenarioReport(lab, verdicts, unsupported, result.states)


def to_json(report: ScenarioReport) -> list[dict[str, Any]]:
    """Every verdict as a `scenarios --json` row."""
    return [verdict.to_json() for verdict in report.verdicts]


def render_text(report: ScenarioReport) -> str:
    """The table users read: one row per (client, scenario), its reasons indented below it."""
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
    lines.append(
        f"{'client':{client_width}}  {'scenario':{title_width}}  {'verdict':13}  requirements"
    )
    for verdict in report.verdicts:
        state = "works" if verdict.works else "doesn't work"
        lines.append(
            f"{verdict.client:{client_width}}  {SCENARIO_TITLES[verdict.scenario]:{title_width}}  "
            f"{state:13}  {', '.join(verdict.requirements)}"
        )
        lines.extend(f"{'':{client_width}}    - {reason}" for reason in verdict.because)
    works = sum(v.works for v in report.verdicts)
    lines.append("")
    lines.append(f"{works} of {len(report.verdicts)} scenario checks work")
    return "\n".join(lines) + "\n"


def scenario_holds(env: Env, world: World, index: int, scenario: ScenarioId) -> bool:
    """Whether `scenario` works for the client at instance `index` in `world` (one world only)."""
    return _PREDICATES[scenario](env, world, index)
