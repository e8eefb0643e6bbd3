"""What Spin found about a lab: each variant's search figures, each property's verdict with its
trace in ehttp's steps, and where Spin and ehttp's own checker disagree (`model/compose/spin.py`
runs Spin)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ehttp.checker import Step
from ehttp.compose.checking import LabCheck
from ehttp.compose.promela import PromelaExport
from ehttp.compose.properties import LAB
from ehttp.compose.world import World, WorldModel
from ehttp.config.schema import Lab

__all__ = ["SpinProperty", "SpinReport", "SpinRun", "differences", "same_to_pan_digits"]


@dataclass(frozen=True)
class SpinRun:
    """A variant's error-free safety search: Spin's figures (transitions as ehttp counts them)."""

    variant: str
    purpose: str
    states: int
    transitions: int
    depth: int
    seconds: float
    complete: bool
    reason: str | None = None
    """Why the search is incomplete (None when complete, or when -DBITSTATE alone makes it so)."""
    rounded: bool = False
    """True when pan printed the states or transitions from 10**8 on, in `%g` form: then they
    are exact to eight significant digits only (`model/compose/spin.py` `_COUNT`)."""


@dataclass(frozen=True)
class SpinProperty:
    """Spin's verdict on one property, with its trace as ehttp's steps (ehttp's verdict words).

    The trace is Spin's trail replayed on ehttp's model: the same `Step` values (action, world,
    text) as the native checker's traces, beginning with the initial state.
    """

    variant: str
    name: str
    kind: str
    requirements: tuple[str, ...]
    verdict: str
    trace: tuple[Step[World], ...] = ()

    @property
    def holds(self) -> bool:
        """True only for the verdict "holds"."""
        return self.verdict == "holds"

    @property
    def length(self) -> int | None:
        """Steps in the witness or counterexample (None without a trace)."""
        return len(self.trace) - 1 if self.trace else None


@dataclass(frozen=True)
class SpinReport:
    """Everything `ehttp check --engine spin` reports about a lab."""

    lab: Lab
    export: PromelaExport
    runs: tuple[SpinRun, ...]
    properties: tuple[SpinProperty, ...]
    not_checked: tuple[SpinProperty, ...]
    seconds: float
    searched: float
    """Seconds `pan` spent searching, over every search (`seconds` adds compiling and the rest)."""
    bitstate: bool
    cores: int
    version: str
    reasons: tuple[str, ...] = ()
    """Why searches stopped short, each naming its search (empty when every search finished)."""
    hash_bits: int = 0
    """The largest hash table the searches used (`-w`), after any growth."""

    def main(self, variant: str = LAB) -> SpinRun:
        """The error-free safety search of `variant`: its figures are the state count."""
        return next(r for r in self.runs if r.variant == variant)

    @property
    def complete(self) -> bool:
        """Every search covered the whole state space (never with -DBITSTATE, never when pan
        warned that a search stopped short)."""
        return all(run.complete for run in self.runs) and not self.reasons

    @property
    def passed(self) -> bool:
        """Complete, and every property Spin decides holds."""
        return self.complete and all(p.holds for p in self.properties)

    def to_json(self) -> dict[str, Any]:
        """The figures, every verdict with its trace, and what this engine leaves out; trace
        steps have the shape of `ehttp check --json`'s (action, state, text)."""
        main = self.main()
        state_to_json = WorldModel(self.lab).state_to_json

        def prop(p: SpinProperty) -> dict[str, Any]:
            return {
                "id": p.name,
                "kind": p.kind,
                "requirements": list(p.requirements),
                "verdict": p.verdict,
                "holds": p.holds,
                "variant": p.variant,
                "trace": [
                    {"action": s.action, "state": state_to_json(s.state), "text": s.text}
                    for s in p.trace
                ],
            }

        return {
            "engine": "spin",
            "spin": self.version,
            "lab": self.lab.name,
            "clients": len(self.lab.clients),
            "states": main.states,
            "transitions": main.transitions,
            "counts_rounded": any(r.rounded for r in self.runs),
            "diameter": main.depth,
            "seconds": round(self.seconds, 3),
            "complete": self.complete,
            "incomplete_reasons": list(self.reasons),
            "bitstate": self.bitstate,
            "hash_bits": self.hash_bits,
            "cores": self.cores,
            "variants": [
                {"variant": r.variant, "states": r.states, "transitions": r.transitions}
                for r in self.runs
                if r.purpose == "safety"
            ],
            "properties": [prop(p) for p in self.properties],
            "not_checked": [prop(p) for p in self.not_checked],
        }


def same_to_pan_digits(pan: int, exact: int) -> bool:
    """Whether a count pan printed in `%g` form, to eight significant digits, is `exact`
    rounded so (`SpinRun.rounded`)."""
    return f"{exact:.7e}" == f"{pan:.7e}"


def differences(spin: SpinReport, native: LabCheck) -> list[str]:
    """Where Spin and ehttp's own checker (run without symmetry reduction) disagree.

    Compared: each variant's states and transitions (unless ehttp stopped that variant once
    every witness was found, "decided": its figures are then what it explored; to pan's eight
    significant digits when pan printed them in `%g` form, `SpinRun.rounded`), the diameter,
    and for every property Spin decides its verdict and the length of its witness or
    counterexample. Each difference names both figures; an empty list means they agree.
    """
    found: list[str] = []
    if native.main.symmetry:
        found.append("ehttp's figures are symmetry-reduced; run it with symmetry=False")
    for variant in native.variants:
        ours = variant.result
        theirs = next((r for r in spin.runs if r.variant == variant.variant), None)
        if theirs is None or ours.stopped_reason == "decided":
            continue
        for what, a, b in (
            ("states", theirs.states, ours.states),
            ("transitions", theirs.transitions, ours.transitions),
        ):
            if a != b and not (theirs.rounded and same_to_pan_digits(a, b)):
                found.append(f"{variant.variant}: {what}: Spin {a:,}, ehttp {b:,}")
    main = spin.main()
    if main.depth != native.main.diameter:
        found.append(f"lab: diameter: Spin {main.depth}, ehttp {native.main.diameter}")
    by_name = {(variant, p.name): p for variant, p in native.properties}
    for prop in spin.properties:
        other = by_name.get((prop.variant, prop.name))
        if other is None:
            found.append(f"{prop.name}: Spin judged it, ehttp has no such property")
            continue
        if prop.verdict != other.verdict:
            found.append(f"{prop.name}: verdict: Spin {prop.verdict}, ehttp {other.verdict}")
        length = len(other.trace) - 1 if other.trace else None
        if prop.length != length:
            found.append(f"{prop.name}: trace length: Spin {prop.length}, ehttp {length}")
    return found
