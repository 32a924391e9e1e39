"""The persisted history of one statutory clock, and the effects that change it.

A record holds what happened to a clock (start, pauses, extensions, stop) and the due date that
was announced when it last changed; the deadline itself is derived in ``engine.clocks.deadline``.
A clock due on a date keeps that date in ``fixed_due`` (its ``length`` is 0).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import MAXYEAR, date
from typing import Any

from engine.definition.model import Clock, ClockEffect

MAX_YEARS = 10
"""How far after its start a clock may fall due, in years. No statutory period of the
procedures comes near it, so a due date beyond it is a typing mistake (``2205-12-31`` for
``2025-12-31``), refused rather than scheduled."""


class ClockEffectError(ValueError):
    """A clock effect that cannot apply (e.g. a pause that ends before it began); ``clock``
    names the clock and ``field`` the event-data field that dated the effect, if one did."""

    clock: str | None = None
    field: str | None = None


class ClockLimitReached(ClockEffectError):
    """A clock was extended more often than its definition allows."""


@dataclass(frozen=True)
class ClockRecord:
    """The persisted history of one clock on one instance; ``epoch`` grows with every change.

    ``fixed_due`` is the date a clock due on a date must finish by (its last day), set when it
    started; ``None`` for a clock of ``length`` units.
    """

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
    fixed_due: date | None = None

    def to_json(self) -> dict[str, Any]:
        """JSON-ready; ``fixed_due`` is left out while unset, so unit clocks store as before.

        Written out field by field (``dataclasses.asdict`` deep-copies, and cost over ten times as
        much on every clocked transition); the keys keep the fields' order."""
        raw: dict[str, Any] = {
            "length": self.length, "started_on": _iso(self.started_on),
            "pauses": [[p.isoformat(), r.isoformat()] for p, r in self.pauses],
            "paused_on": _iso(self.paused_on), "extended_by": self.extended_by,
            "extensions": self.extensions, "stopped_on": _iso(self.stopped_on),
            "epoch": self.epoch, "due_on": _iso(self.due_on), "provisional": self.provisional}
        if self.fixed_due is not None:
            raw["fixed_due"] = self.fixed_due.isoformat()
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
            fixed_due=day(raw.get("fixed_due")),
        )

    @property
    def total(self) -> int:
        return self.length + self.extended_by

    @property
    def running(self) -> bool:
        """Started, and neither paused nor stopped: the only state in which a clock has timers."""
        return self.started_on is not None and self.paused_on is None and self.stopped_on is None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def next_month_day(month_day: str, day: date) -> date:
    """The next ``"MM-DD"`` on or after ``day`` (e.g. ``"12-31"``: 31 December of its year)."""
    month, dom = (int(part) for part in month_day.split("-"))
    this_year = date(day.year, month, dom)
    return this_year if this_year >= day else date(day.year + 1, month, dom)


def years_after(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for a 29 February; the last date if beyond)."""
    if day.year + years > MAXYEAR:
        return date.max
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _start(rec: ClockRecord | None, clock: Clock, name: str, day: date, length: int | None,
           due: date | None) -> ClockRecord:
    epoch = (rec.epoch + 1) if rec else 1
    if due is None and clock.due_month_day is not None:
        due = next_month_day(clock.due_month_day, day)
    if due is None:
        if not (length or clock.length):
            raise ClockEffectError(f"clock {name!r} has neither a length nor a due date: "
                                   "it cannot start")
        return ClockRecord(length=length or clock.length, started_on=day, epoch=epoch)
    if due < day:
        raise ClockEffectError(f"clock {name!r} cannot be due on {due}: that is before {day}, "
                               "the day it starts")
    if due > years_after(day, MAX_YEARS):
        raise ClockEffectError(f"clock {name!r} cannot be due on {due}: that is more than "
                               f"{MAX_YEARS} years after {day}, the day it starts")
    return ClockRecord(length=0, started_on=day, epoch=epoch, fixed_due=due)


def apply_effect(rec: ClockRecord | None, clock: Clock, effect: ClockEffect, day: date,
                 length: int | None = None, due: date | None = None, name: str | None = None
                 ) -> ClockRecord:
    """The record after ``effect`` happened on ``day``; raises :class:`ClockEffectError`.

    ``due`` is the due date a ``start``/``restart`` read from its ``due_field``; ``name`` is
    the record's name where it differs from the clock's (a family member, ``consultation[甲]``).
    Pausing a paused clock, resuming a running one and stopping one that is stopped or never
    started change nothing: definitions can stop "whatever still runs" without tracking paths.
    """
    op, name = effect.op, name or clock.name
    if op == "stop" and (rec is None or rec.started_on is None or rec.stopped_on is not None):
        return rec  # type: ignore[return-value]
    if op in ("start", "restart"):
        return _start(rec, clock, name, day, length, due)
    if rec is None or rec.started_on is None:
        raise ClockEffectError(f"clock {name!r} cannot {op}: it was never started")
    if rec.stopped_on is not None:
        raise ClockEffectError(f"clock {name!r} cannot {op}: it was stopped on "
                               f"{rec.stopped_on}")
    nxt = rec.epoch + 1
    if op == "pause":
        _not_before(day, _last_mark(rec), name, op)
        return rec if rec.paused_on else replace(rec, paused_on=day, epoch=nxt)
    if op == "resume":
        if rec.paused_on is None:
            return rec
        _not_before(day, rec.paused_on, name, op)
        return replace(rec, pauses=rec.pauses + ((rec.paused_on, day),), paused_on=None,
                       epoch=nxt)
    if op == "extend":
        if effect.max_times is not None and rec.extensions >= effect.max_times:
            raise ClockLimitReached(f"clock {name!r} may be extended at most "
                                   f"{effect.max_times} time(s)")
        return replace(rec, extended_by=rec.extended_by + (length or effect.by or 0),
                       extensions=rec.extensions + 1, epoch=nxt)
    _not_before(day, _last_mark(rec), name, op)
    return replace(rec, stopped_on=day, epoch=nxt)


def stop_at_close(rec: ClockRecord, day: date) -> ClockRecord:
    """The clock stopped because its instance closed (on ``day``, or its last change if later)."""
    return replace(rec, stopped_on=max(day, _last_mark(rec)), epoch=rec.epoch + 1)


def _last_mark(rec: ClockRecord) -> date:
    assert rec.started_on is not None
    marks = [rec.started_on, *(r for _, r in rec.pauses)]
    return max(marks + ([rec.paused_on] if rec.paused_on else []))


def _not_before(day: date, mark: date, name: str, op: str) -> None:
    if day < mark:
        raise ClockEffectError(f"clock {name!r} cannot {op} on {day}: that is before "
                               f"{mark}, the day of its last change")
