"""Calendar schedules at run time (``Engine.schedule``): instance-less jobs that start instances
or fire a trigger on working days, fired exactly once per occurrence by the due loop.

Dates on the real calendar (``ChinaCalendar(provisional=True)``), worked out by hand from the
State Council notices: 2024-12-01 is a Sunday, so the first working day of December 2024 is Mon
12-02; 2025-12-01 is a Monday, 2026-12-01 a Tuesday. Beijing is UTC+8 all year, so 09:00 Beijing
is 01:00 UTC. The recompute tests use the Monday-Friday calendar of ``helpers`` with holidays
added and removed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as at
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from pydantic import BaseModel, ConfigDict

from calendars import CalendarDataMissing, ChinaCalendar
from engine import (
    SYSTEM,
    Actor,
    Engine,
    InvalidData,
    NotFound,
    PermissionDenied,
    Registry,
    ScheduleSpec,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.cli import main
from engine.errors import DeadlineError, ScheduleError
from engine.runtime import due
from engine.runtime.retry import BASE_BACKOFF, MAX_ATTEMPTS
from engine.runtime.worker import Worker
from engine.testing import ManualClock
from tests.engine.helpers import GONGKAI_TABLES, WeekdayCalendar, dump

TABLES = (*GONGKAI_TABLES, "gongkai_schedules")
STAFF = Actor("staff-1", {"staff"})
FIRST_OF_DECEMBER = ScheduleSpec.nth_working_day(1, months=(12,))
NOVEMBER_2024 = datetime(2024, 11, 15, 10)  # a Friday, Beijing


def utc(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


# -- the workflow: an annual review, started by a schedule ------------------------------------

class Hooks:
    """What a test makes the workflow's actions do: fail, or wait inside the transaction."""

    def __init__(self) -> None:
        self.fail = False
        self.inside: threading.Event | None = None
        self.release: threading.Event | None = None


class Opened(BaseModel):
    model_config = ConfigDict(extra="forbid")
    occurrence: date
    unit: str | None = None
    frozen: bool = False


def review_registry(hooks: Hooks) -> Registry:
    reg = Registry()
    reg.model("review.Opened", Opened)

    @reg.action("review.gateway")
    def gateway(ctx: TransitionContext) -> None:
        if hooks.fail:
            raise ConnectionError("ledger gateway unreachable")
        if hooks.inside is not None and hooks.release is not None:
            hooks.inside.set()
            assert hooks.release.wait(30)

    @reg.guard("review.not_frozen")
    def not_frozen(ctx: TransitionContext) -> str | None:
        return "the review is frozen" if ctx.instance_data.get("frozen") else None

    return reg


REVIEW = WorkflowDefinition(
    name="review", version=1, title=Title("年度复核", "Annual review"),
    states=(State("open", kind="initial"), State("reviewing"),
            State("closed", kind="terminal")),
    transitions=(
        Transition("open", (), "open", roles=("system",), data="review.Opened",
                   actions=("review.gateway",)),
        Transition("remind", ("open",), None, roles=("system",), guards=("review.not_frozen",),
                   actions=("review.gateway",)),
        Transition("begin", ("open",), "reviewing", roles=("staff",)),
        Transition("finish", ("open", "reviewing"), "closed", roles=("staff",)),
    ),
    roles=("staff",), start_trigger="open")


def review_engine(url: str, clock: ManualClock | None = None, calendar: Any = None,
                  hooks: Hooks | None = None, agency: str = "default") -> Engine:
    engine = Engine(url, clock=clock or ManualClock(NOVEMBER_2024),
                    calendar=calendar or ChinaCalendar(provisional=True),
                    registry=review_registry(hooks or Hooks()), agency=agency)
    engine.register(REVIEW)
    return engine


def started(engine: Engine) -> list[tuple[str | None, str]]:
    """(business key, occurrence) of every review instance of the engine's agency."""
    return sorted((i.business_key, i.data["occurrence"]) for i in engine.find("review"))


def only(engine: Engine) -> Any:
    [schedule] = engine.schedules()
    return schedule


# -- start mode on the real calendar ------------------------------------------------------------

