"""The package's shape (docs/architecture.md): no import loops, presentation and CLI on top."""

from __future__ import annotations

import ast
from pathlib import Path

from _helpers import ROOT

PACKAGE = ROOT / "src" / "wtguidance"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports() -> dict[str, set[str]]:
    """Module → the wtguidance modules it imports, at any depth (function-local too)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                base = node.module
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in modules else base)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


GRAPH = _imports()


def test_no_relative_imports_so_the_graph_above_is_complete() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        relative = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level]
        assert not relative, f"{path}: relative imports on lines {relative}"


def test_there_are_no_import_loops() -> None:
    state: dict[str, int] = {}

    def visit(module: str, stack: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                loop = [*stack[stack.index(target) :], target] if target in stack else [target]
                raise AssertionError(f"import loop: {' -> '.join(loop)}")
            if target not in state:
                visit(target, [*stack, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


def _importers_of(prefix: str) -> set[str]:
    return {
        module
        for module, targets in GRAPH.items()
        if any(t == prefix or t.startswith(prefix + ".") for t in targets)
    }


def _outside(modules: set[str], *allowed: str) -> set[str]:
    return {m for m in modules if not any(m == a or m.startswith(a + ".") for a in allowed)}


def test_nothing_imports_the_command_line() -> None:
    # _generate (a tool, not part of the library) reads the parser for the CLI reference page
    allowed = ("wtguidance.cli", "wtguidance.__main__", "wtguidance._generate")
    assert _outside(_importers_of("wtguidance.cli"), *allowed) == set()


def test_only_the_top_imports_presentation() -> None:
    top = ("wtguidance._render", "wtguidance.cli", "wtguidance._generate", "wtguidance.service")
    assert _outside(_importers_of("wtguidance._render"), *top) == set()


def test_the_compiler_engine_and_case_stay_below_evaluation() -> None:
    lower = ("wtguidance._engine", "wtguidance._pack", "wtguidance.case", "wtguidance.results")
    higher = (
        "wtguidance.evaluation",
        "wtguidance.protocol",
        "wtguidance.diff",
        "wtguidance.editions",
    )
    for module, targets in GRAPH.items():
        if any(module == p or module.startswith(p + ".") for p in lower):
            assert not {t for t in targets if t.startswith(higher)}, module


SOURCES = "wtguidance.sources"
# the old import paths of the importers, kept for one release (each warns on import)
DEPRECATED_SHIMS = {
    "wtguidance.case.cin_census",
    "wtguidance.case.annex_a",
    "wtguidance.case.sourced",
    "wtguidance.caseload.batch",
}


def _in(module: str, *wings: str) -> bool:
    return any(module == w or module.startswith(w + ".") for w in wings)


def test_the_case_wing_holds_the_record_alone() -> None:
    # importers live in sources/ (DESIGN §17 v1.2): case/ imports no importer, and nothing
    # of case/ but the deprecated shims reaches up into sources/
    for module, targets in GRAPH.items():
        if _in(module, "wtguidance.case") and module not in DEPRECATED_SHIMS:
            assert not {t for t in targets if _in(t, SOURCES)}, module


def test_the_sources_stand_on_the_case_record_only() -> None:
    # an importer reads its format into the record: it imports the case wing and the
    # ground floor, never the compiler, the engine, evaluation, caseloads or presentation
    allowed = (
        SOURCES,
        "wtguidance.case",
        "wtguidance.codes",
        "wtguidance.errors",
        "wtguidance._arguments",
        "wtguidance._install_hint",
    )
    for module, targets in GRAPH.items():
        if _in(module, SOURCES):
            assert not {t for t in targets if not _in(t, *allowed)}, (module, targets)


def test_each_format_has_one_home_in_sources() -> None:
    formats = {m.split(".")[2] for m in GRAPH if _in(m, SOURCES) and m != SOURCES}
    assert {"cin_census", "annex_a", "jsonl", "sourced"} <= formats
    # the deprecated shims are thin: they hand on the new module and hold no importer code
    for shim in DEPRECATED_SHIMS & set(GRAPH):
        path = PACKAGE.parent / (shim.replace(".", "/") + ".py")
        assert len(path.read_text(encoding="utf-8").splitlines()) < 30, shim


def test_the_case_wing_stays_small() -> None:
    lines = sum(
        len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "case").rglob("*.py")
    )
    assert lines <= 1600, lines


def test_a_wing_is_entered_through_its_own_modules_only_from_above() -> None:
    """No module of the ground floor imports a wing."""
    catalogue = {
        "wtguidance.codes",
        "wtguidance._code_types",
        "wtguidance._codes_errors",
        "wtguidance._codes_findings",
    }
    ground = ("wtguidance.errors", "wtguidance._ids", "wtguidance._resources", *catalogue)
    for module in ground:
        assert GRAPH[module] <= catalogue, module


def test_the_engine_never_sees_a_protocol() -> None:
    # a protocol tightens its edition once, as data (Editions.tightened_by): the engine
    # wing imports nothing of the protocol wing or the overlay, directly or through others
    for module, targets in GRAPH.items():
        if module == "wtguidance._engine" or module.startswith("wtguidance._engine."):
            reached = _reachable(module)
            assert "wtguidance.overlay" not in reached, module
            assert not {t for t in reached if t.startswith("wtguidance.protocol")}, module
            assert "wtguidance.editions" not in targets, module


def _reachable(start: str) -> set[str]:
    seen: set[str] = set()
    stack = [start]
    while stack:
        for target in GRAPH.get(stack.pop(), ()):
            if target not in seen:
                seen.add(target)
                stack.append(target)
    return seen


def test_the_command_line_stays_a_thin_leaf() -> None:
    # each command reads arguments, calls its domain and writes (DESIGN §17 v1.2)
    for path in (PACKAGE / "cli").glob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines < 150, (path.name, lines)
