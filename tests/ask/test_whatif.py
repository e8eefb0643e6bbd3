"""`ehttp whatif`'s answers (model/ask/whatif.py), pinned on the example labs, and mutants of the
declarations that change them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ehttp.ask.steady import steady_state
from ehttp.ask.steps import lasso_lines
from ehttp.ask.whatif import what_if
from ehttp.ask.whatif_answer import WhatIf
from ehttp.compose.world import EXEC, ModelError
from ehttp.config.labfile import load_lab
from ehttp.machines.binding import BINDING, SMSEXEC
from ehttp.machines.machine import Row
from ehttp.machines.registration import POLICY_POLL, REGISTRATION, REREGISTRATION_DUE
from tests.ask.mutants import mutate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _ask(*actions: str, lab: str = "enhanced-off", at_once: bool = False) -> WhatIf:
    return what_if(load_lab(LABS / f"{lab}.toml"), actions, at_once=at_once)


def _change(answer: WhatIf, subject: str, what: str) -> tuple[int | None, int | None, bool]:
    found = [c for c in answer.changes if c.subject == subject and c.what == what]
    assert len(found) == 1, [c.text for c in answer.changes]
    return found[0].earliest, found[0].latest, found[0].never


def _window(answer: WhatIf, client: str, capability: str) -> str:
    found = [w.text for w in answer.windows if w.client == client and w.capability == capability]
    assert len(found) == 1
    return found[0]


@pytest.mark.req("CERT-2", "REG-4", "REG-5", "CERT-5")
def test_enabling_on_a_lab_with_enhanced_http_off() -> None:
    answer = _ask("enable-enhanced-http")
    assert answer.verdict == "answered"
    assert _change(answer, "mp1", "role certificate bound") == (0, 30, False)
    assert _change(answer, "dp1", "role certificate bound") == (0, 30, False)
    assert _change(answer, "dom1", "re-registered under enhanced HTTP") == (0, 60, False)
    assert _change(answer, "dom1", "client notification works again") == (0, 60, False)
    assert _window(answer, "dom1", "client notification") == (
        "dom1: client notification fails in every run, from 0 to at most 60 minutes"
    )
    assert answer.cert3.on_the_way is None
    assert answer.cert3.without_toggle is False
    assert [line.split("(site)")[0] for line in lasso_lines(answer.cert3.with_toggle)] == [
        "[  0 min] disable enhanced HTTP ",
        "[  0 min] enable enhanced HTTP ",
    ]
    assert [(o.healthy, o.cert3) for o in answer.outcomes] == [(True, ())]
    assert answer.states == 37  # the steady state, then 36 worlds from the world after enabling


@pytest.mark.req("REG-1")
def test_a_registration_with_no_deadline_gets_no_bound_in_minutes() -> None:
    answer = _ask("enable-enhanced-http")
    aad1 = next(c for c in answer.changes if c.subject == "aad1")
    assert (aad1.what, aad1.dated, aad1.never) == ("registered", False, False)
    assert "no bound in minutes" in aad1.text


@pytest.mark.req("CERT-3")
def test_a_rapid_toggle_at_once_strands_the_certificates() -> None:
    answer = _ask("enable", "disable", "enable", at_once=True)
    assert answer.verdict == "fault"
    assert [s.administrator for s in answer.cert3.on_the_way or ()] == [True, True, True]
    assert answer.cert3.runs == "every"
    assert [o.cert3 for o in answer.outcomes] == [("mp1", "dp1")]
    earliest, latest, never = _change(answer, "mp1", "role certificate bound")
    assert (earliest, latest, never) == (None, None, True)
    mp1 = next(c for c in answer.changes if c.subject == "mp1")
    assert mp1.lasso[-1].text.endswith("then stutters forever: no fair action is enabled here")
    assert mp1.lasso[0].action is None and mp1.lasso[0].world == answer.steady
    enable, disable = "enable enhanced HTTP", "disable enhanced HTTP"
    assert [s.action for s in mp1.lasso[1:4]] == [enable, disable, enable]


@pytest.mark.req("CERT-3")
def test_four_quick_toggles_may_strand_a_certificate_and_show_the_interleaving() -> None:
    toggles = ("disable", "enable", "disable", "enable")
    at_once = _ask(*toggles, lab="recommended-1806", at_once=True)
    assert at_once.verdict == "answered" and at_once.cert3.runs == "none"
    answer = _ask(*toggles, lab="recommended-1806")
    assert answer.verdict == "fault"
    assert answer.cert3.runs == "some"
    path = answer.cert3.on_the_way or ()
    assert [(s.administrator, s.action) for s in path] == [
        (True, "disable enhanced HTTP"),
        (False, "remove the binding and delete the role certificate"),
        (True, "enable enhanced HTTP"),
        (True, "disable enhanced HTTP"),
        (True, "enable enhanced HTTP"),
    ]
    assert {o.every for o in answer.outcomes} == {False}
    assert {o.cert3 for o in answer.outcomes} >= {(), ("mp1",), ("mp1", "dp1")}
    runs = {c.subject: c.runs for c in answer.changes if c.what == "role certificate bound"}
    assert runs == {"mp1": "some", "dp1": "some"}


@pytest.mark.req("CERT-5", "CERT-2")
def test_a_wait_lets_the_clock_run_between_two_actions() -> None:
    lab = load_lab(LABS / "recommended-1806.toml")
    quick = what_if(lab, ("disable", "enable"))
    waited = what_if(lab, ("disable", "enable"), waits=(20,))
    assert _change(quick, "mp1", "role certificate bound") == (0, 30, False)
    # 20 minutes span one or two quanta; then the bind takes up to 30 minutes (CERT-2).
    assert _change(waited, "mp1", "role certificate bound") == (15, 60, False)
    assert waited.waits == (20,) and waited.cert3.runs == "none"


@pytest.mark.req("CERT-4")
def test_the_workaround_from_the_default_lab_rebinds() -> None:
    answer = _ask("delete-sms-issuing-certs", "restart-smsexec", lab="recommended-1806")
    assert answer.verdict == "answered"
    # The restart takes up to one quantum, then the bind up to 30 minutes.
    assert _change(answer, "mp1", "role certificate bound") == (0, 45, False)
    assert [o.healthy for o in answer.outcomes] == [True]


@pytest.mark.req("CERT-2")
def test_a_longer_certificate_deadline_changes_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, BINDING, deadlines={"issued": 3})
    answer = _ask("enable-enhanced-http")
    assert _change(answer, "mp1", "role certificate bound") == (0, 45, False)


@pytest.mark.req("REG-4", "REG-5")
def test_a_longer_policy_cycle_changes_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, REGISTRATION, deadlines={REREGISTRATION_DUE: 8})
    answer = _ask("enable-enhanced-http")
    assert _change(answer, "dom1", "re-registered under enhanced HTTP") == (0, 120, False)
    assert _window(answer, "dom1", "client notification") == (
        "dom1: client notification fails in every run, from 0 to at most 120 minutes"
    )


@pytest.mark.req("REG-4", "REG-5")
def test_without_the_policy_poll_the_answer_is_never(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, REGISTRATION, drop_rows=frozenset({POLICY_POLL}))
    answer = _ask("enable-enhanced-http")
    assert answer.verdict == "never"
    assert _change(answer, "dom1", "re-registered under enhanced HTTP")[2] is True


@pytest.mark.req("SITE-2")
def test_https_only_with_enhanced_http_is_not_a_healthy_outcome() -> None:
    answer = _ask("select-https-only", lab="recommended-1806")
    assert [o.because for o in answer.outcomes] == [
        ("HTTPS only with enhanced HTTP is unsupported (SITE-2)",)
    ]


@pytest.mark.req("SCN-1", "SITE-1")
def test_disabling_loses_scenario_1_for_good() -> None:
    answer = _ask("disable-enhanced-http", lab="recommended-1806")
    assert answer.verdict == "never"
    assert _window(answer, "aad1", "scenario 1") == (
        "aad1: scenario 1 stops working at 0 minutes and never works again, in every run"
    )
    assert _change(answer, "mp1", "role certificate removed") == (0, 30, False)


@pytest.mark.req("REG-3")
def test_approving_a_client_starts_its_notification_at_once() -> None:
    answer = _ask("approve wg1", lab="recommended-1806")
    assert answer.verdict == "answered"
    assert _window(answer, "wg1", "client notification") == (
        "wg1: client notification starts working at 0 minutes in every run"
    )


def test_runs_that_cycle_forever_are_an_outcome_too(monkeypatch: pytest.MonkeyPatch) -> None:
    lab = load_lab(LABS / "recommended-1806.toml")
    steady = steady_state(lab)
    crash = Row("smsexec crashes", ("running",), "restarting", ("CERT-4",), "site")
    # Without the restart's deadline the crash and the start cycle with no time passing,
    # the cycle the answer reports; with it, time would pass in the cycle without end.
    untimed: dict[str, Any] = {"restarting": None}
    mutate(monkeypatch, SMSEXEC, add_rows=(crash,), deadlines=untimed)
    with pytest.raises(ModelError, match="the system's own steps never settle"):
        steady_state(lab)
    answer = what_if(lab, ["restart-smsexec"], steady)
    assert [(o.cycle, o.world[EXEC][0]) for o in answer.outcomes] == [(2, "restarting")]