def test_first_working_day_of_december_starts_one_instance_a_year(db_url: str) -> None:
    engine = review_engine(db_url)
    made = engine.schedule("december-review", FIRST_OF_DECEMBER, "review",
                           data={"unit": "办公厅"})
    assert (made.name, made.workflow, made.action, made.trigger) == (
        "december-review", "review", "start", None)
    assert (made.occurrence, made.next_due_at, made.status, made.attempts) == (
        date(2024, 12, 2), utc(2024, 12, 2, 1), "active", 0)
    assert made.last_occurrence is None and made.data == {"unit": "办公厅"}

    assert engine.advance(datetime(2024, 12, 2, 8, 59)) == 0
    assert started(engine) == []
    assert engine.advance(datetime(2024, 12, 2, 9, 0)) == 1
    assert started(engine) == [("december-review:2024-12-02", "2024-12-02")]
    [instance] = engine.find("review")
    assert dict(instance.data) == {"occurrence": "2024-12-02", "unit": "办公厅", "frozen": False}
    [opened] = engine.history(instance.id)
    assert (opened.trigger, opened.actor_id, opened.event_time) == (
        "open", SYSTEM.id, utc(2024, 12, 2, 1))

    after = only(engine)
    assert (after.occurrence, after.next_due_at, after.status) == (
        date(2025, 12, 1), utc(2025, 12, 1, 1), "active")
    assert (after.last_occurrence, after.last_fired_at) == (date(2024, 12, 2),
                                                            utc(2024, 12, 2, 1))
    # Advancing past it again, and asking again, starts nothing more.
    assert engine.advance(datetime(2025, 11, 30)) == 0
    assert engine.run_due_timers() == 0
    assert len(started(engine)) == 1

    assert engine.advance(datetime(2025, 12, 1, 12)) == 1
    assert started(engine) == [("december-review:2024-12-02", "2024-12-02"),
                               ("december-review:2025-12-01", "2025-12-01")]
    assert only(engine).occurrence == date(2026, 12, 1)


