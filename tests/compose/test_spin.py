"""Spin as a second checker: it must agree with ehttp's own, figure for figure (CI cross-check).

For the default lab at 1 to 4 clients and every example lab in specs/labs/ (the fast suite: 1 and 2
clients; the rest are `heavy`, run by .ci/run after it), Spin's stored states
and transitions of each variant, the diameter, and each `always`, `sometimes` and deadlock verdict
with its trace's length must equal `ehttp check --no-symmetry`'s. The comparison is run on
whatever the declarations say now (no pinned numbers), and it is shown to fail when Spin's model
differs from ehttp's by one row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from ehttp.compose import spin as engine
from ehttp.compose.checking import LabCheck
from ehttp.compose.promela import PromelaExport, export_promela
from ehttp.compose.properties import has_option
from ehttp.compose.spin import SpinMissing, differences, run_spin, spin_available
from ehttp.compose.world import Env
from ehttp.config.labfile import load_lab
from ehttp.config.schema import Lab
from ehttp.programs import Stopped

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


FAST_CASES = ("default-1", "default-2")
"""The cross-checks of the fast suite; the default lab at 3 and 4 clients and every example lab
are `heavy` (tests/conftest.py: run by .ci/run after the fast suite)."""

SMALL = LAB_CASES["default-2"]
"""The lab the tests of one engine's reading below run Spin on: the default lab at 2 clients (a
quarter of its worlds), whose unreduced check the cross-check above has made already."""


@needs_spin
@pytest.mark.parametrize(
    "name",
    [
        name if name in FAST_CASES else pytest.param(name, marks=pytest.mark.heavy)
        for name in sorted(LAB_CASES)
    ],
)
def test_spin_agrees_with_ehttp(name: str, checked: Callable[..., LabCheck]) -> None:
    lab = LAB_CASES[name]
    spin = run_spin(lab, cores=1)
    native = checked(lab, symmetry=False)
    assert spin.complete
    assert differences(spin, native) == []
    decided = {p.kind for p in spin.properties}
    assert "always" in decided
    # Deadlock freedom is asked where the option exists (model/compose/properties/checks.py).
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
        ("register with an Azure AD device token", "aad1"),
    ],
)
def test_a_one_row_difference_fails_with_both_figures(
    row: str, instance: str, monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    lab = SMALL
    monkeypatch.setattr(
        engine, "export_promela", lambda lab: _drop_one_row(export_promela(lab), row, instance)
    )
    spin = run_spin(lab, cores=1)
    native = checked(lab, symmetry=False)
    found = differences(spin, native)
    assert found, "a model without one row must not agree"
    # Without mp1's bind the lab's reachable states happen to number the same in both
    # engines; its transitions (and the deadlock verdict) differ. Without aad1's registration
    # the states differ.
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
    monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    lab = SMALL
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
    native = checked(lab, symmetry=False)
    found = differences(spin, native)
    name = "mp1: queued certificate work is never older than 30 minutes"
    assert f"{name}: verdict: Spin violated, ehttp holds" in found
    assert f"{name}: trace length: Spin 1, ehttp None" in found


# No unfinished search passes: pan's every sign of a search stopped short is read.
_PAN_TAILS = {
    "cpu00: hash table is full\n": "pan's hash table is full at -w12",
    # The multi-core search at 8 clients and -w24: the table full, states lost, no "full" word.
    " 16777202 states, stored\n 35857880 states lost (lack of queue memory)\n"
    "the hash table is 100 % filled\n": "pan's hash table is full at -w12",
    "      0 states, stored\n  4788 states lost (lack of queue memory)\n": (
        "pan lost 4,788 states (lack of queue memory)"
    ),
    "error: max search depth too small\n": "pan's max search depth (-m) is too small",
    "pan: out of memory\n": "pan ran out of memory",
    "out of memory -- aborting\n": "pan ran out of memory",
    "pan: error, VECTORSZ too small, recompile pan.c": (
        "pan's state vector (VECTORSZ) is too small"
    ),
    "Warning: Search incomplete\n": "pan says the search is incomplete",
    "Warning: Search not completed\n": "pan says the search is incomplete",
}


@pytest.mark.parametrize("tail", sorted(_PAN_TAILS))
def test_every_sign_of_an_unfinished_search_is_read(tail: str) -> None:
    assert engine.incomplete_reason(f"(Spin Version 6.5.2)\n{tail}", 12) == _PAN_TAILS[tail]


def test_a_finished_search_reads_as_finished() -> None:
    done = (
        "State-vector 36 byte, depth reached 20, errors: 0\n    30256 states, stored\n"
        "      0 states lost (lack of queue memory)\nthe hash table is 11.5 % filled\n"
    )
    assert engine.incomplete_reason(done, 18) is None


def test_counts_pan_prints_in_g_form_are_read() -> None:
    # From 10**8 on pan prints matched states and transitions as %9.8g (8 clients, -w25).
    assert engine.pan_count("1.7372491e+08") == 173_724_910
    assert engine.pan_count("16777202") == 16_777_202
    tail = "State-vector 52 byte, depth reached 16, errors: 0\n 16777202 states, stored\n"
    tail += "1.7372491e+08 transitions (= stored+matched)\n"
    numbers = {key: pattern.search(tail) for key, pattern in engine._NUMBER.items()}
    assert {key: engine.pan_count(m.group(1)) for key, m in numbers.items() if m} == {
        "states": 16_777_202,
        "transitions": 173_724_910,
        "depth": 16,
        "errors": 0,
    }


@needs_spin
def test_a_table_too_small_is_incomplete_never_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    # The multi-core search's hash table has a fixed size; kept at 2**10 slots it fills up.
    monkeypatch.setattr(engine, "_hash_bits", lambda lab: 10)
    monkeypatch.setattr(engine, "MAX_HASH_BITS", 10)
    report = run_spin(SMALL, cores=2)
    assert not report.complete and not report.passed
    assert any(r.endswith("pan's hash table is full at -w10") for r in report.reasons)
    main = report.main()
    assert main.reason == "pan's hash table is full at -w10" and not main.complete
    always = [p for p in report.properties if p.kind != "sometimes"]
    assert always and {p.verdict for p in always} <= {"unknown", "violated"}


@needs_spin
def test_a_full_table_grows_until_the_search_finishes(
    monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    monkeypatch.setattr(engine, "_hash_bits", lambda lab: 10)
    lab = SMALL
    report = run_spin(lab, cores=2)
    assert report.complete and report.reasons == ()
    assert differences(report, checked(lab, symmetry=False)) == []


@needs_spin
def test_pan_out_of_memory_in_every_search_decides_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every run of pan ends as pan does when malloc fails: no figures, "pan: out of memory".
    real = engine._command

    def out_of_memory(args: Sequence[str], *rest: Any, **named: Any) -> str:
        if Path(args[0]).name == "pan":
            return "pan: out of memory\n"
        return real(args, *rest, **named)

    monkeypatch.setattr(engine, "_command", out_of_memory)
    report = run_spin(load_lab(None), cores=1)
    assert not report.complete and not report.passed
    assert {p.verdict for p in report.properties} == {"unknown"}
    assert "variant 'lab': pan ran out of memory" in report.reasons
    witnesses = [r for r in report.reasons if r.startswith("witness of ")]
    assert len(witnesses) == len(report.export.witnesses)


@needs_spin
def test_ctrl_c_while_the_searches_are_submitted_ends_every_search(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Ctrl-C can come while the first compilation already runs and the searches are still being
    # submitted: the compilations are stopped at once, not waited for.
    started = threading.Event()
    ended: list[str] = []

    def compile_until_stopped(
        text: str, where: Path, *, cores: int, bitstate: bool, optimize: str, stop: Any = None
    ) -> Path:
        started.set()
        deadline = time.monotonic() + 60  # a compilation nobody stops gives up, unstopped
        while time.monotonic() < deadline:
            if stop is not None and stop():
                ended.append("stopped")
                raise Stopped("spin stopped")
            time.sleep(0.01)
        ended.append("never told to stop")
        raise Stopped("spin gave up")

    submitted: list[object] = []
    real = ThreadPoolExecutor.submit

    def submit(self: ThreadPoolExecutor, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        submitted.append(fn)
        if len(submitted) == 3:  # both compilations submitted, the first search not yet
            assert started.wait(10)
            raise KeyboardInterrupt
        return real(self, fn, *args, **kwargs)

    monkeypatch.setattr(engine, "_compile", compile_until_stopped)
    monkeypatch.setattr(ThreadPoolExecutor, "submit", submit)
    with pytest.raises(KeyboardInterrupt):
        run_spin(load_lab(None), cores=2)
    assert ended == ["stopped", "stopped"]
