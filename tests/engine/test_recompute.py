"""Recomputing deadlines when a year's schedule arrives: provisional deadlines become official,
moved deadlines move their timers, and each change is recorded in the instance's history.

2027 has no State Council notice in the packaged data, so deadlines that reach into it are counted
provisionally: weekends plus the statutory days of the 全国年节及纪念日放假办法 (2024 revision) —
元旦 Fri 1-1; 春节 除夕…初三, Fri 2-5 … Mon 2-8 (the lunar new year is Sat 2027-02-06), and for
its Saturday and Sunday the 补假 of 第六条, Tue 2-9 and Wed 2-10; no make-up working days. The
test then loads a *hypothetical* notice for 2027 (written here for the test, not the real one):
元旦 1-1 … 1-3; 春节 Fri 2-5 … Fri 2-12; make-up working day Sat 2-20. Only January to March
matter below. Every date was counted by hand from those two lists.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from calendars import ChinaCalendar
from engine import Engine
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.timer_defs import CLERK, HEAD

NOTICE_2027 = """\
year = 2027
source = "假想的2027年部分节假日安排（测试数据，非官方通知）"

[[holidays]]
name = "元旦"
dates = ["2027-01-01", "2027-01-02", "2027-01-03"]

[[holidays]]
name = "春节"
dates = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
         "2027-02-11", "2027-02-12"]

