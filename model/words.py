"""Counting words in the text users read: "1 step", "2 steps", never "1 steps"."""

from __future__ import annotations

__all__ = ["VACUOUS", "plural"]


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """`count` and the noun in the number it needs: `plural(1, "step")` is "1 step",
    `plural(3, "step")` "3 steps", `plural(2, "property", "properties")` "2 properties"."""
    word = noun if count == 1 else nouns or f"{noun}s"
    return f"{count:,} {word}"


VACUOUS = "vacuous: its trigger is never reached, so there is no case to check"
"""What a vacuous verdict means, where it is printed: a leads-to whose trigger no reachable state
shows holds only because it is never put to the test."""
