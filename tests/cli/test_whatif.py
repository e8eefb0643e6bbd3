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
    assert lines[2].startswith(
        "After the actions, mp1's role certificate is bound within 30 minutes; dp1's role "
        "certificate is bound within 30 minutes;"
    )
    assert "dom1's client notification fails for up to 60 minutes (in every run)" in lines[3]
    assert lines[4] == (
        "The documented fault (CERT-3, an unbound SMS Issuing certificate) happens in no run."
    )
    assert (
        "  mp1: role certificate bound: within 30 minutes (earliest 0); in every run  "
        "(CERT-1, CERT-2)" in lines
    )
    assert (
        "  dp1: role certificate bound: within 30 minutes (earliest 0); in every run  "
        "(CERT-1, CERT-2)" in lines
    )
    assert (
        "  dom1: re-registered under enhanced HTTP: within 60 minutes (earliest 0); in every run"
        "  (REG-4)" in lines
    )
    assert (
        "  dom1: client notification fails in every run, from 0 to at most 60 minutes  "
        "(REG-5, SEC-3)" in lines
    )
    assert (
        "CERT-3 (no SMS-Issuing certificate bound to any IIS website): not reachable on the way; "
        "not without a further toggle of enhanced HTTP; the shortest further actions that reach "
        "it:\n"
    ) in out
    assert "  mp1  role certificate bound              \u2592\u2592\u2592\u2592" in out
    assert out.endswith("verdict: every change happens; no documented fault on the way\n")


@pytest.mark.req("CERT-3")
def test_a_rapid_toggle_shows_the_cert3_outcome_and_path() -> None:
    result = run("--lab", OFF, "--at-once", "--do", "enable", "--do", "disable", "--do", "enable")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert (
        "CERT-3 (no SMS-Issuing certificate bound to any IIS website): REACHED on the way in "
        "every run" in out
    )
    assert "     then at once (no step of the site in between)\n" in out
    assert (
        "  [  0 min] administrator  disable enhanced HTTP (site): site: https-or-http+enhanced -> "
        "https-or-http; "
        "toggle-history: careful -> rapid; mp1: issued -> stranded; dp1: issued -> stranded; "
        "dom1: reregistration-due -> registered:self-signed\n"
    ) in out
    assert "  1. NOT healthy: mp1: no SMS-Issuing certificate bound (CERT-3); dp1: no " in out
    assert "  mp1: role certificate bound: never; in no run  (CERT-1, CERT-2)\n" in out


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
        run(
            "--lab",
            OFF,
            "--at-once",
            "--do",
            "enable",
            "--do",
            "disable",
            "--do",
            "enable",
            "--json",
        ).stdout
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
    assert data["cert3"]["path"] == data["action_steps"]
    assert data["cert3"]["runs"] == "every"
    mp1 = next(c for c in data["changes"] if c["subject"] == "mp1")
    assert mp1["never"] and mp1["lasso"][0]["state"] == data["steady_state"]
    assert mp1["runs"] == "none"
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
            ["--start", "steady", "--do", "enable-enhanced-http"],
            "Error: --do: 'enable-enhanced-http' can't be taken now (site is "
            "https-or-http+enhanced); possible now: disable-enhanced-http, select-https-only, "
            "restart-smsexec, delete-sms-issuing-certs, delete-sms-issuing-certs dp1, "
            "delete-sms-issuing-certs mp1, approve wg1\n",
        ),
        ([], "Error: --do: no action given; give --do ACTION at least once (see --list)\n"),
        (
            ["--start", "before", "--do", "disable"],
            "Error: --start: 'before' is not accepted; use one of auto, steady, enhanced-off, "
            "enhanced-on\n",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_interrupted_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(whatif_cli, "what_if", interrupt)
    result = run("--do", "restart-smsexec")
    assert result.exit_code == 130
    assert result.stderr.endswith("interrupted (Ctrl-C)\n")


@pytest.mark.req("CERT-3")
def test_from_a_printed_world_the_answers_chain(tmp_path: Path) -> None:
    first = run("--lab", OFF, "--at-once", "--do", "enable", "--do", "disable", "--json")
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


@pytest.mark.req("CERT-3")
def test_four_quick_toggles_on_the_default_lab_may_strand_a_certificate() -> None:
    toggles = ["--do", "disable-enhanced-http", "--do", "enable-enhanced-http"] * 2
    result = run(*toggles)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[4] == (
        "The documented fault may happen (in some runs): a certificate issued by SMS Issuing is "
        "not bound to any IIS website (CERT-3) and it stays so; the seed's cure: delete all "
        "certificates issued by SMS Issuing from the SMS store, then restart smsexec "
        "(--do delete-sms-issuing-certs --do restart-smsexec)."
    )
    start = lines.index(
        "CERT-3 (no SMS-Issuing certificate bound to any IIS website): REACHED on the way in "
        "some runs (it may happen); shortest path from the first action:"
    )
    assert [line.split("(")[0].rstrip() for line in lines[start + 1 : start + 6]] == [
        "  [  0 min] administrator  disable enhanced HTTP",
        "  [  0 min] system         remove the binding and delete the role certificate",
        "  [  0 min] administrator  enable enhanced HTTP",
        "  [  0 min] administrator  disable enhanced HTTP",
        "  [  0 min] administrator  enable enhanced HTTP",
    ]
    assert (
        lines[-1] == "verdict: the documented fault (CERT-3) is possible: it happens in some runs"
    )
    at_once = run("--at-once", *toggles)
    assert at_once.exit_code == 0, at_once.output
    assert "happens in no run." in at_once.stdout.splitlines()[4]


def test_a_wait_is_read_in_the_order_given() -> None:
    data = json.loads(
        run("--do", "disable", "--wait", "20", "--do", "enable", "--do", "disable", "--json").stdout
    )
    validate("whatif", data)
    assert data["waits_minutes"] == [20, 0]
    assert data["between_actions"] == "site steps may run"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--wait", "5", "--do", "disable"],
            "Error: --wait: '5' is not between two actions; give --wait MINUTES once between "
            "two --do\n",
        ),
        (
            ["--do", "disable", "--wait", "5"],
            "Error: --wait: '5' follows the last action; give --wait MINUTES between two --do "
            "(after the last action the site's own steps run anyway)\n",
        ),
        (
            ["--do", "disable", "--wait", "-1", "--do", "enable"],
            "Error: --wait: '-1' is not accepted; give a whole number from 0 to 1,440\n",
        ),
        (
            ["--at-once", "--do", "disable", "--wait", "5", "--do", "enable"],
            "Error: --wait: not accepted with --at-once (no time passes between actions at "
            "once); give one or the other\n",
        ),
    ],
)
def test_a_misplaced_wait_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message


