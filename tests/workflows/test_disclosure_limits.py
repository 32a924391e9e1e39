"""Limits of the law on replying: extensions (条例 33), replies on the spot, "not held" replies
(条例 36(4), 36(5)) and the convenience reply (便民答复, source document 四(二)).

Dates: received in person on Monday 2025-11-03. Reply period (条例 33): Nov 4-7 (4), 10-14 (9),
17-21 (14), 24-28 (19), Dec 1 (20) -> due 2025-12-01.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import Engine, GuardRejected, InvalidData
from engine.testing import ManualClock
from tests.workflows.dump import shared_db_fixture, story_in, unchanged  # noqa: F401
from tests.workflows.story import ACTORS, Story, at, payload
from workflows import register_all
from workflows.disclosure_request.definition import definition

CONVENIENCE = "可向市统计局申请"
SEARCH = "2025-11-10 检索本局公文系统及档案室2015年以来全部档案，关键词“技改专项”，未检出"


def _refused(story: Story, trigger: str, day: str, error: type[Exception], **extra: Any) -> Any:
    story.clock.set(max(at(day), story.clock.now()))
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, ACTORS[trigger], payload(trigger, day, **extra))
    return refused.value


# 条例 33: extensions ---------------------------------------------------------------------------

def test_an_extension_may_add_fewer_than_20_working_days(shared_db: str) -> None:
    """条例 33 "最长不得超过二十个工作日": 10 working days after 2025-12-01 are Dec 2-5 (4), 8-12
    (9), 15 (10) -> due 2025-12-15."""
    story = story_in(shared_db, "assigned")
    story.fire("extend", "2025-11-10", days=10)
    reply = story.now.deadlines["reply"]
    assert (reply.due_date, reply.extensions) == (date(2025, 12, 15), 1)
    assert story.now.data["extension"]["days"] == 10


@pytest.mark.parametrize("days", [21, 0, True], ids=["21", "0", "bool"])
def test_an_extension_adds_1_to_20_working_days(shared_db: str, days: Any) -> None:
    """条例 33: at most 20 working days, and at least one."""
    story = story_in(shared_db, "assigned")
    error = _refused(story, "extend", "2025-11-10", InvalidData, days=days)
    assert {e["field"] for e in error.errors} == {"days"}


def test_one_extension_per_reply_period(shared_db: str) -> None:
    """条例 30, 33: extended by 20 on Nov 4 (due 2025-12-29), then a correction: the corrected
    request received Mon 2025-11-10 starts the reply period afresh, Nov 11-14 (4), 17-21 (9),
    24-28 (14), Dec 1-5 (19), Dec 8 (20) -> due 2025-12-08, without the earlier extension,
    which stays on record but no longer counts. The new period may be extended once again:
    5 working days, Dec 9-12 (4), 15 (5) -> 2025-12-15; a second extension of it is refused."""
    story = Story(shared_db, "2025-11-03")
    story.fire("extend", "2025-11-04")
    assert story.due("reply") == date(2025, 12, 29)
    story.fire("request_correction", "2025-11-05")
    story.fire("receive_correction", "2025-11-10")
    reply = story.now.deadlines["reply"]
    assert (reply.due_date, reply.extensions) == (date(2025, 12, 8), 0)
    story.fire("extend", "2025-11-12", days=5)
    reply = story.now.deadlines["reply"]
    assert (reply.due_date, reply.extensions) == (date(2025, 12, 15), 1)
    assert [(e["notified_on"], e["days"], e["reply_period_started_on"])
            for e in story.now.data["extensions"]] == [("2025-11-04", 20, "2025-11-03"),
                                                       ("2025-11-12", 5, "2025-11-10")]
    error = _refused(story, "extend", "2025-11-13", GuardRejected)
    assert error.guard == "disclosure_request.extend_once_before_deadline"


# 条例 33: a reply on the spot ------------------------------------------------------------------

def test_a_reply_on_the_spot_is_dated_on_the_day_of_receipt(shared_db: str) -> None:
    """条例 33 first paragraph: 当场答复 is given the day the request is received (2025-11-03);
    dated the next day it is refused: that is a reply within the period, in writing."""
    story = Story(shared_db, "2025-11-03")
    error = _refused(story, "reply_on_the_spot", "2025-11-04", GuardRejected)
    assert error.guard == "disclosure_request.on_the_spot_on_receipt_day"
    assert "2025-11-03" in error.reason
    on_time = Story(shared_db, "2025-11-03")
    on_time.fire("reply_on_the_spot", "2025-11-03")
    assert (on_time.now.state, on_time.now.data["outcome"]) == (
        "replied", "not_processed.publication")


# 条例 36(4), 36(5): information not held -------------------------------------------------------

@pytest.mark.parametrize(("extra", "field"), [
    ({}, "not_held_reason"),
    ({"not_held_reason": "does_not_exist"}, "search_record"),
    ({"not_held_reason": "not_this_agency", "search_record": SEARCH}, "search_record"),
], ids=["no_reason", "no_search_record", "search_record_for_another_agency"])
def test_not_held_says_why(shared_db: str, extra: dict[str, Any], field: str) -> None:
    """条例 36(4): information that does not exist — the agency shows where and how it searched;
    条例 36(5): another agency's information. ``unavailable.not_held`` says which."""
    story = story_in(shared_db, "assigned")
    error = _refused(story, "propose", "2025-11-10", InvalidData, outcome="unavailable.not_held",
                     convenience=CONVENIENCE, **extra)
    assert {e["field"] for e in error.errors} == {field}


