"""The audit tests' shared checks of unmutated labs."""

from __future__ import annotations

from typing import Protocol

import pytest

from ehttp.audit import engine, mutant_run
from ehttp.audit.mutant_run import UNBOUNDED, Base, Bounds, Checks
from ehttp.config.schema import Lab


class BaseOf(Protocol):
    """`Base`'s signature, as the fixtures stand in for it."""

    def __call__(self, lab: Lab, checks: Checks, bounds: Bounds = UNBOUNDED) -> Base: ...


@pytest.fixture(scope="session")
def audit_base() -> BaseOf:
    """Each lab's `Base` (its check, unmutated), built once per (lab, checks) for the session:
    it is deterministic, and one audit shares it between all its mutants. It keeps to no time
    limit and no stop request (the tests that share it set none)."""
    bases: dict[tuple[Lab, Checks], Base] = {}

    def base(lab: Lab, checks: Checks, bounds: Bounds = UNBOUNDED) -> Base:
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
