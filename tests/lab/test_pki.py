"""SMS Issuing, role and token-signing certificates, the enterprise PKI, and seed-derived keys."""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID

from ehttp.lab.clock import LabClock
from ehttp.lab.keys import derive_ec_key, derive_rsa_key
from ehttp.lab.pki import (
    ROLE_CERTIFICATE_NAME,
    SMS_ISSUING_NAME,
    TOKEN_SIGNING_NAME,
    EnterprisePki,
    SiteAuthority,
)
from ehttp.lab.reasons import Reason, Refused
from ehttp.lab.trust import presented, verify_client, verify_server


def test_sms_issuing_is_a_self_signed_ca() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    root = authority.certificate
    assert root.subject == root.issuer
    assert authority.root.issued.common_name == SMS_ISSUING_NAME
    assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    usage = root.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign and usage.crl_sign


def test_role_certificate_names_the_site_system_and_serves() -> None:
    clock = LabClock()
    authority = SiteAuthority(0, "PS1", clock)
    role = authority.role_certificate("mp1.contoso.com")
    assert role.common_name == ROLE_CERTIFICATE_NAME
    san = role.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    assert san.value.get_values_for_type(x509.DNSName) == ["mp1.contoso.com"]
    eku = role.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.SERVER_AUTH in eku
    assert verify_server(
        presented(role), "mp1.contoso.com", [authority.certificate], clock.now()
    ).ok


def test_each_issuance_is_a_new_certificate_with_the_cached_key() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    first = authority.role_certificate("mp1.contoso.com")
    second = authority.role_certificate("mp1.contoso.com")
    assert first.certificate.serial_number != second.certificate.serial_number
    assert first.key is second.key


def test_token_signing_certificate_is_issued_once_by_sms_issuing() -> None:
    authority = SiteAuthority(0, "PS1", LabClock())
    signing = authority.token_signing
    assert signing is authority.token_signing
    assert signing.common_name == TOKEN_SIGNING_NAME
    signing.certificate.verify_directly_issued_by(authority.certificate)


def test_enterprise_pki_client_certificate_authenticates_a_client() -> None:
    clock = LabClock()
    pki = EnterprisePki(0, clock)
    client = pki.client_certificate("wg1.contoso.com")
    verdict = verify_client(presented(client), [pki.certificate], clock.now())
    assert verdict.ok and verdict.value == ("wg1.contoso.com",)  # type: ignore[union-attr]
    server = verify_client(
        presented(pki.server_certificate("wg1.contoso.com")), [pki.certificate], clock.now()
    )
    assert isinstance(server, Refused) and server.reason is Reason.CERT_WRONG_USAGE


def test_keys_are_derived_from_the_seed() -> None:
    assert derive_ec_key(7, "a").private_numbers() == derive_ec_key(7, "a").private_numbers()
    assert derive_ec_key(7, "a").private_numbers() != derive_ec_key(8, "a").private_numbers()
    same = SiteAuthority(3, "PS1", LabClock()).certificate
    again = SiteAuthority(3, "PS1", LabClock()).certificate
    assert same.public_key() == again.public_key()
    assert same.serial_number == again.serial_number
    rsa = derive_rsa_key(0, "tenant-test")
    assert rsa.key_size == 2048
    assert rsa.public_key().public_numbers().e == 65537


def test_a_lab_built_again_from_its_seed_issues_the_same_certificates_byte_for_byte() -> None:
    first, again = (SiteAuthority(3, "PS1", LabClock()) for _ in range(2))
    assert first.certificate == again.certificate
    role = first.role_certificate("mp1.contoso.com").certificate
    assert role == again.role_certificate("mp1.contoso.com").certificate
    assert EnterprisePki(3, LabClock()).server_certificate("mp1.contoso.com").certificate == (
        EnterprisePki(3, LabClock()).server_certificate("mp1.contoso.com").certificate
    )
    assert role != first.role_certificate("mp1.contoso.com").certificate, "a new serial"
