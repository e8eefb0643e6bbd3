"""The seed's tables as `ehttp tables` prints them (model/views/tables.py): every cell, text and
JSON."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main
from ehttp.config.schema import VERSIONS, Connections, Version
from ehttp.machines.access import MP_TYPES, Method
from ehttp.views.tables import (
    Cell,
    conditions_json,
    derive_cell,
    dp_cells,
    mp_cells,
    render_text,
    table_json,
)

# The seed's tables as the text output must show them: (type, heading) -> lines of the cell.
SEED_TEXT: dict[tuple[str, str], list[str]] = {
    ("MP type HTTP", "Client authentication"): [
        "No",
        "With Enhanced HTTP, the site verifies the user and/or device Azure AD token.",
    ],
    ("MP type HTTP", "Location request"): ["No"],
    ("MP type HTTP", "Client package"): ["No"],
    ("MP type HTTP", "Registration"): [
        "Yes, using one of the following methods",
        "Anonymous (manual approval)",
        "Active Directory domain",
        "Azure AD device token (Enhanced HTTP)",
    ],
    ("MP type HTTP", "Client authorization, user identity"): [
        "Yes for user scenarios, using one of the following methods",
        "Active Directory domain",
        "Azure AD user token (Enhanced HTTP)",
    ],
    ("MP type HTTPS", "Client authentication"): [
        "Yes, using one of the following methods",
        "PKI certificate",
        "Active Directory domain",
        "Azure AD user and/or device token (version 1706)",
    ],
    ("MP type HTTPS", "Location request"): ["No"],
    ("MP type HTTPS", "Client package"): ["No"],
    ("MP type HTTPS", "Registration"): [
        "Yes, using one of the following methods",
        "Anonymous (manual approval)",
        "Active Directory domain",
        "PKI certificate",
        "Azure AD device token (version 1706)",
    ],
    ("MP type HTTPS", "Client authorization, user identity"): [
        "Yes for user scenarios, using one of the following methods",
        "Active Directory domain",
        "Azure AD user token (version 1706)",
    ],
    ("DP type HTTP (anonymous)", "Client authentication"): ["No"],
    ("DP type HTTP", "Client authentication"): [
        "Windows authentication (network access account)",
        "Content access token (Enhanced HTTP)",
    ],
    ("DP type HTTPS", "Client authentication"): [
        "PKI certificate",
        "Windows authentication (network access account)",
        "Content access token (Enhanced HTTP)",
    ],
}


def _parse(text: str) -> dict[tuple[str, str], list[str]]:
    """Read the text output back into cells, the way a reader scans it: a heading, the words
    after it, then its list items or sentences."""
    cells: dict[tuple[str, str], list[str]] = {}
    kind = ""
    current: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if line.startswith(("MP type ", "DP type ")):
            kind = line
        elif stripped.startswith("- "):
            current.append(stripped[2:])
        elif kind and stripped.endswith(":") and ": " not in stripped:
            current = cells.setdefault((kind, stripped[:-1]), [])
        elif kind and ": " in stripped:
            heading, value = stripped.split(": ", 1)
            current = cells.setdefault((kind, heading), [value.removesuffix(":")])
        elif kind and stripped:
            current.append(stripped)
        elif not stripped:
            kind = ""
    return {key: value for key, value in cells.items() if value}


@pytest.mark.req("MP-1", "MP-2", "MP-3", "DP-1", "DP-2", "DP-3", "REG-1", "REG-2", "REG-6")
def test_text_prints_every_seed_cell_and_nothing_else() -> None:
    assert _parse(render_text()) == SEED_TEXT


def test_text_names_the_two_tables_and_the_device_identity_column() -> None:
    text = render_text()
    assert "Client to management point communication" in text
    assert "Client to distribution point communication" in text
    assert text.count("  Client authorization, device identity:") == 2
    assert "site versions 1702, 1706, 1710, 1802, 1806 with enhanced HTTP off and on" in text


SEED = Path(__file__).resolve().parents[2] / "specs" / "source" / "enhanced-http.md"


def _seed_columns() -> list[tuple[str, str, list[str]]]:
    """The seed's two Markdown tables read straight from specs/source/enhanced-http.md: for each
    row and column in the seed's order, (type, column heading, the cell's lines), with list dashes,
    emphasis and line breaks taken out."""
    found: list[tuple[str, str, list[str]]] = []
    headings: list[str] = []
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            headings = []
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not headings:
            headings = [re.sub(r"\s*<br>\s*", ", ", cell).lower() for cell in cells]
            continue
        if set(cells[0]) <= {"-"}:
            continue
        kind = "MP" if headings[0] == "mp type" else "DP"
        for heading, cell in zip(headings[1:], cells[1:], strict=True):
            parts = cell.split("<br>")
            lines = [part.strip().removeprefix("- ").replace("*", "") for part in parts]
            found.append((f"{kind} type {cells[0]}", heading, [part for part in lines if part]))
    return found


def _printed_columns(text: str) -> list[tuple[str, str, list[str]]]:
    """`ehttp tables` text read back column by column, in printed order: a column's lines are
    the words after its heading and every line indented under it, list dashes taken out."""
    found: list[tuple[str, str, list[str]]] = []
    kind = ""
    for line in text.splitlines():
        if line.startswith(("MP type ", "DP type ")):
            kind = line
        elif not line.strip():
            kind = ""
        elif kind and line.startswith("  ") and not line.startswith("   "):
            heading, _, rest = line.strip().partition(":")
            found.append((kind, heading.lower(), [rest.strip()] if rest.strip() else []))
        elif kind:
            found[-1][2].append(line.strip().removeprefix("- "))
    return found


@pytest.mark.req("MP-1", "MP-2", "MP-3", "DP-1", "DP-2", "DP-3", "REG-1", "REG-2", "REG-6")
def test_text_prints_every_seed_cell_in_the_seeds_order_and_wording() -> None:
    """Compared with the tables in the seed file itself, not a transcription: every row, column
    and line in the seed's order and words."""
    seed = _seed_columns()
    assert len(seed) == 2 * 3 + 3
    assert _printed_columns(CliRunner().invoke(main, ["tables"]).output) == seed


