"""Reply deadlines of the disclosure request workflow, case by case, against deadlines worked out
by hand, day by day, from the State Council schedules (tests/data/deadline-cases.json).

条例 31 (receipt date), 30 (correction), 32 and 34 (consultation), 33 (reply period and its one
extension), 42 and 国办函〔2020〕109号 (fees).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.workflows.story import Story

CASES = json.loads((Path(__file__).parents[1] / "data" / "deadline-cases.json").read_text())
PREPARES = {"consult": ("accept", "assign"), "notify_fee": ("accept", "assign"),
            "extend": ()}


def _event_day(event: dict[str, str]) -> str:
    return next(v for k, v in event.items() if k != "trigger")


def replay(db_url: str, case: dict, fresh: bool = False) -> Story:
    story = Story(db_url, case["received_on"], fresh_engine_each_step=fresh)
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
        story.fire(trigger, day)
        if trigger == "consult" and "working_days_used_before_pause" in case:
            assert story.now.deadlines["reply"].used == case["working_days_used_before_pause"]
        for clock in ("consultation", "fee_payment"):
            if f"{clock}_due" in case and clock in story.now.deadlines:
                assert story.due(clock).isoformat() == case[f"{clock}_due"]
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
