"""Table dumps for tests: show that a refused call changed nothing, row for row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from engine.runtime.core import Core
from engine.runtime.engine import Engine
from engine.store.dump import ENGINE_TABLE_NAMES, dump_tables


def _core(engine: Engine | Core) -> Core:
    return engine.core if isinstance(engine, Engine) else engine


def table_names(engine: Engine | Core) -> tuple[str, ...]:
    """The engine's own tables, then the workflow tables registered with it (by name)."""
    return (*ENGINE_TABLE_NAMES, *sorted(_core(engine).tables.tables))


def dump(engine: Engine | Core, tables: Iterable[str] | None = None
         ) -> dict[str, list[dict[str, Any]]]:
    """Every row of the engine's tables and of the workflow tables registered with it (or of
    ``tables``), every agency's, ordered by primary key, UTC times."""
    core = _core(engine)
    names = table_names(core) if tables is None else tuple(tables)
    return dump_tables(core.db, names, core.tables.tables)


@contextmanager
def unchanged(engine: Engine | Core, tables: Iterable[str] | None = None) -> Iterator[None]:
    """Assert that no row of the engine's tables and of the workflow tables registered with it
    (or of ``tables``) changes inside the block; the ``AssertionError`` names the first table
    that changed. The workflow tables are those registered when the block begins."""
    names = table_names(engine) if tables is None else tuple(tables)
    before = dump(engine, names)
    yield
    after = dump(engine, names)
    for name in names:
        assert after[name] == before[name], f"{name} changed"
