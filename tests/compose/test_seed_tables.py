"""The properties' oracle for the MP and DP tables (model/compose/seed_tables.py): read from the
seed's text, independent of the model's transcription, and a flipped cell fails `ehttp check`."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

import ehttp
from ehttp.cli.app import main
from ehttp.compose.seed_tables import (
    SEED,
    seed_download_methods,
    seed_dp_row,
    seed_registration_methods,
)
from ehttp.config.schema import VERSIONS
from ehttp.machines.access import (
    TABLES,
    DpCell,
    MpCell,
    dp_authentication_methods,
    dp_type,
    mp_registration_methods,
)

ROOT = Path(ehttp.__file__).resolve().parent
REPO_SEED = ROOT.parent / "specs" / "source" / "enhanced-http.md"


def test_the_oracle_reads_the_packaged_seed_which_is_the_repositorys() -> None:
    assert SEED.read_text(encoding="utf-8") == REPO_SEED.read_text(encoding="utf-8")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("enhanced", [False, True])
def test_the_seeds_text_and_the_models_table_agree(version: str, enhanced: bool) -> None:
    for mp in ("http", "https"):
        assert seed_registration_methods(mp, version, enhanced) == mp_registration_methods(
            mp,  # type: ignore[arg-type]
            version,  # type: ignore[arg-type]
            enhanced,
        )
    for connections, anonymous in (("http", True), ("http", False), ("https", False)):
        row = seed_dp_row(connections, anonymous)
        kind = dp_type(connections, anonymous)  # type: ignore[arg-type]
        assert seed_download_methods(row, version, enhanced) == dp_authentication_methods(
            kind,
            version,  # type: ignore[arg-type]
            enhanced,
        )


def test_the_seeds_qualifiers_are_read() -> None:
    assert "azure-ad-device-token" not in seed_registration_methods("http", "1806", False)
    assert "azure-ad-device-token" in seed_registration_methods("http", "1806", True)
    assert "azure-ad-device-token" not in seed_registration_methods("https", "1702", False)
    assert "azure-ad-device-token" in seed_registration_methods("https", "1706", False)
    assert seed_download_methods("HTTP (anonymous)", "1806", True) == {"none"}
    assert "content-access-token" not in seed_download_methods("HTTP", "1802", True)


def test_nothing_but_the_properties_imports_the_oracle() -> None:
    importers = []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "ehttp.compose.seed_tables":
                importers.append(path.relative_to(ROOT.parent).as_posix())
    assert importers == [
        "model/compose/properties/clients.py",
        "model/compose/properties/downloads.py",
    ]


def _check(monkeypatch: pytest.MonkeyPatch, mp: tuple[MpCell, ...], dp: tuple[DpCell, ...]) -> str:
    monkeypatch.setattr("ehttp.machines.access.TABLES", replace(TABLES, mp=mp, dp=dp))
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[-1].startswith("FAIL: ")
    return result.stdout


# Heavy (a full check of the default lab): the same cell removed is killed by the registration
# property in the fast suite (tests/audit/test_table_mutants.py,
# test_the_audit_names_the_property_that_kills_a_flipped_cell).
@pytest.mark.heavy
def test_a_registration_cell_removed_fails_check_on_the_default_lab(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cell = MpCell("http", "registration", "active-directory")
    out = _check(monkeypatch, tuple(c for c in TABLES.mp if c != cell), TABLES.dp)
    assert "not holding: REG-1/mp-table (violated)" in out


# Heavy (a full check of the default lab): the same qualifier dropped is killed by the download
# property in the fast suite (tests/audit/test_table_mutants.py,
# test_the_audit_names_the_property_that_kills_a_flipped_cell).
@pytest.mark.heavy
def test_a_dropped_enhanced_http_qualifier_on_the_dp_table_fails_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dp = tuple(
        replace(c, qualifier="always")
        if c == DpCell("http", "content-access-token", "enhanced-http")
        else c
        for c in TABLES.dp
    )
    out = _check(monkeypatch, TABLES.mp, dp)
    assert "not holding: DP-1/dp-table (violated)" in out
