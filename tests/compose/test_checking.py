"""`run_checks` on two cores: the variants searched in a child process while this one searches
the lab, and liveness judged in two processes, give exactly the check made in one process."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

import ehttp.checker.run
import ehttp.compose.checking
from ehttp.checker.fork import forked
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab


def twin_desktops() -> Lab:
    """The default lab's site with its domain-joined desktop and a twin of it: clients the
    symmetry exchanges, so liveness is judged on the reduced graph (7,504 states)."""
    lab = default_lab()
    desktop = lab.clients[1]
    return dataclasses.replace(lab, clients=(desktop, dataclasses.replace(desktop, name="dom2")))


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
    alone = run_checks(twin_desktops())
    decided: list[bool] = []

    def recorded(run: Callable[[], Any], fork: bool) -> Any:
        decided.append(fork)
        return forked(run, fork)

    for module in (ehttp.checker.run, ehttp.compose.checking):
        monkeypatch.setattr(module, "can_fork", lambda: True)
        monkeypatch.setattr(module, "forked", recorded)
    monkeypatch.setattr(ehttp.checker.run, "fork_from_states", lambda: 0)
    shared = run_checks(twin_desktops())
    # The variants' child, then the lab's liveness judged in two processes.
    assert decided[:2] == [True, True]
    assert alone.main.symmetry and alone.passed
    assert comparable(shared) == comparable(alone)


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