@pytest.mark.parametrize("extra", [
    {"not_held_reason": "does_not_exist", "search_record": SEARCH},
    {"not_held_reason": "not_this_agency", "responsible_agency": "市统计局"},
    {"not_held_reason": "not_this_agency"},
], ids=["does_not_exist", "not_this_agency", "holder_undetermined"])
def test_not_held_with_its_reason_goes_to_the_leader(shared_db: str,
                                                     extra: dict[str, Any]) -> None:
    """条例 36(4) with the search record; 条例 36(5) naming the holder, or not where it cannot
    be determined ("能够确定...的，告知...")."""
    story = story_in(shared_db, "assigned")
    story.fire("propose", "2025-11-10", outcome="unavailable.not_held", convenience=CONVENIENCE,
               **extra)
    assert story.now.state == "leader_review"
    assert {k: story.now.data["proposal"][k] for k in extra} == extra


def test_a_not_held_reason_fits_no_other_outcome(shared_db: str) -> None:
    story = story_in(shared_db, "assigned")
    error = _refused(story, "propose", "2025-11-10", InvalidData,
                     outcome="unavailable.needs_creation", convenience=CONVENIENCE,
                     not_held_reason="does_not_exist", search_record=SEARCH)
    assert {e["field"] for e in error.errors} == {"not_held_reason", "search_record"}


# source document 四(二): convenience reply, required by default or 视情 ----------------------

@pytest.mark.parametrize("required", [True, False], ids=["default", "at_discretion"])
def test_convenience_reply_setting(db_url: str, required: bool) -> None:
    """Source document 四(二): "does not exist", "not held", "must be newly made" and "still
    unclear after correction" carry a convenience reply — by default required; an agency
    following the source's "视情" (``convenience_required=False``) decides case by case. The
    reason a reply is "not held" (条例 36(4), (5)) is needed either way."""
    engine = Engine(db_url, clock=ManualClock(at("2025-11-03")))
    register_all(engine)
    engine.register(definition(2, convenience_required=required))
    engine.close()
    story = Story(db_url, "2025-11-03")
    assert story.now.definition_version == 2
    story.fire("accept", "2025-11-03")
    story.fire("assign", "2025-11-03")
    error = _refused(story, "propose", "2025-11-10", InvalidData, outcome="unavailable.not_held")
    fields = {e["field"] for e in error.errors}
    assert fields == ({"convenience", "not_held_reason"} if required else {"not_held_reason"})
    on_the_spot = Story(db_url, "2025-11-03")
    bare: dict[str, Any] = {"outcome": "unavailable.needs_creation"}
    if required:
        for case, trigger, day in ((story, "propose", "2025-11-10"),
                                   (on_the_spot, "reply_on_the_spot", "2025-11-03")):
            error = _refused(case, trigger, day, InvalidData, **bare)
            assert {e["field"] for e in error.errors} == {"convenience"}
        return
    story.fire("propose", "2025-11-10", **bare)
    assert story.now.state == "leader_review"
    assert "convenience" not in story.now.data["proposal"]
    on_the_spot.fire("reply_on_the_spot", "2025-11-03", **bare)
    assert on_the_spot.now.data["outcome"] == "unavailable.needs_creation"
