"""The counting rule of statutory clocks, case by case, on the official Chinese schedules.

The rule (DESIGN "Calendar"; 条例 33 for the reply period): the day of the starting event is not
counted, and a period of N working days ends at the end of the N-th working day after it. A pause
from day P to day R (条例 32 third parties, 条例 34 other agencies: the time is not counted)
leaves out the working days in (P, R]: P still counts, R does not, so the deadline becomes
``add_working_days(R, N - working days in (start, P])``. An extension (条例 33: once, by at most
20 working days) adds its days after the current deadline; a restart (条例 30: the period counts
from the day the corrected request is received) counts N afresh from its day.

Every expected date below was worked out by hand, day by day, from the State Council notices
(国务院办公厅关于 2024/2025/2026 年部分节假日安排的通知); the comments list the days counted.
The schedules used (days off; make-up working days on weekends, 调休上班):

* 2024 — 元旦 1-1; 春节 2-10…2-17 (work 2-4 Sun, 2-18 Sun); 清明 4-4…4-6 (work 4-7 Sun);
  劳动节 5-1…5-5 (work 4-28 Sun, 5-11 Sat); 端午 6-10; 中秋 9-15…9-17 (work 9-14 Sat);
  国庆 10-1…10-7 (work 9-29 Sun, 10-12 Sat).
* 2025 — 元旦 1-1; 春节 1-28…2-4 (work 1-26 Sun, 2-8 Sat); 清明 4-4…4-6; 劳动节 5-1…5-5
  (work 4-27 Sun); 端午 5-31…6-2; 国庆·中秋 10-1…10-8 (work 9-28 Sun, 10-11 Sat).
* 2026 — 元旦 1-1…1-3 (work 1-4 Sun); 春节 2-15…2-23 (work 2-14 Sat, 2-28 Sat); 清明 4-4…4-6;
  劳动节 5-1…5-5 (work 5-9 Sat); 端午 6-19…6-21; 中秋 9-25…9-27; 国庆 10-1…10-7
  (work 9-20 Sun, 10-10 Sat).
* 2027 has no notice yet: provisional, weekends plus the days of the 全国年节及纪念日放假办法
  (2024 revision) — 元旦 1-1 (a Friday), 春节 除夕…初三 = 2-5…2-8, ….
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from calendars import ChinaCalendar
from engine import Deadline, Engine, GuardRejected, InvalidData
from engine.testing import ManualClock
from tests.engine import timer_defs
from tests.engine.timer_defs import CLERK, HEAD

CAL = ChinaCalendar(provisional=True)

DATE_FIELDS = {"request_correction": "notified_on", "receive_correction": "received_on",
               "consult": "sent_on", "receive_opinions": "received_on", "reply": "replied_on"}


class Desk:
    """One request on a fresh engine; each event is recorded at 10:00 (Beijing) on its day."""

    def __init__(self, url: str, workflow: str = "request") -> None:
        self.clock = ManualClock(datetime(2024, 1, 1, 10, 0))
        self.engine = Engine(url, clock=self.clock, calendar=CAL)
        self.engine.register(timer_defs.request() if workflow == "request" else
                             timer_defs.request("calendar_days", 15, 15, workflow))
        self.workflow = workflow
        self.id = ""

    def on(self, day: str) -> None:
        self.clock.set(datetime.combine(date.fromisoformat(day), time(10, 0)))

    def receive(self, day: str) -> Deadline:
        self.on(day)
        self.id = self.engine.start(self.workflow, CLERK, {"received_on": day}).id
        return self.reply()

    def fire(self, trigger: str, day: str, dated: bool = True) -> Deadline:
        self.on(day)
        data = {DATE_FIELDS[trigger]: day} if dated and trigger in DATE_FIELDS else {}
        self.engine.fire(self.id, trigger, HEAD if trigger == "extend" else CLERK, data)
        return self.reply()

    def reply(self, on: str | None = None) -> Deadline:
        if on is not None:
            self.on(on)
        return self.engine.get(self.id).deadlines["reply"]

    def due(self) -> str:
        d = self.reply().due_date
        return d.isoformat() if d else "paused"


@pytest.fixture
def desk(db_url: str) -> Desk:
    return Desk(db_url)


# -- plain periods ------------------------------------------------------------------------------

def test_the_day_of_receipt_is_not_counted(desk: Desk) -> None:
    # Received Mon 2025-03-03. Counted: 3-4…3-7 (4), 3-10…3-14 (9), 3-17…3-21 (14),
    # 3-24…3-28 (19), 3-31 (20). March 2025 has no holiday.
    d = desk.receive("2025-03-03")
    assert (d.state, d.due_date, d.used, d.left, d.overdue) == (
        "running", date(2025, 3, 31), 0, 20, False)
    # On Fri 3-14: 3-4…3-7 and 3-10…3-14 used.
    d = desk.reply(on="2025-03-14")
    assert (d.used, d.left) == (9, 11)
    d = desk.reply(on="2025-03-31")
    assert (d.state, d.used, d.left, d.overdue, d.provisional) == ("running", 20, 0, False, False)


def test_overdue_from_midnight_beijing_time_after_the_due_date(desk: Desk) -> None:
    desk.receive("2025-03-03")  # due Mon 2025-03-31, as above
    # 2025-03-31 23:59:59 in Beijing is 15:59:59 UTC: the last second of the period.
    desk.clock.set(datetime(2025, 3, 31, 15, 59, 59, tzinfo=UTC))
    assert (desk.reply().state, desk.reply().overdue) == ("running", False)
    # 16:00 UTC is 00:00 on 2025-04-01 in Beijing: overdue by one working day (4-1, a Tuesday).
    desk.clock.set(datetime(2025, 3, 31, 16, 0, tzinfo=UTC))
    d = desk.reply()
    assert (d.state, d.overdue, d.due_date, d.used, d.left) == (
        "expired", True, date(2025, 3, 31), 21, -1)


def test_received_on_a_saturday(desk: Desk) -> None:
    # Sat 2025-03-08. Counted: 3-10…3-14 (5), 3-17…3-21 (10), 3-24…3-28 (15),
    # 3-31, 4-1, 4-2, 4-3 (19); 4-4…4-6 清明 off; 4-7 (20).
    assert desk.receive("2025-03-08").due_date == date(2025, 4, 7)


def test_received_on_a_make_up_saturday_that_day_is_not_counted(desk: Desk) -> None:
    # Sat 2025-02-08 is a working day (春节调休), but the day of receipt never counts.
    # Counted: 2-10…2-14 (5), 2-17…2-21 (10), 2-24…2-28 (15), 3-3…3-7 (20).
    assert desk.receive("2025-02-08").due_date == date(2025, 3, 7)


def test_spring_festival_2025_with_its_make_up_days(desk: Desk) -> None:
    # Mon 2025-01-20. Counted: 1-21…1-24 (4), Sun 1-26 调休 (5), 1-27 (6); 1-28…2-4 off;
    # 2-5, 2-6, 2-7 (9), Sat 2-8 调休 (10), 2-10…2-14 (15), 2-17…2-21 (20).
    d = desk.receive("2025-01-20")
    assert d.due_date == date(2025, 2, 21)
    # On Sun 2025-01-26 (a make-up working day): 1-21…1-24 and 1-26, five used.
    assert desk.reply(on="2025-01-26").used == 5
    # Through the holiday nothing more is used: Mon 1-27 was the sixth and last before it.
    assert desk.reply(on="2025-02-04").used == 6


def test_year_end_2025_into_2026_with_the_make_up_sunday(desk: Desk) -> None:
    # Wed 2025-12-24. Counted: 12-25, 12-26 (2), 12-29, 12-30, 12-31 (5); 1-1…1-3 off;
    # Sun 2026-01-04 调休 (6), 1-5…1-9 (11), 1-12…1-16 (16), 1-19…1-22 (20).
    d = desk.receive("2025-12-24")
    assert (d.due_date, d.provisional) == (date(2026, 1, 22), False)


# -- pauses (条例 32, 34) ------------------------------------------------------------------------

def test_pause_across_spring_festival_2026(desk: Desk) -> None:
    # Received Mon 2026-02-02; third party consulted Wed 2-11 (条例 32): used (2-2, 2-11] =
    # 2-3…2-6, 2-9, 2-10, 2-11 = 7; 13 left. Opinions received Mon 3-2: the working days in
    # (2-11, 3-2] are left out (2-12, 2-13, Sat 2-14 调休, 2-24…2-27, Sat 2-28 调休, 3-2).
    # From 3-2: 3-3…3-6 (4), 3-9…3-13 (9), 3-16…3-19 (13).
    desk.receive("2026-02-02")
    d = desk.fire("consult", "2026-02-11")
    assert (d.state, d.due_date, d.used, d.left, d.overdue) == ("paused", None, 7, 13, False)
    # While paused nothing is used, not even the make-up Saturday 2-14.
    d = desk.reply(on="2026-02-25")
    assert (d.state, d.due_date, d.used, d.left) == ("paused", None, 7, 13)
    d = desk.fire("receive_opinions", "2026-03-02")
    assert (d.state, d.due_date, d.used, d.left) == ("running", date(2026, 3, 19), 7, 13)
    # Tue 3-3 is the first day counted after the pause.
    assert desk.reply(on="2026-03-03").used == 8


def test_pause_across_national_day_ending_on_a_make_up_saturday(desk: Desk) -> None:
    # Received Mon 2025-09-22; consulted Fri 9-26: used 9-23…9-26 = 4; 16 left. The make-up
    # Sunday 9-28 lies inside the pause. Opinions received Sat 10-11, itself a make-up working
    # day: R never counts. From 10-11: 10-13…10-17 (5), 10-20…10-24 (10), 10-27…10-31 (15),
    # Mon 11-3 (16).
    desk.receive("2025-09-22")
    assert desk.fire("consult", "2025-09-26").used == 4
    d = desk.fire("receive_opinions", "2025-10-11")
    assert (d.due_date, d.used, d.left) == (date(2025, 11, 3), 4, 16)


def test_pause_beginning_on_a_make_up_sunday_counts_that_day(desk: Desk) -> None:
    # Received Mon 2025-09-22; consulted Sun 9-28, a make-up working day: P counts, so used
    # = 9-23…9-26 and 9-28 = 5; 15 left. Opinions received Thu 10-9; left out (9-28, 10-9] =
    # 9-29, 9-30, 10-9. From 10-9: 10-10 (1), Sat 10-11 调休 (2), 10-13…10-17 (7),
    # 10-20…10-24 (12), 10-27, 10-28, 10-29 (15).
    desk.receive("2025-09-22")
    assert desk.fire("consult", "2025-09-28").used == 5
    assert desk.fire("receive_opinions", "2025-10-09").due_date == date(2025, 10, 29)


def test_pause_and_resume_on_one_day_leave_nothing_out(desk: Desk) -> None:
    # (P, R] is empty when P == R: the deadline of 2025-03-03 + 20 stays Mon 3-31.
    desk.receive("2025-03-03")
    desk.fire("consult", "2025-03-12")
    assert desk.fire("receive_opinions", "2025-03-12").due_date == date(2025, 3, 31)


def test_several_pauses_across_the_year_end_accumulate(desk: Desk) -> None:
    # Received Mon 2024-12-16.
    # Third party consulted Thu 12-19 (条例 32): used 12-17, 12-18, 12-19 = 3.
    # Opinions Mon 12-23: (12-19, 12-23] = 12-20, 12-23 left out.
    # Another agency consulted Fri 12-27 (条例 34): used 3 + 12-24…12-27 = 7.
    # Its answer Mon 2025-01-06: (12-27, 1-6] = 12-30, 12-31, 1-2, 1-3, 1-6 left out (1-1 off).
    # 13 left from 1-6: 1-7…1-10 (4), 1-13…1-17 (9), 1-20…1-23 (13) — before the make-up 1-26.
    desk.receive("2024-12-16")
    desk.fire("consult", "2024-12-19")
    assert desk.fire("receive_opinions", "2024-12-23").due_date is not None
    assert desk.fire("consult", "2024-12-27").used == 7
    d = desk.fire("receive_opinions", "2025-01-06")
    assert (d.due_date, d.used, d.left) == (date(2025, 1, 23), 7, 13)


def test_extension_after_a_pause_adds_after_the_current_deadline(desk: Desk) -> None:
    # Received Mon 2025-04-21; consulted Thu 4-24: used 4-22, 4-23, 4-24 = 3; 17 left.
    # Opinions Wed 5-7: left out (4-24, 5-7] = 4-25, Sun 4-27 调休, 4-28…4-30, 5-6, 5-7.
    # From 5-7: 5-8, 5-9 (2), 5-12…5-16 (7), 5-19…5-23 (12), 5-26…5-30 (17) -> Fri 5-30.
    desk.receive("2025-04-21")
    desk.fire("consult", "2025-04-24")
    assert desk.fire("receive_opinions", "2025-05-07").due_date == date(2025, 5, 30)
    # Extended by 20 on 5-20 (条例 33). After 5-30: 5-31…6-2 端午 off; 6-3…6-6 (4),
    # 6-9…6-13 (9), 6-16…6-20 (14), 6-23…6-27 (19), Mon 6-30 (20).
    d = desk.fire("extend", "2025-05-20")
    # Used on 5-20: 3 + (5-7, 5-20] = 5-8, 5-9, 5-12…5-16, 5-19, 5-20 = 3 + 9 = 12 of 40.
    assert (d.due_date, d.used, d.left, d.extensions) == (date(2025, 6, 30), 12, 28, 1)
    # 条例 33 allows one extension: a second is refused and changes nothing.
    version = desk.engine.get(desk.id).version
    with pytest.raises(GuardRejected):
        desk.fire("extend", "2025-05-21")
    assert desk.engine.get(desk.id).version == version
    assert desk.due() == "2025-06-30"


# -- restart after a correction (条例 30) --------------------------------------------------------

def test_restart_counts_afresh_from_the_corrected_request(desk: Desk) -> None:
    # Received Mon 2025-01-13; correction notice Thu 1-16 (the clock waits for the applicant):
    # used 1-14, 1-15, 1-16 = 3. The corrected request arrives Mon 2-10: 20 afresh from 2-10:
    # 2-11…2-14 (4), 2-17…2-21 (9), 2-24…2-28 (14), 3-3…3-7 (19), Mon 3-10 (20).
    desk.receive("2025-01-13")
    d = desk.fire("request_correction", "2025-01-16")
    assert (d.state, d.due_date, d.used, d.left) == ("paused", None, 3, 17)
    d = desk.fire("receive_correction", "2025-02-10")
    assert (d.state, d.due_date, d.used, d.left) == ("running", date(2025, 3, 10), 0, 20)


def test_restart_on_a_make_up_saturday(desk: Desk) -> None:
    # As above, but the corrected request arrives on Sat 2025-02-08 (调休, a working day that,
    # being the day of the event, is not counted): 2-10…2-14 (5), 2-17…2-21 (10),
    # 2-24…2-28 (15), 3-3…3-7 (20).
    desk.receive("2025-01-13")
    desk.fire("request_correction", "2025-01-16")
    assert desk.fire("receive_correction", "2025-02-08").due_date == date(2025, 3, 7)


def test_event_dated_by_its_data_not_by_when_it_was_recorded(desk: Desk) -> None:
    # The opinions arrived on Mon 2026-03-02 but were recorded on Thu 3-5: the date field
    # governs, so the deadline is the one of the Spring Festival case, 2026-03-19.
    desk.receive("2026-02-02")
    desk.fire("consult", "2026-02-11")
    desk.on("2026-03-05")
    desk.engine.fire(desk.id, "receive_opinions", CLERK, {"received_on": "2026-03-02"})
    assert desk.due() == "2026-03-19"


# -- stopping -----------------------------------------------------------------------------------

def test_stopped_in_time_keeps_its_due_date_and_freezes_the_count(desk: Desk) -> None:
    # 2025-03-03 + 20 = 3-31 (above). Replied Thu 3-20: used 3-4…3-7, 3-10…3-14, 3-17…3-20 = 13.
    desk.receive("2025-03-03")
    desk.fire("reply", "2025-03-20")
    d = desk.reply(on="2025-05-06")
    assert (d.state, d.due_date, d.used, d.left, d.overdue) == (
        "stopped", date(2025, 3, 31), 13, 7, False)


def test_stopped_late_is_overdue(desk: Desk) -> None:
    desk.receive("2025-03-03")  # due 3-31
    desk.fire("reply", "2025-04-01")
    d = desk.reply(on="2025-04-10")
    assert (d.state, d.due_date, d.used, d.overdue) == ("stopped", date(2025, 3, 31), 21, True)


# -- calendar days ------------------------------------------------------------------------------

def test_calendar_day_clock_counts_holidays(db_url: str) -> None:
    # 15 calendar days from Sun 2025-09-28: 9-29 … 10-13 (the National Day holiday counts).
    desk = Desk(db_url, workflow="request_cd")
    assert desk.receive("2025-09-28").due_date == date(2025, 10, 13)
    # Paused 10-1 → resumed 10-8: counted (9-28, 10-1] = 3, 12 left; the 7 days in
    # (10-1, 10-8] are left out: 10-8 + 12 = Mon 10-20.
    d = desk.fire("consult", "2025-10-01")
    assert (d.state, d.used, d.left) == ("paused", 3, 12)
    assert desk.reply(on="2025-10-05").used == 3
    d = desk.fire("receive_opinions", "2025-10-08")
    assert (d.due_date, d.unit) == (date(2025, 10, 20), "calendar_days")
    # Extended by 15 after 10-20: Tue 11-4.
    assert desk.fire("extend", "2025-10-15").due_date == date(2025, 11, 4)


# -- provisional deadlines ----------------------------------------------------------------------

def test_deadline_inside_an_official_year_is_not_provisional(desk: Desk) -> None:
    # Mon 2026-11-02: 11-3…11-6 (4), 11-9…11-13 (9), 11-16…11-20 (14), 11-23…11-27 (19), 11-30.
    d = desk.receive("2026-11-02")
    assert (d.due_date, d.provisional) == (date(2026, 11, 30), False)


def test_calendar_day_deadline_is_never_provisional(db_url: str) -> None:
    # 15 calendar days from Fri 2026-12-25: 2027-01-09. Counting calendar days asks no schedule,
    # so the missing 2027 notice cannot change the date: it is not provisional (and must not be
    # "recomputed" when the notice arrives).
    desk = Desk(db_url, workflow="request_cd")
    d = desk.receive("2026-12-25")
    assert (d.due_date, d.provisional) == (date(2027, 1, 9), False)


def test_deadline_crossing_into_2027_is_provisional(desk: Desk) -> None:
    # Wed 2026-12-30: 12-31 (1); 2027-01-01 元旦 off (provisional); 1-4…1-8 (6),
    # 1-11…1-15 (11), 1-18…1-22 (16), 1-25…1-28 (20).
    d = desk.receive("2026-12-30")
    assert (d.due_date, d.provisional) == (date(2027, 1, 28), True)


# -- refusals -----------------------------------------------------------------------------------

def test_resume_dated_before_the_pause_is_refused_and_changes_nothing(desk: Desk) -> None:
    desk.receive("2025-03-03")
    desk.fire("consult", "2025-03-12")
    before = desk.engine.get(desk.id)
    desk.on("2025-03-14")
    with pytest.raises(InvalidData, match="2025-03-11"):
        desk.engine.fire(desk.id, "receive_opinions", CLERK, {"received_on": "2025-03-11"})
    after = desk.engine.get(desk.id)
    assert (after.version, after.state, after.deadlines["reply"].state) == (
        before.version, "consulting", "paused")


def test_pause_dated_before_receipt_is_refused(desk: Desk) -> None:
    desk.receive("2025-03-03")
    with pytest.raises(InvalidData):
        desk.engine.fire(desk.id, "consult", CLERK, {"sent_on": "2025-02-28"})
    assert desk.reply().state == "running"
