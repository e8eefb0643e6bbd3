"""Labs nobody wrote by hand (`model/config/strategies.py`), in CI's quick profile.

Every generated lab is a valid lab file (it reads back equal); on every one the native checker
(without symmetry) and `--engine spin` agree on each variant's states and transitions, the
diameter and every verdict Spin decides, or Spin says INCOMPLETE; and `ehttp scenarios`, `whatif`
and `diagnose` run on it without raising: exit 0 or 1, or a refusal of one line with exit 2, and
give the same answer to "can client C do X" on each of its steady worlds (`tests/decide/`).
Examples are drawn deterministically (`derandomize`), few and small (the state space grows about
4.5 times with each site system or client), so the whole file takes about a minute on 2 cores,
most of it Spin compiling; `benchmarks/generated_labs.py` runs the cross-check on more and larger
labs. The Spin cross-check is `heavy` (tests/conftest.py: .ci/run runs it after the fast suite).
A failure prints the lab as a file to keep.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from math import factorial

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ehttp.checker import reachable
from ehttp.cli.app import main
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.compose.spin import differences, run_spin
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import lab_to_toml, parse_lab
from ehttp.config.schema import Lab
from ehttp.config.strategies import labs
from tests.compose.test_spin import needs_spin
from tests.decide.agreement import answers, disagreements, steady_variants


def quick(examples: int) -> settings:
    """CI's quick profile: derandomized, no database, no shrinking (each example is a check)."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


@quick(200)
@given(labs())
def test_every_generated_lab_is_a_valid_lab_file(lab: Lab) -> None:
    assert parse_lab(lab_to_toml(lab), "generated.toml") == lab
    assert 1 <= len(lab.management_points) <= 3 and len(lab.distribution_points) <= 3
    assert 1 <= len(lab.clients) <= 4


def test_max_parts_below_two_is_refused() -> None:
    @quick(1)
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        data.draw(labs(max_parts=1))

    with pytest.raises(ValueError, match="max_parts: 1 is not accepted; give 2 or more"):
        draw()


@pytest.mark.heavy
@needs_spin
@quick(8)
@given(labs(max_parts=4))
def test_native_and_spin_agree_on_generated_labs(lab: Lab) -> None:
    spin = run_spin(lab, cores=1)
    native = run_checks(lab, symmetry=False)
    if not spin.complete:  # Spin may stop short (and says why); it then passes nothing
        assert not spin.passed and spin.reasons, lab_to_toml(lab)
        return
    assert native.complete, lab_to_toml(lab)
    assert differences(spin, native) == [], lab_to_toml(lab)


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _possible(listing: str) -> list[str]:
    """The actions of `whatif --list --json` possible from the start it lists."""
    return [a["action"] for a in json.loads(listing)["actions"] if a["possible_now"]]


def _symptoms(listing: str) -> list[str]:
    """The symptom ids of `diagnose --list --json`."""
    return [s["symptom"] for s in json.loads(listing)["symptoms"]]


def _settled(result: Result, command: str, lab: Lab) -> None:
    """Exit 0 or 1 with output, or exit 2 with one line on standard error."""
    where = f"{command} on\n{lab_to_toml(lab)}"
    if result.exit_code == 2:
        assert result.stderr.count("\n") == 1 and result.stderr.startswith("Error: "), where
        return
    assert result.exit_code in (0, 1), f"exit {result.exit_code}: {result.output}\n{where}"
    assert result.stdout, where