[[workdays]]
name = "春节"
dates = ["2027-02-20"]
"""


def beijing(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC) - timedelta(hours=8)


def utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Office:
    def __init__(self, url: str) -> None:
        self.clock = ManualClock(datetime(2026, 12, 1, 10))
        self.engine = Engine(url, clock=self.clock, calendar=ChinaCalendar(provisional=True))
        self.engine.register(timer_defs.request())

    def on(self, day: str) -> None:
        self.clock.set(datetime.combine(date.fromisoformat(day), time(10)))

    def receive(self, day: str) -> str:
        self.on(day)
        return self.engine.start("request", CLERK, {"received_on": day}).id

    def pending(self, iid: str) -> list[tuple[str, datetime]]:
        return [(t.kind, utc(t.due_at)) for t in self.engine.timers(iid, status="pending")]

    def reply(self, iid: str) -> tuple[date | None, bool]:
        d = self.engine.get(iid).deadlines["reply"]
        return d.due_date, d.provisional


@pytest.fixture
def office(db_url: str) -> Office:
    return Office(db_url)


def test_deadlines_become_official_when_the_2027_schedule_arrives(office: Office,
                                                                   tmp_path: Path) -> None:
    # C: received Tue 2026-12-01: 12-2…12-4 (3), 12-7…12-11 (8), 12-14…12-18 (13),
    # 12-21…12-25 (18), 12-28, 12-29 (20) → 2026-12-29, official (2026 has its notice).
    c = office.receive("2026-12-01")
    # D: received Mon 12-21, consulted Thu 12-24 (used 12-22…12-24 = 3): paused into 2027.
    d = office.receive("2026-12-21")
    office.on("2026-12-24")
    office.engine.fire(d, "consult", CLERK, {"sent_on": "2026-12-24"})
    # A and B: received Wed 12-30: 12-31 (1); 1-1 off; 1-4…1-8 (6), 1-11…1-15 (11),
    # 1-18…1-22 (16), 1-25…1-28 (20) → Thu 2027-01-28, the same on both lists.
    a = office.receive("2026-12-30")
    b = office.engine.start("request", CLERK, {"received_on": "2026-12-30"}).id
    assert office.reply(c) == (date(2026, 12, 29), False)
    assert office.reply(b) == (date(2027, 1, 28), True)
    # A is extended by 20 on 1-20 (条例 33). Provisionally, after 1-28: 1-29 (1), 2-1…2-4 (5);
    # 2-5…2-10 off; 2-11, 2-12 (7), 2-15…2-19 (12), 2-22…2-26 (17), 3-1…3-3 (20) → Wed 3-3.
    office.on("2027-01-20")
    office.engine.fire(a, "extend", HEAD)
    assert office.reply(a) == (date(2027, 3, 3), True)
    # Reminder five working days before 3-3: 3-2, 3-1, 2-26, 2-25, Wed 2-24.
    assert office.pending(a) == [("reminder", beijing(2027, 2, 24, 9)),
                                 ("deadline", beijing(2027, 3, 4))]
    # B's reminder: 1-27, 1-26, 1-25, 1-22, Thu 1-21.
    assert office.pending(b) == [("reminder", beijing(2027, 1, 21, 9)),
                                 ("deadline", beijing(2027, 1, 29))]
    # Nothing to do while the calendar is unchanged.
    assert office.engine.recompute_deadlines() == 0
    before = {i: len(office.engine.history(i)) for i in (a, b, c, d)}

    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    office.engine.calendar = ChinaCalendar(provisional=True, schedule_files=[notice])
    assert office.engine.recompute_deadlines() == 2

    # A, officially: after 1-28: 1-29 (1), 2-1…2-4 (5); 2-5…2-12 off; 2-15…2-19 (10),
    # Sat 2-20 调休 (11), 2-22…2-26 (16), 3-1…3-4 (20) → Thu 2027-03-04.
    assert office.reply(a) == (date(2027, 3, 4), False)
    moved = office.engine.history(a)[-1]
    assert (moved.trigger, moved.actor_id, moved.from_state, moved.to_state) == (
        "deadline_recomputed", "system", "registered", "registered")
    assert dict(moved.data) == {
        "clock": "reply", "reason": "calendar updated",
        "old_due_date": "2027-03-03", "new_due_date": "2027-03-04",
        "old_provisional": True, "new_provisional": False}
    # Its timers moved: reminder 3-3, 3-2, 3-1, 2-26, Thu 2-25; overdue from 00:00 on 3-5.
    assert office.pending(a) == [("reminder", beijing(2027, 2, 25, 9)),
                                 ("deadline", beijing(2027, 3, 5))]
    cancelled = {(t.kind, utc(t.due_at)) for t in office.engine.timers(a, status="cancelled")}
    assert {("reminder", beijing(2027, 2, 24, 9)), ("deadline", beijing(2027, 3, 4))} <= cancelled

    # B keeps its date, which is now official: that is recorded too.
    assert office.reply(b) == (date(2027, 1, 28), False)
    official = office.engine.history(b)[-1]
    assert (official.trigger, official.data["old_due_date"], official.data["new_due_date"],
            official.data["old_provisional"], official.data["new_provisional"]) == (
        "deadline_recomputed", "2027-01-28", "2027-01-28", True, False)
    assert office.pending(b) == [("reminder", beijing(2027, 1, 21, 9)),
                                 ("deadline", beijing(2027, 1, 29))]

    # C (official all along) and D (paused: no due date to recompute) are untouched.
    assert {i: len(office.engine.history(i)) for i in (c, d)} == {c: before[c], d: before[d]}
    assert len(office.engine.history(a)) == before[a] + 1
    assert office.engine.recompute_deadlines() == 0  # idempotent
    for i in (a, b, c, d):
        office.engine.verify_history(i)


def test_moved_timers_fire_at_their_new_times_only(office: Office, tmp_path: Path) -> None:
    a = office.receive("2026-12-30")
    office.on("2027-01-20")
    office.engine.fire(a, "extend", HEAD)  # provisional 3-3, official 3-4 (as above)
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    office.engine.calendar = ChinaCalendar(provisional=True, schedule_files=[notice])
    office.engine.recompute_deadlines()
    assert office.engine.advance(datetime(2027, 3, 6)) == 2
    fired = [(e.trigger, e.event_time) for e in office.engine.history(a)][-2:]
    assert fired == [("reminder", beijing(2027, 2, 25, 9)), ("overdue", beijing(2027, 3, 5))]


def test_paused_clock_resumes_on_the_new_calendar(office: Office, tmp_path: Path) -> None:
    # Received Mon 2026-12-21, consulted Thu 12-24: 3 used, 17 left. Resumed Mon 2027-01-25.
    d = office.receive("2026-12-21")
    office.on("2026-12-24")
    office.engine.fire(d, "consult", CLERK, {"sent_on": "2026-12-24"})
    notice = tmp_path / "2027.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    office.engine.calendar = ChinaCalendar(provisional=True, schedule_files=[notice])
    assert office.engine.recompute_deadlines() == 0
    # From 1-25 on the official list: 1-26…1-29 (4), 2-1…2-4 (8); 2-5…2-12 off; 2-15…2-19
    # (13), Sat 2-20 调休 (14), 2-22, 2-23, 2-24 (17). (Provisionally it would be 2-23.)
    office.on("2027-01-25")
    office.engine.fire(d, "receive_opinions", CLERK, {"received_on": "2027-01-25"})
    assert office.reply(d) == (date(2027, 2, 24), False)
