"""The attack catalogue: every attack is refused with its own reason and changes nothing, on every
example lab that can host it, whatever the lab's hosts are called."""

from __future__ import annotations

import functools
from dataclasses import replace

import pytest

from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.lab.attacks import (
    CATALOGUE,
    FAMILIES,
    HONEST,
    TWINS,
    VARIANT_NEEDS,
    VARIANTS,
    Attack,
    Honest,
    run,
    run_all,
    unmet,
)
from ehttp.lab.reasons import Reason
from ehttp.lab.testbed import ConcreteLab
from ehttp.report.traceability import example_labs


@functools.cache
def _testbed(variant: str, lab: Lab) -> ConcreteLab:
    """A fresh concrete lab of `variant`, built once per lab for `unmet` to read (it changes
    nothing): every attack asks it of every example lab."""
    return ConcreteLab(VARIANTS[variant](lab))


@functools.cache
def _hosts(attack_name: str) -> tuple[Lab, ...]:
    attack = next(a for a in CATALOGUE if a.name == attack_name)
    return tuple(lab for lab in _example_labs() if not unmet(attack, _testbed(attack.variant, lab)))


@functools.cache
def _example_labs() -> tuple[Lab, ...]:
    return tuple(example_labs())


@pytest.mark.parametrize(
    "hosts",
    [
        "first",
        # Heavy: every other example lab that can host the attack. The fast suite still runs each
        # applicable attack on every example lab and checks its reason there through the command
        # (tests/cli/test_attacks.py, every_example_lab_refuses_every_applicable_attack), and that
        # it changes nothing on its first host here.
        pytest.param("others", marks=pytest.mark.heavy),
    ],
)
@pytest.mark.parametrize("attack", CATALOGUE, ids=[a.name for a in CATALOGUE])
def test_attack_is_refused_with_its_reason_and_changes_nothing_on_every_host(
    attack: Attack, hosts: str
) -> None:
    every = _hosts(attack.name)
    assert every, f"{attack.name}: no example lab can host it"
    for lab in every[:1] if hosts == "first" else every[1:]:
        outcome = run(attack, lab=lab)
        assert not outcome.verdict.ok, lab.name
        assert outcome.reason is attack.expected, (lab.name, outcome.verdict)
        assert outcome.state_unchanged, lab.name
        assert outcome.passed


def _renamed(lab: Lab) -> Lab:
    """The lab with every host renamed, so nothing can be found by the default lab's names."""
    return replace(
        lab,
        name=f"{lab.name}-renamed",
        management_points=tuple(
            replace(m, name=f"site-mp-{i}") for i, m in enumerate(lab.management_points)
        ),
        distribution_points=tuple(
            replace(d, name=f"site-dp-{i}") for i, d in enumerate(lab.distribution_points)
        ),
        clients=tuple(replace(c, name=f"pc-{i:02}") for i, c in enumerate(lab.clients)),
    )


def test_attacks_adapt_to_any_lab_names() -> None:
    lab = default_lab()
    original = {o.attack.name: o.reason for o in run_all(lab=lab)}
    renamed = {o.attack.name: o.reason for o in run_all(lab=_renamed(lab))}
    assert renamed == original
    assert len(original) >= 70


def test_a_skipped_attack_names_the_lab_key_that_would_enable_it() -> None:
    attack = next(a for a in CATALOGUE if a.name == "identity-pki-registers-other-client")
    missing = unmet(attack, ConcreteLab(default_lab()))
    assert missing == (
        "needs a client with a PKI certificate ([[clients]] pki_certificate = true)",
        'needs an HTTPS management point ([[management_points]] connections = "https")',
    )


def test_preconditions_never_call_the_decision_functions(monkeypatch: pytest.MonkeyPatch) -> None:
    """A wrong access table must not make an attack skip itself (issue 11, point 7)."""
    lab = VARIANTS["site-1802"](default_lab())
    attack = next(a for a in CATALOGUE if a.name == "reg-device-token-1802-http-mp")
    assert unmet(attack, ConcreteLab(lab)) == ()
    everything = frozenset({"azure-ad-device-token", "anonymous-manual-approval"})
    monkeypatch.setattr("ehttp.lab.policy.mp_accepts", lambda *args: everything)
    monkeypatch.setattr("ehttp.machines.access.mp_registration_methods", lambda *args: everything)
    monkeypatch.setattr("ehttp.lab.mp.mp_accepts", lambda *args: everything)
    assert unmet(attack, ConcreteLab(lab)) == ()
    outcome = run(attack, lab=default_lab())
    assert outcome.verdict.ok, "the wrong table is caught: the attack ran and was accepted"


def test_every_family_is_a_module_with_attacks_named_for_it() -> None:
    assert set(FAMILIES) == {
        "tokens",
        "certificates",
        "content",
        "messages",
        "registration",
        "identity",
        "rollover",
        "kinds",
        "replay",
        "stale",
        "malformed",
    }
    assert all(attack.family == name for name, family in FAMILIES.items() for attack in family)
    assert sum(len(family) for family in FAMILIES.values()) == len(CATALOGUE)


def test_catalogue_is_large_named_uniquely_and_uses_known_variants() -> None:
    names = [a.name for a in CATALOGUE]
    assert len(names) >= 80
    assert len(set(names)) == len(names)
    assert {a.variant for a in CATALOGUE} <= set(VARIANTS)
    assert set(VARIANT_NEEDS) == set(VARIANTS), "say in VARIANT_NEEDS what each variant needs"
    assert all(a.requirements for a in CATALOGUE)


def test_catalogue_covers_every_reason_a_hostile_input_can_get() -> None:
    reasons = {a.expected for a in CATALOGUE}
    unreachable_by_one_input = {
        Reason.TLS_NO_BINDING,
        Reason.TLS_HANDSHAKE_FAILED,
        Reason.CERT_KEY_MISMATCH,
        Reason.NAA_NOT_CONFIGURED,
        Reason.AD_UNKNOWN_ACCOUNT,
        Reason.REG_NOT_PENDING,
        Reason.MSG_STORE_FULL,  # a flood of 100,000 accepted requests (tests/lab/test_freshness.py)
    }
    assert set(Reason) - unreachable_by_one_input <= reasons


def test_an_accepted_input_would_fail_the_attack() -> None:
    """The runner is not vacuous: an honest registration is reported as not refused."""
    honest = Attack(
        "honest",
        "tokens",
        "a genuine device token",
        Reason.TOKEN_BAD_SIGNATURE,
        (),
        lambda tb: lambda: tb.mp().register(tb.clients["aad1"].request("azure-ad-device-token")),
    )
    outcome = run(honest)
    assert outcome.verdict.ok
    assert outcome.reason is None
    assert not outcome.state_unchanged
    assert not outcome.passed


def test_every_family_has_honest_twins_and_each_has_a_host() -> None:
    """Issue 25: every attack family gets an honest twin the lab must accept."""
    assert set(TWINS) == set(FAMILIES)
    assert all(TWINS[family] for family in FAMILIES)
    assert all(t.honest and t.expected is Honest.ACCEPTED for t in HONEST)
    assert not any(a.honest for a in CATALOGUE)
    assert len({a.name for a in (*CATALOGUE, *HONEST)}) == len(CATALOGUE) + len(HONEST)
    for twin in HONEST:
        lab = next(
            (lab for lab in _example_labs() if not unmet(twin, _testbed(twin.variant, lab))),
            None,
        )
        assert lab is not None, f"{twin.name}: no example lab can host it"
        outcome = run(twin, lab=lab)
        assert outcome.passed, (twin.name, lab.name, outcome.verdict)
