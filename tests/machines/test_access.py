"""Every cell of the seed's two tables, for every modelled version and enhanced HTTP off and on
(model/machines/access.py; seed "Technical details")."""

from __future__ import annotations

import pytest

from ehttp.config.schema import VERSIONS, Connections, Version
from ehttp.machines.access import (
    DP_TYPES,
    MP_TYPES,
    DpType,
    Method,
    dp_authentication_methods,
    dp_type,
    enhanced_in_effect,
    mp_client_authentication_methods,
    mp_client_package_methods,
    mp_location_request_methods,
    mp_registration_methods,
    mp_user_authorization_methods,
)

COMBINATIONS = [(version, enhanced) for version in VERSIONS for enhanced in (False, True)]

# The seed's MP table: (cell, MP type) -> (accepted always, accepted only with enhanced HTTP).
MP_SEED: dict[tuple[str, Connections], tuple[set[Method], set[Method]]] = {
    ("client_authentication", "http"): ({"none"}, {"azure-ad-device-token", "azure-ad-user-token"}),
    ("client_authentication", "https"): (
        {"pki-certificate", "active-directory", "azure-ad-device-token", "azure-ad-user-token"},
        set(),
    ),
    ("location_request", "http"): ({"none"}, set()),
    ("location_request", "https"): ({"none"}, set()),
    ("client_package", "http"): ({"none"}, set()),
    ("client_package", "https"): ({"none"}, set()),
    ("registration", "http"): (
        {"anonymous-manual-approval", "active-directory"},
        {"azure-ad-device-token"},
    ),
    ("registration", "https"): (
        {
            "anonymous-manual-approval",
            "active-directory",
            "pki-certificate",
            "azure-ad-device-token",
        },
        set(),
    ),
    ("user_authorization", "http"): ({"active-directory"}, {"azure-ad-user-token"}),
    ("user_authorization", "https"): ({"active-directory", "azure-ad-user-token"}, set()),
}

VERSION_1706: set[Method] = {"azure-ad-device-token", "azure-ad-user-token"}
"""The HTTPS MP's methods the seed marks "(version 1706)": not accepted before it (1702)."""

MP_FUNCTIONS = {
    "client_authentication": mp_client_authentication_methods,
    "location_request": mp_location_request_methods,
    "client_package": mp_client_package_methods,
    "registration": mp_registration_methods,
    "user_authorization": mp_user_authorization_methods,
}

DP_SEED: dict[DpType, tuple[set[Method], set[Method]]] = {
    "http-anonymous": ({"none"}, set()),
    "http": ({"network-access-account"}, {"content-access-token"}),
    "https": ({"pki-certificate", "network-access-account"}, {"content-access-token"}),
}


def _expected(
    always: set[Method], enhanced_only: set[Method], version: Version, on: bool
) -> set[Method]:
    return always | (enhanced_only if version == "1806" and on else set())


@pytest.mark.parametrize(("version", "enhanced"), COMBINATIONS)
@pytest.mark.parametrize(("cell", "mp"), sorted(MP_SEED))
def test_every_mp_cell(cell: str, mp: Connections, version: Version, enhanced: bool) -> None:
    always, enhanced_only = MP_SEED[(cell, mp)]
    accepted = MP_FUNCTIONS[cell](mp, version, enhanced)
    expected = _expected(always, enhanced_only, version, enhanced)
    if mp == "https" and int(version) < 1706:
        expected -= VERSION_1706
    assert accepted == expected


@pytest.mark.parametrize(("version", "enhanced"), COMBINATIONS)
@pytest.mark.parametrize("dp", DP_TYPES)
def test_every_dp_cell(dp: DpType, version: Version, enhanced: bool) -> None:
    always, enhanced_only = DP_SEED[dp]
    accepted = dp_authentication_methods(dp, version, enhanced)
    assert accepted == _expected(always, enhanced_only, version, enhanced)


def test_the_tables_cover_every_type() -> None:
    assert {mp for _, mp in MP_SEED} == set(MP_TYPES)
    assert set(DP_SEED) == set(DP_TYPES)


@pytest.mark.parametrize(("version", "enhanced"), COMBINATIONS)
def test_no_pki_registration_at_an_http_management_point(version: Version, enhanced: bool) -> None:
    assert "pki-certificate" not in mp_registration_methods("http", version, enhanced)
    assert "pki-certificate" not in mp_client_authentication_methods("http", version, enhanced)


@pytest.mark.parametrize(("version", "enhanced"), COMBINATIONS)
@pytest.mark.parametrize("connections", ["http", "https"])
def test_no_anonymous_download_from_a_non_anonymous_dp(
    connections: Connections, version: Version, enhanced: bool
) -> None:
    kind = dp_type(connections, allow_anonymous=False)
    assert "none" not in dp_authentication_methods(kind, version, enhanced)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("dp", DP_TYPES)
def test_no_content_access_token_without_enhanced_http(dp: DpType, version: Version) -> None:
    assert "content-access-token" not in dp_authentication_methods(dp, version, False)


@pytest.mark.parametrize("version", VERSIONS)
def test_no_azure_ad_token_at_an_http_mp_without_enhanced_http(version: Version) -> None:
    assert "azure-ad-device-token" not in mp_registration_methods("http", version, False)
    assert "azure-ad-user-token" not in mp_user_authorization_methods("http", version, False)
    assert mp_client_authentication_methods("http", version, False) == {"none"}


def test_enhanced_http_takes_effect_only_in_1806() -> None:
    assert [v for v in VERSIONS if enhanced_in_effect(v, True)] == ["1806"]
    assert not any(enhanced_in_effect(v, False) for v in VERSIONS)


def test_dp_type_follows_connections_and_anonymous_access() -> None:
    assert dp_type("http", True) == "http-anonymous"
    assert dp_type("http", False) == "http"
    assert dp_type("https", True) == "https"
    assert dp_type("https", False) == "https"
