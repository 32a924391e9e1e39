"""History is tamper-evident: changed, deleted or swapped events are found and named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from engine import HistoryTampered
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from tests.engine.helpers import CLERK, MANAGER, START, make_engine


def scenario(engine: Any) -> str:
    """An instance with five events."""
    inst = engine.start("purchase", CLERK, {"item": "chairs", "amount": 300})
    for trigger, actor, data in (("submit", CLERK, None), ("hold", MANAGER, None),
                                 ("release", MANAGER, None),
                                 ("approve", MANAGER, {"note": "ok"})):
        engine.clock.advance(timedelta(hours=3))
        engine.fire(inst.id, trigger, actor, data)
    return str(inst.id)


def sql(engine: Any, statement: str, **params: Any) -> None:
    with engine.db.begin() as conn:
        conn.execute(sa.text(statement), params)


def broken_at(engine: Any, instance_id: str) -> int:
    with pytest.raises(HistoryTampered) as info:
        engine.verify_history(instance_id)
    assert info.value.instance_id == instance_id
    assert instance_id in str(info.value)
    return info.value.sequence


@pytest.fixture
def setup(db_url: str) -> tuple[Any, str, str]:
    engine = make_engine(db_url)
    victim = scenario(engine)
    bystander = scenario(engine)
    engine.verify_history(victim)
    return engine, victim, bystander


def test_untouched_history_verifies(setup: tuple[Any, str, str]) -> None:
    engine, victim, bystander = setup
    engine.verify_history(victim)
    engine.verify_history(bystander)
    assert [e.seq for e in engine.history(victim)] == [1, 2, 3, 4, 5]


@pytest.mark.parametrize("seq", [1, 3, 5])
def test_changed_event_data_is_named(setup: tuple[Any, str, str], seq: int) -> None:
    engine, victim, bystander = setup
    sql(engine, "UPDATE gongkai_events SET data = :d WHERE instance_id = :i AND seq = :s",
        d='{"note": "forged"}', i=victim, s=seq)
    assert broken_at(engine, victim) == seq
    engine.verify_history(bystander)


@pytest.mark.parametrize("column, value", [
    ("trigger", "reject"), ("to_state", "rejected"), ("actor_id", "mallory"),
    ("actor_role", "director"), ("from_state", "escalated")])
def test_changed_event_fields_are_named(setup: tuple[Any, str, str], column: str,
                                        value: str) -> None:
    engine, victim, _ = setup
    sql(engine, f"UPDATE gongkai_events SET {column} = :v WHERE instance_id = :i AND seq = 4",
        v=value, i=victim)
    assert broken_at(engine, victim) == 4


def test_changed_event_time_is_named(setup: tuple[Any, str, str]) -> None:
    engine, victim, _ = setup
    with engine.db.begin() as conn:
        t = sa.table("gongkai_events", sa.column("event_time", sa.DateTime(timezone=True)),
                     sa.column("instance_id"), sa.column("seq"))
        conn.execute(sa.update(t).where(t.c.instance_id == victim, t.c.seq == 2).values(
            event_time=datetime(2024, 1, 1, tzinfo=UTC)))
    assert broken_at(engine, victim) == 2


@pytest.mark.parametrize("seq", [1, 3])
def test_deleted_event_is_named(setup: tuple[Any, str, str], seq: int) -> None:
    engine, victim, bystander = setup
    sql(engine, "DELETE FROM gongkai_events WHERE instance_id = :i AND seq = :s", i=victim, s=seq)
    assert broken_at(engine, victim) == seq
    engine.verify_history(bystander)


def test_deleted_last_event_is_named(setup: tuple[Any, str, str]) -> None:
    engine, victim, _ = setup
    sql(engine, "DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 5", i=victim)
    assert broken_at(engine, victim) == 5


def test_deleted_and_renumbered_event_is_found(setup: tuple[Any, str, str]) -> None:
    """Deleting event 3 and closing the gap by renumbering 4 and 5 is still found at 3."""
    engine, victim, _ = setup
    sql(engine, "DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 3", i=victim)
    sql(engine, "UPDATE gongkai_events SET seq = seq - 1 WHERE instance_id = :i AND seq > 3",
        i=victim)
    assert broken_at(engine, victim) == 3


def test_swapped_events_are_named(setup: tuple[Any, str, str]) -> None:
    engine, victim, _ = setup
    sql(engine, "UPDATE gongkai_events SET seq = 100 WHERE instance_id = :i AND seq = 2", i=victim)
    sql(engine, "UPDATE gongkai_events SET seq = 2 WHERE instance_id = :i AND seq = 3", i=victim)
    sql(engine, "UPDATE gongkai_events SET seq = 3 WHERE instance_id = :i AND seq = 100", i=victim)
    assert broken_at(engine, victim) == 2


def test_swapped_contents_with_their_hashes_are_named(setup: tuple[Any, str, str]) -> None:
    """Swapping every column but the sequence numbers breaks the chain where it is swapped."""
    engine, victim, _ = setup
    cols = ["trigger", "from_state", "to_state", "actor_id", "actor_role", "event_time",
            "recorded_at", "data", "prev_hash", "hash"]
    with engine.db.begin() as conn:
        events = sa.Table("gongkai_events", sa.MetaData(), autoload_with=conn)
        rows = {r.seq: r for r in conn.execute(sa.select(events).where(
            events.c.instance_id == victim, events.c.seq.in_([3, 4])))}
        for seq, other in ((3, 4), (4, 3)):
            conn.execute(sa.update(events).where(events.c.instance_id == victim,
                                                 events.c.seq == seq).values(
                {c: getattr(rows[other], c) for c in cols}))
    assert broken_at(engine, victim) == 3


def test_moved_event_from_another_instance_is_named(setup: tuple[Any, str, str]) -> None:
    engine, victim, bystander = setup
    sql(engine, "DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 2", i=victim)
    sql(engine, "UPDATE gongkai_events SET instance_id = :v WHERE instance_id = :b AND seq = 2",
        v=victim, b=bystander)
    assert broken_at(engine, victim) == 2
    assert broken_at(engine, bystander) == 2


def test_a_rewritten_instance_row_is_noticed(setup: tuple[Any, str, str]) -> None:
    """Cutting the history back and the instance's version with it leaves a dangling hash."""
    engine, victim, _ = setup
    sql(engine, "DELETE FROM gongkai_events WHERE instance_id = :i AND seq = 5", i=victim)
    sql(engine, "UPDATE gongkai_instances SET version = 4 WHERE id = :i", i=victim)
    assert broken_at(engine, victim) == 5


def test_history_verifies_with_a_non_utc_time_source(db_url: str) -> None:
    """A time source may hand out Beijing-time datetimes; history and snapshots still agree."""

    class BeijingClock(ManualClock):
        def now(self) -> datetime:
            return super().now().astimezone(SHANGHAI)

    clock = BeijingClock(START)
    engine = make_engine(db_url, clock)
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    engine.fire(inst.id, "submit", CLERK)
    engine.verify_history(inst.id)
    assert engine.get(inst.id).created_at == clock.now()
    assert [e.event_time for e in engine.history(inst.id)] == [clock.now()] * 2


def test_history_verifies_in_a_beijing_database_session(pg_url: str) -> None:
    """A PostgreSQL server set to Asia/Shanghai hands timestamps back in +08:00."""
    url = pg_url.replace("options=", "options=-ctimezone%3DAsia%2FShanghai%20")
    engine = make_engine(url)
    with engine.db.connect() as conn:
        assert conn.exec_driver_sql("SHOW timezone").scalar() == "Asia/Shanghai"
    inst = engine.start("purchase", CLERK, {"item": "x", "amount": 1})
    engine.fire(inst.id, "submit", CLERK)
    engine.verify_history(inst.id)