@pytest.mark.req("CERT-2", "REG-4", "REG-5")
def test_the_first_question_answers_on_the_default_lab_from_before_enabling() -> None:
    result = run("--do", "enable-enhanced-http")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2].startswith(
        "After the actions, mp1's role certificate is bound within 30 minutes"
    )
    assert (
        "start: enable-enhanced-http can't be taken from the lab's steady state (enhanced HTTP is "
        "already on), so the answer starts from the steady state with enhanced HTTP off "
        "(--start enhanced-off; --start steady refuses it)"
    ) in lines
    assert any(
        line.startswith("steady state with enhanced HTTP off: site https-or-http;")
        for line in lines
    )
    named = run("--start", "enhanced-off", "--do", "enable-enhanced-http")
    assert named.exit_code == 0, named.output
    assert named.stdout.splitlines()[2] == lines[2]


def test_a_lab_without_the_option_has_no_start_with_it_on() -> None:
    result = run("--lab", "site-1802", "--do", "enable-enhanced-http")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --do: 'enable-enhanced-http' can't be taken now (site is https-or-http); possible "
        "now: select-https-only, restart-smsexec, approve wg1\n"
    )
    named = run("--lab", "site-1802", "--start", "enhanced-on", "--do", "restart-smsexec")
    assert named.exit_code == 2
    assert named.stderr == (
        "Error: --start: 'enhanced-on' is not accepted for lab 'site-1802': its site has no "
        "enhanced HTTP option (version 1806 with pre-release features, SITE-3); use one of auto, "
        "steady, enhanced-off\n"
    )


def test_json_names_why_the_start_was_chosen() -> None:
    data = json.loads(run("--do", "enable-enhanced-http", "--json").stdout)
    validate("whatif", data)
    assert data["start"] == "steady state with enhanced HTTP off"
    assert data["start_reason"].startswith("enable-enhanced-http can't be taken from the lab's")
    assert json.loads(run("--do", "disable", "--json").stdout)["start_reason"] is None


def test_list_marks_what_is_possible_from_the_start_it_is_given(tmp_path: Path) -> None:
    off = run("--list", "--start", "enhanced-off")
    assert off.exit_code == 0, off.output
    assert "(* possible from the steady state with enhanced HTTP off)" in off.stdout
    assert "  * enable-enhanced-http          enable enhanced HTTP\n" in off.stdout
    assert "    disable-enhanced-http         disable enhanced HTTP\n" in off.stdout
    first = run("--lab", OFF, "--at-once", "--do", "enable", "--do", "disable", "--json")
    saved = tmp_path / "after.json"
    saved.write_text(first.stdout, encoding="utf-8")
    given = run("--lab", OFF, "--list", "--from", str(saved))
    assert given.exit_code == 0, given.output
    assert (
        "given state: site https-or-http; azure-ad-app updated; smsexec running; mp1 stranded;"
        in (given.stdout)
    )
    assert "  * delete-sms-issuing-certs      " in given.stdout


def test_every_line_fits_columns() -> None:
    actions = ["--do", "disable-enhanced-http", "--do", "enable-enhanced-http"]
    result = CliRunner().invoke(main, ["whatif", *actions], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)
    assert "  1. disable-enhanced-http" in lines
