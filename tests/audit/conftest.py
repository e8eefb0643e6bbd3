"""The audit tests' shared checks of unmutated labs."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ehttp.audit import engine, mutant_run
from ehttp.audit.mutant_run import Base, Checks
from ehttp.config.schema import Lab

BaseOf = Callable[[Lab, Checks], Base]


@pytest.fixture(scope="session")
def audit_base() -> BaseOf:
    """Each lab's `Base` (its check, unmutated), built once per (lab, checks) for the session:
    it is deterministic, and one audit shares it between all its mutants."""
    bases: dict[tuple[Lab, Checks], Base] = {}

    def base(lab: Lab, checks: Checks) -> Base:
        if (lab, checks) not in bases:
            bases[(lab, checks)] = Base(lab, checks)
        return bases[(lab, checks)]

    return base


@pytest.fixture
def shared_base(monkeypatch: pytest.MonkeyPatch, audit_base: BaseOf) -> BaseOf:
    """`run_audit` and `lab_lockstep` get the session's `Base` of their lab (`audit_base`): the
    tests that use this look at the mutants, each test in its own call."""
    monkeypatch.setattr(engine, "Base", audit_base)
    monkeypatch.setattr(mutant_run, "Base", audit_base)
    return audit_base
