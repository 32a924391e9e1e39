"""Roles misused on a disclosure request: lapses fired early, the system role claimed, and an
applicant acting on somebody else's request. Every refusal leaves every table as it was.

Requests received in person on Mon 2025-11-03 (November and December 2025 have no holidays; the
day of an event is not counted):

- fee payment (国办函〔2020〕109号, 条例 42: 20 working days from the applicant's receipt of the
  notice, handed over on Nov 3): Nov 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20)
  -> the period ends 2025-12-01;
- consultation (条例 32: 15 working days from the third party's receipt of the letter, Nov 3):
  Nov 4-7 (4), 10-14 (9), 17-21 (14), Nov 24 (15) -> the period ends 2025-11-24.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import Actor, GuardRejected, PermissionDenied, grant_system
from tests.workflows.dump import story_in, unchanged
from tests.workflows.story import APPLICANT, REGISTRAR, Story, at

BRIDGE = grant_system("oa-scheduler")
"""An agency's own scheduler, granted the reserved role explicitly: still bound by the law."""
IMPOSTOR = Actor("anyone", "system")
PARTY = "某科技有限公司"


def _fire(story: Story, trigger: str, day: str, actor: Actor, data: dict[str, Any]) -> None:
    story.clock.set(max(at(day), story.clock.now()))
    story.engine.fire(story.id, trigger, actor, data)


def _refused(story: Story, trigger: str, day: str, actor: Actor, data: dict[str, Any],
             error: type[Exception]) -> Any:
    """Fire on ``day`` and expect ``error``; nothing in the tables changes."""
    story.clock.set(max(at(day), story.clock.now()))
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, actor, data)
    return refused.value


# -- the system role is the engine's ----------------------------------------------------------

@pytest.mark.parametrize(("state", "trigger", "data"), [
    ("awaiting_fee", "fee_lapsed", {}),
    ("consulting", "consultation_lapsed", {"party": PARTY}),
    ("awaiting_reasons", "reasons_lapsed", {}),
    ("awaiting_correction", "correction_lapsed", {}),
])
def test_naming_the_system_role_fires_no_lapse(db_url: str, state: str, trigger: str,
                                               data: dict[str, Any]) -> None:
    """Anyone claiming ``system`` is refused (rule "reserved role"), even after the period."""
    story = story_in(db_url, state)
    error = _refused(story, trigger, "2026-01-05", IMPOSTOR, data, PermissionDenied)
    assert error.rule == "reserved role"
    assert story.now.state == state


# -- a lapse waits for the end of its period ---------------------------------------------------

def test_the_fee_cannot_lapse_the_day_the_notice_went_out(db_url: str) -> None:
    """国办函〔2020〕109号 (政府信息公开信息处理费管理办法), 条例 42: the request is deemed
    abandoned only after the 20 working days to pay; not on the day of the notice, nor on the
    last day, whoever fires the lapse. On Tue 2025-12-02 it lapses as fee unpaid."""
    story = story_in(db_url, "awaiting_fee")
    assert story.due("fee_payment").isoformat() == "2025-12-01"
    for day in ("2025-11-03", "2025-12-01"):
        error = _refused(story, "fee_lapsed", day, BRIDGE, {}, GuardRejected)
        assert error.guard == "disclosure_request.fee_period_over"
        assert "ends on 2025-12-01" in str(error) and "条例 42" in str(error)
    _fire(story, "fee_lapsed", "2025-12-02", BRIDGE, {"on": "2025-12-01"})
    now = story.now
    assert (now.state, now.data["outcome"]) == ("closed", "other.fee_unpaid")


def test_a_consultation_cannot_lapse_before_the_partys_period_ends(db_url: str) -> None:
    """条例 32: a consulted third party is silent only after its 15 working days from its receipt
    of the letter; before that the lapse is refused and the consultation goes on."""
    story = story_in(db_url, "consulting")
    members = story.now.deadlines["consultation"].details["members"]
    assert members[PARTY].due_date.isoformat() == "2025-11-24"
    for day in ("2025-11-03", "2025-11-24"):
        error = _refused(story, "consultation_lapsed", day, BRIDGE, {"party": PARTY},
                         GuardRejected)
        assert error.guard == "disclosure_request.consultation_period_over"
        assert "ends on 2025-11-24" in str(error) and "条例 32" in str(error)
        assert story.now.state == "consulting"
    _fire(story, "consultation_lapsed", "2025-11-25", BRIDGE, {"party": PARTY,
                                                                "on": "2025-11-24"})
    assert story.now.state == "assigned"


