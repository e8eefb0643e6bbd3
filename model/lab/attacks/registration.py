"""Registration attacks: requests whose proofs don't hold (SEC-2, REG-1).

A request whose proof of possession was made by another key, a domain registration whose account
proof is wrong, and a user authorization from an account the domain doesn't have.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from ehttp.lab.attacks.base import Roles, all_accepted
from ehttp.lab.attacks.case import Attack, Family, Submit
from ehttp.lab.attacks.messages import attacker_nonce
from ehttp.lab.evidence import DomainProof, DomainUserProof
from ehttp.lab.keys import derive_ec_key
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab

__all__ = ["ATTACKS", "TWINS"]


def _domain(tb: ConcreteLab) -> str:
    roles = Roles(tb)
    return roles.need(roles.domain, "domain-joined client")


def _borrowed_possession(tb: ConcreteLab) -> Submit:
    request = tb.clients[_domain(tb)].request("active-directory")
    other = derive_ec_key(tb.seed, "attacker-ec")
    forged = replace(request, possession=other.sign(b"anything", ec.ECDSA(hashes.SHA256())))
    mp = Roles(tb).mp
    return lambda: tb.mp(mp).register(forged)


def _ad_wrong_proof(tb: ConcreteLab) -> Submit:
    client = _domain(tb)
    request = tb.clients[client].request("active-directory")
    forged = replace(request, evidence=DomainProof(tb.clients[client].account, b"\x00" * 32))
    mp = Roles(tb).mp
    return lambda: tb.mp(mp).register(forged)


def _unknown_user(tb: ConcreteLab) -> Submit:
    evidence = DomainUserProof(
        "CONTOSO\\mallory", b"\x00" * 32, tb.clock.timestamp(), attacker_nonce("mallory")
    )
    mp = Roles(tb).mp
    return lambda: tb.mp(mp).authorize_user(evidence)


ATTACKS: tuple[Attack, ...] = (
    Attack(
        "reg-borrowed-possession",
        "registration",
        "registration whose key proof was made by another key",
        Reason.REG_BAD_PROOF_OF_POSSESSION,
        ("SEC-2",),
        _borrowed_possession,
        requires=("domain-client",),
    ),
    Attack(
        "reg-ad-wrong-proof",
        "registration",
        "domain registration with a wrong account proof",
        Reason.AD_BAD_PROOF,
        ("SEC-2", "REG-1"),
        _ad_wrong_proof,
        requires=("domain-client",),
    ),
    Attack(
        "user-unknown-account",
        "registration",
        "user authorization with a proof from an account the domain doesn't have",
        Reason.AD_UNKNOWN_ACCOUNT,
        ("SEC-2", "MP-3"),
        _unknown_user,
    ),
)
"""The registration proof family."""


def _domain_registrations(tb: ConcreteLab) -> Submit:
    """Every domain-joined or hybrid client registers with its own account's proof."""
    mp = Roles(tb).mp
    requests = [
        tb.clients[client].request("active-directory")
        for client in Roles(tb).joined("domain", "hybrid")
    ]
    return lambda: all_accepted([partial(tb.mp(mp).register, r) for r in requests])


def _user_proof(tb: ConcreteLab) -> Submit:
    proof = tb.user_proof("alice")
    mp = Roles(tb).mp
    return lambda: tb.mp(mp).authorize_user(proof)


_twin = Family("registration", ("SEC-2",)).twin

TWINS: tuple[Attack, ...] = (
    _twin(
        "honest-domain-registrations",
        "every domain-joined client's registration with its own account's proof",
        _domain_registrations,
        ("domain-client",),
        ("SEC-2", "REG-1"),
    ),
    _twin(
        "honest-user-proof",
        "a domain user's fresh proof, for user policy",
        _user_proof,
        requirements=("SEC-2", "MP-3"),
    ),
)
"""The registration proof family's honest twins."""
