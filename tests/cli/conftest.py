"""Fixtures of the command tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ehttp.compose.checking import LabCheck


@pytest.fixture
def shared_diagrams_check(
    monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    """`ehttp diagrams` draws the lab's graph and traces from the session's check of its lab
    (`checked`): the tests that use it look at what the command draws and writes, not at the
    search, which tests/compose pins."""
    from ehttp.cli import diagrams

    monkeypatch.setattr(diagrams, "run_checks", checked)
