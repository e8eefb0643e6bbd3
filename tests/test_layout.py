"""The package map's rules, read from the source with `ast` (STYLE.md rule 14).

- the checker imports nothing of Enhanced HTTP (only itself);
- outside the checker, the checker is imported only through its `__init__`;
- the declarations (`model/spec/`) import no view, lab, fuzz, report, composition or CLI;
- the lab imports no fuzz; nothing outside `model/cli/` imports the CLI;
- no import cycle among the modules of `model/`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import model

ROOT = Path(model.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[str]:
    """The `model` modules a file imports, by their full dotted names (type-only imports too)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "model" or node.module.startswith("model."):
                yield node.module
                for alias in node.names:
                    yield f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("model"):
                    yield alias.name


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules it imports (a `from pkg import name` counts only when name is one)."""
    return {
        name: {found for found in _imports(path) if found in modules and found != name}
        for name, path in modules.items()
    }


GRAPH = _graph(MODULES)


def _in(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def _violations(rule: str, sources: str, banned: tuple[str, ...]) -> list[str]:
    return [
        f"{rule}: {name} imports {target}"
        for name, targets in GRAPH.items()
        if _in(name, sources)
        for target in sorted(targets)
        if any(_in(target, b) for b in banned)
    ]


def test_the_map_has_the_packages_the_readme_names() -> None:
    packages = {name for name, path in MODULES.items() if path.name == "__init__.py"}
    expected = {"checker", "spec", "compose", "config", "views", "report", "lab", "fuzz", "cli"}
    assert packages >= {"model", *(f"model.{p}" for p in expected)}


def test_the_checker_imports_nothing_of_enhanced_http() -> None:
    outside = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if _in(name, "model.checker")
        for target in targets
        if not _in(target, "model.checker")
    ]
    assert outside == []


def test_the_checker_is_imported_only_through_its_front_door() -> None:
    reached_in = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not _in(name, "model.checker")
        for target in targets
        if _in(target, "model.checker") and target != "model.checker"
    ]
    assert reached_in == []


def test_declarations_import_no_view_lab_fuzz_report_composition_or_cli() -> None:
    banned = tuple(
        f"model.{p}" for p in ("views", "lab", "fuzz", "report", "cli", "compose", "checker")
    )
    assert _violations("declarations", "model.spec", banned) == []


def test_the_lab_imports_no_fuzz() -> None:
    assert _violations("lab", "model.lab", ("model.fuzz",)) == []


def test_nothing_imports_the_cli() -> None:
    found = [
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if not _in(name, "model.cli")
        for target in targets
        if _in(target, "model.cli")
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


def test_no_import_cycle_in_model() -> None:
    # A package's __init__ importing its own modules is the front door, not a cycle; only
    # edges between modules count (an __init__ is a module too when another module imports it).
    assert _cycle(GRAPH) is None


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
    source.write_text("from model.fuzz.campaign import run_campaign\n", encoding="utf-8")
    assert "model.fuzz.campaign" in set(_imports(source))
