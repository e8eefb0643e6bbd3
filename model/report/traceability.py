"""The requirement traceability matrix: ID -> quote -> what checks it -> verdict.

Implements the tracing DESIGN.md's "Requirement catalogue" asks for: every requirement ID of
`specs/requirements.toml` is checked by properties of the model
(`ehttp.compose.properties.lab_checks`, run on the embedded default lab and the example labs in
`specs/labs/`), by attack cases the concrete lab must refuse (`ehttp.lab.attacks`, run by
`model/bridge/catalogue.py`), by lab mutants those attacks catch (`model/report/caught.py`) or by
tests that carry `@pytest.mark.req("ID", ...)`. Test markers are found by parsing `tests/*.py`
with `ast` (no test is imported or run), so the matrix can be built from a source checkout at any
time; an installed package ships no tests.

An ID's verdict comes from what it is given: "violated" or "unknown" when some property naming
it is, or ("violated") when an attack case naming it is not refused with its expected reason;
"holds" when some property naming it holds and none fails; "enforced" when no property names it
and the lab refuses every attack case naming it; "tested" when only tests check it; "vacuous"
when every property naming it was vacuous; "untraced" when nothing does, and, when the tests
were not there to read, "tests not shipped" instead (they may check it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ehttp.bridge.catalogue import CaseResult
from ehttp.compose.checking import LabCheck
from ehttp.compose.properties import lab_checks
from ehttp.compose.world import WorldModel
from ehttp.config.labfile import default_lab, load_lab
from ehttp.config.schema import Lab
from ehttp.report.requirements import SPECS, Requirement, load_requirements

__all__ = [
    "LABS",
    "NOT_SHIPPED",
    "TESTS",
    "AttackRef",
    "MarkerRef",
    "MutantRef",
    "PropertyRef",
    "TraceRow",
    "attack_refs",
    "build_matrix",
    "declared_properties",
    "example_labs",
    "property_refs",
    "req_markers",
]

LABS = SPECS / "labs"
"""The example lab files."""
_CHECKOUT = Path(__file__).resolve().parents[2]
TESTS: Path | None = (
    _CHECKOUT / "tests" if (_CHECKOUT / "tests" / "conftest.py").is_file() else None
)
"""The source checkout's tests, whose `req` markers are read; None in an installed package,
which has no tests (the report then says test traceability is not available)."""
NOT_SHIPPED = "tests not shipped"
"""The verdict of a requirement nothing but tests could check, when the tests are not there."""


@dataclass(frozen=True)
class PropertyRef:
    """A property of one lab's model (on the variant it is stated on) and its verdict."""

    lab: str
    variant: str
    name: str
    kind: str
    requirements: tuple[str, ...]
    verdict: str


@dataclass(frozen=True)
class MarkerRef:
    """A test carrying a `req` marker: ``tests/test_x.py::test_name`` and the IDs it names."""

    path: str
    name: str
    requirements: tuple[str, ...]

    @property
    def node(self) -> str:
        """The pytest node id."""
        return f"{self.path}::{self.name}"


@dataclass(frozen=True)
class AttackRef:
    """An attack case run against the lab: its name, the reason code it must be refused with,
    the requirement IDs it defends and whether the lab refused it so."""

    name: str
    reason: str
    requirements: tuple[str, ...]
    refused: bool


@dataclass(frozen=True)
class MutantRef:
    """A lab mutant, the attacks that let it through (none: not caught by an attack) and the
    requirement IDs those attacks defend."""

    name: str
    caught_by: tuple[str, ...]
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class TraceRow:
    """One requirement: where it comes from, what checks it, and the verdict."""

    requirement: Requirement
    properties: tuple[PropertyRef, ...]
    tests: tuple[MarkerRef, ...]
    verdict: str
    attacks: tuple[AttackRef, ...] = ()
    mutants: tuple[MutantRef, ...] = ()

    @property
    def id(self) -> str:
        """The requirement ID."""
        return self.requirement.id


def example_labs() -> tuple[Lab, ...]:
    """The embedded default lab, then every example lab in file-name order."""
    return (default_lab(), *(load_lab(path) for path in sorted(LABS.glob("*.toml"))))


def declared_properties(labs: Iterable[Lab]) -> tuple[PropertyRef, ...]:
    """Every property `lab_checks` declares for each lab, without running the checker."""
    return tuple(
        PropertyRef(
            lab.name, check.variant, check.prop.name, check.prop.kind, check.prop.requirements, ""
        )
        for lab in labs
        for check in lab_checks(WorldModel(lab))
    )


