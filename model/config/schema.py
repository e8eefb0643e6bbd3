"""A lab: the site, its site systems and its clients, as plain frozen data, and what each field
accepts.

The fields are the ones a lab file gives (see `model/config/labfile.py`); their meanings follow the
seed's "Prerequisites", "Configure the site" and "Scenarios" sections. This module is the lab's one
schema: the dataclasses carry their constraints as `Annotated` metadata (strict text and booleans,
host names, Windows builds, at least one management point and one client), which pydantic reads
through a `TypeAdapter` in `model/config/labfile.py`; each constraint's `description` is the
"what is accepted" half of the one-line error a user sees. Constructing a dataclass directly, as
the code and the tests do, validates nothing. Why names are host names: `model/config/labfile.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, ConfigDict, Field, StrictBool, StringConstraints, with_config

__all__ = [
    "CLIENT_COMMUNICATION",
    "CONNECTIONS",
    "JOINS",
    "LAB_BOUNDS",
    "MAX_CLIENTS",
    "MAX_DISTRIBUTION_POINTS",
    "MAX_MANAGEMENT_POINTS",
    "NETWORKS",
    "SITE_INSTANCES",
    "VERSIONS",
    "WINDOWS_BUILDS",
    "Client",
    "ClientCommunication",
    "Connections",
    "DistributionPoint",
    "HostName",
    "Join",
    "Lab",
    "ManagementPoint",
    "Network",
    "Site",
    "Version",
    "WindowsBuild",
    "at_least",
]

Version = Literal["1702", "1706", "1710", "1802", "1806"]
"""Configuration Manager current branch releases, oldest first: the seed's thresholds ("version
1706", "1802", "1806") and the releases between them. A threshold reads "this version and later"
(`at_least`)."""
ClientCommunication = Literal["https-only", "https-or-http"]
Connections = Literal["http", "https"]
Join = Literal["domain", "azure-ad", "hybrid", "workgroup"]
Network = Literal["intranet", "internet"]

VERSIONS: tuple[Version, ...] = get_args(Version)


def at_least(version: Version, threshold: Version) -> bool:
    """`version` is `threshold` or a later release (the order of `VERSIONS`)."""
    return VERSIONS.index(version) >= VERSIONS.index(threshold)


MAX_CLIENTS = 32
"""The most clients `Lab.with_clients` (`--clients N`) makes: the model's state space grows
exponentially with clients (symmetry reduction only divides it), so larger labs exhaust memory
before an answer; checked by `ehttp check` with one line and exit 2, and by the lab file reader."""
MAX_MANAGEMENT_POINTS = 8
"""The most management points a lab file gives: each site system's certificate binding is a
machine of its own, which multiplies the state space about 4.5 times (measured: 1,128, 4,960,
22,440 and 104,416 states for one client and 1 to 4 management points), with no symmetry
reduction across site systems."""
MAX_DISTRIBUTION_POINTS = 8
"""The most distribution points a lab file gives (as `MAX_MANAGEMENT_POINTS`)."""
LAB_BOUNDS = {
    "management_points": MAX_MANAGEMENT_POINTS,
    "distribution_points": MAX_DISTRIBUTION_POINTS,
    "clients": MAX_CLIENTS,
}
"""Each array of tables of a lab file and the most tables it may hold."""
CLIENT_COMMUNICATION: tuple[ClientCommunication, ...] = get_args(ClientCommunication)
CONNECTIONS: tuple[Connections, ...] = get_args(Connections)
JOINS: tuple[Join, ...] = get_args(Join)
NETWORKS: tuple[Network, ...] = get_args(Network)

WINDOWS_BUILDS: tuple[str, ...] = ("1507", "1511", "1607", "1703", "1709", "1803", "1809")
"""Windows 10 versions before 1903 by name; any later four-digit year-month is accepted too."""

_WINDOWS_RULE = (
    "use a quoted Windows 10 version: "
    + ", ".join(WINDOWS_BUILDS)
    + " or a later year-month such as '1903'"
)


def _windows_build(value: str) -> str:
    """Accept the named Windows 10 versions and any later four-digit YYMM (month 01 to 12)."""
    if value in WINDOWS_BUILDS:
        return value
    yymm = re.fullmatch(r"\d{4}", value) is not None
    if yymm and 1 <= int(value[2:]) <= 12 and int(value) > int(WINDOWS_BUILDS[-1]):
        return value
    raise ValueError(_WINDOWS_RULE)


SITE_INSTANCES = ("site", "azure-ad-app", "smsexec", "clock", "toggle-history")
"""The names of the site's own machine instances: the composition names every instance, these
five and then each site system and client by its lab name (`model/compose/env.py`), and the
tables, traces and what-if steps find an instance by that name, so no site system or client may
take one (a management point named ``clock`` would be read as the clock); the lab file reader
refuses them, ignoring case as it does for duplicates."""

HostName = Annotated[
    str,
    StringConstraints(strict=True, pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$"),
    Field(
        description="use a host name: 1 to 63 letters, digits and hyphens, not starting or "
        "ending with '-'"
    ),
]
"""A site system's or client's name, which the lab's certificates carry as a DNS name."""

