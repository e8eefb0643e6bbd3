"""A registration request as the management point first reads it: its shape, the key it proves,
and who it authenticates as.

Implements the first checks of SEC-2 on a request from the network (specs/threat-model.md): every
field has its type and bounds before anything is parsed or encoded (`model/lab/inputs.py`), and the
request is signed by the key it asks the site to register (A-19). The holder of that key is who the
request authenticates as, whatever client name it claims: the sender the replay store keys its
nonces by (A-35, `model/lab/freshness.py`).
"""

from __future__ import annotations

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    RegistrationRequest,
)
from ehttp.lab.inputs import blob, text, whole
from ehttp.lab.reasons import Reason, Rejected
from ehttp.lab.sitedb import fingerprint

__all__ = ["key_sender", "possessed_key", "well_formed_request"]

_EVIDENCE = (Anonymous, DomainProof, DeviceToken, ClientCertificate)


def well_formed_request(request: object) -> RegistrationRequest:
    """``request`` if every field has its type and bounds; else `Rejected` (INPUT_MALFORMED)."""
    malformed = Reason.INPUT_MALFORMED
    if not isinstance(request, RegistrationRequest):
        raise Rejected(malformed, f"{type(request).__name__} is not a registration request")
    text(request.client, "client", malformed)
    blob(request.public_key_der, "public_key_der", malformed)
    blob(request.possession, "possession", malformed)
    whole(request.sent_at, "sent_at", malformed)
    blob(request.nonce, "nonce", malformed)
    if not isinstance(request.evidence, _EVIDENCE):
        raise Rejected(malformed, f"evidence: {type(request.evidence).__name__} is not evidence")
    return request


def key_sender(key: ec.EllipticCurvePublicKey) -> str:
    """Who a registration request authenticates as: the holder of the key it proves (A-35)."""
    return f"key:{fingerprint(key).hex()}"


def possessed_key(request: RegistrationRequest) -> ec.EllipticCurvePublicKey:
    """The key a request asks to register, if the request proves possession of it."""
    try:
        key = serialization.load_der_public_key(request.public_key_der)
    except (ValueError, UnsupportedAlgorithm):
        raise Rejected(Reason.REG_BAD_PROOF_OF_POSSESSION, "public key is not DER SPKI") from None
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise Rejected(Reason.REG_BAD_PROOF_OF_POSSESSION, "public key is not an EC key")
    try:
        key.verify(request.possession, request.payload(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise Rejected(
            Reason.REG_BAD_PROOF_OF_POSSESSION, "request not signed by its key"
        ) from None
    return key
