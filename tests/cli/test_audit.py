"""`ehttp audit` as users see it (model/cli/audit.py), on the small site-1802 lab (72 worlds)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import ehttp.cli.audit as audit_cli
from ehttp.audit import MutantResult, mutant_run, run_audit
from ehttp.cli.app import main
from ehttp.cli.audit import render_text
from ehttp.cli.progress import Reporter, StopRequest
from ehttp.config.labfile import load_lab
from tests.cli.test_json_schemas import validate
from tests.compose.hollow import OLD_SITE3, hollow_checks

LAB = str(Path(__file__).resolve().parents[2] / "specs" / "labs" / "site-1802.toml")


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["audit", *args], catch_exceptions=False)


def test_the_1802_lab_passes_with_every_listed_survivor_citing_the_seed() -> None:
    result = run("--lab", LAB)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("audit of lab 'site-1802': 193 mutants (redirects: 40 sampled of 282, ")
    # One count from the header to the end: the header's parts add up to it, the progress
    # counts out of it (test_progress_counts_out_of_every_mutant) and the kill ratio names it.
    header = out.splitlines()[0]
    parts = header.split("): ", 1)[1].split("; ")[0].split(", ")
    assert parts == [
        "33 change the reachable graph",
        "126 don't",
        "34 behave as a removal",
    ]
    assert sum(int(part.split()[0]) for part in parts) == 193
    # An example with no trace says why there is none, in words, never a bare "(vacuous)".
    assert "(no witness: no reachable state shows it)" in out
    assert "(vacuous)" not in out and " (1 steps)" not in out
    assert (
        "(29 killed of 30 counted: the 33 of the 193 mutants that change the reachable graph, "
        "less 3 the seed leaves open)\n"
    ) in out
    assert "  killed  property" in out
    assert "enhanced HTTP is never on: the option needs 1806 with pre-release features" in out
    assert "  smsexec/0/remove\n" in out
    assert "    left open by the seed: 'To work around this issue, delete all certificates" in out
    assert "kill ratio: 0.9" in out or "kill ratio: 1.00" in out
    assert out.endswith("PASS: 11 of 11 properties kill at least one mutant\n")


def test_progress_counts_out_of_every_mutant() -> None:
    seen: list[tuple[int, int]] = []
    result = run_audit(
        load_lab(Path(LAB)), workers=1, progress=lambda done, total, _: seen.append((done, total))
    )
    total = len(result.mutants)
    assert {t for _, t in seen} == {total}
    assert seen[-1] == (total, total)


def test_an_unfalsifiable_property_is_marked_and_fails_the_audit() -> None:
    lab = load_lab(Path(LAB))
    # Every redirect, not a sample: only a console step redirected to an enhanced mode kills the
    # old SITE-3 statement on this lab, and a sample of 40 may hold none of them.
    result = run_audit(lab, checks=hollow_checks, workers=1, redirect_limit=1000)
    text = render_text(result)
    assert not result.passed
    [old] = [p for p in result.properties if p.name == OLD_SITE3]
    assert not old.unfalsifiable  # without the option the old statement reads "never on"
    assert all("/redirect/" in mutant for mutant in old.killed)
    assert "UNFALSIFIABLE: no mutant makes it fail" in text
    assert text.endswith("properties kill at least one mutant\n") and "FAIL: " in text


def test_max_seconds_stops_the_run_and_fails() -> None:
    result = run("--lab", LAB, "--max-seconds", "0.001")
    assert result.exit_code == 1
    # A millisecond cuts the mutants or, as a rule, the unmutated lab's check itself.
    assert result.stdout.splitlines()[1].startswith("INCOMPLETE: ")
    assert "--max-seconds" in result.stdout.splitlines()[1]
    # Its last line is no PASS or FAIL: what ran is no verdict.
    last = result.stdout.splitlines()[-1]
    assert last.startswith("INCOMPLETE: ") and " mutants run (--max-seconds); so far " in last
    assert last.endswith("; nothing passes")
    # A property no mutant run so far kills is not called unfalsifiable: most did not run.
    assert "not known yet: no mutant run so far makes it fail" in result.stdout
    assert "UNFALSIFIABLE" not in result.stdout


def test_max_seconds_stops_the_unmutated_labs_check() -> None:
    # The default lab's check (41,052 worlds) takes over a second: a millisecond cuts it, and no
    # mutant can be measured against it.
    result = run("--max-seconds", "0.001")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1].startswith(
        "INCOMPLETE: the unmutated lab's check stopped (--max-seconds: max-seconds after "
    ), lines[1]
    assert lines[1].endswith("no mutant can be measured against it, so none ran; nothing passes")
    # A property no mutant run so far kills is not called unfalsifiable: nothing ran.
    assert "not known yet: no mutant run so far makes it fail" in result.stdout
    assert "UNFALSIFIABLE" not in result.stdout
    document = json.loads(run("--json", "--max-seconds", "0.001").stdout)
    validate("audit", document)
    assert document["verdict"] == "incomplete"
    assert document["base_stopped"].startswith("max-seconds after ")
    assert {m["status"] for m in document["mutants"]} == {"not-run"}
    assert {p["unfalsifiable"] for p in document["properties"]} == {None}


def test_max_seconds_holds_while_the_mutants_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mutant whose check the time limit cuts is not run (never a survivor): its checks keep
    to the audit's deadline, as the unmutated lab's do."""
    lab = load_lab(Path(LAB))
    whole = run_audit(lab, workers=1)
    real = mutant_run.check
    checked: list[float | None] = []
    variants = len({p.variant for p in whole.properties})  # the unmutated lab's checks

    def late(*args: Any, **kwargs: Any) -> Any:
        # After the unmutated lab's checks, the time is up (its deadline has passed).
        checked.append(kwargs.get("max_seconds"))
        if len(checked) > variants:
            kwargs["max_seconds"] = 1e-9
        return real(*args, **kwargs)

    monkeypatch.setattr(mutant_run, "check", late)
    cut = run_audit(lab, workers=1, max_seconds=3600)
    assert all(seconds is not None and seconds <= 3600 for seconds in checked)
    assert cut.base_stopped is None and not cut.complete
    ran = [m for m in cut.mutants if m.status != "not-run"]
    assert all(m.status == "equivalent" or m.mutant.same_as is not None for m in ran), [
        (m.mutant.id, m.status) for m in ran
    ]
    assert {m.status for m in whole.mutants} >= {"killed", "survived"}