WindowsBuild = Annotated[
    str,
    StringConstraints(strict=True),
    AfterValidator(_windows_build),
    Field(description=_WINDOWS_RULE),
]
"""A Windows 10 version such as ``"1803"``, as text."""

_TABLE = ConfigDict(extra="forbid")
"""Unknown keys are errors; text and booleans are strict field by field (a whole strict config
would refuse the TOML tables and arrays that the nested dataclasses and tuples are read from)."""


@with_config(_TABLE)
@dataclass(frozen=True)
class Site:
    """The primary site's settings (seed: "Configure the site", "Prerequisites")."""

    version: Version
    client_communication: ClientCommunication
    enhanced_http: StrictBool
    prerelease_features: StrictBool
    azure_ad_onboarded: StrictBool
    azure_ad_app_updated: StrictBool
    cloud_management_gateway: StrictBool

    def __deepcopy__(self, memo: dict[int, object]) -> Site:
        """Itself: frozen and immutable throughout, so copies of a lab share it."""
        return self


@with_config(_TABLE)
@dataclass(frozen=True)
class ManagementPoint:
    """A management point and the client connections it accepts (General tab)."""

    name: HostName
    connections: Connections

    def __deepcopy__(self, memo: dict[int, object]) -> ManagementPoint:
        """Itself: frozen and immutable throughout, so copies of a lab share it."""
        return self


@with_config(_TABLE)
@dataclass(frozen=True)
class DistributionPoint:
    """A distribution point, its client connections and its access options (General tab)."""

    name: HostName
    connections: Connections
    allow_anonymous: StrictBool
    network_access_account: StrictBool

    def __deepcopy__(self, memo: dict[int, object]) -> DistributionPoint:
        """Itself: frozen and immutable throughout, so copies of a lab share it."""
        return self


@with_config(_TABLE)
@dataclass(frozen=True)
class Client:
    """A Windows client: how it is joined, its build, its evidence and where it is."""

    name: HostName
    join: Join
    windows: WindowsBuild
    pki_certificate: StrictBool
    network: Network
    user_signed_in: StrictBool
    task_sequence: StrictBool = False

    @property
    def build(self) -> int:
        """The Windows 10 version as a number (``"1803"`` -> 1803) for comparisons."""
        return int(self.windows)

    def __deepcopy__(self, memo: dict[int, object]) -> Client:
        """Itself: frozen and immutable throughout, so copies of a lab share it."""
        return self


@with_config(_TABLE)
@dataclass(frozen=True)
class Lab:
    """A whole lab: one primary site, its management and distribution points, its clients."""

    name: Annotated[
        str,
        StringConstraints(strict=True, min_length=1, pattern=r"^[^\x00-\x1f\x7f]+$"),
        Field(description="use a non-empty line of text"),
    ]
    site: Annotated[Site, Field(description="use one [site] table")]
    management_points: Annotated[
        tuple[ManagementPoint, ...],
        Field(min_length=1, description="use one or more [[management_points]] tables"),
    ]
    distribution_points: Annotated[
        tuple[DistributionPoint, ...],
        Field(description="use zero or more [[distribution_points]] tables"),
    ]
    clients: Annotated[
        tuple[Client, ...], Field(min_length=1, description="use one or more [[clients]] tables")
    ]

    def with_clients(self, count: int) -> Lab:
        """The same lab with ``count`` clients, replicating the lab's clients in turn.

        Replicas keep their template's identity and evidence and get a numbered name, so that
        `--clients N` scales a lab without changing what kinds of client it holds. Templates are
        used in turn (the first N mod templates get one copy more) and each template's copies
        follow it, so interchangeable clients sit side by side.
        """
        if not 1 <= count <= MAX_CLIENTS:
            raise ValueError(
                f"clients: {count} is not accepted; give a whole number from 1 to {MAX_CLIENTS}"
            )
        templates = len(self.clients)
        clients = []
        for number, template in enumerate(self.clients):
            copies = count // templates + (1 if number < count % templates else 0)
            for round_ in range(copies):
                name = template.name if round_ == 0 else f"{template.name}-{round_ + 1}"
                clients.append(replace(template, name=name))
        return replace(self, clients=tuple(clients))

    def __deepcopy__(self, memo: dict[int, object]) -> Lab:
        """Itself: frozen and immutable throughout, so copies of a lab share it."""
        return self