def test_missed_occurrences_fire_once_then_the_next_future_one_is_due(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    engine = review_engine(db_url, clock)
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    clock.set(datetime(2026, 3, 1, 10))  # no worker ran through December 2024 and 2025
    assert engine.run_due_timers() == 1
    assert started(engine) == [("december-review:2024-12-02", "2024-12-02")]
    [instance] = engine.find("review")
    assert instance.created_at == clock.now()
    after = only(engine)
    assert (after.last_occurrence, after.occurrence) == (date(2024, 12, 2), date(2026, 12, 1))
    assert engine.run_due_timers() == 0


def test_an_occurrence_already_started_is_not_started_again(db_url: str) -> None:
    """Removed and added again the same day: the occurrence's business key is taken, so the
    schedule moves on without a second instance."""
    clock = ManualClock(NOVEMBER_2024)
    engine = review_engine(db_url, clock)
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    engine.advance(datetime(2024, 12, 2, 10))
    engine.unschedule("december-review")
    engine.schedule("december-review", ScheduleSpec.nth_working_day(1, (12,), at=at(11)),
                    "review")
    assert only(engine).occurrence == date(2024, 12, 2)
    assert engine.advance(datetime(2024, 12, 2, 12)) == 0
    assert started(engine) == [("december-review:2024-12-02", "2024-12-02")]
    after = only(engine)
    assert (after.status, after.last_occurrence, after.occurrence) == (
        "active", date(2024, 12, 2), date(2025, 12, 1))


# -- two workers racing -------------------------------------------------------------------------

def race(url: str, hooks: Hooks | None = None) -> tuple[list[Engine], ManualClock]:
    clock = ManualClock(NOVEMBER_2024)
    engines = [review_engine(url, clock, hooks=hooks) for _ in range(2)]
    engines[0].schedule("december-review", FIRST_OF_DECEMBER, "review")
    clock.set(datetime(2024, 12, 2, 9))
    return engines, clock


def in_thread(work: Callable[[], int], results: list[int]) -> threading.Thread:
    thread = threading.Thread(target=lambda: results.append(work()))
    thread.start()
    return thread


def test_two_workers_racing_start_exactly_one_instance(db_url: str) -> None:
    engines, _ = race(db_url)
    go = threading.Barrier(2)
    results: list[int] = []

    def work(engine: Engine) -> Callable[[], int]:
        def run() -> int:
            go.wait(30)
            return due.run_due_timers(engine.core)
        return run

    threads = [in_thread(work(e), results) for e in engines]
    for t in threads:
        t.join(60)
    assert sorted(results) == [0, 1]
    assert started(engines[0]) == [("december-review:2024-12-02", "2024-12-02")]
    assert only(engines[1]).occurrence == date(2025, 12, 1)


def test_a_worker_skips_a_schedule_another_is_firing(pg_url: str) -> None:
    """PostgreSQL: while the first worker is inside its transaction (held in the start action),
    the second finds nothing to claim; when the first commits, the row has moved on."""
    hooks = Hooks()
    hooks.inside, hooks.release = threading.Event(), threading.Event()
    (first, second), _ = race(pg_url, hooks)
    results: list[int] = []
    holder = in_thread(lambda: due.run_due_timers(first.core), results)
    assert hooks.inside.wait(30)
    assert due.run_due_timers(second.core) == 0
    assert started(second) == []
    assert hooks.release is not None
    hooks.release.set()
    holder.join(60)
    assert results == [1]
    assert due.run_due_timers(second.core) == 0
    assert started(second) == [("december-review:2024-12-02", "2024-12-02")]


# -- fire mode ------------------------------------------------------------------------------------

def test_fire_mode_fires_on_every_open_instance_where_valid(db_url: str) -> None:
    engine = review_engine(db_url)
    opened = {"occurrence": "2024-11-01"}
    ready = engine.start("review", SYSTEM, opened).id
    frozen = engine.start("review", SYSTEM, {**opened, "frozen": True}).id
    reviewing = engine.start("review", SYSTEM, opened).id
    engine.fire(reviewing, "begin", STAFF)
    closed = engine.start("review", SYSTEM, opened).id
    engine.fire(closed, "finish", STAFF)
    other = review_engine(db_url, agency="other")
    elsewhere = other.start("review", SYSTEM, opened).id
    before = {i: len(engine.history(i)) for i in (frozen, reviewing, closed)}

    nudge = engine.schedule("nudge", ScheduleSpec.every_working_day(), "review",
                            action="fire", trigger="remind", data={"unit": "办公厅"})
    assert (nudge.action, nudge.trigger, nudge.occurrence) == ("fire", "remind",
                                                                date(2024, 11, 18))
    assert engine.advance(datetime(2024, 11, 18, 9)) == 1
    last = engine.history(ready)[-1]
    assert (last.trigger, last.actor_id, dict(last.data), last.event_time) == (
        "remind", "system", {"unit": "办公厅", "occurrence": "2024-11-18"},
        utc(2024, 11, 18, 1))
    assert {i: len(engine.history(i)) for i in (frozen, reviewing, closed)} == before
    assert len(other.history(elsewhere)) == 1  # another agency's instance is not this schedule's
    assert only(engine).occurrence == date(2024, 11, 19)

    engine.advance(datetime(2024, 11, 19, 9))
    assert [e.data.get("occurrence") for e in engine.history(ready)] == [
        "2024-11-01", "2024-11-18", "2024-11-19"]


def test_fire_mode_is_all_or_nothing(db_url: str) -> None:
    """One instance's action fails: no instance moves, the occurrence is retried."""
    hooks = Hooks()
    engine = review_engine(db_url, hooks=hooks)
    ids = [engine.start("review", SYSTEM, {"occurrence": "2024-11-01"}).id for _ in range(2)]
    engine.schedule("nudge", ScheduleSpec.every_working_day(), "review", action="fire",
                    trigger="remind")
    hooks.fail = True
    assert engine.advance(datetime(2024, 11, 18, 9)) == 0
    assert [len(engine.history(i)) for i in ids] == [1, 1]
    assert (only(engine).status, only(engine).occurrence) == ("retrying", date(2024, 11, 18))
    hooks.fail = False
    assert engine.advance(datetime(2024, 11, 18, 10)) == 1
    assert [len(engine.history(i)) for i in ids] == [2, 2]


# -- failures: retried with back-off, then parked ------------------------------------------------

def test_failures_retry_then_park_and_scheduling_again_revives(db_url: str) -> None:
    hooks = Hooks()
    clock = ManualClock(NOVEMBER_2024)
    engine = review_engine(db_url, clock, hooks=hooks)
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    hooks.fail = True
    clock.set(datetime(2024, 12, 2, 9))
    assert engine.run_due_timers() == 0
    first = only(engine)
    assert (first.status, first.attempts, first.occurrence) == ("retrying", 1, date(2024, 12, 2))
    assert first.last_error == "ConnectionError: ledger gateway unreachable"
    assert first.next_due_at == utc(2024, 12, 2, 1) + BASE_BACKOFF
    assert first.due_at == utc(2024, 12, 2, 1)
    assert started(engine) == []

    engine.advance(datetime(2024, 12, 3))
    parked = only(engine)
    assert (parked.status, parked.attempts, parked.occurrence) == (
        "failed", MAX_ATTEMPTS, date(2024, 12, 2))
    assert started(engine) == []
    assert engine.schedules(status="failed") == [parked]
    assert engine.schedules(status="active") == []
    assert engine.advance(datetime(2024, 12, 10)) == 0  # parked: nobody tries it any more

    hooks.fail = False
    revived = engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    assert (revived.status, revived.attempts, revived.last_error, revived.occurrence) == (
        "active", 0, None, date(2024, 12, 2))
    assert engine.run_due_timers() == 1
    assert started(engine) == [("december-review:2024-12-02", "2024-12-02")]
    assert only(engine).occurrence == date(2025, 12, 1)


# -- missing calendar data: the occurrence fires, only the next one waits ----------------------
# Official data only (``schedule_files=[]``): 2026 is published, 2027 is not. 2026-12-31 is a
# Thursday and a working day; the test schedule files for 2027 below say which days are off.

DECEMBER_2026 = datetime(2026, 12, 20, 10)  # a Sunday, Beijing
LAST_OF_DECEMBER = ScheduleSpec.nth_working_day(-1, months=(12,))


def strict() -> ChinaCalendar:
    return ChinaCalendar(schedule_files=[])


def with_2027(tmp_path: Path, *days_off: date) -> ChinaCalendar:
    """Official data plus a (made-up) 2027 schedule file giving ``days_off`` as 元旦."""
    path = tmp_path / "2027.toml"
    dates = ", ".join(d.isoformat() for d in days_off)
    path.write_text(f'year = 2027\nsource = "国务院办公厅通知（测试用）"\n\n[[holidays]]\n'
                    f'name = "元旦"\ndates = [{dates}]\n', encoding="utf-8")
    return ChinaCalendar(schedule_files=[path])


def waiting_for_2027(schedule: Any, last: date) -> None:
    assert (schedule.status, schedule.occurrence, schedule.last_occurrence) == (
        "waiting_calendar", last, last)
    assert schedule.last_error is not None
    assert schedule.last_error.startswith("waiting for calendar data for 2027: "
                                          "CalendarDataMissing: ")


def test_the_years_last_occurrence_fires_and_only_the_next_waits_for_the_calendar(
        db_url: str, tmp_path: Path) -> None:
    engine = review_engine(db_url, ManualClock(DECEMBER_2026), strict(), agency="city")
    engine.schedule("daily", ScheduleSpec.every_working_day(), "review")
    engine.schedule("lastdec", LAST_OF_DECEMBER, "review")
    assert engine.advance(datetime(2027, 1, 5, 12)) == 10  # 9 working days, and 12-31 once more
    december = [f"2026-12-{d}" for d in (21, 22, 23, 24, 25, 28, 29, 30, 31)]
    assert started(engine) == sorted([(f"daily:{d}", d) for d in december]
                                     + [("lastdec:2026-12-31", "2026-12-31")])
    for schedule in engine.schedules():
        waiting_for_2027(schedule, date(2026, 12, 31))
        assert schedule.attempts > MAX_ATTEMPTS  # looked again and again, never parked
        assert schedule.next_due_at <= utc(2027, 1, 5, 4) + timedelta(hours=1)
    assert engine.schedules(status="failed") == []
    assert len(engine.schedules(status="waiting_calendar")) == 2

    listed = run("timers", "--db", db_url, "--agency", "city")
    assert sorted(row[2:5] for row in listed) == [
        ["daily", "every working day at 09:00: start review", "waiting_calendar"],
        ["lastdec", "last working day of December at 09:00: start review", "waiting_calendar"]]
    assert all(row[6].startswith("waiting for calendar data for 2027") for row in listed)
    assert run("timers", "--db", db_url, "--agency", "city", "--pending") == listed
    assert run("timers", "--db", db_url, "--agency", "city", "--failed") == []

    # Updating its data keeps it waiting at the fired occurrence: nothing fires twice.
    engine.schedule("lastdec", LAST_OF_DECEMBER, "review", data={"unit": "办公厅"})
    waiting_for_2027(engine.schedules(status="waiting_calendar")[-1], date(2026, 12, 31))
    assert engine.run_due_timers() == 0
    assert len(started(engine)) == 10

    # The 2027 schedule file arrives: 01-01 to 01-04 off, so 01-05 is the next working day.
    engine.calendar = with_2027(tmp_path, *(date(2027, 1, d) for d in (1, 2, 3, 4)))
    assert engine.recompute_deadlines() == 2
    daily, lastdec = (next(s for s in engine.schedules() if s.name == n)
                      for n in ("daily", "lastdec"))
    assert (daily.status, daily.occurrence, daily.attempts, daily.last_error) == (
        "active", date(2027, 1, 5), 0, None)
    assert (lastdec.status, lastdec.occurrence, lastdec.next_due_at) == (
        "active", date(2027, 12, 31), utc(2027, 12, 31, 1))
    assert engine.run_due_timers() == 1  # 01-05 09:00 has passed: it fires once, late
    assert engine.run_due_timers() == 0
    assert [k for k, _ in started(engine) if k and k.startswith("daily:2027")] == [
        "daily:2027-01-05"]
    assert engine.advance(datetime(2027, 1, 6, 9)) == 1
    assert len(started(engine)) == 12


def test_every_working_day_at_year_end_picks_up_next_years_calendar_by_itself(
        db_url: str, tmp_path: Path) -> None:
    """No recompute: the worker looks again (at most hourly) and so fires 01-04 on time."""
    engine = review_engine(db_url, ManualClock(datetime(2026, 12, 30, 10)), strict())
    engine.schedule("daily", ScheduleSpec.every_working_day(), "review")
    assert engine.advance(datetime(2027, 1, 2, 12)) == 1
    assert started(engine) == [("daily:2026-12-31", "2026-12-31")]
    waiting_for_2027(only(engine), date(2026, 12, 31))

    engine.calendar = with_2027(tmp_path, date(2027, 1, 1))
    assert engine.advance(datetime(2027, 1, 4, 8, 59)) == 0
    assert (only(engine).status, only(engine).occurrence) == ("active", date(2027, 1, 4))
    assert engine.advance(datetime(2027, 1, 4, 9)) == 1
    assert started(engine) == [("daily:2026-12-31", "2026-12-31"),
                               ("daily:2027-01-04", "2027-01-04")]
    [_, fresh] = sorted(engine.find("review"), key=lambda i: i.created_at)
    assert fresh.created_at == utc(2027, 1, 4, 1)
    assert (only(engine).occurrence, only(engine).last_occurrence) == (
        date(2027, 1, 5), date(2027, 1, 4))


def test_an_occurrence_the_calendar_cannot_give_waits_unfired(db_url: str,
                                                              tmp_path: Path) -> None:
    """Counted provisionally (2027-01-04), then the strict calendar cannot confirm that day:
    it does not fire until the data says which day it is, and then fires once."""
    engine = review_engine(db_url, ManualClock(DECEMBER_2026))
    engine.schedule("january", ScheduleSpec.nth_working_day(1, (1,)), "review")
    assert only(engine).occurrence == date(2027, 1, 4)
    engine.calendar = strict()
    assert engine.advance(datetime(2027, 1, 4, 12)) == 0
    held = only(engine)
    assert (held.status, held.occurrence, held.last_occurrence) == (
        "waiting_calendar", date(2027, 1, 4), None)
    assert started(engine) == []

    engine.calendar = with_2027(tmp_path, *(date(2027, 1, d) for d in (1, 2, 3, 4)))
    assert engine.recompute_deadlines() == 1
    assert (only(engine).status, only(engine).occurrence) == ("active", date(2027, 1, 5))
    assert engine.advance(datetime(2027, 1, 5, 9)) == 1
    assert started(engine) == [("january:2027-01-05", "2027-01-05")]
    # The next one is in January 2028, which the calendar lacks: fired, and waiting.
    after = only(engine)
    assert (after.status, after.occurrence, after.last_occurrence) == (
        "waiting_calendar", date(2027, 1, 5), date(2027, 1, 5))
    assert after.last_error is not None and "for 2028" in after.last_error


def test_two_workers_racing_after_the_calendar_arrives_fire_the_next_occurrence_once(
        db_url: str, tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 30, 10))
    engines = [review_engine(db_url, clock, strict()) for _ in range(2)]
    engines[0].schedule("daily", ScheduleSpec.every_working_day(), "review")
    clock.set(datetime(2026, 12, 31, 9))
    go = threading.Barrier(2)
    results: list[int] = []

    def work(engine: Engine) -> Callable[[], int]:
        def fire() -> int:
            go.wait(30)
            return due.run_due_timers(engine.core)
        return fire

    for second_round in (False, True):
        if second_round:  # the second round: both got the 2027 file, and 01-04 09:00 has come
            for engine in engines:
                engine.calendar = with_2027(tmp_path, date(2027, 1, 1))
            clock.set(datetime(2027, 1, 4, 9))
        running = [in_thread(work(e), results) for e in engines]
        for t in running:
            t.join(60)
        assert sum(results) == 1
        results.clear()
    assert started(engines[1]) == [("daily:2026-12-31", "2026-12-31"),
                                   ("daily:2027-01-04", "2027-01-04")]
    assert (only(engines[1]).status, only(engines[1]).occurrence) == ("active",
                                                                      date(2027, 1, 5))


