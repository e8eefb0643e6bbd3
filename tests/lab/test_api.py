"""Every lab module declares its public surface, and each name it lists exists."""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest

import ehttp.lab

MODULES = sorted(
    m.name for m in pkgutil.iter_modules(ehttp.lab.__path__, "ehttp.lab.") if not m.ispkg
)


def test_the_lab_has_its_modules() -> None:
    assert {"ehttp.lab.pki", "ehttp.lab.trust", "ehttp.lab.tls", "ehttp.lab.tokens"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_module_lists_existing_public_names(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__
    assert re.search(r"seed|reference|[A-Z]{2,4}-\d", module.__doc__), "cite a source section"
    for public in module.__all__:
        assert hasattr(module, public), f"{name}.{public}"
