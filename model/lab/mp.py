"""The management point as an authenticator: registration, signed messages, tokens for content.

Implements the seed's MP table (REG-1, REG-2, REG-3, REG-6, MP-1, MP-2, MP-3): which methods a
management point accepts comes from the lab's own transcription of the table (`model/lab/policy.py`,
never `model/machines/access.py`, so lockstep fuzzing can catch a mistake in either); the
evidence itself is checked with real cryptography (SEC-2, SEC-5) and bound to the site's record of
the client it registers (`model/lab/evidence_check.py`, `model/lab/directory.py`): a device
token's device id, a domain proof's account and a PKI certificate's DNS name must be the record's
(specs/threat-model.md). It keeps each registered client's public key, registration generation and
signing regime (the regime names of `model/machines/registration.py`) in the site database it
shares with every other management point of the site (`model/lab/sitedb.py`), acts on a client
notification only when its signature verifies against the current registration (SEC-3, REG-5),
and issues content access tokens under enhanced HTTP (reference "Tokens": "The management point
issues each client a token").

A refused input never changes the management point's state, and a malformed one is refused with a
reason code, never an exception (`model/lab/inputs.py`). Requests and messages must be fresh
(`model/lab/freshness.py`), and a message's signature covers its kind. A key rollover authenticates
as two senders, the registration whose key on record signed it and the new key it proves possession
of, and its nonce is spent for both: a captured rollover sent again as a registration request of
the same key is a replay (`msg-replayed`), not a new anonymous request.

Modeling assumptions A-24: anonymous registrations wait in a pending list and replace nothing until
an administrator approves them (REG-3), and the regime is fixed at approval; a registration's id is
derived from the client name and survives re-registration, its generation counts registrations; an
Active Directory registration must come from the requesting computer's own account; a PKI
registration registers the certificate's key; a content access token is issued in answer to a signed
message whose body names the distribution point.

Modeling assumption A-42: an anonymous request proves no identity, so it is refused when the site
already holds another key for that client name, registered or awaiting approval (reason
`reg-conflicting-record`); otherwise an administrator's approval would hand an existing client's
name to whoever asked last.

Modeling assumption A-31 (re-registration at the policy poll, REG-4): the client rolls over to a
fresh key by a request that proves possession of the new key and is signed by the key on record; the
registration keeps its approval, the generation counts on and the regime follows the evidence the
request presents and the site now (A-47): a PKI client certificate, checked as at registration,
re-registers under the PKI regime (with the certificate's key, which the certificate binds to the
client, A-44), any other request under enhanced HTTP, or the self-signed regime with the option
off; the site's mark that the client is due to re-register is cleared (`model/lab/sitedb.py`). This
is the registration endpoint's key rollover, not a client message: REG-5's "can't verify the client
message signature" concerns messages such as notifications, which must be signed under the regime in
effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.config.schema import ManagementPoint, Site
from ehttp.lab.clock import LabClock
from ehttp.lab.directory import ClientRecord
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DomainUserProof,
    RegistrationRequest,
    UserEvidence,
    UserToken,
    user_payload,
)
from ehttp.lab.evidence_check import EvidenceCheck, registration_id_for
from ehttp.lab.inputs import blob, text, whole
from ehttp.lab.messages import Regime, Registration, SignedMessage, verify_message, well_formed
from ehttp.lab.mutants import (
    ANONYMOUS_REPLACES,
    DEVICE_TOKEN_WITHOUT_ENHANCED,
    IGNORES_IDENTITY,
    KEEPS_OLD_KEY,
    KIND_UNBOUND,
    SKIPS_CONTINUITY,
)
from ehttp.lab.policy import Exchange, enhanced_on, mp_accepts
from ehttp.lab.reasons import Accepted, Reason, Refused, Rejected, Verdict, value_or_raise
from ehttp.lab.requests import key_sender, possessed_key, well_formed_request
from ehttp.lab.sitedb import SiteDatabase
from ehttp.lab.tokens import AadValidator, ContentTokenIssuer
from ehttp.machines.access import Method

__all__ = [
    "CONTENT_TOKEN_REQUEST",
    "NOTIFICATION",
    "ManagementPointServer",
    "MpSnapshot",
    "registration_id_for",
]

NOTIFICATION = "client-notification"
CONTENT_TOKEN_REQUEST = "content-access-token-request"


@dataclass(frozen=True)
class MpSnapshot:
    """What a management point observes, as plain comparable data: the site database's
    registrations, pending requests and remembered nonces (`ehttp.lab.sitedb`), and what this
    management point acted on itself."""

    registrations: tuple[tuple[str, int, str, bool, bytes], ...]
    pending: tuple[tuple[str, bytes], ...]
    notifications: tuple[tuple[str, bytes], ...]
    tokens_issued: int
    nonces: tuple[tuple[str, bytes], ...]


class ManagementPointServer:
    """One management point (a `ehttp.config.schema.ManagementPoint`) serving one site."""

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
        directory: dict[str, ClientRecord],
        database: SiteDatabase,
        mutants: frozenset[str] = frozenset(),
    ) -> None:
        self._keeps_old_key = KEEPS_OLD_KEY in mutants
        self._skips_continuity = SKIPS_CONTINUITY in mutants
        self._kind_unbound = KIND_UNBOUND in mutants
        self._device_token_always = DEVICE_TOKEN_WITHOUT_ENHANCED in mutants
        self._evidence = EvidenceCheck(
            directory=directory,
            domain=domain,
            pki_roots=pki_roots,
            clock=clock,
            database=database,
            ignores_identity=IGNORES_IDENTITY in mutants,
            anonymous_replaces=ANONYMOUS_REPLACES in mutants,
        )
        """The checks of a request's identity evidence (`model/lab/evidence_check.py`)."""
        self._db = database
        self._seen = database.seen
        """The replay store this management point checks: the site database's, shared by every
        management point of the site (A-44)."""
        self.config = config
        self.site = site
        self._aad = aad
        self._domain = domain
        self._content_tokens = content_tokens
        self._clock = clock
        self.notifications: list[tuple[str, bytes]] = []
        self.tokens_issued = 0

    @property
    def enhanced(self) -> bool:
        """Whether enhanced HTTP is in effect for this site (SITE-3)."""
        return enhanced_on(self.site.version, self.site.enhanced_http)

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

    def _accepts(self, method: object, exchange: Exchange, what: str) -> Refused | None:
        table = mp_accepts(
            self.config.connections, exchange, self.site.version, self.site.enhanced_http
        )
        if method in table:
            return None
        if (
            self._device_token_always
            and exchange == "registration"
            and method == "azure-ad-device-token"
        ):
            return None
        return Refused(
            Reason.METHOD_NOT_ACCEPTED,
            f"{what} by {method} is not accepted by {self.config.connections} MP "
            f"{self.config.name} (site {self.site.version}, enhanced HTTP "
            f"{'on' if self.enhanced else 'off'}); accepted: {sorted(table)}",
        )

    def location_request(self) -> Verdict[str]:
        """REG-6: answer a location request with no authentication."""
        return self._accepts("none", "location", "location request") or Accepted(self.config.name)

    def client_package(self) -> Verdict[str]:
        """REG-6: hand out the client package with no authentication."""
        return self._accepts("none", "package", "client package") or Accepted("ccmsetup")

    def register(self, request: RegistrationRequest) -> Verdict[Registration]:
        """Register a client from its request, or name why not (SEC-2)."""
        try:
            return Accepted(self._register(request))
        except Rejected as error:
            return Refused.of(error)

    def _register(self, request: RegistrationRequest) -> Registration:
        well_formed_request(request)
        refused = self._accepts(request.evidence.method, "registration", "registration")
        if refused is not None:
            raise Rejected(refused.reason, refused.detail)
        key = possessed_key(request)
        sender = key_sender(key)
        self._fresh(sender, request.sent_at, request.nonce)
        self._evidence.check(request, key, self._aad)
        if not isinstance(request.evidence, ClientCertificate):
            self._not_superseded(request.client, key)
        registration = self._record(request, key)
        self._remember(sender, request.sent_at, request.nonce)
        return registration

    def _fresh(self, sender: str, sent_at: int, nonce: bytes, room: int = 1) -> None:
        stale = self._seen.check(sender, sent_at, nonce, self._clock.timestamp(), room=room)
        if stale is not None:
            raise Rejected(stale.reason, stale.detail)

    def _remember(self, sender: str, sent_at: int, nonce: bytes) -> None:
        self._seen.remember(sender, sent_at, nonce, self._clock.timestamp())

    def _not_superseded(self, client: str, key: ec.EllipticCurvePublicKey) -> None:
        """A key the site superseded for ``client`` registers nothing again (A-44)."""
        if self._db.is_superseded(registration_id_for(client), key):
            raise Rejected(
                Reason.REG_KEY_SUPERSEDED,
                f"the key was {client}'s before it registered a new one; the site does not "
                "take a superseded key back",
            )

    def reregister(self, request: RegistrationRequest, continuity: bytes) -> Verdict[Registration]:
        """Roll a registered client over to the key in ``request`` (REG-4, policy poll).

        ``continuity`` is the registration payload signed with the key on record.
        """
        try:
            return Accepted(self._reregister(request, continuity))
        except Rejected as error:
            return Refused.of(error)

    def _reregister(self, request: RegistrationRequest, continuity: bytes) -> Registration:
        well_formed_request(request)
        blob(continuity, "continuity", Reason.INPUT_MALFORMED)
        registration_id = registration_id_for(request.client)
        current = self._db.registrations.get(registration_id)
        if current is None:
            raise Rejected(Reason.MSG_UNREGISTERED, f"{request.client} is not registered")
        key = possessed_key(request)
        if not self._skips_continuity:
            try:
                current.public_key.verify(continuity, request.payload(), ec.ECDSA(hashes.SHA256()))
            except InvalidSignature:
                raise Rejected(
                    Reason.REG_ROLLOVER_NOT_CONTINUOUS,
                    f"rollover not signed by {request.client}'s key on record",
                ) from None
        senders = (registration_id, key_sender(key))
        for sender in senders:
            self._fresh(sender, request.sent_at, request.nonce, room=len(senders))
        regime: Regime
        if isinstance(request.evidence, ClientCertificate):
            refused = self._accepts(request.evidence.method, "registration", "re-registration")
            if refused is not None:
                raise Rejected(refused.reason, refused.detail)
            self._evidence.check_certificate(
                request.evidence, key, self._evidence.record_of(request.client)
            )
            regime = "pki"
        else:
            self._not_superseded(request.client, key)
            regime = self._regime("active-directory")
        renewed = Registration(
            current.client,
            registration_id,
            current.public_key if self._keeps_old_key else key,
            current.generation + 1,
            regime,
            True,
        )
        self._db.register(renewed, self.config.name)
        for sender in senders:
            self._remember(sender, request.sent_at, request.nonce)
        return renewed

    def _regime(self, method: Method) -> Regime:
        if method == "pki-certificate":
            return "pki"
        return "enhanced-http" if self.enhanced else "self-signed"

    def _record(self, request: RegistrationRequest, key: ec.EllipticCurvePublicKey) -> Registration:
        registration_id = registration_id_for(request.client)
        previous = self._db.registrations.get(registration_id)
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
            self._db.register(registration, self.config.name)
        else:
            self._db.file(registration, self.config.name)
        return registration

    def approve(self, client: str) -> Verdict[Registration]:
        """The administrator approves a pending client (REG-3); its regime is set now."""
        if not isinstance(client, str) or not client:
            return Refused(Reason.INPUT_MALFORMED, f"client: {client!r} is not a name")
        registration_id = registration_id_for(client)
        pending = self._db.pending.get(registration_id)
        if pending is None:
            return Refused(Reason.REG_NOT_PENDING, f"{client} has no registration pending approval")
        previous = self._db.registrations.get(registration_id)
        approved = Registration(
            pending.client,
            registration_id,
            pending.public_key,
            (previous.generation if previous else 0) + 1,
            self._regime("anonymous-manual-approval"),
            True,
        )
        self._db.approve(approved)
        return Accepted(approved)

    def verify(self, message: SignedMessage) -> Verdict[Registration]:
        """Verify a signed client message against the sender's current registration (SEC-3).

        Verifying is not acting: the message's nonce is not spent here.
        """
        try:
            checked = well_formed(message)
        except Rejected as error:
            return Refused.of(error)
        registration = self._db.registrations.get(checked.registration_id) or self._db.pending.get(
            checked.registration_id
        )
        verdict = verify_message(
            checked,
            registration,
            self.enhanced,
            kind_unbound=self._kind_unbound,
            due=checked.registration_id in self._db.due,
        )
        if isinstance(verdict, Refused):
            return verdict
        stale = self._seen.check(
            checked.registration_id, checked.sent_at, checked.nonce, self._clock.timestamp()
        )
        return verdict if stale is None else stale

    def _act_on(self, message: SignedMessage, kind: str) -> Verdict[Registration]:
        """Verify ``message`` as a ``kind`` message and spend its nonce if it verifies."""
        if isinstance(message, SignedMessage) and message.kind != kind:
            return Refused(Reason.MSG_WRONG_KIND, f"kind {message.kind!r}, expected {kind}")
        verdict = self.verify(message)
        if isinstance(verdict, Accepted):
            self._remember(message.registration_id, message.sent_at, message.nonce)
        return verdict

    def notify(self, message: SignedMessage) -> Verdict[str]:
        """Act on a client notification only if its signature verifies (SEC-3, REG-5)."""
        verdict = self._act_on(message, NOTIFICATION)
        if isinstance(verdict, Refused):
            return verdict
        self.notifications.append((verdict.value.client, message.body))
        return Accepted(verdict.value.client)

    def content_token(self, message: SignedMessage) -> Verdict[str]:
        """Issue a content access token for the DP named in a signed request (DP-2, DP-3)."""
        if not self.enhanced:
            return Refused(Reason.CAT_NOT_AVAILABLE, "content access tokens need enhanced HTTP")
        if isinstance(message, SignedMessage) and isinstance(message.body, bytes):
            try:
                text(message.body.decode("ascii"), "body", Reason.MSG_MALFORMED)
            except (UnicodeDecodeError, Rejected):
                return Refused(Reason.MSG_MALFORMED, "body is not a distribution point name")
        verdict = self._act_on(message, CONTENT_TOKEN_REQUEST)
        if isinstance(verdict, Refused):
            return verdict
        self.tokens_issued += 1
        distribution_point = message.body.decode("ascii")
        return Accepted(
            self._content_tokens.issue(verdict.value.registration_id, distribution_point)
        )

    def authorize_user(self, evidence: UserEvidence) -> Verdict[str]:
        """MP-3: authorize a user for user-targeted policy, or name why not."""
        if not isinstance(evidence, (DomainUserProof, UserToken)):
            return Refused(Reason.INPUT_MALFORMED, f"{type(evidence).__name__} is not evidence")
        refused = self._accepts(evidence.method, "user-authorization", "user authorization")
        if refused is not None:
            return refused
        if isinstance(evidence, DomainUserProof):
            try:
                return Accepted(self._user_proof(evidence))
            except Rejected as error:
                return Refused.of(error)
        if self._aad is None:
            return Refused(Reason.METHOD_NOT_ACCEPTED, "the site is not onboarded to Azure AD")
        identity = self._aad.validate(evidence.token, "user")
        if isinstance(identity, Refused):
            return identity
        return Accepted(identity.value.subject)

    def _user_proof(self, evidence: DomainUserProof) -> str:
        """The account a fresh domain user proof proves (its nonce spent), or `Rejected`."""
        account = text(evidence.account, "account", Reason.AD_BAD_PROOF)
        blob(evidence.proof, "proof", Reason.AD_BAD_PROOF)
        whole(evidence.sent_at, "sent_at", Reason.INPUT_MALFORMED)
        blob(evidence.nonce, "nonce", Reason.INPUT_MALFORMED)
        sender = f"user:{account}"
        self._fresh(sender, evidence.sent_at, evidence.nonce)
        payload = user_payload(account, evidence.sent_at, evidence.nonce)
        value_or_raise(self._domain.verify(account, payload, evidence.proof))
        self._remember(sender, evidence.sent_at, evidence.nonce)
        return account

    def snapshot(self) -> MpSnapshot:
        """The observable state, for comparisons before and after an input."""
        database = self._db.snapshot()
        return MpSnapshot(
            database.registrations,
            database.pending,
            tuple(self.notifications),
            self.tokens_issued,
            database.seen,
        )
