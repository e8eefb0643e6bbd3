"""The audit report: one self-contained page, every ID present, nothing referenced from outside."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

import ehttp.config
from ehttp.cli.app import main
from ehttp.cli.output import tool_version
from ehttp.compose.checking import LabCheck
from ehttp.compose.world import MACHINES
from ehttp.lab.attacks import CATALOGUE
from ehttp.report import page as page_module
from ehttp.report.page import ReportError, coverage_svg, read_assumptions
from ehttp.report.requirements import requirement_ids

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
    tmp_path_factory: pytest.TempPathFactory, report_steps: Callable[[pytest.MonkeyPatch], None]
) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("report")
    fuzz = folder / "fuzz.json"
    fuzz.write_text(json.dumps(FUZZ), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        report_steps(patch)
        result = CliRunner().invoke(
            main, ["report", "--out", str(folder / "out"), "--fuzz", str(fuzz)]
        )
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == folder / "out" / "index.html"
    assert "[1/13] lab 'default': 41,052 states, 30 of 30 properties hold (" in result.stderr
    return path, path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(written: tuple[Path, str]) -> Page:
    parser = Page()
    parser.feed(written[1])
    parser.close()
    return parser


def test_every_section_is_there(page: Page) -> None:
    # The administrator's questions first (model/report/answers.py), then the evidence.
    assert page.headings == [
        "What happens if you ...",
        "If you see ...",
        "Lab configuration",
        "Traces",
        "Properties",
        "Requirements",
        "Scenario verdicts",
        "Access tables (regenerated from the model)",
        "Attack catalogue",
        "Fuzz coverage",
        "Machine diagrams",
        "Modeling assumptions",
        "Glossary of property kinds and verdicts",
    ]


def test_the_header_says_the_verdict_version_seed_and_command(written: tuple[Path, str]) -> None:
    html = written[1]
    assert "PASS: 30 of 30 properties hold; every attack that applies is refused" in html
    assert f"ehttp {tool_version()} · " in html and " · seed 0 · " in html
    assert "<code>ehttp " in html


def test_quotes_are_rendered_markdown_and_each_row_links_its_source(
    written: tuple[Path, str], page: Page
) -> None:
    assert "**" not in "".join(page.text)
    html = written[1]
    assert "<strong>SMS Issuing</strong>" in html and "&lt;br" not in html
    rows = dict(re.findall(r'<tr id="([A-Z]+-[0-9]+)"(.*?)</tr>', html, flags=re.DOTALL))
    assert set(rows) == requirement_ids()
    assert [i for i, row in rows.items() if 'href="#src-' not in row] == []
    assert any(ref.startswith("#src-seed-") for ref in page.references)
    assert "src-facts-0" in page.ids


def test_the_cert3_witness_comes_first_with_every_world_in_full(written: tuple[Path, str]) -> None:
    html = written[1]
    traces = html[html.index('<section id="traces">') : html.index('<section id="properties">')]
    first = traces.index("witness for <b>")
    assert traces[first:].startswith(
        "witness for <b>rapidly enabling and disabling the option alone leaves no SMS-Issuing "
        "certificate bound</b>"
    )
    table = traces[first : traces.index("</table>", first)]
    assert (
        "explore it: <code>ehttp explore --trace check.json --property CERT-3/toggling</code>"
    ) in table
    assert 'id="t-CERT-3/toggling"' in traces
    # The property table's row carries the ID beside the sentence, and is the anchor it links.
    assert "<code>CERT-3/toggling</code> rapidly enabling and disabling" in html
    assert '<span id="CERT-3/toggling">' in html
    assert "<th>step 0: initial state</th>" in table
    assert "<td><b>stranded</b></td>" in table
    assert "CERT-3: mp1 stranded" in table


def test_a_failing_report_says_why_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, checked: Callable[..., LabCheck]
) -> None:
    monkeypatch.setattr(page_module, "example_labs", lambda: ())
    # The catalogue against each lab mutant is not what this test is about (the report of the
    # default lab shows what it catches); it costs seconds more.
    monkeypatch.setattr(page_module, "catch_mutants", lambda *args, **kwargs: ())
    text = (Path(ehttp.config.__file__).parent / "default_lab.toml").read_text(encoding="utf-8")
    one = tmp_path / "one.toml"
    one.write_text(text[: text.index("[[clients]]", text.index("[[clients]]") + 1)])
    result = CliRunner().invoke(
        main,
        ["report", "--lab", str(one), "--mutant", "mp-accepts-alg-none", "--out", str(tmp_path)],
    )
    assert result.exit_code == 1, result.output
    # Progress starts before the first check; the last line says FAIL and what, by ID.
    assert result.stderr.splitlines()[0] == "[1/1] checking lab 'default' ..."
    last = result.stdout.splitlines()[-1]
    assert last.startswith("FAIL: not holding: ") and "REG-3/waits" in last
    assert last.endswith(
        "; attacks not refused as expected: token-alg-none (the page says why, first)"
    )
    html = (tmp_path / "index.html").read_text(encoding="utf-8")
    banner = html[html.index('<div class="banner fail">') :]
    banner = banner[: banner.index("</div>")]
    assert "FAIL: 1 property does not hold: " in banner
    assert "a client waits for manual approval</a> (violated)" in banner
    assert "token-alg-none</a> (accepted)" in banner
    assert " · mutant <b>mp-accepts-alg-none</b>" in html


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
        if reference.startswith("data:image/svg+xml;base64,"):
            continue
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
    assert page.tags.count("svg") == 1
    assert html.count('<img src="data:image/svg+xml;base64,') == 2 * len(MACHINES) + 6
    assert "Certificate binding (per HTTP site system)" in html
    assert "users can&#x27;t see applications targeted to them as available" in html
    count = len([a for a in CATALOGUE if "pki-client" not in a.requires])
    skipped = len(CATALOGUE) - count
    assert f"{count} of {count} attacks refused with the expected reason; {skipped} do not" in html
    assert "80 of 120 reachable abstract states reached (66.7%)." in html
    assert 'aria-label="fuzz coverage timeline"' in html
    assert (
        "rapidly enabling and disabling the option alone leaves no SMS-Issuing certificate bound"
        in html
    )
    for assumption in read_assumptions():
        assert assumption.file in html


def test_without_dot_the_diagrams_are_a_note(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    report_steps: Callable[[pytest.MonkeyPatch], None],
) -> None:
    report_steps(monkeypatch)
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


def test_the_lab_mutants_the_attacks_catch_count_for_their_requirements(
    written: tuple[Path, str],
) -> None:
    html = written[1]
    rows = dict(re.findall(r'<tr id="([A-Z]+-[0-9]+)"(.*?)</tr>', html, flags=re.DOTALL))
    assert "mp-accepts-alg-none" in rows["SEC-5"]
    assert "dp-serves-without-credential" in rows["SEC-1"]
    assert "dp-serves-without-credential" not in rows["SEC-5"]
    # a mutant only the lockstep with the model catches is named as not caught by an attack
    start = html.index('<section id="requirements">')
    section = html[start : html.index('<details class="source">', start)]
    assert "no attack case catches on this lab" in section and "mp-never-rebinds" in section
