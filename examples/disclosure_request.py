"""A disclosure request (依申请公开) from receipt to service, on an embedded SQLite file.

The story: an application handed in just before the National Day holiday of 2025, a correction
notice, a third-party consultation that spans the holiday, an extension, the confidentiality
review before disclosing (条例 17), the leader's approval, the written reply and its service.
Time is a manual clock, so the whole story runs in a second; each step prints the reply deadline
as it moves, and the end prints the verified history.

    python examples/disclosure_request.py [path/to/demo.db]
"""

from __future__ import annotations

import sys
from datetime import date, datetime, time
from pathlib import Path

import workflows
from engine import Actor, Engine, Instance
from engine.testing import ManualClock
from engine.timesource import SHANGHAI

REGISTRAR = Actor("li.na", "registrar")
HANDLER = Actor("wang.qiang", "handler")
OFFICE_HEAD = Actor("zhao.min", "office_head")
LEADER = Actor("chen.jie", "leader")
SECRECY_REVIEWER = Actor("sun.li", "secrecy_reviewer")


def on(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)


def show(step: str, inst: Instance) -> None:
    reply = inst.deadlines.get("reply")
    if reply is None:
        due = "-"
    elif reply.due_date is None:
        due = f"paused ({reply.used} of 20 working days used)"
    else:
        due = f"{reply.due_date} ({reply.state}{', provisional' if reply.provisional else ''})"
    print(f"{step:<44} {inst.state:<20} reply due: {due}")


def main(db_path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    clock = ManualClock(on("2025-09-26"))
    engine = Engine(f"sqlite:///{db_path}", clock=clock)
    workflows.register_all(engine)

    inst = engine.start("disclosure_request", REGISTRAR, {
        "applicant": {"name": "张三", "type": "natural_person", "contact": "13800000000"},
        "channel": "in_person", "handed_in_on": "2025-09-26",
        "description": "本厅2024年工业企业技术改造项目扶持资金分配结果"})
    print(f"Registered {inst.data['register_number']} (received 2025-09-26, a Friday)")
    show("register (条例 31: received in person)", inst)

    def step(label: str, day: str, trigger: str, actor: Actor, data: dict | None = None) -> None:
        nonlocal inst
        engine.advance(on(day))
        inst = engine.fire(inst.id, trigger, actor, data)
        show(label, inst)

    step("request_correction (条例 30, one notice)", "2025-09-28", "request_correction", HANDLER,
         {"items": ["所需信息的文号或年份"], "period_days": 10, "notified_on": "2025-09-28"})
    step("receive_correction (period restarts)", "2025-09-30", "receive_correction", REGISTRAR,
         {"received_on": "2025-09-30"})
    step("assign", "2025-09-30", "assign", REGISTRAR, {"division": "技术改造处"})
    step("consult third party (条例 32: clock stops)", "2025-09-30", "consult", HANDLER,
         {"parties": [{"name": "某装备制造有限公司", "kind": "third_party"}],
          "sent_on": "2025-09-30"})
    step("receive_opinions (clock resumes)", "2025-10-15", "receive_opinions", HANDLER,
         {"received_on": "2025-10-15",
          "opinions": [{"party": "某装备制造有限公司", "agrees": True}]})
    step("extend (条例 33: +20 working days, once)", "2025-10-20", "extend", OFFICE_HEAD,
         {"reason": "涉及多个年度档案，需调取核实", "notified_on": "2025-10-20"})
    step("review_confidentiality (条例 17: 先审查后公开)", "2025-11-07", "review_confidentiality",
         SECRECY_REVIEWER, {"result": "clear", "reviewed_on": "2025-11-07",
                            "notes": "不涉及国家秘密、工作秘密"})
    step("propose", "2025-11-10", "propose", HANDLER,
         {"outcome": "disclosed", "reasons": "不涉及国家秘密、商业秘密和个人隐私"})
    step("approve (leader in charge)", "2025-11-12", "approve", LEADER, {"comments": "同意公开"})
    step("reply (written reply)", "2025-11-13", "reply", REGISTRAR,
         {"replied_on": "2025-11-13", "document_number": "晋工信依申复〔2025〕12号"})
    step("serve (送达)", "2025-11-14", "serve", REGISTRAR,
         {"served_on": "2025-11-14", "method": "post"})

    engine.verify_history(inst.id)
    print(f"\nOutcome: {inst.data['outcome']}; history of {inst.id} (hash chain verified):")
    for ev in engine.history(inst.id):
        when = ev.event_time.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
        print(f"  {ev.seq:>2}  {when}  {ev.trigger:<20} {ev.from_state or '-':>20} -> "
              f"{ev.to_state:<20} {ev.actor_id} ({ev.actor_role})")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("gongkai-demo.db"))
