"""Faults a review of issue 9's workflow found, each fixed by kind and proved here.

Requests received in person on Monday 2025-11-03 (no holidays in November 2025). Every refusal
raises the engine's error and changes nothing in the tables.
"""

from __future__ import annotations

from typing import Any

import pytest

from engine import GuardRejected, InvalidData, WorkflowError
from tests.workflows.dump import shared_db_fixture, story_in, unchanged
from tests.workflows.story import ACTORS, Story, at, payload
from workflows import disclosure_request
from workflows.disclosure_request.consultation_record import standing_objections
from workflows.disclosure_request.outcomes import proposal_problems

__all__ = ["shared_db_fixture"]

COMPANY = {"name": "某科技有限公司", "kind": "third_party"}
OBJECTION = {"party": COMPANY["name"], "agrees": False, "reasons": "涉及商业秘密",
             "good_reason": True}
FINDING = "涉及饮用水安全，不公开会对公共利益造成重大影响"
NOT_THIS_AGENCY = {"outcome": "unavailable.not_held", "not_held_reason": "not_this_agency",
                   "responsible_agency": "市统计局", "convenience": "请向市统计局申请"}


def _refused(story: Story, trigger: str, day: str, error: type[WorkflowError],
             **extra: Any) -> Any:
    """Fire ``trigger`` on ``day`` and expect ``error``; nothing in the tables changes."""
    story.clock.set(max(at(day), story.clock.now()))
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, ACTORS[trigger], payload(trigger, day, **extra))
    return refused.value


# -- 1. a party keeps its kind (条例 15, 32, 34) ----------

def test_a_party_consulted_again_keeps_its_kind(shared_db: str) -> None:
    """条例 15, 32: a third party's well-founded objection blocks disclosure; 条例 34 gives a
    co-producing agency other rights. Consulting the objecting company again as an "agency"
    would have dropped its objection: the change of kind is refused, the objection stands."""
    story = story_in(shared_db, "consulting")
    story.fire("receive_opinions", "2025-11-05", opinions=[OBJECTION])
    error = _refused(story, "consult", "2025-11-06",
                     GuardRejected, parties=[{**COMPANY, "kind": "agency"}])
    assert error.guard == "disclosure_request.party_kinds_unchanged"
    assert COMPANY["name"] in error.reason and "条例 15, 32" in error.reason
    story.fire("consult", "2025-11-06")
    story.fire("receive_opinions", "2025-11-07", opinions=[OBJECTION])
    story.fire("review_confidentiality", "2025-11-07")
    error = _refused(story, "propose", "2025-11-07", GuardRejected)
    assert error.guard == "disclosure_request.third_party_objection"


def test_each_answer_is_judged_by_the_kind_of_its_own_round() -> None:
    """条例 32: an objection given as a third party stands whatever a later round records for
    the same name (a record written before the guard existed); an agency's objection, which
    条例 34 does not make binding, never counts as a third party's."""
    objection = {k: v for k, v in OBJECTION.items() if k != "party"}
    first_as_third_party = {"consultations": [
        {"sent_on": "2025-11-03", "parties": [{**COMPANY, "answer": objection}]},
        {"sent_on": "2025-11-06", "parties": [{**COMPANY, "kind": "agency",
                                               "silent": {"on": "2025-11-27"}}]}]}
    assert standing_objections(first_as_third_party) == [COMPANY["name"]]
    first_as_agency = {"consultations": [
        {"sent_on": "2025-11-03", "parties": [{**COMPANY, "kind": "agency",
                                               "answer": objection}]},
        {"sent_on": "2025-11-06", "parties": [{**COMPANY, "silent": {"on": "2025-11-27"}}]}]}
    assert standing_objections(first_as_agency) == []


# -- 2. no disclosure on the spot (条例 17) ----------

