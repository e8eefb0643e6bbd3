"""Tracing both ways: every catalogue ID is checked, every property and marker names real IDs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ehttp.compose.checking import LabCheck
from ehttp.report import traceability
from ehttp.report.requirements import load_requirements, requirement_ids
from ehttp.report.traceability import (
    AttackRef,
    MarkerRef,
    MutantRef,
    PropertyRef,
    build_matrix,
    declared_properties,
    example_labs,
    property_refs,
    req_markers,
)


@pytest.fixture(scope="module")
def judged(checked: Callable[..., LabCheck]) -> tuple[PropertyRef, ...]:
    return property_refs(checked(lab) for lab in example_labs())


def test_the_labs_are_the_default_and_every_example() -> None:
    names = [lab.name for lab in example_labs()]
    assert names[0] == "default"
    assert sorted(names[1:]) == sorted(p.stem for p in traceability.LABS.glob("*.toml"))


def test_every_catalogue_id_is_checked_by_a_property_or_a_marked_test() -> None:
    by_property = {i for p in declared_properties(example_labs()) for i in p.requirements}
    by_test = {i for t in req_markers() for i in t.requirements}
    missing = sorted(requirement_ids() - by_property - by_test)
    assert missing == [], f"no property or @pytest.mark.req test checks {', '.join(missing)}"


def test_every_property_names_only_catalogue_ids() -> None:
    for prop in declared_properties(example_labs()):
        assert prop.requirements, prop
        unknown = set(prop.requirements) - requirement_ids()
        assert not unknown, f"{prop.lab}: {prop.name!r} names {sorted(unknown)}"


def test_every_marker_names_only_catalogue_ids() -> None:
    markers = req_markers()
    assert markers
    for marker in markers:
        unknown = set(marker.requirements) - requirement_ids()
        assert not unknown, f"{marker.node} names {sorted(unknown)}"


def test_no_id_is_checked_only_by_a_vacuous_property(judged: tuple[PropertyRef, ...]) -> None:
    tested = {i for t in req_markers() for i in t.requirements}
    for requirement in load_requirements():
        verdicts = {p.verdict for p in judged if requirement.id in p.requirements}
        if requirement.id in tested or not verdicts:
            continue
        assert verdicts - {"vacuous"}, f"{requirement.id} is checked only by vacuous properties"


def test_the_run_judges_exactly_the_declared_properties(judged: tuple[PropertyRef, ...]) -> None:
    declared = {(p.lab, p.variant, p.name) for p in declared_properties(example_labs())}
    assert {(p.lab, p.variant, p.name) for p in judged} == declared


def test_the_matrix_has_one_row_per_id_with_quote_checks_and_verdict(
    judged: tuple[PropertyRef, ...],
) -> None:
    matrix = build_matrix(judged, req_markers())
    assert [row.id for row in matrix] == [r.id for r in load_requirements()]
    assert len(matrix) == 35
    by_id = {row.id: row for row in matrix}
    assert by_id["CERT-3"].verdict == "holds"
    assert any(p.kind == "sometimes" for p in by_id["CERT-3"].properties)
    assert by_id["SCN-2"].tests
    assert by_id["SCN-2"].requirement.quotes[0].startswith("A workgroup or Azure AD-joined client")
    for row in matrix:
        assert row.verdict in ("holds", "tested"), (row.id, row.verdict)


def test_verdicts_follow_the_worst_property() -> None:
    def ref(verdict: str) -> PropertyRef:
        return PropertyRef("lab", "lab", verdict, "always", ("SITE-1",), verdict)

    test = MarkerRef("tests/test_x.py", "test_x", ("SITE-1",))

    def verdict(props: list[PropertyRef], tests: list[MarkerRef]) -> str:
        return build_matrix(props, tests)[0].verdict

    assert verdict([ref("holds"), ref("violated")], []) == "violated"
    assert verdict([ref("holds"), ref("unknown")], [test]) == "unknown"
    assert verdict([ref("holds"), ref("vacuous")], []) == "holds"
    assert verdict([ref("vacuous")], []) == "vacuous"
    assert verdict([ref("vacuous")], [test]) == "tested"
    assert verdict([], [test]) == "tested"
    assert verdict([], []) == "untraced"


def test_markers_are_read_from_decorators_classes_and_the_module(tmp_path: Path) -> None:
    (tmp_path / "test_sample.py").write_text(
        "import pytest\n"
        "from pytest import mark\n"
        "pytestmark = [pytest.mark.slow, pytest.mark.req('SITE-1')]\n"
        "@pytest.mark.req('CERT-3', 'CERT-4')\n"
        "def test_a():\n"
        "    '''@pytest.mark.req(\"KI-1\") in a string is no marker'''\n"
        "def test_b():\n"
        "    pass\n"
        "@mark.req('KI-2')\n"
        "class TestC:\n"
        "    @pytest.mark.req('DP-1')\n"
        "    def test_d(self):\n"
        "        pass\n"
        "@pytest.mark.req('SEC-1')\n"
        "def helper():\n"
        "    pass\n",
        encoding="utf-8",
    )
    (tmp_path / "conftest.py").write_text("import pytest\n", encoding="utf-8")
    found = {ref.name: ref.requirements for ref in req_markers(tmp_path)}
    assert found == {
        "test_a": ("SITE-1", "CERT-3", "CERT-4"),
        "test_b": ("SITE-1",),
        "TestC::test_d": ("SITE-1", "KI-2", "DP-1"),
    }
    assert req_markers(tmp_path)[0].node == f"{tmp_path.name}/test_sample.py::test_a"


@pytest.mark.req("SCN-1", "SCN-2", "SCN-3", "KI-1", "KI-2")
def test_this_files_own_markers_are_found() -> None:
    nodes = {ref.node for ref in req_markers()}
    assert "tests/report/test_traceability.py::test_this_files_own_markers_are_found" in nodes
    assert (
        "tests/views/test_scenarios.py::test_point_2_scenario_3_needs_the_1806_improvements"
        in nodes
    )


def test_attacks_and_the_tests_folder_decide_what_nothing_else_does() -> None:
    test = MarkerRef("tests/test_x.py", "test_y", ("SITE-1",))

    def attack(refused: bool) -> AttackRef:
        return AttackRef("an-attack", "token-expired", ("SITE-1",), refused)

    def verdict(attacks: list[AttackRef], tests: list[MarkerRef], tests_read: bool = True) -> str:
        return build_matrix([], tests, attacks, tests_read=tests_read)[0].verdict

    assert verdict([attack(True)], []) == "enforced"
    assert verdict([attack(True), attack(False)], [test]) == "violated"
    assert verdict([], []) == "untraced"
    assert verdict([], [], tests_read=False) == "tests not shipped"
    assert verdict([attack(True)], [], tests_read=False) == "enforced"
    caught = MutantRef("mp-accepts-alg-none", ("an-attack",), ("SITE-1",))
    row = build_matrix([], [], [attack(True)], [caught])[0]
    assert row.mutants == (caught,) and row.attacks == (attack(True),)
    assert build_matrix([], [], [], [caught])[1].mutants == ()
