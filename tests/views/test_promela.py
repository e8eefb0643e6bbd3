"""The Promela export (model/views/promela.py): readable, complete, compilable, and committed."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from model.compose.world import ModelError, WorldModel
from model.config.labfile import load_lab
from model.views.promela import PromelaRendering, export_promela

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


def test_a_client_named_like_a_site_component_is_refused_in_one_line() -> None:
    lab = load_lab(None)
    clash = replace(lab, clients=(replace(lab.clients[0], name="smsexec"),))
    with pytest.raises(ModelError) as error:
        PromelaRendering(WorldModel(clash).env)
    assert str(error.value) == (
        "names: smsexec name one Promela variable; give the lab's site systems and clients "
        "distinct names, none of site, azure-ad-app, smsexec, clock, toggle-history"
    )


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
