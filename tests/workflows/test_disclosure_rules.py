"""The rules of the disclosure request workflow (依申请公开), each from the law it enforces.

Dates: requests received in person on Monday 2025-11-03, in a month without holidays, so every
period is counted Monday to Friday. Reply period (条例 33): Nov 4-7 (4), 10-14 (9), 17-21 (14),
24-28 (19), Dec 1 (20) -> due 2025-12-01. Correction notice (条例 30, 7 working days): Nov 4-7
(4), 10-12 (7) -> due 2025-11-12.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from engine import Engine, GuardRejected, InvalidData
from engine.testing import ManualClock
from tests.workflows.dump import (  # noqa: F401
    events,
    shared_db_fixture,
    story_in,
    unchanged,
)
from tests.workflows.story import HANDLER, REGISTRAR, Story, at, payload
from workflows import disclosure_request, register_all
from workflows.disclosure_request.outcomes import OutcomeGroup, outcomes_in_group
from workflows.disclosure_request.register_number import RegisterNumberError

THIRD_PARTY = {"name": "某科技有限公司", "kind": "third_party"}
AGENCY = {"name": "市发展和改革委员会", "kind": "agency"}
CONVENIENCE = "可向市统计局申请；或请写明文件名称、文号"
LEGAL_BASIS = "《政府信息公开条例》第十四条、第十五条、第十六条"
NOT_HELD: dict[str, Any] = {"not_held_reason": "not_this_agency", "responsible_agency": "市统计局"}


def _corrected_and_assigned(db: str) -> Story:
    """Correction asked on Nov 5, corrected request received Nov 10, assigned the same day."""
    story = Story(db, "2025-11-03")
    story.fire("request_correction", "2025-11-05")
    story.fire("receive_correction", "2025-11-10")
    story.fire("assign", "2025-11-10")
    return story


def _refused(story: Story, trigger: str, day: str, error: type[Exception], **extra: object
             ) -> Exception:
    story.clock.set(max(at(day), story.clock.now()))
    actor = {"propose": HANDLER, "receive_opinions": HANDLER}.get(trigger, REGISTRAR)
    with unchanged(story.engine), pytest.raises(error) as refused:
        story.engine.fire(story.id, trigger, actor, payload(trigger, day, **extra))
    return refused.value


# 条例 30 and source 四(二): "still unclear after correction" ---------------------------------

def test_unclear_after_correction_is_refused_without_a_correction(shared_db: str) -> None:
    """条例 30, 36: 补正后申请内容仍不明确 presupposes that the applicant was asked to correct and
    did; neither a proposal nor a reply on the spot may use it before that."""
    story = story_in(shared_db, "assigned")
    unclear = {"outcome": "unavailable.unclear_after_correction", "convenience": CONVENIENCE}
    error = _refused(story, "propose", "2025-11-10", GuardRejected, **unclear)
    assert error.guard == "disclosure_request.unclear_only_after_correction"  # type: ignore[attr-defined]
    on_the_spot = Story(shared_db, "2025-11-03")
    error = _refused(on_the_spot, "reply_on_the_spot", "2025-11-03", GuardRejected, **unclear)
    assert error.guard == "disclosure_request.unclear_only_after_correction"  # type: ignore[attr-defined]


def test_unclear_after_correction_is_allowed_once_corrected(shared_db: str) -> None:
    """条例 30: after the corrected request came in and stays unclear, the agency may say so,
    with convenience content (source 四(二)); the leader's approval makes it the outcome."""
    story = _corrected_and_assigned(shared_db)
    story.fire("propose", "2025-11-12", outcome="unavailable.unclear_after_correction",
               convenience=CONVENIENCE)
    story.fire("approve", "2025-11-13")
    assert story.now.state == "decided"
    assert story.now.data["outcome"] == "unavailable.unclear_after_correction"


# source 四(二): convenience reply; 条例 36(3), 37: legal basis ---------------------------------

