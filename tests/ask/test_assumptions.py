"""Assumptions found by their quoted phrase (model/ask/assumptions.py)."""

from __future__ import annotations

import pytest

from model.ask.assumptions import assumption, load
from model.ask.whatif import ASSUMPTION_PHRASES


def test_every_phrase_whatif_names_has_a_section() -> None:
    titles = [assumption(p).title for p in ASSUMPTION_PHRASES]
    assert titles[:2] == [
        "The steady state: clients register with their evidence",
        "The administrator's actions are taken at once",
    ]
    assert len(load()) > len(titles)


def test_an_unknown_phrase_is_named() -> None:
    with pytest.raises(KeyError, match="no section with the phrase 'no such phrase'"):
        assumption("no such phrase")
