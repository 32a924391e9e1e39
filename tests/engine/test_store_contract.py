"""The store's contract, operation by operation, head-on over both back ends (as APScheduler's
``tests/test_datastores.py`` does): the sequence-checked write, the timer claim, the counter
upsert and the outbox take. Where PostgreSQL lets several transactions run at once, the tests
open them side by side on separate connections and prove each operation's concurrency promise.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text

from engine import ConcurrentUpdate, Engine
from engine.audit import GENESIS
from engine.runtime.core import Core
from engine.store import tables
from engine.store.claims import claim_due_timer
from engine.store.dialect import READ_ONLY
from engine.store.outbox import Outbox
from engine.store.port import StorePort
from engine.store.write import settle_timer, write, write_new
from engine.testing import ManualClock
from engine.transition.change import Change
from tests.engine import sample
from tests.engine.helpers import START, WeekdayCalendar, dump

NOW = datetime(2025, 3, 3, 2, tzinfo=UTC)                 # 10:00 Beijing
WAIT = 30.0


@pytest.fixture
def store(db_url: str) -> Iterator[Core]:
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=sample.make_registry())
    engine.register(sample.definition())
    yield engine.core
    engine.close()


def change(instance_id: str, seq: int, *, agency: str = "default", key: str | None = None,
           to_state: str = "draft", data: dict[str, Any] | None = None) -> Change:
    """A change of the sample workflow as ``decide`` would make it, touching no clock."""
    return Change(
        instance_id=instance_id, agency=agency, workflow="purchase", definition_version=1,
        seq=seq, version=seq, read_version=seq - 1, trigger="create" if seq == 1 else "edit",
        from_state=None if seq == 1 else "draft", to_state=to_state, actor_id="clerk-1",
        actor_role="clerk", data=data or {"seq": seq}, event_data={"seq": seq}, clocks={},
        changed_clocks={}, closed=False, prev_hash=GENESIS, business_key=key)


def put(core: Core, c: Change) -> None:
    """Write ``c`` on the chain as it stands (a change decided on the instance's head)."""
    with core.begin() as conn:
        head = conn.execute(select(tables.instances.c.last_hash).where(
            tables.instances.c.id == c.instance_id)).scalar()
        write(conn, replace(c, prev_hash=head or GENESIS), NOW, sample.definition(),
              core.calendar)


def new_instance(core: Core, agency: str = "default") -> str:
    instance_id = str(uuid.uuid4())
    put(core, change(instance_id, 1, agency=agency))
    return instance_id


def count(core: Core, table: Any, conn: Any = None) -> int:
    if conn is None:
        with core.db.connect().execution_options(**READ_ONLY) as own:
            return count(core, table, own)
    return int(conn.execute(select(func.count()).select_from(table)).scalar())


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Poll a database condition (another transaction is waiting on a lock), never a timer."""
    stop = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > stop:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


# -- the sequence-checked write -------------------------------------------------------------------

def test_a_write_stores_row_event_and_outbox_together(store: Core) -> None:
    instance_id = new_instance(store)
    put(store, change(instance_id, 2, data={"item": "ink"}))
    with store.read() as conn:
        row = conn.execute(select(tables.instances)).one()
        seqs = conn.execute(select(tables.events.c.seq).order_by(tables.events.c.seq)).scalars()
        outbox = conn.execute(select(tables.outbox.c.seq, tables.outbox.c.topic)
                              .order_by(tables.outbox.c.id)).all()
        assert (row.seq, row.version, row.data) == (2, 2, {"item": "ink"})
        assert list(seqs) == [1, 2]
    assert [tuple(r) for r in outbox] == [(1, "event"), (2, "event")]


def test_a_second_change_at_the_same_seq_is_refused_and_writes_nothing(store: Core) -> None:
    instance_id = new_instance(store)
    first, second = change(instance_id, 2, data={"by": "ann"}), change(instance_id, 2,
                                                                       data={"by": "ben"})
    put(store, first)
    before = _dump(store)
    with store.begin() as conn:
        with pytest.raises(ConcurrentUpdate) as caught:
            write(conn, second, NOW, sample.definition(), store.calendar)
        # nothing was written even inside the transaction, before it is rolled back
        assert count(store, tables.events, conn) == 2
        assert count(store, tables.outbox, conn) == 2
    assert (caught.value.instance_id, caught.value.expected, caught.value.actual) == (
        instance_id, 1, 2)
    assert _dump(store) == before


def test_a_change_from_an_older_row_is_refused(store: Core) -> None:
    instance_id = new_instance(store)
    put(store, change(instance_id, 2))
    put(store, change(instance_id, 3))
    before = _dump(store)
    with pytest.raises(ConcurrentUpdate):
        put(store, change(instance_id, 3))                # decided from seq 2, which is gone
    assert _dump(store) == before


def test_write_new_refuses_a_business_key_the_agency_uses(store: Core) -> None:
    definition = sample.definition()
    with store.begin() as conn:
        assert write_new(conn, change(str(uuid.uuid4()), 1, key="K-1"), NOW, definition,
                         store.calendar)
    before = _dump(store)
    with store.begin() as conn:
        assert not write_new(conn, change(str(uuid.uuid4()), 1, key="K-1"), NOW, definition,
                             store.calendar)
        assert count(store, tables.instances, conn) == 1
    assert _dump(store) == before
    with store.begin() as conn:                          # another agency, or no key: written
        assert write_new(conn, change(str(uuid.uuid4()), 1, key="K-1", agency="b"), NOW,
                         definition, store.calendar)
        assert write_new(conn, change(str(uuid.uuid4()), 1), NOW, definition, store.calendar)
        assert write_new(conn, change(str(uuid.uuid4()), 1), NOW, definition, store.calendar)
    assert count(store, tables.instances) == 4


def _dump(core: Core) -> Any:
    return dump(core)  # type: ignore[arg-type]  # dump reads only ``.db``


# -- the timer claim ------------------------------------------------------------------------------

def add_timer(core: Core, instance_id: str, due: datetime, *, agency: str = "default",
              status: str = "pending", trigger: str = "reminder") -> int:
    with core.begin() as conn:
        return int(conn.execute(insert(tables.timers).values(
            instance_id=instance_id, agency=agency, workflow="purchase", clock="review",
            kind="reminder", due_at=due, trigger=trigger, epoch=1, state="draft", status=status,
            attempts=0).returning(tables.timers.c.id)).scalar_one())


def claim(core: Core, now: datetime, agency: str | None = "default") -> int | None:
    """Claim and settle (as fired) the next due timer; its id."""
    with core.begin() as conn:
        timer = claim_due_timer(conn, core.dialect, now, agency)
        if timer is None:
            return None
        settle_timer(conn, timer.id, "fired", now)
        return int(timer.id)


def test_the_earliest_due_timer_is_claimed_first(store: Core) -> None:
    one, two = new_instance(store), new_instance(store)
    late = add_timer(store, one, NOW + timedelta(hours=1))
    tie_b = add_timer(store, two, NOW - timedelta(hours=1))
    first = add_timer(store, two, NOW - timedelta(hours=2))
    tie_a = add_timer(store, one, NOW - timedelta(hours=1))
    for status in ("fired", "cancelled", "failed"):
        add_timer(store, one, NOW - timedelta(days=1), status=status)   # never claimed

    assert [claim(store, NOW) for _ in range(4)] == [first, tie_b, tie_a, None]
    assert claim(store, NOW + timedelta(minutes=59)) is None           # not yet due: never
    assert claim(store, NOW + timedelta(hours=1)) == late               # due at its moment
    assert claim(store, NOW + timedelta(days=9)) is None


def test_a_claim_takes_only_the_agencys_timers(store: Core) -> None:
    ours, theirs = new_instance(store), new_instance(store, agency="b")
    their_timer = add_timer(store, theirs, NOW - timedelta(hours=2), agency="b")
    our_timer = add_timer(store, ours, NOW - timedelta(hours=1))
    assert claim(store, NOW, "default") == our_timer
    assert claim(store, NOW, "default") is None
    other = add_timer(store, ours, NOW)
    assert claim(store, NOW, None) == their_timer                      # every agency: earliest
    assert claim(store, NOW, None) == other


def test_two_transactions_claim_different_timers(pg_url: str) -> None:
    with pg_store(pg_url) as core:
        one, two = new_instance(core), new_instance(core)
        first = add_timer(core, one, NOW - timedelta(hours=2))
        second = add_timer(core, two, NOW - timedelta(hours=1))
        with core.begin() as tx1, core.begin() as tx2:
            taken1 = claim_due_timer(tx1, core.dialect, NOW, "default")
            taken2 = claim_due_timer(no_waiting(tx2), core.dialect, NOW, "default")
            assert (taken1.id, taken2.id) == (first, second)
            with core.begin() as tx3:
                assert claim_due_timer(no_waiting(tx3), core.dialect, NOW, "default") is None


def test_a_timer_whose_instance_is_locked_is_passed_over(pg_url: str) -> None:
    with pg_store(pg_url) as core:
        busy, free = new_instance(core), new_instance(core)
        earliest = add_timer(core, busy, NOW - timedelta(hours=2))
        later = add_timer(core, free, NOW - timedelta(hours=1))
        with core.begin() as writer:                       # a user's transition on `busy`
            writer.execute(select(tables.instances.c.id).where(
                tables.instances.c.id == busy).with_for_update())
            with core.begin() as worker:
                assert claim_due_timer(no_waiting(worker), core.dialect, NOW, "default"
                                       ).id == later
            before_later = NOW - timedelta(hours=1, seconds=1)  # only `busy`'s timer is due
            with core.begin() as worker:
                assert claim_due_timer(no_waiting(worker), core.dialect, before_later,
                                       "default") is None
        with core.begin() as worker:                       # the user's transition committed
            assert claim_due_timer(worker, core.dialect, NOW, "default").id == earliest


# -- the counter upsert ---------------------------------------------------------------------------

def test_counters_start_at_one_per_agency_and_name(store: Core) -> None:
    def draw(agency: str, name: str) -> int:
        with store.begin() as conn:
            return StorePort(conn, store.dialect, agency).next_sequence(name)

    assert [draw("a", "register"), draw("a", "register"), draw("a", "register")] == [1, 2, 3]
    assert draw("b", "register") == 1
    assert draw("a", "document") == 1
    assert draw("a", "register") == 4
    with store.begin() as conn:                            # a rolled-back draw leaves no trace
        StorePort(conn, store.dialect, "a").next_sequence("register")
        conn.rollback()
    assert draw("a", "register") == 5
    with store.read() as conn:
        rows = {tuple(r) for r in conn.execute(select(tables.counters)).all()}
    assert rows == {("a", "register", 5), ("b", "register", 1), ("a", "document", 1)}


def test_two_first_uses_at_once_give_one_and_two(pg_url: str) -> None:
    with pg_store(pg_url) as core:
        second: list[int] = []
        failures: list[BaseException] = []
        racer_pid: list[int] = []

        def other() -> None:
            try:
                with core.begin() as conn:
                    racer_pid.append(backend_pid(conn))
                    second.append(StorePort(conn, core.dialect, "a").next_sequence("fresh"))
            except BaseException as exc:  # reported by the assertion below
                failures.append(exc)

        with core.begin() as conn:
            assert StorePort(conn, core.dialect, "a").next_sequence("fresh") == 1
            racer = threading.Thread(target=other)
            racer.start()
            wait_until(lambda: bool(racer_pid) and waits_for_a_lock(core, racer_pid[0]),
                       "the second first use to wait for the first")
        racer.join(WAIT)
        assert (second, failures) == ([2], [])


def backend_pid(conn: Any) -> int:
    return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar())


def waits_for_a_lock(core: Core, pid: int) -> bool:
    with core.db.connect() as conn:
        return bool(conn.execute(text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND "
                                      "NOT granted"), {"pid": pid}).scalar())


def no_waiting(conn: Any) -> Any:
    """A transaction that fails at once rather than wait for a lock (a claim must never wait)."""
    conn.exec_driver_sql("SET LOCAL lock_timeout = '2s'")
    return conn


# -- the outbox take ------------------------------------------------------------------------------

def add_message(core: Core, *, topic: str = "event", workflow: str = "purchase",
                agency: str = "default", due: datetime = NOW, seq: int = 1) -> int:
    with core.begin() as conn:
        return int(conn.execute(insert(tables.outbox).values(
            instance_id=str(uuid.uuid4()), seq=seq, agency=agency, workflow=workflow,
            topic=topic, trigger="create", payload={"n": seq}, attempts=0,
            next_attempt_at=due).returning(tables.outbox.c.id)).scalar_one())


def outbox_ids(core: Core) -> set[int]:
    with core.read() as conn:
        return set(conn.execute(select(tables.outbox.c.id)).scalars())


def test_the_outbox_takes_only_wanted_rows_and_deletes_what_it_delivered(store: Core) -> None:
    wanted = add_message(store, seq=1)
    mail = add_message(store, topic="mail", seq=2)
    other_workflow = add_message(store, workflow="order", seq=3)
    other_agency = add_message(store, agency="b", seq=4)
    not_yet = add_message(store, due=NOW + timedelta(seconds=1), seq=5)

    box = Outbox(store.db)
    assert box.deliver(NOW) == 0                           # nobody subscribed: nothing taken
    got: list[tuple[int, str, str]] = []
    box.subscribe(lambda m: got.append((m["seq"], m["topic"], m["agency"])),
                  workflow="purchase", agency="default")
    assert box.deliver(NOW) == 1
    assert got == [(1, "event", "default")]
    assert outbox_ids(store) == {mail, other_workflow, other_agency, not_yet}
    assert wanted not in outbox_ids(store)
    assert box.deliver(NOW + timedelta(seconds=1)) == 1    # due now
    assert got[-1] == (5, "event", "default")
    assert box.deliver(NOW + timedelta(days=1)) == 0       # delivered rows are gone
    assert outbox_ids(store) == {mail, other_workflow, other_agency}


def test_a_failed_delivery_backs_off(store: Core) -> None:
    row = add_message(store)
    box = Outbox(store.db)
    tries: list[int] = []

    def down_twice(message: dict[str, Any]) -> None:
        tries.append(message["seq"])
        if len(tries) <= 2:
            raise OSError("down")

    box.subscribe(down_twice)

    def state() -> tuple[int, datetime, str | None]:
        with store.read() as conn:
            r = conn.execute(select(tables.outbox).where(tables.outbox.c.id == row)).one()
        return r.attempts, r.next_attempt_at, r.last_error

    assert box.deliver(NOW) == 0
    assert state() == (1, NOW + timedelta(seconds=1), "OSError: down")
    assert box.deliver(NOW + timedelta(milliseconds=999)) == 0   # backing off: not even tried
    assert box.deliver(NOW + timedelta(seconds=1)) == 0
    assert state() == (2, NOW + timedelta(seconds=3), "OSError: down")
    assert len(tries) == 2
    assert box.deliver(NOW + timedelta(seconds=3)) == 1
    assert tries == [1, 1, 1]
    assert outbox_ids(store) == set()


class pg_store:
    """A Core on a PostgreSQL schema with the sample definition (a context manager)."""

    def __init__(self, url: str) -> None:
        self.engine = Engine(url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                             registry=sample.make_registry())
        self.engine.register(sample.definition())

    def __enter__(self) -> Core:
        return self.engine.core

    def __exit__(self, *exc: object) -> None:
        self.engine.close()
