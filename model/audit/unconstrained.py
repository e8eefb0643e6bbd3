"""Survivors the seed truly leaves open: `specs/unconstrained.toml`.

A mutant that no property kills shows behaviour the specification does not pin down. Where the
seed itself leaves that behaviour open, the survivor is listed with the seed sentence that leaves
it open (quoted verbatim from `specs/source/enhanced-http.md`) and why; a listed survivor does not
count against the kill ratio. Anything else that survives is a gap in the properties.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

__all__ = ["LISTED", "Survivor", "UnconstrainedError", "load_unconstrained"]

_SPECS = Path(str(resources.files("model").joinpath("specs")))
LISTED = _SPECS / "unconstrained.toml"
_SEED = _SPECS / "source" / "enhanced-http.md"


class UnconstrainedError(ValueError):
    """`specs/unconstrained.toml` is malformed; the message names the entry and the field."""


@dataclass(frozen=True)
class Survivor:
    """A mutant the seed leaves open (its ID and the change it makes, which must match what the
    audit derives), the sentence that leaves it open, and why."""

    mutant: str
    change: str
    sentence: str
    why: str


def _field(number: int, entry: dict[str, object], name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise UnconstrainedError(
            f"{LISTED.name}: survivor {number}: {name}: {value!r} is not accepted; "
            "give a non-empty string"
        )
    return value


def load_unconstrained(path: Path = LISTED) -> tuple[Survivor, ...]:
    """Every listed survivor; each sentence must occur verbatim in the seed."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise UnconstrainedError(f"{path.name}: {error}") from None
    seed = " ".join(_SEED.read_text(encoding="utf-8").split())
    entries = data.get("survivor", [])
    if not isinstance(entries, list):
        raise UnconstrainedError(f"{path.name}: survivor: give a list of [[survivor]] tables")
    found: list[Survivor] = []
    for number, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise UnconstrainedError(f"{path.name}: survivor {number}: give a table")
        unknown = sorted(set(entry) - {"mutant", "change", "sentence", "why"})
        if unknown:
            raise UnconstrainedError(
                f"{path.name}: survivor {number}: {unknown[0]!r} is not accepted; "
                "use mutant, change, sentence, why"
            )
        survivor = Survivor(
            _field(number, entry, "mutant"),
            _field(number, entry, "change"),
            _field(number, entry, "sentence"),
            _field(number, entry, "why"),
        )
        if " ".join(survivor.sentence.split()) not in seed:
            raise UnconstrainedError(
                f"{path.name}: survivor {number}: sentence {survivor.sentence!r} does not occur "
                "in specs/source/enhanced-http.md; quote the seed verbatim"
            )
        found.append(survivor)
    return tuple(found)