@pytest.mark.parametrize("mp", MP_TYPES)
def test_mp_cells_are_in_the_seed_order(mp: Connections) -> None:
    keys = [cell.key for cell in mp_cells(mp)]
    assert keys == [
        "client_authentication",
        "location_request",
        "client_package",
        "registration",
        "user_authorization",
    ]


@pytest.mark.req("REG-1", "DP-2", "DP-3", "SEC-1")
def test_no_pki_registration_and_no_anonymous_download_are_absent_from_the_text() -> None:
    cells = _parse(render_text())
    assert "PKI certificate" not in cells[("MP type HTTP", "Registration")]
    assert "No" not in cells[("DP type HTTP", "Client authentication")]
    assert "No" not in cells[("DP type HTTPS", "Client authentication")]


def _cell(decide: dict[tuple[Version, bool], set[Method]]) -> Cell:
    return derive_cell("k", "K", None, lambda version, on: frozenset(decide[(version, on)]))


def _all(methods: set[Method]) -> dict[tuple[Version, bool], set[Method]]:
    return {(v, on): set(methods) for v in VERSIONS for on in (False, True)}


def test_conditions_are_read_off_the_decision_function() -> None:
    decide = _all({"active-directory"})
    decide[("1806", True)].add("content-access-token")
    for version in ("1802", "1806"):
        for on in (False, True):
            decide[(version, on)].add("pki-certificate")
    decide[("1702", True)].add("network-access-account")
    texts = [entry.text for entry in _cell(decide).entries]
    assert texts == [
        "Active Directory domain",
        "PKI certificate (version 1802)",
        "Windows authentication (network access account) (only 1702 with enhanced HTTP on)",
        "Content access token (Enhanced HTTP)",
    ]


def test_a_method_never_accepted_has_no_entry() -> None:
    assert [entry.method for entry in _cell(_all({"none"})).entries] == ["none"]


