"""Spin as a second checker: it must agree with ehttp's own, figure for figure (CI cross-check).

For the default lab at 1 to 4 clients and every example lab in specs/labs/, Spin's stored states
and transitions of each variant, the diameter, and each `always`, `sometimes` and deadlock verdict
with its trace's length must equal `ehttp check --no-symmetry`'s. The comparison is run on
whatever the declarations say now (no pinned numbers), and it is shown to fail when Spin's model
differs from ehttp's by one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.compose import spin as engine
from ehttp.compose.checking import run_checks
from ehttp.compose.promela import PromelaExport, export_promela
from ehttp.compose.properties import has_option
from ehttp.compose.spin import SpinMissing, differences, run_spin, spin_available
from ehttp.compose.world import Env
from ehttp.config.labfile import load_lab
from ehttp.config.schema import Lab

LABS = sorted((Path(__file__).resolve().parents[2] / "specs" / "labs").glob("*.toml"))
MISSING = spin_available()
needs_spin = pytest.mark.skipif(
    MISSING is not None, reason=f"{MISSING} is not installed (CI installs spin and gcc)"
)


def _labs() -> Iterator[tuple[str, Lab]]:
    default = load_lab(None)
    for clients in (1, 2, 3, 4):
        yield f"default-{clients}", default.with_clients(clients)
    for path in LABS:
        yield path.stem, load_lab(path)


LAB_CASES = dict(_labs())


@needs_spin
@pytest.mark.parametrize("name", sorted(LAB_CASES))
def test_spin_agrees_with_ehttp(name: str) -> None:
    lab = LAB_CASES[name]
    spin = run_spin(lab, cores=1)
    native = run_checks(lab, symmetry=False)
    assert spin.complete
    assert differences(spin, native) == []
    decided = {p.kind for p in spin.properties}
    assert "always" in decided
    # Deadlock freedom is asked where the option exists (model/compose/properties.py).
    assert ("deadlock-free" in decided) == has_option(lab)


def _drop_one_row(export: PromelaExport, row: str, instance: str) -> PromelaExport:
    """The export with the alternative of (row, instance) never enabled: a one-row difference."""
    env = Env(export.lab)
    lines = export.text.splitlines()
    at = next(
        line
        for line, (index, number) in export.steps.items()
        if env.names[index] == instance and env.machines[index].rows[number].name == row
    )
    assert lines[at - 1].startswith("  :: d_step { ")
    lines[at - 1] = lines[at - 1].replace(":: d_step { ", ":: d_step { 0 && ", 1)
    return replace(export, text="\n".join(lines) + "\n")


@needs_spin
@pytest.mark.parametrize(
    ("row", "instance"),
    [
        ("bind the certificate to the IIS Default Web Site on port 443", "mp1"),
        ("register anonymously (manual approval)", "wg1"),
    ],
)
def test_a_one_row_difference_fails_with_both_figures(
    row: str, instance: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    lab = load_lab(None)
    monkeypatch.setattr(
        engine, "export_promela", lambda lab: _drop_one_row(export_promela(lab), row, instance)
    )
    spin = run_spin(lab, cores=1)
    native = run_checks(lab, symmetry=False)
    found = differences(spin, native)
    assert found, "a model without one row must not agree"
    # Without mp1's bind the default lab's reachable states happen to number the same in both
    # engines; its transitions (and the deadlock verdict) differ.
    figure = next(
        line for line in found if line.startswith(("lab: states: ", "lab: transitions: "))
    )
    kind = "states" if figure.startswith("lab: states: ") else "transitions"
    assert figure.endswith(f", ehttp {getattr(native.main, kind):,}")
    assert f"Spin {getattr(spin.main(), kind):,}" in figure


def test_without_spin_the_engine_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(SpinMissing, match="spin"):
        run_spin(load_lab(None))


def _with_text(export: PromelaExport, old: str, new: str) -> PromelaExport:
    assert export.text.count(old) == 1, old
    return replace(export, text=export.text.replace(old, new))


@needs_spin
def test_a_violated_always_and_a_deadlock_are_found_with_their_traces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lab = load_lab(None)
    export = export_promela(lab)
    number = next(p.number for p in export.always if p.name.startswith("mp1: queued"))

    def mutated(lab: Lab) -> PromelaExport:
        # mp1's 30-minute bound claimed as "never unbinding"; mp1 never binds (work overdue,
        # nothing but the bind may happen: a deadlock).
        found = export_promela(lab)
        found = _with_text(
            found,
            f"#define ALWAYS_{number} (",
            f"#define ALWAYS_{number} (s_mp1 != CERTIFICATE_BINDING_unbinding && ",
        )
        return _drop_one_row(
            found, "bind the certificate to the IIS Default Web Site on port 443", "mp1"
        )

    monkeypatch.setattr(engine, "export_promela", mutated)
    spin = run_spin(lab, cores=1)
    verdicts = {p.name: p for p in spin.properties}
    bound = verdicts["mp1: queued certificate work is never older than 30 minutes"]
    assert bound.verdict == "violated" and bound.length == 1
    assert bound.trace[1].text.startswith("disable enhanced HTTP (site): ")
    assert bound.trace[1].action == "disable enhanced HTTP"
    assert bound.trace[1].state[0] != bound.trace[0].state[0], "each step carries its world"
    deadlock = next(p for p in spin.properties if p.kind == "deadlock-free")
    assert deadlock.verdict == "violated" and deadlock.trace[0].text == "initial state"
    # the bind falls due, and nothing else may happen
    assert "15 minutes pass" in [step.text for step in deadlock.trace]
    others = [p for p in spin.properties if p.kind == "always" and p is not bound]
    assert all(p.holds for p in others)
    native = run_checks(lab, symmetry=False)
    found = differences(spin, native)
    name = "mp1: queued certificate work is never older than 30 minutes"
    assert f"{name}: verdict: Spin violated, ehttp holds" in found
    assert f"{name}: trace length: Spin 1, ehttp None" in found
