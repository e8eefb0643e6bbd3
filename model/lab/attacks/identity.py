"""Identity binding attacks: evidence for one client registering another (SEC-2,
specs/threat-model.md).

The attacker holds genuine evidence for itself (its Azure AD device token, its PKI client
certificate, its computer account's secret) and asks the management point to register another
client, or a name the site has no record of, under the attacker's key. Accepted, the attacker's
key would sign notifications and get content access tokens as the victim, and the victim's own
messages would be refused as stale. The victim is registered first, so an acceptance would take
its registration over.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.attacks.base import Roles, all_accepted, register_best, registered
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.messages import attacker_nonce
from ehttp.lab.client import public_der
from ehttp.lab.domain import Domain
from ehttp.lab.evidence import (
    Anonymous,
    ClientCertificate,
    DeviceToken,
    DomainProof,
    Evidence,
    RegistrationRequest,
    registration_payload,
)
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab
from ehttp.lab.trust import presented

__all__ = ["ATTACKS", "TWINS", "request_as"]


def request_as(
    tb: ConcreteLab,
    client: str,
    evidence: Callable[[bytes], Evidence],
    key: ec.EllipticCurvePrivateKey | None = None,
) -> RegistrationRequest:
    """A registration request for ``client`` under the attacker's ``key`` (a fresh one by
    default), its evidence made over the request's payload by ``evidence``."""
    chosen = key if key is not None else derive_ec_key(tb.seed, f"attacker:{client}")
    der = public_der(chosen)
    sent_at, nonce = tb.clock.timestamp(), attacker_nonce(f"register:{client}")
    payload = registration_payload(client, der, sent_at, nonce)
    possession = chosen.sign(payload, ec.ECDSA(hashes.SHA256()))
    return RegistrationRequest(client, der, evidence(payload), possession, sent_at, nonce)


def _victim(tb: ConcreteLab, attacker: str, role: str | None = None) -> str:
    victim = Roles(tb).need(role or Roles(tb).other_than(attacker), "victim client")
    registered(tb, victim)
    return victim


def _device_token_as(target: Callable[[Roles], str | None]) -> Callable[[ConcreteLab], Submit]:
    """The Azure AD client's own genuine device token, registering ``target``."""

    def prepare(tb: ConcreteLab) -> Submit:
        roles = Roles(tb)
        attacker = roles.need(roles.aad, "Azure AD-joined client")
        mp = roles.need(roles.device_mp, "management point taking device tokens")
        victim = _victim(tb, attacker, target(roles))
        token = tb.tenant.device_token(attacker)
        request = request_as(tb, victim, lambda payload: DeviceToken(token))
        return lambda: tb.mp(mp).register(request)

    return prepare


def _stranger_token(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.aad, "Azure AD-joined client")
    mp = roles.need(roles.device_mp, "management point taking device tokens")
    token = tb.tenant.device_token("stranger-device")
    request = request_as(tb, client, lambda payload: DeviceToken(token))
    return lambda: tb.mp(mp).register(request)


