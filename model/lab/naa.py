"""The network access account, as a distribution point checks it.

Implements the DP table's "Windows authentication (network access account)" (DP-2, DP-3) and
KI-2 (OS deployment still needs it). The secret is never stored: the DP keeps a salted Scrypt
derivation (`cryptography`) and compares derivations in constant time (`hmac.compare_digest`).

The stored derivation is made once per (user, secret, seed) in a process and shared by every lab
built for them, as a real DP keeps what the administrator entered rather than deriving it again;
a presented secret is still derived afresh on every check.

Modeling assumption: Windows authentication is reduced to a user name and a secret; the Scrypt
cost (n = 2**12, r = 8, p = 1) is a lab setting chosen to keep steps fast, not a recommendation.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from model.lab.reasons import Accepted, Reason, Refused, Verdict

__all__ = ["NetworkAccessAccount", "derive"]

_N, _R, _P, _LENGTH = 2**12, 8, 1, 32


def derive(secret: str, salt: bytes) -> bytes:
    """The Scrypt derivation of ``secret`` with ``salt``."""
    return Scrypt(salt=salt, length=_LENGTH, n=_N, r=_R, p=_P).derive(secret.encode())


@functools.cache
def _stored(user: str, secret: str, seed: int) -> tuple[bytes, bytes]:
    """The salt (from the seed) and the secret's derivation, as the site stores them."""
    salt = hashlib.sha256(f"naa-salt:{seed}:{user}".encode()).digest()[:16]
    return salt, derive(secret, salt)


@dataclass(frozen=True)
class NetworkAccessAccount:
    """The account configured for the site: its user name, salt and secret derivation."""

    user: str
    salt: bytes
    derived: bytes

    @classmethod
    def configure(cls, user: str, secret: str, seed: int) -> NetworkAccessAccount:
        """Store the account the administrator entered (the salt is derived from the seed)."""
        salt, derived = _stored(user, secret, seed)
        return cls(user, salt, derived)

    def check(self, user: str, secret: str) -> Verdict[str]:
        """Accept ``user``/``secret`` only if they are this account's."""
        if not hmac.compare_digest(user.encode(), self.user.encode()):
            return Refused(
                Reason.NAA_UNKNOWN_ACCOUNT, f"{user!r} is not the network access account"
            )
        if not hmac.compare_digest(derive(secret, self.salt), self.derived):
            return Refused(Reason.NAA_WRONG_SECRET, f"wrong secret for {user!r}")
        return Accepted(user)
