"""Clocks due on a date: a review round that must finish by 31 December, an answer due on a date
the event names. Their date does not move with pauses; an extension adds working days after it;
reminders and the overdue mark are timed as for clocks of N units.

Days on the official Chinese calendar (``calendars.ChinaCalendar``), counted by hand:

* December 2025 has no holiday: its working days are 1–5, 8–12, 15–19, 22–26, 29–31 (23 days).
  A round started Mon 2025-12-01 and due Wed 2025-12-31 has (12-01, 12-31] = 22 working days.
* 5 working days before 12-31: 12-30, 12-29, 12-26, 12-25, 12-24 → reminder Wed 12-24, 09:00;
  1 working day before: Tue 12-30, 09:00. The period ends at the end of 12-31: overdue mark at
  Thu 2026-01-01 00:00 Beijing.
* 元旦 2026: 1–3 January off, Sunday 4 January a make-up working day. Extending the round by 5
  working days after 12-31: 01-04, 01-05, 01-06, 01-07, 01-08 → due Thu 2026-01-08.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from calendars import ChinaCalendar
from engine import (
    Actor,
    Clock,
    ClockEffect,
    DefinitionError,
    Engine,
    InvalidData,
    Registry,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.clocks.record import ClockRecord, next_month_day
from engine.definition.io import definition_from_json, definition_to_json
from engine.definition.validate import validate
from engine.testing import ManualClock
from tests.engine import sample
from tests.engine.helpers import dump

CLERK = Actor("clerk-1", {"clerk"})
BEIJING = timedelta(hours=8)


def beijing(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC) - BEIJING


def review_round() -> WorkflowDefinition:
    """``round``: due on 31 December of the year it opens, reminders 5 and 1 working days before;
    ``answer``: due on the date the ``ask`` event names (calendar days, a reminder 2 days before).
    """
    return WorkflowDefinition(
        name="review_round", version=1, title=Title("年度复核（测试）", "Review round (test)"),
        states=(State("open", kind="initial"), State("held"), State("closed", kind="terminal")),
        transitions=(
            Transition("open", (), "open", roles=("clerk",),
                       effects=(ClockEffect("round", "start", date_field="opened_on"),)),
            Transition("hold", ("open",), "held", roles=("clerk",),
                       effects=(ClockEffect("round", "pause"),)),
            Transition("go_on", ("held",), "open", roles=("clerk",),
                       effects=(ClockEffect("round", "resume"),)),
            Transition("extend", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("round", "extend", by=5, max_times=1),)),
            Transition("ask", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("answer", "start", due_field="answer_by"),)),
            Transition("finish", ("open", "held"), "closed", roles=("clerk",),
                       effects=(ClockEffect("round", "stop"),)),
        ),
        clocks=(Clock("round", due_month_day="12-31", reminders=(5, 1),
                      title=Title("年度复核", "Review round")),
                Clock("answer", unit="calendar_days", reminders=(2,))),
        roles=("clerk",), start_trigger="open")


def make(url: str, start: datetime = datetime(2025, 12, 1, 10)) -> tuple[Engine, ManualClock]:
    clock = ManualClock(start)
    engine = Engine(url, clock=clock, calendar=ChinaCalendar(), registry=Registry())
    engine.register(review_round())
    return engine, clock


def pending(engine: Engine, instance_id: str) -> list[tuple[str, str, datetime, int]]:
    return [(t.clock, t.kind, t.due_at.replace(tzinfo=UTC), t.epoch)
            for t in engine.timers(instance_id=instance_id, status="pending")]


ROUND_TIMERS = [beijing(2025, 12, 24, 9), beijing(2025, 12, 30, 9), beijing(2026, 1, 1)]


# -- the round due on 31 December ------------------------------------------------------------

def test_a_round_started_on_1_december_is_due_on_31_december(db_url: str) -> None:
    engine, clock = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    d = inst.deadlines["round"]
    assert (d.state, d.due_date, d.used, d.left, d.overdue) == (
        "running", date(2025, 12, 31), 0, 22, False)
    assert [(c, k, at) for c, k, at, _ in pending(engine, inst.id)] == [
        ("round", "reminder", ROUND_TIMERS[0]), ("round", "reminder", ROUND_TIMERS[1]),
        ("round", "deadline", ROUND_TIMERS[2])]
    clock.set(datetime(2025, 12, 15, 10))
    d = engine.get(inst.id).deadlines["round"]
    # (12-01, 12-15]: 2–5, 8–12, 15 = 10 used; (12-15, 12-31]: 16–19, 22–26, 29–31 = 12 left
    assert (d.used, d.left) == (10, 12)


def test_reminders_then_the_overdue_mark_at_midnight_beijing(db_url: str) -> None:
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    assert engine.advance(beijing(2025, 12, 31, 23)) == 2
    assert engine.get(inst.id).deadlines["round"].state == "running"
    assert engine.advance(beijing(2026, 1, 5, 10)) == 1
    marks = [(e.trigger, e.event_time.replace(tzinfo=UTC), dict(e.data))
             for e in engine.history(inst.id)[1:]]
    assert marks == [
        ("reminder", ROUND_TIMERS[0],
         {"clock": "round", "due_date": "2025-12-31", "days_before": 5}),
        ("reminder", ROUND_TIMERS[1],
         {"clock": "round", "due_date": "2025-12-31", "days_before": 1}),
        ("overdue", ROUND_TIMERS[2], {"clock": "round", "due_date": "2025-12-31"}),
    ]
    d = engine.get(inst.id).deadlines["round"]
    # on Mon 2026-01-05: (12-31, 01-05] holds 01-04 (make-up Sunday) and 01-05: 2 days over
    assert (d.state, d.overdue, d.used, d.left) == ("expired", True, 24, -2)


def test_a_pause_does_not_move_the_date_but_holds_the_timers(db_url: str) -> None:
    engine, clock = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    clock.set(datetime(2025, 12, 10, 10))
    held = engine.fire(inst.id, "hold", CLERK).deadlines["round"]
    assert (held.state, held.due_date) == ("paused", date(2025, 12, 31))
    assert pending(engine, inst.id) == []
    clock.set(datetime(2025, 12, 17, 10))
    back = engine.fire(inst.id, "go_on", CLERK).deadlines["round"]
    assert (back.state, back.due_date) == ("running", date(2025, 12, 31))
    assert [(at, epoch) for _, _, at, epoch in pending(engine, inst.id)] == [
        (at, 3) for at in ROUND_TIMERS]


def test_an_extension_adds_working_days_after_the_date(db_url: str) -> None:
    engine, clock = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    clock.set(datetime(2025, 12, 29, 10))
    d = engine.fire(inst.id, "extend", CLERK).deadlines["round"]
    assert (d.due_date, d.extensions) == (date(2026, 1, 8), 1)
    # (12-29, 01-08]: 12-30, 12-31, 01-04 … 01-08 = 7 working days left
    assert d.left == 7
    assert pending(engine, inst.id)[-1][2] == beijing(2026, 1, 9)


def test_the_round_is_due_on_the_next_31_december_on_or_after_its_start() -> None:
    assert next_month_day("12-31", date(2025, 12, 31)) == date(2025, 12, 31)
    assert next_month_day("12-31", date(2026, 1, 5)) == date(2026, 12, 31)
    assert next_month_day("03-31", date(2025, 4, 1)) == date(2026, 3, 31)


# -- a due date named by the event -----------------------------------------------------------

def test_a_clock_due_on_the_date_its_event_names(db_url: str) -> None:
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    d = engine.fire(inst.id, "ask", CLERK, {"answer_by": "2025-12-20"}).deadlines["answer"]
    # calendar days: (12-01, 12-20] = 19 left; a reminder 2 days before, on 12-18
    assert (d.due_date, d.unit, d.used, d.left) == (date(2025, 12, 20), "calendar_days", 0, 19)
    answer = [(k, at) for c, k, at, _ in pending(engine, inst.id) if c == "answer"]
    assert answer == [("reminder", beijing(2025, 12, 18, 9)), ("deadline", beijing(2025, 12, 21))]


@pytest.mark.parametrize("value", ["2025-11-30", "by Friday"])
def test_a_due_date_before_the_start_or_not_a_date_is_refused_and_changes_nothing(
        db_url: str, value: str) -> None:
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    before = dump(engine)
    with pytest.raises(InvalidData) as info:
        engine.fire(inst.id, "ask", CLERK, {"answer_by": value})
    assert info.value.errors[0]["field"] == "answer_by"
    assert dump(engine) == before


# -- records and definitions as data ---------------------------------------------------------

def test_a_record_due_on_a_date_round_trips_and_old_records_still_load() -> None:
    rec = ClockRecord(length=0, started_on=date(2025, 12, 1), epoch=1,
                      due_on=date(2025, 12, 31), fixed_due=date(2025, 12, 31))
    raw = json.loads(json.dumps(rec.to_json()))
    assert raw["fixed_due"] == "2025-12-31"
    assert ClockRecord.from_json(raw) == rec
    old = ClockRecord(length=20, started_on=date(2025, 3, 3), epoch=1)
    assert "fixed_due" not in old.to_json()
    assert ClockRecord.from_json(old.to_json()) == old


def test_a_definition_with_date_clocks_round_trips_through_json() -> None:
    d = review_round()
    text = definition_to_json(d)
    assert definition_from_json(text) == d
    clocks = {c["name"]: c for c in json.loads(text)["clocks"]}
    assert clocks["round"]["due_month_day"] == "12-31" and clocks["round"]["length"] == 0
    assert json.loads(text)["transitions"][4]["effects"][0]["due_field"] == "answer_by"
    # a definition without the new fields keeps its JSON (and digest) as before
    assert "due_month_day" not in definition_to_json(sample.definition())


def test_every_date_clock_problem_is_reported_at_once() -> None:
    base = review_round()
    bad = WorkflowDefinition(
        name=base.name, version=1, title=base.title, states=base.states, roles=base.roles,
        start_trigger=base.start_trigger,
        transitions=base.transitions + (
            Transition("reopen", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("answer", "restart"),
                                ClockEffect("answer", "pause", due_field="answer_by"),
                                ClockEffect("round", "restart", length_field="days"))),),
        clocks=(Clock("round", 20, due_month_day="12-31", reminders=(0,)),
                Clock("answer", 3, unit="calendar_days"),
                Clock("term", due_month_day="02-29"), Clock("season", due_month_day="13-01")))
    with pytest.raises(DefinitionError) as info:
        validate(bad)
    problems = info.value.problems
    expected = [
        "clock 'round' is due on a date: its length must be 0, not 20",
        "clock 'round': reminders must be positive integers",
        "clock 'answer' is due on a date: its length must be 0, not 3",
        "clock 'term': due_month_day '02-29' must be 'MM-DD', a day every year has",
        "clock 'season': due_month_day '13-01' must be 'MM-DD', a day every year has",
        "transition 'reopen': restart of clock 'answer': the clock is due on a date, and this "
        "effect names no due_field",
        "transition 'reopen': pause of clock 'answer': due_field dates only a start or restart",
        "transition 'reopen': restart of clock 'round': a clock due on a date takes no "
        "length_field",
    ]
    for problem in expected:
        assert problem in problems
    validate(base)
