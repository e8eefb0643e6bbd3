"""Deterministic key material for the lab, derived from the run's seed and a label.

The design asks for reproducible runs (STYLE rule 7): the same seed gives the same keys, hence
the same certificates, key identifiers and token signatures (RS256 is deterministic). Keys are
cached per (seed, label), as a real site keeps its keys. Modeling assumption A-15: real systems draw
keys from a system random source; deriving them from a seed is a lab convenience, not a security
claim.
"""

from __future__ import annotations

import functools
import hashlib
import math

from cryptography.hazmat.primitives.asymmetric import ec, rsa

__all__ = ["derive_ec_key", "derive_rsa_key"]

_SMALL_PRIMES = tuple(p for p in range(3, 8000) if all(p % q for q in range(2, math.isqrt(p) + 1)))
_PRIMORIAL = math.prod(_SMALL_PRIMES)


class _Stream:
    """A SHAKE-256 byte stream over a seed and label: the lab's deterministic randomness."""

    def __init__(self, seed: int, label: str) -> None:
        self._base = f"{seed}:{label}".encode()
        self._counter = 0

    def integer(self, bits: int) -> int:
        self._counter += 1
        data = hashlib.shake_256(self._base + self._counter.to_bytes(8, "big")).digest(bits // 8)
        return int.from_bytes(data, "big")


def _probably_prime(n: int, stream: _Stream, rounds: int = 5) -> bool:
    """Miller-Rabin; 5 rounds suffice for random 1024-bit candidates (FIPS 186-4, table C.2)."""
    if math.gcd(n, _PRIMORIAL) != 1:
        return n in _SMALL_PRIMES
    if pow(2, n - 1, n) != 1:
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        a = 2 + stream.integer(n.bit_length()) % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, stream: _Stream, exponent: int) -> int:
    while True:
        candidate = stream.integer(bits) | (3 << (bits - 2)) | 1
        if math.gcd(candidate - 1, exponent) == 1 and _probably_prime(candidate, stream):
            return candidate


@functools.cache
def derive_ec_key(seed: int, label: str) -> ec.EllipticCurvePrivateKey:
    """The P-256 key for ``label`` under ``seed`` (same inputs, same key)."""
    digest = hashlib.sha256(f"ec:{seed}:{label}".encode()).digest()
    order = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    scalar = 1 + int.from_bytes(digest, "big") % (order - 1)
    return ec.derive_private_key(scalar, ec.SECP256R1())


@functools.cache
def derive_rsa_key(seed: int, label: str, bits: int = 2048) -> rsa.RSAPrivateKey:
    """The RSA key (exponent 65537) for ``label`` under ``seed``, built from derived primes."""
    exponent = 65537
    stream = _Stream(seed, f"rsa:{label}")
    while True:
        p = _prime(bits // 2, stream, exponent)
        q = _prime(bits // 2, stream, exponent)
        if p != q and (p * q).bit_length() == bits:
            break
    if p < q:
        p, q = q, p
    d = pow(exponent, -1, (p - 1) * (q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=rsa.rsa_crt_dmp1(d, p),
        dmq1=rsa.rsa_crt_dmq1(d, q),
        iqmp=rsa.rsa_crt_iqmp(p, q),
        public_numbers=rsa.RSAPublicNumbers(exponent, p * q),
    )
    return numbers.private_key()
