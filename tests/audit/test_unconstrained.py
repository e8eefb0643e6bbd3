"""Tests for model/audit/unconstrained.py: survivors listed by the declaration's words, each
quoting the seed, and a stale entry (matching no mutant) is an error."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import ehttp.cli.audit as audit_cli
from ehttp.audit import (
    LISTED,
    Survivor,
    UnconstrainedError,
    derive_mutants,
    load_unconstrained,
    match_unconstrained,
)
from ehttp.audit.mutants import Where
from ehttp.cli.app import main
from ehttp.compose.world import MACHINES

EVERY, _ = derive_mutants(MACHINES, redirect_limit=sys.maxsize)
SENTENCE = (
    "This interruption shouldn't be longer than the policy cycle, which is one hour by default."
)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "unconstrained.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_every_shipped_entry_matches_one_mutant_and_quotes_the_seed() -> None:
    listed = load_unconstrained()
    matched = match_unconstrained(listed, EVERY)
    assert len(matched) == len(listed) > 0
    assert LISTED.name == "unconstrained.toml"


def test_an_entry_names_its_row_by_words_not_by_position(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
[[survivor]]
machine = "certificate-binding"
kind = "guard-true"
row = "bind the certificate to the IIS Default Web Site on port 443"
source = ["issued"]
dest = "bound"
sentence = "Wait up to 30 minutes for the management point to receive and configure the new \
certificate from the site."
why = "test"
""",
    )
    [survivor] = load_unconstrained(path)
    [mutant] = [m for m in EVERY if m.where == survivor.where]
    assert mutant.kind == "guard-true" and mutant.machine == "certificate-binding"
    assert mutant.id.startswith("certificate-binding/") and mutant.id.endswith("/guard-true")


def test_a_stale_entry_is_an_error_naming_it() -> None:
    stale = Survivor(
        Where(
            "certificate-binding",
            "remove",
            "bind the certificate to the IIS website",
            None,
            ("issued",),
            "bound",
        ),
        SENTENCE,
        "renamed since",
        3,
    )
    with pytest.raises(UnconstrainedError) as error:
        match_unconstrained([stale], EVERY)
    assert str(error.value) == (
        "unconstrained.toml: survivor 3 (certificate-binding, row 'bind the certificate to the "
        "IIS website', remove) matches no mutant of the declarations (renamed or removed row?); "
        "fix or remove the entry"
    )


def test_the_same_mutant_listed_twice_is_an_error() -> None:
    where = Where("client-registration", "deadline-shorter", state="reregistration-due")
    with pytest.raises(UnconstrainedError, match="lists the same mutant as survivor 1"):
        match_unconstrained(
            [Survivor(where, SENTENCE, "a", 1), Survivor(where, SENTENCE, "b", 2)], EVERY
        )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'machine = "clock"\nkind = "shorter"\nstate = "x"\n',
            "survivor 1: kind: 'shorter' is not accepted; use one of remove, guard-true",
        ),
        (
            'machine = "clock"\nkind = "deadline-longer"\nstate = "x"\nrow = "y"\n',
            "survivor 1: 'row' is not accepted for a deadline; name its state",
        ),
        (
            'machine = "clock"\nkind = "remove"\nrow = "15 minutes pass"\nsource = "ticking"\n'
            'dest = "ticking"\n',
            "survivor 1: source: 'ticking' is not accepted; give the row's source states as a "
            "list of strings",
        ),
        (
            'machine = "clock"\nkind = "redirect"\nrow = "15 minutes pass"\n'
            'source = ["ticking"]\ndest = "ticking"\n',
            "survivor 1: target: give it for a redirect, and only then",
        ),
        (
            'machine = "clock"\nkind = "remove"\nmutant = "clock/0/remove"\n',
            "survivor 1: 'mutant' is not accepted; use machine, kind, row, on, source",
        ),
    ],
)
def test_a_malformed_entry_names_the_field(tmp_path: Path, body: str, message: str) -> None:
    path = _write(tmp_path, f"[[survivor]]\n{body}sentence = {SENTENCE!r}\nwhy = 'w'\n")
    with pytest.raises(UnconstrainedError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_unconstrained(path)


def test_a_sentence_not_in_the_seed_is_refused(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '[[survivor]]\nmachine = "clock"\nkind = "deadline-longer"\nstate = "x"\n'
        'sentence = "The seed never says this."\nwhy = "w"\n',
    )
    with pytest.raises(
        UnconstrainedError, match=r"does not occur in specs/source/enhanced-http\.md"
    ):
        load_unconstrained(path)


def test_ehttp_audit_stops_on_a_stale_entry_with_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    stale = Survivor(Where("smsexec", "deadline-longer", state="stopped"), SENTENCE, "w", 1)
    monkeypatch.setattr(audit_cli, "load_unconstrained", lambda: (stale,))
    lab = Path(__file__).resolve().parents[2] / "specs" / "labs" / "site-1806-prerelease-off.toml"
    result = CliRunner().invoke(main, ["audit", "--lab", str(lab)])
    assert result.exit_code == 2
    assert result.output == (
        "Error: unconstrained.toml: survivor 1 (smsexec, state 'stopped', deadline-longer) "
        "matches no mutant of the declarations (renamed or removed row?); fix or remove the "
        "entry\n"
    )
