"""What an administrator observes in a world: health, the CERT-3 symptom, what each client can do.

These predicates read worlds of the lab's composed model and nothing that a system guard reads to
decide a step; they are stated in the seed's terms:
- healthy: enhanced HTTP on (and not in the unsupported "HTTPS only" combination, SITE-2), every
  HTTP site system's SMS role certificate bound (CERT-1, CERT-2), smsexec running;
- the CERT-3 symptom: `ehttp.compose.properties.stranded` (no SMS-Issuing certificate bound, the
  role certificate in the store, enhanced HTTP on, nothing queued);
- per client: scenarios 1 to 3 (SCN-1..3), client notification (REG-5, SEC-3) and content
  download (DP-1, DP-2, DP-3), each answered by `ehttp.decide.decide`, the one decision
  `ehttp scenarios` and `ehttp diagnose` ask too.
"""

from __future__ import annotations

from dataclasses import dataclass

from ehttp.compose.properties import stranded
from ehttp.compose.world import EXEC, SITE, Env, World, WorldModel
from ehttp.decide import Decision, Question, can, content_download, decide, notification_works
from ehttp.machines.site import UNSUPPORTED_STATE

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


@dataclass(frozen=True)
class Capability:
    """Something a client can or can't do in a world, with the requirement IDs it rests on:
    one question of `ehttp.decide.decide`, the answer `ehttp scenarios` and `ehttp diagnose`
    give too."""

    name: str
    requirements: tuple[str, ...]
    question: Question

    def decide(self, env: Env, world: World, index: int) -> Decision:
        """The decision for the client at instance `index` in `world`."""
        return decide(env, world, index, self.question)

    def holds(self, env: Env, world: World, index: int) -> bool:
        """Whether the client can do it in `world` (the decision's word is ``works``)."""
        return can(env, world, index, self.question)


CAPABILITIES: tuple[Capability, ...] = (
    Capability("scenario 1", ("SCN-1",), 1),
    Capability("scenario 2", ("SCN-2",), 2),
    Capability("scenario 3", ("SCN-3",), 3),
    Capability("client notification", ("REG-5", "SEC-3"), "client notification"),
    Capability("content download", ("DP-1", "DP-2", "DP-3"), "content download"),
)
"""What `ehttp whatif` follows for every client, in this order."""
