"""Lab files: TOML text in, a validated `ehttp.config.schema.Lab` out, and back again.

The keys and their values are the ones the seed's "Prerequisites", "Configure the site" and
"Scenarios" sections talk about (site version, client communication, the enhanced HTTP option, the
management and distribution point "General" tab settings, and each client's identity, Windows 10
build, certificate, network and signed-in user). Every mistake in a user's file becomes a
`LabError` whose text is one line naming the file, the key path, the value and what is accepted.
The keys, their types and constraints are the dataclasses of `model/config/schema.py`, validated by
pydantic's `TypeAdapter`; this module reads the TOML and words the first error.

Key paths count array entries from zero: ``clients[1]`` is the second ``[[clients]]`` table.

A lab file is read only up to `MAX_LAB_BYTES` (a device such as ``/dev/zero`` or a huge file is
refused without being read whole), and TOML nested deeper than `ehttp.readlimits.MAX_DEPTH` or
holding a bare value (a number, say) longer than `ehttp.readlimits.MAX_BARE` characters is refused
before it is parsed, like any other mistake; so is a lab with more clients, management points or
distribution points than `ehttp.config.schema.LAB_BOUNDS` allows. Lab names (the top-level
``name``) may be any text; `file_stem` turns one into a file name (letters, digits, ``-``, ``_``
and ``.``; no path separators, no leading dot).

Modeling assumption A-14: site system and client names are host names (letters, digits and
hyphens), unique across the lab ignoring case, because the concrete lab issues certificates that
name them and DNS names are case-insensitive. The documents say nothing about names.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import fields, replace
from datetime import date, datetime, time
from difflib import get_close_matches
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin, get_type_hints

from pydantic import TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails

from ehttp.config.schema import (
    LAB_BOUNDS,
    SITE_INSTANCES,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
    Site,
    at_least,
)
from ehttp.readlimits import TooLarge, load_toml

__all__ = [
    "MAX_LAB_BYTES",
    "LabError",
    "default_lab",
    "file_stem",
    "lab_to_toml",
    "load_lab",
    "parse_lab",
]

_MAX_SHOWN = 40
_LAB = TypeAdapter(Lab)
_SECTIONS: dict[str, type[Site | ManagementPoint | DistributionPoint | Client]] = {
    "site": Site,
    "management_points": ManagementPoint,
    "distribution_points": DistributionPoint,
    "clients": Client,
}
"""The dataclass each of the lab's tables is read into."""


class LabError(ValueError):
    """A lab file that can't be used; ``str()`` is one line: file, key path, value, what to do."""