def test_a_schedule_whose_first_occurrence_needs_a_missing_year_is_refused(db_url: str) -> None:
    engine = review_engine(db_url, ManualClock(DECEMBER_2026), strict())
    engine.schedule("kept", LAST_OF_DECEMBER, "review")
    before = dump(engine, TABLES)
    january = ScheduleSpec.nth_working_day(1, (1,))
    for name in ("january", "kept"):  # a new schedule, and a new spec for one
        with pytest.raises(DeadlineError) as refused:
            engine.schedule(name, january, "review")
        assert isinstance(refused.value.cause, CalendarDataMissing)
        assert refused.value.year == 2027 and "for 2027" in str(refused.value)
        assert dump(engine, TABLES) == before


# -- calendar changes ------------------------------------------------------------------------------

def test_recompute_moves_the_occurrence_when_its_day_becomes_a_holiday(db_url: str) -> None:
    # Monday to Friday: the first working day of December 2025 is Mon 12-01.
    engine = review_engine(db_url, ManualClock(datetime(2025, 11, 20, 10)), WeekdayCalendar())
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    assert only(engine).occurrence == date(2025, 12, 1)
    assert engine.recompute_deadlines() == 0

    engine.calendar = WeekdayCalendar({date(2025, 12, 1)})
    assert engine.recompute_deadlines() == 1
    moved = only(engine)
    assert (moved.occurrence, moved.next_due_at, moved.status) == (
        date(2025, 12, 2), utc(2025, 12, 2, 1), "active")
    assert engine.recompute_deadlines() == 0
    assert engine.advance(datetime(2025, 12, 1, 23)) == 0
    assert engine.advance(datetime(2025, 12, 2, 9)) == 1
    assert started(engine) == [("december-review:2025-12-02", "2025-12-02")]

    # The holiday is withdrawn after the fact: the next occurrence is counted after 12-02.
    engine.calendar = WeekdayCalendar()
    assert engine.recompute_deadlines() == 0
    assert only(engine).occurrence == date(2026, 12, 1)


