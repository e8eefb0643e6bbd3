"""Why a scenario works, is blocked, does not apply or is undocumented: facts read off a lab.

The reasons' side of `model/views/scenarios.py`. Each fact names one lab value, says whether it
allows the scenario, and cites the seed sentence behind it (a requirement ID) or the modeling
assumption it rests on (an `A-n` ID of `specs/assumptions.md`); a fact that blocks a scenario also
names the lab value that would unblock it. Facts come in four kinds:

- ``gate``: the scenario is about another kind of client (Scenario 1 is about Azure AD-joined
  devices reaching the site through a CMG, Scenario 3 about devices with no user signed in, ...).
  A failing gate makes the verdict ``not-applicable``.
- ``silence``: the seed does not decide the question (how an internet client reaches a
  distribution point on premises; whether an anonymous distribution point spares OS deployment the
  network access account). A silence makes the verdict ``undocumented``.
- ``prerequisite``: the seed's "Prerequisites" (PRE-1, PRE-2), each applied to the scenarios and
  clients the seed's words tie it to (`_concerns`): an HTTP management point to Scenarios 1 and 3,
  an HTTP distribution point without anonymous access to Scenario 2, a CMG to internet clients,
  Azure AD onboarding with the application updated to clients joined to Azure AD, Windows 10 1803
  to Scenario 3 ("*Scenario 3* only"). A missing prerequisite that concerns the client makes the
  verdict ``blocked``, and its reason names that prerequisite; the model does not read them.
- ``mechanism``: what the model's guards read (`model/compose/world.py`,
`model/machines/access.py`).
  The verdict of a scenario that applies is the model's; the tests check that the model works
  exactly when every mechanism fact holds, on every example lab and on generated labs.

Scenarios 1, 2 and 3 "benefit from these improvements", the ones "Configuration Manager version
1806 includes" (IMP-1): each needs enhanced HTTP in effect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from ehttp.config.schema import Client, DistributionPoint, Lab, ManagementPoint
from ehttp.machines.access import (
    Method,
    mp_client_authentication_methods,
    mp_registration_methods,
    mp_user_authorization_methods,
)
from ehttp.machines.registration import DEVICE_IDENTITY_BUILD

__all__ = ["Fact", "FactKind", "ScenarioId", "facts", "mechanism_holds", "user_methods"]

ScenarioId = int | Literal["os-deployment", "user-available-apps"]
FactKind = Literal["gate", "silence", "prerequisite", "mechanism"]


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
    """One lab value and what it means for a scenario.

    `text` is "<lab key> = <value>: why"; `ids` are the requirement IDs (seed sentences) and
    assumption IDs (``A-n``) it rests on; `fix` holds, for a fact that blocks, the lab values
    ("key = value") that would unblock it.
    """

    holds: bool
    text: str
    ids: tuple[str, ...]
    fix: tuple[str, ...] = ()
    kind: FactKind = "mechanism"

    @property
    def line(self) -> str:
        """The fact as users read it: the text, then its IDs in brackets."""
        return f"{self.text} ({', '.join(self.ids)})"

    @property
    def requirements(self) -> tuple[str, ...]:
        """The requirement IDs the fact cites."""
        return tuple(i for i in self.ids if not i.startswith("A-"))

    @property
    def assumptions(self) -> tuple[str, ...]:
        """The assumption IDs the fact cites."""
        return tuple(i for i in self.ids if i.startswith("A-"))


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _client(client: Client) -> str:
    return f"clients[{client.name}]"


def _mp_key(mp: ManagementPoint) -> str:
    return f"management_points[{mp.name}].connections"


def _dp_key(dp: DistributionPoint) -> str:
    return f"distribution_points[{dp.name}]"


def _enhanced_on(lab: Lab) -> bool:
    site = lab.site
    return site.enhanced_http and site.version == "1806" and site.prerelease_features


def _https_only(lab: Lab) -> bool:
    return lab.site.client_communication == "https-only"


def _usable(lab: Lab, connections: str) -> bool:
    """Config-level `Env.usable` (A-39)."""
    return connections == "https" or not _https_only(lab)


def _app_ready(lab: Lab) -> bool:
    return lab.site.azure_ad_onboarded and lab.site.azure_ad_app_updated


def _reachable(lab: Lab, client: Client, mp: ManagementPoint) -> bool:
    """Config-level `Env.mp_reachable` (HTTP MPs' role certificates start bound)."""
    if not _usable(lab, mp.connections):
        return False
    if client.network == "intranet":
        return True
    if not lab.site.cloud_management_gateway:
        return False
    return mp.connections == "https" or _enhanced_on(lab)


# --- facts shared by several scenarios ---------------------------------------------------------


def _improvement_facts(lab: Lab, why: str, ids: tuple[str, ...]) -> list[Fact]:
    """Enhanced HTTP in effect (IMP-1, SITE-1, SITE-3): one failing fact per missing setting."""
    site = lab.site
    if _enhanced_on(lab):
        return [Fact(True, f"site.enhanced_http = true: {why}", ids)]
    found = []
    if site.version != "1806":
        found.append(
            Fact(
                False,
                f"site.version = {site.version}: the improvements come with version 1806",
                ("IMP-1", "SITE-3"),
                ("site.version = 1806",),
            )
        )
    if not site.prerelease_features:
        found.append(
            Fact(
                False,
                "site.prerelease_features = false: in 1806 enhanced HTTP is a pre-release feature",
                ("SITE-3",),
                ("site.prerelease_features = true",),
            )
        )
    if not site.enhanced_http:
        found.append(
            Fact(
                False,
                f"site.enhanced_http = false: {why} only with enhanced HTTP",
                ("SITE-1", *ids[:1]),
                ("site.enhanced_http = true",),
            )
        )
    return found


def _https_only_fact(lab: Lab, what: str) -> Fact:
    ids = ("SITE-5", "A-39", "SITE-2") if lab.site.enhanced_http else ("SITE-5", "A-39")
    return Fact(
        False,
        f"site.client_communication = https-only: clients don't use site systems configured "
        f"for HTTP, so {what}",
        ids,
        ("site.client_communication = https-or-http",),
    )


def _cmg_fact(lab: Lab, kind: FactKind = "mechanism") -> Fact:
    if lab.site.cloud_management_gateway:
        return Fact(
            True,
            "site.cloud_management_gateway = true: internet clients reach the site through the CMG",
            ("PRE-1", "A-8"),
            kind=kind,
        )
    return Fact(
        False,
        "site.cloud_management_gateway = false: internet clients need a CMG",
        ("PRE-1", "A-8"),
        ("site.cloud_management_gateway = true",),
        kind,
    )


def _azure_ad_fact(lab: Lab, kind: FactKind = "mechanism") -> Fact:
    site = lab.site
    if not site.azure_ad_onboarded:
        fix = ["site.azure_ad_onboarded = true"]
        if not site.azure_ad_app_updated:
            fix.append("site.azure_ad_app_updated = true")
        return Fact(
            False,
            "site.azure_ad_onboarded = false: Azure AD tokens need the site onboarded to Azure AD "
            "for cloud management",
            ("PRE-1", "A-9"),
            tuple(fix),
            kind,
        )
    if not site.azure_ad_app_updated:
        return Fact(
            False,
            "site.azure_ad_app_updated = false: the Azure AD application must be updated "
            "(Update application setting)",
            ("PRE-1", "A-9"),
            ("site.azure_ad_app_updated = true",),
            kind,
        )
    return Fact(
        True,
        "site.azure_ad_app_updated = true: the site is onboarded to Azure AD with its "
        "application updated",
        ("PRE-1",),
        kind=kind,
    )


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


# --- one function per scenario ---------------------------------------------------------------


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
