"""Cancelling an instance's timers costs the same however many timers other instances have:
the cancel is found through an index that leads with the instance, an older database gets that
index when it is opened, and a starting instance (which has no timers) cancels nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect, text

from engine.store.connect import connect
from engine.store.write import _CANCEL_CLOCK, _CANCEL_CLOCKS
from tests.engine.helpers import CLERK
from tests.engine.test_timers import ticket_engine

INDEX = "ix_timer_instance_status_clock"


def _statements(db: Any) -> tuple[list[str], Any]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(db, "before_cursor_execute", record)
    return seen, record


def test_a_starting_instance_cancels_no_timers(db_url: str) -> None:
    engine = ticket_engine(db_url)
    seen, record = _statements(engine.db)
    try:
        tid = engine.start("ticket", CLERK).id
    finally:
        event.remove(engine.db, "before_cursor_execute", record)
    assert [s for s in seen if s.startswith("INSERT INTO gongkai_timers")]
    assert not [s for s in seen if s.startswith("UPDATE gongkai_timers")]
    seen, record = _statements(engine.db)
    try:
        engine.fire(tid, "restart", CLERK)
    finally:
        event.remove(engine.db, "before_cursor_execute", record)
    assert [s for s in seen if s.startswith("UPDATE gongkai_timers")]
    assert {t.status for t in engine.timers(instance_id=tid)} == {"pending", "cancelled"}


def test_the_cancel_is_found_through_the_instance_index(tmp_path: Any) -> None:
    db = connect(f"sqlite:///{tmp_path / 'g.db'}")
    sql = str(_CANCEL_CLOCKS.compile(db)).replace("(__[POSTCOMPILE_b_clocks])", "(?)")
    params = ("cancelled", "2025-03-03", "some-id", "pending", "answer")
    with db.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params).all()
    assert any(INDEX in str(row) for row in plan), plan


def test_the_one_clock_cancel_is_found_through_the_instance_index(tmp_path: Any) -> None:
    db = connect(f"sqlite:///{tmp_path / 'g.db'}")
    params = ("cancelled", "2025-03-03", "some-id", "pending", "answer")
    with db.connect() as conn:
        plan = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {_CANCEL_CLOCK.compile(db)}",
                                    params).all()
    assert any(INDEX in str(row) for row in plan), plan


def test_an_older_database_gets_the_index_when_opened(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    db = connect(url)
    with db.begin() as conn:
        conn.execute(text(f"DROP INDEX {INDEX}"))
    assert INDEX not in {i["name"] for i in inspect(db).get_indexes("gongkai_timers")}
    db.dispose()
    again = connect(url)
    assert INDEX in {i["name"] for i in inspect(again).get_indexes("gongkai_timers")}
