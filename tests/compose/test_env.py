"""Tests for model/compose/env.py: a lab's instances in the world's layout, and the questions
guards ask of a world."""

from __future__ import annotations

import pytest

from ehttp.compose.env import APP, CLOCK_AT, EXEC, HISTORY, SITE, Env, ModelError
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab
from ehttp.machines.binding import BINDING, DELETE
from ehttp.machines.registration import REGISTRATION


def test_the_layout_is_site_components_then_bindings_then_clients() -> None:
    lab = default_lab()
    env = Env(lab)
    assert (SITE, APP, EXEC, CLOCK_AT, HISTORY) == (0, 1, 2, 3, 4)
    assert env.first_binding == HISTORY + 1
    assert env.first_dp == env.first_binding + len(lab.management_points)
    assert env.first_client == env.first_dp + len(lab.distribution_points)
    assert env.names[env.first_client :] == tuple(c.name for c in lab.clients)
    assert {env.machines[i] for i in env.bindings} == {BINDING}
    assert {env.machines[i] for i in env.clients} == {REGISTRATION}


def test_an_unknown_machine_is_refused_with_the_declared_ones_named() -> None:
    with pytest.raises(
        ModelError, match=r"^machines: 'nope' is not a declared machine; use one of "
    ):
        Env(default_lab(), {"nope": BINDING})


def test_internet_client_needs_a_bound_management_point_through_the_cmg() -> None:
    model = WorldModel(default_lab())
    aad = model.env.names.index("aad1")
    register = "register with an Azure AD device token"
    assert register in {model.action_name(a) for a in model.actions(model.initial) if a[0] == aad}
    mp = model.env.first_binding
    stranded = model.fire(model.initial, mp, DELETE)
    assert register not in {model.action_name(a) for a in model.actions(stranded) if a[0] == aad}
