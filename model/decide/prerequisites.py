"""The seed's "Prerequisites" (PRE-1, PRE-2), each applied to the scenarios and clients the seed's
words tie it to (`_concerns`)."""

from __future__ import annotations

from dataclasses import replace

from ehttp.config.schema import Client, Lab
from ehttp.decide.fact import Fact, _azure_ad_fact, _client, _cmg_fact, _dp_key, _mp_key

__all__: list[str] = []


_SEED_MP = (
    'Scenario 1: "with a management point configured for HTTP"; Scenario 3: "authenticate with '
    'the CMG and management point"'
)
_SEED_DP = 'Scenario 2: "from a distribution point configured for HTTP"'
_SEED_CMG = 'Scenario 1: "communicate through a cloud management gateway (CMG)"'
_SEED_AAD = 'Azure AD tokens (Scenario 1: "Azure AD-joined devices"; Scenario 3: "Azure AD device")'


def _concerns(client: Client, scenario: int) -> dict[str, bool]:
    """Which of the seed's prerequisites concern this client's scenario, by the seed's words: an
    HTTP management point the scenarios that talk to one (1: "with a management point configured
    for HTTP"; 3: "authenticate with the CMG and management point"); an HTTP distribution point
    without anonymous access Scenario 2 ("from a distribution point configured for HTTP"); a CMG
    an internet client, the only one that goes through it (A-8); Azure AD onboarding a client
    joined to Azure AD, the only one with Azure AD tokens (A-9)."""
    return {
        "mp": scenario in (1, 3),
        "dp": scenario == 2,
        "cmg": client.network == "internet",
        "aad": client.join in ("azure-ad", "hybrid"),
    }


def _prerequisite_facts(lab: Lab, client: Client, scenario: int) -> list[Fact]:
    """The seed's prerequisites (PRE-1, PRE-2) that concern `client`'s `scenario` (`_concerns`):
    the failing ones, else one fact saying which are met. A workgroup client on the intranet is
    not blocked in Scenario 2 by a missing CMG or Azure AD onboarding."""
    concerns = _concerns(client, scenario)
    missing: list[Fact] = []
    mps = lab.management_points
    if concerns["mp"] and not any(mp.connections == "http" for mp in mps):
        missing.append(
            Fact(
                False,
                f"{_mp_key(mps[0])} = https: the prerequisites ask for a management point "
                f"configured for HTTP client connections ({_SEED_MP})",
                ("PRE-1", "PRE-2"),
                (f"{_mp_key(mps[0])} = http",),
                "prerequisite",
            )
        )
    dps = lab.distribution_points
    http = [dp for dp in dps if dp.connections == "http"]
    if concerns["dp"] and not any(not dp.allow_anonymous for dp in http):
        if http:
            text = f"{_dp_key(http[0])}.allow_anonymous = true: the prerequisites say not to "
            text += "allow clients to connect anonymously"
            fix = f"{_dp_key(http[0])}.allow_anonymous = false"
        elif dps:
            text = f"{_dp_key(dps[0])}.connections = {dps[0].connections}: the prerequisites ask "
            text += f"for a distribution point configured for HTTP client connections ({_SEED_DP})"
            fix = f"{_dp_key(dps[0])}.connections = http"
        else:
            text = "distribution_points: none; the prerequisites ask for a distribution point "
            text += f"configured for HTTP client connections ({_SEED_DP})"
            fix = "distribution_points[0] = {connections = http, allow_anonymous = false}"
        missing.append(Fact(False, text, ("PRE-1", "PRE-2"), (fix,), "prerequisite"))
    if concerns["cmg"]:
        fact = _cmg_fact(lab, "prerequisite")
        if not fact.holds:
            missing.append(replace(fact, text=f"{fact.text} ({_SEED_CMG})"))
    if concerns["aad"]:
        fact = _azure_ad_fact(lab, "prerequisite")
        if not fact.holds:
            missing.append(replace(fact, text=f"{fact.text} ({_SEED_AAD})"))
    if missing:
        return missing
    met = [
        words
        for key, words in (
            ("mp", "an HTTP management point"),
            ("dp", "an HTTP distribution point without anonymous access"),
            ("cmg", "a CMG"),
            ("aad", "Azure AD onboarding with the application updated"),
        )
        if concerns[key]
    ]
    if not met:
        return []
    return [
        Fact(
            True,
            f"site: the prerequisites that concern {_client(client)} here are met "
            f"({', '.join(met)})",
            ("PRE-1", "PRE-2"),
            kind="prerequisite",
        )
    ]