@quick(8)
@given(lab=labs(max_parts=3))
def test_scenarios_whatif_and_diagnose_run_on_generated_labs(
    lab: Lab, tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("lab") / "generated.toml"
    path.write_text(lab_to_toml(lab), encoding="utf-8")
    lab_file = str(path)
    _settled(_run("scenarios", "--lab", lab_file), "scenarios", lab)
    listing = _run("whatif", "--lab", lab_file, "--list", "--json")
    _settled(listing, "whatif --list", lab)
    for action in _possible(listing.stdout)[:2]:
        _settled(_run("whatif", "--lab", lab_file, "--do", action), f"whatif --do {action}", lab)
    symptoms = _run("diagnose", "--lab", lab_file, "--list", "--json")
    _settled(symptoms, "diagnose --list", lab)
    for symptom in _symptoms(symptoms.stdout)[:2]:
        _settled(
            _run("diagnose", "--lab", lab_file, "--symptom", symptom, "--max", "2"),
            f"diagnose --symptom {symptom}",
            lab,
        )


@quick(8)
@given(lab=labs(max_parts=3))
def test_scenarios_whatif_and_diagnose_agree_on_every_steady_world_of_generated_labs(
    lab: Lab,
) -> None:
    """Issue 20 point 4: every command's answer to "can client C do X" in each steady world of
    a lab nobody wrote is the same (`ehttp.decide.decide`, compared as the commands print it)."""
    for label, variant in steady_variants(lab):
        wrong = disagreements(answers(variant))
        assert wrong == [], f"{label}: {wrong}\n{lab_to_toml(variant)}"


def test_the_list_readers_find_the_ids_of_the_default_lab() -> None:
    actions = _possible(_run("whatif", "--list", "--json").stdout)
    assert "disable-enhanced-http" in actions and "enable-enhanced-http" not in actions
    symptoms = _symptoms(_run("diagnose", "--list", "--json").stdout)
    assert "no-sms-certificate-bound mp1" in symptoms and "notification-fails wg1" in symptoms


@quick(6)
@given(
    labs(max_parts=3, max_management_points=1, max_distribution_points=1).map(
        lambda lab: lab.with_clients(len(lab.clients) + 1)
    )
)
def test_symmetry_reduction_changes_no_verdict_on_generated_labs(lab: Lab) -> None:
    # Every lab has twins (clients of one configuration): one client more, a copy of the first
    # (`with_clients`), besides the twins the strategy draws. The reduced check must judge every
    # property as the unreduced one does, with traces of the same length.
    assert WorldModel(lab).symmetric_groups
    reduced = run_checks(lab)
    full = run_checks(lab, symmetry=False)
    assert reduced.complete and full.complete, lab_to_toml(lab)
    assert reduced.main.states <= full.main.states
    assert _verdicts(reduced) == _verdicts(full), lab_to_toml(lab)


def _with_twin_site_system(lab: Lab, distribution_point: bool) -> Lab:
    """`lab` with a copy of its first management point (or distribution point, when it has
    one and `distribution_point`) under another name: the lab has twin site systems."""
    if distribution_point and lab.distribution_points:
        first = lab.distribution_points[0]
        twin = replace(first, name=f"dp{len(lab.distribution_points) + 1}")
        return replace(lab, distribution_points=(*lab.distribution_points, twin))
    first_mp = lab.management_points[0]
    twin_mp = replace(first_mp, name=f"mp{len(lab.management_points) + 1}")
    return replace(lab, management_points=(*lab.management_points, twin_mp))


def _orbit_sum(model: WorldModel) -> int:
    """How many worlds the reduced graph's worlds stand for: each canonical world once per
    different world its groups' permutations make of it (n! over the product of the counts of
    equal states, group by group)."""
    total = 0
    for world in reachable(model, symmetry=True).states:
        size = 1
        for group in model.symmetric_groups:
            size *= factorial(len(group))
            for count in Counter(world[i] for i in group).values():
                size //= factorial(count)
        total += size
    return total


def _site_twins_agree(lab: Lab) -> None:
    """Issue 20 point 2: the check reduced by interchangeable site systems (and clients) judges
    every property of every variant as the unreduced check does, with traces of the same
    length; it stores no more states, and the lab's unreduced states are its orbit sum."""
    model = WorldModel(lab)
    assert any(group[0] < model.env.first_client for group in model.symmetric_groups)
    reduced = run_checks(lab)
    full = run_checks(lab, symmetry=False)
    assert reduced.complete and full.complete, lab_to_toml(lab)
    assert _verdicts(reduced) == _verdicts(full), lab_to_toml(lab)
    for variant, mine in zip(reduced.variants, full.variants, strict=True):
        assert variant.result.states <= mine.result.states, (variant.variant, lab_to_toml(lab))
    assert _orbit_sum(model) == full.main.states, lab_to_toml(lab)


@quick(3)
@given(labs(max_parts=3, max_management_points=1, max_distribution_points=1), st.booleans())
def test_site_system_symmetry_changes_no_verdict_on_generated_labs(
    lab: Lab, distribution_point: bool
) -> None:
    _site_twins_agree(_with_twin_site_system(lab, distribution_point))


@pytest.mark.heavy
@quick(12)
@given(labs(max_parts=4, max_distribution_points=2), st.booleans())
def test_site_system_symmetry_changes_no_verdict_on_larger_generated_labs(
    lab: Lab, distribution_point: bool
) -> None:
    _site_twins_agree(_with_twin_site_system(lab, distribution_point))


def _verdicts(report: LabCheck) -> dict[tuple[str, str], tuple[str, int]]:
    return {(variant, p.name): (p.verdict, len(p.trace)) for variant, p in report.properties}
