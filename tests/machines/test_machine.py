"""A machine declaration that contradicts itself fails when it is defined, with a message that says
what is wrong and what to do (model/machines/machine.py)."""

from __future__ import annotations

import pytest

from ehttp.machines.machine import DeclarationError, Machine, Row, StateDecl

STATES = (StateDecl("off", "switched off"), StateDecl("on", "switched on", deadline=2))


def _machine(
    states: tuple[StateDecl, ...] = STATES,
    source: tuple[str, ...] = ("off",),
    dest: str = "on",
    requirements: tuple[str, ...] = ("SITE-1",),
) -> Machine:
    row = Row("switch on", source, dest, requirements, "administrator")
    return Machine("lamp", "Lamp", "A lamp.", states, (row,))


def test_a_consistent_declaration_is_accepted() -> None:
    machine = _machine()
    assert machine.state("on").deadline == 2


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"states": (*STATES, StateDecl("off", "again"))},
            "machine lamp: state names repeat: ['off', 'off', 'on']",
        ),
        (
            {"source": ("off", "dim"), "dest": "bright"},
            "machine lamp: row 'switch on' names unknown states ['dim', 'bright']; declare them in "
            "states (known: off, on)",
        ),
        (
            {"source": ()},
            "machine lamp: row 'switch on' has no source state; give at least one",
        ),
        (
            {"requirements": ()},
            "machine lamp: row 'switch on' names no requirement ID; every row must say which "
            "requirement it serves",
        ),
        (
            {"states": (StateDecl("off", "switched off"), StateDecl("on", "on", deadline=0))},
            "machine lamp: state 'on' has deadline 0; a deadline is a whole number of quanta >= 1",
        ),
    ],
    ids=["repeated state", "unknown state", "no source", "no requirement", "deadline below 1"],
)
def test_each_inconsistency_is_refused_word_for_word(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(DeclarationError) as caught:
        _machine(**changes)
    assert str(caught.value) == message
