"""An Active Directory domain, reduced to accounts that prove themselves with a shared secret.

Implements the evidence behind "Active Directory domain" in the MP table (REG-1, REG-2, MP-2,
MP-3) and the hierarchy approval default "Automatic for computers in trusted domains" (reference
"Registration and approval").

Modeling assumption A-20: no Kerberos; each domain account (computer or user) holds a secret derived
from the seed, and proves itself by an HMAC-SHA256 of that secret over the request it makes; the
domain controller checks the proof in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

from ehttp.lab.reasons import Accepted, Reason, Refused, Verdict

__all__ = ["Domain"]


class Domain:
    """A domain and its accounts (computer accounts end with ``$``, as in Windows)."""

    def __init__(self, name: str, seed: int) -> None:
        self.name = name
        self._seed = seed
        self._accounts: dict[str, bytes] = {}

    def join(self, account: str) -> bytes:
        """Create (or look up) ``account`` and return its secret, as joining does."""
        if account not in self._accounts:
            material = f"ad:{self._seed}:{self.name}:{account}".encode()
            self._accounts[account] = hashlib.sha256(material).digest()
        return self._accounts[account]

    @staticmethod
    def prove(secret: bytes, payload: bytes) -> bytes:
        """The proof an account holder attaches to ``payload``."""
        return hmac.new(secret, payload, hashlib.sha256).digest()

    def verify(self, account: str, payload: bytes, proof: bytes) -> Verdict[str]:
        """Accept ``proof`` for ``payload`` only from a member ``account`` holding its secret."""
        secret = self._accounts.get(account)
        if secret is None:
            return Refused(Reason.AD_UNKNOWN_ACCOUNT, f"{account!r} is not in {self.name}")
        if not hmac.compare_digest(self.prove(secret, payload), proof):
            return Refused(Reason.AD_BAD_PROOF, f"proof for {account!r} does not verify")
        return Accepted(account)
