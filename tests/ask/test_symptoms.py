"""Symptoms in the administrator's words (model/ask/symptoms.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ehttp.ask.steady import steady_state
from ehttp.ask.symptoms import SymptomError, parse_symptom, symptom_list
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab


def test_every_kind_names_its_instances() -> None:
    model = WorldModel(load_lab(None))
    assert [s.text for s in symptom_list(model)][:3] == [
        "no-sms-certificate-bound mp1",
        "no-sms-certificate-bound dp1",
        "notification-fails aad1",
    ]


@pytest.mark.req("REG-3", "DP-2")
def test_the_steady_state_shows_only_the_workgroup_clients_symptoms() -> None:
    model = WorldModel(load_lab(None))
    world = steady_state(model.lab)
    shown = [s.text for s in symptom_list(model) if s.holds(model, world)]
    assert shown == [
        "notification-fails wg1",
        "client-pending-approval wg1",
        "content-download-refused wg1",
    ]


def test_a_bad_symptom_says_what_is_accepted() -> None:
    model = WorldModel(load_lab(None))
    with pytest.raises(SymptomError, match="'dp9' is not accepted for no-sms-certificate-bound"):
        parse_symptom(model, "no-sms-certificate-bound dp9")


def test_a_name_with_spaces_is_named_as_written() -> None:
    lab = load_lab(None)
    mp = replace(lab.management_points[0], name="mp  one <b>")
    model = WorldModel(replace(lab, management_points=(mp,)))
    assert "no-sms-certificate-bound mp  one <b>" in [s.text for s in symptom_list(model)]
    symptom = parse_symptom(model, "no-sms-certificate-bound mp  one <b>")
    assert (symptom.name, symptom.index) == ("mp  one <b>", model.env.names.index("mp  one <b>"))
    with pytest.raises(SymptomError, match="'mp one' is not accepted"):
        parse_symptom(model, "no-sms-certificate-bound mp one")
