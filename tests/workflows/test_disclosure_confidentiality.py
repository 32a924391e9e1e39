"""保密审查 before disclosing on request (条例 17; 保守国家秘密法实施条例 第四十二条
"先审查、后公开").

Dates: received in person on Monday 2025-11-03, accepted and assigned that day; the reply period
(条例 33) counts Nov 4-7 (4), 10-14 (9), 17-21 (14), 24-28 (19), Dec 1 (20) -> due 2025-12-01.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from engine import GuardRejected, InvalidData, InvalidTransition, PermissionDenied, WorkflowError
from tests.workflows.dump import events, shared_db_fixture, story_in, unchanged  # noqa: F401
from tests.workflows.story import HANDLER, SECRECY_REVIEWER, Story, at, payload

GUARD = "disclosure_request.confidentiality_reviewed"
PARTIAL: dict[str, Any] = {"outcome": "partially_disclosed",
                           "withheld_parts": ["附件2中的个人身份信息"],
                           "legal_basis": "《政府信息公开条例》第十五条"}
WITHHELD: dict[str, Any] = {"outcome": "withheld.state_secret",
                            "legal_basis": "《政府信息公开条例》第十四条"}


def _refused(story: Story, trigger: str, day: str, error: type[WorkflowError],
             **extra: Any) -> Any:
    story.clock.set(max(at(day), story.clock.now()))
    actor = SECRECY_REVIEWER if trigger != "propose" else HANDLER
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, actor, payload(trigger, day, **extra))
    return refused.value


@pytest.mark.parametrize("extra", [{}, PARTIAL], ids=["disclosed", "partially_disclosed"])
def test_disclosing_needs_a_review_on_record(shared_db: str, extra: dict[str, Any]) -> None:
    """条例 17: a proposal to disclose (in full or in part) without a confidentiality review on
    record is refused and changes nothing; after the secrecy reviewer found it clear it goes to
    the leader."""
    story = story_in(shared_db, "assigned")
    error = _refused(story, "propose", "2025-11-10", GuardRejected, **extra)
    assert error.guard == GUARD and "条例 17" in error.reason
    story.fire("review_confidentiality", "2025-11-10", notes="不涉及国家秘密、工作秘密")
    assert story.now.state == "assigned"
    assert story.now.data["confidentiality_review"] == {
        "result": "clear", "reviewed_on": "2025-11-10", "notes": "不涉及国家秘密、工作秘密",
        "by": "reviewer", "after_revision": 0}
    story.fire("propose", "2025-11-10", **extra)
    assert story.now.state == "leader_review"


def test_withholding_needs_no_review(shared_db: str) -> None:
    """条例 17 guards what is disclosed: a proposal to withhold goes on without one."""
    story = story_in(shared_db, "assigned")
    story.fire("propose", "2025-11-10", **WITHHELD)
    assert story.now.state == "leader_review"


def test_a_review_that_finds_a_secret_blocks_disclosure(shared_db: str) -> None:
    """条例 14, 17: information the review found must be withheld cannot be proposed for
    disclosure; withholding it as a state secret can."""
    story = story_in(shared_db, "assigned")
    story.fire("review_confidentiality", "2025-11-10", result="withhold", notes="含涉密附件")
    for extra in ({}, PARTIAL):
        error = _refused(story, "propose", "2025-11-10", GuardRejected, **extra)
        assert error.guard == GUARD and "withheld" in error.reason
    story.fire("propose", "2025-11-10", **WITHHELD)
    assert story.now.state == "leader_review"


def test_a_review_must_follow_the_latest_revision(shared_db: str) -> None:
    """条例 17 "先审查、后公开": a proposal returned for revision may change what is disclosed;
    the review of Nov 10 covers the first proposal only. The revised proposal of Nov 12 needs
    a review made after the revision (Nov 12); the earlier one stays in the history."""
    story = story_in(shared_db, "assigned")
    story.fire("review_confidentiality", "2025-11-10")
    story.fire("propose", "2025-11-10")
    story.fire("return_for_revision", "2025-11-11")
    assert story.now.data["revisions"] == 1
    error = _refused(story, "propose", "2025-11-12", GuardRejected)
    assert error.guard == GUARD and "2025-11-10" in error.reason
    story.fire("review_confidentiality", "2025-11-12")
    story.fire("propose", "2025-11-12")
    assert story.now.state == "leader_review"
    assert story.now.data["confidentiality_review"]["after_revision"] == 1
    reviews = [e.data["reviewed_on"] for e in events(story, "review_confidentiality")]
    assert reviews == ["2025-11-10", "2025-11-12"]


def test_only_the_secrecy_reviewer_reviews(shared_db: str) -> None:
    """条例 17: the review is the secrecy reviewer's (a new role); the handler who proposes
    cannot record it, nor refer it."""
    story = story_in(shared_db, "assigned")
    story.clock.set(at("2025-11-10"))
    for trigger in ("review_confidentiality", "refer_for_determination"):
        with unchanged(story.engine), pytest.raises(PermissionDenied) as refused:
            story.engine.fire(story.id, trigger, HANDLER, payload(trigger, "2025-11-10"))
        assert refused.value.allowed == ("secrecy_reviewer",)


def test_a_review_is_dated_between_receipt_and_today(shared_db: str) -> None:
    """A review records what happened: not dated after today (refused as data), nor before the
    request it reviews was received (条例 31: 2025-11-03)."""
    story = story_in(shared_db, "assigned")
    error = _refused(story, "review_confidentiality", "2025-11-10", GuardRejected,
                     reviewed_on="2025-11-02")
    assert error.guard == "disclosure_request.review_dated"
    _refused(story, "review_confidentiality", "2025-11-10", InvalidData,
             reviewed_on="2025-11-11")


def test_the_review_is_made_on_the_assigned_request(shared_db: str) -> None:
    """The information to review is the one the handling division found (source 四(一)):
    the review comes after assignment."""
    story = story_in(shared_db, "accepted")
    _refused(story, "review_confidentiality", "2025-11-04", InvalidTransition)


def test_a_referral_waits_for_the_competent_authority(shared_db: str) -> None:
    """条例 17: where the agency cannot decide, it asks the competent department or the secrecy
    authority and waits for the answer; meanwhile nothing can be proposed. The law does not stop
    the reply period for it (条例 33 leaves out consultation time only): still due 2025-12-01,
    and the office head may extend it (条例 33). The answer (clear) is the review in force."""
    story = story_in(shared_db, "assigned")
    story.fire("refer_for_determination", "2025-11-05")
    assert story.now.state == "awaiting_determination"
    assert story.now.data["determination_referral"]["authority"] == "市国家保密局"
    reply = story.now.deadlines["reply"]
    assert (reply.state, reply.due_date) == ("running", date(2025, 12, 1))
    _refused(story, "propose", "2025-11-06", InvalidTransition)
    assert "extend" in story.engine.available_triggers(story.id)
    story.fire("receive_determination", "2025-11-20")
    assert story.now.state == "assigned"
    assert story.now.data["confidentiality_review"] == {
        "result": "clear", "reviewed_on": "2025-11-20", "notes": "不属于国家秘密",
        "by": "determination", "after_revision": 0, "authority": "市国家保密局"}
    story.fire("propose", "2025-11-20")
    assert story.now.state == "leader_review"


def test_a_determination_that_it_is_secret_blocks_disclosure(shared_db: str) -> None:
    """条例 14, 17: the secrecy authority determined the information secret: it is withheld."""
    story = story_in(shared_db, "assigned")
    story.fire("review_confidentiality", "2025-11-04")  # clear, but unsure: referred anyway
    story.fire("refer_for_determination", "2025-11-05")
    story.fire("receive_determination", "2025-11-20", result="withhold", notes="属于秘密级")
    error = _refused(story, "propose", "2025-11-20", GuardRejected)
    assert error.guard == GUARD
    story.fire("propose", "2025-11-20", **WITHHELD)
    assert story.now.data["proposal"]["outcome"] == "withheld.state_secret"
