"""Tests for model/audit/engine.py: the audit finds hollow properties, and each kind of mutant is
run and judged (planted mutants with known outcomes on small labs)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ehttp.audit import Mutant, MutantResult, Survivor, derive_mutants, run_audit
from ehttp.audit.engine import AuditResult
from ehttp.compose.properties import Check, lab_checks
from ehttp.compose.world import MACHINES, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.machines.binding import BINDING
from ehttp.machines.registration import NOTIFY_OK
from tests.compose.hollow import (
    OLD_CERT2,
    OLD_RECOVERABLE,
    OLD_REG5,
    OLD_SITE3,
    hollow_checks,
)

BIND = "bind the certificate to the IIS Default Web Site on port 443"
NEW_CERT2 = "mp1: queued certificate work is never older than 30 minutes"
NEW_REG5 = (
    "a registered client's notification is acted on; it fails only after enabling, "
    "until the client re-registers, for at most 60 minutes unless HTTPS only strands it"
)
NEW_RECOVERABLE = "from every reachable state the administrator can return the site to health"
NEW_SITE3 = "enhanced HTTP is never on: the option needs 1806 with pre-release features"


def _small(lab: Lab) -> Lab:
    """The lab with its domain-joined client only (a small graph: tests stay quick)."""
    return replace(lab, clients=tuple(c for c in lab.clients if c.name == "dom1"))


def _both(model: WorldModel) -> tuple[Check, ...]:
    return hollow_checks(model) + lab_checks(model)


MUTANTS, _ = derive_mutants(MACHINES, redirect_limit=10_000)


def _find(machine: str, row: str | None, kind: str, target: str | None = None) -> Mutant:
    """A mutant by what it changes (not by row number, which other changes may shift)."""
    found = [
        m
        for m in MUTANTS
        if m.machine == machine
        and m.kind == kind
        and (row is None or f"{row!r}" in m.change)
        and (target is None or m.change.endswith(f"goes to {target} instead") or target in m.id)
    ]
    assert found, (machine, row, kind, target)
    return found[0]


def _result(audit: AuditResult, mutant: Mutant) -> MutantResult:
    [found] = [m for m in audit.mutants if m.mutant.id == mutant.id]
    return found


@pytest.fixture(scope="module")
def default_audit() -> AuditResult:
    planted = [
        _find("certificate-binding", None, "deadline-longer", "issued"),
        _find("client-registration", None, "deadline-longer", "reregistration-due"),
        _find("client-registration", None, "deadline-shorter", "reregistration-due"),
        _find("client-registration", NOTIFY_OK, "remove"),
        _find("certificate-binding", BIND, "redirect", "no-certificate"),
        _find("certificate-binding", BIND, "remove"),
        _find("certificate-binding", BIND, "guard-false"),
        _find("clock", None, "guard-true"),
    ]
    return run_audit(_small(default_lab()), only=planted, checks=_both, workers=1)


def test_old_site3_is_unfalsifiable_where_the_option_exists(default_audit: AuditResult) -> None:
    [old] = [p for p in default_audit.properties if p.name == OLD_SITE3]
    assert old.unfalsifiable


def test_a_deadline_one_quantum_longer_kills_the_new_cert2_not_the_old(
    default_audit: AuditResult,
) -> None:
    result = _result(default_audit, _find("certificate-binding", None, "deadline-longer", "issued"))
    assert result.status == "killed"
    assert NEW_CERT2 in result.killed_by
    assert OLD_CERT2 not in result.killed_by


def test_a_longer_policy_cycle_kills_the_new_reg5_not_the_old(default_audit: AuditResult) -> None:
    mutant = _find("client-registration", None, "deadline-longer", "reregistration-due")
    result = _result(default_audit, mutant)
    assert NEW_REG5 in result.killed_by
    assert OLD_REG5 not in result.killed_by


def test_notifications_never_acted_on_kill_the_new_reg5_not_the_old(
    default_audit: AuditResult,
) -> None:
    result = _result(default_audit, _find("client-registration", NOTIFY_OK, "remove"))
    assert NEW_REG5 in result.killed_by
    assert OLD_REG5 not in result.killed_by


def test_a_bind_that_never_binds_kills_the_new_recoverable_not_the_old(
    default_audit: AuditResult,
) -> None:
    result = _result(
        default_audit, _find("certificate-binding", BIND, "redirect", "no-certificate")
    )
    assert NEW_RECOVERABLE in result.killed_by
    assert OLD_RECOVERABLE not in result.killed_by
    assert "bind the certificate" in result.behaviour


def test_each_kind_is_run_and_judged(default_audit: AuditResult) -> None:
    by_kind = {m.mutant.kind: m for m in default_audit.mutants}
    assert set(by_kind) == {
        "remove",
        "guard-true",
        "guard-false",
        "deadline-shorter",
        "deadline-longer",
        "redirect",
    }
    removed = _result(default_audit, _find("certificate-binding", BIND, "remove"))
    assert removed.status == "killed"
    assert "mp1: queued certificate work completes" in removed.killed_by
    forced_false = _result(default_audit, _find("certificate-binding", BIND, "guard-false"))
    assert forced_false.mutant.same_as == removed.mutant.id
    assert forced_false.killed_by == removed.killed_by
    clock = _result(default_audit, _find("clock", None, "guard-true"))
    assert NEW_CERT2 in clock.killed_by
    shorter = _result(
        default_audit, _find("client-registration", None, "deadline-shorter", "reregistration-due")
    )
    assert shorter.status == "survived"
    assert "15 minutes pass" in shorter.behaviour or "policy poll" in shorter.behaviour


@pytest.mark.usefixtures("shared_base")
def test_a_survivor_listed_as_left_open_does_not_count(default_audit: AuditResult) -> None:
    shorter = _find("client-registration", None, "deadline-shorter", "reregistration-due")
    listed = run_audit(
        _small(default_lab()),
        only=[shorter],
        unconstrained=[
            Survivor(
                shorter.where, "This interruption shouldn't be longer than the policy cycle", ""
            )
        ],
        workers=1,
    )
    [result] = listed.mutants
    assert result.unconstrained is not None
    assert listed.counted == ()
    assert listed.kill_ratio == 1.0


def test_old_site3_survives_the_option_forced_on_and_the_new_one_kills_it() -> None:
    lab = _small(default_lab())
    lab = replace(lab, site=replace(lab.site, enhanced_http=False, prerelease_features=False))
    forced = [
        m
        for m in MUTANTS
        if m.machine == "site-mode"
        and m.kind == "guard-true"
        and "enable enhanced HTTP" in m.change
    ]
    audit = run_audit(lab, only=forced, checks=_both, workers=1)
    assert {m.status for m in audit.mutants} == {"killed"}
    for result in audit.mutants:
        assert NEW_SITE3 in result.killed_by
        assert OLD_SITE3 not in result.killed_by


def test_an_observer_is_never_mutated() -> None:
    assert not [m for m in MUTANTS if m.machine == "toggle-history"]
    assert any(m.machine == BINDING.name for m in MUTANTS)
