"""The snapshot of a clock (``engine.get(id).deadlines``) in edge cases of the counting rule."""

from __future__ import annotations


def test_a_clock_paused_after_its_period_ran_out_stays_overdue() -> None:
    """条例 33: pausing (e.g. to consult, 条例 32) after the reply period ended does not make the
    request timely again. Started Monday 2025-11-03, 5 working days end Monday 2025-11-10;
    paused on 2025-11-12, the deadline stays 2025-11-10 and the clock is overdue while paused."""
    from datetime import date

    from calendars import ChinaCalendar
    from engine.clocks import ClockRecord, deadline
    from engine.definition.model import Clock

    clock = Clock("reply", 5)
    rec = ClockRecord(length=5, started_on=date(2025, 11, 3), paused_on=date(2025, 11, 12),
                      epoch=2)
    snap = deadline(rec, clock, ChinaCalendar(), date(2025, 11, 14))
    assert (snap.state, snap.due_date, snap.overdue) == ("paused", date(2025, 11, 10), True)
