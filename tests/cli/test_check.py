"""`ehttp check` as users see it (model/cli/check.py)."""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

import ehttp.cli.check as check_cli
import ehttp.compose.spin as spin_engine
import ehttp.config
from ehttp.cli.app import main
from ehttp.cli.progress import Reporter, StopRequest
from ehttp.words import VACUOUS
from tests.cli.test_json_schemas import validate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
DEFAULT = Path(ehttp.config.__file__).resolve().parent / "default_lab.toml"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["check", *args], catch_exceptions=False)


@pytest.mark.usefixtures("shared_check")
def test_default_lab_passes_and_prints_the_cert3_witness() -> None:
    result = run()
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith(
        "lab 'default': 3 clients; 41,052 states, 247,794 transitions, diameter 19, "
    )
    assert (
        "witness for CERT-3/toggling 'rapidly enabling and disabling the option alone leaves no "
        "SMS-Issuing certificate bound' (CERT-3) [assumes A-3, A-4, A-6]:\n" in out
    )
    assert (
        "     5. disable enhanced HTTP (site): site: https-or-http+enhanced -> https-or-http; "
        "toggle-history: careful -> rapid; mp1: issued -> stranded; dp1: issued -> stranded\n"
    ) in out
    assert (
        "  holds     sometimes     CERT-3/toggling             rapidly enabling and disabling the "
        "option alone leaves no SMS-Issuing certificate bound (CERT-3) [assumes A-3, A-4, A-6]  "
        "[toggling the option only]\n"
    ) in out
    assert "  azure-ad-app: Update application setting (needs-update -> updated)\n" in out
    assert out.endswith("PASS: 30 of 30 properties hold\n")


@pytest.mark.usefixtures("shared_check")
def test_the_table_and_every_line_fit_columns() -> None:
    result = CliRunner().invoke(main, ["check"], env={"COLUMNS": "100"}, catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)
    at = lines.index(
        "  holds     sometimes     CERT-3/toggling             rapidly enabling and disabling the "
        "option"
    )
    assert lines[at + 1 : at + 4] == [
        " " * 54 + "alone leaves no SMS-Issuing certificate bound",
        " " * 54 + "(CERT-3) [assumes A-3, A-4, A-6]  [toggling",
        " " * 54 + "the option only]",
    ]
    assert lines[-1] == "PASS: 30 of 30 properties hold"


