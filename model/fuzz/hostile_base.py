"""What the hostile campaign's targets share (`model/fuzz/hostile.py`): a target's shape,
base64url segments, and the Hypothesis strategies of hostile JSON values and text."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from hypothesis import strategies as st

from ehttp.lab.testbed import ConcreteLab

__all__ = [
    "JSON_VALUES",
    "SCALAR",
    "TEXT",
    "Outcome",
    "Staged",
    "Target",
    "b64",
    "cached",
    "segment",
    "unb64",
]

T = TypeVar("T")

Outcome = tuple[Any, str, Callable[[Any], bool]]
"""A tried input: the verdict, the input as shown, and the oracle that says whether an acceptance
is allowed (called only on acceptance)."""


def b64(data: bytes) -> str:
    """`data` as an unpadded base64url segment."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes | None:
    """A base64url segment's bytes (None when it is not base64url)."""
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        return None


def segment(value: object) -> str:
    """A JSON value as a base64url segment (lone surrogates kept)."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return b64(text.encode("utf-8", "surrogatepass"))


TEXT = st.text(max_size=40) | st.sampled_from(["", "\x00", "\udc80", "RS256", "none", "ES256"])
SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False),
    TEXT,
)
JSON_VALUES = st.recursive(
    SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=8,
)


@dataclass(frozen=True)
class Staged:
    """A hostile input set up by honest steps on ``lab`` (the campaign's own, or one made from
    it) and ready to send: the campaign compares ``lab``'s state before ``submit`` with after, so
    the honest steps are not taken for changes a refusal made."""

    lab: ConcreteLab
    submit: Callable[[], Outcome]


@dataclass(frozen=True)
class Target:
    """One kind of hostile input: how to make a genuine one, mutate it, submit it, and judge an
    acceptance."""

    name: str
    run: Callable[[ConcreteLab, st.DataObject], Outcome | Staged]
    """Given the lab and Hypothesis data: the verdict, the input's repr and the oracle that says
    whether the verdict's acceptance is allowed (called only on acceptance); or, for an input that
    needs honest steps first, the input `Staged` after them."""

    forbidden: str = ""
    """The invariant an acceptance the oracle refuses breaks ("" for the campaign's own "a
    hostile input is accepted only when the model allows it")."""
    weight: float = 1.0
    """The share of the campaign's examples per target this target runs (at least one per
    round): a costly target runs fewer."""


def cached(tb: ConcreteLab, key: str, make: Callable[[], T]) -> T:
    """`make()` once per lab, under `key`."""
    store: dict[str, Any] = tb.__dict__.setdefault("_hostile_cache", {})
    if key not in store:
        store[key] = make()
    found: T = store[key]
    return found