@pytest.mark.parametrize("extra", [
    {"outcome": "disclosed"},
    {"outcome": "partially_disclosed", "legal_basis": "条例 15", "withheld_parts": ["第3页"]},
], ids=["disclosed", "partially_disclosed"])
def test_a_reply_on_the_spot_cannot_disclose(shared_db: str, extra: dict[str, Any]) -> None:
    """条例 17 (先审查、后公开): disclosing needs a confidentiality review, possible only once the
    request is assigned; a reply on the spot is given in ``registered`` and cannot disclose."""
    story = Story(shared_db, "2025-11-03")
    error = _refused(story, "reply_on_the_spot", "2025-11-03", GuardRejected, **extra)
    assert error.guard == "disclosure_request.on_the_spot_not_disclosing"
    assert "条例 17" in error.reason


@pytest.mark.parametrize("extra", [
    {"outcome": "partially_disclosed", "legal_basis": "条例 15", "withheld_parts": ["第3页"],
     "already_public": True, "where_published": "本机关门户网站"},
    {"outcome": "disclosed", "already_public": True},
], ids=["partly_public", "no_where"])
def test_already_public_on_the_spot_needs_where_and_discloses_nothing_new(
        shared_db: str, extra: dict[str, Any]) -> None:
    """条例 36(1): information already made public is answered by telling where to find it; that
    is all a reply on the spot may give of it (anything more needs a review, 条例 17)."""
    story = Story(shared_db, "2025-11-03")
    _refused(story, "reply_on_the_spot", "2025-11-03", GuardRejected, **extra)


def test_information_already_public_is_answered_on_the_spot_with_where_to_find_it(
        shared_db: str) -> None:
    """条例 36(1): 已主动公开的，告知获取该政府信息的方式、途径 — reviewed before its release,
    so no review is needed on the spot."""
    story = Story(shared_db, "2025-11-03")
    story.fire("reply_on_the_spot", "2025-11-03", outcome="disclosed", already_public=True,
               where_published="本机关门户网站“政府信息公开”专栏")
    assert (story.now.state, story.now.data["outcome"]) == ("replied", "disclosed")
    assert story.now.data["reply"]["where_published"].startswith("本机关门户网站")


def test_a_reply_on_the_spot_may_say_not_held(shared_db: str) -> None:
    """条例 36(5): telling the applicant on the spot that another agency holds the information
    discloses nothing and needs no review."""
    story = Story(shared_db, "2025-11-03")
    story.fire("reply_on_the_spot", "2025-11-03", **NOT_THIS_AGENCY)
    assert (story.now.state, story.now.data["outcome"]) == ("replied", "unavailable.not_held")


# -- 3. a correction needs a fresh review (条例 17, 30) ----------

def test_a_correction_received_after_a_review_needs_a_fresh_review(shared_db: str) -> None:
    """条例 30, 17: the corrected request may ask for other information; the review of Nov 4
    covered the request before the correction received on Nov 10, so disclosing needs a new
    review made after it."""
    story = story_in(shared_db, "assigned")
    story.fire("review_confidentiality", "2025-11-04")
    story.fire("request_correction", "2025-11-05")
    story.fire("receive_correction", "2025-11-10")
    story.fire("assign", "2025-11-10")
    error = _refused(story, "propose", "2025-11-11", GuardRejected)
    assert error.guard == "disclosure_request.confidentiality_reviewed"
    assert "2025-11-04" in error.reason
    story.fire("review_confidentiality", "2025-11-11")
    story.fire("propose", "2025-11-11")
    assert story.now.state == "leader_review"


# -- 4. the notice to the third party is dated (条例 15, 32) ----------

def _disclosing_over_objection(db: str) -> Story:
    story = story_in(db, "consulting")
    story.fire("receive_opinions", "2025-11-05", opinions=[OBJECTION])
    story.fire("review_confidentiality", "2025-11-06")
    story.fire("propose", "2025-11-06", public_interest=FINDING)
    story.fire("approve", "2025-11-07")
    return story


@pytest.mark.parametrize(("notified_on", "words"), [
    ("2025-11-01", "before the request was received"),
    ("2025-11-05", "before the public-interest proposal")],
    ids=["before_receipt", "before_proposal"])
