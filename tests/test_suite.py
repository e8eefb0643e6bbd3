"""The fast suite leaves out only what CI runs: the default run (pyproject.toml's addopts) skips
the tests marked `heavy` (tests/conftest.py), and .ci/run runs the fast suite with its slowest
tests printed and then the heavy set, so every test still runs in CI."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _pytest_runs() -> list[list[str]]:
    """The arguments of each `pytest` run in .ci/run."""
    runs = []
    for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines():
        words = shlex.split(line, comments=True)
        if words[1:3] == ["-m", "pytest"]:
            runs.append(words[3:])
    return runs


def test_the_default_run_leaves_out_the_heavy_tests() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = shlex.split(config["tool"]["pytest"]["ini_options"]["addopts"])
    assert addopts[addopts.index("-m") + 1] == "not heavy"


def test_ci_runs_the_fast_suite_with_its_durations_and_then_the_heavy_set() -> None:
    assert _pytest_runs() == [["--durations=15"], ["-m", "heavy", "--durations=15"]]
