"""What Spin reports beside ehttp's own checker: counts pan prints in `%g` form (from 10**8 on,
eight significant digits) are compared and printed as what they are."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ehttp.cli.check import render_spin_text
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.promela import export_promela
from ehttp.compose.spin_report import (
    SpinProperty,
    SpinReport,
    SpinRun,
    differences,
    same_to_pan_digits,
)
from ehttp.config.labfile import load_lab

LAB = Path(__file__).resolve().parents[2] / "specs" / "labs" / "site-1802.toml"

BIG = 271_025_779
"""Transitions of the default lab at 8 clients, unreduced: pan printed them as 2.7102578e+08."""


def test_a_count_to_eight_significant_digits_matches_only_its_own_rounding() -> None:
    assert same_to_pan_digits(271_025_780, BIG)
    assert same_to_pan_digits(BIG, BIG)
    assert not same_to_pan_digits(271_025_880, BIG)
    assert not same_to_pan_digits(211, 210)


def _native_with_big_counts() -> LabCheck:
    native = run_checks(load_lab(LAB), symmetry=False)
    variants = tuple(
        replace(v, result=replace(v.result, transitions=BIG + i))
        for i, v in enumerate(native.variants)
    )
    return replace(native, variants=variants)


def _spin(native: LabCheck, *, rounded: bool, transitions: int) -> SpinReport:
    lab = native.lab
    runs = tuple(
        SpinRun(
            v.variant,
            "safety",
            v.result.states,
            transitions if v.variant == "lab" else v.result.transitions,
            v.result.diameter,
            1.0,
            True,
            None,
            rounded,
        )
        for v in native.variants
    )
    variant, prop = native.properties[0]
    judged = (SpinProperty(variant, prop.name, "always", (), prop.verdict, prop.trace),)
    return SpinReport(lab, export_promela(lab), runs, judged, (), 1.0, 1.0, False, 1, "Spin 6.5.2")


def test_a_rounded_count_differs_only_beyond_pans_digits() -> None:
    native = _native_with_big_counts()
    assert differences(_spin(native, rounded=True, transitions=271_025_780), native) == []
    assert differences(_spin(native, rounded=False, transitions=271_025_780), native) == [
        "lab: transitions: Spin 271,025,780, ehttp 271,025,779"
    ]
    assert differences(_spin(native, rounded=True, transitions=271_025_880), native) == [
        "lab: transitions: Spin 271,025,880, ehttp 271,025,779"
    ]


def test_the_text_says_when_pan_rounded_its_counts() -> None:
    native = _native_with_big_counts()
    note = "exact to eight significant digits only"
    rounded = _spin(native, rounded=True, transitions=271_025_780)
    assert note in render_spin_text(rounded)
    assert rounded.to_json()["counts_rounded"] is True
    exact = _spin(native, rounded=False, transitions=BIG)
    assert note not in render_spin_text(exact)
    assert exact.to_json()["counts_rounded"] is False
