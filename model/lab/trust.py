"""Certificate path validation with `cryptography`'s X.509 verifier, failures mapped to reasons.

Implements SEC-4 (derived): a client accepts a site system's certificate only if it chains to a root
it trusts (the site's SMS Issuing root, or a trusted enterprise PKI; reference "Certificates") and
names that site system; and, for PKI client authentication (seed MP and DP tables), a client
certificate only if it chains to a trusted root and carries clientAuth.

The accept decision is `cryptography.x509.verification` alone, for path validation and for the TLS
handshake (`model/lab/tls.py` hands it the chain the server served): one verifier decides both, so
a certificate refused one way is refused the other, for the same reason. Only after it refuses does
`diagnose` look at the certificates to name the reason (issuer not a CA; a certificate outside the
RFC 5280 profile the verifier enforces: a leaf asserting cA, a leaf naming no authority key
identifier, an intermediate stating no key usage; expired, wrong name, wrong usage; untrusted
otherwise).

One key policy for path validation and TLS (specs/threat-model.md): `key_refusal` refuses any
certificate of a presented chain whose key is RSA under `MIN_RSA_BITS` bits, an elliptic curve other
than P-256, P-384 or P-521, or another algorithm, with CERT_WEAK_KEY, before the verifier runs;
`model/lab/tls.py` applies the same function to what a site system serves before its TLS server
context loads it. Names are read only from subjectAltName in both (the TLS client turns
`hostname_checks_common_name` off). Modeling assumption A-37: the minimum sizes follow current
CA/Browser Forum baseline requirements; the documents give none. Modeling assumption A-29: how
Configuration Manager clients trust SMS Issuing is not documented (reference "[Inference]":
site-delivered trust); the lab passes the roots a client trusts explicitly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import DNSName
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from ehttp.lab.pki import Issued
from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict

__all__ = [
    "MIN_RSA_BITS",
    "Presented",
    "diagnose",
    "key_refusal",
    "presented",
    "verify_client",
    "verify_server",
]

MIN_RSA_BITS = 2048
_CURVES = (ec.SECP256R1, ec.SECP384R1, ec.SECP521R1)


Presented = tuple[x509.Certificate, tuple[x509.Certificate, ...]]
"""A presented chain: the leaf and the intermediates sent with it."""


def presented(issued: Issued) -> Presented:
    """What a holder of ``issued`` presents: its certificate and intermediates."""
    return issued.certificate, issued.intermediates


def key_refusal(certificates: Sequence[x509.Certificate]) -> Refused | None:
    """Why a chain's keys are too weak for the lab's one key policy, if they are."""
    for certificate in certificates:
        try:
            key = certificate.public_key()
        except (ValueError, TypeError) as error:
            return Refused(Reason.CERT_WEAK_KEY, f"unreadable public key: {error}")
        subject = certificate.subject.rfc4514_string()
        if isinstance(key, rsa.RSAPublicKey):
            if key.key_size < MIN_RSA_BITS:
                return Refused(
                    Reason.CERT_WEAK_KEY,
                    f"{subject}: RSA {key.key_size} bits; at least {MIN_RSA_BITS} accepted",
                )
        elif isinstance(key, ec.EllipticCurvePublicKey):
            if not isinstance(key.curve, _CURVES):
                return Refused(Reason.CERT_WEAK_KEY, f"{subject}: curve {key.curve.name}")
        else:
            return Refused(Reason.CERT_WEAK_KEY, f"{subject}: {type(key).__name__} keys")
    return None


def _shape(chain: object) -> Refused | None:
    if (
        not isinstance(chain, tuple)
        or len(chain) != 2
        or not isinstance(chain[0], x509.Certificate)
        or not isinstance(chain[1], tuple)
        or not all(isinstance(c, x509.Certificate) for c in chain[1])
        or len(chain[1]) > 8
    ):
        return Refused(Reason.CERT_UNTRUSTED, "not a certificate and at most 8 intermediates")
    return None


def verify_server(
    chain: Presented, name: str, roots: Sequence[x509.Certificate], at: dt.datetime
) -> Verdict[None]:
    """Accept a TLS server certificate for ``name`` at lab time ``at`` against ``roots``."""
    refused = _shape(chain) or key_refusal((chain[0], *chain[1]))
    if refused is not None:
        return refused
    leaf, intermediates = chain
    verifier = (
        PolicyBuilder().store(Store(list(roots))).time(at).build_server_verifier(DNSName(name))
    )
    try:
        verifier.verify(leaf, list(intermediates))
    except VerificationError as error:
        return diagnose(chain, roots, at, ExtendedKeyUsageOID.SERVER_AUTH, name, str(error))
    return Accepted(None)


def verify_client(
    chain: Presented, roots: Sequence[x509.Certificate], at: dt.datetime
) -> Verdict[tuple[str, ...]]:
    """Accept a client authentication certificate; the value is its subjectAltName DNS names."""
    refused = _shape(chain) or key_refusal((chain[0], *chain[1]))
    if refused is not None:
        return refused
    leaf, intermediates = chain
    verifier = PolicyBuilder().store(Store(list(roots))).time(at).build_client_verifier()
    try:
        verified = verifier.verify(leaf, list(intermediates))
    except VerificationError as error:
        return diagnose(chain, roots, at, ExtendedKeyUsageOID.CLIENT_AUTH, None, str(error))
    names = verified.subjects or []
    return Accepted(tuple(str(n.value) for n in names if isinstance(n, x509.DNSName)))


def _issued_by(child: x509.Certificate, parent: x509.Certificate) -> bool:
    try:
        child.verify_directly_issued_by(parent)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def _is_ca(certificate: x509.Certificate) -> bool:
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return constraints.value.ca


def _has(certificate: x509.Certificate, extension: type[x509.ExtensionType]) -> bool:
    try:
        certificate.extensions.get_extension_for_class(extension)
    except x509.ExtensionNotFound:
        return False
    return True


def _profile(leaf: x509.Certificate, parent: x509.Certificate, root: bool) -> Refused | None:
    """Why a chain the verifier refused is outside the RFC 5280 profile it enforces, if so."""
    subject = leaf.subject.rfc4514_string()
    if _is_ca(leaf):
        return Refused(
            Reason.CERT_BAD_PROFILE, f"{subject} asserts cA=TRUE: a CA is no end-entity certificate"
        )
    if not _has(leaf, x509.AuthorityKeyIdentifier):
        return Refused(
            Reason.CERT_BAD_PROFILE, f"{subject} names no authority key identifier (RFC 5280)"
        )
    if not root and not _has(parent, x509.KeyUsage):
        return Refused(
            Reason.CERT_BAD_PROFILE,
            f"intermediate {parent.subject.rfc4514_string()} states no key usage (RFC 5280)",
        )
    return None


def _usages(certificate: x509.Certificate) -> frozenset[x509.ObjectIdentifier]:
    try:
        return frozenset(
            certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        )
    except x509.ExtensionNotFound:
        return frozenset()


def _dns_names(certificate: x509.Certificate) -> frozenset[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    except x509.ExtensionNotFound:
        return frozenset()
    return frozenset(san.value.get_values_for_type(x509.DNSName))


def diagnose(
    chain: Presented,
    roots: Sequence[x509.Certificate],
    at: dt.datetime,
    usage: x509.ObjectIdentifier,
    name: str | None,
    library_message: str,
) -> Refused:
    """Name the reason for a chain the verifier refused (never turns a refusal into acceptance)."""
    leaf, intermediates = chain
    parents = [c for c in (*intermediates, *roots) if _issued_by(leaf, c)]
    if not parents:
        return Refused(
            Reason.CERT_UNTRUSTED, f"no trusted issuer signed {leaf.subject.rfc4514_string()}"
        )
    parent = parents[0]
    if parent not in roots:
        if not _is_ca(parent):
            return Refused(
                Reason.CERT_ISSUER_NOT_CA,
                f"issuer {parent.subject.rfc4514_string()} is not a certificate authority",
            )
        if not any(_issued_by(parent, root) for root in roots):
            return Refused(Reason.CERT_UNTRUSTED, "intermediate does not chain to a trusted root")
    outside = _profile(leaf, parent, parent in roots)
    if outside is not None:
        return outside
    if not leaf.not_valid_before_utc <= at <= leaf.not_valid_after_utc:
        return Refused(
            Reason.CERT_EXPIRED,
            f"valid {leaf.not_valid_before_utc:%Y-%m-%d} to {leaf.not_valid_after_utc:%Y-%m-%d}, "
            f"checked at {at:%Y-%m-%d %H:%M}",
        )
    if name is not None and name not in _dns_names(leaf):
        return Refused(
            Reason.CERT_WRONG_NAME,
            f"certificate names {sorted(_dns_names(leaf))}, expected {name}",
        )
    if usage not in _usages(leaf):
        return Refused(Reason.CERT_WRONG_USAGE, f"extended key usage lacks {usage.dotted_string}")
    return Refused(Reason.CERT_UNTRUSTED, library_message)