def test_every_unavailable_outcome_needs_convenience_content(shared_db: str) -> None:
    """Source document 四(二): where the information does not exist or is not held (one row of the
    annual report, 本机关不掌握), would have to be newly made, or the request stays unclear after
    correction, the reply carries convenience content (便民答复). Without it the proposal is
    refused; with it, it goes to the leader."""
    codes = [o.code for o in outcomes_in_group(OutcomeGroup.UNAVAILABLE)]
    assert codes == ["unavailable.not_held", "unavailable.needs_creation",
                     "unavailable.unclear_after_correction"]
    story = _corrected_and_assigned(shared_db)
    for code in codes:
        why: dict[str, Any] = NOT_HELD if code == "unavailable.not_held" else {}
        error = _refused(story, "propose", "2025-11-12", InvalidData, outcome=code, **why)
        assert {e["field"] for e in error.errors} == {"convenience"}  # type: ignore[attr-defined]
        story.fire("propose", "2025-11-12", outcome=code, convenience=CONVENIENCE, **why)
        assert story.now.data["proposal"]["convenience"] == CONVENIENCE
        story.fire("return_for_revision", "2025-11-12")
    on_the_spot = Story(shared_db, "2025-11-03")
    error = _refused(on_the_spot, "reply_on_the_spot", "2025-11-03", InvalidData,
                     outcome="unavailable.not_held")
    assert "convenience" in {e["field"] for e in error.errors}  # type: ignore[attr-defined]


def test_every_withholding_outcome_needs_its_legal_basis(shared_db: str) -> None:
    """条例 36(3): a refusal to disclose states its legal basis and reasons (grounds of 条例
    14-16); 条例 37: partial disclosure names the withheld parts and the basis for withholding."""
    codes = [o.code for o in outcomes_in_group(OutcomeGroup.WITHHELD)]
    assert len(codes) == 8  # annual report, 三(三)（三）不予公开, rows 1-8
    story = story_in(shared_db, "assigned")
    cases: list[tuple[str, dict[str, Any]]] = [(code, {}) for code in codes]
    cases.append(("partially_disclosed", {"withheld_parts": ["第三页中的个人身份信息"]}))
    for code, extra in cases:
        if code == "partially_disclosed":  # 条例 17: reviewed after the latest revision
            story.fire("review_confidentiality", "2025-11-10")
        error = _refused(story, "propose", "2025-11-10", InvalidData, outcome=code, **extra)
        assert "legal_basis" in {e["field"] for e in error.errors}  # type: ignore[attr-defined]
        story.fire("propose", "2025-11-10", outcome=code, legal_basis=LEGAL_BASIS, **extra)
        assert story.now.state == "leader_review"
        story.fire("return_for_revision", "2025-11-10")


# 条例 32, 34: consultation ----------------------------------------------------------------------

def _consulted(db: str, *parties: dict[str, str], on: str = "2025-11-05") -> Story:
    """Letters sent and received on ``on`` (handed over), the information reviewed for secrets
    that day (条例 17); receipt-based periods and the consultation record are tested in
    test_disclosure_consultation.py."""
    story = story_in(db, "assigned")
    story.fire("review_confidentiality", on)
    story.fire("consult", on, parties=[{**p, "received_on": on} for p in parties])
    return story


def test_a_well_founded_third_party_objection_blocks_disclosure(shared_db: str) -> None:
    """条例 32: a third party that objects with good reason blocks disclosure (also partial
    disclosure); withholding to protect it (条例 15) remains possible."""
    story = _consulted(shared_db, THIRD_PARTY)
    story.fire("receive_opinions", "2025-11-10", opinions=[
        {"party": THIRD_PARTY["name"], "agrees": False, "reasons": "涉及商业秘密",
         "good_reason": True}])
    for code, extra in (("disclosed", {}),
                        ("partially_disclosed", {"withheld_parts": ["报价"],
                                                 "legal_basis": LEGAL_BASIS})):
        error = _refused(story, "propose", "2025-11-11", GuardRejected, outcome=code, **extra)
        assert error.guard == "disclosure_request.third_party_objection"  # type: ignore[attr-defined]
        assert THIRD_PARTY["name"] in str(error)
    story.fire("propose", "2025-11-11", outcome="withheld.third_party_rights",
               legal_basis=LEGAL_BASIS)
    assert story.now.state == "leader_review"


def test_a_public_interest_finding_lets_the_agency_disclose_despite_the_objection(
        shared_db: str) -> None:
    """条例 32: the agency may disclose over a well-founded objection when it finds that
    withholding would seriously harm the public interest; the finding is recorded."""
    story = _consulted(shared_db, THIRD_PARTY)
    story.fire("receive_opinions", "2025-11-10", opinions=[
        {"party": THIRD_PARTY["name"], "agrees": False, "good_reason": True}])
    finding = "涉及饮用水安全，不公开会对公共利益造成重大影响"
    story.fire("propose", "2025-11-11", outcome="disclosed", public_interest=finding)
    story.fire("approve", "2025-11-12")
    assert story.now.data["outcome"] == "disclosed"
    assert story.now.data["proposal"]["public_interest"] == finding


