"""Mutants of the access tables: one cell of the MP or DP table changed, made in memory.

From the model's transcription of the seed's tables (`model/machines/access.py`'s `TABLES`), each
mutant changes one thing in a column the model decides with (the MP table's registration column,
which the registration rows read, and the DP table, which decides downloads):
- ``cell-removed``: a method the cell lists is taken out;
- ``cell-added``: a method the same column lists for another site system type is put in,
  unqualified;
- ``condition-dropped``: a method's "(Enhanced HTTP)" or "(version 1706)" qualifier is dropped,
  so the method is accepted whatever the site's version and option.
The MP table's client authentication, location request, client package and user authorization
columns decide no step of the model (they are printed by `ehttp tables` and enforced by the lab
from its own copy, `model/lab/policy.py`), so they have no mutants here.

Nothing is patched: a mutant carries new `AccessTables`, which the composition reads in place of
the declared ones (`WorldModel(..., tables=...)`).
"""

from __future__ import annotations

from dataclasses import replace

from ehttp.audit.mutants import Mutant, Where
from ehttp.machines.access import TABLES, AccessTables, DpCell, MpCell

__all__ = ["DP_TABLE", "MP_TABLE", "derive_table_mutants"]

MP_TABLE = "mp-table"
DP_TABLE = "dp-table"

_QUALIFIER_TEXT = {"enhanced-http": "(Enhanced HTTP)", "version-1706": "(version 1706)"}
_DP_ROWS = {"http-anonymous": "HTTP (anonymous)", "http": "HTTP", "https": "HTTPS"}
"""The seed's names of the DP table's rows."""


def _mp_text(cell: MpCell) -> str:
    qualifier = _QUALIFIER_TEXT.get(cell.qualifier)
    said = f"{cell.method} {qualifier}" if qualifier else cell.method
    return f"MP table: {cell.mp.upper()} MP, {cell.column}: {said}"


def _dp_text(cell: DpCell) -> str:
    qualifier = _QUALIFIER_TEXT.get(cell.qualifier)
    said = f"{cell.method} {qualifier}" if qualifier else cell.method
    return f"DP table: {_DP_ROWS[cell.dp]} DP: {said}"


def _mp_mutants(tables: AccessTables) -> list[Mutant]:
    found: list[Mutant] = []
    cells = [c for c in tables.mp if c.column == "registration"]
    for cell in cells:
        where = (cell.mp, cell.column, cell.method)
        base = f"{MP_TABLE}/{cell.mp}/{cell.column}/{cell.method}"
        rest = tuple(c for c in tables.mp if c != cell)
        found.append(
            Mutant(
                f"{base}/cell-removed",
                "cell-removed",
                MP_TABLE,
                f"{_mp_text(cell)} removed",
                None,
                frozenset(),
                Where(MP_TABLE, "cell-removed", where[1], None, (where[0],), where[2]),
                tables=replace(tables, mp=rest),
            )
        )
        if cell.qualifier != "always":
            dropped = tuple(replace(c, qualifier="always") if c == cell else c for c in tables.mp)
            found.append(
                Mutant(
                    f"{base}/condition-dropped",
                    "condition-dropped",
                    MP_TABLE,
                    f"{_mp_text(cell)}: qualifier dropped (accepted always)",
                    None,
                    frozenset(),
                    Where(MP_TABLE, "condition-dropped", where[1], None, (where[0],), where[2]),
                    tables=replace(tables, mp=dropped),
                )
            )
    for mp in dict.fromkeys(c.mp for c in cells):
        listed = {c.method for c in cells if c.mp == mp}
        for method in dict.fromkeys(c.method for c in cells if c.method not in listed):
            added = MpCell(mp, "registration", method)
            found.append(
                Mutant(
                    f"{MP_TABLE}/{mp}/registration/{method}/cell-added",
                    "cell-added",
                    MP_TABLE,
                    f"{_mp_text(added)} added",
                    None,
                    frozenset(),
                    Where(MP_TABLE, "cell-added", "registration", None, (mp,), method),
                    tables=replace(tables, mp=(*tables.mp, added)),
                )
            )
    return found


def _dp_mutants(tables: AccessTables) -> list[Mutant]:
    found: list[Mutant] = []
    for cell in tables.dp:
        base = f"{DP_TABLE}/{cell.dp}/{cell.method}"
        rest = tuple(c for c in tables.dp if c != cell)
        found.append(
            Mutant(
                f"{base}/cell-removed",
                "cell-removed",
                DP_TABLE,
                f"{_dp_text(cell)} removed",
                None,
                frozenset(),
                Where(
                    DP_TABLE, "cell-removed", "client-authentication", None, (cell.dp,), cell.method
                ),
                tables=replace(tables, dp=rest),
            )
        )
        if cell.qualifier != "always":
            dropped = tuple(replace(c, qualifier="always") if c == cell else c for c in tables.dp)
            found.append(
                Mutant(
                    f"{base}/condition-dropped",
                    "condition-dropped",
                    DP_TABLE,
                    f"{_dp_text(cell)}: qualifier dropped (accepted always)",
                    None,
                    frozenset(),
                    Where(
                        DP_TABLE,
                        "condition-dropped",
                        "client-authentication",
                        None,
                        (cell.dp,),
                        cell.method,
                    ),
                    tables=replace(tables, dp=dropped),
                )
            )
    for dp in dict.fromkeys(c.dp for c in tables.dp):
        listed = {c.method for c in tables.dp if c.dp == dp}
        for method in dict.fromkeys(c.method for c in tables.dp if c.method not in listed):
            added = DpCell(dp, method)
            found.append(
                Mutant(
                    f"{DP_TABLE}/{dp}/{method}/cell-added",
                    "cell-added",
                    DP_TABLE,
                    f"{_dp_text(added)} added",
                    None,
                    frozenset(),
                    Where(DP_TABLE, "cell-added", "client-authentication", None, (dp,), method),
                    tables=replace(tables, dp=(*tables.dp, added)),
                )
            )
    return found


def derive_table_mutants(tables: AccessTables | None = None) -> tuple[Mutant, ...]:
    """Every mutant of the registration column of the MP table and of the DP table (of `tables`,
    by default the declared `TABLES`)."""
    found = TABLES if tables is None else tables
    return tuple(_mp_mutants(found) + _dp_mutants(found))
