"""What happens around a transition: closing stops clocks, marks leave forms fresh, timers follow
calendar changes, events are dated by facts that already happened."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from pydantic import BaseModel, ConfigDict

from engine import ClockEffect, DefinitionError, Engine, InvalidData, Transition
from engine.testing import ManualClock
from tests.engine import sample
from tests.engine.helpers import CLERK, MANAGER, START, WeekdayCalendar, dump, make_engine

ITEM = {"item": "lamp", "amount": 40}


def _triggers(engine: Engine, instance_id: str) -> list[str]:
    return [e.trigger for e in engine.history(instance_id)]


def test_closing_an_instance_stops_its_clocks(db_url: str) -> None:
    """A cancelled purchase is no longer counted: its review clock (submitted Monday 03-03, due
    Monday 03-10) stops on the day of closing and never turns overdue."""
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    engine.clock.set(datetime(2025, 3, 4, 10))  # type: ignore[attr-defined]
    engine.fire(inst.id, "cancel", CLERK)
    engine.clock.set(datetime(2025, 4, 1, 10))  # type: ignore[attr-defined]
    review = engine.get(inst.id).deadlines["review"]
    assert (review.state, review.due_date, review.overdue, review.used) == (
        "stopped", date(2025, 3, 10), False, 1)


def test_a_reminder_does_not_make_an_open_form_stale(db_url: str) -> None:
    """Marks (reminders, overdue) append to history without changing the version staff check:
    the manager loaded the purchase at version 2 before Thursday's 09:00 reminder."""
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, ITEM)
    loaded = engine.fire(inst.id, "submit", CLERK)
    engine.advance(datetime(2025, 3, 6, 10))
    assert _triggers(engine, inst.id) == ["create", "submit", "reminder"]
    assert engine.get(inst.id).version == loaded.version == 2
    done = engine.fire(inst.id, "approve", MANAGER, {"note": "ok"},
                       expected_version=loaded.version)
    assert (done.state, done.version) == ("approved", 3)
    engine.verify_history(inst.id)


def test_a_timer_follows_a_calendar_change_instead_of_firing_on_the_old_day(db_url: str) -> None:
    """Submitted Monday 03-03: 5 working days end Monday 03-10. A holiday is then declared on
    Wednesday 03-05 and nobody recomputes: the deadline is 03-11. The worker must not escalate at
    00:00 on 03-11 (the old timer) but at 00:00 on 03-12, recording the move."""
    engine = make_engine(db_url)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    engine.calendar = WeekdayCalendar(holidays={date(2025, 3, 5)})
    engine.advance(datetime(2025, 3, 11, 10))
    assert engine.get(inst.id).state == "submitted"
    [move] = [e for e in engine.history(inst.id) if e.trigger == "deadline_recomputed"]
    assert (move.data["old_due_date"], move.data["new_due_date"]) == ("2025-03-10", "2025-03-11")
    engine.advance(datetime(2025, 3, 12, 1))
    assert engine.get(inst.id).state == "escalated"
    assert [e.event_time.isoformat() for e in engine.history(inst.id)
            if e.trigger == "escalate"] == ["2025-03-11T16:00:00+00:00"]


class Dated(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str
    held_on: date


def _dated_engine(db_url: str) -> Engine:
    registry = sample.make_registry()
    registry.model("sample.Dated", Dated)
    base = sample.definition()
    hold = Transition("hold", ("submitted",), None, roles=("manager",), data="sample.Dated",
                      effects=(ClockEffect("review", "pause", "held_on"),))
    definition = base.__class__(**{**base.__dict__, "transitions": tuple(
        hold if t.trigger == "hold" else t for t in base.transitions)})
    engine = make_engine(db_url, registry=registry, register=False)
    engine.register(definition)
    return engine


def test_an_effect_dated_after_today_is_refused_and_changes_nothing(db_url: str) -> None:
    """Events record what happened: a pause dated tomorrow would count a deadline from a day that
    has not come."""
    engine = _dated_engine(db_url)
    inst = engine.start("purchase", CLERK, ITEM)
    engine.fire(inst.id, "submit", CLERK)
    before = dump(engine)
    with pytest.raises(InvalidData) as refused:
        engine.fire(inst.id, "hold", MANAGER, {"note": "ask", "held_on": "2025-03-04"})
    assert refused.value.errors[0]["field"] == "held_on"
    assert dump(engine) == before
    engine.fire(inst.id, "hold", MANAGER, {"note": "ask", "held_on": "2025-03-03"})
    assert engine.get(inst.id).deadlines["review"].state == "paused"


def test_a_clock_effect_reading_a_field_its_data_lacks_is_a_definition_error(
        db_url: str) -> None:
    registry = sample.make_registry()
    registry.model("sample.Dated", Dated)
    base = sample.definition()
    typo = Transition("hold", ("submitted",), None, roles=("manager",), data="sample.Dated",
                      effects=(ClockEffect("review", "pause", "hled_on"),))
    definition = base.__class__(**{**base.__dict__, "transitions": tuple(
        typo if t.trigger == "hold" else t for t in base.transitions)})
    engine = Engine(db_url, clock=ManualClock(START), calendar=WeekdayCalendar(),
                    registry=registry)
    with pytest.raises(DefinitionError) as bad:
        engine.register(definition)
    assert "'hled_on'" in str(bad.value)


def test_a_trigger_filter_leaves_other_rows_for_other_processes(db_url: str) -> None:
    """A process subscribed to submits only does not take the other events from the outbox."""
    submits = make_engine(db_url)
    everything = make_engine(db_url, register=False)
    got_submits: list[int] = []
    got_all: list[tuple[str, int]] = []
    submits.subscribe(lambda e: got_submits.append(e["seq"]), triggers=["submit"])
    inst = submits.start("purchase", CLERK, ITEM)
    submits.fire(inst.id, "submit", CLERK)
    everything.subscribe(lambda e: got_all.append((e["trigger"], e["seq"])))
    everything.deliver_events()
    assert got_submits == [2]
    assert got_all == [("create", 1)]


