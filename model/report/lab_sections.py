"""The page's sections about the lab itself: its configuration and state space, the scenario
verdicts, the seed's access tables regenerated from the model, and the attack catalogue run
against it (`model/bridge/catalogue.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from ehttp.bridge.catalogue import CaseResult
from ehttp.compose.checking import LabCheck
from ehttp.config.schema import Lab
from ehttp.machines.site import UNSUPPORTED_STATE
from ehttp.report.html import assumes, esc, req_links, table, verdict_span
from ehttp.views.scenarios import SCENARIO_TITLES, ScenarioReport
from ehttp.views.tables import DP_TYPE_LABELS, MP_TYPE_LABELS, Cell, dp_cells, mp_cells

__all__ = [
    "access_tables_section",
    "attacks_passed",
    "attacks_section",
    "configuration_section",
    "scenarios_section",
    "summary_section",
]


def attacks_passed(cases: Sequence[CaseResult]) -> bool:
    return all(case.as_expected for case in cases if case.actual is not None)


def _cell_text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def configuration_section(lab: Lab) -> str:
    site = lab.site
    site_rows = [[esc(f.name), esc(_cell_text(getattr(site, f.name)))] for f in fields(site)]

    def hosts(items: Sequence[Any]) -> str:
        if not items:
            return "<p class=small>none</p>"
        head = [f.name for f in fields(items[0])]
        rows = [[esc(_cell_text(getattr(item, name))) for name in head] for item in items]
        return table([h.replace("_", " ") for h in head], rows)

    return (
        '<div class="cols"><div><h3>Site</h3>'
        + table(["key", "value"], site_rows)
        + "</div><div><h3>Management points</h3>"
        + hosts(lab.management_points)
        + "<h3>Distribution points</h3>"
        + hosts(lab.distribution_points)
        + "</div><div><h3>Clients</h3>"
        + hosts(lab.clients)
        + "</div></div>"
    )


def summary_section(run: LabCheck) -> str:
    main = run.main
    clients = len(run.lab.clients)
    lines = [
        f"<p>{clients} client{'' if clients == 1 else 's'}; {main.states:,} states, "
        f"{main.transitions:,} transitions, diameter {main.diameter}, "
        f"checked in {run.seconds:.1f} s"
        + (" with symmetry reduction" if main.symmetry else "")
        + ". "
        + "; ".join(
            f"variant <i>{esc(v.variant)}</i>: {v.result.states:,} states" for v in run.variants[1:]
        )
        + ".</p>"
    ]
    if any(w[0][0] == UNSUPPORTED_STATE for w in run.model.init_states()):
        lines.append(
            '<p class="banner fail">The site is configured HTTPS only with enhanced HTTP: '
            'unsupported (<a href="#SITE-2">SITE-2</a>).</p>'
        )
    return "".join(lines)


def scenarios_section(report: ScenarioReport) -> str:
    rows = []
    for v in report.verdicts:
        because = "; ".join(
            [esc(reason) for reason in v.because] + [f"fix: <code>{esc(f)}</code>" for f in v.fix]
        )
        rows.append(
            [
                esc(v.client),
                esc(SCENARIO_TITLES[v.scenario]),
                verdict_span(v.verdict),
                f'<span class="small">{because}</span>',
                req_links(v.requirements) + assumes(v.assumptions),
            ]
        )
    warning = ""
    if report.unsupported:
        warning = '<p class="banner fail">Unsupported site configuration (SITE-2).</p>'
    return warning + table(["client", "scenario", "verdict", "because", "requirements"], rows)


def _cell(cell: Cell) -> str:
    return "<br>".join(esc(entry.text) for entry in cell.entries)


def access_tables_section() -> str:
    mp_head = ["MP type", *(cell.heading for cell in mp_cells("http"))]
    mp_rows = [
        [esc(label), *(_cell(cell) for cell in mp_cells(mp))]
        for mp, label in MP_TYPE_LABELS.items()
    ]
    dp_rows = [[esc(label), _cell(dp_cells(dp))] for dp, label in DP_TYPE_LABELS.items()]
    return (
        '<div class="cols"><div style="flex:2"><h3>Client to management point communication</h3>'
        + table(mp_head, mp_rows)
        + "</div><div><h3>Client to distribution point communication</h3>"
        + table(["DP type", "Client authentication"], dp_rows)
        + "</div></div>"
    )


def attacks_section(cases: Sequence[CaseResult]) -> str:
    ran = [c for c in cases if c.actual is not None]
    bad = [c for c in ran if not c.as_expected]
    skipped = [c for c in cases if c.actual is None]

    def row(case: CaseResult) -> list[str]:
        attack = case.attack
        actual = case.actual or ""
        mark = "" if case.as_expected else '<b class="bad">&#x2717;</b> '
        return [
            mark + esc(attack.name),
            esc(attack.tries),
            esc(attack.expected.value),
            verdict_span(actual) if not case.as_expected else esc(actual),
            req_links(attack.requirements),
        ]

    head = ["attack", "tries", "expected", "actual", "requirements"]
    text = (
        f"<p>{len(ran) - len(bad)} of {len(ran)} attacks refused with the expected reason; "
        f"{len(skipped)} do not apply to this lab.</p>"
    )
    if bad:
        text += table(head, [row(c) for c in bad])
    text += (
        f"<details><summary>every case ({len(ran)} run, {len(skipped)} skipped)</summary>"
        + table(head, [row(c) for c in ran])
        + "".join(
            f"<p class=small>skipped {esc(c.attack.name)}: {esc('; '.join(c.skipped_because))}</p>"
            for c in skipped
        )
        + "</details>"
    )
    return text
