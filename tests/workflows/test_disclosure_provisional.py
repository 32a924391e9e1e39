"""Deadlines that reach into a year without an official schedule are provisional, and become
official and exact when the agency adds that year's schedule file (DESIGN.md, "Calendar").

The packaged data ends with 2026 (December 2026 has neither days off nor make-up days). 2027 is
answered from the statutory holidays of the 全国年节及纪念日放假办法 (2024): 1 January 2027, a
Friday, is the only day off near the start of the year.

Request B, received Thursday 2026-12-10, reply period 20 working days (条例 33):
  Dec 11 (1), 14-18 (6), 21-25 (11), 28-31 (15); Jan 1 off; Jan 4-8 (20) -> 2027-01-08,
  provisional. Reminders 5 and 2 working days before: Dec 31 (Jan 7, 6, 5, 4, Dec 31) and Jan 6;
  overdue mark at 00:00 on Jan 9.
Request A, received Tuesday 2026-12-01: Dec 2-4 (3), 7-11 (8), 14-18 (13), 21-25 (18), Dec 28-29
  (20) -> 2026-12-29, official: nothing to recompute.

The 2027 file written here (a stand-in for the State Council notice) gives New Year four days off,
Fri Jan 1 to Mon Jan 4, and makes Saturday Jan 9 a working day (调休). Then B's period is:
  Dec 11-31 (15); Jan 1-4 off; Jan 5-8 (19); Sat Jan 9 (20) -> 2027-01-09, official.
  Reminders: 5 before = Jan 8, 7, 6, 5, Dec 31 -> Dec 31; 2 before = Jan 8, 7 -> Jan 7; overdue
  mark at 00:00 on Jan 10.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from calendars import ChinaCalendar
from engine import Engine
from engine.testing import ManualClock
from engine.timesource import SHANGHAI, utc_dt
from tests.workflows.story import REGISTRAR, at, payload
from workflows import register_all

SCHEDULE_2027 = """\
year = 2027
source = "国务院办公厅关于2027年部分节假日安排的通知（测试用）"

[[holidays]]
name = "元旦"
dates = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]

[[workdays]]
name = "元旦调休"
dates = ["2027-01-09"]
"""


def _bj(day: str, hour: int = 0) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI)


def _pending_reply_timers(engine: Engine, instance_id: str) -> list[tuple[str, datetime | None]]:
    return [(t.kind, utc_dt(t.due_at)) for t in engine.timers(instance_id, status="pending")
            if t.clock == "reply"]


def test_the_2027_schedule_makes_a_provisional_deadline_official_and_exact(
        db_url: str, tmp_path: Path) -> None:
    """A December 2026 request whose reply period (条例 33) ends in 2027 is provisional; after the
    2027 schedule file is added and deadlines are recomputed it is official and exact (one day
    later, see the module docstring), its pending timers moved, and the history records a
    ``deadline_recomputed`` event with the old and the new due date."""
    clock = ManualClock(at("2026-12-01"))
    engine = Engine(db_url, clock=clock, calendar=ChinaCalendar(provisional=True))
    register_all(engine)
    a = engine.start("disclosure_request", REGISTRAR, payload("register", "2026-12-01")).id
    clock.set(at("2026-12-10"))
    b = engine.start("disclosure_request", REGISTRAR, payload("register", "2026-12-10")).id

    reply = engine.get(b).deadlines["reply"]
    assert (reply.due_date, reply.provisional) == (date(2027, 1, 8), True)
    assert not engine.get(b).deadlines["correction_notice"].provisional  # ends 2026-12-21
    assert (engine.get(a).deadlines["reply"].due_date, engine.get(a).deadlines["reply"].provisional
            ) == (date(2026, 12, 29), False)
    assert _pending_reply_timers(engine, b) == [
        ("reminder", _bj("2026-12-31", 9)), ("reminder", _bj("2027-01-06", 9)),
        ("deadline", _bj("2027-01-09"))]

    schedule = tmp_path / "2027.toml"
    schedule.write_text(SCHEDULE_2027, encoding="utf-8")
    engine.calendar = ChinaCalendar(provisional=True, schedule_files=[schedule])
    assert engine.recompute_deadlines() == 1  # B's reply period; A and B's notice period stay

    reply = engine.get(b).deadlines["reply"]
    assert (reply.due_date, reply.provisional) == (date(2027, 1, 9), False)
    assert _pending_reply_timers(engine, b) == [
        ("reminder", _bj("2026-12-31", 9)), ("reminder", _bj("2027-01-07", 9)),
        ("deadline", _bj("2027-01-10"))]
    old = {(t.kind, utc_dt(t.due_at)) for t in engine.timers(b, status="cancelled")
           if t.clock == "reply"}
    assert {("reminder", _bj("2027-01-06", 9)), ("deadline", _bj("2027-01-09"))} <= old

    (moved,) = [e for e in engine.history(b) if e.trigger == "deadline_recomputed"]
    assert moved.actor_id == "system"
    assert {k: moved.data[k] for k in ("clock", "old_due_date", "new_due_date",
                                       "old_provisional", "new_provisional")} == {
        "clock": "reply", "old_due_date": "2027-01-08", "new_due_date": "2027-01-09",
        "old_provisional": True, "new_provisional": False}
    assert not [e for e in engine.history(a) if e.trigger == "deadline_recomputed"]
    engine.verify_history(b)

    assert engine.recompute_deadlines() == 0  # nothing moves twice
    engine.advance(at("2027-01-12"))
    marks = [(e.trigger, e.event_time, e.data["due_date"]) for e in engine.history(b)
             if e.trigger in ("reminder", "overdue") and e.data["clock"] == "reply"]
    assert marks == [("reminder", _bj("2026-12-31", 9), "2027-01-09"),
                     ("reminder", _bj("2027-01-07", 9), "2027-01-09"),
                     ("overdue", _bj("2027-01-10"), "2027-01-09")]
