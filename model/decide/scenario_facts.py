"""Why a scenario works, is blocked, does not apply or is undocumented: facts read off a lab.

Each fact names one lab value, says whether it allows the scenario, and cites the seed sentence
behind it (a requirement ID) or the modeling assumption it rests on (an `A-n` ID of
`specs/assumptions.md`); a fact that blocks a scenario also names the lab value that would unblock
it. Facts come in four kinds:

- ``gate``: the scenario is about another kind of client (Scenario 1 is about Azure AD-joined
  devices reaching the site through a CMG, Scenario 3 about devices with no user signed in, ...).
  A failing gate makes the decision ``not-applicable``.
- ``silence``: the seed does not decide the question (how an internet client reaches a
  distribution point on premises; whether an anonymous distribution point spares OS deployment the
  network access account). A silence makes the decision ``undocumented``.
- ``prerequisite``: the seed's "Prerequisites" (PRE-1, PRE-2), each applied to the scenarios and
  clients the seed's words tie it to (`model/decide/prerequisites.py`). A missing prerequisite
  that concerns the client makes the decision ``blocked``, and its reason names that prerequisite;
  the model does not read them.
- ``mechanism``: what the model's guards read (`model/compose/env.py`,
  `model/machines/access.py`): necessary conditions of the scenario's goal in any world; the
  tests check that a failing one means the goal fails, on every example lab and on generated labs.

Scenarios 1, 2 and 3 "benefit from these improvements", the ones "Configuration Manager version
1806 includes" (IMP-1): each needs enhanced HTTP in effect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ehttp.config.schema import Client, Lab
from ehttp.decide.fact import (
    Fact,
    ScenarioId,
    _azure_ad_fact,
    _bool,
    _client,
    _cmg_fact,
    _dp_key,
    _enhanced_on,
    _https_only,
    _https_only_fact,
    _improvement_facts,
    _mp_key,
    _reachable,
    _usable,
    user_methods,
)
from ehttp.decide.prerequisites import _prerequisite_facts
from ehttp.decide.registration_facts import _cmg_authentication_fact, _registration_facts
from ehttp.machines.access import (
    mp_client_authentication_methods,
    mp_user_authorization_methods,
)
from ehttp.machines.registration import DEVICE_IDENTITY_BUILD

__all__ = ["facts", "mechanism_holds"]


def _facts_1(lab: Lab, client: Client) -> list[Fact]:
    name = _client(client)
    gate = []
    if client.join != "azure-ad":
        gate.append(
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 1 is about Azure AD-joined devices",
                ("SCN-1",),
                kind="gate",
            )
        )
    if client.network != "internet":
        gate.append(
            Fact(
                False,
                f"{name}.network = {client.network}: scenario 1 is about reaching the management "
                "point through a CMG",
                ("SCN-1",),
                kind="gate",
            )
        )
    if gate:
        return gate
    found = [
        Fact(
            True,
            f"{name}.join = azure-ad, network = internet: an Azure AD-joined device on the "
            "internet",
            ("SCN-1",),
        )
    ]
    found += _improvement_facts(
        lab,
        "the site generates a certificate for the HTTP management point",
        ("SCN-1", "IMP-1", "SITE-1"),
    )
    if _https_only(lab):
        found.append(_https_only_fact(lab, "the HTTP management point serves no client"))
    found.append(_cmg_fact(lab))
    found.append(_azure_ad_fact(lab))
    found.append(_cmg_authentication_fact(lab, client))
    http = [mp for mp in lab.management_points if mp.connections == "http"]
    if http:
        found.append(
            Fact(
                True,
                f"{_mp_key(http[0])} = http: a management point configured for HTTP",
                ("SCN-1",),
            )
        )
    else:
        mp = lab.management_points[0]
        found.append(
            Fact(
                False,
                f"{_mp_key(mp)} = {mp.connections}: scenario 1 is about a management point "
                "configured for HTTP",
                ("SCN-1",),
                (f"{_mp_key(mp)} = http",),
            )
        )
    return found + _prerequisite_facts(lab, client, 1)


def _facts_2(lab: Lab, client: Client) -> list[Fact]:
    name = _client(client)
    if client.join not in ("workgroup", "azure-ad"):
        return [
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 2 is about workgroup or Azure AD-joined "
                "clients",
                ("SCN-2",),
                kind="gate",
            )
        ]
    if client.network == "internet":
        return [
            Fact(
                False,
                f"{name}.network = internet: the seed does not say how an internet client reaches "
                "a distribution point configured for HTTP (the lab has no cloud distribution "
                "point)",
                ("SCN-2",),
                kind="silence",
            )
        ]
    found = [
        Fact(
            True,
            f"{name}.join = {client.join}: a workgroup or Azure AD-joined client",
            ("SCN-2",),
        )
    ]
    found += _improvement_facts(
        lab, "the client gets a content access token", ("SCN-2", "IMP-1", "DP-2")
    )
    http = [dp for dp in lab.distribution_points if dp.connections == "http"]
    open_ = [dp for dp in http if not dp.allow_anonymous]
    if _https_only(lab):
        found.append(_https_only_fact(lab, "a distribution point configured for HTTP serves none"))
    if open_:
        found.append(
            Fact(
                True,
                f"{_dp_key(open_[0])}.connections = http, allow_anonymous = false: accepts a "
                "content access token over a secure channel, no network access account needed",
                ("DP-2", "SCN-2"),
            )
        )
    elif not lab.distribution_points:
        found.append(
            Fact(
                False,
                "distribution_points: none; scenario 2 is about a distribution point configured "
                "for HTTP",
                ("SCN-2",),
                ("distribution_points[0] = {connections = http, allow_anonymous = false}",),
            )
        )
    for dp in lab.distribution_points if not open_ else ():
        if dp.connections != "http":
            found.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.connections = {dp.connections}: scenario 2 is about a "
                    "distribution point configured for HTTP",
                    ("SCN-2",),
                    (f"{_dp_key(dp)}.connections = http",),
                )
            )
        else:
            found.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.allow_anonymous = true: clients don't authenticate, so no "
                    "content access token is asked for",
                    ("DP-1", "PRE-1"),
                    (f"{_dp_key(dp)}.allow_anonymous = false",),
                )
            )
    found += _registration_facts(lab, client)
    return found + _prerequisite_facts(lab, client, 2)


def _facts_3(lab: Lab, client: Client) -> list[Fact]:
    name = _client(client)
    gate = []
    if client.join not in ("azure-ad", "hybrid"):
        gate.append(
            Fact(
                False,
                f"{name}.join = {client.join}: scenario 3 is about Azure AD-joined or hybrid "
                "devices",
                ("SCN-3",),
                kind="gate",
            )
        )
    if client.user_signed_in:
        gate.append(
            Fact(
                False,
                f"{name}.user_signed_in = true: scenario 3 is about a device with no Azure AD "
                "user signed in",
                ("SCN-3",),
                kind="gate",
            )
        )
    if gate:
        return gate
    found = [
        Fact(
            True,
            f"{name}.join = {client.join}, user_signed_in = false: the device authenticates by "
            "its own identity",
            ("SCN-3",),
        )
    ]
    found += _improvement_facts(
        lab, "the cloud-based device identity is now sufficient", ("SCN-3", "IMP-1")
    )
    found.append(_azure_ad_fact(lab))
    if client.network == "internet":
        found.append(_cmg_fact(lab))
        found.append(_cmg_authentication_fact(lab, client))
    enhanced = _enhanced_on(lab)
    verifying = [
        mp
        for mp in lab.management_points
        if _reachable(lab, client, mp)
        and "azure-ad-device-token"
        in mp_client_authentication_methods(mp.connections, lab.site.version, enhanced)
    ]
    if verifying:
        mp = verifying[0]
        table = "MP-1" if mp.connections == "http" else "MP-2"
        found.append(
            Fact(
                True,
                f"{_mp_key(mp)} = {mp.connections}: verifies the Azure AD device token",
                (table,),
            )
        )
    elif _https_only(lab) and not any(m.connections == "https" for m in lab.management_points):
        found.append(_https_only_fact(lab, "no management point is left to verify the token"))
    if client.network == "intranet" and verifying:
        found += _registration_facts(lab, client)
    windows = Fact(
        client.build >= DEVICE_IDENTITY_BUILD,
        f"{name}.windows = {client.windows}: scenario 3 needs a client running Windows 10 "
        "version 1803",
        ("SCN-3",),
        () if client.build >= DEVICE_IDENTITY_BUILD else (f"{name}.windows = 1803",),
        "prerequisite",
    )
    return [*found, windows, *_prerequisite_facts(lab, client, 3)]


def _facts_os(lab: Lab, client: Client) -> list[Fact]:
    usable = [dp for dp in lab.distribution_points if _usable(lab, dp.connections)]
    with_naa = [dp for dp in usable if dp.network_access_account]
    if with_naa:
        dp = with_naa[0]
        return [
            Fact(
                True,
                f"{_dp_key(dp)}.network_access_account = true: the task sequence authenticates "
                "with the network access account",
                ("KI-2",),
            )
        ]
    anonymous = [dp for dp in usable if dp.connections == "http" and dp.allow_anonymous]
    if anonymous:
        dp = anonymous[0]
        return [
            Fact(
                False,
                f"{_dp_key(dp)}.allow_anonymous = true, network_access_account = false: the DP "
                "table asks no client authentication of an anonymous distribution point, yet OS "
                "deployment scenarios still require the network access account; the seed does "
                "not say which applies",
                ("DP-1", "KI-2"),
                kind="silence",
            )
        ]
    if not lab.distribution_points:
        return [
            Fact(
                False,
                "distribution_points: none; OS deployment needs a distribution point",
                ("KI-2",),
                ("distribution_points[0] = {network_access_account = true}",),
            )
        ]
    found = []
    for dp in lab.distribution_points:
        if dp in usable:
            found.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.network_access_account = false: OS deployment still needs "
                    "the network access account",
                    ("KI-2",),
                    (f"{_dp_key(dp)}.network_access_account = true",),
                )
            )
        elif dp.network_access_account:
            found.append(_https_only_fact(lab, f"{_dp_key(dp)} serves no task sequence"))
        else:
            found.append(
                Fact(
                    False,
                    f"{_dp_key(dp)}.network_access_account = false: OS deployment still needs "
                    "the network access account",
                    ("KI-2",),
                    (
                        f"{_dp_key(dp)}.network_access_account = true",
                        "site.client_communication = https-or-http",
                    ),
                )
            )
    return found


def _facts_user(lab: Lab, client: Client) -> list[Fact]:
    name = _client(client)
    if _enhanced_on(lab):
        return [
            Fact(
                False,
                "site.enhanced_http = true: users can't see applications targeted to them as "
                "available in Software Center",
                ("KI-1",),
                ("site.enhanced_http = false",),
            )
        ]
    found = [
        Fact(
            True,
            f"site.enhanced_http = {_bool(lab.site.enhanced_http)}: the known issue of enhanced "
            "HTTP doesn't apply",
            ("KI-1",),
        )
    ]
    user = user_methods(client)
    if not user:
        found.append(
            Fact(
                False,
                f"{name}.join = {client.join}: the signed-in user has no Active Directory or "
                "Azure AD identity a management point authorizes",
                ("MP-3",),
                (f"{name}.join = domain",),
            )
        )
        return found
    version = lab.site.version
    reachable = [mp for mp in lab.management_points if _reachable(lab, client, mp)]
    authorizing = [
        mp
        for mp in reachable
        if user & mp_user_authorization_methods(mp.connections, version, False)
    ]
    if authorizing:
        found.append(
            Fact(
                True,
                f"{name}.join = {client.join}: management_points[{authorizing[0].name}] "
                "authorizes the signed-in user",
                ("MP-3",),
            )
        )
    else:
        for mp in reachable:
            fix = (
                (f"{_mp_key(mp)} = https",)
                if mp.connections == "http"
                else ("site.version = 1706",)
            )
            found.append(
                Fact(
                    False,
                    f"{_mp_key(mp)} = {mp.connections}: without enhanced HTTP on version "
                    f"{version} it doesn't authorize an Azure AD user token",
                    ("MP-3",),
                    fix,
                )
            )
    registration = _registration_facts(lab, client)
    if authorizing or any(not f.holds for f in registration):
        found += registration
    return found


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


def mechanism_holds(found: Sequence[Fact]) -> bool:
    """Whether every mechanism fact holds: the model must agree (tests check it)."""
    return all(f.holds for f in found if f.kind == "mechanism")
