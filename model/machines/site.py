"""Site mode: client communication, the enhanced HTTP option, and the Azure AD application.

Implements the seed's "Configure the site" (SITE-1, CERT-1), the Note that enhanced HTTP is a
pre-release feature in 1806 (SITE-3), the known issue "Don't configure the site for HTTPS only and
Use Configuration Manager-generated certificates for HTTP site systems" (SITE-2) and the
prerequisite to onboard the site to Azure AD and update the application (PRE-1).

SITE-2 is modelled as the seed states it: the console lets the administrator reach the combination,
the documentation says not to. The state is reachable and marked unsupported, never forbidden.

Modeling assumption A-1: the site version and the pre-release switch are fixed for a lab (an
upgrade is out of scope); the option only exists in 1806 with pre-release features on, and in 1702,
1706 and 1802 the row that enables it is never enabled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ehttp.config.schema import at_least
from ehttp.machines.guards import Atom, Rendering
from ehttp.machines.machine import Machine, Row, StateDecl

if TYPE_CHECKING:
    from ehttp.machines.state import Questions, World

__all__ = [
    "APP_READY",
    "AZURE_AD_APP",
    "DISABLE",
    "ENABLE",
    "ENHANCED",
    "ENHANCED_STATES",
    "HTTPS_ONLY_STATES",
    "OPTION_AVAILABLE",
    "SELECT_HTTPS_ONLY",
    "SELECT_HTTPS_OR_HTTP",
    "SITE_MODE",
    "UNSUPPORTED_STATE",
    "option_available",
]

ENABLE = "enable enhanced HTTP"
DISABLE = "disable enhanced HTTP"
SELECT_HTTPS_ONLY = "select HTTPS only"
SELECT_HTTPS_OR_HTTP = "select HTTPS or HTTP"
UNSUPPORTED_STATE = "https-only+enhanced"
ENHANCED_STATES = frozenset({"https-or-http+enhanced", UNSUPPORTED_STATE})
HTTPS_ONLY_STATES = frozenset({"https-only", UNSUPPORTED_STATE})


def option_available(env: Questions, world: World, index: int) -> bool:
    """The option exists: version 1806 with pre-release features turned on (SITE-3)."""
    site = env.lab.site
    return at_least(site.version, "1806") and site.prerelease_features


def _option_rendering(rendering: Rendering, index: int) -> str:
    return "1" if option_available(rendering.env, (), index) else "0"


OPTION_AVAILABLE = Atom(
    "option available",
    "version 1806 and pre-release features on",
    "not version 1806 with pre-release features on",
    option_available,
    _option_rendering,
)
"""SITE-3: a fact of the lab's configuration, a constant in the Promela export."""

ENHANCED = Atom(
    "enhanced",
    "enhanced HTTP on",
    "enhanced HTTP off",
    lambda env, world, index: env.enhanced(world),
    lambda r, index: r.is_in(r.site, ENHANCED_STATES),
)
"""SITE-1: the site mode is one of the enhanced states (in either client communication mode)."""

APP_READY = Atom(
    "app ready",
    "the Azure AD application is current",
    "the Azure AD application is missing or not updated",
    lambda env, world, index: env.app_ready(world),
    lambda r, index: r.is_in(r.app, ("updated",)),
)
"""PRE-1: the site is onboarded to Azure AD and its application's settings are current."""


SITE_MODE = Machine(
    name="site-mode",
    title="Site mode",
    doc=(
        "Client Computer Communication tab: HTTPS only or HTTPS or HTTP, and the option "
        '"Use Configuration Manager-generated certificates for HTTP site systems".'
    ),
    states=(
        StateDecl("https-or-http", "HTTPS or HTTP; enhanced HTTP off"),
        StateDecl(
            "https-or-http+enhanced",
            "HTTPS or HTTP with Configuration Manager-generated certificates (enhanced HTTP)",
        ),
        StateDecl("https-only", "HTTPS only; enhanced HTTP off"),
        StateDecl(
            UNSUPPORTED_STATE,
            "HTTPS only with Configuration Manager-generated certificates: unsupported",
            marks=("unsupported", "SITE-2"),
        ),
    ),
    rows=(
        Row(
            ENABLE,
            ("https-or-http",),
            "https-or-http+enhanced",
            ("SITE-1", "SITE-3", "CERT-1"),
            "administrator",
            OPTION_AVAILABLE,
            note=(
                'select HTTPS or HTTP and enable "Use Configuration Manager-generated '
                'certificates for HTTP site systems"'
            ),
        ),
        Row(
            ENABLE,
            ("https-only",),
            UNSUPPORTED_STATE,
            ("SITE-2", "SITE-3", "CERT-1"),
            "administrator",
            OPTION_AVAILABLE,
            note="the console allows it; the known issues say not to",
        ),
        Row(
            DISABLE,
            ("https-or-http+enhanced",),
            "https-or-http",
            ("SITE-1", "CERT-3"),
            "administrator",
        ),
        Row(DISABLE, (UNSUPPORTED_STATE,), "https-only", ("SITE-2",), "administrator"),
        Row(SELECT_HTTPS_ONLY, ("https-or-http",), "https-only", ("SITE-1",), "administrator"),
        Row(
            SELECT_HTTPS_ONLY,
            ("https-or-http+enhanced",),
            UNSUPPORTED_STATE,
            ("SITE-2",),
            "administrator",
            note="the console allows it; the known issues say not to",
        ),
        Row(SELECT_HTTPS_OR_HTTP, ("https-only",), "https-or-http", ("SITE-1",), "administrator"),
        Row(
            SELECT_HTTPS_OR_HTTP,
            (UNSUPPORTED_STATE,),
            "https-or-http+enhanced",
            ("SITE-1", "SITE-2"),
            "administrator",
        ),
    ),
)

AZURE_AD_APP = Machine(
    name="azure-ad-app",
    title="Azure AD application",
    doc="Onboarding the site to Azure AD for cloud management, and updating the application.",
    states=(
        StateDecl("not-onboarded", "the site is not onboarded to Azure AD"),
        StateDecl(
            "needs-update",
            "onboarded before 1806; the web application's settings were not updated",
            marks=("prerequisite-missing", "PRE-1"),
        ),
        StateDecl("updated", "onboarded, application settings current"),
    ),
    rows=(
        Row(
            "onboard the site to Azure AD for cloud management",
            ("not-onboarded",),
            "updated",
            ("PRE-1",),
            "administrator",
            note=(
                "Modeling assumption A-2: onboarding on 1806 creates an application "
                "that needs no update"
            ),
            assumes=("A-2",),
        ),
        Row(
            "Update application setting",
            ("needs-update",),
            "updated",
            ("PRE-1",),
            "administrator",
            note="Administration > Cloud Services > Azure Active Directory Tenants",
        ),
    ),
)
