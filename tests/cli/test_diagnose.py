"""`ehttp diagnose` as users see it (model/cli/diagnose.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ehttp.cli import diagnose as diagnose_cli
from ehttp.cli.app import main
from ehttp.machines.binding import BINDING, DELETE
from tests.ask.mutants import mutate
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["diagnose", *args], catch_exceptions=False)


@pytest.mark.req("CERT-3", "CERT-4")
def test_no_certificate_bound_prints_the_rapid_toggle_and_the_proven_workaround() -> None:
    result = run("--symptom", "no-sms-certificate-bound mp1")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "cause 2: disable-enhanced-http, enable-enhanced-http, disable-enhanced-http, "
        "enable-enhanced-http  (4 administrator actions)  -- the documented fault (CERT-3)\n"
    ) in out
    assert (
        "  [  0 min] administrator  disable enhanced HTTP (site): site: https-or-http+enhanced -> "
        "https-or-http; mp1: issued -> stranded; dp1: bound -> unbinding; aad1: reregistration-due "
        "-> registered:self-signed; dom1: reregistration-due -> registered:self-signed\n"
    ) in out
    assert (
        "  documented cure (CERT-4, the seed's workaround): delete-sms-issuing-certs mp1, "
        "restart-smsexec; every HTTP site system's role certificate is bound within 30 minutes of "
        "smsexec starting (proven by the checker)\n"
    ) in out
    assert (
        "  restart-smsexec alone does not cure it; a fair run after it (the checker's lasso):\n"
        "    [  0 min] smsexec service starts (smsexec): smsexec: restarting -> running\n"
    ) in out
    assert out.endswith("verdict: 2 cause(s), each with a proven cure\n")


@pytest.mark.req("SITE-4")
def test_a_lab_where_the_fault_cannot_happen_says_so() -> None:
    lab = str(LABS / "https-site-systems.toml")
    result = run("--lab", lab, "--symptom", "no-sms-certificate-bound mp1")
    assert result.exit_code == 0, result.output
    assert (
        "this can't happen on this lab: mp1 is an HTTPS site system: it keeps its PKI certificate "
        "bound and needs no SMS role certificate (SITE-4)\n"
    ) in result.stdout


def test_json_carries_the_envelope_and_the_causes() -> None:
    result = run("--symptom", "no-sms-certificate-bound mp1", "--json", "--max", "2")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["command", "version", "lab", "verdict"]
    assert (data["command"], data["lab"], data["verdict"]) == ("diagnose", "default", "pass")
    assert data["answer"] == "answered"
    assert [c["cert3"] for c in data["causes"]] == [False, True]
    cure = data["causes"][1]["cure"]
    assert (cure["how"], cure["proven"], cure["within_minutes"]) == (
        "documented workaround",
        True,
        30,
    )
    validate("diagnose", data)
    toggle = data["causes"][1]
    assert [step["actor"] for step in toggle["trace"]] == [
        "administrator",
        "system",
        "administrator",
        "administrator",
        "administrator",
    ]
    assert toggle["trace"][-1]["state"] == toggle["state"]
    lasso = cure["restart_alone_lasso"]
    assert lasso[0]["action"] is None and lasso[-1]["text"].endswith(
        "then stutters forever: no fair action is enabled here"
    )
    assert cure["restart_alone_loop_from"] == len(lasso) - 1
    assert (
        toggle["never_clears"][0]["action"] is None and toggle["never_clears_loop_from"] is not None
    )


def test_list_names_every_symptom_of_the_lab() -> None:
    result = run("--list")
    assert result.exit_code == 0, result.output
    assert (
        "  no-sms-certificate-bound mp1   no SMS-Issuing certificate bound to the IIS website of "
        "mp1 (CERT-3)\n"
    ) in result.stdout
    assert len(result.stdout.splitlines()) == 1 + 2 + 3 * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--symptom", "mp1 is down"],
            "Error: --symptom: 'mp1 is down' is not accepted; use one of "
            "no-sms-certificate-bound NAME, notification-fails NAME, client-pending-approval NAME, "
            "content-download-refused NAME (see --list)\n",
        ),
        (
            ["--symptom", "notification-fails mp1"],
            "Error: --symptom: 'mp1' is not accepted for notification-fails; use one of aad1, "
            "dom1, wg1\n",
        ),
        (
            ["--symptom", "notification-fails dom1", "--max", "0"],
            "Error: --max: '0' is not accepted; give a whole number from 1 to 1,000\n",
        ),
        ([], "Error: --symptom: no symptom given; give --symptom SYMPTOM (see --list)\n"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr == message


def test_no_proven_cure_is_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, BINDING, drop_rows=frozenset({DELETE}))
    result = run("--symptom", "no-sms-certificate-bound mp1")
    assert result.exit_code == 1
    assert result.stdout.endswith("verdict: some cause has no proven cure\n")


def test_interrupted_is_exit_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(diagnose_cli, "find_causes", interrupt)
    result = run("--symptom", "notification-fails dom1")
    assert result.exit_code == 130


@pytest.mark.req("CERT-3", "CERT-4")
def test_the_answer_opens_with_the_documented_fault_and_its_cure_in_plain_words() -> None:
    result = CliRunner().invoke(
        main, ["diagnose", "--symptom", "no-sms-certificate-bound mp1"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[2:5] == [
        'On this lab "no SMS-Issuing certificate bound to the IIS website of mp1" can happen after '
        "disable-enhanced-http, enable-enhanced-http, disable-enhanced-http, enable-enhanced-http: "
        "the documented fault (CERT-3) (1 other way below).",
        "It doesn't clear by itself: in some run it stays for good.",
        "Cure: the seed's workaround, delete-sms-issuing-certs mp1, restart-smsexec; it clears "
        "within 30 minutes after that (proven).",
    ]
    assert lines[6].startswith("minutes count from the last action of a cause on the model's clock")


def test_every_line_fits_columns() -> None:
    symptom = ["--symptom", "no-sms-certificate-bound mp1"]
    result = CliRunner().invoke(main, ["diagnose", *symptom], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80, max(lines, key=len)
