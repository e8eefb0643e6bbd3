"""model/explore/adapter.py: the explorer's one door into the model, and the steps it offers."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ehttp.explore
from ehttp.ask.actions import possible_now
from ehttp.explore.adapter import (
    ModelError,
    fault_at,
    model_of,
    possible_moves,
    property_status,
    run_outcomes,
    scenario_rows,
    steady,
    take,
    tokens_along,
    world_from_json,
    world_json,
)
from ehttp.explore.place import Place, walk
from ehttp.views.scenarios import evaluate

EXPLORE = Path(ehttp.explore.__file__).resolve().parent
TOGGLES = (
    ("disable-enhanced-http",),
    (
        "remove-the-binding-and-delete-the-role-certificate mp1",
        "remove-the-binding-and-delete-the-role-certificate dp1",
    ),
    ("enable-enhanced-http",),
    ("disable-enhanced-http",),
    ("enable-enhanced-http",),
)
"""The documented fault by clicks: the check box off, the site's removals, on, off, on."""


def _model_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ehttp"):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("ehttp")}
    return found


def test_only_the_adapter_calls_into_the_rest_of_the_package() -> None:
    outside = {
        path.name: sorted(m for m in _model_imports(path) if not m.startswith("ehttp.explore"))
        for path in sorted(EXPLORE.glob("*.py"))
        if path.name != "adapter.py"
    }
    assert {name: found for name, found in outside.items() if found} == {}
    assert any(m.startswith("ehttp.ask") for m in _model_imports(EXPLORE / "adapter.py"))


def test_the_administrator_actions_are_whatifs_and_each_token_takes_its_step() -> None:
    lab = ehttp.explore.lab_by_name("default")
    world_model = model_of(lab)
    world = steady(lab)
    admin, system = possible_moves(world_model, world)
    assert [m.token for m in admin] == possible_now(world_model, world)
    assert system == ()
    after = take(world_model, world, "disable-enhanced-http").after
    _admin, system = possible_moves(world_model, after)
    assert {m.actor for m in system} == {"site", "time"}
    for move in (*_admin, *system):
        assert take(world_model, after, move.token) == move


def test_a_step_not_possible_here_is_refused_with_what_is() -> None:
    lab = ehttp.explore.lab_by_name("default")
    with pytest.raises(ModelError, match=r"'enable-enhanced-http' is not possible here; possible"):
        take(model_of(lab), steady(lab), "enable-enhanced-http")


def test_tokens_along_a_path_of_worlds_take_the_same_path() -> None:
    found = walk(Place("default", None, TOGGLES))
    states = [world_json(found.model, w) for w in found.worlds[1:]]
    tokens = tokens_along(found.model, found.start, states)
    assert tokens == tuple(m.token for m in found.moves)
    with pytest.raises(ModelError, match="step 1: no step of lab 'default' leads from"):
        tokens_along(found.model, found.start, [world_json(found.model, found.here)])


def test_a_world_reads_back_from_json_and_a_bad_one_is_named() -> None:
    found = walk(Place("default", None, TOGGLES[:1]))
    data = world_json(found.model, found.here)
    assert world_from_json(found.model, data, "from") == found.here
    data["mp1"] = {"state": "bogus", "minutes": None}
    with pytest.raises(ModelError, match=r"^from: mp1: 'bogus' is not accepted; use one of"):
        world_from_json(found.model, data, "from")


@pytest.mark.req("CERT-3", "CERT-4")
def test_the_documented_fault_then_the_workaround_and_the_run_bind_every_role_certificate() -> None:
    found = walk(Place("default", None, TOGGLES))
    assert fault_at(found.model, found.here) == ("mp1", "dp1")
    statuses = {p["name"]: p for p in property_status(found.model, found.worlds)}
    witness = statuses[
        "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
    ]
    assert (witness["status"], witness["ok"]) == ("met on this path (first at step 6)", True)
    workaround = ("delete-sms-issuing-certs", "restart-smsexec")
    cured = walk(Place("default", None, (*TOGGLES, workaround)))
    assert fault_at(cured.model, cured.here) == ()
    (outcome,) = run_outcomes(cured.lab, cured.here)
    assert outcome.healthy and outcome.fault == ()
    settled = walk(Place("default", None, (*TOGGLES, workaround, outcome.tokens)))
    world = world_json(settled.model, settled.here)
    assert (world["mp1"]["state"], world["dp1"]["state"]) == ("bound", "bound")
    assert settled.minutes - cured.minutes <= 30


@pytest.mark.req("CERT-3", "CERT-4")
def test_the_documented_workaround_violates_no_property_on_its_path() -> None:
    """A property checked on a variant that leaves out a step the path took (the restart alone
    never deletes the certificates) is not judged on that path: the workaround is no
    violation."""
    workaround = ("delete-sms-issuing-certs", "restart-smsexec")
    found = walk(Place("default", None, (*TOGGLES, workaround)))
    statuses = {
        p["name"]: p
        for p in property_status(found.model, found.worlds, [m.row for m in found.moves])
    }
    assert [name for name, p in statuses.items() if p["ok"] is False] == []
    alone = next(p for name, p in statuses.items() if name.startswith("restarting smsexec without"))
    assert alone["status"].startswith("not about this path: 'after a restart alone' never takes")
    assert alone["ok"] is None
    naive = {p["name"]: p for p in property_status(found.model, found.worlds)}
    assert naive[alone["name"]]["ok"] is False  # judged without the path's steps, it would fail


def test_scenario_verdicts_follow_the_site_as_configured_in_the_world() -> None:
    lab = ehttp.explore.lab_by_name("default")
    here = walk(Place("default", None, TOGGLES[:1])).here
    rows = {(r["client"], r["scenario"]): r for r in scenario_rows(lab, here)}
    assert rows[("aad1", "1")]["verdict"] == "blocked"
    assert "site.enhanced_http = true" in rows[("aad1", "1")]["fix"]
    steady_rows = {(r["client"], r["scenario"]): r for r in scenario_rows(lab, steady(lab))}
    assert steady_rows[("aad1", "1")]["verdict"] == "works"
    assert steady_rows[("aad1", "1")]["reached_here"] is True
    lab_verdicts = {(v.client, str(v.scenario)): v.verdict for v in evaluate(lab).verdicts}
    assert {k: r["verdict"] for k, r in steady_rows.items()} == lab_verdicts
