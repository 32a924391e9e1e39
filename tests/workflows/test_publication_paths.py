"""The paths of the publication approval workflow and what they write to the document ledger.

Graded review (分级分类审核, source document 二(一)); publication within 20 working days of the
签发 date (条例 26): signed Monday 2025-03-10, the period counts Mar 11-14 (4), 17-21 (9), 24-28
(14), Mar 31-Apr 3 (18; Apr 4 is 清明), Apr 7-8 (20) -> due 2025-04-08; channels (条例 23, 24);
谁起草、谁解读 (二(二)(三)); 条例 17 determinations; filing of non-public documents (一(四)).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from engine import SYSTEM, DuplicateRow, GuardRejected, InvalidData
from engine.testing import unchanged
from tests.workflows.publication import (
    DIVISION_HEAD,
    DRAFTER,
    LEADER,
    LEVEL_ROUTE,
    NUMBER,
    OFFICE,
    REASONS,
    SECRECY_REVIEWER,
    draft,
    draft_data,
    fire,
    ledger,
    make,
    on,
    to_approved,
)

TWO_CHANNELS: dict[str, Any] = {"channels": [
    {"channel": "website", "published_on": "2025-03-12", "address": "https://gov.example/3"},
    {"channel": "wechat", "published_on": "2025-03-13"}]}
INTERPRETATION = {"forms": ["text", "chart"], "channels": ["website"],
                  "published_on": "2025-03-12"}


@pytest.mark.parametrize(("level", "states"), [
    ("ordinary", ["division_review", "confidentiality_review", "approved"]),
    ("important", ["division_review", "confidentiality_review", "office_review", "approved"]),
    ("major", ["division_review", "confidentiality_review", "office_review", "leader_approval",
               "approved"])])
def test_graded_review(db_url: str, level: str, states: list[str]) -> None:
    """Source document 二(一): ordinary documents are signed at the secrecy review, important ones
    by the office, major ones by the leader; the signing step records formed_on and the 文号 in
    the ledger, links the instance to the 文号 and starts the 20 working days (条例 26)."""
    engine = make(db_url)
    inst = draft(engine, review_level=level)
    assert ledger(engine, inst)["status"] == "drafting"
    seen = []
    for trigger in LEVEL_ROUTE[level]:
        last = trigger == LEVEL_ROUTE[level][-1]
        inst = fire(engine, inst, trigger,
                    **({"formed_on": "2025-03-10", "doc_number": NUMBER} if last else {}))
        seen.append(inst.state)
    assert seen == states
    row = ledger(engine, inst)
    assert (row["formed_on"], row["doc_number"], row["status"]) == (
        dt.date(2025, 3, 10), NUMBER, "drafting")
    assert [(link.kind, link.key) for link in engine.links(inst.id)] == [("document", NUMBER)]
    assert inst.deadlines["publication"].due_date == dt.date(2025, 4, 8)


def test_major_policy_published_with_interpretation(db_url: str) -> None:
    """Published on two channels with its interpretation: the ledger holds both publications and
    the interpretation, the period stops at the first release day, nothing is flagged."""
    engine = make(db_url)
    inst = to_approved(engine)
    engine.clock.set(on("2025-03-13"))  # type: ignore[attr-defined]
    inst = engine.fire(inst.id, "add_interpretation", DRAFTER, INTERPRETATION)
    inst = engine.fire(inst.id, "publish", OFFICE, TWO_CHANNELS)
    assert inst.state == "published" and "flags" not in inst.data
    row = ledger(engine, inst)
    assert row["status"] == "published"
    assert row["publications"] == [
        {"channel": "website", "date": "2025-03-12", "address": "https://gov.example/3"},
        {"channel": "wechat", "date": "2025-03-13", "address": None}]
    assert row["interpretations"] == [{"forms": ["text", "chart"], "channels": ["website"],
                                       "date": "2025-03-12"}]
    clock = inst.deadlines["publication"]
    assert (clock.state, clock.used) == ("stopped", 2)
    assert engine.advance(on("2025-05-01")) == 0


def test_policy_without_interpretation_is_flagged(db_url: str) -> None:
    """谁起草、谁解读 (source document 二(二)): a policy document published with no interpretation
    on record is flagged on the instance and on its ledger publication entries; a late
    interpretation is still recorded."""
    engine = make(db_url)
    inst = to_approved(engine)
    engine.clock.set(on("2025-03-13"))  # type: ignore[attr-defined]
    inst = engine.fire(inst.id, "publish", OFFICE, TWO_CHANNELS)
    assert inst.data["flags"] == ["policy_without_interpretation"]
    assert all(p["without_interpretation"] for p in ledger(engine, inst)["publications"])
    inst = engine.fire(inst.id, "add_interpretation", DRAFTER, INTERPRETATION)
    assert (inst.state, len(ledger(engine, inst)["interpretations"])) == ("published", 1)


def test_other_kinds_need_no_interpretation(db_url: str) -> None:
    """Only policy documents are interpreted (source document 二(二))."""
    engine = make(db_url)
    inst = to_approved(engine, kind="normative", review_level="important")
    engine.clock.set(on("2025-03-13"))  # type: ignore[attr-defined]
    inst = engine.fire(inst.id, "publish", OFFICE, TWO_CHANNELS)
    assert "flags" not in inst.data
    assert not any("without_interpretation" in p for p in ledger(engine, inst)["publications"])


def test_publication_period_reminds_and_marks_overdue(db_url: str) -> None:
    """条例 26: reminders 5 and 2 working days before 2025-04-08, then an overdue mark."""
    engine = make(db_url)
    inst = to_approved(engine)
    assert engine.advance(on("2025-04-10")) == 3
    marks = [(e.trigger, e.data.get("days_before")) for e in engine.history(inst.id)[-3:]]
    assert marks == [("reminder", 5), ("reminder", 2), ("overdue", None)]
    assert engine.get(inst.id).deadlines["publication"].overdue


def test_non_public_document_is_filed_without_a_period(db_url: str) -> None:
    """Source document 一(四): a withheld document with basis and reasons is signed and filed
    (已印发不公开); the ledger says issued, and no publication period runs."""
    engine = make(db_url)
    inst = to_approved(engine, review_level="important", attribute="withheld",
                       attribute_basis="《政府信息公开条例》第十四条", attribute_reasons=REASONS)
    assert "publication" not in inst.deadlines
    inst = engine.fire(inst.id, "file", OFFICE, {"filed_on": "2025-03-10"})
    assert inst.state == "filed"
    row = ledger(engine, inst)
    assert (row["status"], row["attribute"], row["attribute_basis"]) == (
        "issued", "withheld", "《政府信息公开条例》第十四条")


def test_determination_then_review_goes_on(db_url: str) -> None:
    """条例 17: where the agency cannot decide it asks the competent department and waits; a
    may_publish answer brings the draft back to the secrecy review, which then passes."""
    engine = make(db_url)
    inst = draft(engine, review_level="ordinary")
    for trigger in ("submit", "approve_division"):
        inst = fire(engine, inst, trigger)
    inst = engine.fire(inst.id, "refer_for_determination", SECRECY_REVIEWER,
                       {"authority": "市国家保密局", "referred_on": "2025-03-10"})
    assert inst.state == "awaiting_determination"
    inst = engine.fire(inst.id, "receive_determination", SECRECY_REVIEWER, {
        "determination": "may_publish", "authority": "市国家保密局", "received_on": "2025-03-10"})
    assert inst.data["determination"]["determination"] == "may_publish"
    inst = fire(engine, inst, "pass_confidentiality", formed_on="2025-03-10", doc_number=NUMBER)
    assert inst.state == "approved"


def test_return_and_resubmit(db_url: str) -> None:
    """Each reviewer may send the draft back; the drafter resubmits and review starts again."""
    engine = make(db_url)
    inst = draft(engine)
    returns = {"division_review": DIVISION_HEAD, "confidentiality_review": SECRECY_REVIEWER,
               "office_review": OFFICE, "leader_approval": LEADER}
    for count, (state, reviewer) in enumerate(returns.items(), start=1):
        for trigger in LEVEL_ROUTE["major"][:count]:
            inst = fire(engine, inst, trigger)
        assert inst.state == state
        inst = engine.fire(inst.id, "return_for_revision", reviewer, {"comments": "请修改"})
        assert (inst.state, inst.data["returns"]) == ("drafting", count)


def test_retract_keeps_the_record(db_url: str) -> None:
    """A published item is retracted with its reason; its publications stay in the ledger."""
    engine = make(db_url)
    inst = to_approved(engine, kind="work_information", review_level="ordinary")
    engine.clock.set(on("2025-03-13"))  # type: ignore[attr-defined]
    inst = engine.fire(inst.id, "publish", OFFICE, TWO_CHANNELS)
    inst = engine.fire(inst.id, "retract", LEADER, {"reason": "内容有误，更正后重新发布"})
    assert inst.state == "retracted" and inst.data["retraction"]["reason"].startswith("内容有误")
    row = ledger(engine, inst)
    assert row["status"] == "retracted" and len(row["publications"]) == 2


@pytest.mark.parametrize("steps", [0, 1, 2, 3, 4])
def test_abandon_before_approval(db_url: str, steps: int) -> None:
    """A draft may be abandoned (已撤销) in any state before it is signed."""
    engine = make(db_url)
    inst = draft(engine)
    for trigger in LEVEL_ROUTE["major"][:steps]:
        inst = fire(engine, inst, trigger)
    actor = DRAFTER if steps % 2 else OFFICE
    inst = engine.fire(inst.id, "abandon", actor, {"reason": "政策已调整"})
    assert inst.state == "abandoned"


def test_draft_with_a_number_is_linked(db_url: str) -> None:
    """A 文号 known at drafting goes into the ledger and the instance's links at once."""
    engine = make(db_url)
    inst = draft(engine, doc_number=NUMBER)
    assert ledger(engine, inst)["doc_number"] == NUMBER
    assert [(link.kind, link.key) for link in engine.links(inst.id)] == [("document", NUMBER)]