def test_recompute_only_touches_the_workflow_asked_for(db_url: str) -> None:
    engine = review_engine(db_url, ManualClock(datetime(2025, 11, 20, 10)), WeekdayCalendar())
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    engine.calendar = WeekdayCalendar({date(2025, 12, 1)})
    assert engine.recompute_deadlines(workflow="purchase") == 0
    assert only(engine).occurrence == date(2025, 12, 1)
    assert engine.recompute_deadlines(workflow="review") == 1


def test_a_worker_moves_rather_than_fires_an_occurrence_the_calendar_no_longer_gives(
        db_url: str) -> None:
    """The calendar changed and nobody recomputed: the due loop counts the occurrence afresh
    before firing it."""
    engine = review_engine(db_url, ManualClock(datetime(2025, 11, 20, 10)), WeekdayCalendar())
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    engine.calendar = WeekdayCalendar({date(2025, 12, 1), date(2025, 12, 2)})
    assert engine.advance(datetime(2025, 12, 1, 12)) == 0
    assert (only(engine).occurrence, started(engine)) == (date(2025, 12, 3), [])
    assert engine.advance(datetime(2025, 12, 3, 12)) == 1
    assert started(engine) == [("december-review:2025-12-03", "2025-12-03")]


# -- scheduling: validation, updates, removal ---------------------------------------------------

