"""Tests for model/machines/registration.py: re-registration of every existing client on enabling
(A-47, REG-4), a disable cancelling it (A-10), and HTTPS only stranding a due client that has no
management point its site mode allows (A-48, A-39)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from ehttp.checker import check
from ehttp.cli.app import main
from ehttp.compose.properties import lab_checks
from ehttp.compose.world import World, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.machines.guards import ALWAYS
from ehttp.machines.machine import Machine, Row
from ehttp.machines.registration import (
    NOTIFY_FAILS,
    NOTIFY_OK,
    POLICY_POLL,
    REGISTRATION,
    REREGISTRATION_DUE,
    REREGISTRATION_STRANDED,
)
from ehttp.machines.site import DISABLE, ENABLE

ALLOWED = "a client registers or re-registers only through a site system its site mode allows"
EVERY_DUE = (
    "enabling enhanced HTTP makes every registered client due to re-register, whatever regime it "
    "registered under (stranded if HTTPS only leaves it no management point)"
)


def _lab(pki: bool = False) -> Lab:
    """The default lab with dom1 alone (an intranet domain client; mp1 is HTTP only)."""
    lab = default_lab()
    dom1 = next(c for c in lab.clients if c.name == "dom1")
    return replace(lab, clients=(replace(dom1, pki_certificate=pki),))


def _run(model: WorldModel, world: World, *steps: tuple[str, str]) -> World:
    names = model.env.names
    for instance, name in steps:
        world = model.fire(world, names.index(instance), name)
    return world


def _registered(model: WorldModel) -> World:
    """dom1 registers at mp1 under enhanced HTTP (the default lab has the option on)."""
    return _run(model, model.initial, ("dom1", "register with Active Directory domain evidence"))


@pytest.mark.req("REG-4")
def test_a_client_registered_under_enhanced_http_re_registers_after_re_enabling() -> None:
    """Before: A-10 kept a client registered under enhanced HTTP out of re-registration."""
    model = WorldModel(_lab())
    dom1 = model.env.names.index("dom1")
    world = _registered(model)
    assert world[dom1][0] == "registered:enhanced-http"
    world = _run(model, world, ("site", DISABLE))
    assert world[dom1][0] == "registered:enhanced-http"
    world = _run(model, world, ("site", ENABLE))
    assert world[dom1] == (REREGISTRATION_DUE, 0)
    assert _run(model, world, ("dom1", POLICY_POLL))[dom1][0] == "registered:enhanced-http"


@pytest.mark.req("REG-4", "REG-2")
def test_a_pki_registered_client_re_registers_and_keeps_its_pki_regime() -> None:
    """Before: a PKI-registered client never became due. The lab gets an HTTPS management point
    so that a PKI certificate is accepted at all."""
    lab = _lab(pki=True)
    https = replace(lab.management_points[0], name="mp2", connections="https")
    lab = replace(lab, management_points=(*lab.management_points, https))
    model = WorldModel(lab)
    dom1 = model.env.names.index("dom1")
    world = _run(model, model.initial, ("dom1", "register with a PKI client certificate"))
    assert world[dom1][0] == "registered:pki"
    world = _run(model, world, ("site", DISABLE), ("site", ENABLE))
    assert world[dom1][0] == REREGISTRATION_DUE
    assert _run(model, world, ("dom1", POLICY_POLL))[dom1][0] == "registered:pki"
    # a disable before the poll cancels; the site holds the client by its certificate.
    assert _run(model, world, ("site", DISABLE))[dom1][0] == "registered:pki"


@pytest.mark.req("REG-4", "SITE-5")
def test_at_https_only_a_due_client_is_stranded_until_https_or_http() -> None:
    """A-48: with mp1 the only management point (HTTP), HTTPS only leaves the due client none
    to re-register through: no poll, no deadline; HTTPS or HTTP makes it due again."""
    model = WorldModel(_lab())
    dom1 = model.env.names.index("dom1")
    world = _run(model, _registered(model), ("site", DISABLE), ("site", ENABLE))
    world = _run(model, world, ("site", "select HTTPS only"))
    assert world[dom1] == (REREGISTRATION_STRANDED, -1)
    with pytest.raises(ValueError, match="is not enabled"):
        _run(model, world, ("dom1", POLICY_POLL))
    world = _run(model, world, ("site", "select HTTPS or HTTP"))
    assert world[dom1] == (REREGISTRATION_DUE, 0)
    assert _run(model, world, ("dom1", POLICY_POLL))[dom1][0] == "registered:enhanced-http"
    # Enabling at HTTPS only strands a registered client at once.
    world = _run(model, _registered(model), ("site", DISABLE), ("site", "select HTTPS only"))
    assert _run(model, world, ("site", ENABLE))[dom1] == (REREGISTRATION_STRANDED, -1)


def _verdicts(model: WorldModel, names: tuple[str, ...]) -> dict[str, str]:
    props = [c.prop for c in lab_checks(model) if c.prop.name in names]
    assert len(props) == len(names)
    return {p.name: p.verdict for p in check(model, props, symmetry=False).properties}


def _old_declaration() -> dict[str, Machine]:
    """Today's main before this change: one policy poll row with no guard, enabling makes only a
    self-signed client due, a disable cancels, nothing strands a client."""
    rows: list[Row] = []
    for row in REGISTRATION.rows:
        if row.event == DISABLE or row.name in (NOTIFY_OK, NOTIFY_FAILS):
            rows.append(row)
        elif REREGISTRATION_STRANDED in (row.dest, *row.source):
            continue
        elif row.name == POLICY_POLL:
            if row.dest == "registered:enhanced-http":
                rows.append(replace(row, guard=ALWAYS))
        elif row.event == ENABLE:
            rows.append(replace(row, source=("registered:self-signed",), guard=ALWAYS))
        else:
            rows.append(row)
    return {REGISTRATION.name: replace(REGISTRATION, rows=tuple(rows))}


@pytest.mark.req("SITE-5", "REG-4")
def test_the_new_properties_fail_on_the_old_declaration_and_hold_on_the_new() -> None:
    old = WorldModel(_lab(), machines=_old_declaration())
    assert _verdicts(old, (ALLOWED, EVERY_DUE)) == {ALLOWED: "violated", EVERY_DUE: "violated"}
    new = WorldModel(_lab())
    assert _verdicts(new, (ALLOWED, EVERY_DUE)) == {ALLOWED: "holds", EVERY_DUE: "holds"}


@pytest.mark.req("REG-5")
def test_diagnose_finds_the_notification_gap_on_the_default_lab() -> None:
    """Before: "can't happen on this lab" for the seed's known issue."""
    result = CliRunner().invoke(
        main, ["diagnose", "--symptom", "notification-fails dom1"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2] == (
        'On this lab "client notification fails for dom1" can happen after '
        "disable-enhanced-http, enable-enhanced-http."
    )
    assert "dom1: registered:enhanced-http -> reregistration-due" in result.stdout
    assert "  - A-47 Every existing client re-registers on enabling" in result.stdout
