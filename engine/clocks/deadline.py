"""Deadlines of statutory clocks: periods in working (or calendar) days that pause and extend.

A clock's deadline is derived from its record (start day, pauses, extensions, stop) and the
calendar, never stored on its own. The counting rule follows Chinese practice for periods:

* the day of the starting event is not counted; a period of N working days ends at the end of
  the N-th working day after it (``calendar.add_working_days(start, N)``);
* a pause from day P to day R leaves out the working days in (P, R]: P still counts, R does not;
* an extension by M adds M units after the current deadline; a restart counts N afresh.

A clock due on a date (``ClockRecord.fixed_due``) ends on that date whatever its pauses: a pause
only holds its timers back. An extension adds units after the date; ``used`` counts the units
from the start day, ``left`` those up to the due date (negative once it has passed).

Reading a deadline never fails for want of calendar data: when the calendar cannot answer for
part of the span (``calendars.CalendarDataMissing``, e.g. a strict ``ChinaCalendar`` on a day
in a year without an official holiday schedule), the :class:`Deadline` still comes back — its
due date as computed, or as last announced if that needs the missing year — with ``used`` and
``left`` counted up to the last day the calendar knows, ``provisional=True`` and
``details["calendar_missing"]`` the first year it lacks. Writing (an effect, a recomputation)
still needs the calendar: a deadline cannot be announced from a guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import MAXYEAR, date, timedelta
from typing import Any, Literal, Protocol

from engine.clocks.record import ClockRecord
from engine.definition.model import Clock

ClockState = Literal["running", "paused", "stopped", "expired"]


class WorkingCalendar(Protocol):
    """What the clocks need from a calendar (``calendars.ChinaCalendar`` provides it)."""

    def add_working_days(self, day: date, delta: int) -> date: ...
    def sub_working_days(self, day: date, delta: int) -> date: ...
    def get_working_days_delta(self, start: date, end: date) -> int: ...
    def span_is_provisional(self, start: date, end: date) -> bool: ...


def add_units(unit: str, cal: WorkingCalendar, day: date, n: int) -> date:
    """``day`` plus ``n`` units: the N-th working (or calendar) day after it."""
    return cal.add_working_days(day, n) if unit == "working_days" else day + timedelta(days=n)


def sub_units(unit: str, cal: WorkingCalendar, day: date, n: int) -> date:
    """``day`` minus ``n`` units: the N-th working (or calendar) day before it."""
    return cal.sub_working_days(day, n) if unit == "working_days" else day - timedelta(days=n)


def units_between(unit: str, cal: WorkingCalendar, start: date, end: date) -> int:
    """Working (or calendar) days in (start, end]; 0 when ``end`` is not after ``start``."""
    if end <= start:
        return 0
    if unit == "working_days":
        return int(cal.get_working_days_delta(start, end))
    return (end - start).days


@dataclass(frozen=True)
class Deadline:
    """A clock as the instance snapshot shows it (``engine.get(id).deadlines[name]``)."""

    clock: str
    state: ClockState
    due_date: date | None
    used: int
    left: int
    provisional: bool
    overdue: bool
    unit: str = "working_days"
    extensions: int = 0
    details: dict[str, Any] = field(default_factory=dict, compare=False)


def due_date(rec: ClockRecord, unit: str, cal: WorkingCalendar) -> date | None:
    """The last day of the period, or ``None`` while the clock is paused short of it."""
    assert rec.started_on is not None
    if rec.fixed_due is not None:
        return add_units(unit, cal, rec.fixed_due, rec.extended_by)
    remaining = rec.total
    start = rec.started_on
    closed = list(rec.pauses) + ([(rec.paused_on, rec.paused_on)] if rec.paused_on else [])
    for pause_on, resume_on in closed:
        counted = units_between(unit, cal, start, pause_on)
        if counted >= remaining:
            return add_units(unit, cal, start, remaining)
        remaining -= counted
        start = resume_on
    return None if rec.paused_on else add_units(unit, cal, start, remaining)


def _provisional(unit: str, cal: WorkingCalendar, start: date | None, end: date | None) -> bool:
    """Only working days depend on a holiday schedule; calendar days are never provisional."""
    if unit != "working_days" or start is None or end is None:
        return False
    return cal.span_is_provisional(start, end)


def announced(rec: ClockRecord, unit: str, cal: WorkingCalendar) -> ClockRecord:
    """The record with its current due date and provisional flag written into it.

    This is the deadline as it was announced when the clock last changed; comparing it with a
    fresh computation tells when a calendar update moved a deadline.
    """
    due = due_date(rec, unit, cal)
    assert rec.started_on is not None
    provisional = _provisional(unit, cal, rec.started_on, due)
    return replace(rec, due_on=due, provisional=provisional)


def used_units(rec: ClockRecord, unit: str, cal: WorkingCalendar, today: date) -> int:
    """Units counted so far, up to ``today`` (or the stop day)."""
    assert rec.started_on is not None
    end = min(today, rec.stopped_on) if rec.stopped_on else today
    used, start = 0, rec.started_on
    for pause_on, resume_on in rec.pauses:
        used += units_between(unit, cal, start, min(pause_on, end))
        start = resume_on
    used += units_between(unit, cal, start, min(rec.paused_on, end) if rec.paused_on else end)
    return used


def _used_left(rec: ClockRecord, unit: str, cal: WorkingCalendar, today: date,
               due: date | None) -> tuple[int, int]:
    """Units used and left on ``today`` (or the stop day): a unit clock counts its pauses out;
    a clock due on a date counts from its start day, and what is left up to its date."""
    if rec.fixed_due is None or due is None or rec.started_on is None:
        used = used_units(rec, unit, cal, today)
        return used, rec.total - used
    end = min(today, rec.stopped_on) if rec.stopped_on else today
    left = units_between(unit, cal, end, due) - units_between(unit, cal, due, end)
    return units_between(unit, cal, rec.started_on, end), left


def deadline(rec: ClockRecord, clock: Clock, cal: WorkingCalendar, today: date,
             announced_now: bool = False, name: str | None = None) -> Deadline:
    """The snapshot of a clock on ``today`` (an Asia/Shanghai date); never raises for want of
    calendar data (see the module's docstring: ``details["calendar_missing"]``).

    ``announced_now`` says the record's due date was announced on this very calendar a moment
    ago (by the transition that changed it), so it is read, not computed again. ``name`` is the
    record's name where it differs from the clock's (a family member, ``consultation[甲]``).
    """
    missing: int | None = None
    try:
        due = rec.due_on if announced_now else due_date(rec, clock.unit, cal)
    except (LookupError, OverflowError) as exc:
        due, missing = rec.due_on, _missing_year(exc)
    try:
        used, left = _used_left(rec, clock.unit, cal, today, due)
        provisional = _provisional(clock.unit, cal, rec.started_on, due or today)
    except (LookupError, OverflowError) as exc:
        missing = min(missing or MAXYEAR + 1, _missing_year(exc))
        used, left = _known_used_left(rec, clock.unit, cal, today, due, missing)
        provisional = True
    if rec.stopped_on is not None:
        state: ClockState = "stopped"
        overdue = due is not None and rec.stopped_on > due
    elif rec.paused_on is not None:
        state, overdue = "paused", due is not None and today > due
    else:
        overdue = due is not None and today > due
        state = "expired" if overdue else "running"
    return Deadline(clock=name or clock.name, state=state, due_date=due, used=used,
                    left=left, provisional=provisional or missing is not None, overdue=overdue,
                    unit=clock.unit, extensions=rec.extensions,
                    details={} if missing is None else {"calendar_missing": missing})


def _missing_year(exc: BaseException) -> int:
    """The first year the calendar lacks (``CalendarDataMissing.year``); past the last year a
    date can have for an overflow."""
    year = getattr(exc, "year", None)
    return year if isinstance(year, int) else MAXYEAR + 1


@dataclass(frozen=True)
class _KnownUpTo:
    """A calendar that counts working days only up to ``last`` (later days count as ``last``),
    so used/left can be told as far as the real calendar knows."""

    cal: WorkingCalendar
    last: date

    def add_working_days(self, day: date, delta: int) -> date:
        return self.cal.add_working_days(day, delta)

    def sub_working_days(self, day: date, delta: int) -> date:
        return self.cal.sub_working_days(day, delta)

    def get_working_days_delta(self, start: date, end: date) -> int:
        return int(self.cal.get_working_days_delta(min(start, self.last), min(end, self.last)))

    def span_is_provisional(self, start: date, end: date) -> bool:
        return True


def _known_used_left(rec: ClockRecord, unit: str, cal: WorkingCalendar, today: date,
                     due: date | None, missing: int) -> tuple[int, int]:
    """Used and left counted up to 31 December before the first ``missing`` year (0 and 0 if
    even that cannot be counted)."""
    last = date(missing - 1, 12, 31) if missing > 1 else date.min
    try:
        return _used_left(rec, unit, _KnownUpTo(cal, last), today, due)
    except (LookupError, OverflowError):
        return 0, 0


def reminder_days(rec: ClockRecord, clock: Clock, cal: WorkingCalendar) -> list[tuple[int, date]]:
    """(units before the deadline, day) for each reminder of a running clock, from the due date
    announced in the record (``announced`` wrote it when the clock last changed)."""
    if not rec.running or rec.due_on is None:
        return []
    return [(r, sub_units(clock.unit, cal, rec.due_on, r))
            for r in sorted(clock.reminders, reverse=True)]
