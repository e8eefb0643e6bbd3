"""Site system certificate attacks: what a client must refuse from a server (SEC-4).

Each serves the first management point's name a bad certificate, checked by path validation or
by a real TLS handshake; the certificate is what is wrong (issuer, validity, name, usage, key).
Path validation and TLS follow one policy, so the same certificate gets the same reason both ways
(specs/threat-model.md): a name only in the subject's CN, and a 1024-bit RSA key, are tried
both ways.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from model.lab.attacks.base import Attack, Roles, Submit
from model.lab.keys import derive_rsa_key
from model.lab.pki import (
    CLIENT_AUTH,
    ROLE_CERTIFICATE_NAME,
    SMS_ISSUING_NAME,
    Authority,
    Issued,
    SiteAuthority,
)
from model.lab.reasons import Reason
from model.lab.testbed import ConcreteLab
from model.lab.tls import handshake
from model.lab.trust import presented, verify_server

__all__ = ["ATTACKS"]


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
            return lambda: handshake(certificate, name, tb.trusted_roots)
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
