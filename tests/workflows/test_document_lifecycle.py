"""A document through all three procedures, on the real workflows: drafted and filed as withheld
(先审后发, source document 二(一)), re-reviewed and converted to active disclosure (条例 18), and
published within 20 working days of the conversion (条例 26 "变更")."""

from __future__ import annotations

from datetime import date

from engine import Actor, Engine
from engine.testing import ManualClock
from tests.workflows.publication import NUMBER, OFFICE, REASONS, fire, on, to_approved
from workflows import register_all
from workflows.ledger import get_document

DIVISION = Actor("division-1", "drafting_division")


def test_a_converted_document_is_published_from_its_conversion(db_url: str) -> None:
    """Converted on Mon 2025-03-17: 20 working days (March 2025 has no holiday) are Mar 18-21
    (4), 24-28 (9), 31-Apr 3 (13): Apr 4 2025 is 清明 (off), so Apr 7-11 (18), 14-15 (20) ->
    due 2025-04-15. Signing the converted draft on Mar 20 starts no second period."""
    engine = Engine(db_url, clock=ManualClock(on("2025-03-03")))
    register_all(engine)
    filed = to_approved(engine, kind="work_information", review_level="ordinary",
                        attribute="withheld", attribute_basis="条例第十五条",
                        attribute_reasons=REASONS)
    engine.fire(filed.id, "file", OFFICE, {"filed_on": "2025-03-10"})
    assert get_document(engine, NUMBER).status == "issued"

    engine.clock.set(on("2025-03-17"))  # type: ignore[attr-defined]
    review = engine.start("attribute_review", OFFICE, {
        "doc_number": NUMBER, "round": "2025", "reason": "circumstances_changed"}).id
    engine.fire(review, "propose_conversion", DIVISION, {"reasons": "项目已结束，情况发生变化"})
    engine.fire(review, "approve_proposal", OFFICE, {"notes": "同意转为主动公开"})
    [child] = [i for i in engine.find("publication_approval") if i.id != filed.id]
    assert child.state == "drafting" and child.data["converted_from"] == review
    assert get_document(engine, NUMBER).attribute == "active"
    assert engine.get(child.id).deadlines["publication"].due_date == date(2025, 4, 15)

    child = fire(engine, child, "submit", "2025-03-18")
    child = fire(engine, child, "approve_division", "2025-03-19")
    child = fire(engine, child, "pass_confidentiality", "2025-03-20", reviewed_on="2025-03-20",
                 formed_on="2025-03-10", doc_number=NUMBER)
    assert child.state == "approved"
    assert engine.get(child.id).deadlines["publication"].due_date == date(2025, 4, 15)


def test_requests_from_three_applicants_open_one_re_review_at_once(db_url: str) -> None:
    """条例 44: information requested by several applicants may be brought into active
    disclosure; at the third distinct applicant within 365 days (the default threshold) a
    re-review round opens in the same transaction as the request, and only one."""
    from tests.workflows.story import REGISTRAR, payload

    engine = Engine(db_url, clock=ManualClock(on("2025-03-03")))
    register_all(engine)
    filed = to_approved(engine, kind="work_information", review_level="ordinary",
                        attribute="withheld", attribute_basis="条例第十五条",
                        attribute_reasons=REASONS)
    engine.fire(filed.id, "file", OFFICE, {"filed_on": "2025-03-10"})
    engine.clock.set(on("2025-03-12"))  # type: ignore[attr-defined]
    for n, name in enumerate(("张三", "李四", "王五", "赵六")):
        data = payload("register", "2025-03-12", documents=[NUMBER],
                       applicant={"name": name, "type": "natural_person",
                                  "contact": f"1380000000{n}"})
        engine.start("disclosure_request", REGISTRAR, data)
        rounds = list(engine.find("attribute_review"))
        assert len(rounds) == (1 if n >= 2 else 0), name
    [review] = rounds
    assert review.data["reason"] == "threshold" and review.data["doc_number"] == NUMBER
    assert get_document(engine, NUMBER).applicants == 4


def test_an_agency_sets_its_own_threshold(db_url: str) -> None:
    """条例 44 gives no numbers: with ``review_threshold=(2, 9, 30)`` the second distinct
    applicant opens the round; a threshold below 1 is refused when the definition is made."""
    import pytest

    from tests.workflows.story import REGISTRAR, payload
    from workflows import disclosure_request

    engine = Engine(db_url, clock=ManualClock(on("2025-03-03")))
    register_all(engine)
    engine.register(disclosure_request.definition(2, review_threshold=(2, 9, 30)))
    filed = to_approved(engine, kind="work_information", review_level="ordinary",
                        attribute="on_request", attribute_basis="条例第十六条",
                        attribute_reasons=REASONS)
    engine.fire(filed.id, "file", OFFICE, {"filed_on": "2025-03-10"})
    engine.clock.set(on("2025-03-12"))  # type: ignore[attr-defined]
    for n, name in enumerate(("张三", "李四")):
        engine.start("disclosure_request", REGISTRAR, payload(
            "register", "2025-03-12", documents=[NUMBER],
            applicant={"name": name, "type": "natural_person", "contact": f"1390000000{n}"}))
    assert len(list(engine.find("attribute_review"))) == 1
    with pytest.raises(ValueError, match="threshold"):
        disclosure_request.definition(review_threshold=(0, 5, 365))
