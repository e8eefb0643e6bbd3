"""`ehttp labs` and `--lab NAME` (model/cli/labs.py, model/config/examples.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ehttp.cli.app import main
from ehttp.config.examples import example_lab, example_labs
from ehttp.config.labfile import load_lab
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_labs_lists_the_default_and_every_example_lab_one_line_each() -> None:
    result = run("labs")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    names = [line.split()[0] for line in lines]
    assert names == ["default", *sorted(path.stem for path in LABS.glob("*.toml"))]
    assert (
        'enhanced-off              The recommended 1806 site with "Use Configuration '
        'Manager-generated certificates for HTTP site systems" turned off'
    ) in lines


def test_labs_json_has_its_schema() -> None:
    result = run("labs", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    validate("labs", data)
    assert [lab["name"] for lab in data["labs"]] == [lab.name for lab in example_labs()]


def test_every_example_lab_by_name_is_its_file() -> None:
    for path in sorted(LABS.glob("*.toml")):
        assert example_lab(path.stem) == load_lab(path)


def test_lab_takes_a_name_from_the_packaged_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # From another folder, where specs/labs/enhanced-off.toml does not exist: the name still works.
    monkeypatch.chdir(tmp_path)
    result = run("whatif", "--lab", "enhanced-off", "--do", "enable-enhanced-http")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(
        "lab 'enhanced-off': what if the administrator does enable-enhanced-http"
    )


def test_an_unknown_lab_name_is_one_line_naming_the_labs() -> None:
    result = run("check", "--lab", "nosuch")
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "Error: --lab: 'nosuch' is neither a lab file nor an example lab; give a file or one of "
        "default, aad-1709, "
    )