def test_the_third_party_notice_is_dated_between_proposal_and_today(
        shared_db: str, notified_on: str, words: str) -> None:
    """条例 15, 32: the written notice to the third party tells of the public-interest finding
    proposed on Nov 6: it is not dated before it, before the receipt (Nov 3, 条例 31), nor after
    the reply's day (Nov 10)."""
    story = _disclosing_over_objection(shared_db)
    error = _refused(story, "reply", "2025-11-10", GuardRejected,
                     third_party_notified_on=notified_on)
    assert error.guard == "disclosure_request.third_party_notice_dated" and words in error.reason
    story.fire("reply", "2025-11-10", third_party_notified_on="2025-11-06")
    assert story.now.state == "replied"


# -- 5. a determination answers its referral (条例 17) ----------

def test_a_determination_is_not_received_before_the_referral(shared_db: str) -> None:
    """条例 17: the secrecy authority answers the referral made on Nov 5; an answer dated Nov 4
    is refused, one dated Nov 5 is taken."""
    story = story_in(shared_db, "assigned")
    story.fire("refer_for_determination", "2025-11-05")
    error = _refused(story, "receive_determination", "2025-11-07", GuardRejected,
                     received_on="2025-11-04")
    assert error.guard == "disclosure_request.review_dated" and "2025-11-05" in error.reason
    story.fire("receive_determination", "2025-11-07", received_on="2025-11-05")
    assert story.now.state == "assigned"


# -- 8. service follows the reply (条例 36 书面答复; source 四(一)) ----------

def test_service_is_dated_between_the_reply_and_today(shared_db: str) -> None:
    """The reply made on Nov 10 is served (送达) on or after that day, and not after today
    (a date that records a past event, refused as data)."""
    story = story_in(shared_db, "decided")
    story.fire("reply", "2025-11-10")
    error = _refused(story, "serve", "2025-11-10", GuardRejected, served_on="2025-11-07")
    assert error.guard == "disclosure_request.served_after_reply"
    _refused(story, "serve", "2025-11-10", InvalidData, served_on="2025-11-11")
    story.fire("serve", "2025-11-10")
    assert story.now.state == "closed"


# -- 12. responsible_agency goes with not_this_agency (条例 36(5)) ----------

@pytest.mark.parametrize("extra", [
    {"outcome": "withheld.state_secret", "legal_basis": "条例 14",
     "responsible_agency": "市统计局"},
    {"outcome": "disclosed", "responsible_agency": "市统计局"},
    {**NOT_THIS_AGENCY, "not_held_reason": "does_not_exist", "search_record": "检索档案室"},
], ids=["withheld", "disclosed", "does_not_exist"])
def test_a_responsible_agency_belongs_to_not_this_agency_only(shared_db: str,
                                                              extra: dict[str, Any]) -> None:
    """条例 36(5): the responsible agency is named when the information is another agency's
    (``unavailable.not_held`` with ``not_this_agency``), like its siblings ``not_held_reason``
    and ``search_record``; with any other outcome or reason it is refused, on the spot too."""
    story = story_in(shared_db, "assigned")
    story.fire("review_confidentiality", "2025-11-03")
    error = _refused(story, "propose", "2025-11-04", InvalidData, **extra)
    assert [e["field"] for e in error.errors] == ["responsible_agency"]
    on_the_spot = Story(shared_db, "2025-11-03")
    _refused(on_the_spot, "reply_on_the_spot", "2025-11-03", InvalidData, **extra)
    story.fire("propose", "2025-11-04", **NOT_THIS_AGENCY)
    assert story.now.data["proposal"]["responsible_agency"] == "市统计局"
    assert proposal_problems("withheld.state_secret", "条例 14",
                             responsible_agency="市统计局").keys() == {"responsible_agency"}


# -- 13. the reasons period is a real period (条例 35) ----------

@pytest.mark.parametrize("days", [0, -1, True], ids=["zero", "negative", "bool"])
def test_the_reasons_period_is_at_least_one_working_day(days: int) -> None:
    """条例 35: the applicant is given a period to give reasons; ``reasons_days`` is checked
    when the definition is built, as ``max_correction_days`` is."""
    with pytest.raises(ValueError, match="reasons_days"):
        disclosure_request.definition(reasons_days=days)
    assert disclosure_request.definition(reasons_days=1).settings["reasons_days"] == 1
