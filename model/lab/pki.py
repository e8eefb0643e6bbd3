"""Certificate authorities of the lab: the site's "SMS Issuing" root and an enterprise PKI.

Implements (reference "Certificates"; seed "Configure the site"): with enhanced HTTP on, the site
server creates the self-signed root **SMS Issuing** and issues each HTTP site system an **SMS Role
SSL Certificate** (server authentication, the site system's DNS name in subjectAltName); the
certificate manager also creates the **SMS Token Signing Certificate** from SMS Issuing, which
signs the tokens the site issues. The enterprise PKI (seed "Note": PKI certificates are still
valid) issues server certificates for HTTPS site systems and client authentication certificates.

Modeling assumptions A-16: lifetimes are not documented, so roots live 10 years, role, token-signing
and PKI certificates 1 year; every certificate is backdated to one day before the lab started, so
that it is valid from the lab clock's first instant. All keys are P-256, derived from the run's
seed (`model/lab/keys.py`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ehttp.lab.clock import LabClock
from ehttp.lab.keys import derive_ec_key

__all__ = [
    "CLIENT_AUTH",
    "ENTERPRISE_ROOT_NAME",
    "ROLE_CERTIFICATE_NAME",
    "SERVER_AUTH",
    "SMS_ISSUING_NAME",
    "TOKEN_SIGNING_NAME",
    "Authority",
    "EnterprisePki",
    "Issued",
    "PrivateKey",
    "SiteAuthority",
]

SMS_ISSUING_NAME = "SMS Issuing"
ROLE_CERTIFICATE_NAME = "SMS Role SSL Certificate"
TOKEN_SIGNING_NAME = "SMS Token Signing Certificate"
ENTERPRISE_ROOT_NAME = "Contoso Enterprise Root CA"
SERVER_AUTH = ExtendedKeyUsageOID.SERVER_AUTH
CLIENT_AUTH = ExtendedKeyUsageOID.CLIENT_AUTH

PrivateKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
"""A certificate's key: the lab issues P-256 keys; an attacker's certificate may hold RSA."""

_ROOT_LIFETIME = dt.timedelta(days=3650)
_LEAF_LIFETIME = dt.timedelta(days=365)
_BACKDATE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    """A certificate with its private key and the intermediates between it and its root."""

    certificate: x509.Certificate
    key: PrivateKey
    intermediates: tuple[x509.Certificate, ...] = ()

    @property
    def common_name(self) -> str:
        """The subject's common name."""
        return str(self.certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value)

    def chain_pem(self) -> bytes:
        """The leaf then its intermediates, PEM-encoded (what a TLS server presents)."""
        certs = (self.certificate, *self.intermediates)
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)

    @functools.cached_property
    def key_pem(self) -> bytes:
        """The private key, unencrypted PKCS#8 PEM (what IIS holds for a binding)."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def __deepcopy__(self, memo: dict[int, object]) -> Issued:
        """Itself: frozen, its certificates and key immutable, so copies of a lab share it."""
        return self


def _sign(builder: x509.CertificateBuilder, key: PrivateKey) -> x509.Certificate:
    """Sign with the issuer's key; an ECDSA signature is deterministic (RFC 6979), so a lab built
    again from the same seed issues the same certificates, byte for byte (the handshake cache of
    `model/lab/tls.py` then knows them from the lab's earlier builds)."""
    deterministic = isinstance(key, ec.EllipticCurvePrivateKey) or None
    return builder.sign(key, hashes.SHA256(), ecdsa_deterministic=deterministic)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


class Authority:
    """A certificate authority: its own certificate and key, issuing certificates on request."""

    def __init__(self, issued: Issued, seed: int, label: str, clock: LabClock) -> None:
        self.issued = issued
        self._seed = seed
        self._label = label
        self._clock = clock
        self._serials = 0

    @property
    def certificate(self) -> x509.Certificate:
        """The authority's own certificate."""
        return self.issued.certificate

    @classmethod
    def self_signed(cls, common_name: str, seed: int, label: str, clock: LabClock) -> Authority:
        """A new root CA named ``common_name`` with the key derived from ``seed`` and ``label``."""
        key = derive_ec_key(seed, f"{label}:root")
        not_before = clock.start - _BACKDATE
        ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(_name(common_name))
            .public_key(key.public_key())
            .serial_number(_serial(f"{label}:root"))
            .not_valid_before(not_before)
            .not_valid_after(not_before + _ROOT_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(ski, critical=False)
            .sign(key, hashes.SHA256(), ecdsa_deterministic=True)
        )
        return cls(Issued(certificate, key), seed, label, clock)

    def issue(
        self,
        common_name: str,
        *,
        key_label: str,
        dns_names: Sequence[str] = (),
        usages: Sequence[x509.ObjectIdentifier] = (SERVER_AUTH,),
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key: PrivateKey | None = None,
        common_name_only: bool = False,
        ca: bool = False,
        authority_key_id: bool = True,
    ) -> Issued:
        """Issue an end-entity certificate; each call gets a fresh serial number.

        The rest are an attacker's departures from the profile: ``key`` replaces the P-256 key
        derived from ``key_label`` (a weak key); ``common_name_only`` leaves out subjectAltName (a
        name only in the subject's CN); ``ca`` asserts cA=TRUE in a leaf; ``authority_key_id``
        False leaves out the authority key identifier.
        """
        if key is None:
            key = derive_ec_key(self._seed, f"{self._label}:{key_label}")
        self._serials += 1
        start = not_before if not_before is not None else self._clock.start - _BACKDATE
        end = not_after if not_after is not None else start + _LEAF_LIFETIME
        issuer_key = self.issued.key.public_key()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(_serial(f"{self._label}:{key_label}:{self._serials}"))
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        )
        if authority_key_id:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key), critical=False
            )
        if usages:
            builder = builder.add_extension(x509.ExtendedKeyUsage(list(usages)), critical=False)
        if dns_names and not common_name_only:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names]), critical=False
            )
        certificate = _sign(builder, self.issued.key)
        return Issued(certificate, key, (*self._chain_above(),))

    def subordinate(self, common_name: str, *, key_label: str, key_usage: bool = True) -> Authority:
        """An intermediate CA under this one (``key_usage`` False: an attacker's intermediate
        that states no key usage)."""
        key = derive_ec_key(self._seed, f"{self._label}:{key_label}")
        self._serials += 1
        start = self._clock.start - _BACKDATE
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(_serial(f"{self._label}:{key_label}:{self._serials}"))
            .not_valid_before(start)
            .not_valid_after(start + _LEAF_LIFETIME)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.issued.key.public_key()),
                critical=False,
            )
        )
        if key_usage:
            builder = builder.add_extension(_key_usage(ca=True), critical=True)
        certificate = _sign(builder, self.issued.key)
        issued = Issued(certificate, key, self._chain_above())
        return Authority(issued, self._seed, f"{self._label}:{key_label}", self._clock)

    def _chain_above(self) -> tuple[x509.Certificate, ...]:
        if self.certificate.subject == self.certificate.issuer:
            return ()
        return (self.certificate, *self.issued.intermediates)


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not ca,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=not ca,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _serial(label: str) -> int:
    """A positive serial of at most 159 bits, derived from the label (RFC 5280 4.1.2.2)."""
    return 1 + int.from_bytes(hashlib.sha256(label.encode()).digest()[:19], "big")


