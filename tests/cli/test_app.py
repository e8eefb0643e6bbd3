"""The `ehttp` command as users see it (model/cli/app.py, output.py, tables.py, diagrams.py)."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from ehttp.cli.app import COMMANDS, main
from ehttp.cli.progress import Reporter, interruptible
from ehttp.compose.world import MACHINES

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert "Traceback" not in result.output
    return lines[0]


@pytest.mark.parametrize("args", [(), ("tables",), ("diagrams",)])
def test_help_everywhere(args: tuple[str, ...]) -> None:
    result = run(*args, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith("Usage: ehttp")


def test_help_lists_the_commands() -> None:
    assert "tables" in run("--help").stdout
    assert "diagrams" in run("--help").stdout


def test_bad_format_names_the_option_the_value_and_the_choices(tmp_path: Path) -> None:
    line = one_error_line(run("diagrams", "--out", str(tmp_path), "--format", "bogus"))
    assert line == "Error: --format: 'bogus' is not accepted; use one of svg, png, dot"
    assert list(tmp_path.iterdir()) == []


def test_unknown_command() -> None:
    line = one_error_line(run("bogus"))
    assert line.startswith("Error: command: 'bogus' is not accepted; use one of ")
    assert "diagrams" in line and "tables" in line


def test_unknown_option() -> None:
    line = one_error_line(run("tables", "--bogus"))
    assert line == "Error: option: '--bogus' is not accepted; use one of --lab, --json, --help"


def test_missing_option_value() -> None:
    assert one_error_line(run("diagrams", "--out")) == "Error: Option '--out' requires an argument."


def test_missing_lab_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    line = one_error_line(run("tables", "--lab", str(missing)))
    assert line == f"Error: --lab: {missing}: cannot read the file (No such file or directory)"


def test_bad_lab_file_names_the_key(tmp_path: Path) -> None:
    lab = tmp_path / "bad.toml"
    lab.write_text((LABS / "enhanced-off.toml").read_text().replace('"1806"', '"1901"', 1))
    line = one_error_line(run("tables", "--lab", str(lab)))
    assert line.startswith(f"Error: --lab: {lab}: site.version")
    assert "1901" in line


def test_lab_the_model_cannot_represent_is_exit_2(tmp_path: Path) -> None:
    text = (LABS / "site-1802.toml").read_text()
    lab = tmp_path / "enhanced-1802.toml"
    lab.write_text(text.replace("enhanced_http = false", "enhanced_http = true"))
    out = str(tmp_path / "d")
    line = one_error_line(run("diagrams", "--lab", str(lab), "--out", out, "--format", "dot"))
    assert line.startswith(
        f"Error: --lab: {lab}: site.enhanced_http: true is not accepted for version 1802"
    )


def test_out_pointing_at_a_file(tmp_path: Path) -> None:
    target = tmp_path / "file.svg"
    target.write_text("keep me")
    line = one_error_line(run("diagrams", "--out", str(target)))
    assert line == (
        f"Error: --out: '{target}' is a file, not a folder; "
        "give a folder (it is created when missing)"
    )
    assert target.read_text() == "keep me"


def test_out_below_a_file_is_an_os_error_in_one_line(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("")
    line = one_error_line(run("diagrams", "--out", str(target / "sub"), "--format", "dot"))
    assert line == f"Error: {target / 'sub'}: Not a directory"


@pytest.mark.usefixtures("shared_diagrams_check")
def test_diagrams_writes_one_file_per_machine(tmp_path: Path) -> None:
    result = run("diagrams", "--out", str(tmp_path), "--format", "dot")
    assert result.exit_code == 0
    names = [f"{machine.name}.dot" for machine in MACHINES]
    lines = result.stdout.splitlines()
    assert lines[: len(names)] == [f"wrote {tmp_path / name}" for name in names]
    written = sorted(path.name for path in tmp_path.iterdir())
    machine_files = [name for name in written if not name.startswith("lab-default-trace-")]
    assert machine_files == sorted(names)
    assert len(written) > len(names)


def test_tables_json_for_the_default_lab_has_enhanced_http_methods() -> None:
    result = run("tables", "--json")
    assert result.exit_code == 0
    tables = json.loads(result.stdout)
    assert set(tables) == {
        "command",
        "version",
        "lab",
        "verdict",
        "site",
        "management_point",
        "distribution_point",
        "conditions",
    }
    http_mp = tables["management_point"][0]
    assert http_mp["type"] == "http"
    assert http_mp["registration"] == [
        "anonymous-manual-approval",
        "active-directory",
        "azure-ad-device-token",
    ]
    assert tables["distribution_point"][1] == {
        "type": "http",
        "client_authentication": ["network-access-account", "content-access-token"],
    }


def test_tables_json_for_a_lab_without_enhanced_http() -> None:
    result = run("tables", "--json", "--lab", str(LABS / "enhanced-off.toml"))
    assert result.exit_code == 0
    tables = json.loads(result.stdout)
    assert tables["management_point"][0]["client_authentication"] == ["none"]
    assert all(
        "content-access-token" not in dp["client_authentication"]
        for dp in tables["distribution_point"]
    )


def test_tables_text_is_plain_and_names_the_lab() -> None:
    result = run("tables")
    assert result.exit_code == 0
    assert "\x1b[" not in result.stdout
    assert "      - Azure AD device token (Enhanced HTTP)" in result.stdout
    assert result.stdout.endswith(
        "Lab 'default': site version 1806, enhanced HTTP on; --json lists what its site accepts.\n"
    )


def test_the_docs_synopsis_of_every_command_lists_every_option() -> None:
    docs = sorted((Path(__file__).resolve().parents[2] / "docs").glob("*.md"))
    readme = "\n".join(page.read_text(encoding="utf-8") for page in docs)
    group = main
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    missing = {}
    for name in sorted(COMMANDS):
        command = group.get_command(ctx, name)
        assert command is not None
        heading = next(
            (
                line.lstrip("#").strip()
                for line in readme.splitlines()
                if line.startswith("#") and line.lstrip("#").strip().startswith(f"`ehttp {name} ")
            ),
            "",
        )
        options = [o for p in command.params for o in p.opts if o.startswith("--")]
        absent = [
            o
            for o in options
            if o != "--help"
            and f"{o} " not in heading + " "
            and f"{o}]" not in heading
            and f"{o}`" not in heading
        ]
        if absent or not heading:
            missing[name] = absent or ["no heading"]
    assert missing == {}


NUMBERS = {
    "--clients": "INTEGER",
    "--examples": "INTEGER",
    "--max": "INTEGER",
    "--max-seconds": "FLOAT",
    "--max-states": "INTEGER",
    "--seconds": "FLOAT",
    "--seed": "INTEGER",
    "--steps": "INTEGER",
}
"""Every option that takes a number, and how `--help` names it."""


def test_help_shows_every_number_as_integer_or_float() -> None:
    group = main
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    shown: dict[str, str] = {}
    for name in sorted(COMMANDS):
        command = group.get_command(ctx, name)
        assert command is not None
        text = " ".join(run(name, "--help").stdout.split())
        for param in command.params:
            for option in (o for o in param.opts if o in NUMBERS):
                kind = NUMBERS[option]
                assert f"{option} {kind} " in text, f"ehttp {name} --help: {option} {kind}"
                shown[f"{name} {option}"] = kind
    assert len(shown) == 13, shown


def test_the_first_ctrl_c_is_a_stop_request_that_names_the_phase() -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers are installed from the main thread only")
    progress = Reporter(lambda _text: None)
    progress.phase("lab: liveness: unreduced graph")
    progress.show("states 1,234")
    before = signal.getsignal(signal.SIGINT)
    with interruptible(progress) as stop:
        os.kill(os.getpid(), signal.SIGINT)
        assert stop() and (stop.during, stop.numbers) == (
            "lab: liveness: unreduced graph",
            "states 1,234",
        )
        # A second Ctrl-C interrupts at once, as Python's own handler does.
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert signal.getsignal(signal.SIGINT) is before
