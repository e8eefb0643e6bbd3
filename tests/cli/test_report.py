"""`ehttp report` as users see it (model/cli/report.py): Ctrl-C, text and JSON.

The example labs the badges also check are two small ones here (site-1802, 54 states, and
site-1806-prerelease-off, 18): what these tests are about is what the command says and writes
when it is stopped, not the other labs' verdicts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import ehttp.bridge.catalogue
import ehttp.cli.report as report_cli
import ehttp.report.caught
import ehttp.report.page
from ehttp.cli.app import main
from ehttp.cli.progress import StopRequest
from ehttp.compose.checking import LabCheck
from ehttp.config.labfile import load_lab
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
GOOD = "<!DOCTYPE html>\n<p>the page of an earlier run</p>\n"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["report", *args], catch_exceptions=False)


@pytest.fixture(autouse=True)
def small_examples(monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]) -> None:
    """Two small example labs, and each lab checked once for the session (`checked`) unless a
    stop was requested before its check: then the real check is run, and is interrupted."""
    labs = (load_lab(LABS / "site-1802.toml"), load_lab(LABS / "site-1806-prerelease-off.toml"))
    monkeypatch.setattr(ehttp.report.page, "example_labs", lambda: labs)
    real = ehttp.report.page.run_checks

    def run_checks(lab: Any, *, stop: Callable[[], bool] | None = None, **kwargs: Any) -> LabCheck:
        if stop is not None and stop():
            return real(lab, stop=stop, **kwargs)
        return checked(lab, **kwargs)

    monkeypatch.setattr(ehttp.report.page, "run_checks", run_checks)


def ctrl_c_at_check(
    monkeypatch: pytest.MonkeyPatch, number: int
) -> Callable[[], AbstractContextManager[StopRequest]]:
    """Ctrl-C (the first: a stop request) as the report starts checking its `number`th lab."""
    stop = StopRequest()
    real = ehttp.report.page.run_checks
    calls: list[int] = []

    def run_checks(lab: Any, **kwargs: Any) -> LabCheck:
        calls.append(1)
        if len(calls) == number:
            stop.request()
        return real(lab, **kwargs)

    monkeypatch.setattr(ehttp.report.page, "run_checks", run_checks)

    @contextmanager
    def interruptible() -> Iterator[StopRequest]:
        yield stop

    return interruptible


def test_ctrl_c_while_checking_a_lab_says_which_were_checked_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = tmp_path / "index.html"
    page.write_text(GOOD, encoding="utf-8")
    monkeypatch.setattr(report_cli, "interruptible", ctrl_c_at_check(monkeypatch, 2))
    result = run("--out", str(tmp_path))
    assert result.exit_code == 130, result.output
    assert result.stdout.splitlines() == [
        "labs checked before Ctrl-C: 1 of 3",
        "  default: 41,052 states, 30 of 30 properties hold",
        "not checked: site-1802, site-1806-prerelease-off",
        f"INTERRUPTED: Ctrl-C while checking lab 'site-1802'; no page written ({page} is as "
        "it was)",
    ]
    assert "[1/3] lab 'default': 41,052 states, 30 of 30 properties hold" in result.stderr
    assert page.read_text(encoding="utf-8") == GOOD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["index.html"], "no temporary file left"


def test_ctrl_c_json_is_the_interrupted_shape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_cli, "interruptible", ctrl_c_at_check(monkeypatch, 3))
    result = run("--out", str(tmp_path / "new"), "--json")
    assert result.exit_code == 130, result.output
    document = json.loads(result.stdout)
    validate("report", document)
    assert (document["verdict"], document["path"], document["written"]) == (
        "interrupted",
        None,
        False,
    )
    assert document["stopped_during"] == "checking lab 'site-1806-prerelease-off'"
    assert [lab["lab"] for lab in document["labs_checked"]] == ["default", "site-1802"]
    assert document["labs_checked"][1] == {
        "lab": "site-1802",
        "states": 54,
        "properties": 11,
        "holding": 11,
    }
    assert document["labs_not_checked"] == ["site-1806-prerelease-off"]
    assert not (tmp_path / "new").exists()


def test_a_second_ctrl_c_in_the_attack_catalogue_still_says_what_was_done(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr(ehttp.bridge.catalogue, "_run_case", interrupted)
    result = run("--out", str(tmp_path))
    assert result.exit_code == 130, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "labs checked before Ctrl-C: 3 of 3"
    assert lines[-1] == (
        "INTERRUPTED: Ctrl-C while running the attack catalogue; no page written "
        f"({tmp_path / 'index.html'} does not exist)"
    )
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_while_the_mutants_run_says_so_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stop = StopRequest()
    real = ehttp.report.caught.run_catalogue

    def first_mutant(*args: Any, **kwargs: Any) -> Any:
        stop.request()
        return real(*args, **kwargs)

    @contextmanager
    def interruptible() -> Iterator[StopRequest]:
        yield stop

    monkeypatch.setattr(ehttp.report.caught, "run_catalogue", first_mutant)
    monkeypatch.setattr(report_cli, "interruptible", interruptible)
    result = run("--out", str(tmp_path))
    assert result.exit_code == 130, result.output
    assert "lab mutants: the attack catalogue against each of 13" in result.stderr
    assert result.stdout.splitlines()[-1] == (
        "INTERRUPTED: Ctrl-C while running the attack catalogue against each lab mutant; no "
        f"page written ({tmp_path / 'index.html'} does not exist)"
    )
    assert list(tmp_path.iterdir()) == []
