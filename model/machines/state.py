"""What a declaration may know of the composed world: its shape and the questions guards ask.

A world is a tuple with one ``(control state, timer)`` pair per machine instance; an action names
an instance and a row of its machine. `Questions` is the part of the composition that guards read
(the lab's configuration and a few questions about a world). The declarations in `model/machines/`
import this module, never the composition in `model/compose/env.py`, which implements it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ehttp.config.schema import Client, Lab
    from ehttp.machines.access import Method

__all__ = ["Action", "Questions", "World"]

World = tuple[tuple[str, int], ...]
"""One ``(control state, timer)`` pair per machine instance; the timer is -1 where none runs."""

Action = tuple[int, int]
"""An action: (instance index, index of the row in its machine's declaration)."""


class Questions(Protocol):
    """What a guard may ask about a world (implemented by `ehttp.compose.env.Env`)."""

    lab: Lab
    memo: dict[tuple[str, int, bool], frozenset[Method]]

    def client(self, index: int) -> Client:
        """The configuration of the client at instance `index`."""

    def enhanced(self, world: World) -> bool:
        """Whether enhanced HTTP is on."""

    def app_ready(self, world: World) -> bool:
        """Whether the site is onboarded to Azure AD with a current application."""

    def smsexec_running(self, world: World) -> bool:
        """Whether smsexec is running."""

    def certificate_work_pending(self, world: World) -> bool:
        """Whether any site system has queued certificate work."""

    def https_only(self, world: World) -> bool:
        """Whether the site's client communication is HTTPS only."""

    def overdue(self, world: World) -> bool:
        """Some timer stands at its deadline."""

    def time_can_advance(self, world: World) -> bool:
        """A timer runs and none stands at its deadline."""

    def some_mp_accepts(self, world: World, client_index: int, method: Method) -> bool:
        """Whether some reachable management point registers with `method` now."""
