"""Additive upgrades of an existing database, done when an engine connects.

Issue 13 added two nullable columns to ``gongkai_events`` (``scheme`` and ``row_digest``, see
``engine.audit``). A database created before them keeps schema version 2: its old events keep
``NULL`` there and verify as before, and an older gongkai ignores the columns. The upgrade runs
once per database (recorded in ``gongkai_meta``) and is safe when several engines connect at
once (PostgreSQL: ``IF NOT EXISTS``; SQLite: its one writer).
"""

from __future__ import annotations

from sqlalchemy import Engine as SAEngine
from sqlalchemy import inspect, select

from engine.store.dialect import dialect_of
from engine.store.tables import HISTORY_SCHEME_MAX, events, meta

HISTORY_COLUMNS = "history_columns"
"""The ``gongkai_meta`` key recording that the events carry the history columns."""
_COLUMNS = (("scheme", f"VARCHAR({HISTORY_SCHEME_MAX})"), ("row_digest", "VARCHAR(64)"))


def add_history_columns(db: SAEngine) -> None:
    """Add ``scheme`` and ``row_digest`` to ``gongkai_events`` where they are missing."""
    dialect = dialect_of(db)
    with db.begin() as conn:
        if conn.execute(select(meta.c.value).where(meta.c.key == HISTORY_COLUMNS)).scalar():
            return
        have = {c["name"] for c in inspect(conn).get_columns(events.name)}
        guard = " IF NOT EXISTS" if dialect.name == "postgresql" else ""
        for name, kind in _COLUMNS:
            if name not in have:
                conn.exec_driver_sql(f"ALTER TABLE {events.name} ADD COLUMN{guard} {name} {kind}")
        conn.execute(dialect.insert_ignore(meta, ["key"], dict(key=HISTORY_COLUMNS, value="1")))
