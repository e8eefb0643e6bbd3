"""What an administrator observes in a world: health, the CERT-3 symptom, what each client can do.

These predicates read worlds of the lab's composed model and nothing that a system guard reads to
decide a step; they are stated in the seed's terms:
- healthy: enhanced HTTP on (and not in the unsupported "HTTPS only" combination, SITE-2), every
  HTTP site system's SMS role certificate bound (CERT-1, CERT-2), smsexec running;
- the CERT-3 symptom: `ehttp.compose.properties.stranded` (no SMS-Issuing certificate bound, the
  role certificate in the store, enhanced HTTP on, nothing queued);
- per client: scenarios 1 to 3 (the predicates `ehttp scenarios` judges, SCN-1..3), client
  notification (acted on only for a registered client whose signature the site verifies: SEC-3,
  REG-5) and content download (some distribution point accepts a credential the client holds,
  DP table: DP-1, DP-2, DP-3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ehttp.compose.properties import stranded
from ehttp.compose.world import EXEC, SITE, Env, World, WorldModel
from ehttp.machines.registration import REGISTERED_STATES
from ehttp.machines.site import UNSUPPORTED_STATE
from ehttp.views.scenarios import scenario_holds

__all__ = [
    "CAPABILITIES",
    "Capability",
    "content_download",
    "healthy",
    "http_site_systems",
    "notification_works",
    "unhealthy_because",
]


def http_site_systems(env: Env) -> tuple[int, ...]:
    """The instances of the site systems that accept HTTP (the ones enhanced HTTP is about)."""
    return tuple(i for i in env.bindings if env.site_system(i).connections == "http")


def unhealthy_because(model: WorldModel, world: World) -> list[str]:
    """Why `world` is not healthy, one phrase each (empty when it is healthy)."""
    env = model.env
    reasons: list[str] = []
    if not env.enhanced(world):
        reasons.append("enhanced HTTP is off")
    elif world[SITE][0] == UNSUPPORTED_STATE:
        reasons.append("HTTPS only with enhanced HTTP is unsupported (SITE-2)")
    for index in http_site_systems(env):
        if stranded(model, world, index):
            reasons.append(f"{env.names[index]}: no SMS-Issuing certificate bound (CERT-3)")
        elif env.enhanced(world) and not env.sms_bound(world, index):
            reasons.append(f"{env.names[index]}: no role certificate bound")
    if world[EXEC][0] != "running":
        reasons.append("smsexec is not running")
    return reasons


def healthy(model: WorldModel, world: World) -> bool:
    """Enhanced HTTP on, every HTTP site system's role certificate bound, smsexec running."""
    return not unhealthy_because(model, world)


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


@dataclass(frozen=True)
class Capability:
    """Something a client can or can't do in a world, with the requirement IDs it rests on."""

    name: str
    requirements: tuple[str, ...]
    holds: Callable[[Env, World, int], bool]


def _scenario(number: int) -> Callable[[Env, World, int], bool]:
    def holds(env: Env, world: World, index: int) -> bool:
        return scenario_holds(env, world, index, number)

    return holds


CAPABILITIES: tuple[Capability, ...] = (
    Capability("scenario 1", ("SCN-1",), _scenario(1)),
    Capability("scenario 2", ("SCN-2",), _scenario(2)),
    Capability("scenario 3", ("SCN-3",), _scenario(3)),
    Capability("client notification", ("REG-5", "SEC-3"), notification_works),
    Capability("content download", ("DP-1", "DP-2", "DP-3"), content_download),
)
"""What `ehttp whatif` follows for every client, in this order."""
