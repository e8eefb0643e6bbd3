"""Replay (model/fuzz/replay.py, `ehttp fuzz --replay`): campaign replay files and checker traces
replayed into the concrete lab, and one-line errors for files that can't be used."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ehttp.bridge.driver import LabDriver
from ehttp.cli.app import main
from ehttp.compose.checking import LabCheck
from ehttp.compose.properties import stranded
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab, lab_to_toml
from ehttp.fuzz.driver import ModelDriver
from ehttp.fuzz.invariants import ABSTRACTION
from ehttp.fuzz.lockstep import Lockstep
from ehttp.fuzz.replay import ReplayError, load_replay, replay, write_replay
from ehttp.lab.mutants import NEVER_REBINDS

CERT_3 = "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["fuzz", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def cert3_trace(checked: Callable[..., LabCheck]) -> list[dict[str, object]]:
    report = checked(default_lab())
    (prop,) = [p for p in report.to_json()["properties"] if p["id"] == CERT_3]
    trace: list[dict[str, object]] = prop["trace"]
    return trace


def test_checker_witness_for_cert3_replays_in_the_lab(
    tmp_path: Path, cert3_trace: list[dict[str, object]]
) -> None:
    path = tmp_path / "cert3.json"
    path.write_text(json.dumps({"id": CERT_3, "trace": cert3_trace}))
    plan = load_replay(path, default_lab())
    assert plan.source == "check" and len(plan.moves) == len(cert3_trace) - 1
    driver = LabDriver(plan.lab)
    outcome = replay(plan, driver)
    assert outcome.broken is None
    world = driver.abstraction()
    assert any(stranded(driver.model, world, i) for i in driver.model.env.bindings)


def test_checker_trace_replay_as_users_read_it(
    tmp_path: Path, cert3_trace: list[dict[str, object]]
) -> None:
    path = tmp_path / "cert3.json"
    path.write_text(json.dumps(cert3_trace))
    result = run("--replay", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"replaying checker trace {path} on lab 'default', seed 0\n"
        "    1. disable enhanced HTTP (site): site: https-or-http+enhanced -> https-or-http; "
        "mp1: bound -> unbinding; dp1: bound -> unbinding\n"
        "    2. remove the binding and delete the role certificate (mp1): mp1: unbinding -> "
        "no-certificate\n"
        "    3. remove the binding and delete the role certificate (dp1): dp1: unbinding -> "
        "no-certificate\n"
        "    4. enable enhanced HTTP (site): site: https-or-http -> https-or-http+enhanced; "
        "mp1: no-certificate -> issued; dp1: no-certificate -> issued\n"
        "    5. disable enhanced HTTP (site): site: https-or-http+enhanced -> https-or-http; "
        "toggle-history: careful -> rapid; mp1: issued -> stranded; dp1: issued -> stranded\n"
        "    6. enable enhanced HTTP (site): site: https-or-http -> https-or-http+enhanced\n"
        "PASS: every invariant held over 6 steps\n"
    )


def test_replay_file_replays_exactly(tmp_path: Path) -> None:
    model = WorldModel(default_lab())
    lock = Lockstep(ModelDriver(model), ())
    for name, who in [
        ("select HTTPS only", "site"),
        ("restart the smsexec service", "smsexec"),
        ('delete all certificates issued by "SMS Issuing" from the SMS certificate store', "dp1"),
        ("smsexec service starts", "smsexec"),
    ]:
        lock.act(
            next(
                a
                for a in model.actions(lock.world)
                if model.action_name(a) == name and model.env.names[a[0]] == who
            )
        )
    path = write_replay(
        tmp_path,
        lab=default_lab(),
        seed=0,
        mutant=NEVER_REBINDS,
        invariant=ABSTRACTION,
        steps=lock.steps,
    )
    result = run("--replay", str(path))
    assert result.exit_code == 1, result.output
    assert result.stdout == (
        f"replaying replay file {path} on lab 'default', seed 0, mutant mp-never-rebinds\n"
        "    1. select HTTPS only (site): site: https-or-http+enhanced -> https-only+enhanced\n"
        "    2. restart the smsexec service (smsexec): smsexec: running -> restarting\n"
        '    3. delete all certificates issued by "SMS Issuing" from the SMS certificate store '
        "(dp1): dp1: bound -> no-certificate\n"
        "    4. smsexec service starts (smsexec): smsexec: restarting -> running; "
        "dp1: no-certificate -> issued\n"
        "FAIL: the lab's abstraction equals the model's state\n"
        "  dp1: model issued, lab no-certificate\n"
    )
    clean = json.loads(path.read_text())
    clean["mutant"] = None
    path.write_text(json.dumps(clean))
    assert run("--replay", str(path)).exit_code == 0


def one_error_line(result: Result) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_unreadable_and_invalid_replay_files(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    assert one_error_line(run("--replay", str(missing))) == (
        f"Error: --replay: {missing}: No such file or directory"
    )
    garbage = tmp_path / "garbage.json"
    garbage.write_text("not json")
    assert "is not JSON" in one_error_line(run("--replay", str(garbage)))
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}')
    assert "is neither a replay file" in one_error_line(run("--replay", str(other)))


def replay_document(**changes: object) -> dict[str, object]:
    document: dict[str, object] = {
        "format": "ehttp-fuzz-replay",
        "lab": lab_to_toml(default_lab()),
        "seed": 0,
        "mutant": None,
        "invariant": ABSTRACTION,
        "steps": [
            {
                "action": "select HTTPS only",
                "instance": "site",
                "machine": "site-mode",
                "row": 5,
                "text": "",
            }
        ],
    }
    document.update(changes)
    return document


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"seed": "x"}, "seed 'x' is not accepted"),
        (
            {"steps": [{"action": "x", "instance": "nobody", "row": 0}]},
            "step 1: instance 'nobody' is not accepted",
        ),
        (
            {"steps": [{"action": "enable enhanced HTTP", "instance": "site", "row": 5}]},
            "step 1: row 5 of site-mode is not 'enable enhanced HTTP'",
        ),
        ({"lab": "[site]\nversion = 3"}, "--replay: "),
        ({"mutant": "mp-trusts-everyone"}, "mutant 'mp-trusts-everyone' is not accepted"),
        ({"mutant": 7}, "mutant 7 is not accepted"),
        ({"mutant": ["x"]}, "mutant ['x'] is not accepted"),
        ({"steps": [{"attack": "no-such-attack"}]}, "attack 'no-such-attack' is not accepted"),
        ({"steps": [{"attack": "x"}] * 10_001}, "10,001 steps; at most 10,000 are accepted"),
        ({"steps": "x" * 500}, "steps 'xxxxxxxx"),
    ],
)
def test_bad_replay_documents(tmp_path: Path, changes: dict[str, object], message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(replay_document(**changes)))
    with pytest.raises(ReplayError, match=r"^--replay: ") as caught:
        load_replay(path, default_lab())
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_step_not_enabled_where_it_comes_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "twice.json"
    step = {"action": "select HTTPS only", "instance": "site", "row": 5, "text": ""}
    path.write_text(json.dumps(replay_document(steps=[step, step])))
    assert one_error_line(run("--replay", str(path))) == (
        "Error: --replay: step 2: 'select HTTPS only' (site) is not enabled there"
    )


def test_checker_trace_of_another_lab_is_refused(
    tmp_path: Path, cert3_trace: list[dict[str, object]]
) -> None:
    path = tmp_path / "cert3.json"
    path.write_text(json.dumps(cert3_trace))
    lab = Path(__file__).resolve().parents[2] / "specs" / "labs" / "enhanced-off.toml"
    assert "is not the initial state of lab" in one_error_line(
        run("--replay", str(path), "--lab", str(lab))
    )


def test_oversized_and_deeply_nested_replay_files_are_one_line(tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    huge.write_text("[" + "0," * 2_200_000 + "0]")
    assert "larger than 4,194,304 bytes" in one_error_line(run("--replay", str(huge)))
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    assert "deep.json: [0][0]" in one_error_line(run("--replay", str(deep)))
    assert "nested deeper than 32 arrays and tables" in one_error_line(run("--replay", str(deep)))


def test_an_integer_too_long_for_python_in_a_replay_file_is_one_line(tmp_path: Path) -> None:
    """Regression (issue 21): more than 4,300 digits gave a traceback and exit 1."""
    big = tmp_path / "big.json"
    big.write_text('{"format": "x", "seed": ' + "9" * 5000 + "}")
    result = run("--replay", str(big))
    assert result.exit_code == 2
    assert one_error_line(result) == (
        f"Error: --replay: {big}: seed: a value of 5,000 characters (999999999999…); "
        "at most 64 are read"
    )


def test_unknown_mutant_in_a_replay_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "mutant.json"
    path.write_text(json.dumps(replay_document(mutant="bogus")))
    assert one_error_line(run("--replay", str(path))).startswith(
        f"Error: --replay: {path}: mutant 'bogus' is not accepted; use null or one of "
    )


def test_a_lab_name_never_places_a_replay_file_outside_its_folder(tmp_path: Path) -> None:
    folder = tmp_path / "replays"
    for name in ("../../escape", "/etc/passwd", "..", "a/b\\c", ".hidden"):
        lab = replace(default_lab(), name=name)
        path = write_replay(folder, lab=lab, seed=0, mutant=None, invariant="x", steps=())
        assert path.parent == folder
        assert not path.name.startswith(".")
        assert "/" not in path.name and ".." not in path.name.split("-seed")[0]


def test_a_whole_check_json_file_replays_the_named_property(
    tmp_path: Path, checked: Callable[..., LabCheck]
) -> None:
    path = tmp_path / "check.json"
    path.write_text(json.dumps(checked(default_lab()).to_json()))
    result = run("--replay", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        f"Error: --property: {path} is a whole ehttp check --json file; give --property NAME, "
    )
    assert repr(CERT_3) in result.stderr
    result = run("--replay", str(path), "--property", CERT_3)
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("PASS: every invariant held over 6 steps\n")
    result = run("--replay", str(path), "--property", "nope")
    assert result.exit_code == 2 and "'nope' is not a property with a trace" in result.stderr


def test_options_a_replay_ignores_are_refused(
    tmp_path: Path, cert3_trace: list[dict[str, object]]
) -> None:
    path = tmp_path / "cert3.json"
    path.write_text(json.dumps(cert3_trace))
    result = run("--replay", str(path), "--seconds", "3", "--steps", "9")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "Error: --seconds, --steps: not accepted with --replay, which replays the file's steps as "
        "they are; leave it out"
    ]
