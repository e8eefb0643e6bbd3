"""What a client presents to a site system: identity evidence and credentials, one class per method.

Each class names the access-table method it is evidence for (`model/machines/access.py`, from the
seed's MP
and DP tables), so a site system first asks the table whether it accepts the method at all, then
checks the evidence itself. Registration requests carry a proof of possession of the key the client
asks the site to register (reference: after registration "the client uses message signing to prove
device identity").

Modeling assumption A-19: a registration request is signed by the key it registers (ECDSA over
`registration_payload`), and Active Directory evidence is an account's proof over the same payload;
the payload names the client, the key, the instant the request was sent and a nonce, so a proof
made for one client, or one moment, is no proof for another (`model/lab/freshness.py`). An Active
Directory user asking for user policy (MP-3) proves the same way over `user_payload`: the account,
the instant and a nonce, so a captured proof is no proof later, again, or for another account.

Device token evidence is the token alone: which device it must be for is the site's record of the
client being registered, never something the request says about itself (specs/threat-model.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ehttp.lab.trust import Presented
from ehttp.machines.access import Method

__all__ = [
    "Anonymous",
    "ClientCertificate",
    "ContentToken",
    "Credential",
    "DeviceToken",
    "DomainProof",
    "DomainUserProof",
    "Evidence",
    "NaaLogon",
    "NoCredential",
    "RegistrationRequest",
    "UserEvidence",
    "UserToken",
    "registration_payload",
    "user_payload",
]


@dataclass(frozen=True)
class Anonymous:
    """No identity evidence: anonymous registration, pending manual approval (REG-3)."""

    method: ClassVar[Method] = "anonymous-manual-approval"


@dataclass(frozen=True)
class DomainProof:
    """Active Directory evidence: the account's proof over the request payload."""

    account: str
    proof: bytes
    method: ClassVar[Method] = "active-directory"


@dataclass(frozen=True)
class DomainUserProof:
    """Active Directory evidence for a user (MP-3): the account's proof over `user_payload`, with
    the instant it was made and its nonce."""

    account: str
    proof: bytes
    sent_at: int
    nonce: bytes
    method: ClassVar[Method] = "active-directory"


@dataclass(frozen=True)
class DeviceToken:
    """An Azure AD device token (Scenario 3)."""

    token: str
    method: ClassVar[Method] = "azure-ad-device-token"


@dataclass(frozen=True)
class UserToken:
    """An Azure AD user token (MP-3)."""

    token: str
    method: ClassVar[Method] = "azure-ad-user-token"


@dataclass(frozen=True)
class ClientCertificate:
    """A PKI client authentication certificate chain."""

    chain: Presented
    method: ClassVar[Method] = "pki-certificate"


@dataclass(frozen=True)
class NaaLogon:
    """Windows authentication with the network access account (DP-2, DP-3)."""

    user: str
    secret: str
    method: ClassVar[Method] = "network-access-account"


@dataclass(frozen=True)
class ContentToken:
    """A content access token issued by the management point (DP-2, DP-3)."""

    token: str
    method: ClassVar[Method] = "content-access-token"


@dataclass(frozen=True)
class NoCredential:
    """Nothing presented (an anonymous download, DP-1)."""

    method: ClassVar[Method] = "none"


Evidence = Anonymous | DomainProof | DeviceToken | ClientCertificate
UserEvidence = DomainUserProof | UserToken
Credential = NoCredential | NaaLogon | ContentToken | ClientCertificate


def registration_payload(client: str, public_key_der: bytes, sent_at: int, nonce: bytes) -> bytes:
    """The bytes a registration's proofs cover: the client name, the key to register, when the
    request was sent and its nonce (fields already checked by `ehttp.lab.inputs`)."""
    fields = (b"ehttp-register-v1", client.encode(), public_key_der, str(sent_at).encode(), nonce)
    return b"".join(len(f).to_bytes(4, "big") + f for f in fields)


def user_payload(account: str, sent_at: int, nonce: bytes) -> bytes:
    """The bytes a domain user's proof covers when asking for user policy: the account, when the
    proof was made and its nonce (fields already checked by `ehttp.lab.inputs`)."""
    fields = (b"ehttp-user-policy-v2", account.encode(), str(sent_at).encode(), nonce)
    return b"".join(len(f).to_bytes(4, "big") + f for f in fields)


@dataclass(frozen=True)
class RegistrationRequest:
    """A client's request to register ``public_key_der`` under its name, with evidence."""

    client: str
    public_key_der: bytes
    evidence: Evidence
    possession: bytes
    sent_at: int
    nonce: bytes

    def payload(self) -> bytes:
        """What the request's proofs cover (`registration_payload`)."""
        return registration_payload(self.client, self.public_key_der, self.sent_at, self.nonce)
