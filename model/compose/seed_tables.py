"""The seed's MP and DP tables read from the seed's own text: the properties' oracle.

Implements "Technical details" ("Client to management point communication", "Client to
distribution point communication") a third time, on purpose differently from the two
transcriptions the product runs (`model/machines/access.py`, which the model's rules read, and
`model/lab/policy.py`, which the lab's authenticators read): the cells are taken at run time from
the packaged copy of the seed (`specs/source/enhanced-http.md`), split at the seed's own line
breaks (``<br>``), and each bullet is read through the seed's own phrases ("Active Directory
domain", "Azure AD *device* token (Enhanced HTTP)", ...). A property that compares the model's
decisions with these answers fails when a cell of the model's table is flipped or a qualifier is
dropped, which a property reading `model/machines/access.py` cannot see (it would agree with
itself).

Nothing in the model's rules, the views or the lab imports this module
(`tests/compose/test_seed_tables.py` checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from ehttp.shipped import SPECS

__all__ = [
    "SEED",
    "SeedTableError",
    "seed_download_methods",
    "seed_dp_row",
    "seed_registration_methods",
]

SEED = SPECS / "source" / "enhanced-http.md"
"""The seed, from the one specs folder (`model/shipped.py`)."""

_PHRASES: dict[str, tuple[str, ...]] = {
    "Anonymous (manual approval)": ("anonymous-manual-approval",),
    "Active Directory domain": ("active-directory",),
    "PKI certificate": ("pki-certificate",),
    "Azure AD *device* token": ("azure-ad-device-token",),
    "Azure AD *user* token": ("azure-ad-user-token",),
    "Azure AD *user* and/or *device* token": ("azure-ad-user-token", "azure-ad-device-token"),
    "Windows authentication (network access account)": ("network-access-account",),
    "Content access token": ("content-access-token",),
}
"""The seed's words for each kind of identity evidence, and the method names the model uses."""

_QUALIFIERS = ("(Enhanced HTTP)", "(version 1706)")
_REGISTRATION = "Registration: Yes, using one of the following methods:"


class SeedTableError(ValueError):
    """The seed's tables are not where or what this reader expects (a changed seed copy)."""


@dataclass(frozen=True)
class _Bullet:
    methods: tuple[str, ...]
    qualifier: str | None


def _bullet(text: str) -> _Bullet:
    words = text.strip().removeprefix("- ").strip()
    qualifier = next((q for q in _QUALIFIERS if words.endswith(q)), None)
    if qualifier is not None:
        words = words.removesuffix(qualifier).strip()
    methods = _PHRASES.get(words)
    if methods is None:
        raise SeedTableError(f"seed table: unknown method {words!r}; expected one of {_PHRASES}")
    return _Bullet(methods, qualifier)


def _rows(header: str) -> dict[str, list[str]]:
    """The rows of the seed's table whose header row starts with `header`, by first cell."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    starts = [n for n, line in enumerate(lines) if line.startswith(f"| {header}")]
    if len(starts) != 1:
        raise SeedTableError(f"seed table: no single table headed {header!r} in {SEED}")
    rows: dict[str, list[str]] = {}
    for line in lines[starts[0] + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows[cells[0]] = cells[1:]
    return rows


@cache
def _mp_registration() -> dict[str, tuple[_Bullet, ...]]:
    """The "Registration" part of the device identity column, per MP type ("HTTP", "HTTPS")."""
    found: dict[str, tuple[_Bullet, ...]] = {}
    for mp_type, cells in _rows("MP type").items():
        lines = cells[1].split("<br>")
        if _REGISTRATION not in lines:
            raise SeedTableError(f"seed table: MP type {mp_type}: no {_REGISTRATION!r}")
        bullets = lines[lines.index(_REGISTRATION) + 1 :]
        found[mp_type] = tuple(_bullet(b) for b in bullets if b.strip().startswith("- "))
    return found


@cache
def _dp() -> dict[str, tuple[_Bullet, ...]]:
    """The DP table's one column, per DP type; "No" is no authentication ("none")."""
    found: dict[str, tuple[_Bullet, ...]] = {}
    for dp_type, cells in _rows("DP type").items():
        if cells[0] == "No":
            found[dp_type] = (_Bullet(("none",), None),)
        else:
            found[dp_type] = tuple(_bullet(b) for b in cells[0].split("<br>") if b.strip())
    return found


def _in_effect(qualifier: str | None, version: str, enhanced: bool) -> bool:
    """ "(Enhanced HTTP)": only with the option in effect, which exists from 1806; "(version
    1706)": from Configuration Manager 1706 on."""
    if qualifier == "(Enhanced HTTP)":
        return enhanced and version == "1806"
    if qualifier == "(version 1706)":
        return int(version) >= 1706
    return True


def _methods(bullets: tuple[_Bullet, ...], version: str, enhanced: bool) -> frozenset[str]:
    return frozenset(
        method
        for bullet in bullets
        if _in_effect(bullet.qualifier, version, enhanced)
        for method in bullet.methods
    )


def seed_registration_methods(connections: str, version: str, enhanced: bool) -> frozenset[str]:
    """What the seed's MP table says a management point configured for `connections` ("http",
    "https") registers a device with, at `version`, with enhanced HTTP on or off."""
    return _methods(_mp_registration()[connections.upper()], version, enhanced)


def seed_dp_row(connections: str, allow_anonymous: bool) -> str:
    """The seed's DP type for a distribution point: "HTTP (anonymous)", "HTTP" or "HTTPS" (the
    seed names no anonymous HTTPS row)."""
    if connections == "https":
        return "HTTPS"
    return "HTTP (anonymous)" if allow_anonymous else "HTTP"


def seed_download_methods(row: str, version: str, enhanced: bool) -> frozenset[str]:
    """What the seed's DP table says a client authenticates with before it downloads from a
    distribution point of type `row` ("none": no authentication)."""
    return _methods(_dp()[row], version, enhanced)
