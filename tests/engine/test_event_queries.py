"""``Engine.events``: the agency's events by workflow, triggers and period, oldest first, a page at
a time, read from the events index (reports over a year must not read instance by instance)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event as sa_event

from engine import Engine, Event
from engine.store import tables
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from tests.engine import sample
from tests.engine.helpers import CLERK, START, WeekdayCalendar

INDEX = "ix_event_agency_workflow_trigger_time"
PAPER = {"item": "paper", "amount": 10}


def beijing(hour: int, minute: int = 0) -> datetime:
    """A moment on the test day (Mon 2025-03-03), Beijing time, as an aware value."""
    return START.replace(hour=hour, minute=minute, tzinfo=SHANGHAI)


@dataclasses.dataclass
class Timeline:
    a: Engine
    b: Engine
    clock: ManualClock
    ids: dict[str, str]


@pytest.fixture
def timeline(db_url: str) -> Iterator[Timeline]:
    """Agency ``a``: purchase P created 10:00, submitted 11:00, cancelled 14:00; order O created
    12:00. Agency ``b``: purchase Q created 13:00. One event a minute apart nowhere else."""
    clock = ManualClock(beijing(10))
    engines = []
    for code in ("a", "b"):
        engine = Engine(db_url, clock=clock, calendar=WeekdayCalendar(),
                        registry=sample.make_registry(), agency=code)
        engine.register(sample.definition())
        engine.register(dataclasses.replace(sample.definition(), name="order"))
        engines.append(engine)
    a, b = engines
    ids = {"P": a.start("purchase", CLERK, PAPER).id}
    clock.set(beijing(11))
    a.fire(ids["P"], "submit", CLERK)
    clock.set(beijing(12))
    ids["O"] = a.start("order", CLERK, PAPER).id
    clock.set(beijing(13))
    ids["Q"] = b.start("purchase", CLERK, PAPER).id
    clock.set(beijing(14))
    a.fire(ids["P"], "cancel", CLERK)
    yield Timeline(a, b, clock, ids)
    a.close()
    b.close()


def seen(events: Iterator[Event], ids: dict[str, str]) -> list[tuple[str, str]]:
    names = {v: k for k, v in ids.items()}
    return [(names[e.instance_id], e.trigger) for e in events]


def test_all_of_the_agencys_events_oldest_first(timeline: Timeline) -> None:
    t = timeline
    assert seen(t.a.events(), t.ids) == [("P", "create"), ("P", "submit"), ("O", "create"),
                                         ("P", "cancel")]
    assert seen(t.b.events(), t.ids) == [("Q", "create")]
    got = list(t.a.events())
    assert [e.event_time for e in got] == [beijing(h) for h in (10, 11, 12, 14)]
    assert all(e.event_time.tzinfo is not None for e in got)
    assert {(e.agency, e.workflow) for e in got} == {("a", "purchase"), ("a", "order")}
    assert got[0] == t.a.history(t.ids["P"])[0]          # the very events of the history


def test_filter_by_workflow_and_triggers(timeline: Timeline) -> None:
    t = timeline
    assert seen(t.a.events(workflow="order"), t.ids) == [("O", "create")]
    assert seen(t.a.events(triggers=["create"]), t.ids) == [("P", "create"), ("O", "create")]
    assert seen(t.a.events(workflow="purchase", triggers=("submit", "cancel")), t.ids) == [
        ("P", "submit"), ("P", "cancel")]
    assert seen(t.a.events(triggers=[]), t.ids) == []
    assert seen(t.a.events(workflow="unknown"), t.ids) == []
    assert seen(t.b.events(workflow="order"), t.ids) == []


def test_the_period_includes_since_and_excludes_until(timeline: Timeline) -> None:
    t = timeline
    assert seen(t.a.events(since=beijing(11), until=beijing(14)), t.ids) == [
        ("P", "submit"), ("O", "create")]
    assert seen(t.a.events(since=beijing(11, 1)), t.ids) == [("O", "create"), ("P", "cancel")]
    assert seen(t.a.events(until=beijing(11)), t.ids) == [("P", "create")]
    assert seen(t.a.events(since=beijing(14), until=beijing(14)), t.ids) == []


def test_a_moment_means_the_same_instant_in_any_zone(timeline: Timeline) -> None:
    t = timeline
    in_utc = beijing(11).astimezone(UTC)                  # 03:00 UTC
    assert in_utc.hour == 3
    expected = [("P", "submit"), ("O", "create")]
    assert seen(t.a.events(since=in_utc, until=in_utc + timedelta(hours=3)), t.ids) == expected
    # a naive moment is Beijing time, as everywhere else in the engine (ManualClock, advance)
    naive = beijing(11).replace(tzinfo=None)
    assert seen(t.a.events(since=naive, until=naive + timedelta(hours=3)), t.ids) == expected


@pytest.mark.parametrize("page_size", [1, 2, 3, 4, 5])
def test_pages_join_up_across_their_boundaries(timeline: Timeline, page_size: int) -> None:
    t = timeline
    whole = list(t.a.events())
    assert list(t.a.events(page_size=page_size)) == whole
    assert seen(t.a.events(workflow="purchase", page_size=page_size), t.ids) == [
        ("P", "create"), ("P", "submit"), ("P", "cancel")]


def test_pages_are_read_lazily_and_see_later_events(timeline: Timeline) -> None:
    t = timeline
    pages = t.a.events(triggers=["create"], page_size=1)
    assert seen(iter([next(pages)]), t.ids) == [("P", "create")]
    t.clock.set(beijing(15))
    late = t.a.start("purchase", CLERK, PAPER).id
    t.ids["late"] = late
    assert seen(pages, t.ids) == [("O", "create"), ("late", "create")]


# -- the index ------------------------------------------------------------------------------------

def test_the_events_index_exists(db_url: str) -> None:
    engine = Engine(db_url, calendar=WeekdayCalendar())
    try:
        indexes = {ix["name"]: ix["column_names"]
                   for ix in sa.inspect(engine.db).get_indexes("gongkai_events")}
    finally:
        engine.close()
    assert indexes[INDEX] == ["agency", "workflow", "trigger", "event_time"]


def test_a_filtered_query_reads_the_index_on_postgresql(pg_url: str) -> None:
    """20 000 events of one instance, of which 12 are the trigger a report asks for: PostgreSQL's
    plan for the very SQL ``events()`` sends goes through the events index."""
    engine = Engine(pg_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=sample.make_registry())
    try:
        engine.register(sample.definition())
        inst = engine.start("purchase", CLERK, PAPER)
        _fill(engine, inst.id, 20_000, rare_every=1_700)
        statements = _captured(engine, lambda: list(engine.events(
            workflow="purchase", triggers=["rare"], since=beijing(0),
            until=beijing(0) + timedelta(days=30), page_size=100)))
        assert len(statements) == 1
        sql, params = statements[0]
        with engine.db.connect() as conn:
            conn.exec_driver_sql("ANALYZE gongkai_events")
            plan = "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {sql}", params))
        found = [e for e in engine.events(triggers=["rare"])]
    finally:
        engine.close()
    assert INDEX in plan, plan
    assert len(found) == 12


def _fill(engine: Engine, instance_id: str, count: int, rare_every: int) -> None:
    rows = [dict(instance_id=instance_id, agency="default", workflow="purchase", seq=i + 2,
                 trigger="rare" if i % rare_every == 0 else "reminder", from_state="draft",
                 to_state="draft", actor_id="system", actor_role="system",
                 event_time=START.replace(tzinfo=SHANGHAI) + timedelta(minutes=i),
                 recorded_at=START.replace(tzinfo=SHANGHAI), data={}, prev_hash="x", hash="y")
            for i in range(count)]
    with engine.db.begin() as conn:
        conn.execute(sa.insert(tables.events), rows)


def _captured(engine: Engine, run: Any) -> list[tuple[str, Any]]:
    """The SQL (and parameters) of every events query ``run`` sends."""
    seen_sql: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any,
                executemany: bool) -> None:
        if "FROM gongkai_events" in statement:
            seen_sql.append((statement, parameters))

    sa_event.listen(engine.db, "before_cursor_execute", capture)
    try:
        run()
    finally:
        sa_event.remove(engine.db, "before_cursor_execute", capture)
    return seen_sql
