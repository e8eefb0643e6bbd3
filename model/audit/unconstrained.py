"""Survivors the seed truly leaves open: `specs/unconstrained.toml`.

A mutant that no property kills shows behaviour the specification does not pin down. Where the
seed itself leaves that behaviour open, the survivor is listed with the seed sentence that leaves
it open (quoted verbatim from `specs/source/enhanced-http.md`) and why; a listed survivor does not
count against the kill ratio. Anything else that survives is a gap in the properties.

An entry names its mutant by the declaration's own words, not by a row's position: the machine
and the kind of change; for a row its name, event (`on`), sources and destination (and a
redirect's `target`); for a deadline its `state` (see `model/audit/mutants.py` `Where`). An entry
that matches no mutant of the declarations is stale (the row was renamed or removed) and is an
error: `match_unconstrained` says which.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from ehttp.audit.mutants import KINDS, Mutant, Where
from ehttp.shipped import specs_folder

__all__ = [
    "LISTED",
    "Survivor",
    "UnconstrainedError",
    "load_unconstrained",
    "match_unconstrained",
]

_SPECS = specs_folder()
LISTED = _SPECS / "unconstrained.toml"
_SEED = _SPECS / "source" / "enhanced-http.md"
_ROW_FIELDS = ("row", "on", "source", "dest", "target")
_FIELDS = ("machine", "kind", *_ROW_FIELDS, "state", "sentence", "why")


class UnconstrainedError(ValueError):
    """`specs/unconstrained.toml` is malformed or stale; the message names the entry and field."""


@dataclass(frozen=True)
class Survivor:
    """A mutant the seed leaves open (named by what it changes), the sentence that leaves it
    open, and why."""

    where: Where
    sentence: str
    why: str
    number: int = 0
    """The entry's position in the file (1 for the first), for messages."""

    @property
    def label(self) -> str:
        """The entry as a reader finds it in the file."""
        w = self.where
        named = f"row {w.row!r}" if w.row is not None else f"state {w.state!r}"
        return f"survivor {self.number} ({w.machine}, {named}, {w.kind})"


def _text(path: Path, number: int, entry: dict[str, object], name: str) -> str:
    value = entry.get(name)
    if not isinstance(value, str) or not value.strip():
        raise UnconstrainedError(
            f"{path.name}: survivor {number}: {name}: {value!r} is not accepted; "
            "give a non-empty string"
        )
    return value


def _optional(path: Path, number: int, entry: dict[str, object], name: str) -> str | None:
    return _text(path, number, entry, name) if name in entry else None


def _where(path: Path, number: int, entry: dict[str, object]) -> Where:
    kind = _text(path, number, entry, "kind")
    if kind not in KINDS:
        raise UnconstrainedError(
            f"{path.name}: survivor {number}: kind: {kind!r} is not accepted; "
            f"use one of {', '.join(KINDS)}"
        )
    machine = _text(path, number, entry, "machine")
    if kind.startswith("deadline"):
        extra = sorted(set(entry) & set(_ROW_FIELDS))
        if extra:
            raise UnconstrainedError(
                f"{path.name}: survivor {number}: {extra[0]!r} is not accepted for a deadline; "
                "name its state"
            )
        return Where(machine, kind, state=_text(path, number, entry, "state"))
    if "state" in entry:
        raise UnconstrainedError(
            f"{path.name}: survivor {number}: 'state' is not accepted for a row; "
            "use row, on, source, dest"
        )
    source = entry.get("source")
    if not isinstance(source, list) or not source or not all(isinstance(s, str) for s in source):
        raise UnconstrainedError(
            f"{path.name}: survivor {number}: source: {source!r} is not accepted; "
            "give the row's source states as a list of strings"
        )
    target = _optional(path, number, entry, "target")
    if (kind == "redirect") != (target is not None):
        raise UnconstrainedError(
            f"{path.name}: survivor {number}: target: give it for a redirect, and only then"
        )
    return Where(
        machine,
        kind,
        _text(path, number, entry, "row"),
        _optional(path, number, entry, "on"),
        tuple(cast(list[str], source)),
        _text(path, number, entry, "dest"),
        None,
        target,
    )


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
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown:
            raise UnconstrainedError(
                f"{path.name}: survivor {number}: {unknown[0]!r} is not accepted; "
                f"use {', '.join(_FIELDS)}"
            )
        survivor = Survivor(
            _where(path, number, entry),
            _text(path, number, entry, "sentence"),
            _text(path, number, entry, "why"),
            number,
        )
        if " ".join(survivor.sentence.split()) not in seed:
            raise UnconstrainedError(
                f"{path.name}: survivor {number}: sentence {survivor.sentence!r} does not occur "
                "in specs/source/enhanced-http.md; quote the seed verbatim"
            )
        found.append(survivor)
    return tuple(found)


def match_unconstrained(
    survivors: Iterable[Survivor], mutants: Iterable[Mutant]
) -> Mapping[Where, Survivor]:
    """Each listed survivor by what it changes; `mutants` are every mutant of the declarations
    (redirects not sampled). An entry that matches none of them is stale, and an error."""
    derived = {m.where for m in mutants}
    listed: dict[Where, Survivor] = {}
    for survivor in survivors:
        if survivor.where not in derived:
            raise UnconstrainedError(
                f"{LISTED.name}: {survivor.label} matches no mutant of the declarations "
                "(renamed or removed row?); fix or remove the entry"
            )
        if survivor.where in listed:
            raise UnconstrainedError(
                f"{LISTED.name}: {survivor.label} lists the same mutant as "
                f"{listed[survivor.where].label}; keep one"
            )
        listed[survivor.where] = survivor
    return listed
