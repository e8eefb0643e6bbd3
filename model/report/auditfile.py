"""Reading `ehttp audit --json` output for the report's "property strength" section.

The audit runs every property against every mutant of the declarations, which takes minutes on
a lab of 30,000 worlds; the report reads its saved result instead of running it again (as it
reads a fuzz campaign's). The file comes from the user: it is read up to `MAX_AUDIT_BYTES`, its
``command`` must be ``audit`` and its ``lab`` the report's lab, and only the figures the section
shows are kept, each checked. Anything else is a `ReportError` naming the key, the value and what
is accepted (one line, exit 2 at the command).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ehttp.config.schema import Lab
from ehttp.report.errors import ReportError
from ehttp.report.savedfile import not_accepted, read_saved_json

__all__ = ["read_audit"]

_HINT = "give the output of `ehttp audit --json`"


def _fail(key: str, value: object, accepted: str) -> ReportError:
    return not_accepted("--audit", key, value, accepted)


def _text(entry: dict[str, Any], key: str, where: str, *, none: bool = False) -> str | None:
    value = entry.get(key)
    if value is None and none:
        return None
    if not isinstance(value, str):
        raise _fail(f"{where}.{key}", value, "give a string")
    return value


def _count(entry: dict[str, Any], key: str, where: str) -> int:
    value = entry.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(f"{where}.{key}", value, "give a whole number >= 0")
    return value


def _list(entry: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = entry.get(key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _fail(key, value, "give a list of objects")
    return value


def read_audit(path: Path, lab: Lab) -> dict[str, Any]:
    """The audit in ``path``, checked: ``kill_ratio``, ``killed``, ``counted``, ``passed``,
    ``properties`` (key, kind, killed, example) and ``survivors`` (id, change, behaviour, and the
    seed sentence when the seed leaves it open)."""
    document = read_saved_json(path, "--audit", _HINT)
    if not isinstance(document, dict) or document.get("command") != "audit":
        found = document.get("command") if isinstance(document, dict) else document
        raise _fail("command", found, _HINT)
    if document.get("lab") != lab.name:
        raise _fail("lab", document.get("lab"), f"give an audit of lab {lab.name!r}")
    if not document.get("complete"):
        raise _fail("complete", document.get("complete"), "give a complete audit")
    ratio = document.get("kill_ratio")
    if isinstance(ratio, bool) or not isinstance(ratio, int | float) or not 0 <= ratio <= 1:
        raise _fail("kill_ratio", ratio, "give a number from 0 to 1")
    properties = []
    for entry in _list(document, "properties"):
        example = entry.get("example")
        if example is not None and not (
            isinstance(example, dict) and isinstance(example.get("mutant"), str)
        ):
            raise _fail("properties.example", example, "give null or {mutant, length}")
        variant = _text(entry, "variant", "properties")
        name = _text(entry, "id", "properties")
        properties.append(
            {
                "key": name if variant == "lab" else f"{name} [{variant}]",
                "kind": _text(entry, "kind", "properties"),
                "killed": _count(entry, "killed", "properties"),
                "example": None if example is None else example["mutant"],
                "length": None if example is None else example.get("length"),
            }
        )
    survivors = [
        {
            "id": _text(entry, "id", "mutants"),
            "change": _text(entry, "change", "mutants"),
            "behaviour": _text(entry, "behaviour", "mutants", none=True),
            "sentence": _text(entry, "unconstrained", "mutants", none=True),
        }
        for entry in _list(document, "mutants")
        if entry.get("status") == "survived" and entry.get("same_as") is None
    ]
    return {
        "kill_ratio": float(ratio),
        "killed": _count(document, "killed", "audit"),
        "counted": _count(document, "counted", "audit"),
        "passed": document.get("passed") is True,
        "properties": properties,
        "survivors": survivors,
    }
