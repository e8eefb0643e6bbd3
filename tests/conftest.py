"""Shared test configuration: the ``req`` marker that ties a test to the requirement catalogue."""

from __future__ import annotations

import pytest

from model.report.requirements import requirement_ids

pytest_plugins = ("pytester",)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "req(*ids): requirement IDs this test checks")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Refuse to run when a ``req`` marker names no ID, or an ID the catalogue doesn't hold."""
    known = requirement_ids()
    problems = []
    for item in items:
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
