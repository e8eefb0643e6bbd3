"""The hostile campaign's replays across management points (model/fuzz/hostile_replay.py): each
kind of captured input finds the fault it is there for within the CI profile, and the target runs
on a lab of its own with a second management point beside each lone one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

import ehttp.fuzz.hostile as hostile
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.fuzz.hostile import ACCEPTED_FORBIDDEN, HostilePlan, run_hostile
from ehttp.fuzz.hostile_replay import KINDS, replay_target, site_of
from ehttp.lab.freshness import ReplayStore
from ehttp.lab.mp import ManagementPointServer
from ehttp.lab.mutants import FORGETS_KEYS, KEEPS_OLD_KEY
from ehttp.lab.testbed import ConcreteLab


def _own_replay_memory(mp: pytest.MonkeyPatch) -> None:
    """Each management point keeps its own memory of what it saw, as before issue 21."""
    built = ManagementPointServer.__init__

    def own(self: ManagementPointServer, *args: Any, **kwargs: Any) -> None:
        built(self, *args, **kwargs)
        self._seen = ReplayStore()

    mp.setattr(ManagementPointServer, "__init__", own)


def _evidence_clients(lab: Lab) -> Lab:
    """The lab without its workgroup clients, which re-register by a key rollover."""
    return replace(lab, clients=tuple(c for c in lab.clients if c.join != "workgroup"))


FAULTS: dict[str, tuple[Any, str | None, Callable[[Lab], Lab]]] = {
    "registration": (_own_replay_memory, None, lambda lab: lab),
    "rollover": (_own_replay_memory, None, lambda lab: lab),
    "notification": (_own_replay_memory, None, lambda lab: lab),
    "token request": (_own_replay_memory, None, lambda lab: lab),
    "user proof": (_own_replay_memory, None, lambda lab: lab),
    "superseded registration": (None, FORGETS_KEYS, lambda lab: lab),
    "superseded notification": (None, KEEPS_OLD_KEY, _evidence_clients),
}
"""The fault each kind is there for: a replay memory per management point (planted), or a named
mutant of the lab (the site forgets the keys it superseded, or keeps a client's old key when it
registers anew; on a lab whose clients register with evidence, since the mutant refuses a
workgroup client's rollover, signed by the key the client thinks it moved to, before any
notification is sent)."""


def test_every_kind_has_its_fault() -> None:
    assert set(FAULTS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_finds_its_fault_within_the_ci_profile(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant, mutant, change = FAULTS[kind]
    lab = change(default_lab())
    monkeypatch.setattr(hostile, "TARGETS", ((replay_target((kind,)), ()),))
    clean = run_hostile(HostilePlan(lab, seed=0, profile="ci"))
    assert clean.failure is None, clean.failure
    if plant is not None:
        plant(monkeypatch)
    result = run_hostile(HostilePlan(lab, seed=0, profile="ci", mutant=mutant))
    assert result.failure is not None
    assert result.failure.invariant == ACCEPTED_FORBIDDEN, result.failure
    assert result.failure.target == "replay at another management point"


def test_the_target_adds_a_management_point_beside_each_lone_one() -> None:
    tb = ConcreteLab(default_lab(), 0)
    site = site_of(tb)
    assert [m.name for m in site.lab.management_points] == ["mp1", "mp1-2"]
    assert site_of(tb) is site
    assert all(site.registration_of(c.name) is not None for c in site.lab.clients)


def test_an_unknown_kind_is_one_line() -> None:
    with pytest.raises(ValueError) as error:
        replay_target(("echo",))
    assert str(error.value) == (f"kinds: ['echo'] not accepted; use some of {', '.join(KINDS)}")
