"""The yearly attribute re-review (公开属性复核) and the request threshold, on an embedded SQLite
file (条例 18, 26, 44; source document 一(四)), with the real workflows only.

The story: three documents are drafted, reviewed and issued without publication (印发不公开)
through publication approval, so the ledger (台账) holds them as withheld or on request with
their basis and reasons. The December round opens by itself on the first working day of
December 2024 (Monday 2 December; the 1st is a Sunday), one review per non-public document: one
attribute is retained with a fresh basis, one is converted to active disclosure — which starts
its publication approval in the same transaction, due 20 working days from the change (条例 26)
— and one is classified by the 定密责任人. In 2025 a fourth, withheld document is asked for by
three applicants, and a threshold round opens at once (条例 44). Time is a manual clock.

    python examples/attribute_review.py [path/to/demo.db]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import workflows
from calendars import ChinaCalendar
from engine import Actor, Engine, Instance
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from workflows.attribute_review import schedule_yearly_round
from workflows.ledger import get_document

DRAFTER = Actor("liu.fang", "drafter")
DIVISION_HEAD = Actor("zhou.hua", "division_head")
SECRECY_REVIEWER = Actor("sun.li", "secrecy_reviewer")
OFFICE = Actor("zhao.min", "office")
DIVISION = Actor("wang.qiang", "drafting_division")
OFFICER = Actor("chen.jie", "classification_officer")
REGISTRAR = Actor("li.na", "registrar")

RETAINED = "晋某办发〔2024〕11号"
CONVERTED = "晋某办发〔2024〕12号"
CLASSIFIED = "晋某办发〔2024〕13号"
REQUESTED = "晋某办发〔2025〕2号"
WORKFLOWS = ("publication_approval", "attribute_review", "attribute_review_round",
             "disclosure_request")


def on(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)


def document_line(engine: Engine, number: str) -> str:
    doc = get_document(engine, number)
    last = doc.reviews[-1] if doc.reviews else {}
    review = f"{last.get('round')}/{last.get('reason')} -> {last.get('result') or 'open'}" \
        if last else "-"
    return (f"  {number}: {doc.attribute:<10} {doc.status:<9} "
            f"classified={doc.classified!s:<5} review {review}")


def issue_without_publication(engine: Engine, number: str, kind: str, attribute: str,
                              basis: str, reasons: str, days: tuple[str, ...]) -> Instance:
    """Draft, submit, division approval, secrecy review (signing) and 印发不公开 (``file``), one
    step on each of ``days`` (five days)."""
    drafted, submitted, approved, signed, filed = days
    engine.advance(on(drafted))
    inst = engine.start("publication_approval", DRAFTER, {
        "title": f"关于某事项的通知（{number}）", "drafting_division": "综合处", "kind": kind,
        "review_level": "ordinary", "attribute": attribute, "attribute_basis": basis,
        "attribute_reasons": reasons})
    steps: list[tuple[str, str, Actor, dict[str, Any]]] = [
        (submitted, "submit", DRAFTER, {}),
        (approved, "approve_division", DIVISION_HEAD, {"notes": "同意"}),
        (signed, "pass_confidentiality", SECRECY_REVIEWER,
         {"reviewed_on": signed, "formed_on": signed, "doc_number": number}),
        (filed, "file", OFFICE, {"filed_on": filed, "notes": "印发，不予公开"}),
    ]
    for day, trigger, actor, data in steps:
        engine.advance(on(day))
        inst = engine.fire(inst.id, trigger, actor, data)
    print(f"{filed}: {number} issued, not public ({attribute}, {kind}, {basis}); "
          f"formed {signed}")
    return inst


def main(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    engine = Engine(f"sqlite:///{db_path}", clock=ManualClock(on("2024-11-04")),
                    calendar=ChinaCalendar(provisional=True))
    workflows.register_all(engine)

    print("1. The ledger, built through publication approval (先审后发, 印发不公开)")
    issue_without_publication(
        engine, RETAINED, "other", "withheld", "条例第十六条", "属于行政机关内部事务信息，不宜公开",
        ("2024-11-04", "2024-11-05", "2024-11-06", "2024-11-07", "2024-11-08"))
    issue_without_publication(
        engine, CONVERTED, "work_information", "on_request", "条例第十五条",
        "涉及第三方合法权益，待项目结束后再行评估",
        ("2024-11-11", "2024-11-12", "2024-11-13", "2024-11-14", "2024-11-15"))
    issue_without_publication(
        engine, CLASSIFIED, "work_information", "withheld", "条例第十四条",
        "公开后可能危及经济安全，拟报定密",
        ("2024-11-18", "2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22"))

    print("\n2. The December round (条例 18: 定期复核)")
    engine.advance(on("2024-11-29"))
    made = schedule_yearly_round(engine)
    print(f"2024-11-29: yearly round scheduled for {made.occurrence} "
          f"(first working day of December; the 1st is a Sunday)")
    engine.advance(on("2024-12-02"))
    [opener] = engine.find("attribute_review_round")
    reviews = {i.data["doc_number"]: i for i in engine.find("attribute_review")}
    print(f"2024-12-02: round {opener.data['round']} opened {len(opener.data['opened'])} "
          f"reviews, one per non-public document:")
    for number, review in sorted(reviews.items()):
        print(f"  {number}: {review.state:<12} due {review.deadlines['review'].due_date}")

    retain, convert, classify = (reviews[n].id for n in (RETAINED, CONVERTED, CLASSIFIED))
    engine.advance(on("2024-12-10"))
    engine.fire(retain, "propose_retain", DIVISION, {
        "attribute_basis": "条例第十六条", "attribute_reasons": "仍属内部事务信息，不宜公开"})
    engine.fire(convert, "propose_conversion", DIVISION,
                {"reasons": "项目已结束，第三方同意公开，情况已变化"})
    engine.fire(classify, "propose_classification", DIVISION,
                {"level": "secret", "period": "10年", "scope": "本机关综合处"})
    print("2024-12-10: the drafting division proposes: retain / convert / classify")
    engine.advance(on("2024-12-12"))
    engine.fire(retain, "approve_proposal", OFFICE, {"notes": "同意维持不予公开"})
    engine.fire(convert, "approve_proposal", OFFICE, {"notes": "同意转为主动公开"})
    engine.fire(classify, "approve_classification", OFFICER, {"notes": "同意定为秘密级"})
    [child] = [i for i in engine.find("publication_approval")
               if i.data.get("converted_from") == convert]
    print(f"2024-12-12: the office approves; the 定密责任人 classifies. The conversion started "
          f"publication approval {child.id[:8]} ({child.state}), publish by "
          f"{child.deadlines['publication'].due_date} (条例 26: 20 working days from the change)")

    formed_on = get_document(engine, CONVERTED).formed_on
    steps: list[tuple[str, str, Actor, dict[str, Any]]] = [
        ("2024-12-13", "submit", DRAFTER, {}),
        ("2024-12-16", "approve_division", DIVISION_HEAD, {"notes": "同意"}),
        ("2024-12-17", "pass_confidentiality", SECRECY_REVIEWER,
         {"reviewed_on": "2024-12-17", "formed_on": str(formed_on), "doc_number": CONVERTED}),
        ("2024-12-18", "publish", OFFICE, {"channels": [
            {"channel": "website", "published_on": "2024-12-18",
             "address": "https://www.example.gov.cn/zfxxgk/2024/12.html"}]}),
    ]
    for day, trigger, actor, data in steps:
        engine.advance(on(day))
        child = engine.fire(child.id, trigger, actor, data)
        clock = child.deadlines["publication"]
        print(f"  {day}: {trigger:<20} -> {child.state:<22} publish by {clock.due_date} "
              f"({clock.state})")
    print("The ledger after the round:")
    for number in (RETAINED, CONVERTED, CLASSIFIED):
        print(document_line(engine, number))

    print("\n3. The request threshold (条例 44: several applicants ask for the same document)")
    issue_without_publication(
        engine, REQUESTED, "work_information", "withheld", "条例第十六条",
        "属于过程性信息，尚未形成最终结论",
        ("2025-01-06", "2025-01-07", "2025-01-08", "2025-01-09", "2025-01-10"))
    applicants = (("2025-02-10", "张三", "13800000001"), ("2025-03-03", "李四", "13800000002"),
                  ("2025-04-07", "王五", "13800000003"))
    for day, name, contact in applicants:
        engine.advance(on(day))
        request = engine.start("disclosure_request", REGISTRAR, {
            "applicant": {"name": name, "type": "natural_person", "contact": contact},
            "channel": "in_person", "received_on": day, "documents": [REQUESTED],
            "description": f"{REQUESTED}全文"})
        threshold = [i for i in engine.find("attribute_review")
                     if i.data["reason"] == "threshold"]
        doc = get_document(engine, REQUESTED)
        print(f"{day}: request {request.data['register_number']} by {name}: "
              f"{doc.requests} requests, {doc.applicants} applicants"
              + (f" -> threshold round {threshold[0].data['round']} opened at once "
                 f"({threshold[0].state}, due {threshold[0].deadlines['review'].due_date})"
                 if threshold else ""))
    print(document_line(engine, REQUESTED))

    instances = [i.id for w in WORKFLOWS for i in engine.find(w)]
    for instance in instances:
        engine.verify_history(instance)
    print(f"\n4. {len(instances)} instances, each history's hash chain verified")
    engine.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("gongkai-attribute-review-demo.db"))
