"""The package as it installs: one `specs/` folder, mapped into the package; the import name is
`ehttp` and no top-level `model` is installed; pyproject's package list is the folders of `model/`.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import ehttp
from ehttp.report.requirements import SPECS
from ehttp.shipped import specs_folder

ROOT = Path(ehttp.__file__).resolve().parent
CHECKOUT = ROOT.parent


def test_a_checkout_reads_its_own_specs_folder() -> None:
    assert SPECS == specs_folder() == CHECKOUT / "specs"
    assert not (ROOT / "specs").exists(), "model/specs/ is gone: specs/ is the one copy"


def test_pyproject_lists_every_package_of_the_folder() -> None:
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    on_disk = {
        ".".join(("ehttp", *init.parent.relative_to(ROOT).parts))
        for init in ROOT.rglob("__init__.py")
    }
    assert listed == on_disk | {"ehttp.specs"}
    assert project["tool"]["setuptools"]["package-dir"] == {
        "ehttp": "model",
        "ehttp.specs": "specs",
    }


def test_the_import_name_is_ehttp_and_model_is_not_installed() -> None:
    found = subprocess.run(
        [sys.executable, "-c", "import model"],
        cwd=Path("/"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert found.returncode == 1 and "No module named 'model'" in found.stderr
