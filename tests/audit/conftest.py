"""The audit tests' shared check of the unmutated lab."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ehttp.audit import engine, mutant_run
from ehttp.audit.mutant_run import Base, Checks
from ehttp.config.schema import Lab


@pytest.fixture(scope="session")
def bases() -> dict[tuple[Lab, Checks], Base]:
    """Each lab's `Base`, built once per (lab, checks) for the session."""
    return {}


@pytest.fixture
def shared_base(
    monkeypatch: pytest.MonkeyPatch, bases: dict[tuple[Lab, Checks], Base]
) -> Callable[[Lab, Checks], Base]:
    """`run_audit` and `lab_lockstep` get the session's `Base` of their lab: checking the
    unmutated lab is deterministic, and it is what one audit shares between all its mutants (the
    tests that use this look at the mutants, each in its own call)."""

    def base(lab: Lab, checks: Checks) -> Base:
        if (lab, checks) not in bases:
            bases[(lab, checks)] = Base(lab, checks)
        return bases[(lab, checks)]

    monkeypatch.setattr(engine, "Base", base)
    monkeypatch.setattr(mutant_run, "Base", base)
    return base
