"""Shape checks for what arrives from the network, before any parsing or encoding touches it.

DESIGN "Concrete lab": bad input "is rejected with a reason, never with a crash". A hostile client
controls every field of what it sends: a name may hold a lone surrogate (which UTF-8 can't encode),
a NUL, or a megabyte; a number may be a string; bytes may be text. Each check here turns such a
field into a `Rejected` with the caller's reason code and the field's name, so that no later
``encode()``, ``int()`` or length-prefixing can raise (specs/threat-model.md).

Modeling assumption A-38: names and kinds are at most 256 characters and bodies, signatures, nonces
and public keys at most 64 KiB; the documents give no limits.
"""

from __future__ import annotations

from model.lab.reasons import Reason, Rejected

__all__ = ["MAX_BYTES", "MAX_TEXT", "blob", "text", "whole"]

MAX_TEXT = 256
MAX_BYTES = 65536


def text(value: object, field: str, reason: Reason, limit: int = MAX_TEXT) -> str:
    """``value`` if it is a non-empty string of at most ``limit`` characters that UTF-8 encodes
    and holds no NUL or other control character; else `Rejected` with ``reason``."""
    if not isinstance(value, str):
        raise Rejected(reason, f"{field}: {type(value).__name__} is not text")
    if not 0 < len(value) <= limit:
        raise Rejected(reason, f"{field}: {len(value)} characters; accepted 1..{limit}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Rejected(reason, f"{field}: {value!r} is not valid Unicode text") from None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in value):
        raise Rejected(reason, f"{field}: {value!r} holds a control character")
    return value


def blob(value: object, field: str, reason: Reason, limit: int = MAX_BYTES) -> bytes:
    """``value`` if it is bytes of at most ``limit`` bytes; else `Rejected` with ``reason``."""
    if not isinstance(value, bytes):
        raise Rejected(reason, f"{field}: {type(value).__name__} is not bytes")
    if len(value) > limit:
        raise Rejected(reason, f"{field}: {len(value)} bytes; accepted at most {limit}")
    return value


def whole(value: object, field: str, reason: Reason) -> int:
    """``value`` if it is a non-negative int below 2**63 (not a bool); else `Rejected`."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise Rejected(reason, f"{field}: {value!r} is not a whole number below 2**63")
    return value