def test_an_objection_without_good_reason_does_not_block(shared_db: str) -> None:
    """条例 32: only an objection with good reason (合理理由) binds the agency."""
    story = _consulted(shared_db, THIRD_PARTY)
    story.fire("receive_opinions", "2025-11-10", opinions=[
        {"party": THIRD_PARTY["name"], "agrees": False, "good_reason": False}])
    story.fire("propose", "2025-11-11", outcome="disclosed")
    assert story.now.state == "leader_review"


# 条例 30: the correction notice within 7 working days --------------------------------------------

@pytest.mark.parametrize(("told_on", "late"), [("2025-11-12", False), ("2025-11-13", True)])
def test_a_late_correction_notice_is_allowed_but_recorded(shared_db: str, told_on: str,
                                                          late: bool) -> None:
    """条例 30: the applicant is told within 7 working days of receipt (here by 2025-11-12). A
    notice after that is still a correction notice, but recorded as late
    (``correction_notice_late``) for supervision."""
    story = story_in(shared_db, "accepted")
    story.fire("request_correction", told_on)
    assert story.now.state == "awaiting_correction"
    assert story.now.data["correction_notice_late"] is late
    assert events(story, "request_correction")[0].data["correction_notice_late"] is late


# 登记制: register numbers -----------------------------------------------------------------------

NUMBER = re.compile(r"依申〔(\d{4})〕第(\d{4})号")


def test_register_numbers_count_per_year_of_receipt(db_url: str) -> None:
    """登记制 (source 四(一)): every application is registered and numbered 依申〔YYYY〕第NNNN号,
    the sequence restarting each year of *receipt* (条例 31): a letter signed for on 2025-12-31
    and registered after New Year still counts in 2025. A refused registration takes no number."""
    clock = ManualClock(at("2025-12-30"))
    engine = Engine(db_url, clock=clock)
    register_all(engine)

    def register(day: str, **extra: object) -> str:
        clock.set(max(at(day), clock.now()))
        data = payload("register", day, **extra)
        number: str = engine.start("disclosure_request", REGISTRAR, data).data["register_number"]
        return number

    assert register("2025-12-30") == "依申〔2025〕第0001号"
    assert register("2025-12-31", channel="online", received_on=None,
                    confirmed_on="2025-12-31") == "依申〔2025〕第0002号"
    with unchanged(engine), pytest.raises(InvalidData):
        register("2026-01-05", description=" ")
    assert register("2026-01-05") == "依申〔2026〕第0001号"
    assert register("2026-01-05", channel="post_signed", received_on=None,
                    signed_for_on="2025-12-31") == "依申〔2025〕第0003号"
    assert register("2026-01-06") == "依申〔2026〕第0002号"
    numbers = {}
    for instance in engine.find("disclosure_request"):
        (first,) = [e for e in engine.history(instance.id) if e.trigger == "register"]
        number = instance.data["register_number"]
        assert first.data["register_number"] == number
        year, _ = NUMBER.fullmatch(number).groups()  # type: ignore[union-attr]
        assert int(year) == date.fromisoformat(instance.data["received_on"]).year
        numbers[instance.id] = number
    assert len(numbers) == 5 and len(set(numbers.values())) == 5


def test_an_agency_numbers_with_its_own_template(db_url: str) -> None:
    """An agency's register number template (a definition setting) numbers its requests, counted
    per year of receipt like the default; a template that could not number them is refused when
    the definition is made, not at the first registration."""
    engine = Engine(db_url, clock=ManualClock(at("2026-01-05")))
    template = "晋工信依申〔{year}〕{seq:03d}号"
    disclosure_request.register(engine, disclosure_request.definition(
        register_number_template=template))
    numbers = [engine.start("disclosure_request", REGISTRAR, payload("register", day))
               .data["register_number"] for day in ("2026-01-05", "2026-01-05")]
    assert numbers == ["晋工信依申〔2026〕001号", "晋工信依申〔2026〕002号"]
    with pytest.raises(RegisterNumberError, match="must contain {seq}"):
        disclosure_request.definition(register_number_template="晋工信依申〔{year}〕号")

