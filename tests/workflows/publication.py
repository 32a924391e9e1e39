"""Test helpers for the publication approval workflow: actors, a draft, the route to each state.

Dates are Beijing days of 2025 on the engine's default (Chinese) calendar; the clock is manual.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from engine import Actor, Engine, Instance
from engine.testing import ManualClock
from engine.timesource import SHANGHAI
from workflows import publication_approval
from workflows.ledger import DocumentRow

DRAFTER = Actor("drafter-1", "drafter")
DIVISION_HEAD = Actor("head-1", "division_head")
SECRECY_REVIEWER = Actor("secrecy-1", "secrecy_reviewer")
OFFICE = Actor("office-1", "office")
LEADER = Actor("leader-1", "leader")
EVERYONE = Actor("drafter-1", ("drafter", "division_head", "secrecy_reviewer", "office",
                               "leader"))
"""The drafter holding every role: separation of duties must still stop them."""
NUMBER = "某府发〔2025〕3号"
REASONS = "涉及内部人事调整的过程性讨论意见，公开后可能影响正常决策"


def on(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=SHANGHAI)


def make(db_url: str, **settings: Any) -> Engine:
    """A fresh engine on 2025-03-03 with only this workflow (and the ledger's tables)."""
    engine = Engine(db_url, clock=ManualClock(on("2025-03-03")))
    definition = publication_approval.definition(**settings) if settings else None
    publication_approval.register(engine, definition)
    return engine


def draft_data(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"title": "关于促进民营经济高质量发展的若干措施",
                            "drafting_division": "政策法规处", "kind": "policy",
                            "review_level": "major", "attribute": "active"}
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def draft(engine: Engine, **changes: Any) -> Instance:
    return engine.start("publication_approval", DRAFTER, draft_data(**changes))


def ledger(engine: Engine, inst: Instance) -> dict[str, Any]:
    rows = engine.rows(DocumentRow, doc_id=inst.data["doc_id"])
    assert len(rows) == 1
    return rows[0]


SIGN = {"formed_on": "2025-03-10", "doc_number": NUMBER}
STEPS: dict[str, tuple[Actor, dict[str, Any]]] = {
    "submit": (DRAFTER, {}),
    "approve_division": (DIVISION_HEAD, {}),
    "pass_confidentiality": (SECRECY_REVIEWER, {"reviewed_on": "2025-03-06"}),
    "approve_office": (OFFICE, {}),
    "approve_leader": (LEADER, SIGN),
}
LEVEL_ROUTE = {"ordinary": ("submit", "approve_division", "pass_confidentiality"),
               "important": ("submit", "approve_division", "pass_confidentiality",
                             "approve_office"),
               "major": ("submit", "approve_division", "pass_confidentiality",
                         "approve_office", "approve_leader")}


def fire(engine: Engine, inst: Instance, trigger: str, day: str = "2025-03-10",
         **data: Any) -> Instance:
    actor, base = STEPS[trigger]
    engine.clock.set(on(day))  # type: ignore[attr-defined]
    return engine.fire(inst.id, trigger, actor, {**base, **data})


def to_approved(engine: Engine, **changes: Any) -> Instance:
    """A draft of ``review_level`` (major by default) taken to ``approved``, signed on
    2025-03-10 as 某府发〔2025〕3号 at its last step."""
    inst = draft(engine, **changes)
    route = LEVEL_ROUTE[changes.get("review_level", "major")]
    for trigger in route:
        inst = fire(engine, inst, trigger, **(SIGN if trigger == route[-1] else {}))
    assert inst.state == "approved"
    return inst
