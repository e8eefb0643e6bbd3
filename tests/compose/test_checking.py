"""`run_checks` on two cores: the variants searched in a child process while this one searches
the lab, and liveness judged in two processes, give exactly the check made in one process."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import ehttp.checker.run
import ehttp.compose.checking
from ehttp.checker.fork import forked
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.successors import Successors
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab


def twin_desktops() -> Lab:
    """The default lab's site with its domain-joined desktop and a twin of it: clients the
    symmetry exchanges, so liveness is judged on the reduced graph (7,504 states)."""
    lab = default_lab()
    desktop = lab.clients[1]
    return dataclasses.replace(lab, clients=(desktop, dataclasses.replace(desktop, name="dom2")))


def on_one_core(lab: Lab, **limits: Any) -> LabCheck:
    """`run_checks` kept to one process, whatever the process running the test may do."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for module in (ehttp.checker.run, ehttp.compose.checking):
            monkeypatch.setattr(module, "can_fork", lambda: False)
        return run_checks(lab, **limits)


def comparable(found: LabCheck) -> dict[str, Any]:
    out = found.to_json()
    out.pop("seconds")
    for variant in out["variants"]:
        variant.pop("seconds", None)
        variant.pop("states_per_second", None)
    out.pop("states_per_second", None)
    return {
        "json": out,
        "never fired": found.never_fired_rows,
        "fired": sorted(found.model.fired),
        "variants": [v.variant for v in found.variants],
        "results": [
            dataclasses.replace(v.result, seconds=0.0, states_per_second=0.0)
            for v in found.variants
        ],
    }


def test_the_check_on_two_cores_is_the_check_on_one(monkeypatch: pytest.MonkeyPatch) -> None:
    alone = on_one_core(twin_desktops())
    decided: list[bool] = []

    def recorded(run: Callable[[], Any], fork: bool) -> Any:
        decided.append(fork)
        return forked(run, fork)

    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: True)
        monkeypatch.setattr(module, "forked", recorded)
    monkeypatch.setattr(ehttp.checker.run, "fork_from_states", lambda: 0)
    shared = run_checks(twin_desktops())
    # The variants' child, then the lab's invariants and its liveness, each in two processes.
    assert decided[:3] == [True, True, True]
    assert alone.main.symmetry and alone.passed
    assert comparable(shared) == comparable(alone)


def test_the_labs_search_keeps_no_copy_of_its_edges(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tables: list[Successors] = []

    class Recorded(Successors):
        def __init__(self, model: WorldModel) -> None:
            super().__init__(model)
            tables.append(self)

    monkeypatch.setattr(ehttp.compose.checking, "Successors", Recorded)
    alone = on_one_core(twin_desktops())
    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    monkeypatch.setattr(ehttp.checker.run, "fork_from_states", lambda: 0)
    shared = run_checks(twin_desktops())
    assert comparable(shared) == comparable(alone)
    one, two = tables
    states = alone.main.states
    # On one core as on two, the table keeps only the lab's worlds and the targets canonical
    # form changed, and the edges of the worlds the variants asked after the lab's search: on
    # two cores a few of the lab's (the variants that start from its worlds), on one also those
    # of the variants that start from worlds of their own, searched last.
    for table in (one, two):
        assert len(table.moved) >= states and any(table.moved.values())
        assert len(table.memo) + len(table.canonical_memo) < states


def test_a_stop_request_during_the_labs_search_leaves_every_variant_unsearched(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    asked: list[bool] = []

    def stop() -> bool:
        asked.append(True)
        return len(asked) > 3

    found = run_checks(twin_desktops(), stop=stop)
    assert found.interrupted
    assert all(v.result.stopped_reason == "interrupted" for v in found.variants[1:])


_OWN_PROCESS = """
import json, sys
import ehttp.checker.fork
import ehttp.checker.run
from ehttp.checker.fork import can_fork
from tests.compose.test_checking import comparable, twin_desktops
from ehttp.compose.checking import run_checks
ehttp.checker.run.fork_from_states = lambda: 0
forks = []
real = ehttp.checker.fork.Job.__init__
def counted(self, run, fork):
    forks.append(fork)
    real(self, run, fork)
ehttp.checker.fork.Job.__init__ = counted
found = run_checks(twin_desktops())
print(json.dumps({"can_fork": can_fork(), "forks": forks, "json": comparable(found)["json"],
                  "never": list(found.never_fired_rows), "fired": sorted(found.model.fired)}))
"""


def test_a_process_of_its_own_checks_on_two_cores_as_on_one() -> None:
    # The real way in: a process with one thread, as `ehttp check` runs (the test runner's
    # workers have threads of their own, so in them the checker keeps to one core).
    if len(os.sched_getaffinity(0)) < 2:
        pytest.skip("one core: the checker never forks here")
    root = Path(__file__).resolve().parents[2]
    ran = subprocess.run(
        [sys.executable, "-c", _OWN_PROCESS], cwd=root, capture_output=True, text=True, check=True
    )
    found = json.loads(ran.stdout)
    alone = on_one_core(twin_desktops())
    assert found["can_fork"] and found["forks"][:2] == [True, True]
    assert found["json"] == json.loads(json.dumps(comparable(alone)["json"]))
    assert found["never"] == list(alone.never_fired_rows)
    assert found["fired"] == json.loads(json.dumps(sorted(alone.model.fired)))


def test_rows_only_the_variants_fire_are_counted_from_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The lab's search cut to 12 states fires 15 rows; the variants, from worlds of their own,
    # fire 8 more, in the child when it forks: those come back to the never-fired list.
    alone = on_one_core(twin_desktops(), max_states=12)
    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: True)
    shared = run_checks(twin_desktops(), max_states=12)
    assert (len(alone.model.fired), len(alone.never_fired_rows)) == (23, 31)
    assert shared.never_fired_rows == alone.never_fired_rows
    assert sorted(shared.model.fired) == sorted(alone.model.fired)


def test_once_the_time_is_up_the_late_variants_pick_no_starting_worlds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The variants that start from the lab's worlds pick them from every world of the lab
    (seconds on millions of worlds): not once the deadline passed, when they are not searched."""
    now = [0.0]

    def tell(label: str) -> None:
        if label == "lab: liveness: reduced graph":
            now[0] = 1000.0  # the time is up while liveness is judged

    picked: list[int] = []
    real = ehttp.compose.checking.lab_variants

    def recorded(model: WorldModel, variants: set[str], worlds: Any = None) -> Any:
        if worlds is not None:
            picked.append(len(list(worlds)))
        return real(model, variants, worlds)

    monkeypatch.setattr("time.perf_counter", lambda: now[0])
    monkeypatch.setattr(ehttp.compose.checking, "lab_variants", recorded)
    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: False)
    found = run_checks(twin_desktops(), max_seconds=100, phase=tell)
    assert picked == [0]
    late = {v.variant: v.result for v in found.variants[-2:]}
    assert set(late) == {"after the workaround", "after a restart alone"}
    assert {r.stopped_reason for r in late.values()} == {"max-seconds"}
    assert found.main.stopped_reason == "max-seconds" and not found.passed
