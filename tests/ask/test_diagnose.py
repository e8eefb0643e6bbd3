"""`ehttp diagnose`'s answers (model/ask/diagnose.py), pinned on the example labs, and mutants of
the declarations that change them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ehttp.ask import diagnose as diagnose_module
from ehttp.ask.diagnose import Diagnosis, diagnose
from ehttp.config.labfile import load_lab
from ehttp.machines.binding import BINDING, DELETE, SMSEXEC_STARTS
from ehttp.machines.registration import REGISTRATION, REREGISTRATION_DUE
from tests.ask.mutants import mutate

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"


def _ask(symptom: str, lab: str = "recommended-1806", limit: int = 5) -> Diagnosis:
    return diagnose(load_lab(LABS / f"{lab}.toml"), symptom, limit=limit)


@pytest.fixture(scope="module")
def no_certificate() -> Diagnosis:
    """The default site's answer to "no SMS-Issuing certificate bound on mp1", asked once for the
    tests that read it (a diagnosis is deterministic, and they do not change it)."""
    return _ask("no-sms-certificate-bound mp1")


@pytest.mark.req("CERT-3", "CERT-4")
def test_no_certificate_bound_shows_the_rapid_toggle_and_the_proven_workaround(
    no_certificate: Diagnosis,
) -> None:
    answer = no_certificate
    assert answer.verdict == "answered"
    assert [c.actions for c in answer.causes] == [
        ("delete-sms-issuing-certs mp1",),
        (
            "disable-enhanced-http",
            "enable-enhanced-http",
            "disable-enhanced-http",
            "enable-enhanced-http",
        ),
    ]
    toggle = answer.causes[1]
    assert toggle.cert3 and not toggle.clears
    assert [s.administrator for s in toggle.trace] == [True, False, True, True, True]
    assert toggle.cure is not None
    assert toggle.cure.how == "documented workaround"
    assert toggle.cure.actions == ("delete-sms-issuing-certs mp1", "restart-smsexec")
    assert (toggle.cure.proven, toggle.cure.within) == (True, 30)
    assert toggle.cure.restart_alone[-1].text.endswith(
        "then stutters forever: no fair action is enabled here"
    )
    deleted = answer.causes[0]
    assert not deleted.cert3 and deleted.cure is not None
    assert (deleted.cure.how, deleted.cure.actions) == (
        "administrator actions",
        ("restart-smsexec",),
    )


@pytest.mark.req("CERT-3")
def test_from_a_given_world_the_search_starts_there(no_certificate: Diagnosis) -> None:
    lab = load_lab(LABS / "recommended-1806.toml")
    stranded = no_certificate.causes[1].world
    answer = diagnose(lab, "no-sms-certificate-bound mp1", start=stranded)
    assert answer.start_given and answer.steady == stranded
    assert answer.causes[0].actions == ()
    assert answer.causes[0].cure is not None
    assert answer.causes[0].cure.actions == ("delete-sms-issuing-certs mp1", "restart-smsexec")


@pytest.mark.req("CERT-3")
def test_on_the_enhanced_off_lab_three_toggles_strand_the_certificate() -> None:
    answer = _ask("no-sms-certificate-bound mp1", lab="enhanced-off")
    toggles = [c.actions for c in answer.causes if c.cert3]
    assert toggles == [("enable-enhanced-http", "disable-enhanced-http", "enable-enhanced-http")]


@pytest.mark.req("SITE-4", "SITE-3")
@pytest.mark.parametrize(
    ("lab", "reason"),
    [
        ("https-site-systems", "mp1 is an HTTPS site system"),
        ("site-1802", "the site doesn't offer enhanced HTTP"),
    ],
)
def test_where_the_fault_cannot_happen_it_says_so(lab: str, reason: str) -> None:
    answer = _ask("no-sms-certificate-bound mp1", lab=lab)
    assert answer.verdict == "cannot happen"
    assert answer.causes == ()
    assert answer.reason.startswith(reason)


@pytest.mark.req("REG-5")
def test_a_notification_gap_clears_by_itself_within_a_policy_cycle() -> None:
    answer = _ask("notification-fails dom1", lab="enhanced-off")
    assert [c.actions for c in answer.causes] == [("enable-enhanced-http",)]
    cause = answer.causes[0]
    assert (cause.clears, cause.clears_within) == (True, 60)
    assert cause.cure is not None and cause.cure.how == "by itself"


@pytest.mark.req("REG-3")
def test_pending_approval_is_the_steady_state_and_approval_cures_it() -> None:
    answer = _ask("client-pending-approval wg1")
    assert [c.actions for c in answer.causes] == [()]
    cure = answer.causes[0].cure
    assert cure is not None and cure.actions == ("approve wg1",)


@pytest.mark.req("DP-2")
def test_max_limits_the_causes() -> None:
    answer = _ask("content-download-refused aad1", limit=1)
    assert [c.actions for c in answer.causes] == [("delete-sms-issuing-certs dp1",)]


@pytest.mark.req("REG-5")
def test_a_longer_policy_cycle_changes_the_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, REGISTRATION, deadlines={REREGISTRATION_DUE: 8})
    cause = _ask("notification-fails dom1", lab="enhanced-off").causes[0]
    assert (cause.clears, cause.clears_within) == (True, 120)


@pytest.mark.req("CERT-2", "CERT-4")
def test_a_longer_certificate_deadline_changes_the_cure(monkeypatch: pytest.MonkeyPatch) -> None:
    mutate(monkeypatch, BINDING, deadlines={"issued": 3})
    cure = _ask("no-sms-certificate-bound mp1").causes[1].cure
    assert cure is not None and (cure.proven, cure.within) == (True, 45)


@pytest.mark.req("CERT-4")
def test_without_reconciling_on_start_the_workaround_is_not_proven(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    reconcile = {r.name for r in BINDING.rows if r.event == SMSEXEC_STARTS}
    mutate(monkeypatch, BINDING, drop_rows=frozenset(reconcile))
    answer = _ask("no-sms-certificate-bound mp1")
    assert answer.verdict == "no cure"
    toggle = next(c for c in answer.causes if c.cert3)
    assert toggle.cure is not None and not toggle.cure.proven


@pytest.mark.req("CERT-4")
def test_without_the_delete_row_only_toggles_strand_and_nothing_cures(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mutate(monkeypatch, BINDING, drop_rows=frozenset({DELETE}))
    answer = _ask("no-sms-certificate-bound mp1")
    assert answer.verdict == "no cure"
    assert [c.cert3 for c in answer.causes] == [True]
    cure = answer.causes[0].cure
    assert cure is not None and not cure.proven


@pytest.mark.req("DP-2", "SCN-2")
def test_a_cure_may_turn_the_option_on() -> None:
    answer = _ask("content-download-refused aad1", lab="enhanced-off")
    assert [c.actions for c in answer.causes] == [()]
    cure = answer.causes[0].cure
    assert cure is not None and (cure.actions, cure.proven) == (("enable-enhanced-http",), True)


@pytest.mark.req("SCN-1", "PRE-1")
def test_without_a_gateway_nothing_cures_an_internet_client() -> None:
    answer = _ask("content-download-refused aad1", lab="no-cmg")
    assert answer.verdict == "no cure"
    assert [(c.actions, c.cure) for c in answer.causes] == [((), None)]


@pytest.mark.req("REG-5")
def test_a_symptom_beyond_the_search_depth_still_gets_its_shortest_cause(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(diagnose_module, "MAX_ACTIONS", 0)
    answer = _ask("notification-fails dom1", lab="enhanced-off")
    assert [c.actions for c in answer.causes] == [("enable-enhanced-http",)]


@pytest.mark.req("REG-3", "REG-5")
def test_a_client_waiting_for_approval_has_no_notification_as_whatif_says() -> None:
    """Issue 19 point 5: `diagnose`'s client symptoms are `ehttp.decide.decide`'s answers negated.
    wg1 waits for manual approval in the steady state, where `whatif` says its notification
    doesn't work; `diagnose` said the symptom needed three actions (it read only "due to
    re-register"). Approving it cures it."""
    answer = _ask("notification-fails wg1")
    assert [c.actions for c in answer.causes] == [()]
    cure = answer.causes[0].cure
    assert cure is not None and cure.actions == ("approve wg1",)


@pytest.mark.req("CERT-3")
def test_the_answer_names_its_assumptions_by_id() -> None:
    labels = [a.label for a in _ask("no-sms-certificate-bound mp1").assumptions]
    assert labels[0] == "A-32 The steady state: clients register with their evidence"
    assert "A-3 The mechanism of the rapid enable/disable fault" in labels
    assert not any("Quick clicks" in label for label in labels)