@pytest.mark.parametrize(("kwargs", "error", "fields"), [
    (dict(workflow="nonesuch"), NotFound, None),
    (dict(action="stop"), InvalidData, ["action"]),
    (dict(trigger="remind"), InvalidData, ["trigger"]),
    (dict(action="fire"), InvalidData, ["trigger"]),
    (dict(action="fire", trigger="open"), InvalidData, ["trigger"]),
    (dict(action="fire", trigger="nonesuch", data={"occurrence": "x"}), InvalidData,
     ["trigger", "data.occurrence"]),
    (dict(data={"when": date(2024, 1, 1)}), InvalidData, ["data"]),
    (dict(data={"unit": 7}), InvalidData, ["unit"]),
    (dict(name=" "), InvalidData, ["name"]),
    (dict(name="year\x00end"), InvalidData, ["name"]),
    (dict(name="year\nend"), InvalidData, ["name"]),
    (dict(name="x" * 129), InvalidData, ["name"]),
    (dict(action="fire", trigger="begin"), PermissionDenied, None),
    (dict(spec={"kind": "nth_working_day", "n": 0}), ScheduleError, None),
])
def test_a_refused_schedule_changes_nothing(db_url: str, kwargs: dict[str, Any],
                                            error: type[Exception], fields: list[str] | None
                                            ) -> None:
    engine = review_engine(db_url)
    engine.schedule("kept", FIRST_OF_DECEMBER, "review")
    before = dump(engine, TABLES)
    args: dict[str, Any] = dict(name="december-review", spec=FIRST_OF_DECEMBER,
                                workflow="review")
    args.update(kwargs)
    name, spec, workflow = args.pop("name"), args.pop("spec"), args.pop("workflow")
    with pytest.raises(error) as refused:
        engine.schedule(name, spec, workflow, **args)
    if fields is not None:
        assert isinstance(refused.value, InvalidData)
        assert [e["field"] for e in refused.value.errors] == fields
    assert dump(engine, TABLES) == before


