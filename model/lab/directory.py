"""The site's record of each client: the identities its evidence must prove.

SEC-2, in specs/threat-model.md: evidence is bound to the client record it registers. A device token
proves a device id, a domain proof an account, a PKI client certificate a DNS name; the management
point compares each with the record of the client named in the request, never with what the
request says about itself. Without the record, a token for device X (or a certificate for
computer X) would register client Y and take over Y's registration.

Modeling assumption A-34: the site knows each client's record before it registers, as Configuration
Manager's discovery methods (Active Directory System Discovery, Azure Active Directory device
discovery) create resource records the seed and reference don't detail: its name, its Azure AD
device id when it is Azure AD-joined or hybrid, its computer account (``NAME$``) when it is
domain-joined or hybrid, and its fully qualified DNS name, which a PKI client certificate must
name in subjectAltName. Names are compared exactly, case included.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ehttp.config.schema import Client

__all__ = ["ClientRecord", "computer_account", "directory_of"]


@dataclass(frozen=True)
class ClientRecord:
    """What the site knows of one client (see the module docstring)."""

    name: str
    dns_name: str
    device_id: str | None
    account: str | None

    def __deepcopy__(self, memo: dict[int, object]) -> ClientRecord:
        """Itself: frozen and immutable throughout, so a copy of a lab shares it."""
        return self


def computer_account(name: str) -> str:
    """The Active Directory computer account of the computer ``name``."""
    return f"{name.upper()}$"


def directory_of(
    clients: Iterable[Client], dns_suffix: str, device_id: Mapping[str, str]
) -> dict[str, ClientRecord]:
    """The site's records of ``clients``; ``device_id`` maps Azure AD-joined names to ids."""
    return {
        c.name: ClientRecord(
            c.name,
            f"{c.name}.{dns_suffix}",
            device_id.get(c.name) if c.join in ("azure-ad", "hybrid") else None,
            computer_account(c.name) if c.join in ("domain", "hybrid") else None,
        )
        for c in clients
    }
