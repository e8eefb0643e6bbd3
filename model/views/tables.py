"""The seed's two access tables, regenerated from the decision functions in
`model/machines/access.py`.

Implements "Technical details": "Client to management point communication" (MP-1, MP-2, MP-3,
REG-1, REG-2, REG-3, REG-6) and "Client to distribution point communication" (DP-1, DP-2, DP-3).
Nothing here knows which method goes in which cell: every cell is the decision function evaluated
over the modelled site versions (1706, 1802, 1806) with enhanced HTTP off and on, and each
method's condition (for example "Enhanced HTTP") is read off from where the function accepts it.
`table_json` evaluates the same functions for one site, in the shape DESIGN.md gives.

The modelled versions start at 1702, the version before 1706, so a method the seed marks "(version
1706)" shows that condition. Each cell keeps the seed's wording around its methods: "Yes, using one
of the following methods", "Yes for user scenarios, ...", and the HTTP management point's "No" with
its sentence "With Enhanced HTTP, the site verifies the user and/or device Azure AD token" (an Azure
AD user token and device token with one condition read as one "user and/or device token"). Within a
cell, methods come in the seed's order for that cell.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ehttp.config.schema import VERSIONS, Connections, Version
from ehttp.machines.access import (
    DP_TYPES,
    METHODS,
    MP_TYPES,
    DpType,
    Method,
    dp_authentication_methods,
    enhanced_in_effect,
    mp_client_authentication_methods,
    mp_client_package_methods,
    mp_location_request_methods,
    mp_registration_methods,
    mp_user_authorization_methods,
)

__all__ = [
    "DP_TYPE_LABELS",
    "METHOD_LABELS",
    "MP_CELLS",
    "MP_LEADS",
    "MP_TYPE_LABELS",
    "Cell",
    "Decision",
    "Entry",
    "cell_lines",
    "conditions_json",
    "derive_cell",
    "dp_cells",
    "mp_cells",
    "render_text",
    "table_json",
]

Decision = Callable[[Version, bool], frozenset[Method]]
"""A decision function with the site system type fixed: (site version, enhanced HTTP) -> methods."""

METHOD_LABELS: dict[Method, str] = {
    "anonymous-manual-approval": "Anonymous (manual approval)",
    "active-directory": "Active Directory domain",
    "azure-ad-device-token": "Azure AD device token",
    "azure-ad-user-token": "Azure AD user token",
    "pki-certificate": "PKI certificate",
    "network-access-account": "Windows authentication (network access account)",
    "content-access-token": "Content access token",
    "none": "No",
}
"""Each method in the seed's words."""

MP_TYPE_LABELS: dict[Connections, str] = {"http": "HTTP", "https": "HTTPS"}
DP_TYPE_LABELS: dict[DpType, str] = {
    "http-anonymous": "HTTP (anonymous)",
    "http": "HTTP",
    "https": "HTTPS",
}

_MpDecision = Callable[[Connections, Version, bool], frozenset[Method]]

_DEVICE = "Client authorization, device identity"

MP_CELLS: tuple[tuple[str, str, str | None, _MpDecision], ...] = (
    ("client_authentication", "Client authentication", None, mp_client_authentication_methods),
    ("location_request", "Location request", _DEVICE, mp_location_request_methods),
    ("client_package", "Client package", _DEVICE, mp_client_package_methods),
    ("registration", "Registration", _DEVICE, mp_registration_methods),
    (
        "user_authorization",
        "Client authorization, user identity",
        None,
        mp_user_authorization_methods,
    ),
)
"""The MP table's cells: JSON key, heading and column group in the seed's words, decision."""

MP_LEADS: dict[str, str] = {
    "client_authentication": "Yes, using one of the following methods",
    "registration": "Yes, using one of the following methods",
    "user_authorization": "Yes for user scenarios, using one of the following methods",
}
"""The seed's words before an MP cell's list of methods (MP-2, REG-1, REG-2, MP-3)."""

_SEED_ORDER: tuple[Method, ...] = (
    "none",
    "anonymous-manual-approval",
    "active-directory",
    "pki-certificate",
    "network-access-account",
    "azure-ad-device-token",
    "azure-ad-user-token",
    "content-access-token",
)
"""The order the seed's tables list methods in (JSON keeps DESIGN.md's `METHODS` order)."""

