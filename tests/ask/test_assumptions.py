"""Assumptions found by their quoted phrase (model/ask/assumptions.py)."""

from __future__ import annotations

import pytest

from ehttp.ask.assumptions import assumption, load, parse
from ehttp.ask.whatif import ASSUMPTION_PHRASES


def test_every_phrase_whatif_names_has_a_section() -> None:
    titles = [assumption(p).title for p in ASSUMPTION_PHRASES]
    assert titles[:2] == [
        "The steady state: clients register with their evidence",
        "Quick clicks let the site's own steps run, but no clock quantum passes",
    ]
    assert len(load()) > len(titles)


def test_an_unknown_phrase_is_named() -> None:
    with pytest.raises(KeyError, match="no section with the phrase 'no such phrase'"):
        assumption("no such phrase")


def test_an_id_in_the_heading_or_a_field_labels_the_section() -> None:
    text = (
        '# Modeling assumptions\n\n## A-3: Clock quantum\n- Phrase: "a quantum"\n\n'
        '## Urgency\n- ID: A-7\n- Phrase: "urgent"\n\n## No id\n- Phrase: "none"\n'
    )
    assert [(a.label, a.phrase) for a in parse(text)] == [
        ("A-3 Clock quantum", "a quantum"),
        ("A-7 Urgency", "urgent"),
        ("No id", "none"),
    ]
