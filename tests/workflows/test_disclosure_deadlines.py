"""Reply deadlines of the disclosure request workflow, case by case, against deadlines worked out
by hand, day by day, from the State Council schedules (tests/data/deadline-cases.json).

条例 31 (receipt date), 30 (correction), 32 and 34 (consultation), 33 (reply period and its one
extension), 42 and 国办函〔2020〕109号 (fees). Periods that run from the recipient's receipt
(consultation letters, the fee notice, the correction notice) count from the receipt day each
case gives; every case says in ``worked`` how its dates were counted.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.workflows.story import Story, payload

CASES = json.loads((Path(__file__).parents[1] / "data" / "deadline-cases.json").read_text())
PREPARES = {"consult": ("accept", "assign"), "notify_fee": ("accept", "assign"),
            "extend": ()}


def _event_day(event: dict[str, str | None]) -> str:
    """The day an event is entered: the latest date it carries (none lies in the future)."""
    return max(v for k, v in event.items() if (k == "on" or k.endswith("_on")) and v)


def _event_data(event: dict[str, str | None]) -> dict[str, Any]:
    """The event's fields for the payload: ``received_on`` of a consultation is the (single)
    party's receipt of its letter (``null``: not known yet); ``recorded_on`` only dates the
    entry of a receipt learnt later (送达回证)."""
    data = {k: v for k, v in event.items() if k not in ("trigger", "recorded_on")}
    if event["trigger"] == "consult":
        received = data.pop("received_on", "sent_on")
        data["parties"] = [{**payload("consult", "2000-01-01")["parties"][0],
                            "received_on": data["sent_on"] if received == "sent_on"
                            else received}]
    return data


def replay(db_url: str, case: dict, fresh: bool = False) -> Story:
    story = Story(db_url, case["received_on"], fresh_engine_each_step=fresh)
    checked: set[str] = set()
    for event in case["events"]:
        trigger, day = event["trigger"], _event_day(event)
        if trigger == "consultation_lapsed":
            story.advance(day)
            story.advance(str(date.fromordinal(date.fromisoformat(day).toordinal() + 1)))
            assert story.now.state == "assigned", "the worker fires consultation_lapsed itself"
            continue
        if story.now.state == "registered":
            for step in PREPARES.get(trigger, ()):
                story.fire(step, case["received_on"])
        if trigger == "extend" and "reply_due_before_extension" in case:
            assert story.due("reply").isoformat() == case["reply_due_before_extension"]
        story.fire(trigger, day, **_event_data(event))
        if trigger == "consult" and "working_days_used_before_pause" in case:
            assert story.now.deadlines["reply"].used == case["working_days_used_before_pause"]
        for clock in ("consultation", "fee_payment", "correction"):
            running = story.now.deadlines.get(clock)
            if f"{clock}_due" in case and running is not None and running.due_date is not None:
                assert running.due_date.isoformat() == case[f"{clock}_due"]
                checked.add(clock)
    assert checked == {c for c in ("consultation", "fee_payment", "correction")
                       if f"{c}_due" in case}
    return story


@pytest.mark.parametrize("case", CASES["cases"], ids=[c["name"] for c in CASES["cases"]])
def test_reply_deadline_matches_the_hand_worked_case(db_url: str, case: dict) -> None:
    story = replay(db_url, case)
    reply = story.now.deadlines["reply"]
    assert reply.due_date.isoformat() == case["reply_due"]
    assert reply.state in ("running", "expired")
    assert not reply.provisional
    if "correction_notice_due" in case:
        assert story.due("correction_notice").isoformat() == case["correction_notice_due"]


@pytest.mark.parametrize("case", [c for c in CASES["cases"] if c["events"]][:4],
                         ids=lambda c: c["name"])
def test_same_deadline_with_a_fresh_engine_between_steps(db_url: str, case: dict) -> None:
    """Save, reload, continue: nothing about a clock lives only in memory."""
    story = replay(db_url, case, fresh=True)
    assert story.now.deadlines["reply"].due_date.isoformat() == case["reply_due"]


def test_reply_clock_stops_while_a_third_party_is_consulted(db_url: str) -> None:
    """条例 32, 33: time spent consulting a third party is not counted."""
    story = Story(db_url, "2025-09-15")
    story.fire("accept", "2025-09-15")
    story.fire("assign", "2025-09-15")
    story.fire("consult", "2025-09-24")
    story.advance("2025-10-20")
    reply = story.now.deadlines["reply"]
    assert (reply.state, reply.due_date, reply.used, reply.left) == ("paused", None, 7, 13)
