"""The command-line conventions every command shares: `--version`, colour only where it helps,
`completion`, `schema` (model/cli/app.py, output.py, completion.py, schema.py)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from ehttp.cli.app import COMMANDS, main
from ehttp.cli.output import tool_version
from ehttp.schemas import schema_names, schema_text

ESC = "\x1b["


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def test_version_names_the_tool_and_its_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout == f"ehttp {tool_version()}\n"


def _outcome(*flags: str, env: dict[str, str]) -> str:
    result = run(*flags, "check", "--max-states", "10", env=env)
    assert result.exit_code == 1
    return result.stdout.splitlines()[-1]


def test_verdicts_are_coloured_on_a_terminal() -> None:
    # FORCE_COLOR makes rich treat the output as a terminal, as a real one would be.
    last = _outcome(env={"FORCE_COLOR": "1", "NO_COLOR": ""})
    assert last.startswith(f"{ESC}1;33mINCOMPLETE{ESC}0m: the check stopped")


def test_no_colour_when_piped_with_no_color_or_with_the_flag() -> None:
    piped = _outcome(env={"FORCE_COLOR": "", "NO_COLOR": ""})
    assert piped.startswith("INCOMPLETE: ") and ESC not in piped
    assert ESC not in _outcome(env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert ESC not in _outcome("--no-color", env={"FORCE_COLOR": "1", "NO_COLOR": ""})


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_prints_clicks_own_script(shell: str) -> None:
    result = run("completion", shell)
    assert result.exit_code == 0
    assert f"_EHTTP_COMPLETE={shell}_complete" in result.stdout


def test_completion_refuses_another_shell_in_one_line() -> None:
    result = run("completion", "tcsh")
    assert result.exit_code == 2
    assert result.stderr == "Error: SHELL: 'tcsh' is not accepted; use one of bash, zsh, fish\n"


def test_completion_completes_commands() -> None:
    env = {"_EHTTP_COMPLETE": "bash_complete", "COMP_WORDS": "ehttp sche", "COMP_CWORD": "1"}
    result = CliRunner().invoke(main, [], env=env, prog_name="ehttp")
    assert "plain,schema" in result.stdout


def test_every_json_command_has_a_shipped_schema_that_schema_prints() -> None:
    assert "envelope" in schema_names()
    for name in sorted(COMMANDS):
        if name in schema_names():
            result = run("schema", name)
            assert result.exit_code == 0
            assert json.loads(result.stdout)["$id"] == f"{name}.json"
            assert result.stdout == schema_text(name)


def test_schema_refuses_an_unknown_command_naming_every_one() -> None:
    result = run("schema", "nope")
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"Error: COMMAND: 'nope' is not accepted; use one of {', '.join(schema_names())}\n"
    )


def test_scenarios_help_cites_no_file_of_a_checkout() -> None:
    result = run("scenarios", "--help")
    assert "specs/" not in result.stdout and "ehttp schema scenarios" in result.stdout
