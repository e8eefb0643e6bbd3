"""`ehttp diagrams` without Graphviz's `dot` (model/cli/diagrams.py): one line and exit 2 for the
pictures that need it, and the dot format, which needs no Graphviz, still written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main
from ehttp.compose.world import MACHINES


@pytest.fixture
def no_dot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH holds only an empty folder, so `dot` can't be found."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


@pytest.mark.parametrize("fmt", ["svg", "png"])
@pytest.mark.usefixtures("no_dot")
def test_without_dot_pictures_are_one_line_and_exit_2(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["diagrams", "--out", str(out), "--format", fmt])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: --format: {fmt!r} needs Graphviz's dot program, which is not on PATH; install "
        "Graphviz (Debian or Ubuntu: apt-get install graphviz), or use --format dot, which writes "
        "the Graphviz source without it"
    ]
    assert not out.exists()


@pytest.mark.usefixtures("no_dot", "shared_diagrams_check")
def test_without_dot_the_dot_format_is_written(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["diagrams", "--out", str(out), "--format", "dot"])
    assert result.exit_code == 0, result.output
    written = {path.name for path in out.iterdir()}
    assert {f"{machine.name}.dot" for machine in MACHINES} <= written
    assert all(name.endswith(".dot") for name in written)
    assert (out / "clock.dot").read_text(encoding="utf-8").startswith("digraph clock {")
