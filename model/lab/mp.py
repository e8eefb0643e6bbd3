"""The management point as an authenticator: registration, signed messages, tokens for content.

Implements the seed's MP table (REG-1, REG-2, REG-3, REG-6, MP-1, MP-2, MP-3): which methods a
management point accepts comes from `model/spec/access.py`; this module checks the evidence itself
with real cryptography (SEC-2, SEC-5). It keeps each registered client's public key, registration
generation and signing regime (the regime names of `model/spec/registration.py`), acts on a client
notification only when its signature verifies against the current registration (SEC-3, REG-5),
and issues content access tokens under enhanced HTTP (reference "Tokens": "The management point
issues each client a token").

A refused input never changes the management point's state.

Modeling assumptions: anonymous registrations wait in a pending list and replace nothing until an
administrator approves them (REG-3), and the regime is fixed at approval; a registration's id is
derived from the client name and survives re-registration, its generation counts registrations;
an Active Directory registration must come from the requesting computer's own account; a PKI
registration registers the certificate's key; a content access token is issued in answer to a
signed message whose body names the distribution point.

Modeling assumption (re-registration at the policy poll, REG-4): the client rolls over to a fresh
key by a request that proves possession of the new key and is signed by the key on record; the
registration keeps its approval, the generation counts on and the regime follows the site now.
This is the registration endpoint's key rollover, not a client message: REG-5's "can't verify the
client message signature" concerns messages such as notifications, which must be signed under the
regime in effect.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from model.config.schema import ManagementPoint, Site
from model.lab.clock import LabClock
from model.lab.domain import Domain
from model.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    RegistrationRequest,
    UserEvidence,
    registration_payload,
)
from model.lab.messages import Regime, Registration, SignedMessage, verify_message
from model.lab.mutants import KEEPS_OLD_KEY
from model.lab.reasons import Accepted, Reason, Refused, Verdict
from model.lab.tokens import AadValidator, ContentTokenIssuer
from model.lab.trust import verify_client
from model.spec.access import (
    Method,
    enhanced_in_effect,
    mp_client_package_methods,
    mp_location_request_methods,
    mp_registration_methods,
    mp_user_authorization_methods,
)

__all__ = [
    "CONTENT_TOKEN_REQUEST",
    "NOTIFICATION",
    "ManagementPointServer",
    "MpSnapshot",
    "registration_id_for",
    "user_payload",
]

NOTIFICATION = "client-notification"
CONTENT_TOKEN_REQUEST = "content-access-token-request"


def registration_id_for(client: str) -> str:
    """The client's SMS GUID, derived from its name."""
    return f"GUID:{uuid.uuid5(uuid.NAMESPACE_DNS, client)}"


@dataclass(frozen=True)
class MpSnapshot:
    """Everything observable about a management point's state, as plain comparable data."""

    registrations: tuple[tuple[str, int, str, bool, bytes], ...]
    pending: tuple[tuple[str, bytes], ...]
    notifications: tuple[tuple[str, bytes], ...]
    tokens_issued: int


def _fingerprint(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)


