"""The audit report: one self-contained page, every ID present, nothing referenced from outside."""

from __future__ import annotations

import json
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.cli.app import main
from model.compose.checking import LabCheck
from model.lab.attacks import CATALOGUE
from model.report import page as page_module
from model.report.page import ReportError, coverage_svg, read_assumptions
from model.report.requirements import requirement_ids

FUZZ = {
    "coverage": {
        "timeline": [[0, 1], [1.5, 40], [3, 75], [6, 80]],
        "reached": 80,
        "reachable": 120,
        "fraction": 80 / 120,
    },
    "seed": 7,
}
REFERENCE_ATTRIBUTES = ("href", "src", "xlink:href", "data", "action", "poster")


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.references: list[str] = []
        self.ids: set[str] = set()
        self.headings: list[str] = []
        self.text: list[str] = []
        self.tags: list[str] = []
        self._in_heading = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in REFERENCE_ATTRIBUTES and value is not None:
                self.references.append(value)
            if name == "id" and value is not None:
                self.ids.add(value)
        self._in_heading = tag == "h2"

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_heading = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_heading:
            self.headings.append(data)


@pytest.fixture(scope="module")
def written(
    tmp_path_factory: pytest.TempPathFactory, checked: Callable[..., LabCheck]
) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    fuzz = folder / "fuzz.json"
    fuzz.write_text(json.dumps(FUZZ), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(page_module, "run_checks", checked)
        result = CliRunner().invoke(
            main, ["report", "--out", str(folder / "out"), "--fuzz", str(fuzz)]
        )
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == folder / "out" / "index.html"
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(written: tuple[Path, str]) -> Page:
    parser = Page()
    parser.feed(written[1])
    parser.close()
    return parser


def test_every_section_is_there(page: Page) -> None:
    assert page.headings == [
        "Check summary",
        "Properties",
        "Scenario verdicts",
        "Access tables (regenerated from the model)",
        "Traceability matrix",
        "Modeling assumptions",
        "Diagrams",
        "Attack catalogue",
        "Fuzz coverage",
    ]


def test_every_requirement_id_appears(page: Page) -> None:
    text = " ".join(page.text)
    missing = sorted(i for i in requirement_ids() if i not in text)
    assert missing == []
    assert requirement_ids() <= page.ids


def test_no_external_reference_and_every_local_one_exists(
    written: tuple[Path, str], page: Page
) -> None:
    folder = written[0].parent
    assert page.references
    for reference in page.references:
        assert not reference.lower().startswith(("http:", "https:", "//")), reference
        if reference.startswith("#"):
            assert reference[1:] in page.ids, reference
        else:
            assert (folder / reference).exists(), reference
    assert "<link" not in written[1] and "<script" not in written[1]


@pytest.mark.needs_dot
def test_diagrams_scenarios_attacks_and_fuzz_plot_are_inline(
    written: tuple[Path, str], page: Page
) -> None:
    html = written[1]
    assert page.tags.count("svg") == 8
    assert "Certificate binding (per HTTP site system)" in html
    assert "users can&#x27;t see applications targeted to them as available" in html
    count = len([a for a in CATALOGUE if "pki-client" not in a.requires])
    assert f"{count} of {count} attacks refused with the expected reason." in html
    assert "80 of 120 reachable abstract states reached (66.7%)." in html
    assert 'aria-label="fuzz coverage timeline"' in html
    assert "rapid enable/disable leaves no SMS-Issuing certificate bound" in html
    for assumption in read_assumptions():
        assert assumption.file in html


def test_without_dot_the_diagrams_are_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    monkeypatch.setattr(page_module, "run_checks", checked)
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(main, ["report", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "<svg" not in html
    assert (
        "<p>The diagrams are left out: Graphviz&#x27;s dot program is not on PATH; install "
        "Graphviz (Debian or Ubuntu: apt-get install graphviz) and write the report again.</p>"
    ) in html
    assert "Certificate binding (per HTTP site system)" not in html


def test_the_coverage_plot_follows_the_timeline() -> None:
    svg = coverage_svg(FUZZ)
    points = svg.split('points="')[1].split('"')[0].split()
    assert len(points) == 4
    xs = [float(p.split(",")[0]) for p in points]
    ys = [float(p.split(",")[1]) for p in points]
    assert xs == sorted(xs) and ys == sorted(ys, reverse=True)
    assert "reachable: 120" in svg


def test_a_fuzz_file_of_another_shape_is_refused() -> None:
    with pytest.raises(ReportError, match=r"coverage\.timeline"):
        coverage_svg({"coverage": {"reached": 3}})


def test_out_naming_a_file_exits_2_with_one_line(tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--out", str(target)])
    assert result.exit_code == 2
    assert result.output.splitlines() == [
        f"Error: --out: {str(target)!r} is a file, not a folder; give a folder (it is created "
        "when missing)"
    ]
    assert target.read_text(encoding="utf-8") == "x"


def test_a_bad_fuzz_file_exits_2_with_one_line(tmp_path: Path) -> None:
    fuzz = tmp_path / "fuzz.json"
    fuzz.write_text("[1, 2]", encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "--fuzz", str(fuzz), "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith("Error: --fuzz: ")
    assert not (tmp_path / "index.html").exists()