def test_scheduling_again_is_a_no_op_or_an_update(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    engine = review_engine(db_url, clock)
    first = engine.schedule("december-review", FIRST_OF_DECEMBER, "review",
                            data={"unit": "办公厅"})
    before = dump(engine, TABLES)
    clock.set(datetime(2024, 11, 20, 10))
    spec_as_dict = {"kind": "nth_working_day", "n": 1, "months": [12], "at": "09:00"}
    assert engine.schedule("december-review", spec_as_dict, "review",
                           data={"unit": "办公厅"}) == first
    assert dump(engine, TABLES) == before

    # New data, same spec: the pending occurrence stays.
    updated = engine.schedule("december-review", FIRST_OF_DECEMBER, "review",
                              data={"unit": "法规处"})
    assert (updated.data, updated.occurrence, updated.next_due_at) == (
        {"unit": "法规处"}, date(2024, 12, 2), utc(2024, 12, 2, 1))
    # A new spec: counted from now. The last working day of November 2024 is Fri 11-29.
    last_of_month = ScheduleSpec.nth_working_day(-1)
    moved = engine.schedule("december-review", last_of_month, "review",
                            data={"unit": "法规处"})
    assert (moved.spec, moved.occurrence) == (last_of_month, date(2024, 11, 29))
    engine.advance(datetime(2024, 11, 29, 9))
    assert started(engine) == [("december-review:2024-11-29", "2024-11-29")]
    # After it fired, a spec change never gives that day again: 18:00 on 11-29 is skipped.
    late = engine.schedule("december-review", ScheduleSpec.nth_working_day(-1, at=at(18)),
                           "review")
    assert late.occurrence == date(2024, 12, 31)
    assert [s.name for s in engine.schedules()] == ["december-review"]


def test_unschedule(db_url: str) -> None:
    engine = review_engine(db_url)
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    engine.schedule("nudge", ScheduleSpec.every_working_day(), "review", action="fire",
                    trigger="remind")
    assert [s.name for s in engine.schedules()] == ["nudge", "december-review"]
    engine.unschedule("december-review")
    assert [s.name for s in engine.schedules()] == ["nudge"]
    engine.advance(datetime(2024, 12, 3))
    assert started(engine) == []
    before = dump(engine, TABLES)
    with pytest.raises(NotFound, match="schedule 'december-review' not found"):
        engine.unschedule("december-review")
    assert dump(engine, TABLES) == before


# -- agencies --------------------------------------------------------------------------------------

def test_schedules_belong_to_their_agency(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    city = review_engine(db_url, clock, agency="city")
    county = review_engine(db_url, clock, agency="county")
    city.schedule("december-review", FIRST_OF_DECEMBER, "review", data={"unit": "市"})
    county.schedule("december-review", FIRST_OF_DECEMBER, "review", data={"unit": "县"})
    county.schedule("county-only", ScheduleSpec.nth_working_day(2, (12,)), "review")
    assert [(s.name, s.agency, s.data) for s in city.schedules()] == [
        ("december-review", "city", {"unit": "市"})]
    with pytest.raises(NotFound):
        city.unschedule("county-only")

    city.advance(datetime(2024, 12, 2, 10))  # fires the city's schedule only
    assert [(i.agency, i.data["unit"]) for i in city.find("review")] == [("city", "市")]
    assert list(county.find("review")) == []
    assert only(city).occurrence == date(2025, 12, 1)

    # A worker for every agency fires the county's, in the county.
    clock.set(datetime(2024, 12, 3, 10))
    assert due.run_due_timers(city.core, all_agencies=True) == 2
    assert sorted(i.business_key or "" for i in county.find("review")) == [
        "county-only:2024-12-03", "december-review:2024-12-02"]
    assert {i.agency for i in county.find("review")} == {"county"}
    assert len(list(city.find("review"))) == 1
    assert due.next_due(city.core, all_agencies=True) == utc(2025, 12, 1, 1)


def test_the_worker_fires_schedules_of_every_agency(db_url: str) -> None:
    clock = ManualClock(NOVEMBER_2024)
    city = review_engine(db_url, clock, agency="city")
    county = review_engine(db_url, clock, agency="county")
    for engine in (city, county):
        engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    clock.set(datetime(2024, 12, 2, 9))
    worker = Worker(city.core, poll_interval=0.2, all_agencies=True)
    worker.start()
    try:
        stop = time.monotonic() + 20
        while len(started(city)) + len(started(county)) < 2:
            assert time.monotonic() < stop, "the worker did not fire both schedules"
            time.sleep(0.02)
    finally:
        worker.stop()
    assert started(city) == started(county) == [("december-review:2024-12-02", "2024-12-02")]


# -- gongkai timers --------------------------------------------------------------------------------

def run(*args: str) -> list[list[str]]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return [line.split("\t") for line in result.output.splitlines()]


def test_gongkai_timers_lists_schedules(db_url: str) -> None:
    hooks = Hooks()
    clock = ManualClock(NOVEMBER_2024)
    engine = review_engine(db_url, clock, hooks=hooks, agency="city")
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    engine.schedule("nudge", ScheduleSpec.every_working_day(at=at(8)), "review",
                    action="fire", trigger="remind")
    review_engine(db_url, clock, agency="county").schedule(
        "county-review", FIRST_OF_DECEMBER, "review")
    engine.start("review", SYSTEM, {"occurrence": "2024-11-01"})
    hooks.fail = True
    clock.set(datetime(2024, 11, 18, 8))
    engine.run_due_timers()

    everything = run("timers", "--db", db_url, "--agency", "city")
    assert everything == [
        ["2024-11-18T08:00+08:00", "schedule", "nudge",
         "every working day at 08:00: fire remind on review", "retrying", "attempts=1",
         "ConnectionError: ledger gateway unreachable"],
        ["2024-12-02T09:00+08:00", "schedule", "december-review",
         "1st working day of December at 09:00: start review", "active", "attempts=0"],
    ]
    assert run("timers", "--db", db_url, "--agency", "city", "--pending") == everything
    assert run("timers", "--db", db_url, "--agency", "city", "--failed") == []
    engine.advance(datetime(2024, 11, 18, 9))
    failed = run("timers", "--db", db_url, "--agency", "city", "--failed")
    assert [row[1:5] for row in failed] == [
        ["schedule", "nudge", "every working day at 08:00: fire remind on review", "failed"]]
    assert [row[2] for row in run("timers", "--db", db_url, "--agency", "county")] == [
        "county-review"]


def test_advance_walks_through_timers_and_schedules_in_order(db_url: str) -> None:
    """One walk through simulated time fires each year's occurrence at its time."""
    engine = review_engine(db_url)
    engine.schedule("december-review", FIRST_OF_DECEMBER, "review")
    assert due.next_due(engine.core) == utc(2024, 12, 2, 1)
    assert engine.advance(datetime(2024, 12, 2, 9) + timedelta(days=400)) == 2
    assert [k for k, _ in started(engine)] == ["december-review:2024-12-02",
                                               "december-review:2025-12-01"]


def test_a_stream_of_due_timers_does_not_hold_a_due_schedule_back(db_url: str) -> None:
    """Each round fires a batch of timers and then a due schedule occurrence: with more timers
    due than one batch, the schedule's occurrence still fires in the first round."""
    from tests.engine.timer_defs import burst, start_due_bursts

    clock = ManualClock(datetime(2024, 12, 2, 8))  # a Monday, Beijing
    engine = review_engine(db_url, clock)
    engine.register(burst())
    engine.schedule("daily", ScheduleSpec.every_working_day(at(9)), "review")
    clock.set(datetime(2024, 12, 2, 10))
    start_due_bursts(engine, 30)
    assert len(engine.timers(status="pending")) > due.BATCH
    fired = engine.run_due_timers(limit=due.BATCH + 10)
    assert fired == due.BATCH + 10
    assert started(engine) == [("daily:2024-12-02", "2024-12-02")]
