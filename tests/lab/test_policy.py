"""The lab's own transcription of the seed's access tables (model/lab/policy.py): it agrees with
the model's today, and the lab's authenticators read only it (issue 11, point 7)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

import ehttp.lab
from ehttp.config.labfile import default_lab
from ehttp.config.schema import CONNECTIONS, VERSIONS
from ehttp.lab.policy import dp_accepts, dp_row, enhanced_on, mp_accepts
from ehttp.lab.testbed import ConcreteLab
from ehttp.machines import access

LAB = Path(ehttp.lab.__file__).resolve().parent
DRIVER = {"facade.py"}
"""The driver follows the model's rows on purpose; it authenticates nothing."""


def test_the_two_transcriptions_agree_on_every_site() -> None:
    for connections, version, enhanced in itertools.product(CONNECTIONS, VERSIONS, (False, True)):
        args = (connections, version, enhanced)
        assert mp_accepts(connections, "registration", version, enhanced) == (
            access.mp_registration_methods(*args)
        )
        assert mp_accepts(connections, "user-authorization", version, enhanced) == (
            access.mp_user_authorization_methods(*args)
        )
        assert mp_accepts(connections, "location", version, enhanced) == (
            access.mp_location_request_methods(*args)
        )
        assert mp_accepts(connections, "package", version, enhanced) == (
            access.mp_client_package_methods(*args)
        )
        assert enhanced_on(version, enhanced) == access.enhanced_in_effect(version, enhanced)
        for anonymous in (False, True):
            row = access.dp_type(connections, anonymous)
            assert dp_accepts(dp_row(connections, anonymous), version, enhanced) == (
                access.dp_authentication_methods(row, version, enhanced)
            )


def _access_names(path: Path) -> set[str]:
    return {
        alias.name
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.module == "ehttp.machines.access"
        for alias in node.names
    } | {
        "module"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and node.module == "ehttp.machines"
        and any(alias.name == "access" for alias in node.names)
    }


def test_the_lab_takes_only_the_method_vocabulary_from_the_model_tables() -> None:
    found = {
        str(path.relative_to(LAB)): names
        for path in sorted(LAB.rglob("*.py"))
        if path.name not in DRIVER and (names := _access_names(path) - {"Method"})
    }
    assert found == {}


def test_a_wrong_model_table_does_not_change_what_the_lab_accepts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The model's table could be wrong; the lab's decision stays the lab's, so lockstep sees
    the two disagree instead of both being wrong alike."""
    for name in ("mp_registration_methods", "dp_authentication_methods", "enhanced_in_effect"):
        monkeypatch.setattr(access, name, lambda *args: frozenset())
    lab = ConcreteLab(default_lab())
    assert lab.register("dom1", "active-directory").ok
    assert lab.register("aad1", "azure-ad-device-token").ok
