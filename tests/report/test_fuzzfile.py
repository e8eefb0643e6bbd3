"""`ehttp report --fuzz FILE` (model/report/fuzzfile.py): a hostile fuzz file is one line and exit
2, never markup in the page or a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main
from ehttp.config.labfile import default_lab
from ehttp.report.fuzzfile import read_fuzz
from ehttp.report.page import ReportError

GOOD = {
    "command": "fuzz",
    "lab": "default",
    "coverage": {"reached": 80, "reachable": 120, "fraction": 0.6667, "timeline": [[0, 1]]},
}


def _with(**coverage: object) -> dict[str, object]:
    return {**GOOD, "coverage": {**GOOD["coverage"], **coverage}}  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_with(reached="<script>alert(1)</script>"), "coverage.reached '<script>alert(1)</scrip"),
        (_with(fraction="0.5"), "coverage.fraction '0.5' is not accepted"),
        (_with(fraction=float("nan")), "coverage.fraction nan is not accepted"),
        (_with(fraction=2), "coverage.fraction 2 is not accepted; give a number from 0 to 1"),
        (_with(timeline=[[0, "<b>"]]), "coverage.timeline[0][1] '<b>' is not accepted"),
        (_with(timeline=[]), "coverage.timeline [] is not accepted"),
        ({**GOOD, "lab": "other"}, "lab 'other' is not accepted; give a fuzz file of lab"),
        ({"command": "fuzz", "mode": "hostile", "tried": 5}, "has no coverage object"),
    ],
)
def test_hostile_fuzz_files_are_refused_by_key(
    tmp_path: Path, document: object, message: str
) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ReportError) as error:
        read_fuzz(path, default_lab())
    assert message in str(error.value)
    assert str(error.value).startswith("--fuzz: ")


def test_deep_and_huge_fuzz_files_are_refused(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ReportError, match="nested deeper than 32 arrays and tables"):
        read_fuzz(deep, default_lab())
    huge = tmp_path / "huge.json"
    huge.write_text('{"coverage": {"timeline": [[0, ' + "9" * 5000 + "]]}}", encoding="utf-8")
    with pytest.raises(ReportError) as error:
        read_fuzz(huge, default_lab())
    assert str(error.value) == (
        f"--fuzz: {huge}: coverage.timeline[0][1]: a value of 5,000 characters "
        "(999999999999…); at most 64 are read"
    )
    with pytest.raises(ReportError, match="larger than"):
        read_fuzz(Path("/dev/zero"), default_lab())


def test_only_checked_numbers_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps({**GOOD, "extra": "<script>", "seed": 7}), encoding="utf-8")
    assert read_fuzz(path, default_lab()) == {
        "lab": "default",
        "seed": 7,
        "coverage": {"reached": 80, "reachable": 120, "fraction": 0.6667, "timeline": [[0.0, 1.0]]},
    }
    path.write_text(json.dumps({**GOOD, "seed": "<b>7</b>"}), encoding="utf-8")
    assert read_fuzz(path, default_lab())["seed"] is None


def test_the_command_exits_2_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "fuzz.json"
    path.write_text(json.dumps(_with(fraction="x")), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--fuzz", str(path), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        "Error: --fuzz: coverage.fraction 'x' is not accepted; give a number from 0 to 1"
    ]
    assert not (tmp_path / "index.html").exists()
