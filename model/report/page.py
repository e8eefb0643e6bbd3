"""The audit report: one self-contained HTML page about a lab, readable offline in a few screens.

This module checks the lab and the example labs (`model/compose/checking.py`), runs the attack
catalogue against the lab (`model/bridge/catalogue.py`) and puts the page together, in order:
the verdict (a failing property, a counterexample and an accepted attack listed first), then one
module per part of the page: the traces and properties (`model/report/traces.py`), the
requirements with what checks each and the source text (`model/report/evidence.py`), the lab's
configuration, scenario verdicts, access tables and attacks (`model/report/lab_sections.py`), and
the diagrams, assumptions, glossary, property strength and fuzz coverage
(`model/report/appendix.py`). It recomputes nothing the other views compute.

Everything from the documents is rendered from markdown (`model/report/markdown.py`); everything
else is escaped (`model/report/html.py`). Styles are inline, pictures are inline or `data:` URIs,
enlarging uses CSS `:target` (no script), and the page references no file and no address: it works
offline as one file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ehttp.atomic import write_atomic
from ehttp.bridge.catalogue import CaseResult, run_catalogue
from ehttp.compose.checking import LabCheck, run_checks
from ehttp.config.schema import Lab
from ehttp.lab.attacks import CATALOGUE
from ehttp.lab.mutants import MUTANTS
from ehttp.report import traceability
from ehttp.report.answers import Answers, answer_all, answers_sections
from ehttp.report.appendix import (
    ASSUMPTIONS,
    GLOSSARY,
    Assumption,
    assumptions_section,
    coverage_svg,
    diagrams_section,
    glossary_section,
    read_assumptions,
    strength_section,
)
from ehttp.report.caught import catch_mutants
from ehttp.report.errors import ReportError
from ehttp.report.evidence import cite, requirements_section, source_text
from ehttp.report.html import CSS, esc
from ehttp.report.lab_sections import (
    access_tables_section,
    attacks_passed,
    attacks_section,
    configuration_section,
    scenarios_section,
    summary_section,
)
from ehttp.report.traceability import (
    MutantRef,
    attack_refs,
    build_matrix,
    example_labs,
    property_refs,
    req_markers,
)
from ehttp.report.traces import Draw, draw_svg, properties_section, property_anchor, traces_section
from ehttp.views.diagrams import has_dot
from ehttp.views.scenarios import ScenarioReport, evaluate
from ehttp.words import plural

__all__ = [
    "ASSUMPTIONS",
    "GLOSSARY",
    "PAGE",
    "Assumption",
    "CheckedLab",
    "Draw",
    "ReportError",
    "ReportInterrupted",
    "ReportMeta",
    "Written",
    "coverage_svg",
    "draw_svg",
    "read_assumptions",
    "render_page",
    "write_report",
]

PAGE = "index.html"
"""The report's file name inside the output folder."""


@dataclass(frozen=True)
class CheckedLab:
    """A lab the report checked: its name, states, properties and how many hold."""

    name: str
    states: int
    properties: int
    holding: int


class ReportInterrupted(Exception):
    """Ctrl-C stopped `write_report` before the page was written: nothing was written, and a
    page already in the output folder is as it was."""

    def __init__(
        self, checked: Sequence[CheckedLab], not_checked: Sequence[str], during: str
    ) -> None:
        super().__init__(f"interrupted while {during}")
        self.checked = tuple(checked)
        """The labs checked to the end, in order."""
        self.not_checked = tuple(not_checked)
        """The labs not checked (the one being checked first)."""
        self.during = during
        """What the report was doing, e.g. "checking lab 'no-cmg'"."""


@dataclass(frozen=True)
class ReportMeta:
    """What made the page: tool version, date, seed, mutant and the command line."""

    version: str
    date: str
    command: str
    seed: int = 0
    mutant: str | None = None


@dataclass(frozen=True)
class Written:
    """The page written, the check of the lab it reports on and its attack cases."""

    path: Path
    run: LabCheck
    cases: tuple[CaseResult, ...]

    @property
    def passed(self) -> bool:
        """Every property holds and every attack that ran was refused as expected."""
        return self.run.passed and attacks_passed(self.cases)