class ManagementPointServer:
    """One management point (a `model.config.schema.ManagementPoint`) serving one site."""

    def __init__(
        self,
        config: ManagementPoint,
        site: Site,
        *,
        aad: AadValidator | None,
        domain: Domain,
        pki_roots: tuple[x509.Certificate, ...],
        content_tokens: ContentTokenIssuer,
        clock: LabClock,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self._keeps_old_key = KEEPS_OLD_KEY in mutants
        self.config = config
        self.site = site
        self._aad = aad
        self._domain = domain
        self._pki_roots = pki_roots
        self._content_tokens = content_tokens
        self._clock = clock
        self.registrations: dict[str, Registration] = {}
        self.pending: dict[str, Registration] = {}
        self.notifications: list[tuple[str, bytes]] = []
        self.tokens_issued = 0

    @property
    def enhanced(self) -> bool:
        """Whether enhanced HTTP is in effect for this site (SITE-3)."""
        return enhanced_in_effect(self.site.version, self.site.enhanced_http)

    def configure(self, site: Site) -> None:
        """Take the site's current settings (the site pushes its configuration)."""
        self.site = site

    def onboard(self, aad: AadValidator) -> None:
        """The site is onboarded to Azure AD: validate tokens from its tenant from now on."""
        self._aad = aad

    @property
    def onboarded(self) -> bool:
        """Whether this management point validates Azure AD tokens."""
        return self._aad is not None

    def _accepts(self, method: Method, table: frozenset[Method], what: str) -> Refused | None:
        if method in table:
            return None
        return Refused(
            Reason.METHOD_NOT_ACCEPTED,
            f"{what} by {method} is not accepted by {self.config.connections} MP "
            f"{self.config.name} (site {self.site.version}, enhanced HTTP "
            f"{'on' if self.enhanced else 'off'}); accepted: {sorted(table)}",
        )

    def location_request(self) -> Verdict[str]:
        """REG-6: answer a location request with no authentication."""
        table = mp_location_request_methods(
            self.config.connections, self.site.version, self.enhanced
        )
        return self._accepts("none", table, "location request") or Accepted(self.config.name)

    def client_package(self) -> Verdict[str]:
        """REG-6: hand out the client package with no authentication."""
        table = mp_client_package_methods(self.config.connections, self.site.version, self.enhanced)
        return self._accepts("none", table, "client package") or Accepted("ccmsetup")

    def register(self, request: RegistrationRequest) -> Verdict[Registration]:
        """Register a client from its request, or name why not (SEC-2)."""
        table = mp_registration_methods(self.config.connections, self.site.version, self.enhanced)
        refused = self._accepts(request.evidence.method, table, "registration")
        if refused is not None:
            return refused
        key = _possessed_key(request)
        if isinstance(key, Refused):
            return key
        payload = registration_payload(request.client, request.public_key_der)
        checked = self._check_evidence(request, payload, key)
        if checked is not None:
            return checked
        return Accepted(self._record(request, key))

    def reregister(self, request: RegistrationRequest, continuity: bytes) -> Verdict[Registration]:
        """Roll a registered client over to the key in ``request`` (REG-4, policy poll).

        ``continuity`` is the registration payload signed with the key on record.
        """
        registration_id = registration_id_for(request.client)
        current = self.registrations.get(registration_id)
        if current is None:
            return Refused(Reason.MSG_UNREGISTERED, f"{request.client} is not registered here")
        key = _possessed_key(request)
        if isinstance(key, Refused):
            return key
        payload = registration_payload(request.client, request.public_key_der)
        try:
            current.public_key.verify(continuity, payload, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return Refused(
                Reason.MSG_BAD_SIGNATURE, f"rollover not signed by {request.client}'s key on record"
            )
        regime: Regime = "pki" if current.regime == "pki" else self._regime("active-directory")
        renewed = Registration(
            current.client,
            registration_id,
            current.public_key if self._keeps_old_key else key,
            current.generation + 1,
            regime,
            True,
        )
        self.registrations[registration_id] = renewed
        return Accepted(renewed)

    def _check_evidence(
        self, request: RegistrationRequest, payload: bytes, key: ec.EllipticCurvePublicKey
    ) -> Refused | None:
        evidence = request.evidence
        if isinstance(evidence, Anonymous):
            return None
        if isinstance(evidence, DomainProof):
            account = f"{request.client.upper()}$"
            if evidence.account != account:
                return Refused(Reason.AD_BAD_PROOF, f"{evidence.account} is not {account}")
            verdict = self._domain.verify(account, payload, evidence.proof)
            return verdict if isinstance(verdict, Refused) else None
        if isinstance(evidence, DeviceToken):
            if self._aad is None:
                return Refused(Reason.METHOD_NOT_ACCEPTED, "the site is not onboarded to Azure AD")
            identity = self._aad.validate(evidence.token, "device")
            if isinstance(identity, Refused):
                return identity
            if identity.value.subject != evidence.device_id:
                return Refused(
                    Reason.TOKEN_DEVICE_MISMATCH,
                    f"token is for device {identity.value.subject}, not {evidence.device_id}",
                )
            return None
        return self._check_certificate(evidence, key)

    def _check_certificate(
        self, evidence: ClientCertificate, key: ec.EllipticCurvePublicKey
    ) -> Refused | None:
        verdict = verify_client(evidence.chain, self._pki_roots, self._clock.now())
        if isinstance(verdict, Refused):
            return verdict
        if evidence.chain[0].public_key() != key:
            return Refused(Reason.CERT_KEY_MISMATCH, "registered key is not the certificate's key")
        return None

    def _regime(self, method: Method) -> Regime:
        if method == "pki-certificate":
            return "pki"
        return "enhanced-http" if self.enhanced else "self-signed"

    def _record(self, request: RegistrationRequest, key: ec.EllipticCurvePublicKey) -> Registration:
        registration_id = registration_id_for(request.client)
        previous = self.registrations.get(registration_id)
        generation = (previous.generation if previous else 0) + 1
        approved = not isinstance(request.evidence, Anonymous)
        registration = Registration(
            request.client,
            registration_id,
            previous.public_key if previous and self._keeps_old_key else key,
            generation,
            self._regime(request.evidence.method),
            approved,
        )
        if approved:
            self.registrations[registration_id] = registration
            self.pending.pop(registration_id, None)
        else:
            self.pending[registration_id] = registration
        return registration

    def approve(self, client: str) -> Verdict[Registration]:
        """The administrator approves a pending client (REG-3); its regime is set now."""
        registration_id = registration_id_for(client)
        pending = self.pending.get(registration_id)
        if pending is None:
            return Refused(Reason.REG_NOT_PENDING, f"{client} has no registration pending approval")
        previous = self.registrations.get(registration_id)
        approved = Registration(
            pending.client,
            registration_id,
            pending.public_key,
            (previous.generation if previous else 0) + 1,
            self._regime("anonymous-manual-approval"),
            True,
        )
        del self.pending[registration_id]
        self.registrations[registration_id] = approved
        return Accepted(approved)

    def verify(self, message: SignedMessage) -> Verdict[Registration]:
        """Verify a signed client message against the sender's current registration (SEC-3)."""
        registration = self.registrations.get(message.registration_id) or self.pending.get(
            message.registration_id
        )
        return verify_message(message, registration, self.enhanced)

    def notify(self, message: SignedMessage) -> Verdict[str]:
        """Act on a client notification only if its signature verifies (SEC-3, REG-5)."""
        if message.kind != NOTIFICATION:
            return Refused(Reason.MSG_MALFORMED, f"kind {message.kind!r}, expected {NOTIFICATION}")
        verdict = self.verify(message)
        if isinstance(verdict, Refused):
            return verdict
        self.notifications.append((verdict.value.client, message.body))
        return Accepted(verdict.value.client)

    def content_token(self, message: SignedMessage) -> Verdict[str]:
        """Issue a content access token for the DP named in a signed request (DP-2, DP-3)."""
        if message.kind != CONTENT_TOKEN_REQUEST:
            return Refused(
                Reason.MSG_MALFORMED, f"kind {message.kind!r}, expected {CONTENT_TOKEN_REQUEST}"
            )
        if not self.enhanced:
            return Refused(Reason.CAT_NOT_AVAILABLE, "content access tokens need enhanced HTTP")
        verdict = self.verify(message)
        if isinstance(verdict, Refused):
            return verdict
        try:
            distribution_point = message.body.decode("ascii")
        except UnicodeDecodeError:
            return Refused(Reason.MSG_MALFORMED, "body is not a distribution point name")
        self.tokens_issued += 1
        return Accepted(
            self._content_tokens.issue(verdict.value.registration_id, distribution_point)
        )

    def authorize_user(self, evidence: UserEvidence) -> Verdict[str]:
        """MP-3: authorize a user for user-targeted policy, or name why not."""
        table = mp_user_authorization_methods(
            self.config.connections, self.site.version, self.enhanced
        )
        refused = self._accepts(evidence.method, table, "user authorization")
        if refused is not None:
            return refused
        if isinstance(evidence, DomainProof):
            return self._domain.verify(
                evidence.account, user_payload(evidence.account), evidence.proof
            )
        if self._aad is None:
            return Refused(Reason.METHOD_NOT_ACCEPTED, "the site is not onboarded to Azure AD")
        identity = self._aad.validate(evidence.token, "user")
        if isinstance(identity, Refused):
            return identity
        return Accepted(identity.value.subject)

    def snapshot(self) -> MpSnapshot:
        """The observable state, for comparisons before and after an input."""
        return MpSnapshot(
            tuple(
                sorted(
                    (
                        r.registration_id,
                        r.generation,
                        r.regime,
                        r.approved,
                        _fingerprint(r.public_key),
                    )
                    for r in self.registrations.values()
                )
            ),
            tuple(
                sorted(
                    (r.registration_id, _fingerprint(r.public_key)) for r in self.pending.values()
                )
            ),
            tuple(self.notifications),
            self.tokens_issued,
        )


def _possessed_key(request: RegistrationRequest) -> ec.EllipticCurvePublicKey | Refused:
    """The key a request asks to register, if the request proves possession of it."""
    try:
        key = serialization.load_der_public_key(request.public_key_der)
    except ValueError:
        return Refused(Reason.REG_BAD_PROOF_OF_POSSESSION, "public key is not DER SPKI")
    if not isinstance(key, ec.EllipticCurvePublicKey):
        return Refused(Reason.REG_BAD_PROOF_OF_POSSESSION, "public key is not an EC key")
    payload = registration_payload(request.client, request.public_key_der)
    try:
        key.verify(request.possession, payload, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return Refused(Reason.REG_BAD_PROOF_OF_POSSESSION, "request not signed by its key")
    return key


def user_payload(account: str) -> bytes:
    """What a domain user's proof covers when asking for user policy."""
    return b"ehttp-user-policy-v1:" + account.encode()
