"""The modeling assumptions an answer rests on, named as `specs/assumptions.md` names them.

An assumption is found by the phrase its section quotes from the code (the file's `Phrase:`
field), so an answer keeps pointing at the right section when sections are renamed or reordered;
its label is the section's `A-n` ID when it has one, then its title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ehttp.shipped import SPECS

__all__ = ["Assumption", "assumption", "load", "parse"]

_ID = re.compile(r"\bA-\d+\b")


@dataclass(frozen=True)
class Assumption:
    """One section of the assumptions file: its ID (or None), title and quoted phrase."""

    id: str | None
    title: str
    phrase: str

    @property
    def label(self) -> str:
        """The ID and the title, as answers print it."""
        return f"{self.id} {self.title}" if self.id else self.title


@cache
def load() -> tuple[Assumption, ...]:
    """Every section of `specs/assumptions.md`, in file order."""
    return parse((SPECS / "assumptions.md").read_text(encoding="utf-8"))


def parse(text: str) -> tuple[Assumption, ...]:
    """Every section of an assumptions file's `text`: an `A-n` ID in the heading or an `ID:`
    field, the heading without it, the quoted phrase."""
    found: list[Assumption] = []
    for block in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = block.partition("\n")
        fields = dict(re.findall(r"^- (\w+): (.*)$", body, flags=re.MULTILINE))
        given = next((v for k, v in fields.items() if k.lower() == "id"), "")
        ids = _ID.findall(heading) or _ID.findall(given)
        title = _ID.sub("", heading).strip(" :.-\u2013\u2014")
        phrase = fields.get("Phrase", "").strip().strip('"')
        found.append(Assumption(ids[0] if ids else None, title, phrase))
    return tuple(found)


def assumption(phrase: str) -> Assumption:
    """The section whose quoted phrase is `phrase` (a `KeyError` names it when none is)."""
    for item in load():
        if item.phrase == phrase:
            return item
    raise KeyError(f"specs/assumptions.md has no section with the phrase {phrase!r}")
