"""Lab files: TOML text in, a validated `model.config.schema.Lab` out, and back again.

The keys and their values are the ones the seed's "Prerequisites", "Configure the site" and
"Scenarios" sections talk about (site version, client communication, the enhanced HTTP option, the
management and distribution point "General" tab settings, and each client's identity, Windows 10
build, certificate, network and signed-in user). Every mistake in a user's file becomes a
`LabError` whose text is one line naming the file, the key path, the value and what is accepted.

Key paths count array entries from zero: ``clients[1]`` is the second ``[[clients]]`` table.

Modeling assumption: site system and client names are host names (letters, digits and hyphens),
unique across the lab ignoring case, because the concrete lab issues certificates that name them
and DNS names are case-insensitive. The documents say nothing about names.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime, time
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import ErrorDetails

from model.config.schema import (
    Client,
    ClientCommunication,
    Connections,
    DistributionPoint,
    Join,
    Lab,
    ManagementPoint,
    Network,
    Site,
    Version,
)

__all__ = [
    "WINDOWS_BUILDS",
    "LabError",
    "default_lab",
    "lab_to_toml",
    "load_lab",
    "parse_lab",
]

WINDOWS_BUILDS: tuple[str, ...] = ("1507", "1511", "1607", "1703", "1709", "1803", "1809")
"""Windows 10 versions before 1903 by name; any later four-digit year-month is accepted too."""

_LAST_LISTED_BUILD = 1809
_NAME_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"
_NAME_RULE = "use a host name: 1 to 63 letters, digits and hyphens, not starting or ending with '-'"
_WINDOWS_RULE = (
    "use a quoted Windows 10 version: "
    + ", ".join(WINDOWS_BUILDS)
    + " or a later year-month such as '1903'"
)
_MAX_SHOWN = 40


class LabError(ValueError):
    """A lab file that can't be used; ``str()`` is one line: file, key path, value, what to do."""


def _windows_build(value: str) -> str:
    """Accept the named Windows 10 versions and any later four-digit YYMM (month 01 to 12)."""
    if value in WINDOWS_BUILDS:
        return value
    yymm = re.fullmatch(r"\d{4}", value) is not None
    if yymm and 1 <= int(value[2:]) <= 12 and int(value) > _LAST_LISTED_BUILD:
        return value
    raise ValueError(_WINDOWS_RULE)


HostName = Annotated[str, StringConstraints(pattern=_NAME_PATTERN)]
WindowsBuild = Annotated[str, AfterValidator(_windows_build)]