@pytest.mark.usefixtures("shared_check")
def test_json_has_the_documented_shape() -> None:
    result = run("--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert list(data)[:4] == ["command", "version", "lab", "verdict"]
    assert (data["command"], data["lab"], data["verdict"]) == ("check", "default", "pass")
    assert {"states", "transitions", "diameter", "seconds", "properties", "never_fired"} <= set(
        data
    )
    assert data["complete"] is True
    assert data["states"] == 41_052
    prop = next(p for p in data["properties"] if p["requirements"] == ["CERT-3"])
    assert {"id", "kind", "requirements", "holds", "trace", "vacuous", "loop_from"} <= set(prop)
    assert prop["id"] == "CERT-3/toggling"
    assert prop["name"] == (
        "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
    )
    assert prop["holds"] is True and prop["vacuous"] is False
    assert [step["action"] for step in prop["trace"]][-1] == "enable enhanced HTTP"
    assert prop["trace"][-1]["state"]["mp1"] == {"state": "stranded", "minutes": None}
    assert prop["trace"][-1]["state"]["dp1"] == {"state": "stranded", "minutes": None}
    assert prop["assumptions"] == ["A-3", "A-4", "A-6"]
    site = next(p for p in data["properties"] if p["requirements"] == ["SITE-1"])
    assert site["assumptions"] == []
    assert "register with a PKI client certificate" in data["never_fired"]


def test_max_states_is_incomplete_and_exits_1() -> None:
    result = run("--max-states", "10")
    assert result.exit_code == 1
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith(
        "INCOMPLETE: the check stopped (max-states) after searching 10 states of the lab; "
    )
    assert last.endswith("; nothing passes")
    assert "never fired" not in result.stdout


def test_max_seconds_is_incomplete_and_exits_1() -> None:
    result = run("--max-seconds", "0.001", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "incomplete" and data["complete"] is False
    assert data["stopped_reason"] == "max-seconds"
    text = run("--max-seconds", "0.001")
    assert text.exit_code == 1
    assert (
        text.stdout.rstrip()
        .splitlines()[-1]
        .startswith("INCOMPLETE: the check stopped (max-seconds) after searching ")
    )


def test_a_failed_check_names_what_does_not_hold(tmp_path: Path) -> None:
    # With only an Azure AD-joined client nothing can wait for approval (REG-3): that `sometimes`
    # property finds no witness (the client is due to re-register after re-enabling, A-47).
    text = DEFAULT.read_text(encoding="utf-8")
    one = tmp_path / "one-client.toml"
    one.write_text(text[: text.index("[[clients]]", text.index("[[clients]]") + 1)])
    result = run("--lab", str(one))
    assert result.exit_code == 1, result.output
    last = result.stdout.rstrip().splitlines()[-1]
    assert last == "FAIL: 28 of 29 properties hold; not holding: REG-3/waits (violated)"


def test_a_vacuous_verdict_is_explained_where_it_is_printed(tmp_path: Path) -> None:
    # An internet workgroup client can't reach a management point (no PKI certificate, no Azure
    # AD identity for the CMG, A-8), so it never registers and is never due to re-register: the
    # leads-to REG-4/re-registers has no trigger to check.
    text = DEFAULT.read_text(encoding="utf-8")
    lab = tmp_path / "unreachable.toml"
    lab.write_text(
        text[: text.index("[[clients]]")]
        + '[[clients]]\nname = "wg9"\njoin = "workgroup"\nwindows = "1709"\n'
        'pki_certificate = false\nnetwork = "internet"\nuser_signed_in = false\n'
    )
    result = run("--lab", str(lab))
    assert result.exit_code == 1, result.output
    assert f"REG-4/re-registers ({VACUOUS})" in result.stdout.rstrip().splitlines()[-1]
    assert f"\n  ({VACUOUS})\n" in result.stdout


def pressed_in(word: str) -> Callable[[Reporter | None], AbstractContextManager[StopRequest]]:
    """`interruptible` as if Ctrl-C came when a phase naming `word` starts (at once for "")."""

    @contextmanager
    def interruptible(progress: Reporter | None = None) -> Iterator[StopRequest]:
        stop = StopRequest()
        if not word:
            stop.request()
        assert progress is not None
        told = progress.phase

        def phase(label: str) -> None:
            told(label)
            if word in label and not stop.requested:
                stop.request(label)

        progress.phase = phase  # type: ignore[method-assign]
        yield stop

    return interruptible


def test_ctrl_c_in_the_liveness_phase_keeps_what_was_decided_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Four clients: two are interchangeable, so liveness is judged on the reduced graph.
    monkeypatch.setattr(check_cli, "interruptible", pressed_in("liveness"))
    result = run("--lab", str(LABS / "aad-1709.toml"), "--clients", "4")
    assert result.exit_code == 130, result.output
    lines = result.stdout.rstrip().splitlines()
    assert lines[0].startswith("lab 'aad-1709': 4 clients; 20,526 states, ")
    assert not any(line.startswith("liveness judged") for line in lines), "it was not"
    assert lines[-2] == (
        "stopped by Ctrl-C during 'lab: liveness: reduced graph': the verdicts above are what "
        "was decided before"
    )
    assert lines[-1] == (
        "INTERRUPTED: the check stopped (interrupted) after searching 20,526 states of the lab; "
        "18 of 29 properties decided; nothing passes"
    )
    table = [line.split() for line in lines if line.startswith("  ") and " " in line.strip()]
    liveness = [row for row in table if row[1] in ("eventually", "leads-to")]
    assert len(liveness) == 5 and {row[0] for row in liveness} == {"unknown"}
    assert "witness for REG-3/waits 'a client waits for manual approval' (REG-3)" in result.stdout
    assert "variant 'toggling the option only': not searched (the search stopped: interrupted)" in (
        lines
    )
    assert "variant 'after enabling': not searched (the search stopped: interrupted)" in lines
    document = json.loads(
        run("--lab", str(LABS / "aad-1709.toml"), "--clients", "4", "--json").stdout
    )
    validate("check", document)
    assert (document["verdict"], document["stopped_during"]) == (
        "interrupted",
        "lab: liveness: reduced graph",
    )
    decided = [p for p in document["properties"] if p["verdict"] != "unknown"]
    assert len(decided) == 18 and any(p["trace"] for p in decided)


def test_ctrl_c_while_judging_leaves_liveness_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check_cli, "interruptible", pressed_in("lab: judging"))
    result = run()
    assert result.exit_code == 130, result.output
    assert "stopped by Ctrl-C during 'lab: judging'" in result.stdout
    assert (
        result.stdout.rstrip()
        .splitlines()[-1]
        .endswith("; 18 of 30 properties decided; nothing passes")
    )


def test_ctrl_c_while_the_invariants_are_asked_leaves_them_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The search is complete; the invariants and goals asked after it, and liveness after them,
    # are not decided: only deadlock freedom and recoverability, judged on the graph, are.
    monkeypatch.setattr(check_cli, "interruptible", pressed_in("lab: invariants"))
    result = run()
    assert result.exit_code == 130, result.output
    assert "stopped by Ctrl-C during 'lab: invariants'" in result.stdout
    lines = result.stdout.rstrip().splitlines()
    assert lines[0].startswith("lab 'default': 3 clients; 41,052 states, ")
    assert lines[-1].endswith("; 2 of 30 properties decided; nothing passes"), lines[-1]
    table = [line.split() for line in lines if line.startswith("  ") and " " in line.strip()]
    assert {row[0] for row in table if row[1] in ("always", "sometimes")} == {"unknown"}


def test_ctrl_c_stops_with_a_partial_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    pressed = pressed_in("")

    monkeypatch.setattr(check_cli, "interruptible", pressed)
    result = run()
    assert result.exit_code == 130
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith("INTERRUPTED: the check stopped (interrupted) after searching ")
    assert last.endswith("; nothing passes")
    data = json.loads(run("--json").stdout)
    assert (data["verdict"], data["stopped_reason"]) == ("interrupted", "interrupted")


def test_progress_is_a_plain_line_every_10_s_off_a_terminal() -> None:
    lines: list[str] = []
    progress = Reporter(None, every=0.0)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(click, "echo", lambda text, err: lines.append(text))
        progress.phase("lab: exploring")
        progress.show("states 10")
    assert [line.split("] ", 1)[1] for line in lines] == [
        "lab: exploring",
        "lab: exploring: states 10",
    ]
    assert all(line.startswith("[0 s] ") for line in lines)
    quiet = Reporter(None)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(click, "echo", lambda text, err: lines.append(text))
        quiet.show("states 20")
    assert len(lines) == 2


def test_clients_fewer_than_the_lab_has_are_refused() -> None:
    result = run("--clients", "1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --clients: 1 is not accepted; lab 'default' has 3 clients (aad1, dom1, wg1) and "
        "--clients copies them, so give a whole number >= 3"
    ]


def test_help_names_number_types() -> None:
    text = run("--help").stdout
    assert "--clients INTEGER" in text and "--max-states INTEGER" in text
    assert "--max-seconds FLOAT" in text and "TEXT" not in text


@pytest.mark.usefixtures("shared_check")
def test_unsupported_site_is_flagged() -> None:
    result = run("--lab", str(LABS / "https-only-enhanced.toml"))
    assert result.exit_code == 0
    assert (
        "WARNING: the site is configured HTTPS only with enhanced HTTP: unsupported (SITE-2)"
        in result.stdout
    )


def test_clients_scale_with_symmetry() -> None:
    result = run("--clients", "4")
    assert result.exit_code == 0
    assert "4 clients; 86,298 states" in result.stdout
    assert "(symmetry reduction on)" in result.stdout
    assert (
        "liveness judged on the reduced graph, each interchangeable client or site system "
        "followed through it" in result.stdout
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--clients", "-3"),
            "Error: --clients: '-3' is not accepted; give a whole number from 1 to 32",
        ),
        (
            ("--clients", "x"),
            "Error: --clients: 'x' is not accepted; give a whole number from 1 to 32",
        ),
        (
            ("--clients", "33"),
            "Error: --clients: '33' is not accepted; give a whole number from 1 to 32",
        ),
        (
            ("--max-seconds", "0"),
            "Error: --max-seconds: '0' is not accepted; give a number of seconds > 0 "
            "and at most 604,800 (a week)",
        ),
        (
            ("--max-states", "1.5"),
            "Error: --max-states: '1.5' is not accepted; give a whole number "
            "from 1 to 1,000,000,000",
        ),
    ],
)
def test_bad_values_exit_2_with_one_line(args: tuple[str, ...], message: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [message]
    assert "Traceback" not in result.output


def test_a_missing_lab_file_exits_2(tmp_path: Path) -> None:
    result = run("--lab", str(tmp_path / "missing.toml"))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert "missing.toml: cannot read the file" in line


needs_spin = pytest.mark.skipif(
    shutil.which("spin") is None or shutil.which("gcc") is None,
    reason="spin or gcc is not installed (CI installs them)",
)


@needs_spin
def test_engine_spin_prints_spins_figures_and_ehttps_table() -> None:
    result = run("--engine", "spin")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("lab 'default': 3 clients; Spin Version 6.")
    assert ": 41,052 states, 247,794 transitions, diameter 19, " in out.splitlines()[0]
    assert "variant 'without approval': 19,128 states, 105,046 transitions\n" in out
    assert "variant 'toggling the option only': 1,632 states, 6,010 transitions\n" in out
    assert "  holds       sometimes     rapidly enabling and disabling the option alone" in out
    assert "  not checked leads-to      mp1: queued certificate work completes" in out
    assert (
        "     5. disable enhanced HTTP (site): site: https-or-http+enhanced -> https-or-http; "
        "toggle-history: careful -> rapid; mp1: issued -> stranded; dp1: issued -> stranded\n"
    ) in out
    assert out.endswith(
        "PASS: 12 of 12 properties Spin decides hold; 18 not checked by this engine\n"
    )


@needs_spin
def test_engine_spin_with_a_table_too_small_is_incomplete_and_exits_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # pan's multi-core search has a hash table of fixed size: 2**10 slots fill up on the default
    # lab and pan prints "hash table is full"; never a PASS from that search.
    monkeypatch.setattr(spin_engine, "_hash_bits", lambda lab: 10)
    monkeypatch.setattr(spin_engine, "MAX_HASH_BITS", 10)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # The text and the JSON below print one search; Spin runs it once.
    monkeypatch.setattr(check_cli, "run_spin", functools.cache(check_cli.run_spin))
    result = run("--engine", "spin")
    assert result.exit_code == 1, result.output
    assert "INCOMPLETE: variant 'lab': pan's hash table is full at -w10; nothing passes\n" in (
        result.stdout
    )
    last = result.stdout.rstrip().splitlines()[-1]
    assert last.startswith("INCOMPLETE: ") and "nothing passes" in last
    assert "PASS" not in result.stdout
    data = json.loads(run("--engine", "spin", "--json").stdout)
    assert data["verdict"] == "incomplete" and data["complete"] is False
    assert "variant 'lab': pan's hash table is full at -w10" in data["incomplete_reasons"]
    validate("check", data)


@needs_spin
@pytest.mark.usefixtures("shared_check")
def test_engine_spin_json_and_bitstate_is_incomplete() -> None:
    result = run("--engine", "spin", "--bitstate", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["engine"] == "spin" and data["bitstate"] is True and data["complete"] is False
    verdicts = {p["kind"]: p["verdict"] for p in data["properties"]}
    assert verdicts["always"] == "unknown" and verdicts["sometimes"] == "holds"
    validate("check", data)
    native = json.loads(run("--json").stdout)
    cert3 = "CERT-3/toggling"
    [spin_trace] = [p["trace"] for p in data["properties"] if p["id"] == cert3]
    [ehttp_trace] = [p["trace"] for p in native["properties"] if p["id"] == cert3]
    assert [set(step) for step in spin_trace] == [set(step) for step in ehttp_trace]
    assert (
        spin_trace[0]
        == ehttp_trace[0]
        == {
            "action": None,
            "state": ehttp_trace[0]["state"],
            "text": "initial state",
        }
    )
    assert len(spin_trace) == len(ehttp_trace) == 7, "both are shortest witnesses"
    assert spin_trace[-1]["state"]["mp1"]["state"] == "stranded"


def test_engine_spin_without_spin_is_one_line_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PATH", "")
    result = run("--engine", "spin")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --engine spin: spin is not installed; install it: apt-get install -y spin gcc\n"
    )


def test_spin_only_options_are_refused_elsewhere() -> None:
    result = run("--bitstate")
    assert result.exit_code == 2
    assert result.stderr == "Error: --bitstate: is accepted only with --engine spin\n"
    result = run("--engine", "spin", "--max-states", "10")
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: --max-states: is not accepted with --engine spin")
