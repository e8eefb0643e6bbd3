"""Facts about a lab, each saying whether it allows a scenario: the type, and the readings shared
by every scenario (enhanced HTTP in effect, HTTPS only, the CMG, Azure AD onboarding).

The facts' kinds and what each does to a decision are in `model/decide/scenario_facts.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ehttp.config.schema import Client, DistributionPoint, Lab, ManagementPoint
from ehttp.machines.access import Method

__all__ = ["Fact", "FactKind", "ScenarioId", "user_methods"]

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
