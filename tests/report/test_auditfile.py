"""Tests for model/report/auditfile.py and the report's property strength section: a saved
`ehttp audit --json` of the lab is read, checked, and shown compactly."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

import pytest

from ehttp.audit import load_unconstrained, run_audit
from ehttp.cli.audit import audit_verdict
from ehttp.cli.output import envelope
from ehttp.config.labfile import load_lab
from ehttp.report.appendix import strength_section as _strength
from ehttp.report.auditfile import read_audit
from ehttp.report.page import ReportError

LAB = load_lab(
    Path(__file__).resolve().parents[2] / "specs" / "labs" / "site-1806-prerelease-off.toml"
)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = run_audit(LAB, unconstrained=load_unconstrained(), workers=1)
    fields = result.to_json()
    del fields["lab"]
    path = tmp_path_factory.mktemp("audit") / "audit.json"
    path.write_text(json.dumps(envelope("audit", LAB, audit_verdict(result), **fields)))
    return path


def test_the_section_shows_each_property_the_ratio_and_the_survivors_folded(saved: Path) -> None:
    audit = read_audit(saved, LAB)
    html = _strength(audit)
    assert html.startswith(f"<p>Kill ratio {audit['kill_ratio']:.2f} (")
    assert "<th>mutants killed</th><th>example mutant</th>" in html
    names = [p["key"] for p in audit["properties"]]
    assert all(escape(name) in html for name in names)
    assert "enhanced HTTP is never on: the option needs 1806 with pre-release features" in names
    assert "<details><summary>" in html and "left open by the seed: <q>" in html
    assert "unfalsifiable" not in html


def _edit(saved: Path, tmp_path: Path, **change: Any) -> Path:
    document = json.loads(saved.read_text())
    document.update(change)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document))
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"lab": "default"}, "--audit: lab 'default' is not accepted; give an audit of lab"),
        ({"command": "fuzz"}, "--audit: command 'fuzz' is not accepted; give the output of"),
        ({"complete": False}, "--audit: complete False is not accepted; give a complete audit"),
        ({"kill_ratio": 2}, "--audit: kill_ratio 2 is not accepted; give a number from 0 to 1"),
    ],
)
def test_a_file_of_another_lab_or_shape_is_refused_naming_the_key(
    saved: Path, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(ReportError) as error:
        read_audit(_edit(saved, tmp_path, **change), LAB)
    assert str(error.value).startswith(message)