def test_made_up_conversion_cannot_rewrite_an_issued_row(db_url: str) -> None:
    """``converted_from`` is the system's (条例 18): a drafter naming an issued 文号 with a
    made-up conversion is refused, and without one the 文号 is a duplicate; nothing changes."""
    engine = make(db_url)
    old = to_approved(engine, review_level="ordinary", attribute="withheld",
                      attribute_basis="条例第十六条", attribute_reasons=REASONS)
    engine.fire(old.id, "file", OFFICE, {})
    with unchanged(engine), pytest.raises(GuardRejected, match="converted_from"):
        draft(engine, doc_number=NUMBER, converted_from="round-2025-1")
    with unchanged(engine), pytest.raises(GuardRejected, match="not converted"):
        engine.start("publication_approval", SYSTEM,
                     draft_data(doc_number=NUMBER, converted_from="round-2025-1"))
    with unchanged(engine), pytest.raises(DuplicateRow):
        draft(engine, doc_number=NUMBER)
    assert ledger(engine, old)["attribute"] == "withheld"


def test_draft_refused_changes_nothing(db_url: str) -> None:
    """An unknown kind is refused at drafting and writes no ledger row."""
    engine = make(db_url)
    with unchanged(engine), pytest.raises(InvalidData):
        draft(engine, kind="memo")
