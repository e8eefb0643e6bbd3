"""Symptoms an administrator observes, in their words, as predicates on worlds.

Each symptom names a site system or a client of the lab:
- `no-sms-certificate-bound SITE_SYSTEM`: enhanced HTTP on, smsexec running, and the HTTP site
  system has no SMS role certificate bound and no certificate work queued (so not the wait of up
  to 30 minutes after enabling): what the known issue describes (CERT-3), and what deleting the
  certificates without restarting smsexec leaves too;
- `notification-fails CLIENT`: the site can't verify the client's message signature (REG-5);
- `client-pending-approval CLIENT`: the client waits for manual approval (REG-3);
- `content-download-refused CLIENT`: no distribution point accepts a credential the client holds
  (DP-1, DP-2, DP-3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ehttp.ask.observe import content_download
from ehttp.compose.world import EXEC, ModelError, World, WorldModel
from ehttp.machines.binding import PENDING_STATES
from ehttp.machines.registration import REREGISTRATION_DUE, REREGISTRATION_STRANDED

__all__ = ["KINDS", "Kind", "Symptom", "SymptomError", "parse_symptom", "symptom_list"]


class SymptomError(ModelError):
    """A symptom the lab doesn't have (one line naming the value and what is accepted; exit 2)."""


@dataclass(frozen=True)
class Kind:
    """A kind of symptom: its id, what it names, its requirement IDs, and its predicate."""

    id: str
    subject: str
    requirements: tuple[str, ...]
    words: str
    holds: Callable[[WorldModel, World, int], bool]


def _no_certificate(model: WorldModel, world: World, index: int) -> bool:
    env = model.env
    return (
        env.site_system(index).connections == "http"
        and env.enhanced(world)
        and world[EXEC][0] == "running"
        and not env.sms_bound(world, index)
        and world[index][0] not in PENDING_STATES
    )


def _notification(model: WorldModel, world: World, index: int) -> bool:
    return world[index][0] in (REREGISTRATION_DUE, REREGISTRATION_STRANDED)


def _pending(model: WorldModel, world: World, index: int) -> bool:
    return world[index][0] == "pending-approval"


def _refused(model: WorldModel, world: World, index: int) -> bool:
    return not content_download(model.env, world, index)


KINDS: tuple[Kind, ...] = (
    Kind(
        "no-sms-certificate-bound",
        "site-system",
        ("CERT-3",),
        "no SMS-Issuing certificate bound to the IIS website of",
        _no_certificate,
    ),
    Kind(
        "notification-fails",
        "client",
        ("REG-5", "SEC-3"),
        "client notification fails for",
        _notification,
    ),
    Kind(
        "client-pending-approval",
        "client",
        ("REG-3",),
        "waiting for manual approval:",
        _pending,
    ),
    Kind(
        "content-download-refused",
        "client",
        ("DP-1", "DP-2", "DP-3"),
        "no distribution point accepts a credential held by",
        _refused,
    ),
)
"""Every kind of symptom, in `--list` order."""


@dataclass(frozen=True)
class Symptom:
    """A symptom on one instance of the lab."""

    kind: Kind
    name: str
    index: int

    @property
    def text(self) -> str:
        """The symptom as typed: its id and the instance's name."""
        return f"{self.kind.id} {self.name}"

    @property
    def words(self) -> str:
        """The symptom in words."""
        return f"{self.kind.words} {self.name}"

    def holds(self, model: WorldModel, world: World) -> bool:
        """Whether `world` shows the symptom."""
        return self.kind.holds(model, world, self.index)


def _instances(model: WorldModel, kind: Kind) -> list[int]:
    env = model.env
    return list(env.bindings if kind.subject == "site-system" else env.clients)


def symptom_list(model: WorldModel) -> tuple[Symptom, ...]:
    """Every symptom of the lab: each kind on each site system or client it can name."""
    names = model.env.names
    return tuple(
        Symptom(kind, names[index], index) for kind in KINDS for index in _instances(model, kind)
    )


def parse_symptom(model: WorldModel, text: str) -> Symptom:
    """The symptom `text` names: a kind's id, then a site system's or client's name."""
    words = text.split()
    ids = [kind.id for kind in KINDS]
    kind = next((k for k in KINDS if words and k.id == words[0].lower()), None)
    if kind is None:
        raise SymptomError(
            f"--symptom: {text!r} is not accepted; use one of "
            f"{', '.join(f'{i} NAME' for i in ids)} (see --list)"
        )
    names = [model.env.names[i] for i in _instances(model, kind)]
    if len(words) != 2 or words[1] not in names:
        given = words[1] if len(words) > 1 else ""
        raise SymptomError(
            f"--symptom: {given!r} is not accepted for {kind.id}; use one of {', '.join(names)}"
        )
    return Symptom(kind, words[1], model.env.names.index(words[1]))
