"""The engine's shape: import arrows point one way, only ``engine/store/`` speaks SQL, and the
public surface embedding systems rely on stays where it is (ARCHITECTURE.md)."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "engine"

LAYERS = {
    "errors": 1, "actor": 1, "timesource": 1, "personal": 1, "text": 1, "limits": 1, "json_text": 1,
    "data": 1,
    "definition": 2,
    "clocks": 3, "snapshot": 3, "audit": 3,
    "transition": 4,
    "store": 5,
    "runtime": 6,
    "testing": 7, "cli": 7,
}
"""Each top-level part of ``engine`` and its layer: a module may import only its own layer or
lower ones (ARCHITECTURE.md, "Layers")."""


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ENGINE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ENGINE.rglob("*.py")}


def _imports(path: Path, name: str) -> Iterator[str]:
    """Every module named by an import anywhere in the file: top level, inside functions and
    under ``TYPE_CHECKING`` alike."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: {m for m in _imports(path, name) if m in modules and m != name}
            for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def _part(module: str) -> str:
    return module.split(".")[1] if module.count(".") else ""


def test_the_import_graph_of_engine_has_no_cycle() -> None:
    graph = _graph()
    assert len(graph) > 30  # the walk found the package
    assert _cycle(graph) is None


def test_the_cycle_finder_finds_a_planted_cycle() -> None:
    graph = _graph()
    graph["engine.actor"] = graph["engine.actor"] | {"engine.runtime.engine"}
    assert _cycle(graph) is not None


def test_imports_point_down_the_layers() -> None:
    wrong = [f"{src} imports {dst}"
             for src, dsts in _graph().items() if _part(src) in LAYERS
             for dst in dsts if _part(dst) in LAYERS and LAYERS[_part(dst)] > LAYERS[_part(src)]]
    assert wrong == []


def test_engine_code_never_imports_the_engine_package_itself() -> None:
    """``from engine import X`` inside ``engine`` would tie every module to the facade."""
    assert [src for src, dsts in _graph().items() if src != "engine" and "engine" in dsts] == []


def test_only_the_store_imports_sqlalchemy_or_sqlmodel() -> None:
    users = sorted(name for name, path in _modules().items()
                   if any(m.split(".")[0] in ("sqlalchemy", "sqlmodel")
                          for m in _imports(path, name)))
    assert users and all(u.startswith("engine.store") for u in users), users


def test_engine_and_calendars_never_import_workflows() -> None:
    offenders = [name for name, path in _modules().items()
                 if any(m.split(".")[0] == "workflows" for m in _imports(path, name))]
    assert offenders == []


NEW_ERRORS = ["DatabaseBusy", "DatabaseReadOnly", "DatabaseUnavailable", "DeadlineError",
              "DiskFull", "InvalidArgument", "StorageError"]

PUBLIC = {
    "engine": ["SYSTEM", "Action", "Actor", "Clock", "ClockEffect", "ConcurrentUpdate",
               "Deadline", "DefinitionError", "DuplicateBusinessKey", "DuplicateRow", "Engine",
               "Event", "Guard", "GuardRejected", "HistoryTampered", "Instance", "InvalidData",
               "InvalidRow", "InvalidTransition", "Link", "NotFound", "PermissionDenied",
               "Registry", "Schedule", "ScheduleError", "ScheduleSpec", "SchemaMismatch", "State",
               "TableMisuse", "Title", "Transition", "TransitionContext", "WorkflowDefinition",
               "WorkflowError", "Limits", "grant_system", *NEW_ERRORS],
    "engine.errors": ["ConcurrentUpdate", "DefinitionError", "DuplicateBusinessKey",
                      "DuplicateRow", "GuardRejected", "HistoryTampered", "InvalidData",
                      "InvalidRow", "InvalidTransition", "NotFound", "PermissionDenied",
                      "ScheduleError", "SchemaMismatch", "TableMisuse", "WorkflowError",
                      *NEW_ERRORS],
    "engine.testing": ["BUILTIN_INVARIANTS", "ManualClock", "Story", "advance", "dump",
                       "explore", "guard_context", "postgres_schema", "temp_engine", "unchanged",
                       "workflow_state_machine"],
    "engine.cli": ["main"],
}


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_public_names_stay_where_they_are(module: str) -> None:
    loaded = importlib.import_module(module)
    missing = [name for name in PUBLIC[module] if not hasattr(loaded, name)]
    assert missing == []


def test_the_engine_package_exports_exactly_its_public_names() -> None:
    import engine

    assert sorted(engine.__all__) == sorted(PUBLIC["engine"])
    assert callable(engine.Engine.advance)
