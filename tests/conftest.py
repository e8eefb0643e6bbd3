"""Shared test configuration: the ``req`` marker that ties a test to the requirement catalogue,
the ``needs_dot`` marker that skips a test when Graphviz's ``dot`` is not on PATH, the ``heavy``
marker of the cross-checks the default run leaves to CI, and the session's checked labs and the
default lab's reachable worlds."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ehttp.compose.checking import LabCheck
    from ehttp.compose.world import World, WorldModel
    from ehttp.config.schema import Lab
    from ehttp.fuzz.coverage import Reachable

# The package is imported by the fixtures and hooks that use it, not here: pytest-xdist's
# controlling process loads this file and runs no test, and importing the model, Hypothesis and
# the fuzz campaign costs it about two seconds of CPU.

pytest_plugins = ("pytester",)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "req(*ids): requirement IDs this test checks")
    config.addinivalue_line(
        "markers", "needs_dot: lays out pictures with Graphviz's dot; skipped when dot is missing"
    )
    config.addinivalue_line(
        "markers",
        "heavy: a costly cross-check (a large layout, Spin or a check on every example lab, "
        "every host of an attack, a long search or campaign) whose fault a fast test also "
        "catches; the default run leaves it out (pyproject.toml addopts: -m 'not heavy'); "
        ".ci/run runs these after the fast suite with -m heavy",
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
    from ehttp.report.requirements import requirement_ids

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
    from ehttp.compose.checking import run_checks

    return cache(run_checks)


@pytest.fixture(scope="session")
def report_steps(checked: Callable[..., LabCheck]) -> Callable[[pytest.MonkeyPatch], None]:
    """What lets the reports of the default lab that tests write check each lab once (`checked`)
    and run the attack catalogue, the catalogue against the lab mutants and the answers once per
    (lab, seed, mutant) for the session: they are deterministic and read-only afterwards, and what
    these tests look at is how the page is drawn, written or named. Call it with the test's
    monkeypatch before invoking `ehttp report`."""
    from ehttp.report import page

    found: dict[tuple[object, ...], object] = {}
    steps = {name: getattr(page, name) for name in ("run_catalogue", "catch_mutants", "answer_all")}

    real_checks = page.run_checks

    def run_checks(lab: Lab, *, stop: Callable[[], bool] | None = None, **kwargs: Any) -> LabCheck:
        # Each command passes a stop request of its own; keyed on it, no check would be shared.
        if stop is not None and stop():
            return real_checks(lab, stop=stop, **kwargs)
        return checked(lab, **kwargs)

    def share(patch: pytest.MonkeyPatch) -> None:
        patch.setattr(page, "run_checks", run_checks)
        for name, real in steps.items():

            def shared(
                *args: object, _name: str = name, _real: Any = real, **kwargs: object
            ) -> object:
                key = (_name, args, tuple(sorted((k, v) for k, v in kwargs.items() if k != "stop")))
                if key in found:
                    return found[key]
                value = _real(*args, **kwargs)
                stop = kwargs.get("stop")
                if not (callable(stop) and stop()):
                    found[key] = value  # a run a stop request cut short is not kept
                return value

            patch.setattr(page, name, shared)

    return share


@pytest.fixture
def shared_check(monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]) -> None:
    """`ehttp check` run with no limit and with symmetry gets the session's check of its lab
    (`checked`): the tests that read the default lab's text, JSON and column layout look at how
    the command prints one check, not at the search, which tests/compose pins. With a limit,
    without symmetry, or once a stop is requested, the command runs its own check as always."""
    from ehttp.cli import check

    real = check.run_checks

    def run_checks(
        lab: Lab,
        *,
        symmetry: bool = True,
        max_states: int | None = None,
        max_seconds: float | None = None,
        stop: Callable[[], bool] | None = None,
        **kwargs: Any,
    ) -> LabCheck:
        if symmetry and max_states is None and max_seconds is None and not (stop and stop()):
            return checked(lab)
        return real(
            lab,
            symmetry=symmetry,
            max_states=max_states,
            max_seconds=max_seconds,
            stop=stop,
            **kwargs,
        )

    monkeypatch.setattr(check, "run_checks", run_checks)


@pytest.fixture(scope="session")
def default_worlds() -> tuple[WorldModel, list[World]]:
    """The default lab's model and every world it reaches, by the tests' own search."""
    from ehttp.compose.world import WorldModel
    from ehttp.config.labfile import default_lab
    from tests.search import reachable

    model = WorldModel(default_lab())
    return model, reachable(model)


@pytest.fixture(scope="session", autouse=True)
def _one_reachable_set_per_model() -> Iterator[None]:
    """A fuzz campaign (`ehttp.fuzz.campaign.run_campaign`) measures its coverage against the
    checker's reachable set of its lab's model, explored anew by every campaign; dozens of tests
    run campaigns on the same few labs (the default lab: 41,052 states each time). In the tests,
    each model's set is explored once per worker and shared read-only. The key is everything
    the set depends on: the lab, the model's options, its machine declarations as built (a test's
    swapped-in mutant declarations get their own) and the access tables in force (a test may
    swap in a wrong one). The four most recent sets are kept."""
    from ehttp.fuzz import campaign
    from ehttp.fuzz.coverage import Reachable
    from ehttp.machines import access

    found: dict[tuple[object, ...], Reachable] = {}

    def shared(model: WorldModel) -> Reachable:
        key = (
            model.lab,
            model.without,
            model.fair_only,
            model.initial,
            model.env.machines,
            model.tables,
            access.TABLES,
        )
        if key not in found:
            if len(found) >= 4:
                del found[next(iter(found))]
            found[key] = Reachable(model)
        return found[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(campaign, "Reachable", shared)
        yield


@pytest.fixture(autouse=True)
def _whole_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands wrap their text to `COLUMNS` (model/cli/output.py `output_width`); a test sees
    whole lines unless it sets `COLUMNS` itself, whatever the terminal it was started from."""
    monkeypatch.delenv("COLUMNS", raising=False)
