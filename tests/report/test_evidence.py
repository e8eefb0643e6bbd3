"""Each requirement row of the page says what checks it (model/report/evidence.py): properties
by short ID, attack cases by reason code, lab mutants caught, tests; and from an installed
package, which ships no tests, the test column says so in a neutral colour instead of a red
"untraced"."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from ehttp.bridge.catalogue import CaseResult, run_catalogue
from ehttp.compose.checking import LabCheck
from ehttp.config.labfile import default_lab
from ehttp.report import traceability
from ehttp.report.answers import Answers
from ehttp.report.page import ReportMeta, render_page
from ehttp.report.traceability import MutantRef
from ehttp.views.scenarios import evaluate

META = ReportMeta(version="v", date="-", command="ehttp report")
CAUGHT = (
    MutantRef("mp-accepts-alg-none", ("token-alg-none",), ("SEC-5", "SEC-2")),
    MutantRef("mp-never-rebinds", (), ()),
)
"""Mutants as `model/report/caught.py` gives them (the run itself is the page test's)."""


@pytest.fixture(scope="module")
def cases() -> tuple[CaseResult, ...]:
    return run_catalogue(default_lab())


def _page(checked: Callable[..., LabCheck], cases: tuple[CaseResult, ...]) -> str:
    lab = default_lab()
    return render_page(
        lab,
        checked(lab),
        (),
        evaluate(lab),
        cases,
        None,
        META,
        draw=lambda _graph: b"<svg/>",
        answers=Answers((), ()),
        caught=CAUGHT,
    )


def _rows(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr id="([A-Z]+-[0-9]+)"(.*?)</tr>', html, flags=re.DOTALL))


def _verdict(row: str) -> str:
    found = re.findall(r'<span class="[^"]*">([^<]*)</span></td>$', row)
    assert found, row
    return found[-1]


@pytest.mark.req("SEC-1", "SEC-4", "SEC-5")
def test_every_row_lists_its_properties_attacks_mutants_and_tests(
    checked: Callable[..., LabCheck], cases: tuple[CaseResult, ...]
) -> None:
    rows = _rows(_page(checked, cases))
    for requirement in ("SEC-1", "SEC-4", "SEC-5"):
        ran = [c for c in cases if c.actual is not None and requirement in c.attack.requirements]
        assert ran, requirement
        row = rows[requirement]
        assert f"{len(ran)} attack case" in row
        for case in ran:
            assert str(case.attack.expected.value) in row
            assert case.attack.name in row  # in the tooltip
        assert "<i>no property</i>" not in row
        assert _verdict(row) in ("holds", "enforced")
    assert "mutants caught: mp-accepts-alg-none" in rows["SEC-5"]
    assert "mp-accepts-alg-none" not in rows["SEC-1"]
    assert "CERT-3/toggling" in rows["CERT-3"] and "CERT-4/workaround" in rows["CERT-4"]
    assert re.search(r"\d+ tests? \(hover for them\)", rows["SITE-4"])
    assert _verdict(rows["SITE-4"]) == "tested"


def test_from_a_package_the_test_column_says_tests_not_shipped(
    monkeypatch: pytest.MonkeyPatch,
    checked: Callable[..., LabCheck],
    cases: tuple[CaseResult, ...],
) -> None:
    monkeypatch.setattr(traceability, "TESTS", None)
    html = _page(checked, cases)
    rows = _rows(html)
    assert rows
    for requirement, row in rows.items():
        assert '<div class="not-shipped">tests: tests not shipped with the package</div>' in row
        assert "untraced" not in row, requirement
        assert not row.startswith(' class="bad"'), requirement
    # SITE-4 only tests check: from a package its verdict is neutral, not a red "untraced"
    assert _verdict(rows["SITE-4"]) == "tests not shipped"
    assert "hover for them" not in html.split('<section id="requirements">')[1].split("</table>")[0]
    # the attacks still show: the lab enforces SEC-4 and SEC-5 whatever the package ships
    assert _verdict(rows["SEC-5"]) in ("holds", "enforced")


def test_the_legend_says_what_untraced_means(
    checked: Callable[..., LabCheck], cases: tuple[CaseResult, ...]
) -> None:
    html = _page(checked, cases)
    section = html.split('<section id="requirements">')[1]
    legend = section[: section.index("<table")]
    assert '<span class="untraced">untraced</span> only when none of these checks it' in legend
    assert "mutants caught" in legend and "attack cases" in legend
    assert "mp-never-rebinds" in section  # the mutant no attack catches is named
