"""model/cli/output.py: fitting text to the terminal's width."""

from __future__ import annotations

from ehttp.cli.output import fit_lines


def test_a_long_line_wraps_under_its_first_word() -> None:
    text = "  12. " + " ".join(["word"] * 30)
    lines = fit_lines(text, 40).split("\n")
    assert all(len(line) <= 40 for line in lines)
    assert lines[1].startswith(" " * 6 + "word")


def test_a_command_to_copy_is_never_wrapped() -> None:
    path = "/tmp/" + "x" * 80 + "/fuzz-failure-seed-1.json"
    for line in (f"replay: ehttp fuzz --replay {path}", f"  ehttp fuzz --replay {path}"):
        assert fit_lines(line, 60) == line
