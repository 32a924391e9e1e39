"""Periods that run out with nobody acting: the timers fire the lapses and the marks themselves.

Requests received in person on Monday 2025-11-03; November and December 2025 have no holidays,
so every period below is counted Monday to Friday, the day of the event not counted:

- reply (条例 33, 20): Nov 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20) -> 2025-12-01;
  reminders 5 and 2 working days before: Nov 24 and Nov 27 (09:00); overdue mark at 00:00 on
  Dec 2, when the last day is over.
- correction notice (条例 30, 7): Nov 4-7 (4), 10-12 (7) -> 2025-11-12; reminder 2 working days
  before: Nov 10; overdue mark at 00:00 on Nov 13.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from engine.timesource import SHANGHAI, utc_dt
from tests.workflows.dump import events, story_in
from tests.workflows.story import Story

MARKS = ("reminder", "overdue")


def _bj(day: str, hour: int = 0) -> datetime:
    return datetime.combine(date.fromisoformat(day), datetime.min.time(),
                            tzinfo=SHANGHAI).replace(hour=hour)


def _marks(story: Story, clock: str | None = None) -> list[tuple[str, str, datetime, object]]:
    """(trigger, clock, when, days_before) of every reminder and overdue mark, in order."""
    return [(e.trigger, e.data["clock"], e.event_time, e.data.get("days_before"))
            for e in story.engine.history(story.id) if e.trigger in MARKS
            and (clock is None or e.data["clock"] == clock)]


def _no_pending_timers(story: Story) -> None:
    statuses = {t.status for t in story.engine.timers(story.id)}
    assert "pending" not in statuses, statuses


# 条例 30: no correction in time ----------------------------------------------------------------

def test_correction_period_runs_out_and_the_request_is_deemed_abandoned(db_url: str) -> None:
    """条例 30: an applicant who does not correct within the period is deemed to have abandoned
    the request. Notice on Wed 2025-11-05 with 10 working days: Nov 6-7 (2), 10-14 (7), 17-19
    (10) -> the period ends 2025-11-19; at 00:00 on Nov 20 the system fires
    ``correction_lapsed`` and the request closes as other.no_correction."""
    story = story_in(db_url, "registered")
    story.fire("request_correction", "2025-11-05", period_days=10)
    story.advance("2025-11-19")
    assert story.now.state == "awaiting_correction"
    story.advance("2025-11-20")
    now = story.now
    assert (now.state, now.closed, now.data["outcome"]) == ("closed", True, "other.no_correction")
    (lapse,) = events(story, "correction_lapsed")
    assert (lapse.actor_id, lapse.event_time, dict(lapse.data)) == (
        "system", _bj("2025-11-20"), {"on": "2025-11-19", "outcome": "other.no_correction"})
    assert now.data["lapse"] == {"on": "2025-11-19"}
    # The reply clock stopped with the notice (条例 30: it counts again from the correction), so
    # no reply reminder fired on Nov 24 or 27 although the original period ran till Dec 1.
    story.advance("2025-12-10")
    assert _marks(story, "reply") == []
    _no_pending_timers(story)
    story.engine.verify_history(story.id)


def test_the_registrar_records_a_lapse_the_worker_missed(db_url: str) -> None:
    """条例 30: with no worker running, the registrar may record the lapse once the period is
    over. Notice on Mon 2025-11-03, 10 working days: Nov 4-7 (4), 10-14 (9), Nov 17 (10) -> ends
    2025-11-17; recorded on Nov 18 it closes the request as other.no_correction."""
    story = story_in(db_url, "awaiting_correction")
    story.fire("correction_lapsed", "2025-11-18", on="2025-11-17")
    assert (story.now.state, story.now.data["outcome"]) == ("closed", "other.no_correction")
    assert events(story, "correction_lapsed")[0].actor_id == "reg-1"


def test_a_correction_on_the_last_day_is_in_time(db_url: str) -> None:
    """条例 30: the corrected request received on 2025-11-19, the last day, stops the lapse; the
    reply period counts afresh from that day: Nov 20-21 (2), 24-28 (7), Dec 1-5 (12), 8-12 (17),
    Dec 15-17 (20) -> 2025-12-17."""
    story = story_in(db_url, "registered")
    story.fire("request_correction", "2025-11-05", period_days=10)
    story.fire("receive_correction", "2025-11-19")
    story.advance("2025-11-25")
    assert story.now.state == "accepted"
    assert events(story, "correction_lapsed") == []
    assert story.due("reply") == date(2025, 12, 17)
    correction_timers = [t for t in story.engine.timers(story.id) if t.clock == "correction"]
    assert correction_timers and {t.status for t in correction_timers} == {"cancelled"}


# 国办函〔2020〕109号: fee not paid in time --------------------------------------------------------

def test_fee_unpaid_after_20_working_days_closes_the_request(db_url: str) -> None:
    """国办函〔2020〕109号: the applicant pays within 20 working days of the fee notice or the
    request is deemed abandoned. Notice on Wed 2025-11-05: Nov 6-7 (2), 10-14 (7), 17-21 (12),
    24-28 (17), Dec 1-3 (20) -> the period ends 2025-12-03; ``fee_lapsed`` fires at 00:00 on
    Dec 4 and the request closes as other.fee_unpaid. Meanwhile the reply clock is paused (the
    default setting), so its original last day, Dec 1, passes without reminders or overdue."""
    story = story_in(db_url, "assigned")
    story.fire("notify_fee", "2025-11-05")
    story.advance("2025-12-03")
    assert story.now.state == "awaiting_fee"
    story.advance("2025-12-04")
    now = story.now
    assert (now.state, now.data["outcome"]) == ("closed", "other.fee_unpaid")
    (lapse,) = events(story, "fee_lapsed")
    assert (lapse.actor_id, lapse.event_time, lapse.data["on"]) == (
        "system", _bj("2025-12-04"), "2025-12-03")
    assert _marks(story, "reply") == []
    _no_pending_timers(story)
    story.engine.verify_history(story.id)


def test_payment_on_the_last_day_resumes_the_reply_period(db_url: str) -> None:
    """国办函〔2020〕109号: paid on 2025-12-03, the last day: no lapse. The reply period used Nov 4
    and 5 (2 days) before the notice and resumes on Dec 3 with 18 left: Dec 4-5 (2), 8-12 (7),
    15-19 (12), 22-26 (17), Dec 29 (18) -> 2025-12-29."""
    story = story_in(db_url, "assigned")
    story.fire("notify_fee", "2025-11-05")
    story.fire("receive_payment", "2025-12-03")
    story.advance("2025-12-05")
    assert story.now.state == "assigned"
    assert events(story, "fee_lapsed") == []
    assert story.due("reply") == date(2025, 12, 29)


# 条例 33, 30: reminders and overdue marks ----------------------------------------------------

def test_reminders_and_overdue_marks_fire_on_their_days_once_each_in_order(db_url: str) -> None:
    """条例 33 (reply, 20 working days) and 条例 30 (correction notice, 7 working days) for a
    request left in ``registered``: reminders at 09:00 on their days, an overdue mark at 00:00
    after the last day, each once, in time order; marks change no state. Time is walked in
    several steps and past the end, so a second pass could only duplicate."""
    story = story_in(db_url, "registered")
    for day in ("2025-11-07", "2025-11-10", "2025-11-13", "2025-11-24", "2025-11-27",
                "2025-12-01"):
        story.advance(day)
    assert not story.now.deadlines["reply"].overdue
    story.advance("2025-12-02")
    story.advance("2026-01-31")
    assert _marks(story) == [
        ("reminder", "correction_notice", _bj("2025-11-10", 9), 2),
        ("overdue", "correction_notice", _bj("2025-11-13"), None),
        ("reminder", "reply", _bj("2025-11-24", 9), 5),
        ("reminder", "reply", _bj("2025-11-27", 9), 2),
        ("overdue", "reply", _bj("2025-12-02"), None),
    ]
    assert {e.data["due_date"] for e in events(story, "reminder", "reply")} == {"2025-12-01"}
    now = story.now
    assert now.state == "registered"
    assert (now.deadlines["reply"].state, now.deadlines["reply"].overdue) == ("expired", True)
    _no_pending_timers(story)


def test_an_extension_moves_the_pending_reminders(db_url: str) -> None:
    """条例 33: extended on 2025-11-25 (after the first reminder), the period ends 20 working days
    after Dec 1: Dec 2-5 (4), 8-12 (9), 15-19 (14), 22-26 (19), Dec 29 (20). The Nov 27 reminder
    and the Dec 2 mark are cancelled; new reminders fall on Dec 22 (5 before: Dec 26, 25, 24, 23,
    22) and Dec 25 (2 before), the overdue mark at 00:00 on Dec 30."""
    story = story_in(db_url, "assigned")
    story.advance("2025-11-24")
    story.fire("extend", "2025-11-25")
    story.advance("2026-01-05")
    assert _marks(story, "reply") == [
        ("reminder", "reply", _bj("2025-11-24", 9), 5),
        ("reminder", "reply", _bj("2025-12-22", 9), 5),
        ("reminder", "reply", _bj("2025-12-25", 9), 2),
        ("overdue", "reply", _bj("2025-12-30"), None),
    ]
    assert [e.data["due_date"] for e in events(story, "reminder", "reply")] == [
        "2025-12-01", "2025-12-29", "2025-12-29"]
    cancelled = [(t.kind, t.status) for t in story.engine.timers(story.id)
                 if t.clock == "reply" and t.status == "cancelled"]
    assert sorted(cancelled) == [("deadline", "cancelled"), ("reminder", "cancelled")]


# Closed requests: their timers are cancelled, never fired ---------------------------------------

CLOSINGS = {
    "withdrawn": ("assigned", (("withdraw", "2025-11-10"),)),
    "served": ("decided", (("reply", "2025-11-10"), ("serve", "2025-11-11"))),
    "replied_on_the_spot": ("registered", (("reply_on_the_spot", "2025-11-03"),
                                           ("serve", "2025-11-04"))),
    "correction_lapsed": ("awaiting_correction", ()),
}


@pytest.mark.parametrize("how", CLOSINGS)
def test_timers_of_a_closed_request_are_cancelled_never_fired(db_url: str, how: str) -> None:
    """书面答复制 / 条例 30 / withdrawal: once a request is closed its reminders, marks and
    automatic lapses are cancelled; walking time past every original due date fires nothing
    and adds nothing to the history."""
    state, steps = CLOSINGS[how]
    story = story_in(db_url, state)
    for trigger, day in steps:
        story.fire(trigger, day)
    if how == "correction_lapsed":  # notice Nov 3, 10 working days -> ends Nov 17
        story.advance("2025-11-18")
    assert story.now.closed
    closed_at = story.now.closed_at
    assert closed_at is not None
    _no_pending_timers(story)
    length = len(story.engine.history(story.id))
    assert story.advance("2026-03-31") == 0
    assert len(story.engine.history(story.id)) == length
    timers = story.engine.timers(story.id)
    assert timers and {t.status for t in timers} <= {"cancelled", "fired"}
    for timer in timers:
        if timer.status == "fired":
            fired_at = utc_dt(timer.fired_at)
            assert fired_at is not None and fired_at <= closed_at