def _path(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _show(value: object) -> str:
    """A value as the user wrote it, kept short and on one line."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        if value and all(isinstance(item, dict) for item in value):
            return "an array of tables"
        return "an empty array" if not value else "an array"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    shown = repr(value)
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 1] + "…"
    return shown


def _accepted(table: type, key: str, given: object = None) -> str:
    """What a key accepts, from its declaration: enumerations and booleans speak for themselves,
    other constraints by their description.

    An enumeration given something other than text (``version = 1806``) is told to quote it.
    """
    annotation = get_type_hints(table, include_extras=True)[key]
    metadata: tuple[object, ...] = ()
    if get_origin(annotation) is Annotated:
        annotation, *rest = get_args(annotation)
        metadata = tuple(rest)
    if get_origin(annotation) is Literal:
        quoted = "" if given is None or isinstance(given, str) else " (as quoted text)"
        return "use one of " + ", ".join(str(choice) for choice in get_args(annotation)) + quoted
    if annotation is bool:
        return "use true or false"
    described = [m.description for m in metadata if isinstance(m, FieldInfo) and m.description]
    return described[0] if described else ""


def _keys(table: type[Any]) -> str:
    return ", ".join(field.name for field in fields(table))


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as '<key path>: <value> is not accepted; <what is accepted>'."""
    loc = tuple(error["loc"])
    table: type[Any]
    if len(loc) == 1 or isinstance(loc[-1], int):
        table, key = Lab, str(loc[0])
    else:
        table, key = _SECTIONS[str(loc[0])], str(loc[-1])
    path = _path(loc)
    if error["type"] == "unexpected_keyword_argument":
        close = get_close_matches(key, [field.name for field in fields(table)], n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return f"{path}: unknown key; {hint}accepted keys are {_keys(table)}"
    if error["type"] == "missing":
        return f"{path}: missing; {_accepted(table, key)}"
    given = error["input"]
    return f"{path}: {_show(given)} is not accepted; {_accepted(table, key, given)}"


def _first_error(errors: list[ErrorDetails]) -> ErrorDetails:
    """The error to report: a misspelled key before the key it was meant to be, which then reads
    as missing (`verison = "1806"` is named, with "did you mean 'version'?", not `version`
    reported missing); otherwise the first, as pydantic orders them."""
    unknown = [e for e in errors if e["type"] == "unexpected_keyword_argument"]
    return unknown[0] if unknown else errors[0]


def _name_mistake(lab: Lab) -> str | None:
    """A site system or client named like another, or like one of the site's own instances."""
    sections: dict[str, tuple[ManagementPoint | DistributionPoint | Client, ...]] = {
        "management_points": lab.management_points,
        "distribution_points": lab.distribution_points,
        "clients": lab.clients,
    }
    seen: set[str] = set()
    for section, rows in sections.items():
        for index, row in enumerate(rows):
            if row.name.casefold() in SITE_INSTANCES:
                return (
                    f"{section}[{index}].name: {row.name!r} is the name of one of the site's "
                    f"own instances; use a name other than {', '.join(SITE_INSTANCES)}"
                )
            if row.name.casefold() in seen:
                return f"{section}[{index}].name: {row.name!r} is used twice; names must be unique"
            seen.add(row.name.casefold())
    return None


def _toml_error(error: tomllib.TOMLDecodeError) -> str:
    text = str(error)
    found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", text)
    if found:
        reason, line, column = found.groups()
        where = f" (line {line}, column {column})"
    elif text.endswith(" (at end of document)"):
        reason, where = text.removesuffix(" (at end of document)"), " (at the end of the file)"
    else:
        reason, where = text, ""
    return f"not valid TOML{where}: {reason[:1].lower()}{reason[1:]}"


def parse_lab(text: str, source: str) -> Lab:
    """Parse and validate a lab file's text; ``source`` names the file in messages.

    Without a top-level ``name`` the lab is named after the file's stem. Raises `LabError`.
    """
    try:
        data: dict[str, Any] = load_toml(text)
    except TooLarge as error:
        raise LabError(f"{source}: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise LabError(f"{source}: {_toml_error(error)}") from None
    if not data:
        what = "is empty" if not text.strip() else "holds only comments"
        raise LabError(
            f"{source}: the file {what}; a lab needs [site], [[management_points]] and [[clients]]"
        )
    size = _size_mistake(data)
    if size is not None:
        raise LabError(f"{source}: {size}")
    # A file may leave out its name (the file's stem is used, unchecked) and its distribution
    # points (none); the schema itself has no defaults for them.
    given = {"distribution_points": [], **data, "name": data.get("name", "unnamed")}
    try:
        lab = _LAB.validate_python(given)
    except ValidationError as error:
        raise LabError(f"{source}: {_describe(_first_error(error.errors()))}") from None
    named = _name_mistake(lab)
    if named is not None:
        raise LabError(f"{source}: {named}")
    option = _option_mistake(lab)
    if option is not None:
        raise LabError(f"{source}: {option}")
    return lab if "name" in data else replace(lab, name=Path(source).stem)


def _size_mistake(data: dict[str, Any]) -> str | None:
    """More tables of a kind than `LAB_BOUNDS` allows, counted before they are validated."""
    for section, most in LAB_BOUNDS.items():
        given = data.get(section)
        if isinstance(given, list) and len(given) > most:
            return (
                f"{section}: {len(given):,} [[{section}]] tables are not accepted; give at most "
                f"{most}: each one multiplies the state space about 4.5 times"
            )
    return None


def _option_mistake(lab: Lab) -> str | None:
    """Enhanced HTTP set on a site without the option (SITE-3: 1806 with pre-release features)."""
    site = lab.site
    if site.enhanced_http and not (at_least(site.version, "1806") and site.prerelease_features):
        return (
            f"site.enhanced_http: true is not accepted for version {site.version} with "
            f"prerelease_features = {str(site.prerelease_features).lower()}; enhanced HTTP "
            "needs version 1806 with prerelease_features = true"
        )
    return None


MAX_LAB_BYTES = 1_048_576
"""The largest lab file read (1 MiB; the example labs are about 1.5 KB)."""


def file_stem(name: str) -> str:
    """``name`` as a file name stem: each run of other characters becomes ``_``, leading dots
    and underscores go, at most 64 characters; ``lab`` when nothing is left."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", name).lstrip("._")[:64]
    return stem or "lab"


def load_lab(path: Path | None) -> Lab:
    """Read a lab file, or the embedded default lab when ``path`` is None. Raises `LabError`."""
    if path is None:
        return default_lab()
    try:
        with path.open("rb") as file:
            data = file.read(MAX_LAB_BYTES + 1)
        if len(data) > MAX_LAB_BYTES:
            raise LabError(
                f"{path}: larger than {MAX_LAB_BYTES:,} bytes; a lab file is a few KB of TOML"
            )
        text = data.decode("utf-8")
    except OSError as error:
        raise LabError(f"{path}: cannot read the file ({error.strerror or error})") from None
    except UnicodeDecodeError as error:
        raise LabError(
            f"{path}: not UTF-8 text (byte 0x{error.object[error.start]:02x} "
            f"at offset {error.start}); save the file as UTF-8"
        ) from None
    return parse_lab(text, str(path))


@cache
def default_lab() -> Lab:
    """The embedded default lab, ``model/config/default_lab.toml``: the seed's recommended 1806
    site."""
    text = resources.files("ehttp.config").joinpath("default_lab.toml").read_text(encoding="utf-8")
    return parse_lab(text, "default_lab.toml")


def _toml_string(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(
        f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char for char in escaped
    )
    return f'"{escaped}"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _toml_string(str(value))


def _toml_table(header: str, row: Site | ManagementPoint | DistributionPoint | Client) -> list[str]:
    lines = [header]
    lines += [f"{field.name} = {_toml_value(getattr(row, field.name))}" for field in fields(row)]
    return [*lines, ""]


def lab_to_toml(lab: Lab) -> str:
    """A lab as lab-file text that `parse_lab` reads back to an equal `Lab`."""
    lines = [f"name = {_toml_string(lab.name)}", ""]
    lines += _toml_table("[site]", lab.site)
    for management_point in lab.management_points:
        lines += _toml_table("[[management_points]]", management_point)
    for distribution_point in lab.distribution_points:
        lines += _toml_table("[[distribution_points]]", distribution_point)
    for client in lab.clients:
        lines += _toml_table("[[clients]]", client)
    return "\n".join(lines).rstrip("\n") + "\n"
