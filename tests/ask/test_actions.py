"""The administrator's actions as ids (model/ask/actions.py)."""

from __future__ import annotations

import pytest

from ehttp.ask.actions import ActionError, action_text, apply, catalogue, parse, possible_now
from ehttp.ask.steady import steady_state
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import load_lab
from ehttp.machines.site import ENABLE


@pytest.fixture(name="model")
def _model() -> WorldModel:
    return WorldModel(load_lab(None))


def test_the_catalogue_has_every_administrator_row_that_changes_a_state(model: WorldModel) -> None:
    texts = [a.text for a in catalogue(model)]
    assert texts[:8] == [
        "enable-enhanced-http",
        "disable-enhanced-http",
        "select-https-only",
        "select-https-or-http",
        "onboard-azure-ad",
        "update-application-setting",
        "restart-smsexec",
        "delete-sms-issuing-certs",
    ]
    assert "approve wg1" in texts and "delete-sms-issuing-certs mp1" in texts
    assert not any("notification" in t for t in texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("enable", "enable-enhanced-http"),
        ("Enable enhanced HTTP", "enable-enhanced-http"),
        ("approve wg1", "approve wg1"),
        ("  delete-sms-issuing-certs   mp1 ", "delete-sms-issuing-certs mp1"),
        ("restart the smsexec service", "restart-smsexec"),
    ],
)
def test_ids_words_and_prefixes_are_accepted(model: WorldModel, text: str, expected: str) -> None:
    assert parse(model, text).text == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "select",
            "--do: 'select' is ambiguous; it could be select-https-only, select-https-or-http",
        ),
        (
            "approve",
            "--do: 'approve' needs a name; use one of approve aad1, approve dom1, approve wg1",
        ),
    ],
)
def test_unclear_actions_say_what_is_accepted(model: WorldModel, text: str, message: str) -> None:
    with pytest.raises(ActionError) as caught:
        parse(model, text)
    assert str(caught.value) == message


def test_delete_without_a_name_deletes_on_every_site_system(model: WorldModel) -> None:
    world, steps = apply(model, steady_state(model.lab), parse(model, "delete-sms-issuing-certs"))
    assert [s.text.split(":")[0] for s in steps] == [
        'delete all certificates issued by "SMS Issuing" from the SMS certificate store (mp1)',
        'delete all certificates issued by "SMS Issuing" from the SMS certificate store (dp1)',
    ]
    assert "delete-sms-issuing-certs" not in possible_now(model, world)
    assert [(s.minutes, s.administrator, s.action) for s in steps] == [
        (0, True, 'delete all certificates issued by "SMS Issuing" from the SMS certificate store')
    ] * 2
    assert steps[-1].world == world


def test_a_step_reads_back_as_its_id(model: WorldModel) -> None:
    steady = steady_state(model.lab)
    approve = next(a for a in model.actions(steady) if model.action_name(a) == "approve the client")
    assert action_text(model, approve) == "approve wg1"
    disable = next(a for a in model.actions(steady) if model.action_name(a) != ENABLE and a[0] == 0)
    assert action_text(model, disable) in {"disable-enhanced-http", "select-https-only"}
