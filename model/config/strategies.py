"""Labs nobody wrote by hand: a Hypothesis strategy for valid labs, as administrators write them.

`labs()` draws a whole `Lab` that `ehttp.config.labfile.parse_lab` accepts when written with
`lab_to_toml`: any site version and client communication mode, pre-release features and the
enhanced HTTP option only where the option exists (1806 with pre-release features, SITE-3), Azure
AD onboarding, its application update and a cloud management gateway in any combination, 1 to
`max_management_points` management points and 0 to `max_distribution_points` distribution points
of either kind (HTTP or HTTPS; a distribution point with or without anonymous access and a network
access account), and 1 to `max_clients` clients of every kind (domain, Azure AD, hybrid,
workgroup; each named Windows 10 version; with or without a PKI certificate, a signed-in user, a
task sequence; on the intranet or the internet), a client as often the twin of an earlier one as
not (same configuration, so the checker's symmetry reduction is tried). The lab's name is any
line of text (quotes, markup and non-ASCII included); site systems and clients are mp1.., dp1..,
c1.., unique host names as the lab file reader requires. `max_parts` bounds site systems and
clients together: the state space grows about 4.5 times with each, so tests that check every
generated lab exhaustively keep it small.

Hypothesis is one of ehttp's run-time dependencies (`ehttp fuzz` draws from it too); only this
module of `ehttp.config` imports it, and nothing imports this module but the tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from ehttp.config.schema import (
    CLIENT_COMMUNICATION,
    CONNECTIONS,
    JOINS,
    NETWORKS,
    VERSIONS,
    WINDOWS_BUILDS,
    Client,
    DistributionPoint,
    Lab,
    ManagementPoint,
    Site,
    Version,
)

__all__ = ["clients", "labs", "sites"]


_LAB_NAMES = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=24
)
"""Any line of text (STYLE.md rule 16: a lab's name is data wherever it is shown or exported)."""


@st.composite
def sites(draw: st.DrawFn) -> Site:
    """A site's settings; enhanced HTTP on only where the option exists (1806, pre-release).
    Half the sites have the option (1806 with pre-release features): the other versions' state
    spaces are a few dozen states, the option's are where the behaviour is."""
    version: Version = "1806"
    prerelease = True
    if draw(st.booleans()):
        version, prerelease = draw(st.sampled_from(VERSIONS)), draw(st.booleans())
    has_option = version == "1806" and prerelease
    return Site(
        version=version,
        client_communication=draw(st.sampled_from(CLIENT_COMMUNICATION)),
        enhanced_http=draw(st.booleans()) if has_option else False,
        prerelease_features=prerelease,
        azure_ad_onboarded=draw(st.booleans()),
        azure_ad_app_updated=draw(st.booleans()),
        cloud_management_gateway=draw(st.booleans()),
    )


@st.composite
def clients(draw: st.DrawFn, name: str) -> Client:
    """One client named `name`, of any kind."""
    return Client(
        name=name,
        join=draw(st.sampled_from(JOINS)),
        windows=draw(st.sampled_from(WINDOWS_BUILDS)),
        pki_certificate=draw(st.booleans()),
        network=draw(st.sampled_from(NETWORKS)),
        user_signed_in=draw(st.booleans()),
        task_sequence=draw(st.booleans()),
    )


@st.composite
def labs(
    draw: st.DrawFn,
    *,
    max_management_points: int = 3,
    max_distribution_points: int = 3,
    max_clients: int = 4,
    max_parts: int | None = None,
) -> Lab:
    """A valid lab (see the module docstring); `max_parts` bounds the management points,
    distribution points and clients together (at least 2: one management point, one client)."""
    budget = max_parts if max_parts is not None else 1_000
    if budget < 2:
        raise ValueError(f"max_parts: {budget} is not accepted; give 2 or more")
    mps = draw(st.integers(1, min(max_management_points, budget - 1)))
    dps = draw(st.integers(0, min(max_distribution_points, budget - mps - 1)))
    count = draw(st.integers(1, min(max_clients, budget - mps - dps)))
    management_points = tuple(
        ManagementPoint(name=f"mp{n}", connections=draw(st.sampled_from(CONNECTIONS)))
        for n in range(1, mps + 1)
    )
    distribution_points = tuple(
        DistributionPoint(
            name=f"dp{n}",
            connections=draw(st.sampled_from(CONNECTIONS)),
            allow_anonymous=draw(st.booleans()),
            network_access_account=draw(st.booleans()),
        )
        for n in range(1, dps + 1)
    )
    members: list[Client] = []
    for n in range(1, count + 1):
        # Administrators' sites hold many clients alike: a client is as often a twin of an earlier
        # one (the same configuration, another name) as new, so the symmetry reduction is tried.
        if n > 1 and draw(st.booleans()):
            members.append(replace(draw(st.sampled_from(members)), name=f"c{n}"))
        else:
            members.append(draw(clients(f"c{n}")))
    return Lab(
        name=draw(_LAB_NAMES),
        site=draw(sites()),
        management_points=management_points,
        distribution_points=distribution_points,
        clients=tuple(members),
    )
