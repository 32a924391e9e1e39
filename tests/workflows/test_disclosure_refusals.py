"""Every refused action of the disclosure request workflow raises the engine's error and changes
nothing: every row of every gongkai table (instances, events, outbox, timers, counters) is the
same before and after (DESIGN.md, engine principle 10: a refused call changes nothing).

All cases start from a request received in person on Monday 2025-11-03. Its reply period
(条例 33, 20 working days, the day of receipt not counted) runs through November 2025, a month
without holidays: Nov 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20) -> due 2025-12-01.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from engine import (
    SYSTEM,
    Actor,
    GuardRejected,
    InvalidData,
    InvalidTransition,
    PermissionDenied,
    WorkflowError,
)
from tests.workflows.dump import shared_db_fixture, story_in, unchanged  # noqa: F401
from tests.workflows.story import (
    APPLICANT,
    HANDLER,
    LEADER,
    OFFICE_HEAD,
    REGISTRAR,
    Story,
    at,
    payload,
)

RECEIVED = "2025-11-03"


@dataclass(frozen=True)
class Refusal:
    """One refused call: the request's state and history, then the call and what it raises."""

    name: str
    state: str
    trigger: str
    day: str
    actor: Actor
    error: type[WorkflowError]
    before: tuple[tuple[str, str], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)
    drop: tuple[str, ...] = ()
    guard: str | None = None
    bad_field: str | None = None
    allowed: tuple[str, ...] | None = None
    law: str = ""


CASES = (
    # wrong role -> PermissionDenied ---------------------------------------------------------
    Refusal("applicant_accepts", "registered", "accept", RECEIVED, APPLICANT, PermissionDenied,
            allowed=("registrar",),
            law="source 四(一), 五: the general office registers and accepts (专人负责)"),
    Refusal("registrar_extends", "assigned", "extend", "2025-11-10", REGISTRAR, PermissionDenied,
            allowed=("office_head",),
            law="条例 33: an extension needs the consent of the head of the disclosure office"),
    Refusal("handler_approves_own_proposal", "leader_review", "approve", RECEIVED, HANDLER,
            PermissionDenied, allowed=("leader",),
            law="source 四(一): the proposal goes to the leader in charge (报请分管厅领导批示)"),
    Refusal("staff_declare_fee_unpaid", "awaiting_fee", "fee_lapsed", "2025-11-10", REGISTRAR,
            PermissionDenied, extra={"on": "2025-11-10"}, allowed=("system",),
            law="国办函〔2020〕109号: only the lapse of the 20 working days makes it abandoned"),
    # wrong state -> InvalidTransition --------------------------------------------------------
    Refusal("approve_before_any_proposal", "registered", "approve", RECEIVED, LEADER,
            InvalidTransition, law="source 四(一): register, accept, assign, propose, approve"),
    Refusal("reply_before_the_decision", "assigned", "reply", "2025-11-10", REGISTRAR,
            InvalidTransition, law="source 四(一), 条例 36: the reply follows the decision"),
    Refusal("payment_without_a_fee_notice", "assigned", "receive_payment", "2025-11-10",
            REGISTRAR, InvalidTransition, law="条例 42: a fee is paid against a fee notice"),
    Refusal("anything_after_closing", "registered", "accept", "2025-11-05", REGISTRAR,
            InvalidTransition, before=(("withdraw", "2025-11-04"),),
            law="登记制/书面答复制: a closed request stays closed"),
    Refusal("system_lapse_in_the_wrong_state", "assigned", "consultation_lapsed", "2025-11-10",
            SYSTEM, InvalidTransition, extra={"on": "2025-11-10"},
            law="条例 32, 34: only a running consultation can lapse"),
    # missing or bad data -> InvalidData --------------------------------------------------------
    Refusal("extension_without_reason", "assigned", "extend", "2025-11-10", OFFICE_HEAD,
            InvalidData, drop=("reason",), bad_field="reason",
            law="条例 33: the applicant is told the extension and its reason"),
    Refusal("correction_notice_without_items", "registered", "request_correction", "2025-11-05",
            HANDLER, InvalidData, extra={"items": []}, bad_field="items",
            law="条例 30: the notice says, once, what is to be corrected"),
    Refusal("withholding_without_legal_basis", "assigned", "propose", "2025-11-10", HANDLER,
            InvalidData, extra={"outcome": "withheld.state_secret"}, bad_field="legal_basis",
            law="条例 36(3): a refusal states its legal basis and reasons"),
    Refusal("payment_dated_before_the_notice", "assigned", "receive_payment", "2025-11-10",
            REGISTRAR, InvalidData, before=(("notify_fee", "2025-11-06"),),
            extra={"paid_on": "2025-11-05"}, bad_field="paid_on",
            law="国办函〔2020〕109号: payment follows the notice"),
    # guards -> GuardRejected ------------------------------------------------------------------
    Refusal("second_correction", "awaiting_correction", "request_correction", "2025-11-11",
            HANDLER, GuardRejected, before=(("receive_correction", "2025-11-10"),),
            guard="disclosure_request.correction_once",
            law="条例 30: one notice only (一次性告知)"),
    Refusal("correction_declared_lapsed_early", "awaiting_correction", "correction_lapsed",
            "2025-11-10", REGISTRAR, GuardRejected, extra={"on": "2025-11-10"},
            guard="disclosure_request.correction_period_over",
            law="条例 30: abandoned only when the period (here to 2025-11-17) ran out"),
    Refusal("second_extension", "assigned", "extend", "2025-11-12", OFFICE_HEAD, GuardRejected,
            before=(("extend", "2025-11-10"),),
            guard="disclosure_request.extend_once_before_deadline",
            law="条例 33: the reply period is extended once"),
    Refusal("extension_after_the_deadline", "assigned", "extend", "2025-12-02", OFFICE_HEAD,
            GuardRejected, guard="disclosure_request.extend_once_before_deadline",
            law="条例 33: an extension is decided within the period (due 2025-12-01)"),
    Refusal("unclear_after_correction_without_correction", "assigned", "propose", "2025-11-10",
            HANDLER, GuardRejected, guard="disclosure_request.unclear_only_after_correction",
            extra={"outcome": "unavailable.unclear_after_correction", "convenience": "请具体描述"},
            law="条例 30, source 四(二): 'still unclear' needs a correction first"),
)


