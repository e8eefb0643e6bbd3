"""Every file a command reads, with hostile content, is one line and exit 2 (issue 21): an integer
of 5,000 digits (Python refuses to convert more than 4,300, which gave a traceback and exit 1),
nesting 100,000 deep, a lab of 33 clients (past the bound `--clients` enforces) and a site system
named like one of the site's own instances. Every command that takes `--lab` is found from the
command line itself, so a new one is covered too."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from ehttp.cli.app import main
from ehttp.config.labfile import default_lab, lab_to_toml
from ehttp.config.schema import MAX_CLIENTS


def _lab_commands() -> list[str]:
    context = click.Context(main)
    commands = [main.get_command(context, name) for name in main.list_commands(context)]
    return sorted(
        command.name
        for command in commands
        if command is not None
        and command.name is not None
        and any(p.name == "lab" for p in command.params)
    )


def _many_clients() -> str:
    lab = default_lab()
    client = lab.clients[0]
    clients = tuple(dataclasses.replace(client, name=f"c{k}") for k in range(MAX_CLIENTS + 1))
    return lab_to_toml(dataclasses.replace(lab, clients=clients))


LABS = {
    "huge-integer": (
        lab_to_toml(default_lab()).replace('version = "1806"', "version = " + "9" * 5000),
        "site.version: a value of 5,000 characters (999999999999…); at most 64 are read",
    ),
    "deep-nesting": (
        "name = " + "[" * 100_000 + "]" * 100_000,
        "nested deeper than 32 arrays and tables; at most 32 levels are read",
    ),
    "33-clients": (
        _many_clients(),
        f"clients: {MAX_CLIENTS + 1:,} [[clients]] tables are not accepted; give at most "
        f"{MAX_CLIENTS}: each one multiplies the state space about 4.5 times",
    ),
    "reserved-name": (
        lab_to_toml(default_lab()).replace('name = "mp1"', 'name = "smsexec"'),
        "management_points[0].name: 'smsexec' is the name of one of the site's own instances; "
        "use a name other than site, azure-ad-app, smsexec, clock, toggle-history",
    ),
}

JSON = {
    "huge-integer": (
        '{"seed": ' + "9" * 5000 + "}",
        "seed: a value of 5,000 characters (999999999999…); at most 64 are read",
    ),
    "deep-nesting": (
        "[" * 100_000 + "]" * 100_000,
        "nested deeper than 32 arrays and tables; at most 32 levels are read",
    ),
}

JSON_OPTIONS = {
    "--replay": ["fuzz", "--replay"],
    "--fuzz": ["report", "--fuzz"],
    "--audit": ["report", "--audit"],
    "--from": ["whatif", "--do", "disable-enhanced-http", "--from"],
}
"""The saved JSON files commands read, each with the arguments before the file's path."""


def _one_line(argv: list[str], option: str, path: Path, ending: str) -> None:
    result = CliRunner().invoke(main, argv)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"Error: {option}: {path}: "), line
    assert line.endswith(ending), line


def test_every_command_that_reads_a_lab_is_covered() -> None:
    assert {"check", "scenarios", "whatif", "report", "fuzz", "attacks"} <= set(_lab_commands())


@pytest.mark.parametrize("command", _lab_commands())
@pytest.mark.parametrize("case", sorted(LABS))
def test_a_hostile_lab_file_is_one_line(tmp_path: Path, command: str, case: str) -> None:
    text, ending = LABS[case]
    path = tmp_path / "lab.toml"
    path.write_text(text, encoding="utf-8")
    _one_line([command, "--lab", str(path)], "--lab", path, ending)


@pytest.mark.parametrize("option", sorted(JSON_OPTIONS))
@pytest.mark.parametrize("case", sorted(JSON))
def test_a_hostile_saved_file_is_one_line(tmp_path: Path, option: str, case: str) -> None:
    text, ending = JSON[case]
    path = tmp_path / "saved.json"
    path.write_text(text, encoding="utf-8")
    _one_line([*JSON_OPTIONS[option], str(path)], option, path, ending)
