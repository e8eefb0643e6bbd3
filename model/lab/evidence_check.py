"""Identity evidence checked against the site's record of the client it would register.

SEC-2, in specs/threat-model.md: a management point (`model/lab/mp.py`) checks the evidence of a
registration request with real cryptography (SEC-5) and binds it to the site's record of the client
the request names (`model/lab/directory.py`), never to what the request says about itself: a domain
proof's account, a device token's device id and a PKI client certificate's DNS name must be the
record's, and a PKI registration registers the certificate's key.

`no_conflict` is A-42 (`model/lab/mp.py`): an anonymous request never displaces a key the site
holds for that client name, registered or awaiting approval (reason `reg-conflicting-record`).
"""

from __future__ import annotations

import uuid

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.clock import LabClock
from ehttp.lab.directory import ClientRecord
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    RegistrationRequest,
)
from ehttp.lab.inputs import blob, text
from ehttp.lab.reasons import Reason, Rejected, value_or_raise
from ehttp.lab.sitedb import SiteDatabase
from ehttp.lab.tokens import AadValidator
from ehttp.lab.trust import verify_client

__all__ = ["EvidenceCheck", "registration_id_for"]


def registration_id_for(client: str) -> str:
    """The client's SMS GUID, derived from its name."""
    return f"GUID:{uuid.uuid5(uuid.NAMESPACE_DNS, client)}"


class EvidenceCheck:
    """A management point's checks of a registration request's identity evidence (module
    docstring); each raises `Rejected` with the reason, or returns."""

    def __init__(
        self,
        *,
        directory: dict[str, ClientRecord],
        domain: Domain,
        pki_roots: tuple[x509.Certificate, ...],
        clock: LabClock,
        database: SiteDatabase,
        ignores_identity: bool,
        anonymous_replaces: bool,
    ) -> None:
        self._directory = directory
        self._domain = domain
        self._pki_roots = pki_roots
        self._clock = clock
        self._db = database
        self._ignores_identity = ignores_identity
        self._anonymous_replaces = anonymous_replaces

    def record_of(self, client: str) -> ClientRecord | None:
        """The site's record of ``client``; None when the `IGNORES_IDENTITY` mutant is on."""
        if self._ignores_identity:
            return None
        record = self._directory.get(client)
        if record is None:
            raise Rejected(
                Reason.REG_UNKNOWN_CLIENT,
                f"the site has no record of a client named {client!r}; evidence proves a "
                "recorded client's identity only",
            )
        return record

    def check(
        self,
        request: RegistrationRequest,
        key: ec.EllipticCurvePublicKey,
        aad: AadValidator | None,
    ) -> None:
        """The request's evidence proves the identity of the client it names (SEC-2); `aad`
        validates device tokens, None while the site is not onboarded to Azure AD."""
        evidence = request.evidence
        if isinstance(evidence, Anonymous):
            self.no_conflict(request.client, key)
            return
        record = self.record_of(request.client)
        if isinstance(evidence, DomainProof):
            account = text(evidence.account, "account", Reason.AD_BAD_PROOF)
            blob(evidence.proof, "proof", Reason.AD_BAD_PROOF)
            if record is not None and account != record.account:
                raise Rejected(
                    Reason.AD_ACCOUNT_MISMATCH,
                    f"proof is from {account!r}; {request.client}'s account is {record.account!r}",
                )
            value_or_raise(self._domain.verify(account, request.payload(), evidence.proof))
            return
        if isinstance(evidence, DeviceToken):
            if aad is None:
                raise Rejected(Reason.METHOD_NOT_ACCEPTED, "the site is not onboarded to Azure AD")
            identity = value_or_raise(aad.validate(evidence.token, "device"))
            if record is not None and identity.subject != record.device_id:
                raise Rejected(
                    Reason.TOKEN_DEVICE_MISMATCH,
                    f"token is for device {identity.subject}; {request.client}'s record has "
                    f"{record.device_id}",
                )
            return
        self.check_certificate(evidence, key, record)

    def no_conflict(self, client: str, key: ec.EllipticCurvePublicKey) -> None:
        """An anonymous request proves no identity, so it never displaces a key the site holds
        for ``client`` at any of its management points, registered or awaiting approval (A-42);
        the same key asking again is a retry."""
        if self._anonymous_replaces:
            return
        for held, status in self._db.held(registration_id_for(client)):
            if held.public_key != key:
                raise Rejected(
                    Reason.REG_CONFLICTING_RECORD,
                    f"{client} is already {status} with another key; an anonymous request "
                    "can't replace it",
                )

    def check_certificate(
        self,
        evidence: ClientCertificate,
        key: ec.EllipticCurvePublicKey,
        record: ClientRecord | None,
    ) -> None:
        """A PKI client certificate chains to the site's roots, certifies the registered key and
        names the record's DNS name (no record: the `IGNORES_IDENTITY` mutant)."""
        names = value_or_raise(verify_client(evidence.chain, self._pki_roots, self._clock.now()))
        if evidence.chain[0].public_key() != key:
            raise Rejected(Reason.CERT_KEY_MISMATCH, "registered key is not the certificate's key")
        if record is not None and record.dns_name not in names:
            raise Rejected(
                Reason.CERT_CLIENT_MISMATCH,
                f"certificate names {list(names)}; {record.name}'s record is {record.dns_name}",
            )
