"""Every row of the engine's tables, in a stable order: what tests compare to show that a refused
call changed nothing, and what an operator reads when a record is questioned."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine as SAEngine
from sqlmodel import SQLModel

from engine.store.connect import ENGINE_TABLES
from engine.timesource import utc_dt

ENGINE_TABLE_NAMES: tuple[str, ...] = tuple(
    t.name for t in ENGINE_TABLES if t.name != "gongkai_meta")


def dump_tables(db: SAEngine, names: Iterable[str] = ENGINE_TABLE_NAMES,
                known: Mapping[str, sa.Table] | None = None) -> dict[str, list[dict[str, Any]]]:
    """Rows of each named table ordered by primary key, timestamps as aware UTC; a name is
    looked up in ``known`` (e.g. the workflow tables registered with an engine), then in
    SQLModel's metadata."""
    out: dict[str, list[dict[str, Any]]] = {}
    with db.connect() as conn:
        for name in names:
            table = (known or {}).get(name)
            if table is None:
                table = SQLModel.metadata.tables[name]
            rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns)).mappings()
            out[name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def _plain(value: Any) -> Any:
    return utc_dt(value) if isinstance(value, datetime) else value
