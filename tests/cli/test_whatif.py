"""`ehttp whatif` as users see it (model/cli/whatif.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ehttp.cli import whatif as whatif_cli
from ehttp.cli.app import main
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
OFF = str(LABS / "enhanced-off.toml")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["whatif", *args], catch_exceptions=False)


@pytest.mark.req("CERT-2", "REG-4", "REG-5", "CERT-5")
def test_enabling_prints_the_bounds_the_seed_gives() -> None:
    result = run("--lab", OFF, "--do", "enable-enhanced-http")
    assert result.exit_code == 0, result.output
    out = result.stdout
    lines = out.splitlines()
    assert (
        "  mp1: role certificate bound: within 30 minutes (earliest 0)  (CERT-1, CERT-2)" in lines
    )
    assert (
        "  dp1: role certificate bound: within 30 minutes (earliest 0)  (CERT-1, CERT-2)" in lines
    )
    assert (
        "  dom1: re-registered under enhanced HTTP: within 60 minutes (earliest 0)  (REG-4)"
        in lines
    )
    assert "  dom1: client notification fails from 0 to at most 60 minutes  (REG-5, SEC-3)" in lines
    assert (
        "CERT-3 (no SMS-Issuing certificate bound to any IIS website): not reachable on the way; "
        "not without a further toggle of enhanced HTTP; the shortest further actions that reach "
        "it:\n"
    ) in out
    assert "  mp1  role certificate bound              \u2592\u2592\u2592\u2592" in out
    assert out.endswith("verdict: every change happens; no documented fault on the way\n")


@pytest.mark.req("CERT-3")
def test_a_rapid_toggle_shows_the_cert3_outcome_and_path() -> None:
    result = run("--lab", OFF, "--do", "enable", "--do", "disable", "--do", "enable")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "CERT-3 (no SMS-Issuing certificate bound to any IIS website): REACHED on the way" in out
    assert (
        "  [  0 min] disable enhanced HTTP (site): site: https-or-http+enhanced -> https-or-http; "
        "toggle-history: careful -> rapid; mp1: issued -> stranded; dp1: issued -> stranded; "
        "dom1: reregistration-due -> registered:self-signed\n"
    ) in out
    assert "  1. NOT healthy: mp1: no SMS-Issuing certificate bound (CERT-3); dp1: no " in out
    assert "  mp1: role certificate bound: never  (CERT-1, CERT-2)\n" in out


def test_json_carries_the_envelope_and_the_answer() -> None:
    result = run("--lab", OFF, "--do", "enable-enhanced-http", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["command", "version", "lab", "verdict"]
    assert (data["command"], data["lab"], data["verdict"]) == ("whatif", "enhanced-off", "pass")
    assert data["answer"] == "answered"
    mp1 = next(c for c in data["changes"] if c["subject"] == "mp1")
    assert (mp1["earliest_minutes"], mp1["latest_minutes"], mp1["never"]) == (0, 30, False)
    assert data["cert3"]["on_the_way"] is False
    assert data["cert3"]["without_toggle"] is False
    assert [o["healthy"] for o in data["outcomes"]] == [True]
    validate("whatif", data)


def test_every_path_is_check_trace_steps_with_minutes_and_actor() -> None:
    data = json.loads(
        run("--lab", OFF, "--do", "enable", "--do", "disable", "--do", "enable", "--json").stdout
    )
    validate("whatif", data)
    assert data["answer"] == "fault"
    [enable, _disable, again] = data["action_steps"]
    assert (enable["action"], enable["actor"], enable["minutes"]) == (
        "enable enhanced HTTP",
        "administrator",
        0,
    )
    assert again["state"] == data["after_actions"]
    assert data["cert3"]["path"][:3] == data["action_steps"]
    mp1 = next(c for c in data["changes"] if c["subject"] == "mp1")
    assert mp1["never"] and mp1["lasso"][0]["state"] == data["after_actions"]
    assert mp1["lasso"][0]["action"] is None and mp1["lasso"][-1]["actor"] == "system"
    assert 0 <= mp1["loop_from"] < len(mp1["lasso"])
    [outcome] = data["outcomes"]
    assert outcome["path"][-1]["state"] == outcome["state"]


def test_svg_writes_the_timeline(tmp_path: Path) -> None:
    target = tmp_path / "timeline.svg"
    result = run("--lab", OFF, "--do", "enable-enhanced-http", "--svg", str(target))
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("<svg ") and "mp1  role certificate bound" in text


def test_list_marks_what_is_possible_from_the_steady_state() -> None:
    result = run("--list")
    assert result.exit_code == 0, result.output
    assert "  * disable-enhanced-http         disable enhanced HTTP\n" in result.stdout
    assert "    enable-enhanced-http          enable enhanced HTTP\n" in result.stdout
    assert "  * approve wg1                   approve the client\n" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--do", "reboot"],
            "Error: --do: 'reboot' is not accepted; use one of approve NAME, "
            "delete-sms-issuing-certs, delete-sms-issuing-certs NAME, disable-enhanced-http, "
            "enable-enhanced-http, onboard-azure-ad, restart-smsexec, select-https-only, "
            "select-https-or-http, update-application-setting\n",
        ),
        (
            ["--do", "approve nobody"],
            "Error: --do: 'nobody' is not accepted for approve; use one of aad1, dom1, wg1\n",
        ),
        (
            ["--do", "enable-enhanced-http"],
            "Error: --do: 'enable-enhanced-http' can't be taken now (site is "
            "https-or-http+enhanced); possible now: disable-enhanced-http, select-https-only, "
            "restart-smsexec, delete-sms-issuing-certs, delete-sms-issuing-certs dp1, "
            "delete-sms-issuing-certs mp1, approve wg1\n",
        ),
        ([], "Error: --do: no action given; give --do ACTION at least once (see --list)\n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_interrupted_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(whatif_cli, "what_if", interrupt)
    result = run("--do", "restart-smsexec")
    assert result.exit_code == 130
    assert result.stderr.endswith("interrupted (Ctrl-C)\n")


@pytest.mark.req("CERT-3")
def test_from_a_printed_world_the_answers_chain(tmp_path: Path) -> None:
    first = run("--lab", OFF, "--do", "enable", "--do", "disable", "--json")
    assert first.exit_code == 0, first.output
    saved = tmp_path / "after.json"
    saved.write_text(first.stdout, encoding="utf-8")
    result = run("--lab", OFF, "--from", str(saved), "--do", "enable")
    assert result.exit_code == 1, result.output
    assert (
        "given state: site https-or-http; azure-ad-app updated; smsexec running; mp1 stranded;"
        in (result.stdout)
    )
    assert "REACHED on the way" in result.stdout


def test_a_bad_state_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    saved = tmp_path / "bad.json"
    saved.write_text("[1, 2]", encoding="utf-8")
    result = run("--from", str(saved), "--do", "restart-smsexec")
    assert result.exit_code == 2
    assert result.stderr == f"Error: --from: {saved}: give a JSON object of instance states\n"
