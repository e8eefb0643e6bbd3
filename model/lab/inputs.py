"""Shape checks for what arrives from the network, before any parsing or encoding touches it.

DESIGN "Concrete lab": bad input "is rejected with a reason, never with a crash". A hostile client
controls every field of what it sends: a name may hold a lone surrogate (which UTF-8 can't encode),
a NUL, or a megabyte; a number may be a string; bytes may be text. Each check here turns such a
field into a `Rejected` with the caller's reason code and the field's name, so that no later
``encode()``, ``int()`` or length-prefixing can raise (specs/threat-model.md).

Modeling assumption A-38: names and kinds are at most 256 characters and bodies, signatures, nonces
and public keys at most 64 KiB; the documents give no limits. JSON from the network (a token's
header and claims) is nested at most `MAX_JSON_DEPTH` deep, which `json_text` checks on the text
itself, before any JSON parser (whose recursion a few thousand nested arrays exhaust) reads it.
"""

from __future__ import annotations

import re

from ehttp.lab.reasons import Reason, Rejected

__all__ = ["MAX_BYTES", "MAX_JSON_DEPTH", "MAX_TEXT", "blob", "json_text", "text", "whole"]

MAX_TEXT = 256
MAX_BYTES = 65536
MAX_JSON_DEPTH = 16
"""The deepest JSON accepted from the network, counting the outermost object (a token's header and
claims nest two or three levels)."""

_JSON_LEXEMES = re.compile(r'[^"\\\[\]{}]++|\\.|["\[\]{}]|\\', re.DOTALL)
"""A linear split of JSON text into what nesting depends on: runs of other characters, escapes,
quotes and brackets (possessive, so no input makes it backtrack)."""


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


def json_text(data: bytes, field: str, reason: Reason, too_deep: Reason) -> str:
    """``data`` as JSON text for a parser to read: UTF-8 without NUL (which would make Python's
    `json` guess another encoding) and nested at most `MAX_JSON_DEPTH` deep, counted outside
    strings in one pass; else `Rejected` with ``reason`` (``too_deep`` for the nesting)."""
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Rejected(reason, f"{field}: not UTF-8 text") from None
    if "\x00" in decoded:
        raise Rejected(reason, f"{field}: holds a NUL")
    depth, in_string = 0, False
    for lexeme in _JSON_LEXEMES.findall(decoded):
        if lexeme == '"':
            in_string = not in_string
        elif in_string:
            continue
        elif lexeme in ("[", "{"):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                raise Rejected(
                    too_deep, f"{field}: JSON nested deeper than {MAX_JSON_DEPTH} levels"
                )
        elif lexeme in ("]", "}"):
            depth -= 1
    return decoded
