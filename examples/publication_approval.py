"""Publication approval (先审后发) of two documents, on an embedded SQLite file.

A major policy document goes through graded review (division, secrecy review, general office,
leader: source document 二(一)), is signed, interpreted by its drafting division (谁起草、谁解读)
and published on two channels within the 20 working days of 条例 26; a second draft proposing
不予公开 without reasons is refused at submission (不予发文, source document 一(四)). The end
prints the ledger row and the verified history.

    python examples/publication_approval.py [path/to/demo.db]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path

from engine import Actor, Engine, GuardRejected, Instance
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from workflows import publication_approval
from workflows.ledger import DocumentRow

DRAFTER = Actor("liu.fang", "drafter")
DIVISION_HEAD = Actor("zhou.hua", "division_head")
SECRECY_REVIEWER = Actor("sun.li", "secrecy_reviewer")
OFFICE = Actor("zhao.min", "office")
LEADER = Actor("chen.jie", "leader")


def on(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)


def show(step: str, inst: Instance) -> None:
    clock = inst.deadlines.get("publication")
    due = "-" if clock is None else f"{clock.due_date} ({clock.state})"
    print(f"{step:<34} {inst.state:<24} publish by: {due}")


def main(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    clock = ManualClock(on("2025-03-03"))
    engine = Engine(f"sqlite:///{db_path}", clock=clock)
    publication_approval.register(engine)
    inst = engine.start("publication_approval", DRAFTER, {
        "title": "关于促进民营经济高质量发展的若干措施", "drafting_division": "政策法规处",
        "kind": "policy", "review_level": "major", "attribute": "active"})
    show("draft (起草)", inst)
    steps: list[tuple[str, str, Actor, dict[str, object]]] = [
        ("2025-03-04", "submit", DRAFTER, {}),
        ("2025-03-05", "approve_division", DIVISION_HEAD, {"notes": "同意"}),
        ("2025-03-06", "pass_confidentiality", SECRECY_REVIEWER,
         {"reviewed_on": "2025-03-06", "notes": "不涉及国家秘密、工作秘密"}),
        ("2025-03-07", "approve_office", OFFICE, {"notes": "属重大政策，报领导签发"}),
        ("2025-03-10", "approve_leader", LEADER,
         {"formed_on": "2025-03-10", "doc_number": "某府发〔2025〕3号"}),
        ("2025-03-12", "add_interpretation", DRAFTER,
         {"forms": ["text", "chart", "video"], "channels": ["website", "wechat"],
          "published_on": "2025-03-12"}),
        ("2025-03-12", "publish", OFFICE, {"channels": [
            {"channel": "website", "published_on": "2025-03-12",
             "address": "https://www.example.gov.cn/zwgk/2025/3.html"},
            {"channel": "wechat", "published_on": "2025-03-12", "address": "某府发布公众号"}]}),
    ]
    for day, trigger, actor, data in steps:
        clock.set(on(day))
        inst = engine.fire(inst.id, trigger, actor, data)
        show(trigger, inst)
    row = engine.rows(DocumentRow, doc_number="某府发〔2025〕3号")[0]
    print(f"\nLedger: {row['doc_number']} {row['status']}, formed {row['formed_on']}, "
          f"{len(row['publications'])} publications, {len(row['interpretations'])} interpretation")

    draft = engine.start("publication_approval", DRAFTER, {
        "title": "内部工作流程调整方案", "drafting_division": "办公室", "kind": "other",
        "review_level": "ordinary", "attribute": "withheld",
        "attribute_basis": "《政府信息公开条例》第十六条"})
    try:
        engine.fire(draft.id, "submit", DRAFTER, {})
    except GuardRejected as refused:
        print(f"\nSecond draft refused at submit: {refused.reason}")
    engine.verify_history(inst.id)
    print(f"\nHistory of {inst.id} (hash chain verified):")
    for event in engine.history(inst.id):
        print(f"  {event.seq:>2} {event.trigger:<22} {event.actor_id:<10} -> {event.to_state}")
    engine.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("gongkai-publication-demo.db"))
