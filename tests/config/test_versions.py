"""Site versions: every release the seed's tables speak of and the one between them, ordered, with
each threshold read as "this version and later" (model/config/schema.py `at_least`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehttp.config.labfile import LabError, parse_lab
from ehttp.config.schema import VERSIONS, at_least
from ehttp.lab.policy import mp_accepts
from ehttp.machines.access import mp_registration_methods
from ehttp.views.tables import derive_cell

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _lab(version: str, enhanced: bool = False) -> str:
    text = (LABS / "enhanced-off.toml").read_text(encoding="utf-8")
    text = text.replace('version = "1806"', f'version = "{version}"')
    return text.replace("enhanced_http = false", f"enhanced_http = {str(enhanced).lower()}")


def test_the_versions_are_the_seeds_releases_in_order() -> None:
    assert VERSIONS == ("1702", "1706", "1710", "1802", "1806")
    assert [v for v in VERSIONS if at_least(v, "1706")] == ["1706", "1710", "1802", "1806"]
    assert not at_least("1710", "1802")


@pytest.mark.req("MP-2", "REG-1")
def test_a_1710_site_reads_the_1706_threshold_as_this_version_and_later() -> None:
    lab = parse_lab(_lab("1710"), "lab.toml")
    assert lab.site.version == "1710"
    assert "azure-ad-device-token" in mp_registration_methods("https", "1710", False)
    assert "azure-ad-device-token" not in mp_registration_methods("https", "1702", False)
    assert "azure-ad-device-token" in mp_accepts("https", "registration", "1710", False)
    # Enhanced HTTP is an 1806 option: on 1710 the setting is refused, naming what it needs.
    with pytest.raises(LabError, match="enhanced HTTP needs version 1806"):
        parse_lab(_lab("1710", enhanced=True), "lab.toml")


def test_a_table_condition_from_a_version_on_names_that_version() -> None:
    cell = derive_cell(
        "k",
        "K",
        None,
        lambda version, on: frozenset({"pki-certificate"} if at_least(version, "1710") else ()),
    )
    assert [entry.text for entry in cell.entries] == ["PKI certificate (version 1710)"]
