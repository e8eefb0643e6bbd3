"""The seed's two access tables as decision functions.

Implements "Technical details": "Client to management point communication" (MP-1, MP-2, MP-3,
REG-1, REG-2, REG-3, REG-6) and "Client to distribution point communication" (DP-1, DP-2, DP-3).
The tables are data (`AccessTables`): one row per (site system type, what is asked, method
accepted, the qualifier the seed prints beside it). Each function answers, for a site system type,
the site version and whether enhanced HTTP is in effect, which identity evidence the site system
accepts, read from `TABLES` (or from the tables given: `ehttp audit` runs the model on tables with
one cell flipped or one qualifier dropped). The tables printed by `ehttp tables` and the model's
registration and download decisions call these functions; the lab's authenticators read their own
transcription (`model/lab/policy.py`), and the properties compare the model's decisions with the
seed's table text itself (`model/compose/seed_tables.py`).

The seed qualifies Azure AD tokens at an HTTPS management point with "(version 1706)": accepted from
1706 on. Enhanced HTTP only exists in 1806 (pre-release), so `enhanced` is ignored for older sites.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from ehttp.config.schema import Connections, Version

__all__ = [
    "DP_TYPES",
    "METHODS",
    "MP_COLUMNS",
    "MP_TYPES",
    "QUALIFIERS",
    "TABLES",
    "AccessTables",
    "DpCell",
    "DpType",
    "Method",
    "MpCell",
    "MpColumn",
    "Qualifier",
    "dp_authentication_methods",
    "dp_type",
    "enhanced_in_effect",
    "mp_client_authentication_methods",
    "mp_client_package_methods",
    "mp_location_request_methods",
    "mp_methods",
    "mp_registration_methods",
    "mp_user_authorization_methods",
]

Method = Literal[
    "anonymous-manual-approval",
    "active-directory",
    "azure-ad-device-token",
    "azure-ad-user-token",
    "pki-certificate",
    "network-access-account",
    "content-access-token",
    "none",
]
METHODS: tuple[Method, ...] = get_args(Method)
DpType = Literal["http-anonymous", "http", "https"]
MP_TYPES: tuple[Connections, ...] = get_args(Connections)
DP_TYPES: tuple[DpType, ...] = get_args(DpType)
MpColumn = Literal[
    "client-authentication",
    "location-request",
    "client-package",
    "registration",
    "user-authorization",
]
MP_COLUMNS: tuple[MpColumn, ...] = get_args(MpColumn)
Qualifier = Literal["always", "enhanced-http", "version-1706"]
"""The seed's qualifiers: none, "(Enhanced HTTP)", "(version 1706)"."""
QUALIFIERS: tuple[Qualifier, ...] = get_args(Qualifier)


@dataclass(frozen=True)
class MpCell:
    """One method in one cell of the MP table: the MP type, the column, the method, its
    qualifier."""

    mp: Connections
    column: MpColumn
    method: Method
    qualifier: Qualifier = "always"


@dataclass(frozen=True)
class DpCell:
    """One method in the DP table: the DP type (row), the method, its qualifier."""

    dp: DpType
    method: Method
    qualifier: Qualifier = "always"


@dataclass(frozen=True)
class AccessTables:
    """The MP table and the DP table, one entry per method the seed lists in a cell."""

    mp: tuple[MpCell, ...]
    dp: tuple[DpCell, ...]


