"""Tests for model/compose/properties/ and model/compose/checking.py: pinned verdicts on the
example labs."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.audit import derive_mutants
from ehttp.checker import Property, check, reachable
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.properties import lab_checks
from ehttp.compose.properties.common import ClientFacts
from ehttp.compose.world import MACHINES, Action, World, WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import Lab
from ehttp.machines.binding import BINDING, STRANDED
from ehttp.report.requirements import requirement_ids

LABS = Path(__file__).resolve().parents[2] / "specs" / "labs"
CERT3 = "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
REG4 = "every client due to re-register re-registers at a policy poll"

# (lab file, distinct states of the lab's model, properties checked): pinned (STYLE.md rule 5).
PINNED = [
    ("recommended-1806.toml", 41_052, 30),
    ("enhanced-off.toml", 41_052, 30),
    ("https-only-enhanced.toml", 41_052, 30),
    ("aad-app-not-updated.toml", 53_338, 30),
    ("no-cmg.toml", 12_286, 30),
    ("osd-without-naa.toml", 12_286, 30),
    ("https-site-systems.toml", 32_860, 21),
    ("site-1802.toml", 54, 11),
    ("site-1806-prerelease-off.toml", 18, 11),
    ("aad-1709.toml", 9_564, 29),
    ("hybrid-devices.toml", 12_286, 29),
]


FAST_LABS = ("site-1802.toml", "site-1806-prerelease-off.toml")
"""The example labs the fast suite checks here: the small ones. The rest are `heavy`: the default
lab (the model of recommended-1806.toml, whose file differs only in its name) is checked with every
property holding in the fast suite by `test_every_property_holds_on_the_default_lab`."""


@pytest.mark.parametrize(
    ("lab_file", "states", "count"),
    [p if p[0] in FAST_LABS else pytest.param(*p, marks=pytest.mark.heavy) for p in PINNED],
)
def test_every_property_holds_on_each_example_lab(
    checked: Callable[..., LabCheck], lab_file: str, states: int, count: int
) -> None:
    report = checked(load_lab(LABS / lab_file))
    assert report.main.states == states
    assert len(report.properties) == count
    failing = [(p.name, p.verdict) for _, p in report.properties if not p.holds]
    assert failing == []
    assert report.passed


def test_every_property_holds_on_the_default_lab(checked: Callable[..., LabCheck]) -> None:
    """The default lab's check, which the tests below share (`checked`), pinned as the example
    labs' are."""
    report = checked(default_lab())
    assert report.main.states == 41_052
    assert len(report.properties) == 30
    failing = [(p.name, p.verdict) for _, p in report.properties if not p.holds]
    assert failing == []
    assert report.passed


@pytest.mark.req("CERT-3")
def test_cert3_witness_is_the_rapid_toggle_with_the_site_wide_symptom(
    checked: Callable[..., LabCheck],
) -> None:
    """Point 7: "No certificates issued by the "SMS Issuing" certificate are bound to a website":
    the witness ends with no HTTP site system's role certificate bound (before: dp1's was)."""
    report = checked(default_lab())
    [(index, witness)] = [(n, p) for n, (_, p) in enumerate(report.properties) if p.name == CERT3]
    actions = [step.action for step in witness.trace]
    assert actions == [
        None,
        "disable enhanced HTTP",
        "remove the binding and delete the role certificate",
        "remove the binding and delete the role certificate",
        "enable enhanced HTTP",
        "disable enhanced HTTP",
        "enable enhanced HTTP",
    ]
    env = report.model.env
    last = witness.trace[-1].state
    assert [last[i][0] for i in env.bindings] == ["stranded", "stranded"]
    assert env.enhanced(last)
    assert report.assumptions[index] == ("A-3", "A-4", "A-6")


def test_every_property_names_catalogue_ids_only() -> None:
    known = requirement_ids()
    for lab_file, _, _ in PINNED:
        for item in lab_checks(WorldModel(load_lab(LABS / lab_file))):
            assert item.prop.requirements, item.prop.name
            assert set(item.prop.requirements) <= known, item.prop.name


def _two_clients() -> Lab:
    """The default lab with its domain-joined and workgroup clients only (a quarter of its
    worlds): enough for the tests below, whose own mutants it still catches."""
    lab = default_lab()
    return replace(lab, clients=tuple(c for c in lab.clients if c.name in ("dom1", "wg1")))


class _Unfair(WorldModel):
    """The same lab with no fairness at all: nothing obliges the client agent to poll."""

    def is_fair(self, action: Action) -> bool:
        return False


@pytest.mark.req("REG-4")
def test_reregistration_holds_thanks_to_fairness_and_fails_without_it() -> None:
    lab = _two_clients()
    fair = WorldModel(lab)
    [prop] = [c.prop for c in lab_checks(fair) if c.prop.name == REG4]
    assert check(fair, [prop], symmetry=False).properties[0].holds
    unfair = check(_Unfair(lab), [prop], symmetry=False).properties[0]
    assert unfair.verdict == "violated"
    assert unfair.loop_from is not None
    assert any(step.action == "enable enhanced HTTP" for step in unfair.trace)