@pytest.mark.req("DP-1")
def test_dp_cell_for_anonymous_access_is_no() -> None:
    cell = dp_cells("http-anonymous")
    assert [(entry.method, entry.condition) for entry in cell.entries] == [("none", None)]


ENHANCED_JSON = {
    "management_point": [
        {
            "type": "http",
            "client_authentication": ["azure-ad-device-token", "azure-ad-user-token", "none"],
            "location_request": ["none"],
            "client_package": ["none"],
            "registration": [
                "anonymous-manual-approval",
                "active-directory",
                "azure-ad-device-token",
            ],
            "user_authorization": ["active-directory", "azure-ad-user-token"],
        },
        {
            "type": "https",
            "client_authentication": [
                "active-directory",
                "azure-ad-device-token",
                "azure-ad-user-token",
                "pki-certificate",
            ],
            "location_request": ["none"],
            "client_package": ["none"],
            "registration": [
                "anonymous-manual-approval",
                "active-directory",
                "azure-ad-device-token",
                "pki-certificate",
            ],
            "user_authorization": ["active-directory", "azure-ad-user-token"],
        },
    ],
    "distribution_point": [
        {"type": "http-anonymous", "client_authentication": ["none"]},
        {
            "type": "http",
            "client_authentication": ["network-access-account", "content-access-token"],
        },
        {
            "type": "https",
            "client_authentication": [
                "pki-certificate",
                "network-access-account",
                "content-access-token",
            ],
        },
    ],
}


@pytest.mark.req("MP-1", "MP-2", "MP-3", "DP-1", "DP-2", "DP-3", "REG-1", "REG-2", "REG-3", "REG-6")
def test_json_with_enhanced_http_has_every_seed_cell() -> None:
    assert table_json("1806", True) == ENHANCED_JSON


@pytest.mark.req("MP-1", "MP-3", "DP-2", "DP-3", "SITE-3")
@pytest.mark.parametrize(
    ("version", "enhanced"), [("1806", False), ("1802", True), ("1706", False)]
)
def test_json_without_enhanced_http_drops_exactly_the_enhanced_methods(
    version: Version, enhanced: bool
) -> None:
    tables = table_json(version, enhanced)
    http_mp, https_mp = tables["management_point"]
    assert http_mp["client_authentication"] == ["none"]
    assert http_mp["registration"] == ["anonymous-manual-approval", "active-directory"]
    assert http_mp["user_authorization"] == ["active-directory"]
    assert https_mp == ENHANCED_JSON["management_point"][1]
    assert [dp["client_authentication"] for dp in tables["distribution_point"]] == [
        ["none"],
        ["network-access-account"],
        ["pki-certificate", "network-access-account"],
    ]


@pytest.mark.req("MP-1", "MP-2", "MP-3", "REG-2")
def test_point_6_the_cells_keep_their_conditions_in_text_and_json() -> None:
    """With 1702 modelled, "(version 1706)" shows on the HTTPS MP cells; each cell keeps the
    seed's wording, and --json carries each method's condition. Before: no condition, no
    wording, and the HTTP MP's authentication split into transport methods."""
    text = render_text()
    assert text.count("(version 1706)") == 3
    assert "  Client authentication: No\n    With Enhanced HTTP, the site verifies" in text
    conditions = conditions_json()
    http, https = conditions["management_point"]
    assert http["client_authentication"] == {
        "wording": "No",
        "methods": [
            {"method": "none", "condition": None},
            {"method": "azure-ad-user-token", "condition": "Enhanced HTTP"},
            {"method": "azure-ad-device-token", "condition": "Enhanced HTTP"},
        ],
    }
    assert https["user_authorization"]["wording"] == (
        "Yes for user scenarios, using one of the following methods"
    )
    assert {"method": "azure-ad-device-token", "condition": "version 1706"} in https[
        "registration"
    ]["methods"]
    document = json.loads(CliRunner().invoke(main, ["tables", "--json"]).output)
    assert document["conditions"] == conditions
