"""The Promela export (model/compose/promela.py): readable, complete, compilable, and committed."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from ehttp.compose.promela import (
    PromelaRendering,
    comment_text,
    export_promela,
    instance_identifiers,
)
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import lab_to_toml, load_lab, parse_lab

COMMITTED = Path(__file__).resolve().parents[2] / "specs" / "promela" / "default.pml"


def test_the_committed_default_export_is_not_stale() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == export_promela(load_lab(None)).text, (
        "regenerate with `ehttp export --promela --out specs/promela/default.pml`"
    )


def test_every_row_that_can_fire_has_its_own_alternative() -> None:
    lab = load_lab(None)
    export = export_promela(lab)
    model = WorldModel(lab)
    lines = export.text.splitlines()
    fired = set(export.steps.values())
    for index, machine in enumerate(model.env.machines):
        for number, row in enumerate(machine.rows):
            if row.reaction:
                continue
            if (index, number) in fired:
                line = next(at for at, action in export.steps.items() if action == (index, number))
                comment = lines[line - 2 - bool(row.guard_text) - bool(row.note)]
                assert row.name in comment and ", ".join(row.requirements) in comment
            else:
                # Only rows the lab rules out are left as a comment, and they say so.
                assert f"{row.name} ({row.actor}; " in export.text
                assert "never enabled in this lab" in export.text
    assert len(fired) == len(export.steps)


def test_a_client_named_like_a_site_component_gets_a_variable_of_its_own() -> None:
    lab = load_lab(None)
    clash = replace(lab, clients=(replace(lab.clients[0], name="smsexec"),))
    rendering = PromelaRendering(WorldModel(clash).env)
    assert len(set(rendering.variables)) == len(rendering.variables)
    assert rendering.variables[-1] == "s_client1"


def test_variables_are_named_by_kind_and_position_never_by_the_lab() -> None:
    lab = load_lab(None)
    renamed = replace(
        lab,
        management_points=(replace(lab.management_points[0], name="int"),),
        clients=tuple(replace(c, name=f"c-{n}") for n, c in enumerate(lab.clients)),
    )
    env = WorldModel(renamed).env
    assert instance_identifiers(env)[env.first_binding :] == (
        "mp1",
        "dp1",
        "client1",
        "client2",
        "client3",
    )


@pytest.mark.parametrize(
    ("text", "comment"),
    [
        ("x */ c_code { y } /* z", "x * / c_code { y } / * z"),
        ("a**/b", "a** /b"),
        ("café\n日\U0001f642", "caf\\u00e9\\u000a\\u65e5\\U0001f642"),
    ],
)
def test_comment_text_keeps_text_inside_the_comment(text: str, comment: str) -> None:
    assert comment_text(text) == comment
    assert "*/" not in comment_text(text) and "/*" not in comment_text(text)


INJECTED = (
    "x */ c_code {{ __attribute__((constructor)) static void ehttp_injected(void) "
    '{{ system(\\"touch {marker}\\"); }} }} /* y'
)


@pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None, reason="no spin")
def test_a_lab_name_with_c_code_is_a_comment_and_never_runs(tmp_path: Path) -> None:
    """Regression (issue 21): a lab name that closes the header comment and opens a c_code
    block was compiled into pan and ran when pan started."""
    marker = tmp_path / "injected-code-ran"
    text = lab_to_toml(load_lab(None)).replace(
        'name = "default"', f'name = "{INJECTED.format(marker=marker)}"', 1
    )
    lab = parse_lab(text, "hostile.toml")
    assert "c_code {" in lab.name
    (tmp_path / "lab.pml").write_text(export_promela(lab).text, encoding="utf-8")
    spin = subprocess.run(["spin", "-a", "lab.pml"], cwd=tmp_path, capture_output=True)
    assert spin.returncode == 0, spin.stdout + spin.stderr
    gcc = subprocess.run(
        ["gcc", "-O0", "-DBFS", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert gcc.returncode == 0, gcc.stderr
    assert b"ehttp_injected" not in (tmp_path / "pan.c").read_bytes()
    pan = subprocess.run(["./pan"], cwd=tmp_path, capture_output=True, text=True)
    assert "errors: 0" in pan.stdout
    assert not marker.exists()


@pytest.mark.skipif(shutil.which("spin") is None or shutil.which("gcc") is None, reason="no spin")
def test_spin_and_gcc_accept_the_committed_export_without_a_word(tmp_path: Path) -> None:
    model = tmp_path / "default.pml"
    model.write_text(COMMITTED.read_text(encoding="utf-8"), encoding="utf-8")
    spin = subprocess.run(["spin", "-a", "default.pml"], cwd=tmp_path, capture_output=True)
    assert spin.returncode == 0 and spin.stdout + spin.stderr == b""
    gcc = subprocess.run(
        ["gcc", "-O0", "-DBFS", "-DSAFETY", "-DNOREDUCE", "-o", "pan", "pan.c"],
        cwd=tmp_path,
        capture_output=True,
    )
    assert gcc.returncode == 0 and gcc.stdout + gcc.stderr == b""
