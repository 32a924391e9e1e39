"""Storage faults: the backend terminated mid-transaction, a file locked by another process, a
full disk, a read-only database. Each call under the fault fails (``test_storage_errors`` checks
the error's class), writes nothing (a dump of every table is unchanged and every chain
verifies), and the same engine works on the next call once the fault is gone.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from engine import Engine
from engine.testing import dump
from tests.reliability import faults, flow

TERMINATIONS = 10
SLOW_IN_TRANSACTION_S = 0.5
BUSY_BOUND_S = 5.0
INSTANCES = 5


@pytest.fixture
def sqlite_engine(tmp_path) -> Iterator[Engine]:  # type: ignore[no-untyped-def]
    engine = flow.new_engine(f"sqlite:///{tmp_path / 'gongkai.db'}")
    yield engine
    engine.close()


def assert_intact_and_working(engine: Engine, before: dict[str, list[dict[str, object]]],
                              ids: list[str], log: list[dict[str, object]] | None = None
                              ) -> None:
    """Nothing was written by the failed call; the same engine fires and starts again (each
    success is appended to ``log``, the calls of earlier rounds)."""
    log = [] if log is None else log
    assert dump(engine) == before
    for iid in ids:
        engine.verify_history(iid)
    bumped = engine.fire(ids[0], "bump", flow.CLERK)
    assert bumped.version == engine.get(ids[0]).version == before_version(before, ids[0]) + 1
    log.append({"i": ids[0], "t": "bump", "v": bumped.version})
    engine.start("load", flow.CLERK, {"since": flow.since()})
    engine.run_due_timers()
    flow.check_everything(engine, log)


def before_version(before: dict[str, list[dict[str, object]]], iid: str) -> int:
    (row,) = [r for r in before["gongkai_instances"] if r["id"] == iid]
    version = row["version"]
    assert isinstance(version, int)
    return version


def test_backend_terminated_mid_transaction_then_the_same_engine_recovers(
        pg_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = faults.victim_engine(pg_url)
    ids = flow.start_instances(engine, INSTANCES)
    log: list[dict[str, object]] = []
    for n in range(TERMINATIONS):
        before = dump(engine)
        monkeypatch.setattr(flow, "_slow_s", SLOW_IN_TRANSACTION_S)
        _, killed = faults.terminate_mid_transaction(
            engine, lambda: engine.fire(ids[0], "slowbump", flow.CLERK))
        monkeypatch.setattr(flow, "_slow_s", 0.0)
        assert killed == 1, f"round {n}: no backend was idle in the transaction"
        assert_intact_and_working(engine, before, ids, log)
    engine.close()


def test_file_locked_by_another_process_fails_after_a_bounded_wait(sqlite_engine: Engine
                                                                   ) -> None:
    ids = flow.start_instances(sqlite_engine, INSTANCES)
    before = dump(sqlite_engine)
    _, waited = faults.locked_by_another_process(
        sqlite_engine, lambda: sqlite_engine.fire(ids[0], "bump", flow.CLERK))
    assert faults.BUSY_TIMEOUT_MS / 1000 * 0.9 <= waited < BUSY_BOUND_S
    assert_intact_and_working(sqlite_engine, before, ids)


def test_full_disk_keeps_what_was_committed_and_nothing_of_the_failed_call(
        sqlite_engine: Engine) -> None:
    ids = flow.start_instances(sqlite_engine, INSTANCES)
    states: list[dict[str, list[dict[str, object]]]] = []

    def start_big() -> None:
        states.append(dump(sqlite_engine))
        sqlite_engine.start("load", flow.CLERK, {"since": flow.since(), "pad": "x" * 2000})

    _, went_through = faults.disk_full(sqlite_engine, start_big)
    assert went_through >= 1, "the cap left no room at all: nothing shows what was kept"
    assert flow.sqlite_integrity(sqlite_engine.url) == "ok"
    assert_intact_and_working(sqlite_engine, states[-1], ids)


def test_read_only_sqlite_connection_refuses_and_the_engine_recovers(sqlite_engine: Engine
                                                                     ) -> None:
    ids = flow.start_instances(sqlite_engine, INSTANCES)
    before = dump(sqlite_engine)
    with faults.on_connect(sqlite_engine, "PRAGMA query_only=ON"):
        faults.raised(lambda: sqlite_engine.fire(ids[0], "bump", flow.CLERK))
        assert sqlite_engine.get(ids[0]).version == before_version(before, ids[0])
    assert_intact_and_working(sqlite_engine, before, ids)


def test_read_only_postgresql_session_refuses_and_the_engine_recovers(pg_url: str) -> None:
    engine = flow.new_engine(pg_url)
    ids = flow.start_instances(engine, INSTANCES)
    before = dump(engine)
    with faults.pg_read_only(engine):
        faults.raised(lambda: engine.fire(ids[0], "bump", flow.CLERK))
        faults.raised(lambda: engine.start("load", flow.CLERK, {"since": flow.since()}))
        assert engine.get(ids[0]).version == before_version(before, ids[0])
    assert_intact_and_working(engine, before, ids)
    engine.close()
