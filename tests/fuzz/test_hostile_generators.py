"""A lab's text is data in everything ehttp generates (STYLE.md rule 16, issue 21): every string
field of the lab schema, holding every generator's metacharacters, goes through every generator,
and the result is compiled or parsed by the program that reads it (Spin and gcc, `dot`, an HTML
and an XML parser). The oracle of `model/fuzz/hostile_generators.py` is shown to kill a generator
that stops escaping, for each language."""

from __future__ import annotations

import base64
import shutil
import subprocess
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Literal, get_args, get_origin, get_type_hints

import pytest

import ehttp.compose.promela as promela
import ehttp.report.html as report_html
import ehttp.report.page as page
import ehttp.views.diagrams_lab as diagrams_lab
from ehttp.compose.checking import run_checks
from ehttp.config.labfile import LabError, default_lab, lab_to_toml, parse_lab
from ehttp.config.schema import Client, DistributionPoint, Lab, ManagementPoint, Site
from ehttp.fuzz.hostile_generators import (
    HOSTILE_TEXT,
    Generated,
    differences,
    dot_structure,
    generate,
    html_structure,
    promela_code,
    small_lab,
    text_fields,
    with_text,
)
from ehttp.views.diagrams_lab import lab_graph, trace_graph, traced_properties
from ehttp.views.scenarios import evaluate

LAB = small_lab(default_lab())
DIRECT = HOSTILE_TEXT + "\n\t\x01 ends with a backslash \\"
"""What a lab built in code (not read from a file) may hold besides: control characters."""

FREE_TEXT = {
    (Lab, "name"),
    (ManagementPoint, "name"),
    (DistributionPoint, "name"),
    (Client, "name"),
}
"""The schema's free-text fields: every generator writes them."""


def _string_fields() -> set[tuple[type, str]]:
    found = set()
    for table in (Lab, Site, ManagementPoint, DistributionPoint, Client):
        for field in fields(table):
            hint = get_type_hints(table, include_extras=True)[field.name]
            if get_origin(hint) is Annotated:
                hint = get_args(hint)[0]
            if hint is str or get_origin(hint) is Literal:
                found.add((table, field.name))
    return found


ENUMERATED = _string_fields() - FREE_TEXT
"""The schema's other string fields: values from a fixed list (or a Windows build), which the
parser refuses for anything else, so no other text reaches a generator."""


@pytest.fixture(scope="module")
def original() -> Generated:
    return generate(LAB)


def test_every_string_field_of_the_schema_is_free_text_or_enumerated() -> None:
    assert _string_fields() >= FREE_TEXT
    assert {name for _table, name in ENUMERATED} == {
        "version",
        "client_communication",
        "connections",
        "join",
        "windows",
        "network",
    }


@pytest.mark.parametrize(
    ("table", "key"), sorted(ENUMERATED, key=lambda f: (f[0].__name__, f[1])), ids=str
)
def test_the_parser_refuses_hostile_text_in_an_enumerated_field(table: type, key: str) -> None:
    section = {
        Site: "[site]",
        ManagementPoint: "[[management_points]]",
        DistributionPoint: "[[distribution_points]]",
        Client: "[[clients]]",
    }[table]
    text = lab_to_toml(LAB)
    head, _, rest = text.partition(section + "\n")
    line = next(line for line in rest.splitlines() if line.startswith(f"{key} = "))
    hostile = rest.replace(line, f"{key} = {_toml(HOSTILE_TEXT)}", 1)
    with pytest.raises(LabError, match=f"{key}: 'x \\*/ c_code"):
        parse_lab(head + section + "\n" + hostile, "hostile.toml")


def _toml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@pytest.mark.parametrize("path", text_fields(LAB))
@pytest.mark.parametrize(
    "text",
    [
        # Heavy: DIRECT is this text with control characters and a final backslash after it,
        # and each generator mutant of MUTANTS fails the control-characters case of exactly the
        # fields it fails this one for.
        pytest.param(HOSTILE_TEXT, id="file-text", marks=pytest.mark.heavy),
        pytest.param(DIRECT, id="control-characters"),
    ],
)
def test_free_text_in_every_field_changes_no_generated_structure(
    original: Generated, path: str, text: str
) -> None:
    hostile = generate(with_text(LAB, path, text))
    assert differences(original, hostile, text if path == "name" else None) == []


def test_a_hostile_lab_name_passes_the_parser_and_stays_data(original: Generated) -> None:
    lab = parse_lab(lab_to_toml(with_text(LAB, "name", HOSTILE_TEXT)), "hostile.toml")
    assert lab.name == HOSTILE_TEXT
    assert differences(original, generate(lab), HOSTILE_TEXT) == []


def _name_fast(paths: tuple[str, ...]) -> list[object]:
    """`paths` with the lab name's in the fast suite and the others heavy: compiling or laying
    out with the real tool is a cross-check of the structural oracle, which
    test_free_text_in_every_field_changes_no_generated_structure applies to every field."""
    return [
        path if path == "name" else pytest.param(path, marks=pytest.mark.heavy) for path in paths
    ]


@pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None, reason="no spin")
@pytest.mark.parametrize("path", _name_fast(text_fields(LAB)))
def test_spin_and_gcc_compile_the_hostile_export_and_pan_runs_clean(
    tmp_path: Path, path: str
) -> None:
    marker = tmp_path / "injected-code-ran"
    text = DIRECT.replace("c_code { ... }", f'c_code {{ system("touch {marker}"); }}')
    export = promela.export_promela(with_text(LAB, path, text))
    (tmp_path / "lab.pml").write_text(export.text, encoding="utf-8")
    spin = subprocess.run(["spin", "-a", "lab.pml"], cwd=tmp_path, capture_output=True, text=True)
    assert spin.returncode == 0 and spin.stdout + spin.stderr == ""
    gcc = subprocess.run(
        ["gcc", "-O0", "-DBFS", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert gcc.returncode == 0, gcc.stderr
    pan = subprocess.run(["./pan"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "errors: 0" in pan.stdout
    assert not marker.exists()


def _svg_text(svg: bytes) -> tuple[set[str], str]:
    """The element names of an SVG document and its text, read by an XML parser."""
    root = ElementTree.fromstring(svg)
    tags = {element.tag.rpartition("}")[2] for element in root.iter()}
    text = " ".join(
        [*(t for e in root.iter() for t in (e.text, e.tail) if t)]
        + [value for e in root.iter() for value in e.attrib.values()]
    )
    return tags, text


@pytest.mark.needs_dot
@pytest.mark.parametrize("path", _name_fast(text_fields(LAB)))
def test_dot_lays_out_every_hostile_picture_and_its_svg_holds_the_text_as_text(path: str) -> None:
    lab = with_text(LAB, path, DIRECT)
    run = run_checks(lab)
    graphs = [trace_graph(lab.name, item) for item in traced_properties(run)]
    graph = lab_graph(run)
    graphs += [graph] if graph is not None else []
    seen = ""
    for graph in graphs:
        done = subprocess.run(
            ["dot", "-Tsvg"], input=graph.source.encode("utf-8"), capture_output=True
        )
        assert done.returncode == 0 and done.stderr == b"", done.stderr
        tags, text = _svg_text(done.stdout)
        assert tags <= {"svg", "g", "title", "polygon", "path", "text", "ellipse", "a", "polyline"}
        seen += text
    assert "<script>" in seen and 'SRC="/etc/passwd"/>' in seen and "\\G" in seen


@pytest.mark.needs_dot
def test_the_page_with_dot_pictures_holds_the_hostile_name_as_text(original: Generated) -> None:
    lab = with_text(LAB, "name", HOSTILE_TEXT)
    meta = page.ReportMeta(version="v", date="-", command=f"ehttp report --lab '{HOSTILE_TEXT}'")
    html = page.render_page(lab, run_checks(lab), (), evaluate(lab), (), None, meta)
    elements = html_structure(html)
    assert not any(e.startswith(("<script", "<!--")) for e in elements)
    for uri in _data_uris(html):
        tags, _text = _svg_text(base64.b64decode(uri))
        assert "script" not in tags and "image" not in tags


def _data_uris(html: str) -> list[str]:
    prefix = 'src="data:image/svg+xml;base64,'
    return [part.partition('"')[0] for part in html.split(prefix)[1:]]


Mutant = Callable[[pytest.MonkeyPatch], None]
MUTANTS: dict[str, tuple[Mutant, str]] = {
    "Promela comments not escaped": (
        lambda mp: mp.setattr(promela, "comment_text", lambda text: text),
        "Promela",
    ),
    "DOT labels not escaped": (
        lambda mp: mp.setattr(diagrams_lab, "label", lambda *lines: "\\n".join(lines)),
        "DOT",
    ),
    "HTML-like labels not escaped": (
        lambda mp: mp.setattr(diagrams_lab, "html_text", lambda text: text),
        "DOT",
    ),
    # Every section of the page escapes through model/report/html.py's esc, which calls escape.
    "HTML not escaped": (lambda mp: mp.setattr(report_html, "escape", str), "HTML"),
}


@pytest.mark.parametrize("mutant", sorted(MUTANTS))
def test_a_generator_that_stops_escaping_is_found(
    original: Generated, mutant: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    plant, language = MUTANTS[mutant]
    plant(monkeypatch)
    found: list[str] = []
    for path in text_fields(LAB):
        found += differences(original, generate(with_text(LAB, path, HOSTILE_TEXT)))
        if any(line.startswith(language) for line in found):
            break  # the assertion below holds whatever the other fields give
    assert any(line.startswith(language) for line in found), found


def test_the_structures_see_what_an_injection_changes() -> None:
    assert promela_code('a /* b */ c "/* d */" e') == 'a   c "/* d */" e'
    assert promela_code("a /* b */ c */ d /* e") == "a   c */ d  "
    assert dot_structure('n [label="a\\"b\\G"]') == [
        "n",
        "[",
        "label",
        "=",
        "STRING with escapes 'G'",
        "]",
    ]
    assert dot_structure("n [label=<<B>x</B>>]")[4] == "HTML </b> <b >"
    assert dot_structure("n [label=<a\\\\G \\N>]")[4] == "HTML  with escapes 'N'"
    assert html_structure("<p>a &lt;b&gt;</p><!-- x -->") == html_structure("<p>b</p><!---->")
