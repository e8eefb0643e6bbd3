"""The network access account, as a distribution point checks it.

Implements the DP table's "Windows authentication (network access account)" (DP-2, DP-3) and
KI-2 (OS deployment still needs it). The secret is never stored: the DP keeps a salted Scrypt
derivation (`cryptography`) and compares derivations in constant time (`hmac.compare_digest`).

The stored derivation is made once per (user, secret, seed) in a process and shared by every lab
built for them, as a real DP keeps what the administrator entered rather than deriving it again;
a presented secret is still derived afresh on every check.

The derivation's input is the secret's UTF-8 bytes with their length in front: Scrypt keys
HMAC-SHA256 with the password, and HMAC pads a short key with zero bytes, so without the length a
secret and the same secret with trailing NULs would derive alike (specs/threat-model.md). The user
name is compared exactly; a user or secret that is not valid text is refused, never an exception.

Modeling assumption A-21: Windows authentication is reduced to a user name and a secret; the Scrypt
cost (n = 2**12, r = 8, p = 1) is a lab setting chosen to keep steps fast, not a recommendation.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ehttp.lab.inputs import MAX_TEXT
from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict

__all__ = ["NetworkAccessAccount", "derive"]

_N, _R, _P, _LENGTH = 2**12, 8, 1, 32


def derive(secret: str, salt: bytes) -> bytes:
    """The Scrypt derivation of ``secret`` (length-prefixed UTF-8) with ``salt``."""
    encoded = secret.encode("utf-8")
    password = len(encoded).to_bytes(4, "big") + encoded
    return Scrypt(salt=salt, length=_LENGTH, n=_N, r=_R, p=_P).derive(password)


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

    def check(self, user: object, secret: object) -> Verdict[str]:
        """Accept ``user``/``secret`` only if they are this account's."""
        for field, value in (("user", user), ("secret", secret)):
            if not _text(value):
                return Refused(
                    Reason.NAA_WRONG_SECRET if field == "secret" else Reason.NAA_UNKNOWN_ACCOUNT,
                    f"{field}: not text of 1..{MAX_TEXT} valid Unicode characters",
                )
        assert isinstance(user, str) and isinstance(secret, str)
        if not hmac.compare_digest(user.encode(), self.user.encode()):
            return Refused(
                Reason.NAA_UNKNOWN_ACCOUNT, f"{user!r} is not the network access account"
            )
        if not hmac.compare_digest(derive(secret, self.salt), self.derived):
            return Refused(Reason.NAA_WRONG_SECRET, f"wrong secret for {user!r}")
        return Accepted(user)


def _text(value: object) -> bool:
    if not isinstance(value, str) or not 0 < len(value) <= MAX_TEXT:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
