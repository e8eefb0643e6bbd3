"""The seed's two access tables as decision functions.

Implements "Technical details": "Client to management point communication" (MP-1, MP-2, MP-3,
REG-1, REG-2, REG-3, REG-6) and "Client to distribution point communication" (DP-1, DP-2, DP-3).
Each function answers, for a site system type, the site version and whether enhanced HTTP is in
effect, which identity evidence the site system accepts. The tables printed by `ehttp tables`, the
model's registration guards and the lab's authenticators all call these functions.

The seed qualifies Azure AD tokens at an HTTPS management point with "(version 1706)": accepted from
1706 on. Enhanced HTTP only exists in 1806 (pre-release), so `enhanced` is ignored for older sites.
"""

from __future__ import annotations

from typing import Literal, get_args

from ehttp.config.schema import Connections, Version

__all__ = [
    "DP_TYPES",
    "METHODS",
    "MP_TYPES",
    "DpType",
    "Method",
    "dp_authentication_methods",
    "dp_type",
    "enhanced_in_effect",
    "mp_client_authentication_methods",
    "mp_client_package_methods",
    "mp_location_request_methods",
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


def enhanced_in_effect(version: Version, enhanced: bool) -> bool:
    """Enhanced HTTP takes effect only on a 1806 site (SITE-3); older sites have no such option."""
    return enhanced and version == "1806"


def _aad_at_https(version: Version) -> bool:
    return int(version) >= 1706


def mp_client_authentication_methods(
    mp: Connections, version: Version, enhanced: bool
) -> frozenset[Method]:
    """MP-1, MP-2: how the management point authenticates the client (transport)."""
    if mp == "http":
        if enhanced_in_effect(version, enhanced):
            return frozenset({"none", "azure-ad-device-token", "azure-ad-user-token"})
        return frozenset({"none"})
    methods: set[Method] = {"pki-certificate", "active-directory"}
    if _aad_at_https(version):
        methods |= {"azure-ad-device-token", "azure-ad-user-token"}
    return frozenset(methods)


def mp_location_request_methods(
    mp: Connections, version: Version, enhanced: bool
) -> frozenset[Method]:
    """REG-6: location requests need no authorization at either kind of management point."""
    return frozenset({"none"})


def mp_client_package_methods(
    mp: Connections, version: Version, enhanced: bool
) -> frozenset[Method]:
    """REG-6: the client package needs no authorization at either kind of management point."""
    return frozenset({"none"})


def mp_registration_methods(mp: Connections, version: Version, enhanced: bool) -> frozenset[Method]:
    """REG-1, REG-2, REG-3: the device identity evidence a management point registers with."""
    methods: set[Method] = {"anonymous-manual-approval", "active-directory"}
    if mp == "http":
        if enhanced_in_effect(version, enhanced):
            methods.add("azure-ad-device-token")
        return frozenset(methods)
    methods.add("pki-certificate")
    if _aad_at_https(version):
        methods.add("azure-ad-device-token")
    return frozenset(methods)


def mp_user_authorization_methods(
    mp: Connections, version: Version, enhanced: bool
) -> frozenset[Method]:
    """MP-3: how the management point authorizes a user in user scenarios."""
    methods: set[Method] = {"active-directory"}
    if (mp == "http" and enhanced_in_effect(version, enhanced)) or (
        mp == "https" and _aad_at_https(version)
    ):
        methods.add("azure-ad-user-token")
    return frozenset(methods)


def dp_type(connections: Connections, allow_anonymous: bool) -> DpType:
    """The row of the DP table a distribution point falls in.

    The seed's table has an "HTTP (anonymous)" row only; an HTTPS distribution point is always
    the HTTPS row.
    """
    if connections == "https":
        return "https"
    return "http-anonymous" if allow_anonymous else "http"


def dp_authentication_methods(dp: DpType, version: Version, enhanced: bool) -> frozenset[Method]:
    """DP-1, DP-2, DP-3: what a client must present before it downloads content."""
    if dp == "http-anonymous":
        return frozenset({"none"})
    methods: set[Method] = {"network-access-account"}
    if dp == "https":
        methods.add("pki-certificate")
    if enhanced_in_effect(version, enhanced):
        methods.add("content-access-token")
    return frozenset(methods)
