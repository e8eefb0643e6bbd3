"""Signed client messages and their verification against the site's registration record.

Implements SEC-3 (derived) and REG-5: after registration "the client uses message signing to prove
device identity" (reference "Registration and approval"); a client notification is acted on only
when the site verifies the signature against the client's current registration; between enabling
enhanced HTTP and re-registration "The site can't verify the client message signature" (seed, Known
issues).

Modeling assumptions A-23: a message is signed ECDSA P-256/SHA-256 over a canonical, length-prefixed
encoding of (registration id, registration generation, kind, body, the instant it was sent, a
nonce), so the signature covers the message's kind (a content access token request relabelled as a
notification does not verify) and its freshness (`model/lab/freshness.py`); the site keeps only the
current registration's public key, so a message signed under an earlier registration is refused as
stale; the site can't verify a client registered under the self-signed regime while enhanced HTTP is
in effect (the regime names follow `model/machines/registration.py`), nor one it marks due to
re-register since enhanced HTTP was enabled, whatever its regime (REG-5, A-47).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from ehttp.lab.inputs import blob, text, whole
from ehttp.lab.reasons import Accepted, Reason, Refused, Rejected, Verdict

__all__ = [
    "KINDS",
    "Regime",
    "Registration",
    "SignedMessage",
    "canonical",
    "sign_message",
    "verify_message",
    "well_formed",
]

KINDS = ("client-notification", "content-access-token-request")
"""The message kinds a management point acts on."""

Regime = Literal["self-signed", "enhanced-http", "pki"]


@dataclass(frozen=True)
class Registration:
    """The site's record of a registered client: its key, generation, regime and approval."""

    client: str
    registration_id: str
    public_key: ec.EllipticCurvePublicKey
    generation: int
    regime: Regime
    approved: bool

    def __deepcopy__(self, memo: dict[int, object]) -> Registration:
        """Itself: frozen and immutable throughout, so a copy of a lab shares it."""
        return self


@dataclass(frozen=True)
class SignedMessage:
    """A client message: who sent it, under which registration generation, what kind of message,
    when, with which nonce, and its signature over all of that."""

    registration_id: str
    generation: int
    kind: str
    body: bytes
    sent_at: int
    nonce: bytes
    signature: bytes


def canonical(
    registration_id: str, generation: int, kind: str, body: bytes, sent_at: int, nonce: bytes
) -> bytes:
    """The exact bytes a client signs: each field length-prefixed, so no two messages collide.

    The caller passes fields already checked by `ehttp.lab.inputs` (text that encodes).
    """
    fields = (
        b"ehttp-message-v1",
        registration_id.encode(),
        str(generation).encode(),
        kind.encode(),
        body,
        str(sent_at).encode(),
        nonce,
    )
    return b"".join(len(f).to_bytes(4, "big") + f for f in fields)


def sign_message(
    key: ec.EllipticCurvePrivateKey,
    registration_id: str,
    generation: int,
    kind: str,
    body: bytes,
    *,
    sent_at: int,
    nonce: bytes,
) -> SignedMessage:
    """A message signed with the client's registration key."""
    payload = canonical(registration_id, generation, kind, body, sent_at, nonce)
    signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    return SignedMessage(registration_id, generation, kind, body, sent_at, nonce, signature)


def well_formed(message: object) -> SignedMessage:
    """``message`` if every field has its type and bounds; else `Rejected` (MSG_MALFORMED)."""
    if not isinstance(message, SignedMessage):
        raise Rejected(Reason.MSG_MALFORMED, f"{type(message).__name__} is not a signed message")
    malformed = Reason.MSG_MALFORMED
    text(message.registration_id, "registration_id", malformed)
    whole(message.generation, "generation", malformed)
    text(message.kind, "kind", malformed)
    blob(message.body, "body", malformed)
    whole(message.sent_at, "sent_at", malformed)
    blob(message.nonce, "nonce", malformed)
    blob(message.signature, "signature", malformed)
    return message


def verify_message(
    message: SignedMessage,
    registration: Registration | None,
    enhanced: bool,
    *,
    kind_unbound: bool = False,
    due: bool = False,
) -> Verdict[Registration]:
    """Verify ``message`` (already `well_formed`) against the site's current ``registration``.

    ``due`` says the site marked the registration due to re-register (enhanced HTTP was enabled
    since it was made, REG-4, A-47): until the client re-registers, the site can't verify its
    message signature (REG-5).

    ``kind_unbound`` is the `mp-ignores-message-kind` mutant: a signature made for any known
    kind is taken for the kind the message claims.
    """
    if registration is None:
        return Refused(Reason.MSG_UNREGISTERED, f"{message.registration_id} is not registered")
    if not registration.approved:
        return Refused(Reason.MSG_PENDING_APPROVAL, f"{registration.client} awaits manual approval")
    try:
        decode_dss_signature(message.signature)
    except ValueError:
        return Refused(
            Reason.MSG_MALFORMED, f"signature of {len(message.signature)} bytes is not DER"
        )
    if message.generation != registration.generation:
        return Refused(
            Reason.MSG_STALE_REGISTRATION,
            f"signed under registration {message.generation}, current is {registration.generation}",
        )
    if enhanced and registration.regime == "self-signed":
        return Refused(
            Reason.MSG_REGIME_MISMATCH,
            f"{registration.client} registered self-signed; must re-register under enhanced HTTP",
        )
    if due:
        return Refused(
            Reason.MSG_REGIME_MISMATCH,
            f"{registration.client} is due to re-register since enhanced HTTP was enabled; the "
            "site can't verify the client message signature until it does",
        )
    kinds = (message.kind, *KINDS) if kind_unbound else (message.kind,)
    for kind in kinds:
        payload = canonical(
            message.registration_id,
            message.generation,
            kind,
            message.body,
            message.sent_at,
            message.nonce,
        )
        try:
            registration.public_key.verify(message.signature, payload, ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            continue
        return Accepted(registration)
    return Refused(Reason.MSG_BAD_SIGNATURE, f"signature does not verify for {registration.client}")
