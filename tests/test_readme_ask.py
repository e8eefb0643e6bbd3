"""README's "Ask the model" shows real output: every line it prints under a command is a line that
command prints now (lines "..." stand for the ones left out)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ehttp.cli.app import main

README = Path(__file__).resolve().parents[1] / "README.md"


def _examples() -> list[tuple[str, list[str]]]:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Ask the model") : text.index("## The machines")]
    found: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```text\n(.*?)```", section, re.DOTALL):
        parts = re.split(r"^\$ (.*)$", block, flags=re.MULTILINE)
        for command, body in zip(parts[1::2], parts[2::2], strict=True):
            shown = [line for line in body.splitlines() if line.strip() not in ("", "...")]
            found.append((command, shown))
    return found


EXAMPLES = _examples()


def test_the_section_has_both_commands() -> None:
    assert [command.split()[1] for command, _ in EXAMPLES] == ["whatif", "whatif", "diagnose"]


@pytest.mark.parametrize(("command", "shown"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_every_line_shown_is_printed(command: str, shown: list[str]) -> None:
    args = shlex.split(command)
    assert args[0] == "ehttp"
    result = CliRunner().invoke(main, args[1:], catch_exceptions=False)
    printed = set(result.stdout.splitlines())
    assert [line for line in shown if line not in printed] == []
