"""Every difference between SQLite and PostgreSQL, in one place, computed once per database.

SQLite has one writer: writing transactions begin ``IMMEDIATE`` so writers queue instead of
failing on a lock upgrade, and a claim needs no row lock. PostgreSQL has many: a claim takes the
row ``FOR UPDATE SKIP LOCKED`` so workers on many hosts share a table, each row to one of them.
Both upsert with ``ON CONFLICT DO NOTHING``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine as SAEngine
from sqlalchemy import Select, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

READ_ONLY = {"gongkai_read": True}
"""Execution options of a reading connection: on SQLite it begins a plain (deferred) BEGIN."""


@dataclass(frozen=True)
class Dialect:
    """What this database can do, asked once when the engine connects."""

    name: str
    skip_locked: bool
    single_writer: bool

    def insert_ignore(self, table: Table, index: list[str], values: dict[str, Any]) -> Any:
        """An INSERT that does nothing if a row with the same ``index`` columns exists."""
        make = pg_insert if self.name == "postgresql" else sqlite_insert
        return make(table).values(**values).on_conflict_do_nothing(index_elements=index)

    def insert_ignoring(self, table: Table, index: list[str]) -> Any:
        """The same INSERT with its values bound when it runs: build it once, run it often."""
        make = pg_insert if self.name == "postgresql" else sqlite_insert
        return make(table).on_conflict_do_nothing(index_elements=index)

    def claim(self, conn: Connection, query: Select[Any]) -> Any:
        """The first row of ``query``, locked for this transaction where others could take it:
        PostgreSQL skips rows another transaction holds; SQLite's one writer holds them all."""
        if self.skip_locked:
            query = query.with_for_update(skip_locked=True)
        return conn.execute(query).first()


def dialect_of(db: SAEngine) -> Dialect:
    name = db.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise ValueError(f"gongkai runs on SQLite or PostgreSQL, not {name!r}")
    return Dialect(name=name, skip_locked=name == "postgresql", single_writer=name == "sqlite")
