"""`ehttp export` as users see it (model/cli/export.py)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from ehttp.cli.app import main
from ehttp.compose.promela import export_promela
from ehttp.config.labfile import load_lab


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args], catch_exceptions=False)


def test_promela_goes_to_standard_output() -> None:
    result = run("--promela")
    assert result.exit_code == 0
    assert result.stdout == export_promela(load_lab(None)).text


def test_clients_scale_the_lab_and_out_writes_a_file(tmp_path: Path) -> None:
    out = tmp_path / "four.pml"
    result = run("--promela", "--clients", "4", "--out", str(out))
    assert result.exit_code == 0 and result.stdout == f"wrote {out}\n"
    text = out.read_text(encoding="utf-8")
    assert " * Enhanced HTTP: lab 'default' with 4 clients, for Spin.\n" in text
    assert text == export_promela(load_lab(None).with_clients(4)).text


def test_fewer_clients_than_the_lab_has_is_refused_as_check_refuses_it() -> None:
    """Fewer clients would drop whole kinds of client; `check --clients` refuses it too."""
    result = run("--promela", "--clients", "2")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --clients: 2 is not accepted; lab 'default' has 3 clients (aad1, dom1, wg1) "
        "and --clients copies them, so give a whole number >= 3\n"
    )


def test_without_a_format_one_line_and_exit_2() -> None:
    result = run()
    assert result.exit_code == 2
    assert result.stderr == "Error: format: none given; use --promela\n"


def test_out_in_a_missing_folder_is_one_line(tmp_path: Path) -> None:
    result = run("--promela", "--out", str(tmp_path / "nowhere" / "x.pml"))
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --out: ") and result.stderr.count("\n") == 1
