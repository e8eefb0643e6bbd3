"""The package map's rules, read from the source with `ast` (STYLE.md rule 14); the one place they
live.

The packages of `model/` (imported as `ehttp`) stand on floors, and a package imports only from
floors below its own (`FLOORS`), so in particular:
- the checker imports nothing of Enhanced HTTP (only itself), and outside it the checker is
  imported only through its `__init__`;
- the declarations (`model/machines/`) import no view, lab, fuzz, report, composition or CLI;
- the lab (`model/lab/`) imports nothing of the composition, the bridge or the fuzz campaign:
  the bridge (`model/bridge/`) maps it onto the model;
- nothing outside `model/cli/` imports the CLI;
- no import cycle among the modules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

import ehttp

ROOT = Path(ehttp.__file__).resolve().parent


def _module_name(path: Path) -> str:
    """The import name of a file of `model/` (the folder is imported as `ehttp`)."""
    parts = ("ehttp", *path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """The `ehttp` modules a file imports, by their full dotted names (type-only imports too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "ehttp" or node.module.startswith("ehttp."):
                yield node.module
                for alias in node.names:
                    yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "ehttp" or alias.name.startswith("ehttp."):
                    yield alias.name


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules it imports (a `from pkg import name` counts only when name is one)."""
    return {
        name: {found for found in _imports(path) if found in modules and found != name}
        for name, path in modules.items()
    }


@cache
def graph() -> dict[str, set[str]]:
    """The package's import graph, parsed once, when a test first asks (not at collection, which
    every pytest-xdist worker does)."""
    return _graph(MODULES)


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _violations(rule: str, sources: str, banned: tuple[str, ...]) -> list[str]:
    return [
        f"{rule}: {name} imports {target}"
        for name, targets in graph().items()
        if _in(name, sources)
        for target in sorted(targets)
        if any(_in(target, b) for b in banned)
    ]


FLOORS: tuple[tuple[str, ...], ...] = (
    ("checker", "readlimits", "atomic", "programs", "shipped", "words"),
    ("config", "schemas"),
    ("machines",),
    ("lab", "compose"),
    ("decide",),
    ("bridge", "views"),
    ("ask",),
    ("report",),
    ("fuzz", "explore"),
    ("audit",),
    ("cli",),
)
"""The floors of the package map, lowest first: a package (or top-level module) of `model/`
imports only from floors below its own."""


def _top(name: str) -> str:
    """The package (or top-level module) of `ehttp` that module `name` belongs to."""
    return name.split(".")[1] if "." in name else ""


def _floor(top: str) -> int:
    return next(number for number, floor in enumerate(FLOORS) if top in floor)


def _against_the_floors(graph: dict[str, set[str]]) -> list[str]:
    return [
        f"{name} imports {target}"
        for name, targets in sorted(graph.items())
        for target in sorted(targets)
        if _top(name) and _top(target) and _top(name) != _top(target)
        if _floor(_top(target)) >= _floor(_top(name))
    ]


def test_every_package_stands_on_a_floor() -> None:
    tops = {_top(name) for name in MODULES if _top(name)}
    assert tops == {top for floor in FLOORS for top in floor}


def test_no_import_against_the_floors() -> None:
    assert _against_the_floors(graph()) == []


def test_an_import_against_the_floors_is_reported() -> None:
    graph = {"ehttp.lab.mp": {"ehttp.compose.world"}, "ehttp.bridge.driver": {"ehttp.lab.mp"}}
    assert _against_the_floors(graph) == ["ehttp.lab.mp imports ehttp.compose.world"]


def test_the_lab_imports_nothing_of_the_composition_or_the_bridge() -> None:
    banned = ("ehttp.compose", "ehttp.bridge", "ehttp.checker", "ehttp.fuzz")
    assert _violations("lab", "ehttp.lab", banned) == []


def test_the_map_has_the_packages_the_readme_names() -> None:
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    expected = {
        "checker",
        "machines",
        "compose",
        "config",
        "views",
        "report",
        "lab",
        "bridge",
        "fuzz",
        "cli",
    }
    assert packages >= {"ehttp", *(f"ehttp.{p}" for p in expected)}


def test_the_checker_imports_nothing_of_enhanced_http() -> None:
    outside = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if _in(name, "ehttp.checker")
        for target in targets
        if not _in(target, "ehttp.checker")
    ]
    assert outside == []


def test_the_checker_is_imported_only_through_its_front_door() -> None:
    reached_in = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if not _in(name, "ehttp.checker")
        for target in targets
        if _in(target, "ehttp.checker") and target != "ehttp.checker"
    ]
    assert reached_in == []


def test_declarations_import_no_view_lab_fuzz_report_composition_or_cli() -> None:
    banned = tuple(
        f"ehttp.{p}" for p in ("views", "lab", "fuzz", "report", "cli", "compose", "checker")
    )
    assert _violations("declarations", "ehttp.machines", banned) == []


def test_nothing_imports_the_cli() -> None:
    found = [
        f"{name} imports {target}"
        for name, targets in graph().items()
        if not _in(name, "ehttp.cli")
        for target in targets
        if _in(target, "ehttp.cli")
    ]
    assert found == []


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of `graph` as a list of modules, or None (depth-first, iterative
    colours)."""
    colour: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        colour[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if colour.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in colour and (found := visit(target)) is not None:
                return found
        stack.pop()
        colour[node] = 2
        return None

    for node in sorted(graph):
        if node not in colour and (found := visit(node)) is not None:
            return found
    return None


def test_no_import_cycle_in_the_package() -> None:
    # A package's __init__ importing its own modules is the front door, not a cycle; only
    # edges between modules count (an __init__ is a module too when another module imports it).
    assert _cycle(graph()) is None


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(
    graph: dict[str, set[str]], expected: list[str] | None
) -> None:
    assert _cycle(graph) == expected


def test_a_banned_import_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "probe.py"
    source.write_text("from ehttp.fuzz.campaign import run_campaign\n", encoding="utf-8")
    assert "ehttp.fuzz.campaign" in set(_imports(source))
