"""Mutation tests of the built-in invariants: each passes on a sound engine and raises
``AssertionError`` once one thing is broken — a deliberately broken engine (monkeypatch), or a
row edited behind the engine's back through ``engine.db``.

The instances are letters (tests/properties/letter.py) on the Chinese calendar of 2025, on
SQLite and PostgreSQL.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from engine import Engine, Instance, WorkflowError
from engine.store.tables import counters, events, instances, timers
from engine.testing import (
    BUILTIN_INVARIANTS,
    ManualClock,
    closed_accepts_nothing,
    deadlines_on_working_days,
    dump,
    history_verifies_and_replays,
    no_clock_runs_in_a_pausing_state,
    no_stale_pending_timer,
    refused_call_left_no_trace,
    state_is_declared,
    temp_engine,
    timers_fire_once,
)
from tests.properties.letter import CLERK, SEND, definition, registry

deadline_module = importlib.import_module("engine.clocks.deadline")
effects_module = importlib.import_module("engine.clocks.effects")
WEDNESDAY = datetime(2025, 3, 5, 10)
"""Wed 5 March 2025: ten calendar days on is Saturday 15 March; ten working days, Wed 19."""


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    with temp_engine(definition(), db_url, registry=registry(),
                     clock=ManualClock(WEDNESDAY)) as made:
        yield made


def _sent(engine: Engine) -> Instance:
    return engine.start("letter", CLERK, SEND)


def _answered(engine: Engine) -> Instance:
    sent = _sent(engine)
    return engine.fire(sent.id, "answer", CLERK, {"answered_on": "2025-03-05"})


def _edit(engine: Engine, table: Any, where: Any, **values: Any) -> None:
    with engine.db.begin() as conn:
        assert conn.execute(sa.update(table).where(where).values(**values)).rowcount >= 1


def _clocks(engine: Engine, instance_id: str) -> dict[str, Any]:
    with engine.db.connect() as conn:
        return dict(conn.execute(sa.select(instances.c.clocks)
                                 .where(instances.c.id == instance_id)).scalar_one())


def test_every_builtin_invariant_is_tested_here() -> None:
    tested = {state_is_declared, history_verifies_and_replays, no_clock_runs_in_a_pausing_state,
              deadlines_on_working_days, no_stale_pending_timer, closed_accepts_nothing,
              timers_fire_once}
    assert set(BUILTIN_INVARIANTS) == tested


def test_a_sound_engine_keeps_every_invariant(engine: Engine) -> None:
    sent = _sent(engine)
    waiting = engine.fire(_sent(engine).id, "wait", CLERK)
    engine.advance(datetime(2025, 3, 17, 10))  # the reminder of the running letter fires
    answered = _answered(engine)
    for instance in (sent, waiting, answered):
        for invariant in BUILTIN_INVARIANTS:
            invariant(engine, instance.id)


def test_state_is_declared_catches_an_undeclared_state(engine: Engine) -> None:
    sent = _sent(engine)
    state_is_declared(engine, sent.id)
    _edit(engine, instances, instances.c.id == sent.id, state="limbo")
    with pytest.raises(AssertionError, match="limbo"):
        state_is_declared(engine, sent.id)


def test_state_is_declared_catches_an_open_instance_in_a_terminal_state(engine: Engine
                                                                       ) -> None:
    answered = _answered(engine)
    state_is_declared(engine, answered.id)
    _edit(engine, instances, instances.c.id == answered.id, closed_at=None)
    with pytest.raises(AssertionError, match="open in state 'answered'"):
        state_is_declared(engine, answered.id)


def test_history_check_catches_a_tampered_event(engine: Engine) -> None:
    sent = _sent(engine)
    history_verifies_and_replays(engine, sent.id)
    _edit(engine, events, events.c.instance_id == sent.id, data={"subject": "另一封信"})
    with pytest.raises(AssertionError, match="does not verify"):
        history_verifies_and_replays(engine, sent.id)


def test_history_check_catches_a_state_the_events_do_not_lead_to(engine: Engine) -> None:
    sent = _sent(engine)
    _edit(engine, instances, instances.c.id == sent.id, state="waiting")
    with pytest.raises(AssertionError, match="does not verify: .*the instance row"):
        history_verifies_and_replays(engine, sent.id)


def test_history_check_catches_a_version_out_of_step(engine: Engine) -> None:
    sent = _sent(engine)
    engine.advance(datetime(2025, 3, 17, 10))  # a reminder: seq 2, version still 1
    history_verifies_and_replays(engine, sent.id)
    _edit(engine, instances, instances.c.id == sent.id, version=2)
    with pytest.raises(AssertionError, match="does not verify: .*the instance row"):
        history_verifies_and_replays(engine, sent.id)


def test_pausing_state_check_catches_an_engine_that_forgets_to_pause(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    waiting = engine.fire(_sent(engine).id, "wait", CLERK)
    no_clock_runs_in_a_pausing_state(engine, waiting.id)
    real = effects_module.apply_effect

    def forgetful(rec: Any, clock: Any, effect: Any, *args: Any) -> Any:
        return rec if effect.op == "pause" else real(rec, clock, effect, *args)

    monkeypatch.setattr(effects_module, "apply_effect", forgetful)
    broken = engine.fire(_sent(engine).id, "wait", CLERK)
    with pytest.raises(AssertionError, match="'reply' runs in state 'waiting'"):
        no_clock_runs_in_a_pausing_state(engine, broken.id)


def test_working_day_check_catches_an_engine_counting_calendar_days(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = _sent(engine)
    assert sent.deadlines["reply"].due_date == date(2025, 3, 19)
    deadlines_on_working_days(engine, sent.id)

    def calendar_days(unit: str, cal: Any, day: date, n: int) -> date:
        return day + timedelta(days=n)

    monkeypatch.setattr(deadline_module, "add_units", calendar_days)
    assert engine.get(sent.id).deadlines["reply"].due_date == date(2025, 3, 15)
    with pytest.raises(AssertionError, match="2025-03-15 .Saturday., not a working day"):
        deadlines_on_working_days(engine, sent.id)


def test_stale_timer_check_catches_a_timer_left_on_a_closed_instance(engine: Engine) -> None:
    answered = _answered(engine)
    no_stale_pending_timer(engine, answered.id)
    _edit(engine, timers, timers.c.instance_id == answered.id, status="pending")
    with pytest.raises(AssertionError, match="closed instance .* pending timers"):
        no_stale_pending_timer(engine, answered.id)


def test_stale_timer_check_catches_a_timer_of_an_earlier_epoch(engine: Engine) -> None:
    sent = _sent(engine)
    no_stale_pending_timer(engine, sent.id)
    epoch = _clocks(engine, sent.id)["reply"]["epoch"]
    _edit(engine, timers, timers.c.instance_id == sent.id, epoch=epoch - 1)
    with pytest.raises(AssertionError, match=f"epoch {epoch - 1}, the clock is at {epoch}"):
        no_stale_pending_timer(engine, sent.id)


def test_stale_timer_check_catches_a_timer_of_a_paused_clock(engine: Engine) -> None:
    waiting = engine.fire(_sent(engine).id, "wait", CLERK)
    no_stale_pending_timer(engine, waiting.id)
    _edit(engine, timers, timers.c.instance_id == waiting.id, status="pending")
    with pytest.raises(AssertionError, match="which is not running"):
        no_stale_pending_timer(engine, waiting.id)


def test_closed_check_catches_an_engine_offering_triggers_on_a_closed_instance(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """The instance is closed behind the engine's back in state ``open``; the sound engine
    offers nothing on it, one that forgets to look at ``closed_at`` offers ``open``'s triggers.
    """
    sent = _sent(engine)
    _edit(engine, instances, instances.c.id == sent.id, closed_at=WEDNESDAY)
    closed_accepts_nothing(engine, sent.id)

    def forgetful(self: Engine, instance_id: str, actor: Any = None) -> list[str]:
        now = self.get(instance_id)
        return self.core.definitions.get(now.workflow).valid_triggers(now.state)  # type: ignore[no-any-return]

    monkeypatch.setattr(Engine, "available_triggers", forgetful)
    with pytest.raises(AssertionError, match="offers \\['answer', 'wait'\\]"):
        closed_accepts_nothing(engine, sent.id)


def test_fire_once_check_catches_a_timer_fired_twice(engine: Engine) -> None:
    sent = _sent(engine)
    engine.advance(datetime(2025, 3, 17, 10))
    assert [e.trigger for e in engine.history(sent.id)] == ["send", "reminder"]
    timers_fire_once(engine, sent.id)
    _edit(engine, timers, (timers.c.instance_id == sent.id) & (timers.c.kind == "reminder"),
          status="pending")
    engine.run_due_timers()
    with pytest.raises(AssertionError, match="2 reminder event.* but 1 fired timer"):
        timers_fire_once(engine, sent.id)


def test_fire_once_check_catches_a_duplicated_fired_timer(engine: Engine) -> None:
    sent = _sent(engine)
    engine.advance(datetime(2025, 3, 17, 10))
    with engine.db.begin() as conn:
        row = conn.execute(sa.select(timers).where(timers.c.status == "fired")).mappings().one()
        conn.execute(sa.insert(timers).values({k: v for k, v in row.items() if k != "id"}))
    with pytest.raises(AssertionError, match="fired more than once"):
        timers_fire_once(engine, sent.id)


def test_no_trace_check_catches_a_refused_call_that_wrote(engine: Engine) -> None:
    sent = _sent(engine)
    before = dump(engine)
    with pytest.raises(WorkflowError):
        engine.fire(sent.id, "resume", CLERK)
    refused_call_left_no_trace(engine, before)
    with engine.db.begin() as conn:  # as if the refused call had advanced a counter
        conn.execute(sa.insert(counters).values(agency="default", name="letters", value=1))
    with pytest.raises(AssertionError, match="changed table gongkai_counters"):
        refused_call_left_no_trace(engine, before)
