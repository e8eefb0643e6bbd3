"""A Configuration Manager client in the lab: its keys, its identity evidence and its messages.

Implements the client side of the seed's scenarios: an Azure AD-joined or hybrid device presents a
device token (Scenarios 1 and 3, 1803+), a domain-joined computer its Active Directory account, a
PKI client its certificate (MP table); a registered client signs its messages (reference
"Registration and approval") and asks the MP for content access tokens (DP table).

Modeling assumption A-18: a client makes a new key pair each time it registers (the key generation
counter is part of the key derivation), and with a PKI certificate it registers the certificate's
key.

Modeling assumption A-30: when enhanced HTTP is turned on, a client registered under the self-signed
regime must re-register within one policy polling cycle (REG-4: default 60 minutes), and so must
every other registered client (A-47); the client keeps that deadline on the lab clock (none while
HTTPS only leaves it no management point, A-48) and, at its policy poll, rolls its registration
over to a fresh key (its PKI certificate's, where it presents the certificate), signing the
request with the key on record.

Every request and message carries the lab clock's instant and a nonce: an HMAC of the client's name
and a counter under the run's secret (`ehttp.lab.testbed.ConcreteLab`), never the public seed, so
no other party can predict it; a run given the same secret repeats it, and one client never
repeats one (`model/lab/freshness.py`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.config.schema import Client
from ehttp.lab.clock import LabClock
from ehttp.lab.directory import computer_account
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    Evidence,
    RegistrationRequest,
    registration_payload,
)
from ehttp.lab.freshness import NONCE_BYTES
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.messages import Registration, SignedMessage, sign_message
from ehttp.lab.pki import EnterprisePki, Issued
from ehttp.lab.tenant import Tenant
from ehttp.lab.trust import presented

__all__ = ["POLICY_INTERVAL", "ClientAgent", "public_der"]

POLICY_INTERVAL = dt.timedelta(minutes=60)
"""The default client policy polling interval (seed, Known issues; REG-4, REG-5)."""


def public_der(key: ec.EllipticCurvePrivateKey) -> bytes:
    """The DER SubjectPublicKeyInfo of ``key``'s public half."""
    return key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class ClientAgent:
    """One client computer and what it holds."""

    def __init__(
        self,
        config: Client,
        seed: int,
        dns_suffix: str,
        tenant: Tenant,
        domain: Domain,
        pki: EnterprisePki,
        clock: LabClock,
        secret: bytes,
    ) -> None:
        self.config = config
        self.name = config.name
        self.dns_name = f"{config.name}.{dns_suffix}"
        self.account = computer_account(config.name)
        self._seed = seed
        self._secret = secret
        self._clock = clock
        self._nonces = 0
        self._keys = 0
        self.key = derive_ec_key(seed, f"client:{config.name}:0")
        self._requested = self.key
        self._tenant = tenant
        self._domain_secret = (
            domain.join(self.account) if config.join in ("domain", "hybrid") else None
        )
        self.certificate: Issued | None = (
            pki.client_certificate(self.dns_name) if config.pki_certificate else None
        )
        self.registration_id: str | None = None
        self.generation = 0
        self.reregister_by: dt.datetime | None = None
        """The deadline of a due re-registration on the lab clock (REG-4); None when none is due
        or the client is stranded (A-48)."""

    @property
    def device_id(self) -> str | None:
        """The Azure AD device id, for Azure AD-joined and hybrid clients."""
        if self.config.join in ("azure-ad", "hybrid"):
            return self._tenant.device_id(self.name)
        return None

    def request(self, evidence_method: str) -> RegistrationRequest:
        """A registration request with a fresh key and the evidence for ``evidence_method``.

        Raises ValueError when the client holds no such evidence.
        """
        if evidence_method == "pki-certificate":
            if self.certificate is None:
                raise ValueError(f"method: {self.name} holds no PKI client certificate")
            held = self.certificate.key
            if not isinstance(held, ec.EllipticCurvePrivateKey):
                raise ValueError(f"method: {self.name}'s certificate key is not a P-256 key")
            key = held
        else:
            self._keys += 1
            key = derive_ec_key(self._seed, f"client:{self.name}:{self._keys}")
        der = public_der(key)
        sent_at, nonce = self._clock.timestamp(), self.nonce()
        payload = registration_payload(self.name, der, sent_at, nonce)
        evidence = self._evidence(evidence_method, payload)
        possession = key.sign(payload, ec.ECDSA(hashes.SHA256()))
        self._requested = key
        return RegistrationRequest(self.name, der, evidence, possession, sent_at, nonce)

    def nonce(self) -> bytes:
        """A fresh nonce: never the same twice for this client, unpredictable without the run's
        secret."""
        self._nonces += 1
        material = f"nonce:{self.name}:{self._nonces}".encode()
        return hmac.new(self._secret, material, hashlib.sha256).digest()[:NONCE_BYTES]

    def _evidence(self, method: str, payload: bytes) -> Evidence:
        if method == "anonymous-manual-approval":
            return Anonymous()
        if method == "active-directory" and self._domain_secret is not None:
            return DomainProof(self.account, Domain.prove(self._domain_secret, payload))
        if method == "azure-ad-device-token" and self.device_id is not None:
            return DeviceToken(self._tenant.device_token(self.name))
        if method == "pki-certificate" and self.certificate is not None:
            return ClientCertificate(presented(self.certificate))
        raise ValueError(f"method: {self.name} holds no {method} evidence")

    def continuity(self, request: RegistrationRequest) -> bytes:
        """Sign ``request``'s registration payload with the key on record (key rollover)."""
        return self.key.sign(request.payload(), ec.ECDSA(hashes.SHA256()))

    def registered(self, registration: Registration) -> None:
        """Remember the registration the site accepted, and sign with its key from now on."""
        self.key = self._requested
        self.registration_id = registration.registration_id
        self.generation = registration.generation

    def message(self, kind: str, body: bytes) -> SignedMessage:
        """A message signed under the client's current registration."""
        if self.registration_id is None:
            raise ValueError(f"client: {self.name} is not registered; register it first")
        return sign_message(
            self.key,
            self.registration_id,
            self.generation,
            kind,
            body,
            sent_at=self._clock.timestamp(),
            nonce=self.nonce(),
        )
