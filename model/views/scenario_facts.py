"""Why a scenario works or not: facts read off a lab's values, each with its requirement ID.

The reasons' side of `model/views/scenarios.py`: one fact per relevant lab value, saying whether it
allows the scenario, derived with the same decision functions as the model (`model/spec/access.py`).
The verdict itself comes from the model; the tests check that the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from model.config.schema import Client, DistributionPoint, Lab, ManagementPoint
from model.spec.access import (
    Method,
    mp_client_authentication_methods,
    mp_user_authorization_methods,
)

__all__ = ["Fact", "ScenarioId", "facts", "user_methods"]

ScenarioId = int | Literal["os-deployment", "user-available-apps"]


def user_methods(client: Client) -> frozenset[Method]:
    """The user identity evidence a signed-in user of `client` holds (MP-3)."""
    methods: set[Method] = set()
    if client.join in ("domain", "hybrid"):
        methods.add("active-directory")
    if client.join in ("azure-ad", "hybrid"):
        methods.add("azure-ad-user-token")
    return frozenset(methods)


@dataclass(frozen=True)
class Fact:
    """One lab value and what it means for a scenario: whether it allows it, and the text."""

    holds: bool
    text: str


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _enhanced_facts(lab: Lab, why: str, before_1806: str = "") -> list[Fact]:
    """Whether enhanced HTTP is on in the site as configured (SITE-1, SITE-3)."""
    site = lab.site
    if site.version != "1806":
        text = f"site.version = {site.version}: enhanced HTTP needs 1806"
        return [Fact(False, f"{text}{before_1806} (SITE-3)")]
    if not site.prerelease_features:
        return [
            Fact(
                False,
                "site.prerelease_features = false: in 1806 enhanced HTTP is a pre-release "
                "feature (SITE-3)",
            )
        ]
    if not site.enhanced_http:
        return [Fact(False, f"site.enhanced_http = false: {why} only with enhanced HTTP (SITE-1)")]
    return [Fact(True, f"site.enhanced_http = true: {why} (SITE-1, SITE-3)")]


def _cmg_fact(lab: Lab) -> Fact:
    if lab.site.cloud_management_gateway:
        return Fact(
            True,
            "site.cloud_management_gateway = true: internet clients reach the site "
            "through the CMG (PRE-1)",
        )
    return Fact(False, "site.cloud_management_gateway = false: internet clients need a CMG (PRE-1)")


def _azure_ad_fact(lab: Lab) -> Fact:
    site = lab.site
    if not site.azure_ad_onboarded:
        return Fact(
            False,
            "site.azure_ad_onboarded = false: Azure AD device tokens need the site onboarded to "
            "Azure AD for cloud management (PRE-1)",
        )
    if not site.azure_ad_app_updated:
        return Fact(
            False,
            "site.azure_ad_app_updated = false: the Azure AD application must be updated "
            "(Update application setting) (PRE-1)",
        )
    return Fact(
        True,
        "site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its "
        "application updated (PRE-1)",
    )


def _build_fact(client: Client) -> Fact:
    where = f"clients[{client.name}].windows = {client.windows}"
    if client.build >= 1803:
        return Fact(True, f"{where}: device identity works from Windows 10 1803 (SCN-3)")
    return Fact(False, f"{where}: device identity needs Windows 10 1803 (SCN-3)")


def _device_token_facts(lab: Lab, client: Client) -> list[Fact]:
    """The client holds an Azure AD device token (Windows 10 1803, Azure AD application)."""
    return [_build_fact(client), _azure_ad_fact(lab)]


def _enhanced_on(lab: Lab) -> bool:
    site = lab.site
    return site.enhanced_http and site.version == "1806" and site.prerelease_features


def _reachable(lab: Lab, client: Client, mp: ManagementPoint) -> bool:
    """Config-level view of `Env.mp_reachable` (HTTP MPs' role certificates start bound)."""
    if client.network == "intranet":
        return True
    if not lab.site.cloud_management_gateway:
        return False
    return mp.connections == "https" or _enhanced_on(lab)


def _mp_key(mp: ManagementPoint) -> str:
    return f"management_points[{mp.name}].connections = {mp.connections}"


def _internet_reach_facts(lab: Lab, client: Client) -> list[Fact]:
    """For an internet client: the CMG, and whether some management point is behind it."""
    if client.network != "internet":
        return []
    facts = [_cmg_fact(lab)]
    if lab.site.cloud_management_gateway and not any(
        _reachable(lab, client, mp) for mp in lab.management_points
    ):
        facts += _enhanced_facts(lab, "an HTTP management point is reachable through the CMG")
        facts += [
            Fact(
                False,
                f"{_mp_key(mp)}: without enhanced HTTP it can't be reached through the CMG (SCN-1)",
            )
            for mp in lab.management_points
        ]
    return facts


def _registration_facts(lab: Lab, client: Client, *, pki: bool) -> list[Fact]:
    """How the client can register with the site as configured (REG-1, REG-2, REG-3)."""
    name = f"clients[{client.name}]"
    if client.network == "intranet":
        return [
            Fact(
                True,
                f"{name}.network = intranet: registers with the management point, "
                "anonymously with manual approval or with its identity (REG-1, REG-3)",
            )
        ]
    facts = [_cmg_fact(lab)]
    token = client.join in ("azure-ad", "hybrid")
    token_ok = token and client.build >= 1803 and _azure_ad_fact(lab).holds
    http_token = _enhanced_on(lab)
    token_mps = [
        mp
        for mp in lab.management_points
        if _reachable(lab, client, mp) and (mp.connections == "https" or http_token)
    ]
    pki_mps = [mp for mp in lab.management_points if mp.connections == "https"]
    if token_ok and token_mps and lab.site.cloud_management_gateway:
        facts.append(
            Fact(
                True,
                f"{name}: registers through the CMG with its Azure AD device "
                f"token at management_points[{token_mps[0].name}] (REG-1, REG-2)",
            )
        )
        return facts
    if pki and client.pki_certificate and pki_mps and lab.site.cloud_management_gateway:
        facts.append(
            Fact(
                True,
                f"{name}.pki_certificate = true: registers through the CMG at "
                f"management_points[{pki_mps[0].name}] (REG-2)",
            )
        )
        return facts
    if not token:
        facts.append(
            Fact(
                False,
                f"{name}.join = {client.join}: on the internet it has no Azure "
                "AD device token to register through the CMG (REG-1, REG-2)",
            )
        )
    else:
        facts += _device_token_facts(lab, client)
        if not token_mps:
            facts += _internet_reach_facts(lab, client)[1:]
    return facts


def _facts_1(lab: Lab, client: Client) -> list[Fact]:
    name = f"clients[{client.name}]"
    gate = []
    if client.join != "azure-ad":
        gate.append(
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 1 is for Azure AD-joined devices (SCN-1)",
            )
        )
    if client.network != "internet":
        gate.append(
            Fact(
                False,
                f"{name}.network = {client.network}: scenario 1 is about "
                "reaching the management point through a CMG (SCN-1)",
            )
        )
    if gate:
        return gate
    facts = [
        Fact(
            True,
            f"{name}.join = azure-ad, network = internet: an Azure AD-joined "
            "device on the internet (SCN-1)",
        )
    ]
    facts += _enhanced_facts(
        lab,
        "the site generates a certificate for the HTTP management point",
        "; before it, this scenario requires an HTTPS-enabled management point",
    )
    facts.append(_cmg_fact(lab))
    facts += _device_token_facts(lab, client)
    http = [mp for mp in lab.management_points if mp.connections == "http"]
    if http:
        facts.append(
            Fact(True, f"{_mp_key(http[0])}: a management point configured for HTTP (PRE-1)")
        )
    else:
        facts += [
            Fact(
                False,
                f"{_mp_key(mp)}: scenario 1 is for a management point configured for HTTP (PRE-1)",
            )
            for mp in lab.management_points
        ]
    return facts