class _Table(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class _SiteTable(_Table):
    version: Version
    client_communication: ClientCommunication
    enhanced_http: bool
    prerelease_features: bool
    azure_ad_onboarded: bool
    azure_ad_app_updated: bool
    cloud_management_gateway: bool


class _ManagementPointTable(_Table):
    name: HostName = Field(description=_NAME_RULE)
    connections: Connections


class _DistributionPointTable(_Table):
    name: HostName = Field(description=_NAME_RULE)
    connections: Connections
    allow_anonymous: bool
    network_access_account: bool


class _ClientTable(_Table):
    name: HostName = Field(description=_NAME_RULE)
    join: Join
    windows: WindowsBuild = Field(description=_WINDOWS_RULE)
    pki_certificate: bool
    network: Network
    user_signed_in: bool
    task_sequence: bool = False


class _LabTable(_Table):
    name: str | None = Field(
        default=None,
        min_length=1,
        pattern=r"^[^\x00-\x1f\x7f]+$",
        description="use a non-empty line of text",
    )
    site: _SiteTable = Field(description="use one [site] table")
    management_points: list[_ManagementPointTable] = Field(
        min_length=1, description="use one or more [[management_points]] tables"
    )
    distribution_points: list[_DistributionPointTable] = Field(
        default_factory=list, description="use zero or more [[distribution_points]] tables"
    )
    clients: list[_ClientTable] = Field(
        min_length=1, description="use one or more [[clients]] tables"
    )


_SECTIONS: dict[str, type[_Table]] = {
    "site": _SiteTable,
    "management_points": _ManagementPointTable,
    "distribution_points": _DistributionPointTable,
    "clients": _ClientTable,
}


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


def _accepted(model: type[_Table], key: str, given: object = None) -> str:
    """What a key accepts, from its declaration: enumerations and booleans speak for themselves.

    An enumeration given something other than text (``version = 1806``) is told to quote it.
    """
    field = model.model_fields[key]
    annotation = field.annotation
    if get_origin(annotation) is Literal:
        quoted = "" if given is None or isinstance(given, str) else " (as quoted text)"
        return "use one of " + ", ".join(str(choice) for choice in get_args(annotation)) + quoted
    if annotation is bool:
        return "use true or false"
    return field.description or ""


def _keys(model: type[_Table]) -> str:
    return ", ".join(model.model_fields)


def _describe(error: ErrorDetails) -> str:
    """One pydantic error as '<key path>: <value> is not accepted; <what is accepted>'."""
    loc = tuple(error["loc"])
    parent: type[_Table]
    if len(loc) == 1 or isinstance(loc[-1], int):
        parent, key = _LabTable, str(loc[0])
    else:
        parent, key = _SECTIONS[str(loc[0])], str(loc[-1])
    path = _path(loc)
    if error["type"] == "extra_forbidden":
        return f"{path}: unknown key; accepted keys are {_keys(parent)}"
    if error["type"] == "missing":
        return f"{path}: missing; {_accepted(parent, key)}"
    given = error["input"]
    return f"{path}: {_show(given)} is not accepted; {_accepted(parent, key, given)}"


def _duplicate_name(table: _LabTable) -> str | None:
    sections: dict[str, Sequence[_ManagementPointTable | _DistributionPointTable | _ClientTable]]
    sections = {
        "management_points": table.management_points,
        "distribution_points": table.distribution_points,
        "clients": table.clients,
    }
    names = [
        (f"{section}[{index}]", row.name)
        for section, rows in sections.items()
        for index, row in enumerate(rows)
    ]
    seen: set[str] = set()
    for where, name in names:
        if name.casefold() in seen:
            return f"{where}.name: {name!r} is used twice; names must be unique"
        seen.add(name.casefold())
    return None


def _to_lab(table: _LabTable, default_name: str) -> Lab:
    return Lab(
        name=table.name if table.name is not None else default_name,
        site=Site(**table.site.model_dump()),
        management_points=tuple(
            ManagementPoint(**row.model_dump()) for row in table.management_points
        ),
        distribution_points=tuple(
            DistributionPoint(**row.model_dump()) for row in table.distribution_points
        ),
        clients=tuple(Client(**row.model_dump()) for row in table.clients),
    )


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
        data: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LabError(f"{source}: {_toml_error(error)}") from None
    if not data:
        what = "is empty" if not text.strip() else "holds only comments"
        raise LabError(
            f"{source}: the file {what}; a lab needs [site], [[management_points]] and [[clients]]"
        )
    try:
        table = _LabTable.model_validate(data)
    except ValidationError as error:
        raise LabError(f"{source}: {_describe(error.errors()[0])}") from None
    duplicate = _duplicate_name(table)
    if duplicate is not None:
        raise LabError(f"{source}: {duplicate}")
    return _to_lab(table, Path(source).stem)


def load_lab(path: Path | None) -> Lab:
    """Read a lab file, or the embedded default lab when ``path`` is None. Raises `LabError`."""
    if path is None:
        return default_lab()
    try:
        text = path.read_bytes().decode("utf-8")
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
    """The embedded default lab, ``model/default_lab.toml``: the seed's recommended 1806 site."""
    text = resources.files("model.config").joinpath("default_lab.toml").read_text(encoding="utf-8")
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
