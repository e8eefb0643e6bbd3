"""What a client can do in one world of the lab's model: the model's side of a decision.

One predicate per question, on a world and a client's instance, read in the seed's terms and from
nothing a system guard reads to decide a step:
- Scenario 1 (SCN-1): registered under enhanced HTTP, an Azure AD-joined device on the internet
  reaches a management point configured for HTTP;
- Scenario 2 (SCN-2): a workgroup or Azure AD-joined client registered under enhanced HTTP, and a
  distribution point configured for HTTP, not anonymous, accepts its content access token over a
  bound (secure) channel;
- Scenario 3 (SCN-3): enhanced HTTP on, the client registered and holding its Azure AD device
  token, and a reachable management point verifies that token;
- os-deployment (KI-2): a distribution point with the network access account serves content;
- user-available-apps (KI-1): enhanced HTTP off, the client registered, and a reachable management
  point authorizes its user;
- client notification (REG-5, SEC-3): the site acts on it only for a registered client whose
  signature it verifies;
- content download (DP-1, DP-2, DP-3): some distribution point accepts a credential the client
  holds now.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from ehttp.compose.world import Env, World
from ehttp.decide.fact import ScenarioId, user_methods
from ehttp.machines.access import mp_client_authentication_methods, mp_user_authorization_methods
from ehttp.machines.registration import REGISTERED_STATES, evidence

__all__ = [
    "GOALS",
    "QUESTIONS",
    "SCENARIOS",
    "Question",
    "content_download",
    "goal_holds",
    "notification_works",
]

Question = ScenarioId | Literal["client notification", "content download"]
SCENARIOS: tuple[ScenarioId, ...] = (1, 2, 3, "os-deployment", "user-available-apps")
QUESTIONS: tuple[Question, ...] = (*SCENARIOS, "client notification", "content download")
"""Every question `decide` answers, the scenarios first."""

GOALS: dict[Question, str] = {
    1: "the client is registered under enhanced HTTP and reaches an HTTP management point",
    2: "the client is registered under enhanced HTTP and an HTTP distribution point accepts its "
    "content access token",
    3: "enhanced HTTP is on and the client is registered, holds its device token and reaches a "
    "management point that verifies it",
    "os-deployment": "a distribution point with the network access account serves the task "
    "sequence its content",
    "user-available-apps": "the client is registered with enhanced HTTP off and reaches a "
    "management point that authorizes its user",
    "client notification": "the client is registered and the site verifies its signature",
    "content download": "some distribution point accepts a credential the client holds",
}
"""Each question's goal in words (what a world must show for the answer to be yes)."""


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


def notification_works(env: Env, world: World, index: int) -> bool:
    """The site acts on the client's notification: it is registered and its signature verifies."""
    return world[index][0] in REGISTERED_STATES


def content_download(env: Env, world: World, index: int) -> bool:
    """Some distribution point accepts a credential the client holds now (DP table)."""
    client = env.client(index)
    registered = world[index][0] == "registered:enhanced-http"
    for offset, dp in enumerate(env.lab.distribution_points):
        methods = env.dp_methods(world, dp)
        secure = dp.connections == "https" or env.sms_bound(world, env.first_dp + offset)
        if (
            "none" in methods
            or ("network-access-account" in methods and dp.network_access_account)
            or ("pki-certificate" in methods and client.pki_certificate)
            or ("content-access-token" in methods and registered and secure)
        ):
            return True
    return False


_PREDICATES: dict[Question, Callable[[Env, World, int], bool]] = {
    1: _scenario_1,
    2: _scenario_2,
    3: _scenario_3,
    "os-deployment": _os_deployment,
    "user-available-apps": _user_available_apps,
    "client notification": notification_works,
    "content download": content_download,
}


def goal_holds(env: Env, world: World, index: int, question: Question) -> bool:
    """Whether `world` shows `question`'s goal for the client at instance `index` (the model's
    side of a decision, before gates, silences and prerequisites)."""
    return _PREDICATES[question](env, world, index)
