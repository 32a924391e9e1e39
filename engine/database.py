"""Connecting to the database: SQLite file (default) or PostgreSQL, schema creation and checks.

SQLite runs in WAL mode with ``synchronous=FULL`` (a power cut loses no committed transition),
foreign keys on and a busy timeout; writing transactions start with ``BEGIN IMMEDIATE`` so two
writers queue up instead of failing on a lock upgrade. PostgreSQL is reached through psycopg 3
(``postgresql+psycopg://…``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine as SAEngine
from sqlalchemy import create_engine, event, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from engine.errors import SchemaMismatch
from engine.storage import SCHEMA_VERSION, meta

READ_ONLY = {"gongkai_read": True}
SQLITE_BUSY_TIMEOUT_MS = 30_000


def connect(url: str, **kwargs: Any) -> SAEngine:
    """Create the SQLAlchemy engine for ``url`` with gongkai's settings, and the schema."""
    if url.startswith("sqlite"):
        db = _sqlite_engine(url, **kwargs)
    else:
        kwargs.setdefault("pool_pre_ping", True)
        db = create_engine(url, **kwargs)
    _ensure_schema(db)
    return db


def is_sqlite(db: SAEngine) -> bool:
    return db.dialect.name == "sqlite"


def _sqlite_engine(url: str, **kwargs: Any) -> SAEngine:
    if ":memory:" in url or url in ("sqlite://", "sqlite:///"):
        raise ValueError("gongkai needs a SQLite file (its workers share it); use sqlite:///path.db")
    db = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)

    @event.listens_for(db, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(db, "begin")
    def _on_begin(conn: Connection) -> None:
        read = conn.get_execution_options().get("gongkai_read", False)
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")

    return db


def _ensure_schema(db: SAEngine) -> None:
    SQLModel.metadata.create_all(db, tables=_tables())
    with db.begin() as conn:
        found = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
        if found is None:
            conn.execute(insert(meta).values(key="schema_version", value=SCHEMA_VERSION))
        elif found != SCHEMA_VERSION:
            raise SchemaMismatch(found, SCHEMA_VERSION)


def _tables() -> list[Any]:
    from engine import storage

    return [storage.meta, storage.definitions, storage.instances, storage.events,
            storage.outbox, storage.timers, storage.counters]