_AUTHENTICATION_ORDER: tuple[Method, ...] = (
    "none",
    "pki-certificate",
    "active-directory",
    "network-access-account",
    "azure-ad-user-token",
    "azure-ad-device-token",
    "content-access-token",
)
"""The client authentication cells list the PKI certificate first (HTTPS MP: "PKI certificate,
Active Directory domain, Azure AD user and/or device token"; HTTPS DP: "PKI certificate, Windows
authentication, Content access token"); the registration cell lists it after Active Directory."""

_CELL_ORDER: dict[str, tuple[Method, ...]] = {"client_authentication": _AUTHENTICATION_ORDER}
"""Cells whose seed order differs from `_SEED_ORDER`, by JSON key."""

_ENHANCED = "Enhanced HTTP"
_COMBINATIONS: tuple[tuple[Version, bool], ...] = tuple(
    (version, enhanced) for version in VERSIONS for enhanced in (False, True)
)


@dataclass(frozen=True)
class Entry:
    """One method in a cell and the condition under which it is accepted (None: always)."""

    method: Method
    condition: str | None

    @property
    def text(self) -> str:
        """The method in the seed's words, with its condition in brackets."""
        label = METHOD_LABELS[self.method]
        return label if self.condition is None else f"{label} ({self.condition})"


@dataclass(frozen=True)
class Cell:
    """A table cell: its JSON key, heading, column group and methods in the seed's order."""

    key: str
    heading: str
    group: str | None
    entries: tuple[Entry, ...]
    lead: str | None = None
    """The seed's words before the list ("Yes, using one of the following methods"), if any."""


def _condition(accepted_in: frozenset[tuple[Version, bool]]) -> str | None:
    everywhere = frozenset(_COMBINATIONS)
    if accepted_in == everywhere:
        return None
    if accepted_in == frozenset(c for c in _COMBINATIONS if enhanced_in_effect(*c)):
        return _ENHANCED
    for first in VERSIONS:
        from_first = frozenset(c for c in _COMBINATIONS if int(c[0]) >= int(first))
        if accepted_in == from_first:
            return f"version {first}"
    return "only " + ", ".join(
        f"{version} with enhanced HTTP {'on' if enhanced else 'off'}"
        for version, enhanced in sorted(accepted_in)
    )


def derive_cell(
    key: str, heading: str, group: str | None, decide: Decision, lead: str | None = None
) -> Cell:
    """Evaluate `decide` over every modelled version with enhanced HTTP off and on.

    A method accepted everywhere has no condition; one accepted exactly where enhanced HTTP is in
    effect is "(Enhanced HTTP)"; one accepted from a version on, whatever the option, is
    "(version V)"; anything else lists the combinations where it is accepted.
    """
    accepted = {combination: decide(*combination) for combination in _COMBINATIONS}
    entries = []
    for method in _CELL_ORDER.get(key, _SEED_ORDER):
        where = frozenset(c for c in _COMBINATIONS if method in accepted[c])
        if where:
            entries.append(Entry(method, _condition(where)))
    return Cell(key, heading, group, tuple(entries), lead)


def _fix_mp(decide: _MpDecision, mp: Connections) -> Decision:
    return lambda version, enhanced: decide(mp, version, enhanced)


def _fix_dp(dp: DpType) -> Decision:
    return lambda version, enhanced: dp_authentication_methods(dp, version, enhanced)


def mp_cells(mp: Connections) -> tuple[Cell, ...]:
    """The MP table's row for management point type `mp`."""
    return tuple(
        derive_cell(key, heading, group, _fix_mp(decide, mp), MP_LEADS.get(key))
        for key, heading, group, decide in MP_CELLS
    )


def dp_cells(dp: DpType) -> Cell:
    """The DP table's row for distribution point type `dp`."""
    return derive_cell("client_authentication", "Client authentication", None, _fix_dp(dp))


_AAD_TOKENS = ("azure-ad-device-token", "azure-ad-user-token")


def _labels(
    entries: tuple[Entry, ...], combined: str = "Azure AD user and/or device token"
) -> list[str]:
    """The entries' texts; a device and a user token with one condition read as the seed's one
    `combined` label ("Azure AD user and/or device token" in a list)."""
    conditions = {e.method: e.condition for e in entries if e.method in _AAD_TOKENS}
    both = len(conditions) == 2 and len(set(conditions.values())) == 1
    texts = []
    for entry in entries:
        if both and entry.method == "azure-ad-user-token":
            continue
        if both and entry.method == "azure-ad-device-token":
            condition = entry.condition
            label = combined
            texts.append(label if condition is None else f"{label} ({condition})")
        else:
            texts.append(entry.text)
    return texts


