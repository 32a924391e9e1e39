"""The storage faults of ``test_faults`` raise the engine's own errors: a
:class:`~engine.errors.StorageError` subclass that names the problem and keeps the driver's error
as its cause (issue 13, kind 1), never a raw driver exception.

These fail until the engine translates storage errors (``engine.errors`` has the classes; the
translation layer is another part of issue 13).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import Engine
from engine.errors import (
    DatabaseBusy,
    DatabaseReadOnly,
    DatabaseUnavailable,
    DiskFull,
    StorageError,
)
from tests.reliability import faults, flow

SLOW_IN_TRANSACTION_S = 0.5


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = flow.new_engine(f"sqlite:///{tmp_path / 'gongkai.db'}")
    yield engine
    engine.close()


def assert_storage_error(exc: BaseException, kind: type[StorageError], *words: str) -> None:
    """``exc`` is a ``kind`` whose message holds one of ``words`` and which keeps its cause."""
    assert isinstance(exc, kind), f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    assert any(w in str(exc).lower() for w in words), str(exc)
    assert exc.cause is not None and exc.__cause__ is exc.cause


def test_locked_file_is_database_busy(sqlite_engine: Engine) -> None:
    (iid,) = flow.start_instances(sqlite_engine, 1)
    exc, _ = faults.locked_by_another_process(
        sqlite_engine, lambda: sqlite_engine.fire(iid, "bump", flow.CLERK))
    assert_storage_error(exc, DatabaseBusy, "lock", "busy")


def test_full_database_is_disk_full(sqlite_engine: Engine) -> None:
    exc, _ = faults.disk_full(sqlite_engine, lambda: sqlite_engine.start(
        "load", flow.CLERK, {"since": flow.since(), "pad": "x" * 2000}))
    assert_storage_error(exc, DiskFull, "full", "space")


def test_read_only_sqlite_connection_is_database_read_only(sqlite_engine: Engine) -> None:
    (iid,) = flow.start_instances(sqlite_engine, 1)
    with faults.on_connect(sqlite_engine, "PRAGMA query_only=ON"):
        exc = faults.raised(lambda: sqlite_engine.fire(iid, "bump", flow.CLERK))
    assert_storage_error(exc, DatabaseReadOnly, "read-only", "read only")


def test_sqlite_file_opened_read_only_is_database_read_only(sqlite_engine: Engine) -> None:
    (iid,) = flow.start_instances(sqlite_engine, 1)
    path = sqlite_engine.url.removeprefix("sqlite:///")
    reader = flow.new_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    try:
        assert reader.get(iid).version == 1
        exc = faults.raised(lambda: reader.fire(iid, "bump", flow.CLERK))
    finally:
        reader.close()
    assert_storage_error(exc, DatabaseReadOnly, "read-only", "read only")


def test_read_only_postgresql_session_is_database_read_only(pg_url: str) -> None:
    engine = flow.new_engine(pg_url)
    (iid,) = flow.start_instances(engine, 1)
    with faults.pg_read_only(engine):
        exc = faults.raised(lambda: engine.fire(iid, "bump", flow.CLERK))
    engine.close()
    assert_storage_error(exc, DatabaseReadOnly, "read-only", "read only")


def test_terminated_backend_is_database_unavailable(pg_url: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    engine = faults.victim_engine(pg_url)
    (iid,) = flow.start_instances(engine, 1)
    monkeypatch.setattr(flow, "_slow_s", SLOW_IN_TRANSACTION_S)
    exc, killed = faults.terminate_mid_transaction(
        engine, lambda: engine.fire(iid, "slowbump", flow.CLERK))
    engine.close()
    assert killed == 1
    assert_storage_error(exc, DatabaseUnavailable, "connection", "unavailable")