def _header(lab: Lab, run: LabCheck, cases: Sequence[CaseResult], meta: ReportMeta) -> str:
    holding = sum(p.holds for _, p in run.properties)
    failing = [(v, p) for v, p in run.properties if not p.holds]
    bad_cases = [c for c in cases if c.actual is not None and not c.as_expected]
    if run.passed and not bad_cases:
        banner = (
            f'<div class="banner pass">PASS: {holding} of {len(run.properties)} properties hold; '
            f"every attack that applies is refused with the expected reason.</div>"
        )
    else:
        why = []
        if not run.complete:
            why.append("the search is incomplete: nothing passes")
        if failing:
            links = "; ".join(
                f'<a href="#{property_anchor(v, p.name)}">{esc(p.name)}</a> ({esc(p.verdict)})'
                for v, p in failing
            )
            verb = "does" if len(failing) == 1 else "do"
            why.append(f"{plural(len(failing), 'property', 'properties')} {verb} not hold: {links}")
        if bad_cases:
            names = ", ".join(
                f'<a href="#attacks">{esc(c.attack.name)}</a> ({esc(c.actual)})' for c in bad_cases
            )
            why.append(f"attacks not refused as expected: {names}")
        banner = f'<div class="banner fail">FAIL: {"; ".join(why)}.</div>'
    mutant = f" · mutant <b>{esc(meta.mutant)}</b>" if meta.mutant else ""
    return (
        f"<h1>Enhanced HTTP audit report: lab {esc(lab.name)}</h1>"
        f'<p class="meta">ehttp {esc(meta.version)} · {esc(meta.date)} · seed {meta.seed}{mutant}'
        f" · <code>{esc(meta.command)}</code> · Configuration Manager 1806 Enhanced HTTP as an "
        "executable, model-checked specification</p>" + banner
    )


def render_page(
    lab: Lab,
    run: LabCheck,
    others: Sequence[LabCheck],
    scenarios: ScenarioReport,
    cases: Sequence[CaseResult],
    fuzz: dict[str, Any] | None,
    meta: ReportMeta,
    audit: dict[str, Any] | None = None,
    draw: Draw | None = None,
    answers: Answers | None = None,
    caught: Sequence[MutantRef] | None = None,
) -> str:
    """The whole page. `others` are check runs of further labs that the badges also show;
    `audit` is a saved audit of the lab (`model/report/auditfile.py`); `draw` lays out its
    pictures (default: `draw_svg` when `dot` is on PATH, else the pictures are left out);
    `answers` are `whatif`'s and `diagnose`'s for the lab, which open the page (default: asked
    here, `model/report/answers.py`); `caught` are the lab mutants the attack catalogue catches
    (`model/report/caught.py`; None: not run for this page)."""
    runs = [run, *others]
    tests_read = traceability.TESTS is not None
    matrix = build_matrix(
        property_refs(runs),
        req_markers(traceability.TESTS),
        attack_refs(cases),
        caught or (),
        tests_read=tests_read,
    )
    cited = cite(matrix)
    if draw is None and has_dot():
        draw = draw_svg
    traces, pictured = traces_section(lab, run, draw)
    sections = [
        ("lab", "Lab configuration", summary_section(run) + configuration_section(lab)),
        ("traces", "Traces", traces),
        ("properties", "Properties", properties_section(run, pictured)),
        (
            "requirements",
            "Requirements",
            requirements_section(
                matrix,
                [r.lab.name for r in runs],
                cited,
                tests_read=tests_read,
                mutants_run=caught is not None,
            )
            + _uncaught(caught)
            + source_text(cited),
        ),
        ("scenarios", "Scenario verdicts", scenarios_section(scenarios)),
        ("tables", "Access tables (regenerated from the model)", access_tables_section()),
        ("attacks", "Attack catalogue", attacks_section(cases)),
        ("diagrams", "Machine diagrams", diagrams_section(lab, run, draw)),
        ("assumptions", "Modeling assumptions", assumptions_section(read_assumptions())),
        ("glossary", "Glossary of property kinds and verdicts", glossary_section()),
    ]
    if fuzz is not None:
        coverage = fuzz["coverage"]
        text = (
            f"<p>{esc(str(coverage.get('reached', '?')))} of "
            f"{esc(str(coverage.get('reachable', '?')))} reachable "
            f"abstract states reached ({float(coverage.get('fraction', 0)):.1%}).</p>"
        )
        sections.insert(7, ("fuzz", "Fuzz coverage", text + coverage_svg(fuzz)))
    if audit is not None:
        sections.insert(3, ("strength", "Property strength", strength_section(audit)))
    sections[:0] = answers_sections(answer_all(lab) if answers is None else answers)
    nav = "".join(f'<a href="#{key}">{esc(title)}</a>' for key, title, _ in sections)
    body = "".join(
        f'<section id="{key}"><h2>{esc(title)}</h2>{html}</section>'
        for key, title, html in sections
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f"<title>Enhanced HTTP: audit report for lab {esc(lab.name)}</title>"
        f"<style>{CSS}</style></head><body>"
        f"{_header(lab, run, cases, meta)}<nav>{nav}</nav>{body}</body></html>\n"
    )


