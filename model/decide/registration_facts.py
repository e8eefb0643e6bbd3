"""How a client registers with the site as configured (REG-1, REG-2, REG-3) and how the CMG
authenticates an internet client (A-8, A-9): the facts behind a scenario that needs a registered
client."""

from __future__ import annotations

from ehttp.config.schema import Client, Lab
from ehttp.decide.fact import (
    Fact,
    _app_ready,
    _azure_ad_fact,
    _client,
    _cmg_fact,
    _enhanced_on,
    _https_only,
    _https_only_fact,
    _mp_key,
    _reachable,
    _usable,
)
from ehttp.machines.access import mp_registration_methods
from ehttp.machines.registration import DEVICE_IDENTITY_BUILD

__all__: list[str] = []


def _cmg_authentication_fact(lab: Lab, client: Client) -> Fact:
    """How the CMG authenticates an internet client (A-8, A-9; `Env.cmg_authenticates`)."""
    name = _client(client)
    if client.pki_certificate:
        return Fact(
            True,
            f"{name}.pki_certificate = true: the CMG authenticates it by its PKI certificate",
            ("MP-2", "A-8"),
        )
    if client.join not in ("azure-ad", "hybrid"):
        return Fact(
            False,
            f"{name}.join = {client.join}: on the internet it has neither an Azure AD token nor "
            "a PKI certificate for the CMG",
            ("MP-1", "MP-2", "A-8"),
            (f"{name}.pki_certificate = true",),
        )
    if client.user_signed_in:
        return Fact(
            True,
            f"{name}.user_signed_in = true: the site verifies its user's Azure AD user token",
            ("MP-1", "MP-2", "A-9"),
        )
    if client.build >= DEVICE_IDENTITY_BUILD:
        return Fact(
            True,
            f"{name}.windows = {client.windows}: its device identity alone authenticates it "
            "with the CMG and management point",
            ("SCN-3", "A-9"),
        )
    return Fact(
        False,
        f"{name}.windows = {client.windows}: with no user signed in and no PKI certificate it "
        "authenticates by its device identity alone, which needs Windows 10 1803",
        ("SCN-3", "A-9"),
        (f"{name}.windows = {DEVICE_IDENTITY_BUILD}",),
    )


def _registration_facts(lab: Lab, client: Client) -> list[Fact]:
    """How the client registers with the site as configured (REG-1, REG-2, REG-3; A-8)."""
    name = _client(client)
    usable = [mp for mp in lab.management_points if _usable(lab, mp.connections)]
    if client.network == "intranet":
        if not usable:
            return [_https_only_fact(lab, "no management point is left to register with")]
        return [
            Fact(
                True,
                f"{name}.network = intranet: registers with management_points[{usable[0].name}], "
                "anonymously with manual approval or with its identity",
                ("REG-1", "REG-2", "REG-3"),
            )
        ]
    found = [_cmg_fact(lab)]
    if not found[0].holds:
        return found
    found.append(_cmg_authentication_fact(lab, client))
    if not found[-1].holds:
        return found
    enhanced = _enhanced_on(lab)
    reachable = [mp for mp in lab.management_points if _reachable(lab, client, mp)]
    token = client.join in ("azure-ad", "hybrid")
    token_mps = [
        mp
        for mp in reachable
        if "azure-ad-device-token"
        in mp_registration_methods(mp.connections, lab.site.version, enhanced)
    ]
    if token and _app_ready(lab) and token_mps:
        found.append(
            Fact(
                True,
                f"{name}: registers through the CMG with its Azure AD device token at "
                f"management_points[{token_mps[0].name}]",
                ("REG-1", "REG-2", "A-8"),
            )
        )
        return found
    pki_mps = [mp for mp in reachable if mp.connections == "https"]
    if client.pki_certificate and pki_mps:
        found.append(
            Fact(
                True,
                f"{name}.pki_certificate = true: registers through the CMG at "
                f"management_points[{pki_mps[0].name}]",
                ("REG-2", "A-8"),
            )
        )
        return found
    if token and not _app_ready(lab):
        found.append(_azure_ad_fact(lab))
    if not reachable and _https_only(lab) and lab.management_points:
        found.append(_https_only_fact(lab, "no management point is left behind the CMG"))
    elif not (token and _app_ready(lab)) or not token_mps:
        found += _unreachable_mp_facts(lab, client, token and _app_ready(lab))
    return found


def _unreachable_mp_facts(lab: Lab, client: Client, token: bool) -> list[Fact]:
    """Why no management point behind the CMG registers the client."""
    found = []
    for mp in lab.management_points:
        if not _usable(lab, mp.connections):
            continue
        if mp.connections == "http" and not _enhanced_on(lab):
            found.append(
                Fact(
                    False,
                    f"{_mp_key(mp)} = http: without enhanced HTTP it can't be reached through the "
                    "CMG",
                    ("SCN-1", "A-8"),
                    (f"{_mp_key(mp)} = https", "site.enhanced_http = true"),
                )
            )
        elif token:
            found.append(
                Fact(
                    False,
                    f"{_mp_key(mp)} = {mp.connections}: on version {lab.site.version} it takes no "
                    "Azure AD device token",
                    ("REG-2",),
                    ("site.version = 1806",),
                )
            )
        elif not client.pki_certificate:
            found.append(
                Fact(
                    False,
                    f"{_client(client)}.pki_certificate = false: through the CMG it registers "
                    "with an Azure AD device token or a PKI certificate",
                    ("REG-2", "A-8"),
                    (f"{_client(client)}.pki_certificate = true",),
                )
            )
    return found