def test_a_consultation_without_a_recorded_receipt_cannot_lapse(db_url: str) -> None:
    """条例 32: the party's period runs from its receipt; unrecorded, it never began."""
    story = Story(db_url, "2025-11-03")
    story.fire("accept", "2025-11-03")
    story.fire("assign", "2025-11-03")
    story.fire("consult", "2025-11-03", parties=[{"name": PARTY, "kind": "third_party"}])
    error = _refused(story, "consultation_lapsed", "2026-01-05", BRIDGE, {"party": PARTY},
                     GuardRejected)
    assert error.guard == "disclosure_request.consultation_period_over"
    assert "receipt is not recorded" in str(error)


def test_the_registrar_cannot_record_a_correction_lapse_early(db_url: str) -> None:
    """条例 30: correction notice of 10 working days handed over on Mon 2025-11-03: Nov 4-7 (4),
    10-14 (9), Nov 17 (10) -> the period ends 2025-11-17; the registrar is refused until then."""
    story = story_in(db_url, "awaiting_correction")
    error = _refused(story, "correction_lapsed", "2025-11-17", REGISTRAR, {}, GuardRejected)
    assert error.guard == "disclosure_request.correction_period_over"
    assert "ends on 2025-11-17" in str(error) and "条例 30" in str(error)


# -- the applicant on a request is that request's applicant --------------------------------------

def test_another_applicant_cannot_withdraw_the_request(db_url: str) -> None:
    """条例 29(1): a request is filed in the applicant's name; the registration records the
    applicant's actor id (``applicant.id``), and only that actor withdraws as the applicant."""
    story = story_in(db_url, "assigned")
    assert story.now.data["applicant"]["id"] == APPLICANT.id
    withdrawal = {"withdrawn_on": "2025-11-04", "reason": "不再需要"}
    error = _refused(story, "withdraw", "2025-11-04", Actor("app-2", "applicant"), withdrawal,
                     PermissionDenied)
    assert (error.rule, error.actor_id) == ("not the applicant", "app-2")
    _fire(story, "withdraw", "2025-11-04", APPLICANT, withdrawal)
    event = story.engine.history(story.id)[-1]
    assert (event.actor_id, event.actor_role, story.now.state) == (
        APPLICANT.id, "applicant", "closed")


def test_a_request_registered_without_the_applicants_id_is_withdrawn_by_the_registrar(
        db_url: str) -> None:
    """Registered on paper without an online identity: no actor is its applicant, so an
    applicant actor is refused and the registrar records the withdrawal for the applicant."""
    story = Story(db_url, "2025-11-03", applicant={"name": "张三", "type": "natural_person",
                                                   "contact": "13800000000"})
    withdrawal = {"withdrawn_on": "2025-11-04", "reason": "不再需要"}
    error = _refused(story, "withdraw", "2025-11-04", APPLICANT, withdrawal, PermissionDenied)
    assert error.rule == "not the applicant"
    _fire(story, "withdraw", "2025-11-04", REGISTRAR, withdrawal)
    assert story.now.state == "closed"


def test_an_applicant_sees_and_may_fire_only_its_own_requests(db_url: str) -> None:
    """The applicant role is bound to the request's applicant (条例 27: the applicant is the
    one who asked): another applicant's request is neither in its worklist nor among its
    available triggers."""
    mine = story_in(db_url, "registered")
    own = Actor(mine.now.data["applicant"]["id"], "applicant")
    stranger = Actor("someone-else", "applicant")
    assert "withdraw" in mine.engine.available_triggers(mine.id, own)
    assert "withdraw" not in mine.engine.available_triggers(mine.id, stranger)
    assert mine.id not in {item.instance.id for item in mine.engine.worklist(stranger)}
    assert mine.id in {item.instance.id for item in mine.engine.worklist(own)}


def test_a_withdrawal_is_not_dated_before_the_request_was_received(db_url: str) -> None:
    """条例 31: the request exists from its receipt; a withdrawal dated before it would also drop
    the request from every annual report (收到 in one year, 办结 in another)."""
    story = story_in(db_url, "registered")
    received = story.now.data["received_on"]
    with unchanged(story.engine), pytest.raises(GuardRejected, match="before the request was"):
        story.engine.fire(story.id, "withdraw", REGISTRAR,
                          {"withdrawn_on": "2020-01-01", "reason": "不再需要"})
    done = story.engine.fire(story.id, "withdraw", REGISTRAR,
                             {"withdrawn_on": received, "reason": "不再需要"})
    assert done.state == "closed"
