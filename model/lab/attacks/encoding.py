"""Hand-built JWS compact tokens, for attacks whose tokens no honest library would make."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping

__all__ = ["b64", "compact", "nested_segment", "segment"]


def b64(data: bytes) -> str:
    """base64url without padding (RFC 7515)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: object) -> str:
    """A JSON value as a token segment (``ensure_ascii=False`` keeps lone surrogates as such)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return b64(text.encode("utf-8", "surrogatepass"))


def compact(header: object, claims: object, signature: bytes) -> str:
    """``header.claims.signature`` in JWS compact serialization."""
    return f"{segment(header)}.{segment(claims)}.{b64(signature)}"


def nested_segment(fields: Mapping[str, object], depth: int) -> str:
    """A JSON object of ``fields`` plus ``"x"``: ``depth`` nested arrays, as a token segment
    (written out by hand: `json` itself can't write what it can't read back)."""
    text = json.dumps(dict(fields), separators=(",", ":"))[:-1]
    opening = "," if fields else ""
    return b64(f'{text}{opening}"x":{"[" * depth}{"]" * depth}}}'.encode())
