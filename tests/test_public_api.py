"""Every module of the package states its public surface in `__all__` (STYLE.md rule 10)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import ehttp

MODULES = sorted(
    info.name for info in pkgutil.walk_packages(ehttp.__path__, prefix="ehttp.") if not info.ispkg
)


def _public_definitions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
            names.add(node.name)
    return names


def test_the_package_has_modules() -> None:
    assert "ehttp.compose.world" in MODULES
    assert "ehttp.lab.pki" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_every_public_definition(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    missing = [item for item in exported if not hasattr(module, item)]
    assert missing == [], f"{name}.__all__ names undefined {missing}"
    assert module.__file__ is not None
    unlisted = _public_definitions(Path(module.__file__)) - set(exported)
    assert unlisted == set(), f"{name} defines public {sorted(unlisted)} outside __all__"
