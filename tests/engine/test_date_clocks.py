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
from typing import Any

import pytest
from pydantic import BaseModel

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
from engine.clocks.deadline import deadline
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
            Transition("ask_by", ("open",), None, roles=("clerk",), data="review.Ask",
                       effects=(ClockEffect("answer", "start", due_field="answer_by"),)),
            Transition("reset", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("round", "restart", due_field="round_by"),)),
            Transition("extend_more", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("round", "extend", length_field="days"),)),
            Transition("answer_later", ("open",), None, roles=("clerk",),
                       effects=(ClockEffect("answer", "extend", length_field="days"),)),
        ),
        clocks=(Clock("round", due_month_day="12-31", reminders=(5, 1),
                      title=Title("年度复核", "Review round")),
                Clock("answer", unit="calendar_days", reminders=(2,))),
        roles=("clerk",), start_trigger="open")


class Ask(BaseModel):
    """An answer asked for by a date the clerk may leave empty (``None``)."""

    answer_by: str | None = None


def registry() -> Registry:
    reg = Registry()
    reg.model("review.Ask", Ask)
    return reg


def make(url: str, start: datetime = datetime(2025, 12, 1, 10)) -> tuple[Engine, ManualClock]:
    clock = ManualClock(start)
    engine = Engine(url, clock=clock, calendar=ChinaCalendar(), registry=registry())
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
        clocks=(Clock("round", 20, due_month_day="12-31"),
                Clock("answer", 3, unit="calendar_days"),
                Clock("term", due_month_day="02-29"), Clock("season", due_month_day="13-01")))
    with pytest.raises(DefinitionError) as info:
        validate(bad)
    problems = info.value.problems
    expected = [
        "clock 'round' is due on a date: its length must be 0, not 20",
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
    validate(base, registry())


# -- what an effect reads: refused, never a silently wrong deadline ---------------------------

def refused(engine: Engine, instance_id: str | None, trigger: str, data: dict[str, Any]
            ) -> dict[str, str]:
    """Fire (or start, without an instance) and expect InvalidData that changes nothing."""
    before = dump(engine)
    with pytest.raises(InvalidData) as info:
        if instance_id is None:
            engine.start("review_round", CLERK, data)
        else:
            engine.fire(instance_id, trigger, CLERK, data)
    assert dump(engine) == before
    error: dict[str, str] = info.value.errors[0]
    return error


@pytest.mark.parametrize(("trigger", "data"), [
    ("ask", {}), ("ask", {"answer_by": None}), ("ask_by", {}), ("ask_by", {"answer_by": None})])
def test_a_date_clock_without_its_due_date_is_refused_not_due_today(
        db_url: str, trigger: str, data: dict[str, Any]) -> None:
    """The answer clock has no due_month_day: without a date in answer_by it has no deadline
    (it used to start as a zero-length clock, due the same day, and turn overdue at midnight)."""
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    error = refused(engine, inst.id, trigger, data)
    assert error["field"] == "answer_by"
    assert "gives none" in error["message"]
    assert engine.advance(beijing(2025, 12, 3)) == 0
    assert "answer" not in engine.get(inst.id).deadlines


def test_a_clock_with_a_month_day_falls_back_to_it_without_a_due_date(db_url: str) -> None:
    engine, clock = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    clock.set(datetime(2025, 12, 10, 10))
    assert engine.fire(inst.id, "reset", CLERK, {}).deadlines["round"].due_date == date(
        2025, 12, 31)
    assert engine.fire(inst.id, "reset", CLERK, {"round_by": "2025-12-19"}).deadlines[
        "round"].due_date == date(2025, 12, 19)


@pytest.mark.parametrize("value", [
    "20251220", "2025-W52-1", "2025-12-1", "2025-12-20T00:00", "2025-02-30", "yesterday",
    "２０２５-12-20", "", 20251220])
def test_every_date_an_effect_reads_is_a_strict_iso_date(db_url: str, value: object) -> None:
    """Python's date.fromisoformat takes "20251220" and "2025-W52-1": the engine does not."""
    engine, _ = make(db_url)
    assert refused(engine, None, "open", {"opened_on": value})["field"] == "opened_on"
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    assert refused(engine, inst.id, "ask", {"answer_by": value})["field"] == "answer_by"
    assert refused(engine, inst.id, "reset", {"round_by": value})["field"] == "round_by"


def test_a_due_date_up_to_ten_years_after_the_start_is_taken_and_later_refused(
        db_url: str) -> None:
    """No statutory period comes near 10 years: "2035-12-02" or "9999-12-31" is a mistake."""
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    for value in ("2035-12-02", "9999-12-31"):
        error = refused(engine, inst.id, "ask", {"answer_by": value})
        assert error["field"] == "answer_by" and "more than 10 years" in error["message"]
    d = engine.fire(inst.id, "ask", CLERK, {"answer_by": "2035-12-01"}).deadlines["answer"]
    assert (d.due_date, d.left) == (date(2035, 12, 1), 3652)


def test_a_due_date_the_calendar_cannot_count_is_invalid_data(db_url: str) -> None:
    """The strict calendar has no 2027 schedule: a round due 2027-01-15 cannot time its
    reminders (5 and 1 working days before), so the restart is refused, naming round_by."""
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    error = refused(engine, inst.id, "reset", {"round_by": "2027-01-15"})
    assert error["field"] == "round_by" and "2027" in error["message"]


@pytest.mark.parametrize(("days", "words"), [
    (None, "no number"), (0, "positive whole"), (-3, "positive whole"), (True, "positive whole"),
    ("5", "positive whole"), (2.5, "positive whole"), (100_000, "2027")])
def test_a_length_from_the_data_is_a_positive_number_the_calendar_can_count(
        db_url: str, days: object, words: str) -> None:
    """An extend without 'by' needs its length; 100,000 working days run past the calendar's
    data (strict, up to 2026)."""
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    error = refused(engine, inst.id, "extend_more", {} if days is None else {"days": days})
    assert error["field"] == "days" and words in error["message"]
    assert engine.fire(inst.id, "extend_more", CLERK, {"days": 5}).deadlines[
        "round"].due_date == date(2026, 1, 8)


def test_an_extension_past_ten_years_is_refused(db_url: str) -> None:
    """The answer (calendar days) due 2025-12-20, started 12-01: 3,633 more days reach
    2035-12-01, the last day allowed; 3,634 go one day past it."""
    engine, _ = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    engine.fire(inst.id, "ask", CLERK, {"answer_by": "2025-12-20"})
    error = refused(engine, inst.id, "answer_later", {"days": 3634})
    assert error["field"] == "days" and "more than 10 years" in error["message"]
    d = engine.fire(inst.id, "answer_later", CLERK, {"days": 3633}).deadlines["answer"]
    assert d.due_date == date(2035, 12, 1)


# -- reading when the calendar has no data for today's year ----------------------------------

def test_records_stay_readable_when_today_falls_in_a_year_without_calendar_data(
        db_url: str) -> None:
    """The strict calendar has official data up to 2026. On 2027-01-05 the round (due
    2025-12-31) is still shown: used and left counted up to 2026-12-31, the last day known, and
    marked provisional with the missing year; the answer counts calendar days, which need no
    holiday schedule."""
    engine, clock = make(db_url)
    inst = engine.start("review_round", CLERK, {"opened_on": "2025-12-01"})
    engine.fire(inst.id, "ask", CLERK, {"answer_by": "2026-06-30"})
    clock.set(datetime(2027, 1, 5, 10))
    cal = ChinaCalendar()
    days_2026 = cal.get_working_days_delta(date(2025, 12, 31), date(2026, 12, 31))
    for snap in (engine.get(inst.id), *engine.find(workflow="review_round"),
                 *(item.instance for item in engine.worklist(CLERK))):
        d = snap.deadlines["round"]
        assert (d.state, d.due_date, d.overdue, d.provisional) == (
            "expired", date(2025, 12, 31), True, True)
        assert (d.used, d.left) == (22 + days_2026, -days_2026)
        assert d.details == {"calendar_missing": 2027}
        answer = snap.deadlines["answer"]
        assert (answer.due_date, answer.left, answer.provisional, answer.details) == (
            date(2026, 6, 30), -189, False, {})
    [item] = engine.worklist(CLERK)
    assert item.deadline is not None and item.deadline.due_date == date(2025, 12, 31)


def test_a_deadline_whose_due_date_needs_a_missing_year_keeps_its_announced_date() -> None:
    """20 working days from 2026-12-20 run into 2027, which the strict calendar lacks: the
    snapshot shows the due date announced when the clock started, and counts what it can."""
    cal = ChinaCalendar()
    clock = Clock("reply", 20)
    rec = ClockRecord(length=20, started_on=date(2026, 12, 20), epoch=1,
                      due_on=date(2027, 1, 18))
    d = deadline(rec, clock, cal, date(2026, 12, 25))
    assert (d.state, d.due_date, d.provisional, d.details) == (
        "running", date(2027, 1, 18), True, {"calendar_missing": 2027})
    # used: (12-20, 12-25] = 12-21 … 12-25 = 5 working days, so 15 of the 20 are left
    assert (d.used, d.left) == (5, 15)
    # in 2027, used counts up to 2026-12-31 only: 12-21 … 12-25, 12-28 … 12-31 = 9
    later = deadline(rec, clock, cal, date(2027, 2, 1))
    assert (later.state, later.overdue, later.used, later.left, later.provisional) == (
        "expired", True, 9, 11, True)
