"""Every command's `--json` against its JSON Schema in specs/schemas/, and the exit codes.

The envelope (`model/cli/output.py` `envelope`) is `specs/schemas/envelope.json`; each command's
schema extends it by `$ref`. Each case runs the command as users do and validates what it prints.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

import ehttp.report.page
from ehttp.cli.app import COMMANDS, main
from ehttp.cli.output import ENVELOPE_KEYS, VERDICTS, envelope, tool_version

SCHEMAS = Path(__file__).resolve().parents[2] / "specs" / "schemas"
LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _registry() -> Registry[Any]:
    resources = [
        (path.name, Resource.from_contents(json.loads(path.read_text(encoding="utf-8"))))
        for path in sorted(SCHEMAS.glob("*.json"))
    ]
    return Registry[Any]().with_resources(resources)


REGISTRY = _registry()


def validate(command: str, document: dict[str, Any]) -> None:
    schema = json.loads((SCHEMAS / f"{command}.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, registry=REGISTRY).validate(document)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def json_of(result: Result, code: int) -> dict[str, Any]:
    assert result.exit_code == code, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    assert tuple(document)[:4] == ENVELOPE_KEYS
    assert document["version"] == tool_version()
    validate(document["command"], document)
    return document


def _json_commands() -> list[str]:
    group = main
    assert isinstance(group, click.Group)
    ctx = click.Context(group)
    found = []
    for name in sorted(COMMANDS):
        command = group.get_command(ctx, name)
        assert command is not None
        if any("--json" in param.opts for param in command.params):
            found.append(name)
    return found


def test_every_command_with_json_has_a_schema() -> None:
    names = _json_commands()
    assert {"check", "fuzz", "attacks", "scenarios", "tables", "diagrams", "report"} <= set(names)
    missing = [name for name in names if not (SCHEMAS / f"{name}.json").is_file()]
    assert missing == [], f"add specs/schemas/<command>.json for {missing}"


def test_every_schema_is_a_valid_schema_that_extends_the_envelope() -> None:
    for path in sorted(SCHEMAS.glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
        assert schema["$id"] == path.name
        if path.name != "envelope.json":
            assert {"$ref": "envelope.json"} in schema["allOf"], path.name


def test_the_envelope_refuses_a_document_without_its_keys() -> None:
    with pytest.raises(ValidationError, match="'verdict' is a required property"):
        validate("tables", {"command": "tables", "version": "0", "lab": "default"})
    with pytest.raises(ValueError, match="verdict: 'ok' is not accepted; use one of pass"):
        envelope("tables", "default", "ok")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'version' is an envelope key"):
        envelope("tables", "default", "info", version="9")
    assert VERDICTS == ("pass", "fail", "incomplete", "interrupted", "info")


def test_audit_pass_and_incomplete() -> None:
    lab = str(LABS / "site-1802.toml")
    passed = json_of(run("audit", "--lab", lab, "--json"), 0)
    assert (passed["verdict"], passed["complete"]) == ("pass", True)
    assert passed["kill_ratio"] >= 0.9
    assert all(p["killed"] > 0 for p in passed["properties"])
    cut = json_of(run("audit", "--lab", lab, "--json", "--max-seconds", "0.001"), 1)
    assert (cut["verdict"], cut["complete"]) == ("incomplete", False)
    assert "not-run" in {m["status"] for m in cut["mutants"]}


@pytest.mark.usefixtures("shared_check")
def test_check_pass_and_incomplete() -> None:
    passed = json_of(run("check", "--json"), 0)
    assert (passed["lab"], passed["verdict"], passed["states"]) == ("default", "pass", 41_052)
    [cert3] = [p for p in passed["properties"] if p["requirements"] == ["CERT-3"]]
    step = cert3["trace"][0]
    assert step["action"] is None and step["state"]["site"]["minutes"] is None
    cut = json_of(run("check", "--json", "--max-states", "10"), 1)
    assert (cut["verdict"], cut["complete"], cut["stopped_reason"]) == (
        "incomplete",
        False,
        "max-states",
    )


@pytest.mark.skipif(
    shutil.which("spin") is None or shutil.which("gcc") is None,
    reason="spin or gcc is not installed (CI installs them)",
)
def test_check_with_spin() -> None:
    document = json_of(run("check", "--engine", "spin", "--json"), 0)
    assert (document["engine"], document["verdict"]) == ("spin", "pass")


def test_fuzz_campaign_failure_and_its_replay(tmp_path: Path) -> None:
    # A small lab (54 states) with an Azure AD client, whose alg=none token the mutant accepts:
    # the documents have the same shape on any lab; the default lab's campaign costs ~10 s more.
    small = ("--lab", str(LABS / "site-1802.toml"))
    clean = json_of(
        run("fuzz", "--examples", "1", "--seed", "1", "--profile", "ci", "--json", *small), 0
    )
    assert (clean["mode"], clean["seed"], clean["mutant"], clean["verdict"]) == (
        "campaign",
        1,
        None,
        "pass",
    )
    failing = run(
        "fuzz",
        "--examples",
        "4",
        "--seed",
        "1",
        "--mutant",
        "mp-accepts-alg-none",
        "--json",
        *small,
    )
    broken = json_of(failing, 1)
    assert broken["verdict"] == "fail" and broken["mutant"] == "mp-accepts-alg-none"
    (failure,) = broken["failures"]
    assert all(isinstance(step, dict) and step["text"] for step in failure["steps"])
    replayed = json_of(run("fuzz", "--replay", failure["replay_file"], "--json"), 1)
    assert (replayed["mode"], replayed["source"], replayed["verdict"]) == ("replay", "fuzz", "fail")
    assert replayed["steps"] == failure["steps"]


def test_attacks_pass_and_fail() -> None:
    assert json_of(run("attacks", "--json"), 0)["verdict"] == "pass"
    failed = json_of(run("attacks", "--json", "--mutant", "mp-accepts-alg-none"), 1)
    assert failed["verdict"] == "fail" and failed["accepted"]


def test_scenarios_and_tables_are_info() -> None:
    scenarios = json_of(run("scenarios", "--json"), 0)
    assert scenarios["verdict"] == "info"
    assert {v["scenario"] for v in scenarios["verdicts"]} >= {"1", "2", "3"}
    tables = json_of(run("tables", "--json", "--lab", str(LABS / "enhanced-off.toml")), 0)
    assert tables["lab"] == "enhanced-off" and tables["site"]["enhanced_http"] is False


def test_export_gives_its_text_or_the_file_it_wrote(tmp_path: Path) -> None:
    document = json_of(run("export", "--promela", "--json"), 0)
    assert document["verdict"] == "info" and document["text"].startswith("/*")
    assert document["out"] is None and document["clients"] == 3
    out = tmp_path / "lab.pml"
    written = json_of(run("export", "--promela", "--json", "--out", str(out)), 0)
    assert written["out"] == str(out) and written["text"] is None and out.is_file()


NO_JSON = {
    "completion": "prints a shell script",
    "schema": "prints a JSON Schema already",
    "explore": "serves pages in a browser until Ctrl-C",
}
"""The commands without `--json`, and why."""


def test_every_command_but_the_listed_ones_takes_json() -> None:
    missing = sorted(set(COMMANDS) - set(_json_commands()) - set(NO_JSON))
    assert missing == [], f"add --json to {missing} (or say in NO_JSON why not)"


@pytest.mark.usefixtures("shared_diagrams_check")
def test_diagrams_lists_what_it_wrote(tmp_path: Path) -> None:
    document = json_of(run("diagrams", "--json", "--format", "dot", "--out", str(tmp_path)), 0)
    assert document["written"] and all(Path(p).is_file() for p in document["written"])


def test_report_names_its_page(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    report_steps: Callable[[pytest.MonkeyPatch], None],
) -> None:
    # The matrix's other labs are not what this test is about; checking them takes ~25 s. The
    # default lab's check, attack catalogue, lab mutants and answers are the session's.
    monkeypatch.setattr(ehttp.report.page, "example_labs", lambda: ())
    report_steps(monkeypatch)
    document = json_of(run("report", "--json", "--out", str(tmp_path)), 0)
    assert Path(document["path"]).is_file() and document["verdict"] == "pass"


def test_whatif_answer_and_list() -> None:
    lab = str(LABS / "enhanced-off.toml")
    answer = json_of(run("whatif", "--lab", lab, "--do", "enable-enhanced-http", "--json"), 0)
    assert (answer["verdict"], answer["answer"]) == ("pass", "answered")
    assert json_of(run("whatif", "--list", "--json"), 0)["verdict"] == "info"


def test_diagnose_answer_and_list() -> None:
    symptom = "no-sms-certificate-bound mp1"
    answer = json_of(run("diagnose", "--symptom", symptom, "--max", "1", "--json"), 0)
    assert (answer["verdict"], answer["answer"]) == ("pass", "answered")
    assert json_of(run("diagnose", "--list", "--json"), 0)["verdict"] == "info"


def test_exit_2_is_one_line_and_no_json() -> None:
    result = run("check", "--json", "--max-states", "none")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "Error: --max-states: 'none' is not accepted; give a whole number from 1 to 1,000,000,000"
    ]


def test_ctrl_c_exits_130(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> object:
        raise KeyboardInterrupt

    monkeypatch.setattr("ehttp.cli.tables.table_json", interrupted)
    result = run("tables", "--json")
    assert result.exit_code == 130
    assert "interrupted (Ctrl-C)" in result.stderr
    assert "Error" not in result.stderr


def test_fuzz_hostile_pass_and_failure() -> None:
    clean = json_of(
        run("fuzz", "--hostile", "--examples", "3", "--seed", "1", "--profile", "ci", "--json"), 0
    )
    assert (clean["mode"], clean["verdict"], clean["failure"]) == ("hostile", "pass", None)
    assert clean["tried"] == sum(t["tried"] for t in clean["targets"].values()) > 0
    broken = json_of(
        run(
            "fuzz",
            "--hostile",
            "--profile",
            "ci",
            "--seed",
            "0",
            "--json",
            "--mutant",
            "mp-skips-rollover-continuity",
        ),
        1,
    )
    assert broken["verdict"] == "fail"
    assert broken["failure"]["target"] == "key rollover"


def test_a_failing_fuzz_run_prints_the_failure_first() -> None:
    # site-1802 for the reason test_fuzz_campaign_failure_and_its_replay gives.
    small = ("--lab", str(LABS / "site-1802.toml"))
    result = run(
        "fuzz", "--examples", "4", "--seed", "1", "--mutant", "mp-accepts-alg-none", *small
    )
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "seed 1"
    assert lines[1].startswith("FAIL: ")
    assert lines[3].startswith("shortened to ")
    replay = next(
        n for n, line in enumerate(lines) if line.startswith("replay: ehttp fuzz --replay ")
    )
    coverage = next(n for n, line in enumerate(lines) if line.startswith("coverage: "))
    assert replay < coverage
    assert lines[-1] == f"{lines[1]} (steps and replay above)"


def test_ctrl_c_in_fuzz_keeps_the_coverage_so_far(monkeypatch: pytest.MonkeyPatch) -> None:
    import ehttp.fuzz.campaign as campaign

    real = campaign._run_round
    rounds: list[int] = []

    def interrupted_second_round(*args: Any) -> Any:
        rounds.append(1)
        if len(rounds) == 2:
            raise KeyboardInterrupt
        return real(*args)

    monkeypatch.setattr(campaign, "_run_round", interrupted_second_round)
    # A small lab (54 states): what is tested is what Ctrl-C keeps, the same on any lab; the
    # default lab's reachable set and longer examples cost half a minute more here.
    small = ("--lab", str(LABS / "site-1802.toml"), "--profile", "ci")
    result = run("fuzz", "--examples", "6", "--seed", "1", *small)
    assert result.exit_code == 130, result.output
    assert result.stdout.splitlines()[-1].startswith("INTERRUPTED: no invariant broke in ")
    assert "coverage: " in result.stdout
    rounds.clear()
    document = json_of(run("fuzz", "--examples", "6", "--seed", "1", "--json", *small), 130)
    assert document["examples"] == 2, "the first round's examples ran, the second's did not"
    assert document["verdict"] == "interrupted" and document["interrupted"] is True
    assert document["coverage"]["reached"] > 0


def test_ctrl_c_in_a_hostile_campaign_keeps_the_counts_so_far(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ehttp.fuzz.hostile as hostile

    real = hostile._check
    calls: list[int] = []

    def interrupted_later(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 25:
            raise KeyboardInterrupt
        real(*args)

    monkeypatch.setattr(hostile, "_check", interrupted_later)
    result = run("fuzz", "--hostile", "--examples", "20", "--seed", "1", "--profile", "ci")
    assert result.exit_code == 130, result.output
    last = result.stdout.splitlines()[-1]
    assert last.startswith("INTERRUPTED: no exception, no acceptance the model forbids, ")
    tried = int(last.split(" in ")[-1].split(" inputs")[0])
    assert 0 < tried < 25 and last.endswith(f" in {tried} inputs; counts so far above")
    calls.clear()
    document = json_of(
        run("fuzz", "--hostile", "--examples", "20", "--seed", "1", "--profile", "ci", "--json"),
        130,
    )
    assert (document["verdict"], document["interrupted"], document["tried"]) == (
        "interrupted",
        True,
        tried,
    )
