"""What the database's failures mean to a caller: one translation into :class:`StorageError`.

The drivers speak in their own terms (sqlite3's "unable to open database file", psycopg's
SQLSTATE codes); an embedding system and the CLI need to know which of a few faults it was — the
database cannot be reached, it is read-only, another process held it too long, it is full — and
that nothing was written. The driver's error stays attached as ``cause``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError

from engine.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    StorageError,
    WorkflowError,
)
from engine.text import mask_password, shown

SUPPORTED = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg",
             "postgresql+psycopg": "postgresql+psycopg"}
"""URL schemes gongkai stores in, and the driver each one is reached through."""

SQLITE_FAULTS: tuple[tuple[str, type[StorageError], str], ...] = (
    ("database is locked", DatabaseBusy, "another process held the database locked for longer "
                                         "than the engine waits"),
    ("database table is locked", DatabaseBusy, "another connection held a table locked"),
    ("readonly database", DatabaseReadOnly, "the database is read-only (it accepts no writes)"),
    ("database or disk is full", DiskFull, "the database or its disk is full"),
    ("unable to open database file", DatabaseUnavailable, "the database file cannot be opened"),
    ("file is not a database", DatabaseUnavailable, "the file is not a SQLite database"),
)
PG_FAULTS: tuple[tuple[str, type[StorageError], str], ...] = (
    ("25006", DatabaseReadOnly, "the database is read-only"),
    ("53100", DiskFull, "the database server's disk is full"),
    ("53", DiskFull, "the database server ran out of a resource"),
    ("55P03", DatabaseBusy, "a lock was not available"),
    ("57014", DatabaseBusy, "the statement was cancelled (a timeout)"),
    ("40001", DatabaseBusy, "the transaction conflicted with another one; try again"),
    ("40P01", DatabaseBusy, "the transaction deadlocked with another one; try again"),
    ("57P", DatabaseUnavailable, "the database server ended the connection"),
    ("08", DatabaseUnavailable, "the connection to the database failed"),
)
NOTHING_WRITTEN = "nothing was written"
UNREADABLE = "changed outside the engine? run gongkai verify"


def database_url(url: object) -> str:
    """``url`` checked and with the driver gongkai uses: ``postgresql://`` becomes
    ``postgresql+psycopg://``. Raises :class:`DatabaseUnavailable` for text that is not a
    database URL, a scheme gongkai does not store in (it keeps SQLite files and PostgreSQL),
    or a SQLite file in a directory that does not exist; ``TypeError`` for a non-string."""
    if not isinstance(url, str):
        raise TypeError(f"a database URL must be a string, not {type(url).__name__}")
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUnavailable(f"not a database URL: {shown(mask_password(url))} (use "
                                  "sqlite:///path.db or "
                                  "postgresql+psycopg://user@host/db)", exc) from exc
    scheme = SUPPORTED.get(parsed.drivername)
    if scheme is None:
        masked = mask_password(parsed.render_as_string(hide_password=True))
        raise DatabaseUnavailable(
            f"gongkai stores its records in SQLite or PostgreSQL, not {parsed.drivername!r}: "
            f"{shown(masked)} (use sqlite:///path.db or postgresql+psycopg://user@host/db)")
    if scheme == "sqlite":
        _check_sqlite_path(parsed.database, parsed.query)
    if scheme == parsed.drivername:
        return url
    return parsed.set(drivername=scheme).render_as_string(hide_password=False)


def _check_sqlite_path(database: str | None, query: Mapping[str, Any]) -> None:
    """A SQLite database must be a file its workers share: not in memory, and in a directory
    that exists."""
    if (not database or ":memory:" in database or "memory" in str(query.get("mode", ""))
            or "mem" in str(query.get("vfs", "")) or database.rstrip("?") == "file:"):
        raise DatabaseUnavailable("gongkai needs a SQLite file (its workers share it), not a "
                                  "database in memory; use sqlite:///path.db")
    if database.startswith("file:"):
        return
    folder = Path(database).expanduser().absolute().parent
    if not folder.is_dir():
        raise DatabaseUnavailable(
            f"the directory of the SQLite file {shown(database)} does not exist: {folder}")


def storage_error(exc: BaseException, url: str = "") -> StorageError | None:
    """The :class:`StorageError` ``exc`` (a SQLAlchemy or driver error) means, or ``None`` if it
    is not a database fault."""
    if not isinstance(exc, SQLAlchemyError):
        return None
    text = _first_line(getattr(exc, "orig", None) or exc)
    code = getattr(getattr(exc, "orig", None), "sqlstate", None) or ""
    for needle, kind, meaning in SQLITE_FAULTS:
        if needle in text.lower():
            return _made(kind, _sqlite_meaning(kind, meaning, url), text, exc)
    for prefix, kind, meaning in PG_FAULTS:
        if code.startswith(prefix):
            return _made(kind, meaning, text, exc)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return _made(DatabaseUnavailable, "the connection to the database was lost", text, exc)
    if isinstance(exc, DBAPIError) and type(exc).__name__ == "OperationalError":
        return _made(DatabaseUnavailable, "the database cannot be reached or failed", text, exc)
    return _made(StorageError, "the database refused the statement", text, exc)


def _sqlite_meaning(kind: type[StorageError], meaning: str, url: str) -> str:
    """For "unable to open database file": say whether the file or its directory is read-only."""
    if kind is not DatabaseUnavailable or not url.startswith("sqlite"):
        return meaning
    database = make_url(url).database or ""
    folder = Path(database).absolute().parent
    if folder.is_dir() and not os.access(folder, os.W_OK):
        return (f"the directory {folder} is read-only (SQLite needs to write its journal "
                "beside the file)")
    return meaning


def _made(kind: type[StorageError], meaning: str, text: str, exc: BaseException) -> StorageError:
    return kind(f"{meaning}; {NOTHING_WRITTEN} (database said: {text})", exc)


def _first_line(exc: object) -> str:
    lines = str(exc).strip().splitlines()
    line = lines[0] if lines else type(exc).__name__
    return line if len(line) <= 200 else f"{line[:200]}…"


def _raised_reading(exc: BaseException) -> bool:
    """Whether ``exc`` came out of SQLAlchemy turning a stored value into Python (JSON that does
    not parse, a time that is not one): a record changed outside the engine."""
    tb = exc.__traceback__
    while tb is not None:
        if f"{os.sep}sqlalchemy{os.sep}" in tb.tb_frame.f_code.co_filename:
            return True
        tb = tb.tb_next
    return False


@contextmanager
def storage_errors(url: str = "") -> Iterator[None]:
    """Run the block, raising a database fault as the :class:`StorageError` it means (the
    engine's own errors pass through unchanged); a stored value that cannot be read back is a
    :class:`StorageError` too."""
    try:
        yield
    except WorkflowError:
        raise
    except SQLAlchemyError as exc:
        error = storage_error(exc, url)
        assert error is not None
        raise error from exc
    except (ValueError, TypeError, OverflowError) as exc:
        if not _raised_reading(exc):
            raise
        raise StorageError(f"the database holds a value gongkai cannot read ({UNREADABLE}): "
                           f"{_first_line(exc)}", exc) from exc