def test_a_broken_mechanism_is_caught() -> None:
    """CERT-5 is not true by construction: a mechanism that strands on a careful toggle fails."""
    lab = _two_clients()
    model = WorldModel(lab)
    [careful] = [c.prop for c in lab_checks(model) if c.prop.name.startswith("toggling only")]

    class Careless(WorldModel):
        def next_state(self, state: World, action: Action) -> World:
            after = super().next_state(state, action)
            if self.action_name(action) == "remove the binding and delete the role certificate":
                index = action[0]
                return (*after[:index], ("stranded", -1), *after[index + 1 :])
            return after

    result = check(Careless(lab), [careful], symmetry=False).properties[0]
    assert result.verdict == "violated"
    steps: Sequence[str | None] = [s.action for s in result.trace]
    assert "remove the binding and delete the role certificate" in steps


def test_max_states_makes_the_run_incomplete_and_failing() -> None:
    report = run_checks(default_lab(), max_states=10)
    assert not report.complete
    assert not report.passed
    assert all(p.verdict in ("unknown", "holds") for _, p in report.properties)
    assert not all(p.holds for _, p in report.properties)


@pytest.mark.heavy
def test_symmetry_reduces_and_keeps_every_verdict() -> None:
    # Heavy (218,000 states): the fast suite catches a reduction that changes a verdict on
    # generated labs with twins (tests/config/test_generated_labs.py), and pins the reduced
    # count at 4 clients through the command (tests/cli/test_check.py, clients_scale).
    lab = default_lab().with_clients(4)
    reduced = run_checks(lab)
    full = run_checks(lab, symmetry=False)
    assert reduced.main.states == 86_298
    assert full.main.states == 131_544
    assert [(n, p.verdict) for n, p in reduced.properties] == [
        (n, p.verdict) for n, p in full.properties
    ]


def test_properties_are_built_for_the_lab_they_check() -> None:
    names = {c.prop.name for c in lab_checks(WorldModel(load_lab(LABS / "site-1802.toml")))}
    assert "enhanced HTTP is never on: the option needs 1806 with pre-release features" in names
    assert CERT3 not in names
    assert isinstance(next(iter(lab_checks(WorldModel(default_lab())))).prop, Property)


def test_a_property_that_declares_no_probe_of_a_machine_answers_the_same_for_its_mutants() -> None:
    """`Check.probes` is what `ehttp audit` trusts to reuse an answer: a predicate that does not
    declare a machine must say the same of every world whatever that machine's rows are."""
    lab = _two_clients()
    base = WorldModel(lab)
    # One reachable world in 67 (184 of 12,286): a probe left undeclared changes the answer on
    # 1,400 worlds or more for some mutant of that machine, so the sample holds a score of them.
    worlds = reachable(base).states[::67]
    every, _ = derive_mutants(MACHINES, redirect_limit=sys.maxsize)
    declared = {(c.variant, c.prop.name): c for c in lab_checks(base)}
    for mutant in every[::3]:
        model = WorldModel(lab, machines={mutant.machine: mutant.replaced})
        for item in lab_checks(model):
            if mutant.machine in item.probes:
                continue
            before = declared[(item.variant, item.prop.name)].prop
            for part in ("condition", "trigger"):
                mutated, unmutated = getattr(item.prop, part), getattr(before, part)
                if mutated is None:
                    continue
                changed = [w for w in worlds if mutated(w) != unmutated(w)]
                assert not changed, (mutant.id, item.prop.name, part)


RESTART_ALONE = (
    "restarting smsexec without deleting the SMS Issuing certificates leaves no SMS-Issuing "
    "certificate bound, in every run (toggling the option included)"
)


def test_a_model_where_restarting_smsexec_alone_cures_fails_check(
    checked: Callable[..., LabCheck],
) -> None:
    """A-3's consequence: the cure needs the deletion. A binding machine whose reconciliation on
    start also issues anew over a stranded certificate (restart alone cures) fails `check`."""
    [number] = [
        n
        for n, row in enumerate(BINDING.rows)
        if row.name == "reconcile on start: issue anew" and row.source == ("no-certificate",)
    ]
    rows = list(BINDING.rows)
    rows[number] = replace(rows[number], source=("no-certificate", STRANDED))
    cured = replace(BINDING, rows=tuple(rows))
    lab = _two_clients()
    assert checked(lab).passed
    report = run_checks(lab, machines={BINDING.name: cured})
    failing = [p.name for _, p in report.properties if not p.holds]
    assert failing == [RESTART_ALONE]


def test_client_facts_memoise_each_clients_part_on_its_pair_and_the_context() -> None:
    """`ClientFacts` gives the mask of parts some client breaks, as evaluating every part of every
    client does, on every reachable world of a lab; a part is asked once per (context, client,
    pair), and a world asked again is not looked at."""
    model = WorldModel(load_lab(LABS / "no-cmg.toml"))
    clients = tuple(model.env.clients)

    def registered(w: World, i: int) -> bool:
        return not w[i][0].startswith("registered")

    def waiting(w: World, i: int) -> bool:
        return w[i][0] != "pending-approval" or w[0][0].endswith("+enhanced")

    asked: list[tuple[object, ...]] = []

    def logged(w: World, i: int) -> bool:
        asked.append((w[0][0], i, w[i]))
        return registered(w, i)

    facts = ClientFacts(clients, lambda w: w[0][0], (logged, waiting))
    for w in reachable(model).states:
        direct = sum(
            1 << k
            for k, part in enumerate((registered, waiting))
            if not all(part(w, i) for i in clients)
        )
        assert facts(w) == direct
        before = len(asked)
        assert facts(w) == direct
        assert len(asked) == before
    assert asked and len(asked) == len(set(asked))
