"""Table dumps for tests: show that a refused call changed nothing, row for row."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from engine.runtime.engine import Engine
from engine.store.dump import ENGINE_TABLE_NAMES, dump_tables


def dump(engine: Engine, tables: Iterable[str] = ENGINE_TABLE_NAMES
         ) -> dict[str, list[dict[str, Any]]]:
    """Every row of the engine's tables (or of ``tables``), ordered by primary key, UTC times."""
    return dump_tables(engine.db, tables)


@contextmanager
def unchanged(engine: Engine, tables: Iterable[str] = ENGINE_TABLE_NAMES) -> Iterator[None]:
    """Assert that no row of the engine's tables (or of ``tables``) changes inside the block;
    the ``AssertionError`` names the first table that changed."""
    names = tuple(tables)
    before = dump(engine, names)
    yield
    after = dump(engine, names)
    for name in names:
        assert after[name] == before[name], f"{name} changed"