def _uncaught(caught: Sequence[MutantRef] | None) -> str:
    """The lab mutants no attack catches on this lab (the lockstep with the model may)."""
    missed = [m.name for m in caught or () if not m.caught_by]
    if not missed:
        return ""
    return (
        f'<p class="small">Lab mutants no attack case catches on this lab (the lockstep with the '
        f"model may, <code>ehttp fuzz --mutant</code>): {esc(', '.join(missed))}.</p>"
    )


def write_report(
    lab: Lab,
    out: Path,
    fuzz: dict[str, Any] | None = None,
    *,
    meta: ReportMeta,
    progress: Callable[[str], None] | None = None,
    stop: Callable[[], bool] | None = None,
    audit: dict[str, Any] | None = None,
) -> Written:
    """Check `lab` (and the example labs for the badges), run the attack catalogue against it,
    write the page into `out`; `progress` is told each lab as it is checked.

    `stop` is asked during and after each step (a stop request, as `ehttp.checker.check` takes);
    once it is True, or on a KeyboardInterrupt, `ReportInterrupted` says which labs were checked
    and nothing is written (the page is written atomically, last).
    """
    if out.exists() and not out.is_dir():
        raise ReportError(
            f"--out: {str(out)!r} is a file, not a folder; give a folder (it is created when "
            "missing)"
        )
    if fuzz is not None:
        coverage_svg(fuzz)
    tell = progress if progress is not None else (lambda _text: None)
    stopped = stop if stop is not None else (lambda: False)
    labs = [lab, *(other for other in example_labs() if other != lab)]
    runs: list[LabCheck] = []
    during = "starting"

    def interrupted() -> ReportInterrupted:
        checked = [
            CheckedLab(
                r.lab.name, r.main.states, len(r.properties), sum(p.holds for _, p in r.properties)
            )
            for r in runs
        ]
        return ReportInterrupted(checked, [each.name for each in labs[len(runs) :]], during)

    try:
        for number, each in enumerate(labs, 1):
            during = f"checking lab {each.name!r}"
            # Said before each lab, so the first line comes at once, not after the first check.
            tell(f"[{number}/{len(labs)}] checking lab {each.name!r} ...")
            run = run_checks(each, stop=stop)
            if run.interrupted or stopped():
                raise interrupted()
            holding = sum(p.holds for _, p in run.properties)
            tell(
                f"[{number}/{len(labs)}] lab {each.name!r}: {run.main.states:,} states, "
                f"{holding} of {len(run.properties)} properties hold ({run.seconds:.1f} s)"
            )
            runs.append(run)
        during = "running the attack catalogue"
        tell("attack catalogue, scenarios and pictures")
        cases = run_catalogue(lab, meta.seed, meta.mutant, stop=stop)
        during = "drawing the page"
        if stopped() or len(cases) < len(CATALOGUE):
            during = "running the attack catalogue"
            raise interrupted()
        during = "running the attack catalogue against each lab mutant"
        tell(f"lab mutants: the attack catalogue against each of {len(MUTANTS)}")
        caught = catch_mutants(lab, meta.seed, stop=stop)
        if caught is None or stopped():
            raise interrupted()
        during = "answering what happens if you act and what you see"
        tell("what happens if you ... (ehttp whatif), if you see ... (ehttp diagnose)")
        answers = answer_all(lab)
        if stopped():
            raise interrupted()
        during = "drawing the page"
        page = render_page(
            lab,
            runs[0],
            runs[1:],
            evaluate(lab),
            cases,
            fuzz,
            meta,
            audit,
            answers=answers,
            caught=caught,
        )
        during = "writing the page"
        if stopped():
            raise interrupted()
        out.mkdir(parents=True, exist_ok=True)
        path = out / PAGE
        write_atomic(path, page.encode("utf-8"))
    except KeyboardInterrupt:
        raise interrupted() from None
    return Written(path, runs[0], cases)
