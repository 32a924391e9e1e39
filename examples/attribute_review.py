"""The yearly attribute re-review (公开属性复核) and the request threshold, on an embedded SQLite
file (条例 18, 44; source document 一(四)).

The story: four documents sit in the ledger as non-public. The December round opens by itself on
the first working day of December 2024 (Monday 2 December; the 1st is a Sunday): one document's
attribute is retained with a fresh basis, one is converted to active disclosure — which starts its
publication in the same transaction, published within 20 working days of the change (条例 26) —
and one is classified by the 定密责任人. In 2025 a withheld document is asked for by three
applicants, and a threshold round opens at once. Time is a manual clock.

Stand-ins, until the other workflows of issue 10 are merged: ``ledger_entry`` records documents
issued before the system (the real ledger is written by ``publication_approval``'s ``file``),
``publication`` stands in for ``publication_approval`` (``draft`` and ``publish`` only), and
``request`` records a request naming a document as the disclosure request's counting will.

    python examples/attribute_review.py [path/to/demo.db]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from engine import (
    Actor,
    Clock,
    ClockEffect,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)
from engine.testing import ManualClock, dump
from engine.timesource import SHANGHAI
from workflows import attribute_review
from workflows.attribute_review import PUBLICATION_WORKFLOW, maybe_open_threshold_round
from workflows.ledger import DocumentRequestRow, DocumentRow

DIVISION = Actor("wang.qiang", "drafting_division")
OFFICE = Actor("zhao.min", "office")
OFFICER = Actor("chen.jie", "classification_officer")
CLERK = Actor("li.na", "registrar")


def on(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)


def stand_ins() -> tuple[Registry, list[WorkflowDefinition]]:
    """The ledger entry, publication and request stand-ins (see the module docstring)."""
    reg = Registry()

    @reg.action("ledger_entry.insert")
    def insert(ctx: TransitionContext) -> None:
        ctx.tables.insert(DocumentRow, doc_id=ctx.instance_id, status="issued",
                          formed_on=date(2024, 3, 1), publications=[], interpretations=[],
                          reviews=[], review_level="ordinary", **ctx.data)

    @reg.action(f"{PUBLICATION_WORKFLOW}.publish")
    def publish(ctx: TransitionContext) -> None:
        row = ctx.tables.select(DocumentRow, doc_number=ctx.instance_data["doc_number"])[0]
        ctx.tables.update(DocumentRow, {"doc_id": row["doc_id"]}, status="published",
                          publications=[*row["publications"], dict(ctx.data)])

    @reg.action("request.count")
    def count(ctx: TransitionContext) -> dict[str, Any]:
        ctx.tables.insert(DocumentRequestRow, doc_number=ctx.data["doc_number"],
                          request_id=ctx.instance_id, applicant_key=ctx.data["applicant"],
                          requested_on=ctx.today)
        return {"threshold_round": maybe_open_threshold_round(ctx, ctx.data["doc_number"])}

    def one_step(name: str, trigger: str, roles: tuple[str, ...], actions: tuple[str, ...],
                 effects: tuple[ClockEffect, ...] = (),
                 extra: tuple[Transition, ...] = ()) -> WorkflowDefinition:
        return WorkflowDefinition(
            name=name, version=1, title=Title(name), start_trigger=trigger, roles=roles,
            states=(State("open", Title("进行中"), "initial"), State("done", Title("完成"),
                                                                      "terminal")),
            transitions=(Transition(trigger, (), "open", roles=roles, actions=actions,
                                    effects=effects), *extra,
                         Transition("close", ("open",), "done", roles=roles)),
            clocks=(Clock("publication", 20, title=Title("发布期限")),) if effects else ())

    publication = one_step(
        PUBLICATION_WORKFLOW, "draft", ("drafter", "office", "system"), (),
        (ClockEffect("publication", "start"),),
        (Transition("publish", ("open",), "done", roles=("office",),
                    actions=(f"{PUBLICATION_WORKFLOW}.publish",),
                    effects=(ClockEffect("publication", "stop"),)),))
    return reg, [one_step("ledger_entry", "enter", ("office",), ("ledger_entry.insert",)),
                 publication, one_step("request", "ask", ("registrar",), ("request.count",))]


def ledger(engine: Engine, doc_number: str) -> dict[str, Any]:
    return next(r for r in dump(engine, ["ledger_documents"])["ledger_documents"]
                if r["doc_number"] == doc_number)


def main(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    clock = ManualClock(on("2024-11-29"))
    reg, extra = stand_ins()
    engine = Engine(f"sqlite:///{db_path}", clock=clock, registry=reg)
    attribute_review.register(engine)
    for definition in extra:
        engine.register(definition)

    documents = {
        "晋某办发〔2024〕11号": ("withheld", "work_information", "条例第十六条"),
        "晋某办发〔2024〕12号": ("on_request", "work_information", "条例第十五条"),
        "晋某办发〔2024〕13号": ("withheld", "other", "条例第十四条"),
    }
    for number, (attribute, kind, basis) in documents.items():
        engine.start("ledger_entry", OFFICE, {
            "doc_number": number, "title": f"关于某事项的通知（{number}）",
            "drafting_division": "综合处", "kind": kind, "attribute": attribute,
            "attribute_basis": basis, "attribute_reasons": "原定不予公开的理由，待复核"})
    made = attribute_review.schedule_yearly_round(engine)
    print(f"Yearly round scheduled for {made.occurrence} (first working day of December)")

    engine.advance(on("2024-12-02"))
    reviews = {i.data["doc_number"]: i.id for i in engine.find("attribute_review")}
    print(f"2024-12-02: {len(reviews)} reviews opened, due "
          f"{engine.get(next(iter(reviews.values()))).deadlines['review'].due_date}")

    engine.advance(on("2024-12-10"))
    retain, convert, classify = (reviews[n] for n in documents)
    engine.fire(retain, "propose_retain", DIVISION, {
        "attribute_basis": "条例第十六条", "attribute_reasons": "属于内部事务信息，仍不宜公开"})
    engine.fire(convert, "propose_conversion", DIVISION, {"reasons": "相关工作已完成，情况已变化"})
    engine.fire(classify, "propose_classification", DIVISION,
                {"level": "secret", "period": "10年", "scope": "本机关综合处"})
    engine.advance(on("2024-12-12"))
    engine.fire(retain, "approve_proposal", OFFICE, {})
    converted = engine.fire(convert, "approve_proposal", OFFICE, {"notes": "同意转为主动公开"})
    engine.fire(classify, "approve_classification", OFFICER, {})
    child = engine.get(converted.data["publication"])
    print(f"converted: publication {child.workflow} started, due "
          f"{child.deadlines['publication'].due_date} (条例 26: 20 working days from the change)")
    engine.advance(on("2024-12-16"))
    engine.fire(child.id, "publish", OFFICE, {"channel": "website", "published_on": "2024-12-16",
                                              "address": "http://www.example.gov.cn/zfxxgk"})
    for number in documents:
        row = ledger(engine, number)
        print(f"  {number}: {row['attribute']:<10} classified={row['classified']!s:<5} "
              f"status={row['status']:<9} review={row['reviews'][-1]['result']}")

    engine.start("ledger_entry", OFFICE, {
        "doc_number": "晋某办发〔2024〕20号", "title": "关于某项目的批复",
        "drafting_division": "项目处", "kind": "work_information", "attribute": "withheld",
        "attribute_basis": "条例第十六条", "attribute_reasons": "过程性信息，尚未形成最终结论"})
    for day, applicant in (("2025-01-06", "张三|138"), ("2025-02-10", "李四|139"),
                           ("2025-03-03", "王五|137")):
        engine.advance(on(day))
        asked = engine.start("request", CLERK, {"doc_number": "晋某办发〔2024〕20号",
                                                "applicant": applicant})
        opened = asked.data["threshold_round"]
        print(f"{day}: request by {applicant.split('|')[0]}"
              + (f" -> threshold round opened ({opened[:8]})" if opened else ""))

    instances = [i.id for w in ("attribute_review", "attribute_review_round",
                                PUBLICATION_WORKFLOW) for i in engine.find(w)]
    for instance in instances:
        engine.verify_history(instance)
    print(f"\n{len(instances)} instances, each history's hash chain verified")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("gongkai-demo.db"))
