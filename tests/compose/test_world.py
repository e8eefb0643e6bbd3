"""Tests for model/compose/world.py: the composition of the declared machines over a lab."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.compose.world import EXEC, SITE, Action, ModelError, World, WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import Lab
from ehttp.machines.binding import DELETE, RESTART, SMSEXEC_STARTS
from ehttp.machines.clock import TICK
from ehttp.machines.site import DISABLE, ENABLE, SITE_MODE
from tests.search import reachable

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _unmemoised(model: WorldModel, world: World) -> list[Action]:
    env = model.env
    fair_only = env.overdue(world)
    return [
        (index, number)
        for index, (control, _) in enumerate(world)
        for number, row in env.compiled[index].local.get(control, ())
        if (not fair_only or row.fair) and row.guard(env, world, index)
    ]


def test_default_lab_state_count_is_pinned(
    default_worlds: tuple[WorldModel, list[World]],
) -> None:
    assert len(default_worlds[1]) == 41_052


@pytest.mark.parametrize(
    "lab_file",
    [
        # Heavy: the default lab's model but for its name, which the fast suite compares in
        # test_memoised_guards_agree_with_every_guard_on_the_default_lab.
        pytest.param("recommended-1806.toml", marks=pytest.mark.heavy),
        "https-site-systems.toml",
    ],
)
def test_memoised_guards_agree_with_every_guard(lab_file: str) -> None:
    model = WorldModel(load_lab(LABS / lab_file))
    for world in reachable(model):
        assert list(model.actions(world)) == _unmemoised(model, world), world


def test_memoised_guards_agree_with_every_guard_on_the_default_lab(
    default_worlds: tuple[WorldModel, list[World]],
) -> None:
    model, worlds = default_worlds
    fresh = WorldModel(model.lab)
    for world in worlds:
        assert fresh.actions(world) == _unmemoised(fresh, world), world


def test_edges_are_the_actions_with_their_successors(
    default_worlds: tuple[WorldModel, list[World]],
) -> None:
    model, worlds = default_worlds
    for world in worlds[::7]:
        assert model.edges(world) == tuple(
            (a, model.next_state(world, a)) for a in model.actions(world)
        )


def test_rapid_toggle_strands_the_management_point_certificate() -> None:
    model = WorldModel(default_lab())
    mp = model.env.first_binding
    world = model.fire(model.initial, SITE, DISABLE)
    world = model.fire(world, mp, "remove the binding and delete the role certificate")
    world = model.fire(world, SITE, ENABLE)
    assert world[mp] == ("issued", 0)
    world = model.fire(world, SITE, DISABLE)
    world = model.fire(world, SITE, ENABLE)
    assert world[mp][0] == "stranded"
    # Restarting alone does not help: the certificate in the store is "already done".
    restarted = model.fire(model.fire(world, EXEC, RESTART), EXEC, SMSEXEC_STARTS)
    assert restarted[mp][0] == "stranded"
    # The documented workaround: delete the SMS-Issuing certificates, restart smsexec.
    cured = model.fire(model.fire(world, mp, DELETE), EXEC, RESTART)
    cured = model.fire(cured, EXEC, SMSEXEC_STARTS)
    assert cured[mp] == ("issued", 0)
    cured = model.fire(cured, mp, "bind the certificate to the IIS Default Web Site on port 443")
    assert cured[mp][0] == "bound"


def test_clock_stops_at_a_deadline_and_only_system_steps_remain() -> None:
    model = WorldModel(default_lab())
    mp = model.env.first_binding
    world = model.fire(model.initial, SITE, DISABLE)
    world = model.fire(world, 3, TICK)
    world = model.fire(world, 3, TICK)
    assert world[mp] == ("unbinding", 2)
    names = {model.action_name(a) for a in model.actions(world)}
    assert TICK not in names
    assert ENABLE not in names
    assert all(model.is_fair(a) for a in model.actions(world))


def test_enabling_makes_registered_clients_due_and_the_poll_reregisters() -> None:
    model = WorldModel(default_lab())
    dom = model.env.names.index("dom1")
    world = model.fire(model.initial, SITE, DISABLE)
    world = model.fire(world, dom, "register with Active Directory domain evidence")
    assert world[dom][0] == "registered:self-signed"
    world = model.fire(world, SITE, ENABLE)
    assert world[dom] == ("reregistration-due", 0)
    names = {model.action_name(a) for a in model.actions(world) if a[0] == dom}
    assert "client notification fails: the site can't verify the client message signature" in names
    world = model.fire(world, dom, "policy poll: re-register with the site")
    assert world[dom][0] == "registered:enhanced-http"


def test_symmetry_sorts_interchangeable_clients_only() -> None:
    model = WorldModel(default_lab().with_clients(6))
    assert len(model.symmetric_groups) == 3
    aad, aad2 = model.env.names.index("aad1"), model.env.names.index("aad1-2")
    world = list(model.initial)
    world[aad] = ("pending-approval", -1)
    swapped = list(model.initial)
    swapped[aad2] = ("pending-approval", -1)
    assert model.canonical(tuple(world)) == model.canonical(tuple(swapped))
    assert model.canonical(tuple(world)) != model.canonical(model.initial)


def test_fire_names_what_is_not_enabled() -> None:
    model = WorldModel(default_lab())
    with pytest.raises(
        ModelError, match=r"^smsexec: 'smsexec service starts' is not enabled in state 'running'$"
    ):
        model.fire(model.initial, EXEC, SMSEXEC_STARTS)


def test_enhanced_http_on_an_1802_site_is_refused_with_the_key_named() -> None:
    lab = default_lab()
    site = lab.site
    bad = Lab(
        name="bad",
        site=type(site)(**{**site.__dict__, "version": "1802"}),
        management_points=lab.management_points,
        distribution_points=lab.distribution_points,
        clients=lab.clients,
    )
    with pytest.raises(ModelError) as error:
        WorldModel(bad)
    assert str(error.value) == (
        "site.enhanced_http: true is not accepted for version 1802 with prerelease_features = "
        "true; enhanced HTTP needs version 1806 with prerelease_features = true"
    )


def _one_client(lab: Lab, name: str) -> Lab:
    return Lab(
        lab.name,
        lab.site,
        lab.management_points,
        lab.distribution_points,
        tuple(c for c in lab.clients if c.name == name),
    )


@pytest.mark.req("SITE-5", "SITE-2")
def test_point_5_the_client_communication_mode_has_an_effect() -> None:
    """Before, swapping "HTTPS only" and "HTTPS or HTTP" in every reachable world gave the same
    reachable set, and an intranet client registered at the HTTP management point either way."""
    lab = _one_client(default_lab(), "dom1")
    frozen = frozenset(row.name for row in SITE_MODE.rows)
    plain = {w[1:] for w in reachable(WorldModel(lab, without=frozen))}
    https = WorldModel(
        replace(lab, site=replace(lab.site, client_communication="https-only")), without=frozen
    )
    assert {w[SITE][0] for w in reachable(https)} == {"https-only+enhanced"}
    assert {w[1:] for w in reachable(https)} != plain
    model = WorldModel(lab)
    https_only = model.fire(model.initial, SITE, "select HTTPS only")
    dom1 = model.env.first_client
    names = {model.action_name(a) for a in model.actions(https_only) if a[0] == dom1}
    assert names == set()
    names = {model.action_name(a) for a in model.actions(model.initial) if a[0] == dom1}
    assert "register with Active Directory domain evidence" in names


@pytest.mark.req("CERT-4")
def test_point_8_a_restart_completes_within_one_quantum() -> None:
    """A-40. Before: disable, restart, tick, tick was reachable with smsexec still restarting."""
    model = WorldModel(_one_client(default_lab(), "wg1"))
    world = model.fire(model.initial, SITE, DISABLE)
    world = model.fire(world, EXEC, RESTART)
    world = model.fire(world, 3, TICK)
    assert world[EXEC] == ("restarting", 1)
    with pytest.raises(ModelError, match="is not enabled"):
        model.fire(world, 3, TICK)
    for reached in reachable(model):
        if reached[EXEC][0] == "restarting":
            assert 0 <= reached[EXEC][1] <= 1, reached


@pytest.mark.req("CERT-3", "CERT-4")
def test_point_8_no_reaction_changes_certificate_work_while_smsexec_is_stopped() -> None:
    """A-41: an enable or disable made while smsexec restarts changes no binding; smsexec's
    start reconciles. Before: disabling while it restarted cancelled a queued bind at once."""
    model = WorldModel(_one_client(default_lab(), "wg1"))
    env = model.env
    seen = 0
    for world in reachable(model):
        if world[EXEC][0] != "restarting":
            continue
        for action in model.actions(world):
            if action[0] != SITE:
                continue
            after = model.next_state(world, action)
            assert [after[i] for i in env.bindings] == [world[i] for i in env.bindings]
            seen += 1
    assert seen > 0
    world = model.fire(model.initial, EXEC, RESTART)
    world = model.fire(world, SITE, DISABLE)
    assert [world[i][0] for i in env.bindings] == ["bound", "bound"]
    world = model.fire(world, EXEC, SMSEXEC_STARTS)
    assert [world[i][0] for i in env.bindings] == ["unbinding", "unbinding"]
