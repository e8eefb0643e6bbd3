"""A lab: the site, its site systems and its clients, as plain frozen data.

The fields are the ones a lab file gives (see `model/config/labfile.py`); their meanings follow the
seed's
"Prerequisites", "Configure the site" and "Scenarios" sections. This module only holds the data and
its vocabularies; parsing and validation of user files live in `model/config/labfile.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal, get_args

__all__ = [
    "CLIENT_COMMUNICATION",
    "CONNECTIONS",
    "JOINS",
    "NETWORKS",
    "VERSIONS",
    "Client",
    "ClientCommunication",
    "Connections",
    "DistributionPoint",
    "Join",
    "Lab",
    "ManagementPoint",
    "Network",
    "Site",
    "Version",
]

Version = Literal["1706", "1802", "1806"]
ClientCommunication = Literal["https-only", "https-or-http"]
Connections = Literal["http", "https"]
Join = Literal["domain", "azure-ad", "hybrid", "workgroup"]
Network = Literal["intranet", "internet"]

VERSIONS: tuple[Version, ...] = get_args(Version)
CLIENT_COMMUNICATION: tuple[ClientCommunication, ...] = get_args(ClientCommunication)
CONNECTIONS: tuple[Connections, ...] = get_args(Connections)
JOINS: tuple[Join, ...] = get_args(Join)
NETWORKS: tuple[Network, ...] = get_args(Network)


@dataclass(frozen=True)
class Site:
    """The primary site's settings (seed: "Configure the site", "Prerequisites")."""

    version: Version
    client_communication: ClientCommunication
    enhanced_http: bool
    prerelease_features: bool
    azure_ad_onboarded: bool
    azure_ad_app_updated: bool
    cloud_management_gateway: bool


@dataclass(frozen=True)
class ManagementPoint:
    """A management point and the client connections it accepts (General tab)."""

    name: str
    connections: Connections


@dataclass(frozen=True)
class DistributionPoint:
    """A distribution point, its client connections and its access options (General tab)."""

    name: str
    connections: Connections
    allow_anonymous: bool
    network_access_account: bool


@dataclass(frozen=True)
class Client:
    """A Windows client: how it is joined, its build, its evidence and where it is."""

    name: str
    join: Join
    windows: str
    pki_certificate: bool
    network: Network
    user_signed_in: bool
    task_sequence: bool = False

    @property
    def build(self) -> int:
        """The Windows 10 version as a number (``"1803"`` -> 1803) for comparisons."""
        return int(self.windows)


@dataclass(frozen=True)
class Lab:
    """A whole lab: one primary site, its management and distribution points, its clients."""

    name: str
    site: Site
    management_points: tuple[ManagementPoint, ...]
    distribution_points: tuple[DistributionPoint, ...]
    clients: tuple[Client, ...]

    def with_clients(self, count: int) -> Lab:
        """The same lab with ``count`` clients, replicating the lab's clients in turn.

        Replicas keep their template's identity and evidence and get a numbered name, so that
        `--clients N` scales a lab without changing what kinds of client it holds. Templates are
        used in turn (the first N mod templates get one copy more) and each template's copies
        follow it, so interchangeable clients sit side by side.
        """
        if count < 1:
            raise ValueError(f"clients: {count} is not accepted; give a whole number >= 1")
        templates = len(self.clients)
        clients = []
        for number, template in enumerate(self.clients):
            copies = count // templates + (1 if number < count % templates else 0)
            for round_ in range(copies):
                name = template.name if round_ == 0 else f"{template.name}-{round_ + 1}"
                clients.append(replace(template, name=name))
        return replace(self, clients=tuple(clients))