_SENTENCE = "user and/or device Azure AD token"
"""The seed's words for both tokens in the HTTP MP's sentence ("the site verifies the *user* and/or
*device* Azure AD token")."""


def cell_lines(cell: Cell) -> tuple[str, list[str]]:
    """A cell in the seed's words: the text after its heading, then its list (or sentences).

    A cell that is "No" unconditionally reads "No", followed, for methods accepted only under a
    condition, by the seed's sentence "With <condition>, the site verifies the <methods>".
    """
    no = [e for e in cell.entries if e.method == "none" and e.condition is None]
    others = tuple(e for e in cell.entries if not (e.method == "none" and e.condition is None))
    if no:
        by_condition: dict[str | None, list[Entry]] = {}
        for entry in others:
            by_condition.setdefault(entry.condition, []).append(entry)
        sentences = [
            f"With {condition}, the site verifies the "
            + " and ".join(
                label.removesuffix(f" ({condition})") for label in _labels(tuple(group), _SENTENCE)
            )
            + "."
            for condition, group in by_condition.items()
        ]
        return "No", sentences
    items = _labels(cell.entries)
    return (f"{cell.lead}:" if cell.lead else ""), [f"- {item}" for item in items]


def _cell_lines(cell: Cell, indent: str) -> list[str]:
    head, items = cell_lines(cell)
    first = f"{indent}{cell.heading}: {head}" if head else f"{indent}{cell.heading}:"
    return [first, *(f"{indent}  {item}" for item in items)]


def render_text() -> str:
    """Both seed tables as plain text, each method with its derived condition."""
    versions = ", ".join(VERSIONS)
    lines = [
        "Client to management point communication",
        "",
    ]
    for mp in MP_TYPES:
        lines.append(f"MP type {MP_TYPE_LABELS[mp]}")
        group: str | None = None
        for cell in mp_cells(mp):
            if cell.group is not None and cell.group != group:
                lines.append(f"  {cell.group}:")
            group = cell.group
            lines.extend(_cell_lines(cell, "    " if cell.group else "  "))
        lines.append("")
    lines.extend(["Client to distribution point communication", ""])
    for dp in DP_TYPES:
        lines.append(f"DP type {DP_TYPE_LABELS[dp]}")
        lines.extend(_cell_lines(dp_cells(dp), "  "))
        lines.append("")
    lines.append(
        f"Read from the decision functions over site versions {versions} with enhanced HTTP "
        "off and on; a method with no condition is accepted in all of them."
    )
    return "\n".join(lines) + "\n"


def _condition_cell(cell: Cell) -> dict[str, Any]:
    head, _ = cell_lines(cell)
    return {
        "wording": head.removesuffix(":") or None,
        "methods": [{"method": e.method, "condition": e.condition} for e in cell.entries],
    }


def conditions_json() -> dict[str, Any]:
    """Every cell of both tables with the seed's wording and each method's condition (None:
    accepted in every modelled version with enhanced HTTP off and on)."""
    return {
        "management_point": [
            {"type": mp, **{cell.key: _condition_cell(cell) for cell in mp_cells(mp)}}
            for mp in MP_TYPES
        ],
        "distribution_point": [
            {"type": dp, "client_authentication": _condition_cell(dp_cells(dp))} for dp in DP_TYPES
        ],
    }


def _methods(accepted: frozenset[Method]) -> list[Method]:
    return [method for method in METHODS if method in accepted]


def table_json(version: Version, enhanced: bool) -> dict[str, Any]:
    """The tables for one site (version, enhanced HTTP option), in DESIGN.md's `tables --json`
    shape, with the seed's "location request" and "client package" cells added (REG-6)."""
    return {
        "management_point": [
            {
                "type": mp,
                **{key: _methods(decide(mp, version, enhanced)) for key, _, _, decide in MP_CELLS},
            }
            for mp in MP_TYPES
        ],
        "distribution_point": [
            {
                "type": dp,
                "client_authentication": _methods(dp_authentication_methods(dp, version, enhanced)),
            }
            for dp in DP_TYPES
        ],
    }
