"""Storage faults, injected into a live :class:`Engine` and taken away again.

Each helper runs one call of the engine under the fault and returns what it raised (and what
else the test needs), so ``test_faults`` can check that nothing was half-written and the same
engine recovers, and ``test_storage_errors`` which error class the call raised.

The engine's SQLite busy timeout (``SQLITE_BUSY_TIMEOUT_MS``, 30 s) cannot be passed to
``Engine``: its ``db_options`` reach ``create_engine``, whose ``connect_args`` the engine sets
itself (a second one is a ``TypeError``), and a ``timeout`` in the URL is overridden by the
``PRAGMA busy_timeout`` on connect. The tests shorten it with a connect listener of their own,
registered after the engine's, on fresh connections.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, event, text

from engine import Engine
from tests.reliability import flow

BUSY_TIMEOUT_MS = 500
VICTIM = "gongkai-victim"
"""The ``application_name`` of the engine whose PostgreSQL backend is terminated."""


@contextmanager
def on_connect(engine: Engine, statement: str) -> Iterator[None]:
    """Run ``statement`` on every new SQLite connection of ``engine`` inside the block."""
    def run(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(statement)

    event.listen(engine.db, "connect", run)
    engine.db.dispose()
    try:
        yield
    finally:
        event.remove(engine.db, "connect", run)
        engine.db.dispose()


def raised(call: Callable[[], object]) -> BaseException:
    try:
        call()
    except Exception as exc:
        return exc
    raise AssertionError("the call went through despite the fault")


# -- SQLite ---------------------------------------------------------------------------------------

def locked_by_another_process(engine: Engine, call: Callable[[], object]
                              ) -> tuple[BaseException, float]:
    """Run ``call`` while another process holds an exclusive lock on the SQLite file; what it
    raised and how many seconds it waited."""
    path = engine.url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sqlite3, sys\n"
         f"c = sqlite3.connect({path!r}, isolation_level=None)\n"
         "c.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\nsys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with on_connect(engine, f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"):
            began = time.monotonic()
            exc = raised(call)
            waited = time.monotonic() - began
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    return exc, waited


def page_count(engine: Engine) -> int:
    with engine.db.connect().execution_options(gongkai_read=True) as conn:
        return int(conn.exec_driver_sql("PRAGMA page_count").scalar())


def disk_full(engine: Engine, call: Callable[[], object], headroom_pages: int = 8,
              max_calls: int = 500) -> tuple[BaseException, int]:
    """Cap the SQLite file at ``headroom_pages`` more pages (``PRAGMA max_page_count``) and
    repeat ``call`` until the database is full; what the failing call raised and how many went
    through before it."""
    with on_connect(engine, f"PRAGMA max_page_count={page_count(engine) + headroom_pages}"):
        for done in range(max_calls):
            try:
                call()
            except Exception as exc:
                return exc, done
    raise AssertionError(f"{max_calls} calls did not fill the database")


# -- PostgreSQL -----------------------------------------------------------------------------------

def victim_engine(pg_url: str) -> Engine:
    return flow.new_engine(pg_url, connect_args={"application_name": VICTIM})


def terminate_mid_transaction(engine: Engine, call: Callable[[], object],
                              timeout: float = 10.0) -> tuple[BaseException, int]:
    """Run ``call`` (which must sit inside its transaction a while: ``slowbump`` with
    ``flow._slow_s`` raised) and terminate its backend from another connection once it is idle
    in its transaction; what it raised and how many backends were terminated."""
    terminated: list[int] = []
    admin = create_engine(engine.url.split("?")[0], isolation_level="AUTOCOMMIT")

    def kill() -> None:
        stop = time.monotonic() + timeout
        with admin.connect() as conn:
            while not terminated and time.monotonic() < stop:
                pids = conn.execute(text(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = :name "
                    "AND state = 'idle in transaction'"), {"name": VICTIM}).scalars().all()
                terminated.extend(p for p in pids if conn.execute(
                    text("SELECT pg_terminate_backend(:pid)"), {"pid": p}).scalar())
                time.sleep(0.005)

    killer = threading.Thread(target=kill)
    killer.start()
    try:
        exc = raised(call)
    finally:
        killer.join()
        admin.dispose()
    return exc, len(terminated)


@contextmanager
def pg_read_only(engine: Engine) -> Iterator[None]:
    """Every PostgreSQL session the engine checks out inside the block is read-only (as on a
    standby, or under ``default_transaction_read_only``); writable again after it."""
    def checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        dbapi_conn.read_only = True

    event.listen(engine.db, "checkout", checkout)
    try:
        yield
    finally:
        event.remove(engine.db, "checkout", checkout)
        engine.db.dispose()  # the pooled sessions keep their read-only setting
