"""Signed client messages and their verification against the site's registration record.

Implements SEC-3 (derived) and REG-5: after registration "the client uses message signing to prove
device identity" (reference "Registration and approval"); a client notification is acted on only
when the site verifies the signature against the client's current registration; between enabling
enhanced HTTP and re-registration "The site can't verify the client message signature" (seed,
Known issues).

Modeling assumptions: a message is signed ECDSA P-256/SHA-256 over a canonical, length-prefixed
encoding of (registration id, registration generation, kind, body); the site keeps only the
current registration's public key, so a message signed under an earlier registration is refused as
stale; the site can't verify a client registered under the self-signed regime while enhanced HTTP
is in effect (the regime names follow `model/spec/registration.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from model.lab.reasons import Accepted, Reason, Refused, Verdict

__all__ = [
    "Regime",
    "Registration",
    "SignedMessage",
    "canonical",
    "sign_message",
    "verify_message",
]

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


@dataclass(frozen=True)
class SignedMessage:
    """A client message: who sent it, under which registration generation, and its signature."""

    registration_id: str
    generation: int
    kind: str
    body: bytes
    signature: bytes


def canonical(registration_id: str, generation: int, kind: str, body: bytes) -> bytes:
    """The exact bytes a client signs: each field length-prefixed, so no two messages collide."""
    fields = (
        b"ehttp-message-v1",
        registration_id.encode(),
        str(generation).encode(),
        kind.encode(),
        body,
    )
    return b"".join(len(f).to_bytes(4, "big") + f for f in fields)


def sign_message(
    key: ec.EllipticCurvePrivateKey, registration_id: str, generation: int, kind: str, body: bytes
) -> SignedMessage:
    """A message signed with the client's registration key."""
    payload = canonical(registration_id, generation, kind, body)
    signature = key.sign(payload, ec.ECDSA(hashes.SHA256()))
    return SignedMessage(registration_id, generation, kind, body, signature)


def verify_message(
    message: SignedMessage, registration: Registration | None, enhanced: bool
) -> Verdict[Registration]:
    """Verify ``message`` against the site's current ``registration`` of its sender."""
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
    payload = canonical(message.registration_id, message.generation, message.kind, message.body)
    try:
        registration.public_key.verify(message.signature, payload, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return Refused(
            Reason.MSG_BAD_SIGNATURE, f"signature does not verify for {registration.client}"
        )
    return Accepted(registration)
