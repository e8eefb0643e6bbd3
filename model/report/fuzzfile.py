"""Reading `ehttp fuzz --json` output for the report: bounded, shape-checked, of the same lab.

The file comes from the user, so nothing in it reaches the page unchecked: it is read up to
`MAX_FUZZ_BYTES`, JSON nested past the parser's depth is refused, its ``lab`` must be the report's
lab, and only ``coverage``'s numbers are kept (whole counts, a finite fraction from 0 to 1, at
most `MAX_TIMELINE` finite ``[seconds, reached]`` points). Anything else is a `ReportError`
naming the key, the value and what is accepted (one line, exit 2 at the command).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from ehttp.config.schema import Lab
from ehttp.report.errors import ReportError
from ehttp.report.savedfile import not_accepted, read_saved_json

__all__ = ["MAX_TIMELINE", "read_fuzz"]

MAX_TIMELINE = 100_000


def _fail(key: str, value: object, accepted: str) -> ReportError:
    return not_accepted("--fuzz", key, value, accepted)


def _count(coverage: dict[str, Any], key: str) -> int:
    value = coverage.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"coverage.{key}", value, "give a whole number >= 0")
    return value


def _number(value: object, key: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(key, value, f"give a number from {low:g} to {high:g}")
    number = float(value)
    if not (math.isfinite(number) and low <= number <= high):
        raise _fail(key, value, f"give a number from {low:g} to {high:g}")
    return number


def read_fuzz(path: Path, lab: Lab) -> dict[str, Any]:
    """The coverage of the campaign in ``path``, checked, as ``{"coverage": {...}}``."""
    document = read_saved_json(path, "--fuzz", "give the output of `ehttp fuzz --json`")
    if not isinstance(document, dict) or not isinstance(document.get("coverage"), dict):
        raise ReportError(
            f"--fuzz: {path} has no coverage object; give the output of `ehttp fuzz --json` "
            "(a campaign, not a replay or a hostile run)"
        )
    if "lab" in document and document["lab"] != lab.name:
        raise _fail("lab", document["lab"], f"give a fuzz file of lab {lab.name!r}")
    coverage = document["coverage"]
    reached, reachable = _count(coverage, "reached"), _count(coverage, "reachable")
    fraction = _number(coverage.get("fraction"), "coverage.fraction", 0.0, 1.0)
    timeline = coverage.get("timeline")
    if not isinstance(timeline, list) or not 0 < len(timeline) <= MAX_TIMELINE:
        raise _fail("coverage.timeline", timeline, f"give 1 to {MAX_TIMELINE:,} points")
    points: list[list[float]] = []
    for number, point in enumerate(timeline):
        if not isinstance(point, list) or len(point) != 2:
            raise _fail(f"coverage.timeline[{number}]", point, "give [seconds, reached]")
        at = _number(point[0], f"coverage.timeline[{number}][0]", 0.0, 1e9)
        count = _number(point[1], f"coverage.timeline[{number}][1]", 0.0, 1e12)
        points.append([at, count])
    seed = document.get("seed")
    return {
        "lab": lab.name,
        "seed": seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        "coverage": {
            "reached": reached,
            "reachable": reachable,
            "fraction": fraction,
            "timeline": points,
        },
    }