def _data(case: Refusal) -> dict[str, Any]:
    data = payload(case.trigger, case.day, **case.extra)
    for name in case.drop:
        data.pop(name)
    return data


def _prepared(shared_db: str, case: Refusal) -> Story:
    story = story_in(shared_db, case.state)
    for trigger, day in case.before:
        story.fire(trigger, day)
    story.clock.set(at(case.day))
    return story


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_refused_action_raises_and_changes_nothing(shared_db: str, case: Refusal) -> None:
    """Refused: wrong role (PermissionDenied), wrong state (InvalidTransition), missing or
    inconsistent data (InvalidData), a rule of the law (GuardRejected). The article each case
    rests on is in its ``law``; the error names the instance and the trigger."""
    story = _prepared(shared_db, case)
    with unchanged(story.engine), pytest.raises(case.error) as refused:
        story.engine.fire(story.id, case.trigger, case.actor, _data(case))
    error = refused.value
    assert getattr(error, "instance_id", None) == story.id
    assert error.trigger == case.trigger  # type: ignore[attr-defined]
    if case.guard:
        assert isinstance(error, GuardRejected) and error.guard == case.guard
    if case.bad_field:
        assert isinstance(error, InvalidData)
        assert case.bad_field in {e["field"] for e in error.errors}
    if case.allowed is not None:
        assert isinstance(error, PermissionDenied) and error.allowed == case.allowed


def test_a_refusal_leaves_the_request_usable(shared_db: str) -> None:
    """After a refused extension (条例 33, missing reason) the same extension with its reason goes
    through: the refusal bumped no row version and left no half-written clock."""
    story = story_in(shared_db, "assigned")
    story.clock.set(at("2025-11-10"))
    data = payload("extend", "2025-11-10")
    del data["reason"]
    with pytest.raises(InvalidData):
        story.engine.fire(story.id, "extend", OFFICE_HEAD, data)
    story.fire("extend", "2025-11-10")
    # 20 more working days after 2025-12-01: Dec 2-5 (4), 8-12 (9), 15-19 (14), 22-26 (19),
    # Dec 29 (20).
    assert story.due("reply") == date(2025, 12, 29)
    assert story.now.version == 4  # register, accept, assign, extend


def test_extension_on_the_last_day_is_in_time(shared_db: str) -> None:
    """条例 33: the period ends at the end of its last day, 2025-12-01; an extension decided and
    told that day is in time and adds 20 working days (due 2025-12-29, see above)."""
    story = story_in(shared_db, "assigned")
    story.fire("extend", "2025-12-01")
    reply = story.now.deadlines["reply"]
    assert (reply.due_date, reply.extensions) == (date(2025, 12, 29), 1)