TABLES = AccessTables(
    mp=(
        MpCell("http", "client-authentication", "none"),
        MpCell("http", "client-authentication", "azure-ad-device-token", "enhanced-http"),
        MpCell("http", "client-authentication", "azure-ad-user-token", "enhanced-http"),
        MpCell("http", "location-request", "none"),
        MpCell("http", "client-package", "none"),
        MpCell("http", "registration", "anonymous-manual-approval"),
        MpCell("http", "registration", "active-directory"),
        MpCell("http", "registration", "azure-ad-device-token", "enhanced-http"),
        MpCell("http", "user-authorization", "active-directory"),
        MpCell("http", "user-authorization", "azure-ad-user-token", "enhanced-http"),
        MpCell("https", "client-authentication", "pki-certificate"),
        MpCell("https", "client-authentication", "active-directory"),
        MpCell("https", "client-authentication", "azure-ad-device-token", "version-1706"),
        MpCell("https", "client-authentication", "azure-ad-user-token", "version-1706"),
        MpCell("https", "location-request", "none"),
        MpCell("https", "client-package", "none"),
        MpCell("https", "registration", "anonymous-manual-approval"),
        MpCell("https", "registration", "active-directory"),
        MpCell("https", "registration", "pki-certificate"),
        MpCell("https", "registration", "azure-ad-device-token", "version-1706"),
        MpCell("https", "user-authorization", "active-directory"),
        MpCell("https", "user-authorization", "azure-ad-user-token", "version-1706"),
    ),
    dp=(
        DpCell("http-anonymous", "none"),
        DpCell("http", "network-access-account"),
        DpCell("http", "content-access-token", "enhanced-http"),
        DpCell("https", "pki-certificate"),
        DpCell("https", "network-access-account"),
        DpCell("https", "content-access-token", "enhanced-http"),
    ),
)
"""The seed's two tables as the model reads them ("Technical details")."""


def enhanced_in_effect(version: Version, enhanced: bool) -> bool:
    """Enhanced HTTP takes effect only on a 1806 site (SITE-3); older sites have no such option."""
    return enhanced and version == "1806"


def _applies(qualifier: Qualifier, version: Version, enhanced: bool) -> bool:
    if qualifier == "enhanced-http":
        return enhanced_in_effect(version, enhanced)
    if qualifier == "version-1706":
        return int(version) >= 1706
    return True


def _tables(tables: AccessTables | None) -> AccessTables:
    # The module's name, read now: a test may swap the tables in for its duration.
    return TABLES if tables is None else tables


def mp_methods(
    mp: Connections,
    column: MpColumn,
    version: Version,
    enhanced: bool,
    tables: AccessTables | None = None,
) -> frozenset[Method]:
    """What a management point of type `mp` accepts in `column` of the MP table."""
    return frozenset(
        cell.method
        for cell in _tables(tables).mp
        if cell.mp == mp and cell.column == column and _applies(cell.qualifier, version, enhanced)
    )


def mp_client_authentication_methods(
    mp: Connections, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """MP-1, MP-2: how the management point authenticates the client (transport)."""
    return mp_methods(mp, "client-authentication", version, enhanced, tables)


def mp_location_request_methods(
    mp: Connections, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """REG-6: location requests need no authorization at either kind of management point."""
    return mp_methods(mp, "location-request", version, enhanced, tables)


def mp_client_package_methods(
    mp: Connections, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """REG-6: the client package needs no authorization at either kind of management point."""
    return mp_methods(mp, "client-package", version, enhanced, tables)


def mp_registration_methods(
    mp: Connections, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """REG-1, REG-2, REG-3: the device identity evidence a management point registers with."""
    return mp_methods(mp, "registration", version, enhanced, tables)


def mp_user_authorization_methods(
    mp: Connections, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """MP-3: how the management point authorizes a user in user scenarios."""
    return mp_methods(mp, "user-authorization", version, enhanced, tables)


def dp_type(connections: Connections, allow_anonymous: bool) -> DpType:
    """The row of the DP table a distribution point falls in.

    The seed's table has an "HTTP (anonymous)" row only; an HTTPS distribution point is always
    the HTTPS row.
    """
    if connections == "https":
        return "https"
    return "http-anonymous" if allow_anonymous else "http"


def dp_authentication_methods(
    dp: DpType, version: Version, enhanced: bool, tables: AccessTables | None = None
) -> frozenset[Method]:
    """DP-1, DP-2, DP-3: what a client must present before it downloads content."""
    return frozenset(
        cell.method
        for cell in _tables(tables).dp
        if cell.dp == dp and _applies(cell.qualifier, version, enhanced)
    )