def property_refs(runs: Iterable[LabCheck]) -> tuple[PropertyRef, ...]:
    """Every property judged in the given check runs, with its verdict."""
    return tuple(
        PropertyRef(run.lab.name, variant, prop.name, prop.kind, prop.requirements, prop.verdict)
        for run in runs
        for variant, prop in run.properties
    )


def _is_req(node: ast.expr) -> ast.Call | None:
    """The call when `node` is ``pytest.mark.req(...)`` or ``mark.req(...)``."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    func = node.func
    if func.attr != "req":
        return None
    owner = func.value
    if isinstance(owner, ast.Attribute) and owner.attr == "mark":
        return node
    if isinstance(owner, ast.Name) and owner.id == "mark":
        return node
    return None


def _ids(calls: Iterable[ast.Call]) -> tuple[str, ...]:
    found = [
        arg.value
        for call in calls
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    ]
    return tuple(dict.fromkeys(found))


def _module_marks(tree: ast.Module) -> list[ast.Call]:
    calls: list[ast.Call] = []
    for statement in tree.body:
        if not isinstance(statement, ast.Assign):
            continue
        if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in statement.targets):
            continue
        values = (
            statement.value.elts if isinstance(statement.value, ast.List) else [statement.value]
        )
        calls.extend(call for value in values if (call := _is_req(value)) is not None)
    return calls


def _tests_in(
    body: Sequence[ast.stmt], prefix: str, inherited: list[ast.Call]
) -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test"
        ):
            own = [call for d in node.decorator_list if (call := _is_req(d)) is not None]
            ids = _ids([*inherited, *own])
            if ids:
                found.append((f"{prefix}{node.name}", ids))
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            own = [call for d in node.decorator_list if (call := _is_req(d)) is not None]
            found.extend(_tests_in(node.body, f"{prefix}{node.name}::", [*inherited, *own]))
    return found


def req_markers(tests: Path | None = TESTS) -> tuple[MarkerRef, ...]:
    """Every test in ``tests/**/test_*.py`` with a `req` marker (on it, its class or the module).

    Empty when there are no tests to read (an installed package)."""
    refs: list[MarkerRef] = []
    if tests is None:
        return ()
    for path in sorted(tests.rglob("test_*.py")):
        where = f"{tests.name}/{path.relative_to(tests).as_posix()}"
        for name, ids in _marked(path.read_text(encoding="utf-8"), str(path)):
            refs.append(MarkerRef(where, name, ids))
    return tuple(refs)


@lru_cache(maxsize=1024)
def _marked(text: str, filename: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The marked tests of one test file's text. Parsing is most of the cost of `req_markers`,
    which every report page calls (the hostile campaign draws dozens); the text is the key, so
    an edited file is parsed anew."""
    tree = ast.parse(text, filename=filename)
    return tuple(_tests_in(tree.body, "", _module_marks(tree)))


def attack_refs(cases: Iterable[CaseResult]) -> tuple[AttackRef, ...]:
    """Every attack case that ran (an honest twin or a case that did not apply left out)."""
    return tuple(
        AttackRef(
            case.attack.name,
            str(case.attack.expected.value),
            case.attack.requirements,
            case.as_expected,
        )
        for case in cases
        if case.actual is not None and not case.attack.honest
    )


def _verdict(
    properties: Sequence[PropertyRef],
    tests: Sequence[MarkerRef],
    attacks: Sequence[AttackRef],
    tests_read: bool,
) -> str:
    verdicts = {p.verdict for p in properties}
    if not all(a.refused for a in attacks):
        return "violated"
    for bad in ("violated", "unknown"):
        if bad in verdicts:
            return bad
    if "holds" in verdicts:
        return "holds"
    if attacks:
        return "enforced"
    if tests:
        return "tested"
    if verdicts == {"vacuous"}:
        return "vacuous"
    return "untraced" if tests_read else NOT_SHIPPED


def build_matrix(
    properties: Sequence[PropertyRef],
    tests: Sequence[MarkerRef],
    attacks: Sequence[AttackRef] = (),
    mutants: Sequence[MutantRef] = (),
    *,
    tests_read: bool = True,
) -> tuple[TraceRow, ...]:
    """One row per catalogue requirement, in catalogue order; `tests_read` says whether `tests`
    come from a tests folder (False in an installed package, which ships none)."""
    rows = []
    for requirement in load_requirements():
        own = requirement.id
        props = tuple(p for p in properties if own in p.requirements)
        marked = tuple(t for t in tests if own in t.requirements)
        cases = tuple(a for a in attacks if own in a.requirements)
        caught = tuple(m for m in mutants if own in m.requirements)
        verdict = _verdict(props, marked, cases, tests_read)
        rows.append(TraceRow(requirement, props, marked, verdict, cases, caught))
    return tuple(rows)
