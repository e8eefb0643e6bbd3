"""The requirement catalogue (``specs/requirements.toml``), traced to the source documents.

Each requirement quotes the sentences of the seed (``specs/source/enhanced-http.md``) it comes from,
and may quote the facts file (``specs/source/enhanced-http-facts.md``) that confirms or extends it.
`check_quotes` puts the documents under test: a quote that no longer occurs verbatim, a section
heading that no longer exists or no longer holds the first quote, or a hash that no longer matches
the quotes is drift, and the requirement's ID is reported.

The facts file is hard-wrapped, so a line break and the next line's indentation read as one space
when quotes are matched; nothing else is normalised.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ehttp.shipped import specs_folder

__all__ = [
    "CATALOGUE",
    "FACTS",
    "SEED",
    "SPECS",
    "CatalogueError",
    "Requirement",
    "check_quotes",
    "headings",
    "load_requirements",
    "parse_catalogue",
    "quote_digest",
    "read_documents",
    "requirement_ids",
    "section_text",
]

SPECS = specs_folder()
"""The repository's ``specs/`` folder (`ehttp.shipped`): the catalogue, the source documents it
quotes, the assumptions and the example labs; an installed ``ehttp`` has it inside the package."""

SEED = "specs/source/enhanced-http.md"
FACTS = "specs/source/enhanced-http-facts.md"
CATALOGUE = SPECS / "requirements.toml"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ANCHOR = re.compile(r"<a [^>]*></a>\s*")

Source = Literal["specs/source/enhanced-http.md", "specs/source/enhanced-http-facts.md", "derived"]


class CatalogueError(RuntimeError):
    """The catalogue or a source document can't be read or is malformed; one line says which."""


@dataclass(frozen=True)
class Requirement:
    """One requirement: where it comes from, the exact sentences it rests on, our wording."""

    id: str
    source: Source
    section: str
    quotes: tuple[str, ...]
    reference_quotes: tuple[str, ...]
    quote_sha256: str
    wording: str
    derived: bool

    @property
    def quoted_document(self) -> str:
        """The document ``quotes`` come from: the facts file if it is the source, else the seed."""
        return FACTS if self.source == FACTS else SEED


class _Entry(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z]+-[1-9][0-9]*$")
    source: Source
    section: str = Field(min_length=1)
    derived: bool
    wording: str = Field(min_length=1)
    quotes: list[str] = Field(min_length=1)
    reference_quotes: list[str] = Field(default_factory=list)
    quote_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Catalogue(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    requirements: list[_Entry] = Field(min_length=1)


def quote_digest(quotes: Iterable[str]) -> str:
    """The hex sha256 of the quotes joined by newlines (``quotes`` then ``reference_quotes``)."""
    return hashlib.sha256("\n".join(quotes).encode("utf-8")).hexdigest()


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogueError(
            f"{path}: cannot read the file ({error.strerror or error}); the package ships its "
            "specs in ehttp/specs/, so reinstall ehttp"
        ) from None


def parse_catalogue(text: str, where: Path) -> tuple[Requirement, ...]:
    """Validate catalogue text; ``where`` names the file in messages. Raises `CatalogueError`."""
    try:
        catalogue = _Catalogue.model_validate(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"{where}: not valid TOML: {error}") from None
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise CatalogueError(f"{where}: {key}: {first['msg']}") from None
    seen: set[str] = set()
    requirements = []
    for entry in catalogue.requirements:
        if entry.id in seen:
            raise CatalogueError(f"{where}: {entry.id} is listed twice; IDs must be unique")
        if entry.derived != (entry.source == "derived"):
            raise CatalogueError(
                f"{where}: {entry.id}: derived is {str(entry.derived).lower()} but source is "
                f"{entry.source!r}; a requirement is derived exactly when its source is 'derived'"
            )
        seen.add(entry.id)
        requirements.append(
            Requirement(
                id=entry.id,
                source=entry.source,
                section=entry.section,
                quotes=tuple(entry.quotes),
                reference_quotes=tuple(entry.reference_quotes),
                quote_sha256=entry.quote_sha256,
                wording=entry.wording,
                derived=entry.derived,
            )
        )
    return tuple(requirements)


@cache
def load_requirements(path: Path = CATALOGUE) -> tuple[Requirement, ...]:
    """Every requirement of the catalogue, in file order. Raises `CatalogueError`."""
    return parse_catalogue(_read(path), path)


def requirement_ids() -> frozenset[str]:
    """The IDs of the catalogue."""
    return frozenset(requirement.id for requirement in load_requirements())


def read_documents() -> dict[str, str]:
    """The source documents' text, keyed by their repository path (`SEED`, `FACTS`)."""
    return {name: _read(SPECS / name.removeprefix("specs/")) for name in (SEED, FACTS)}


def _unwrap(text: str) -> str:
    return re.sub(r"\n[ \t]*", " ", text)


def headings(document: str) -> tuple[str, ...]:
    """A markdown document's headings, without the ``#`` marks and ``<a name>`` anchors."""
    return tuple(
        _ANCHOR.sub("", found.group(2))
        for found in map(_HEADING.match, document.splitlines())
        if found
    )


def section_text(document: str, heading: str) -> str | None:
    """The text under ``heading`` up to the next heading of the same or a higher level."""
    lines = document.splitlines()
    for start, line in enumerate(lines):
        found = _HEADING.match(line)
        if found and _ANCHOR.sub("", found.group(2)) == heading:
            level = len(found.group(1))
            end = next(
                (
                    index
                    for index in range(start + 1, len(lines))
                    if (deeper := _HEADING.match(lines[index])) and len(deeper.group(1)) <= level
                ),
                len(lines),
            )
            return "\n".join(lines[start + 1 : end])
    return None


def _drifted(requirement: Requirement, documents: Mapping[str, str]) -> bool:
    document = documents[requirement.quoted_document]
    text, facts = _unwrap(document), _unwrap(documents[FACTS])
    section = section_text(document, requirement.section)
    return (
        section is None
        or requirement.quotes[0] not in _unwrap(section)
        or any(quote not in text for quote in requirement.quotes)
        or any(quote not in facts for quote in requirement.reference_quotes)
        or quote_digest(requirement.quotes + requirement.reference_quotes)
        != requirement.quote_sha256
    )


def check_quotes(
    requirements: Iterable[Requirement] | None = None,
    documents: Mapping[str, str] | None = None,
) -> list[str]:
    """The IDs, in catalogue order, whose quotes or hash no longer match the source documents.

    By default the catalogue is checked against the repository's documents; tests pass a modified
    document text to show that drift is caught.
    """
    checked = load_requirements() if requirements is None else tuple(requirements)
    texts = read_documents() if documents is None else documents
    return [requirement.id for requirement in checked if _drifted(requirement, texts)]
