"""Site system certificate attacks: what a client must refuse from a server (SEC-4).

Each serves the first management point's name a bad certificate, checked by path validation or
by a real TLS handshake; the certificate is what is wrong (issuer, validity, name, usage, key,
profile). Path validation and TLS are decided by one verifier, so every certificate is tried both
ways and gets the same reason both ways (specs/threat-model.md): among them a name only in the
subject's CN, a 1024-bit RSA key, and the three departures from the RFC 5280 profile that OpenSSL's
own checks let through (a leaf asserting cA, a leaf naming no authority key identifier, an
intermediate stating no key usage).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from ehttp.lab.attacks.base import Roles, all_accepted
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.keys import derive_rsa_key
from ehttp.lab.pki import (
    CLIENT_AUTH,
    ROLE_CERTIFICATE_NAME,
    SMS_ISSUING_NAME,
    Authority,
    Issued,
    SiteAuthority,
)
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab
from ehttp.lab.tls import handshake
from ehttp.lab.trust import presented, verify_server

__all__ = ["ATTACKS", "TWINS"]


def _mp_name(tb: ConcreteLab) -> str:
    return tb.dns_name(Roles(tb).mp)


def _serve(
    issued: Callable[[ConcreteLab], Issued], tls: bool = False
) -> Callable[[ConcreteLab], Submit]:
    """A client checks the management point's certificate, by path validation or TLS."""

    def prepare(tb: ConcreteLab) -> Submit:
        certificate = issued(tb)
        name = _mp_name(tb)
        if tls:
            return lambda: handshake(certificate, name, tb.trusted_roots, tb.clock.now())
        return lambda: verify_server(presented(certificate), name, tb.trusted_roots, tb.clock.now())

    return prepare


def _impostor(tb: ConcreteLab) -> Issued:
    impostor = Authority.self_signed(SMS_ISSUING_NAME, tb.seed, "impostor", tb.clock)
    return impostor.issue(ROLE_CERTIFICATE_NAME, key_label="mp", dns_names=[_mp_name(tb)])


def _other_site(tb: ConcreteLab) -> Issued:
    return SiteAuthority(tb.seed, "PS2", tb.clock).role_certificate(_mp_name(tb))


def _expired_role(tb: ConcreteLab) -> Issued:
    start = tb.clock.start
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="expired",
        dns_names=[_mp_name(tb)],
        not_before=start - dt.timedelta(days=400),
        not_after=start - dt.timedelta(days=35),
    )


def _wrong_name(tb: ConcreteLab) -> Issued:
    return tb.authority.role_certificate(tb.dns_name("another-site-system"))


def _wrong_usage(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="client-usage",
        dns_names=[_mp_name(tb)],
        usages=[CLIENT_AUTH],
    )


def _by_non_ca(tb: ConcreteLab) -> Issued:
    rogue = tb.authority.role_certificate(tb.dns_name("rogue"))
    return Authority(rogue, tb.seed, "rogue", tb.clock).issue(
        ROLE_CERTIFICATE_NAME, key_label="mp", dns_names=[_mp_name(tb)]
    )


def _common_name_only(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        _mp_name(tb), key_label="cn-only", dns_names=[_mp_name(tb)], common_name_only=True
    )


def _leaf_is_ca(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME, key_label="leaf-ca", dns_names=[_mp_name(tb)], ca=True
    )


def _no_authority_key_id(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="no-aki",
        dns_names=[_mp_name(tb)],
        authority_key_id=False,
    )


def _below_bare_intermediate(tb: ConcreteLab) -> Issued:
    bare = tb.authority.root.subordinate("SMS Issuing Sub", key_label="bare", key_usage=False)
    return bare.issue(ROLE_CERTIFICATE_NAME, key_label="mp", dns_names=[_mp_name(tb)])


def _rsa_1024(tb: ConcreteLab) -> Issued:
    return tb.authority.root.issue(
        ROLE_CERTIFICATE_NAME,
        key_label="rsa-1024",
        dns_names=[_mp_name(tb)],
        key=derive_rsa_key(tb.seed, "attacker-weak", bits=1024),
    )


_CASES: tuple[tuple[str, str, Reason, Callable[[ConcreteLab], Issued]], ...] = (
    (
        "impostor-sms-issuing",
        "role certificate from another root also named SMS Issuing",
        Reason.CERT_UNTRUSTED,
        _impostor,
    ),
    (
        "other-site-sms-issuing",
        "role certificate from another site's SMS Issuing",
        Reason.CERT_UNTRUSTED,
        _other_site,
    ),
    (
        "expired",
        "SMS Issuing role certificate past its validity",
        Reason.CERT_EXPIRED,
        _expired_role,
    ),
    (
        "wrong-name",
        "another site system's role certificate served as the MP",
        Reason.CERT_WRONG_NAME,
        _wrong_name,
    ),
    ("wrong-usage", "role certificate with clientAuth only", Reason.CERT_WRONG_USAGE, _wrong_usage),
    (
        "issued-by-non-ca",
        "certificate issued by a role certificate (not a CA)",
        Reason.CERT_ISSUER_NOT_CA,
        _by_non_ca,
    ),
    (
        "common-name-only",
        "certificate naming the MP only in its subject CN",
        Reason.CERT_WRONG_NAME,
        _common_name_only,
    ),
    ("rsa-1024", "role certificate with a 1024-bit RSA key", Reason.CERT_WEAK_KEY, _rsa_1024),
    (
        "leaf-is-ca",
        "role certificate asserting cA=TRUE",
        Reason.CERT_BAD_PROFILE,
        _leaf_is_ca,
    ),
    (
        "leaf-without-authority-key-id",
        "role certificate naming no authority key identifier",
        Reason.CERT_BAD_PROFILE,
        _no_authority_key_id,
    ),
    (
        "intermediate-without-key-usage",
        "role certificate under an intermediate that states no key usage",
        Reason.CERT_BAD_PROFILE,
        _below_bare_intermediate,
    ),
)

ATTACKS: tuple[Attack, ...] = tuple(
    Attack(
        f"{prefix}-{name}",
        "certificates",
        f"{how}{tries}",
        expected,
        ("SEC-4",),
        _serve(make, tls=prefix == "tls"),
    )
    for prefix, how in (("cert", ""), ("tls", "TLS handshake: "))
    for name, tries, expected, make in _CASES
)
"""The site system certificate family: each case by path validation and by TLS."""


def _genuine(tls: bool) -> Callable[[ConcreteLab], Submit]:
    """The management point's genuine SMS Role SSL Certificate and its genuine enterprise PKI
    server certificate, each checked by path validation or TLS."""

    def prepare(tb: ConcreteLab) -> Submit:
        name = _mp_name(tb)
        served = (tb.authority.role_certificate(name), tb.pki.server_certificate(name))
        roots, now = tb.trusted_roots, tb.clock.now()
        checks: list[Submit] = [
            partial(handshake, c, name, roots, now)
            if tls
            else partial(verify_server, presented(c), name, roots, now)
            for c in served
        ]
        return lambda: all_accepted(checks)

    return prepare


_twin = Family("certificates", ("SEC-4",)).twin

TWINS: tuple[Attack, ...] = (
    _twin(
        "cert-honest-genuine-certificates",
        "the management point's genuine role and PKI server certificates",
        _genuine(tls=False),
    ),
    _twin(
        "tls-honest-genuine-certificates",
        "TLS handshake: the management point's genuine role and PKI server certificates",
        _genuine(tls=True),
    ),
)
"""The site system certificate family's honest twins, by path validation and by TLS."""