def _dp_key(dp: DistributionPoint) -> str:
    return f"distribution_points[{dp.name}]"


def _facts_2(lab: Lab, client: Client) -> list[Fact]:
    name = f"clients[{client.name}]"
    if client.join not in ("workgroup", "azure-ad"):
        return [
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 2 is for workgroup or Azure "
                "AD-joined clients (SCN-2)",
            )
        ]
    facts = [
        Fact(True, f"{name}.join = {client.join}: a workgroup or Azure AD-joined client (SCN-2)")
    ]
    facts += _enhanced_facts(lab, "the client gets a content access token")
    http = [dp for dp in lab.distribution_points if dp.connections == "http"]
    open_ = [dp for dp in http if not dp.allow_anonymous]
    if open_:
        dp = open_[0]
        facts.append(
            Fact(
                True,
                f"{_dp_key(dp)}.connections = http, allow_anonymous = false: "
                "accepts a content access token over a secure channel, no network "
                "access account needed (DP-2, SCN-2)",
            )
        )
    elif not lab.distribution_points:
        facts.append(
            Fact(
                False,
                "distribution_points: none; scenario 2 needs a distribution "
                "point configured for HTTP (PRE-1)",
            )
        )
    for dp in lab.distribution_points if not open_ else ():
        if dp.connections != "http":
            facts.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.connections = {dp.connections}: scenario 2 "
                    "is for a distribution point configured for HTTP (SCN-2, PRE-1)",
                )
            )
        else:
            facts.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.allow_anonymous = true: clients don't "
                    "authenticate, so no content access token is asked for; the "
                    "prerequisites say not to allow anonymous connections (DP-1, PRE-1)",
                )
            )
    facts += _registration_facts(lab, client, pki=False)
    return facts


