"""The code's layout shows the pipeline: one package per stage, imports one-way in data-flow
order, and no import cycles between modules (../shared/style.md). The graph is read from the
source, every import included (those inside functions too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "generator"
STAGES = ("load", "model", "compute", "validate", "review", "render", "site")
"""The pipeline's stages, in the order data flows through them. `compute` holds pure functions
over the model; validation's reconciliation calls them too, so it comes before `validate` here
(and never imports it)."""
RANK = {
    "problems": 0,  # what every stage shares: problems as values, and the caches' keys
    "caches": 0,
    "load": 1,
    "model": 2,
    "compute": 3,
    "validate": 4,
    "pipeline": 5,  # load -> model -> validate, for every command
    "review": 6,  # two versions compared: `plans diff`, what changed since last year
    "cycle": 7,  # the yearly cycle: `plans new-year`, `plans publish`
    "sheets": 8,  # spreadsheets both ways: `plans export --xlsx`, `plans import`
    "render": 9,
    "site": 10,
    "starter": 11,  # `plans init`
    "cli": 12,
    "__main__": 13,
}
assert [RANK[s] for s in STAGES] == sorted(RANK[s] for s in STAGES)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path) -> set[str]:
    """The generator modules `path` imports: a name imported from a package is an edge to its
    submodule when there is one, else to the package itself."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator"):
            module = str(node.module)
            for alias in node.names:
                child = f"{module}.{alias.name}"
                found.add(child if child in MODULES else module)
    return {name for name in found if name in MODULES}


GRAPH = {name: imports(path) for name, path in MODULES.items()}


def stage(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_module_belongs_to_a_known_place() -> None:
    unknown = sorted({stage(m) for m in MODULES} - set(RANK) - {"__init__"})
    assert unknown == [], f"modules outside the pipeline's packages: {unknown}"


def test_imports_run_one_way_in_data_flow_order() -> None:
    backwards = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        for target in sorted(targets)
        if stage(module) != "__init__"
        and stage(target) != "__init__"
        and RANK[stage(target)] > RANK[stage(module)]
    ]
    assert backwards == []


def test_no_module_imports_itself_back() -> None:
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


@pytest.mark.parametrize("name", ["load", "validate", "site"])
def test_each_cache_lives_with_its_stage(name: str) -> None:
    """A stage's cache is a module of its own package, imported by nothing upstream."""
    assert f"generator.{name}.cache" in MODULES
    users = {m for m, targets in GRAPH.items() if f"generator.{name}.cache" in targets}
    assert all(RANK.get(stage(m), 99) >= RANK[name] for m in users), users


def test_no_module_does_five_jobs() -> None:
    """Modules stay small enough to read: none over 700 lines."""
    long = {
        name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > 700
    }
    assert long == {}