def _pki_as_other(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    attacker = roles.need(roles.pki, "client with a PKI certificate")
    mp = roles.need(roles.https_mp, "HTTPS management point")
    victim = _victim(tb, attacker)
    certificate = tb.clients[attacker].certificate
    assert certificate is not None and isinstance(certificate.key, ec.EllipticCurvePrivateKey)
    evidence = ClientCertificate(presented(certificate))
    request = request_as(tb, victim, lambda payload: evidence, certificate.key)
    return lambda: tb.mp(mp).register(request)


def _pki_other_key(tb: ConcreteLab) -> Submit:
    roles = Roles(tb)
    client = roles.need(roles.pki, "client with a PKI certificate")
    mp = roles.need(roles.https_mp, "HTTPS management point")
    certificate = tb.clients[client].certificate
    assert certificate is not None
    evidence = ClientCertificate(presented(certificate))
    request = request_as(tb, client, lambda payload: evidence)
    return lambda: tb.mp(mp).register(request)


def _domain_proof_as(name: Callable[[ConcreteLab, str], str]) -> Callable[[ConcreteLab], Submit]:
    """The domain client's own account proof over a request registering ``name(tb, itself)``."""

    def prepare(tb: ConcreteLab) -> Submit:
        roles = Roles(tb)
        attacker = roles.need(roles.domain, "domain-joined client")
        account = tb.clients[attacker].account
        secret = tb.domain.join(account)
        target = name(tb, attacker)
        request = request_as(
            tb, target, lambda payload: DomainProof(account, Domain.prove(secret, payload))
        )
        return lambda: tb.mp(roles.mp).register(request)

    return prepare


def _anonymous_as_registered(tb: ConcreteLab) -> Submit:
    """An anonymous request, under the attacker's key, for a client that is registered."""
    victim = tb.lab.clients[0].name
    registered(tb, victim)
    request = request_as(tb, victim, lambda payload: Anonymous())
    mp = Roles(tb).mp
    return lambda: tb.mp(mp).register(request)


def _anonymous_as_pending(tb: ConcreteLab) -> Submit:
    """An anonymous request, under the attacker's key, for a workgroup client that registered
    anonymously itself and awaits the administrator's approval."""
    roles = Roles(tb)
    victim = roles.need(roles.unregistered_workgroup, "unregistered workgroup client")
    tb.register(victim, "anonymous-manual-approval", roles.mp)
    request = request_as(tb, victim, lambda payload: Anonymous())
    return lambda: tb.mp(roles.mp).register(request)


def _other_client(tb: ConcreteLab, attacker: str) -> str:
    return _victim(tb, attacker)


def _case_variant(tb: ConcreteLab, attacker: str) -> str:
    variant = attacker.swapcase()
    return variant if variant != attacker else f"{attacker}."


_ID = ("SEC-2",)
_AAD = ("aad-client", "device-token-mp", "app-updated")
_R = Reason


_attack = Family("identity", _ID)


ATTACKS: tuple[Attack, ...] = (
    _attack(
        "identity-token-other-device",
        "a client registering itself with another device's genuine token",
        _R.TOKEN_DEVICE_MISMATCH,
        _stranger_token,
        _AAD,
    ),
    _attack(
        "identity-token-registers-other-client",
        "a device's own genuine token registering another client",
        _R.TOKEN_DEVICE_MISMATCH,
        _device_token_as(lambda roles: roles.other_than(roles.aad)),
        (*_AAD, "two-clients"),
    ),
    _attack(
        "identity-token-registers-workgroup-client",
        "a device's own genuine token registering a workgroup client",
        _R.TOKEN_DEVICE_MISMATCH,
        _device_token_as(lambda roles: roles.workgroup),
        (*_AAD, "workgroup-client"),
    ),
    _attack(
        "identity-pki-registers-other-client",
        "a client's own PKI certificate registering another client",
        _R.CERT_CLIENT_MISMATCH,
        _pki_as_other,
        ("pki-client", "https-mp", "two-clients"),
    ),
    _attack(
        "identity-pki-certificate-with-another-key",
        "a client's own PKI certificate registering a key that is not the certificate's",
        _R.CERT_KEY_MISMATCH,
        _pki_other_key,
        ("pki-client", "https-mp"),
    ),
    _attack(
        "identity-domain-registers-other-client",
        "a computer account's genuine proof registering another client",
        _R.AD_ACCOUNT_MISMATCH,
        _domain_proof_as(_other_client),
        ("domain-client", "two-clients"),
    ),
    _attack(
        "identity-domain-case-variant-name",
        "a computer account's genuine proof registering its name in another case",
        _R.REG_UNKNOWN_CLIENT,
        _domain_proof_as(_case_variant),
        ("domain-client",),
    ),
    _attack(
        "identity-anonymous-replaces-registered",
        "an anonymous request for a registered client's name, under another key",
        _R.REG_CONFLICTING_RECORD,
        _anonymous_as_registered,
        (),
    ),
    _attack(
        "identity-anonymous-replaces-pending",
        "an anonymous request for a name awaiting approval, under another key",
        _R.REG_CONFLICTING_RECORD,
        _anonymous_as_pending,
        ("workgroup-unregistered",),
    ),
    _attack(
        "identity-domain-unknown-name",
        "a computer account's genuine proof registering a name the site has no record of",
        _R.REG_UNKNOWN_CLIENT,
        _domain_proof_as(lambda tb, attacker: f"{attacker}-shadow"),
        ("domain-client",),
    ),
)
"""The identity binding family."""


def _own_evidence(tb: ConcreteLab) -> Submit:
    """Every client registers under its own name with the best evidence it holds."""
    return lambda: all_accepted([partial(register_best, tb, c.name) for c in tb.lab.clients])


TWINS: tuple[Attack, ...] = (
    _attack.twin(
        "honest-own-evidence",
        "every client registering itself with the best evidence it holds",
        _own_evidence,
        (),
    ),
)
"""The identity binding family's honest twin."""