def _facts_3(lab: Lab, client: Client) -> list[Fact]:
    name = f"clients[{client.name}]"
    gate = []
    if client.join not in ("azure-ad", "hybrid"):
        gate.append(
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 3 is for Azure AD-joined "
                "or hybrid devices (SCN-3)",
            )
        )
    if client.user_signed_in:
        gate.append(
            Fact(
                False,
                f"{name}.user_signed_in = true: scenario 3 is for a device with "
                "no Azure AD user signed in (SCN-3)",
            )
        )
    if gate:
        return gate
    facts = [
        Fact(
            True,
            f"{name}.join = {client.join}, user_signed_in = false: the device "
            "authenticates by its own identity (SCN-3)",
        )
    ]
    facts += _device_token_facts(lab, client)
    if client.network == "internet":
        facts.append(_cmg_fact(lab))
    enhanced = _enhanced_on(lab)
    verifying = [
        mp
        for mp in lab.management_points
        if "azure-ad-device-token"
        in mp_client_authentication_methods(mp.connections, lab.site.version, enhanced)
    ]
    if verifying:
        mp = verifying[0]
        table = "MP-1" if mp.connections == "http" else "MP-2"
        facts.append(Fact(True, f"{_mp_key(mp)}: verifies the Azure AD device token ({table})"))
    else:
        facts += _enhanced_facts(lab, "an HTTP management point verifies device tokens")
        facts += [
            Fact(
                False,
                f"{_mp_key(mp)}: without enhanced HTTP it doesn't verify an Azure AD "
                "device token (MP-1)",
            )
            for mp in lab.management_points
        ]
    return facts


def _facts_os(lab: Lab, client: Client) -> list[Fact]:
    facts = []
    for dp in lab.distribution_points:
        if dp.connections == "http" and dp.allow_anonymous:
            facts.append(
                Fact(True, f"{_dp_key(dp)}.allow_anonymous = true: no client authentication (DP-1)")
            )
        elif dp.network_access_account:
            facts.append(
                Fact(
                    True,
                    f"{_dp_key(dp)}.network_access_account = true: the task "
                    "sequence authenticates with the network access account (KI-2)",
                )
            )
        else:
            facts.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.network_access_account = false: OS "
                    "deployment still needs the network access account (KI-2)",
                )
            )
    if not lab.distribution_points:
        facts.append(
            Fact(
                False, "distribution_points: none; OS deployment needs a distribution point (KI-2)"
            )
        )
    if any(f.holds for f in facts):
        return [f for f in facts if f.holds]
    return facts


def _facts_user(lab: Lab, client: Client) -> list[Fact]:
    name = f"clients[{client.name}]"
    facts = []
    if _enhanced_on(lab):
        facts.append(
            Fact(
                False,
                "site.enhanced_http = true: users can't see applications "
                "targeted to them as available in Software Center (KI-1)",
            )
        )
    else:
        facts.append(
            Fact(
                True,
                "site.enhanced_http = false: the known issue of enhanced HTTP doesn't apply (KI-1)",
            )
        )
    user = user_methods(client)
    if not user:
        facts.append(
            Fact(
                False,
                f"{name}.join = {client.join}: the signed-in user has no Active "
                "Directory or Azure AD identity a management point authorizes (MP-3)",
            )
        )
        return facts
    version = lab.site.version
    authorizing = [
        mp
        for mp in lab.management_points
        if _reachable(lab, client, mp)
        and user & mp_user_authorization_methods(mp.connections, version, False)
    ]
    if authorizing:
        facts.append(
            Fact(
                True,
                f"{name}.join = {client.join}: management_points"
                f"[{authorizing[0].name}] authorizes the signed-in user (MP-3)",
            )
        )
    elif client.network == "intranet" or _cmg_fact(lab).holds:
        facts += [
            Fact(
                False,
                f"{_mp_key(mp)}: without enhanced HTTP it doesn't authorize an Azure "
                "AD user token (MP-3)",
            )
            for mp in lab.management_points
            if _reachable(lab, client, mp)
        ]
    facts += _registration_facts(lab, client, pki=True)
    if client.network == "internet" and not authorizing:
        facts += [
            Fact(
                False,
                f"{_mp_key(mp)}: without enhanced HTTP it can't be reached through the CMG (SCN-1)",
            )
            for mp in lab.management_points
            if not _reachable(lab, client, mp) and lab.site.cloud_management_gateway
        ]
    return facts


_FACTS: dict[ScenarioId, Callable[[Lab, Client], list[Fact]]] = {
    1: _facts_1,
    2: _facts_2,
    3: _facts_3,
    "os-deployment": _facts_os,
    "user-available-apps": _facts_user,
}


def facts(lab: Lab, client: Client, scenario: ScenarioId) -> tuple[Fact, ...]:
    """The lab values that bear on `scenario` for `client`, each saying whether it allows it."""
    return tuple(_FACTS[scenario](lab, client))
