"""Statutory clocks: periods counted in working (or calendar) days that pause, resume and extend.

A clock's deadline is derived from its record (start day, pauses, extensions, stop) and the
calendar, never stored on its own. The counting rule follows Chinese practice for periods:

* the day of the starting event is not counted; a period of N working days ends at the end of
  the N-th working day after it (``calendar.add_working_days(start, N)``);
* a pause from day P to day R leaves out the working days in (P, R]: P still counts, R does not;
* an extension by M adds M units after the current deadline; a restart counts N afresh.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, timedelta
from typing import Any, Literal, Protocol

from engine.definition import Clock, ClockEffect

ClockState = Literal["running", "paused", "stopped", "expired"]


class WorkingCalendar(Protocol):
    """What the clocks need from a calendar (``calendars.ChinaCalendar`` provides it)."""

    def add_working_days(self, day: date, delta: int) -> date: ...
    def sub_working_days(self, day: date, delta: int) -> date: ...
    def get_working_days_delta(self, start: date, end: date) -> int: ...
    def span_is_provisional(self, start: date, end: date) -> bool: ...


class ClockEffectError(ValueError):
    """A clock effect that cannot apply (e.g. a pause that ends before it began)."""


class ClockLimitReached(ClockEffectError):
    """A clock was extended more often than its definition allows."""


@dataclass(frozen=True)
class ClockRecord:
    """The persisted history of one clock on one instance; ``epoch`` grows with every change."""

    length: int
    started_on: date | None = None
    pauses: tuple[tuple[date, date], ...] = ()
    paused_on: date | None = None
    extended_by: int = 0
    extensions: int = 0
    stopped_on: date | None = None
    epoch: int = 0
    due_on: date | None = None
    provisional: bool = False

    def to_json(self) -> dict[str, Any]:
        raw = asdict(self)
        raw["pauses"] = [[p.isoformat(), r.isoformat()] for p, r in self.pauses]
        for key in ("started_on", "paused_on", "stopped_on", "due_on"):
            raw[key] = raw[key].isoformat() if raw[key] else None
        return raw

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ClockRecord:
        def day(v: str | None) -> date | None:
            return date.fromisoformat(v) if v else None

        return cls(
            length=raw["length"],
            started_on=day(raw.get("started_on")),
            pauses=tuple((date.fromisoformat(p), date.fromisoformat(r))
                         for p, r in raw.get("pauses", ())),
            paused_on=day(raw.get("paused_on")),
            extended_by=raw.get("extended_by", 0),
            extensions=raw.get("extensions", 0),
            stopped_on=day(raw.get("stopped_on")),
            epoch=raw.get("epoch", 0),
            due_on=day(raw.get("due_on")),
            provisional=raw.get("provisional", False),
        )

    @property
    def total(self) -> int:
        return self.length + self.extended_by


def apply_effect(rec: ClockRecord | None, clock: Clock, effect: ClockEffect, day: date,
                 length: int | None = None) -> ClockRecord:
    """The record after ``effect`` happened on ``day``; raises :class:`ClockEffectError`.

    Pausing a paused clock, resuming a running one and stopping one that is stopped or never
    started change nothing: definitions can stop "whatever still runs" without tracking paths.
    """
    op = effect.op
    if op == "stop" and (rec is None or rec.started_on is None or rec.stopped_on is not None):
        return rec  # type: ignore[return-value]
    if op in ("start", "restart"):
        return ClockRecord(length=length or clock.length, started_on=day,
                           epoch=(rec.epoch + 1) if rec else 1)
    if rec is None or rec.started_on is None:
        raise ClockEffectError(f"clock {clock.name!r} cannot {op}: it was never started")
    if rec.stopped_on is not None:
        raise ClockEffectError(f"clock {clock.name!r} cannot {op}: it was stopped on "
                               f"{rec.stopped_on}")
    nxt = rec.epoch + 1
    if op == "pause":
        _not_before(day, _last_mark(rec), clock, op)
        return rec if rec.paused_on else replace(rec, paused_on=day, epoch=nxt)
    if op == "resume":
        if rec.paused_on is None:
            return rec
        _not_before(day, rec.paused_on, clock, op)
        return replace(rec, pauses=rec.pauses + ((rec.paused_on, day),), paused_on=None,
                       epoch=nxt)
    if op == "extend":
        if effect.max_times is not None and rec.extensions >= effect.max_times:
            raise ClockLimitReached(f"clock {clock.name!r} may be extended at most "
                                   f"{effect.max_times} time(s)")
        return replace(rec, extended_by=rec.extended_by + (length or effect.by or 0),
                       extensions=rec.extensions + 1, epoch=nxt)
    _not_before(day, _last_mark(rec), clock, op)
    return replace(rec, stopped_on=day, epoch=nxt)


def stop_at_close(rec: ClockRecord, day: date) -> ClockRecord:
    """The clock stopped because its instance closed (on ``day``, or its last change if later)."""
    return replace(rec, stopped_on=max(day, _last_mark(rec)), epoch=rec.epoch + 1)


def _last_mark(rec: ClockRecord) -> date:
    assert rec.started_on is not None
    marks = [rec.started_on, *(r for _, r in rec.pauses)]
    return max(marks + ([rec.paused_on] if rec.paused_on else []))


def _not_before(day: date, mark: date, clock: Clock, op: str) -> None:
    if day < mark:
        raise ClockEffectError(f"clock {clock.name!r} cannot {op} on {day}: that is before "
                               f"{mark}, the day of its last change")


class _Units:
    """Working-day or calendar-day arithmetic over one calendar."""

    def __init__(self, unit: str, cal: WorkingCalendar) -> None:
        self.working = unit == "working_days"
        self.cal = cal

    def add(self, day: date, n: int) -> date:
        return self.cal.add_working_days(day, n) if self.working else day + timedelta(days=n)

    def sub(self, day: date, n: int) -> date:
        return self.cal.sub_working_days(day, n) if self.working else day - timedelta(days=n)

    def between(self, start: date, end: date) -> int:
        """Units in (start, end]."""
        if end <= start:
            return 0
        return self.cal.get_working_days_delta(start, end) if self.working else (end - start).days


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
    units = _Units(unit, cal)
    assert rec.started_on is not None
    remaining = rec.total
    start = rec.started_on
    closed = list(rec.pauses) + ([(rec.paused_on, rec.paused_on)] if rec.paused_on else [])
    for pause_on, resume_on in closed:
        counted = units.between(start, pause_on)
        if counted >= remaining:
            return units.add(start, remaining)
        remaining -= counted
        start = resume_on
    return None if rec.paused_on else units.add(start, remaining)


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
    units = _Units(unit, cal)
    assert rec.started_on is not None
    end = min(today, rec.stopped_on) if rec.stopped_on else today
    used, start = 0, rec.started_on
    for pause_on, resume_on in rec.pauses:
        used += units.between(start, min(pause_on, end))
        start = resume_on
    used += units.between(start, min(rec.paused_on, end) if rec.paused_on else end)
    return used


def deadline(rec: ClockRecord, clock: Clock, cal: WorkingCalendar, today: date) -> Deadline:
    """The snapshot of a clock on ``today`` (an Asia/Shanghai date)."""
    due = due_date(rec, clock.unit, cal)
    used = used_units(rec, clock.unit, cal, today)
    end = due or today
    provisional = _provisional(clock.unit, cal, rec.started_on, end)
    if rec.stopped_on is not None:
        state: ClockState = "stopped"
        overdue = due is not None and rec.stopped_on > due
    elif rec.paused_on is not None:
        state, overdue = "paused", due is not None and today > due
    else:
        overdue = due is not None and today > due
        state = "expired" if overdue else "running"
    return Deadline(clock=clock.name, state=state, due_date=due, used=used,
                    left=rec.total - used, provisional=provisional, overdue=overdue,
                    unit=clock.unit, extensions=rec.extensions)


def reminder_days(rec: ClockRecord, clock: Clock, cal: WorkingCalendar) -> list[tuple[int, date]]:
    """(units before the deadline, day) for each reminder of a running clock."""
    due = due_date(rec, clock.unit, cal)
    if due is None or rec.stopped_on or rec.paused_on:
        return []
    units = _Units(clock.unit, cal)
    return [(r, units.sub(due, r)) for r in sorted(clock.reminders, reverse=True)]