def test_a_bad_max_seconds_is_one_line_and_exit_2() -> None:
    result = run("--max-seconds", "soon")
    assert result.exit_code == 2
    assert result.output == (
        "Error: --max-seconds: 'soon' is not accepted; give a number of seconds > 0 "
        "and at most 604,800 (a week)\n"
    )


class _CtrlCAfter(StopRequest):
    """A stop request that comes (as Ctrl-C would) the `n`th time the audit asks."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.asked = 0
        self.n = n

    def __call__(self) -> bool:
        self.asked += 1
        if self.asked >= self.n:
            self.request()
        return self.requested


def test_ctrl_c_prints_what_the_mutants_run_so_far_showed(monkeypatch: pytest.MonkeyPatch) -> None:
    judged: list[int] = []
    shown = audit_cli._progress

    def counted(progress: Reporter) -> Callable[[int, int, MutantResult], None]:
        show = shown(progress)

        def each(done: int, total: int, result: MutantResult) -> None:
            judged.append(done)
            show(done, total, result)

        return each

    class AfterSixMutants(StopRequest):
        """Ctrl-C once six mutants were judged."""

        def __call__(self) -> bool:
            if len(judged) >= 6:
                self.request()
            return self.requested

    @contextmanager
    def pressed(progress: object = None) -> Iterator[StopRequest]:
        judged.clear()
        yield AfterSixMutants()

    monkeypatch.setattr(audit_cli, "interruptible", pressed)
    monkeypatch.setattr(audit_cli, "_progress", counted)
    result = run("--lab", LAB)
    assert result.exit_code == 130, result.output
    assert "mutants not run (Ctrl-C); nothing passes" in result.stdout
    last = result.stdout.splitlines()[-1]
    assert last.startswith("INTERRUPTED: ") and " mutants run before Ctrl-C; so far " in last
    ran = int(last.split()[1])
    assert 5 <= ran < 20, "the audit stops within a mutant per worker of the request"
    document = json.loads(run("--lab", LAB, "--json").stdout)
    validate("audit", document)
    assert (document["verdict"], document["complete"]) == ("interrupted", False)


def test_ctrl_c_during_the_unmutated_labs_check_stops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """The first Ctrl-C stops the unmutated lab's check itself (a large lab's takes minutes), not
    after it."""

    @contextmanager
    def pressed(progress: object = None) -> Iterator[StopRequest]:
        yield _CtrlCAfter(1)

    monkeypatch.setattr(audit_cli, "interruptible", pressed)
    result = run("--lab", LAB)
    assert result.exit_code == 130, result.output
    lines = result.stdout.splitlines()
    assert lines[1].startswith(
        "INCOMPLETE: the unmutated lab's check stopped (Ctrl-C: interrupted after "
    ), lines[1]
    assert lines[-1].startswith("INTERRUPTED: 0 of 193 mutants run before Ctrl-C; ")
