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
from engine.store import tables
from engine.store.dialect import READ_ONLY
from engine.store.faults import database_url, storage_errors
from engine.store.tables import SCHEMA_VERSION, meta
from engine.store.upgrade import add_history_columns

SQLITE_BUSY_TIMEOUT_MS = 30_000
__all__ = ["READ_ONLY", "connect", "ensure_tables"]


def connect(url: str, **kwargs: Any) -> SAEngine:
    """Create the SQLAlchemy engine for ``url`` with gongkai's settings, and the schema.

    Raises :class:`DatabaseUnavailable` for a URL gongkai cannot store in (see
    :func:`~engine.store.faults.database_url`) or a database it cannot open, another
    :class:`StorageError` for a database that refuses (read-only, locked, full), and
    :class:`SchemaMismatch`.
    """
    url = database_url(url)
    with storage_errors(url):
        if url.startswith("sqlite"):
            db = _sqlite_engine(url, **kwargs)
        else:
            kwargs.setdefault("pool_pre_ping", True)
            db = create_engine(url, **kwargs)
        _plain_savepoints(db)
        try:
            _ensure_schema(db)
        except BaseException:
            db.dispose()
            raise
    return db


def _plain_savepoints(db: SAEngine) -> None:
    """Send savepoint statements as plain SQL: SQLAlchemy compiles its savepoint clauses afresh
    on every use (they carry no cache key), which cost more than running them, and the timer
    drain takes a savepoint per timer. The names are SQLAlchemy's (``sa_savepoint_1``…); the
    savepoint events (``engine.store.checkpoints``) fire as before."""
    def savepoint(conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f"SAVEPOINT {name}")

    def release(conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f"RELEASE SAVEPOINT {name}")

    def rollback_to(conn: Connection, name: str) -> None:
        conn.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {name}")

    setattr(db.dialect, "do_savepoint", savepoint)  # noqa: B010  (this engine's dialect only)
    setattr(db.dialect, "do_release_savepoint", release)  # noqa: B010
    setattr(db.dialect, "do_rollback_to_savepoint", rollback_to)  # noqa: B010


def _sqlite_engine(url: str, **kwargs: Any) -> SAEngine:
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
    ensure_tables(db, "schema_version", SCHEMA_VERSION, ENGINE_TABLES)
    add_history_columns(db)


ENGINE_TABLES = (tables.meta, tables.definitions, tables.instances, tables.events, tables.outbox,
                 tables.timers, tables.counters, tables.links, tables.schedules)


def ensure_tables(db: SAEngine, key: str, version: str, wanted: Any) -> None:
    """Create ``wanted`` tables if missing and check the version recorded under ``key``.

    The engine's own tables are recorded as ``schema_version``; a workflow package's tables under
    its own key, so each package versions its tables apart. Raises :class:`SchemaMismatch`
    before creating anything, and creates the tables and the record in one transaction. An index
    added to a table after its database was made is created too (``create_all`` skips the
    indexes of a table that exists), so an older database gets e.g. the timer-cancel index.
    """
    with db.begin() as conn:
        meta.create(conn, checkfirst=True)
        found = conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar()
        if found is not None and found != version:
            raise SchemaMismatch(found, version, key)
        SQLModel.metadata.create_all(conn, tables=list(wanted))
        for table in wanted:
            for index in table.indexes:
                index.create(conn, checkfirst=True)
        if found is None:
            conn.execute(insert(meta).values(key=key, value=version))
