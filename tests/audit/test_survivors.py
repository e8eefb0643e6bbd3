"""Survivors reviewed against the lab (model/fuzz/survivors.py, the audit's `lab` column): the lab
driven in lockstep with a surviving mutant says whether fuzzing contradicts it, and A-41's guard,
which the lab follows, is a property now, not a survivor left open."""

from __future__ import annotations

import sys
from dataclasses import replace

import pytest

from ehttp.audit import derive_mutants, lab_lockstep, load_unconstrained, run_audit
from ehttp.compose.world import MACHINES
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab

EVERY = {m.id: m for m in derive_mutants(MACHINES, redirect_limit=sys.maxsize)[0]}
STOPPED = (
    "while smsexec is not running, enabling or disabling the option changes no certificate and "
    "no queued certificate work is done"
)


def _lab() -> Lab:
    """The default lab with its domain-joined client only: these mutants change the site
    systems' machines, and the verdicts and the lab's answers are those of the whole lab (a
    small graph: tests stay quick)."""
    lab = default_lab()
    return replace(lab, clients=tuple(c for c in lab.clients if c.name == "dom1"))


@pytest.mark.usefixtures("shared_base")
def test_a41s_guard_forced_true_is_killed_by_a_property_and_is_not_listed() -> None:
    mutant = EVERY["certificate-binding/0/guard-true"]
    result = run_audit(_lab(), only=[mutant], unconstrained=load_unconstrained(), workers=1)
    (found,) = result.mutants
    assert (found.status, found.killed_by) == ("killed", (STOPPED,))
    listed = load_unconstrained()
    assert not [s for s in listed if s.where == mutant.where]


@pytest.mark.usefixtures("shared_base")
def test_the_lab_contradicts_a41s_guard_forced_true_and_follows_a_longer_restart() -> None:
    said = lab_lockstep(
        _lab(),
        [EVERY["certificate-binding/0/guard-true"], EVERY["smsexec/restarting/deadline-longer"]],
    )
    assert said["certificate-binding/0/guard-true"] == (
        "contradicts: the lab's abstraction equals the model's state: mp1: model issued, "
        "lab no-certificate"
    )
    assert said["smsexec/restarting/deadline-longer"] == "follows"


@pytest.mark.usefixtures("shared_base")
def test_the_audit_says_per_survivor_what_the_lab_does() -> None:
    mutant = EVERY["smsexec/restarting/deadline-longer"]
    result = run_audit(_lab(), only=[mutant], unconstrained=load_unconstrained(), workers=1)
    (found,) = result.mutants
    assert found.status == "survived" and found.unconstrained is not None
    assert found.lab == "follows"
    assert result.to_json()["mutants"][0]["lab"] == "follows"
