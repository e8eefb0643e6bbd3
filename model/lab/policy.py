"""The lab's own reading of the seed's MP and DP tables: which methods a site system accepts.

Implements "Client to management point communication" (MP-1..MP-3, REG-1..REG-3, REG-6) and
"Client to distribution point communication" (DP-1..DP-3) as literal rows copied from the seed's
tables, each with the qualifier the seed prints beside it: "(Enhanced HTTP)" or "(version 1706)".

This is a second, independent transcription on purpose: the model's guards and `ehttp tables`
read `model/machines/access.py`, the lab's authenticators read this module and never that one
(specs/threat-model.md), so a mistake in either transcription shows up as the lab departing from the
model in lockstep fuzzing instead of being copied into both.
"""

from __future__ import annotations

from typing import Literal

from ehttp.config.schema import Connections, Version, at_least
from ehttp.machines.access import Method

__all__ = ["Exchange", "dp_accepts", "dp_row", "enhanced_on", "mp_accepts"]

Exchange = Literal["registration", "user-authorization", "location", "package"]
Qualifier = Literal["always", "enhanced-http", "version-1706"]

_MP_ROWS: tuple[tuple[Connections, Exchange, Method, Qualifier], ...] = (
    ("http", "location", "none", "always"),
    ("http", "package", "none", "always"),
    ("http", "registration", "anonymous-manual-approval", "always"),
    ("http", "registration", "active-directory", "always"),
    ("http", "registration", "azure-ad-device-token", "enhanced-http"),
    ("http", "user-authorization", "active-directory", "always"),
    ("http", "user-authorization", "azure-ad-user-token", "enhanced-http"),
    ("https", "location", "none", "always"),
    ("https", "package", "none", "always"),
    ("https", "registration", "anonymous-manual-approval", "always"),
    ("https", "registration", "active-directory", "always"),
    ("https", "registration", "pki-certificate", "always"),
    ("https", "registration", "azure-ad-device-token", "version-1706"),
    ("https", "user-authorization", "active-directory", "always"),
    ("https", "user-authorization", "azure-ad-user-token", "version-1706"),
)
"""The MP table, one row per (MP type, what is asked, method it accepts, the seed's qualifier)."""

_DP_ROWS: tuple[tuple[str, Method, Qualifier], ...] = (
    ("HTTP (anonymous)", "none", "always"),
    ("HTTP", "network-access-account", "always"),
    ("HTTP", "content-access-token", "enhanced-http"),
    ("HTTPS", "pki-certificate", "always"),
    ("HTTPS", "network-access-account", "always"),
    ("HTTPS", "content-access-token", "enhanced-http"),
)
"""The DP table: (the seed's DP type, method accepted, qualifier)."""


def enhanced_on(version: Version, enhanced_http: bool) -> bool:
    """Enhanced HTTP is a 1806 option: on an older site the setting does nothing."""
    return enhanced_http and at_least(version, "1806")


def _holds(qualifier: Qualifier, version: Version, enhanced_http: bool) -> bool:
    if qualifier == "enhanced-http":
        return enhanced_on(version, enhanced_http)
    if qualifier == "version-1706":
        return at_least(version, "1706")
    return True


def mp_accepts(
    connections: Connections, exchange: Exchange, version: Version, enhanced_http: bool
) -> frozenset[Method]:
    """The methods a management point of type ``connections`` accepts for ``exchange``."""
    return frozenset(
        m
        for c, e, m, q in _MP_ROWS
        if c == connections and e == exchange and _holds(q, version, enhanced_http)
    )


def dp_row(connections: Connections, allow_anonymous: bool) -> str:
    """The seed's DP type for a distribution point: "HTTP (anonymous)", "HTTP" or "HTTPS"."""
    if connections == "https":
        return "HTTPS"
    return "HTTP (anonymous)" if allow_anonymous else "HTTP"


def dp_accepts(row: str, version: Version, enhanced_http: bool) -> frozenset[Method]:
    """The methods a distribution point of the seed's type ``row`` accepts for a download."""
    return frozenset(m for r, m, q in _DP_ROWS if r == row and _holds(q, version, enhanced_http))
