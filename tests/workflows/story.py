"""Driving a disclosure request through the engine in tests: payloads and a dated story.

Each step sets the manual clock to 10:00 Beijing time on the step's date and fires, so events
carry the dates the law counts from.
"""

from __future__ import annotations

from typing import Any

import workflows
from engine import Actor, Engine, Instance
from engine.testing import ManualClock
from engine.testing.story import Story as EngineStory
from engine.testing.story import at

__all__ = ["ACTORS", "Story", "at", "payload"]

REGISTRAR = Actor("reg-1", "registrar")
HANDLER = Actor("div-1", "handler")
OFFICE_HEAD = Actor("head-1", "office_head")
LEADER = Actor("lead-1", "leader")
APPLICANT = Actor("app-1", "applicant")
SECRECY_REVIEWER = Actor("sec-1", "secrecy_reviewer")
ACTORS = {
    "register": REGISTRAR, "reply_on_the_spot": REGISTRAR, "accept": REGISTRAR,
    "request_correction": HANDLER, "receive_correction": REGISTRAR, "assign": REGISTRAR,
    "consult": HANDLER, "receive_opinions": HANDLER, "notify_fee": HANDLER,
    "receive_payment": REGISTRAR, "propose": HANDLER, "return_for_revision": LEADER,
    "approve": LEADER, "extend": OFFICE_HEAD, "reply": REGISTRAR, "serve": REGISTRAR,
    "withdraw": APPLICANT, "correction_lapsed": REGISTRAR, "ask_reasons": HANDLER,
    "receive_reasons": REGISTRAR, "set_reply_period": OFFICE_HEAD, "record_receipt": HANDLER,
    "review_confidentiality": SECRECY_REVIEWER, "refer_for_determination": SECRECY_REVIEWER,
    "receive_determination": SECRECY_REVIEWER,
}


def payload(trigger: str, day: str, **extra: Any) -> dict[str, Any]:
    """A valid payload for ``trigger`` dated ``day`` (ISO), with ``extra`` overriding fields.

    Notices (correction, consultation letter, fee) are handed over on ``day``: received that day.
    """
    base: dict[str, dict[str, Any]] = {
        "register": {"applicant": {"name": "张三", "type": "natural_person",
                                   "contact": "13800000000", "id": APPLICANT.id},
                     "channel": "in_person", "received_on": day,
                     "description": "2024年本市工业企业技术改造项目清单"},
        "reply_on_the_spot": {"outcome": "not_processed.publication",
                              "reasons": "要求提供公开出版物，告知获取途径", "replied_on": day},
        "request_correction": {"items": ["所需信息的名称或文号"], "period_days": 10,
                               "notified_on": day, "received_on": day},
        "receive_correction": {"received_on": day},
        "assign": {"division": "政策法规处", "assigned_on": day},
        "consult": {"parties": [{"name": "某科技有限公司", "kind": "third_party",
                                 "received_on": day}],
                    "sent_on": day},
        "receive_opinions": {"received_on": day,
                             "opinions": [{"party": "某科技有限公司", "agrees": True}]},
        "notify_fee": {"amount": 200, "method": "by_page", "pages": 50, "notified_on": day,
                       "received_on": day},
        "receive_payment": {"paid_on": day},
        "propose": {"outcome": "disclosed", "reasons": "不涉及国家秘密和商业秘密"},
        "return_for_revision": {"instructions": "补充法律依据"},
        "approve": {"comments": "同意"},
        "extend": {"reason": "需要调取档案", "notified_on": day},
        "reply": {"replied_on": day, "document_number": "依申复〔2025〕1号"},
        "serve": {"served_on": day, "method": "post"},
        "withdraw": {"withdrawn_on": day, "reason": "不再需要"},
        "ask_reasons": {"asked_on": day, "questions": "请说明申请本月第40项信息的用途"},
        "receive_reasons": {"received_on": day, "reasonable": True,
                            "explanation": "课题研究需要历年数据"},
        "set_reply_period": {"extra_days": 10, "reason": "信息量大，需逐年调档",
                             "notified_on": day},
        "record_receipt": {"notice": "consultation", "party": "某科技有限公司",
                           "received_on": day},
        "review_confidentiality": {"result": "clear", "reviewed_on": day,
                                   "notes": "不涉及国家秘密"},
        "refer_for_determination": {"referred_on": day, "authority": "市国家保密局",
                                    "question": "项目清单中的军工配套企业名称是否属于国家秘密"},
        "receive_determination": {"received_on": day, "result": "clear",
                                  "notes": "不属于国家秘密"},
    }
    return {**base.get(trigger, {}), **extra}


class Story(EngineStory):
    """One request on one engine, fired step by step on the dates of the case."""

    def __init__(self, db_url: str, received_on: str, fresh_engine_each_step: bool = False,
                 **register_extra: Any) -> None:
        self.db_url = db_url
        super().__init__(self._engine, "disclosure_request", REGISTRAR,
                         payload("register", received_on, **register_extra), received_on,
                         fresh_engine_each_step=fresh_engine_each_step)

    def _engine(self, clock: ManualClock) -> Engine:
        engine = Engine(self.db_url, clock=clock)
        workflows.register_all(engine)
        return engine

    def fire(self, trigger: str, day: str, actor: Actor | None = None,  # type: ignore[override]
             **extra: Any) -> Instance:
        return super().fire(trigger, day, actor or ACTORS[trigger], payload(trigger, day, **extra))
