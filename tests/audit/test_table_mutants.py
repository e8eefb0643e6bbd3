"""Tests for model/audit/table_mutants.py and the audit's table mutants: each cell of the tables
the model decides with is flipped, each qualifier dropped, and the audit names the property that
kills each."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from ehttp.audit import run_audit
from ehttp.audit.mutants import TABLE_KINDS
from ehttp.audit.table_mutants import derive_table_mutants
from ehttp.cli.audit import render_text
from ehttp.config.labfile import default_lab
from ehttp.config.schema import Lab
from ehttp.machines.access import TABLES

REGISTRATION = (
    "an unregistered client registers as the MP table allows its identity evidence, "
    "and no other way"
)
DOWNLOAD = (
    "a client downloads from a distribution point with exactly the credentials the DP table "
    "lists for its type"
)


def _lab() -> Lab:
    """The default lab less its workgroup client: an Azure AD client (the content access token)
    and a domain-joined one (Active Directory registration) are what these cells are read for,
    and the kills are those of the whole lab (a smaller graph: the test stays quick)."""
    lab = default_lab()
    return replace(lab, clients=tuple(c for c in lab.clients if c.name in ("aad1", "dom1")))


def test_every_cell_and_qualifier_the_model_reads_is_mutated_once() -> None:
    mutants = derive_table_mutants()
    assert len({m.id for m in mutants}) == len(mutants)
    kinds = Counter(m.kind for m in mutants)
    assert set(kinds) == set(TABLE_KINDS)
    read = [c for c in TABLES.mp if c.column == "registration"] + list(TABLES.dp)
    assert kinds["cell-removed"] == len(read)
    assert kinds["condition-dropped"] == sum(c.qualifier != "always" for c in read)
    assert all(m.replaced is None and m.tables not in (None, TABLES) for m in mutants)


@pytest.mark.usefixtures("shared_base")
def test_the_audit_names_the_property_that_kills_a_flipped_cell() -> None:
    wanted = {
        "mp-table/http/registration/active-directory/cell-removed",
        "dp-table/http/content-access-token/condition-dropped",
        "dp-table/https/pki-certificate/cell-removed",
    }
    only = [m for m in derive_table_mutants() if m.id in wanted]
    result = run_audit(_lab(), only=only, workers=1)
    by_id = {m.mutant.id: m for m in result.mutants}
    ad = by_id["mp-table/http/registration/active-directory/cell-removed"]
    assert (ad.status, ad.killed_by) == ("killed", (REGISTRATION,))
    cat = by_id["dp-table/http/content-access-token/condition-dropped"]
    assert (cat.status, cat.killed_by) == ("killed", (DOWNLOAD,))
    assert "after disable enhanced HTTP (site): dp1 accepts" in cat.behaviour
    # The lab has no HTTPS distribution point: the change answers nothing it asks.
    assert by_id["dp-table/https/pki-certificate/cell-removed"].status == "equivalent"
    text = render_text(result)
    assert "table mutants: 3 (MP table registration column, DP table); 2 killed, 1 change " in text
    assert (
        f"  mp-table/http/registration/active-directory/cell-removed: killed by: {REGISTRATION}\n"
        in text
    )