class SiteAuthority:
    """The site server's certificate manager: SMS Issuing and what it issues (CERT-1)."""

    def __init__(self, seed: int, site_code: str, clock: LabClock) -> None:
        self.site_code = site_code
        self.root = Authority.self_signed(SMS_ISSUING_NAME, seed, f"site:{site_code}", clock)

    @property
    def certificate(self) -> x509.Certificate:
        """The SMS Issuing root certificate."""
        return self.root.certificate

    def role_certificate(self, dns_name: str) -> Issued:
        """A newly issued SMS Role SSL Certificate for the site system ``dns_name``."""
        return self.root.issue(
            ROLE_CERTIFICATE_NAME, key_label=f"role:{dns_name}", dns_names=[dns_name]
        )

    @functools.cached_property
    def token_signing(self) -> Issued:
        """The SMS Token Signing Certificate (created once, as the certificate manager does)."""
        return self.root.issue(TOKEN_SIGNING_NAME, key_label="token-signing", usages=())


class EnterprisePki:
    """An enterprise PKI root issuing HTTPS server and client authentication certificates."""

    def __init__(self, seed: int, clock: LabClock, name: str = ENTERPRISE_ROOT_NAME) -> None:
        self.root = Authority.self_signed(name, seed, f"pki:{name}", clock)

    @property
    def certificate(self) -> x509.Certificate:
        """The enterprise root certificate."""
        return self.root.certificate

    @functools.cache  # noqa: B019 - one certificate per name, as an enrolled server keeps it
    def server_certificate(self, dns_name: str) -> Issued:
        """The PKI web server certificate for ``dns_name`` (serverAuth)."""
        return self.root.issue(dns_name, key_label=f"server:{dns_name}", dns_names=[dns_name])

    @functools.cache  # noqa: B019 - one certificate per client, as an enrolled client keeps it
    def client_certificate(self, dns_name: str) -> Issued:
        """The PKI client authentication certificate for the computer ``dns_name`` (clientAuth)."""
        return self.root.issue(
            dns_name, key_label=f"client:{dns_name}", dns_names=[dns_name], usages=[CLIENT_AUTH]
        )
