"""Shared test configuration: the ``req`` marker that ties a test to the requirement catalogue,
the ``needs_dot`` marker that skips a test when Graphviz's ``dot`` is not on PATH, the ``heavy``
marker of the cross-checks the default run leaves to CI, and the session's checked labs and the
default lab's reachable worlds."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import cache

import pytest

from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.world import World, WorldModel
from ehttp.config.labfile import default_lab
from ehttp.report.requirements import requirement_ids
from tests.search import reachable

pytest_plugins = ("pytester",)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "req(*ids): requirement IDs this test checks")
    config.addinivalue_line(
        "markers", "needs_dot: lays out pictures with Graphviz's dot; skipped when dot is missing"
    )
    config.addinivalue_line(
        "markers",
        "heavy: a costly cross-check (a large layout, Spin on many labs, a long search); the "
        "default run leaves it out (pyproject.toml addopts: -m 'not heavy'); .ci/run runs these "
        "after the fast suite with -m heavy",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip a ``needs_dot`` test, before its fixtures run, when ``dot`` is not on PATH."""
    if item.get_closest_marker("needs_dot") is not None and shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not on PATH (apt-get install graphviz; .ci/run installs it)")


SESSION_FIXTURES = frozenset({"checked", "default_worlds"})
"""The costly session fixtures below. Under pytest-xdist (``-n``, ``--dist loadgroup``) the tests
that use them run in one worker, and every other test with the rest of its module, so that a lab
is checked, and a module fixture computed, once per run rather than once per worker."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run when a ``req`` marker names no ID, or an ID the catalogue doesn't hold; group
    the tests for pytest-xdist (see `SESSION_FIXTURES`).
    """
    known = requirement_ids()
    problems = []
    for item in items:
        shared = SESSION_FIXTURES & set(getattr(item, "fixturenames", ()))
        group = "session-fixtures" if shared else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
        for mark in item.iter_markers("req"):
            if not mark.args:
                problems.append(f"{item.nodeid}: @pytest.mark.req names no requirement ID")
            unknown = [str(arg) for arg in mark.args if arg not in known]
            if unknown:
                problems.append(
                    f"{item.nodeid}: @pytest.mark.req names {', '.join(unknown)}, not in "
                    "specs/requirements.toml; use IDs from the catalogue"
                )
    if problems:
        raise pytest.UsageError("\n".join(problems))


@pytest.fixture(scope="session")
def checked() -> Callable[..., LabCheck]:
    """`run_checks` remembering its result per lab and options for the whole session.

    Several modules judge the same labs (the default and every example) and checking is
    deterministic, so each lab is explored once; tests must not change what they get back.
    """
    return cache(run_checks)


@pytest.fixture(scope="session")
def default_worlds() -> tuple[WorldModel, list[World]]:
    """The default lab's model and every world it reaches, by the tests' own search."""
    model = WorldModel(default_lab())
    return model, reachable(model)


@pytest.fixture(autouse=True)
def _whole_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands wrap their text to `COLUMNS` (model/cli/output.py `output_width`); a test sees
    whole lines unless it sets `COLUMNS` itself, whatever the terminal it was started from."""
    monkeypatch.delenv("COLUMNS", raising=False)
