"""A small purchase-approval workflow used by the engine tests (not a domain workflow)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from engine import (
    Clock,
    ClockEffect,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
    WorkflowDefinition,
)


class Create(BaseModel):
    model_config = ConfigDict(extra="forbid")
    item: str
    amount: int


class Decision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str


def make_registry() -> Registry:
    reg = Registry()
    reg.model("sample.Create", Create)
    reg.model("sample.Decision", Decision)

    @reg.guard("within_limit")
    def within_limit(ctx: TransitionContext) -> str | None:
        amount = ctx.instance_data["amount"]
        return None if amount <= 1000 else f"amount {amount} exceeds the manager's limit 1000"

    @reg.guard("over_limit")
    def over_limit(ctx: TransitionContext) -> str | None:
        return None if ctx.instance_data["amount"] > 1000 else "amount is within the limit"

    @reg.action("number")
    def number(ctx: TransitionContext) -> dict[str, object]:
        return {"number": f"P-{ctx.next_sequence('purchase'):04d}"}

    @reg.action("notify")
    def notify(ctx: TransitionContext) -> None:
        ctx.emit("mail", {"to": "manager", "instance": ctx.instance_id})

    return reg


STATES = (
    State("draft", Title("草稿", "Draft"), "initial"),
    State("submitted", Title("已提交", "Submitted")),
    State("escalated", Title("已上报", "Escalated")),
    State("approved", Title("已批准", "Approved"), "terminal"),
    State("rejected", Title("已驳回", "Rejected"), "terminal"),
)

TRANSITIONS = (
    Transition("create", (), "draft", roles=("clerk",), data="sample.Create",
               actions=("number",)),
    Transition("submit", ("draft",), "submitted", roles=("clerk",), actions=("notify",),
               effects=(ClockEffect("review", "start"),)),
    Transition("approve", ("submitted",), "approved", roles=("manager",),
               guards=("within_limit",), data="sample.Decision", data_key="decision",
               effects=(ClockEffect("review", "stop"),)),
    Transition("approve", ("submitted",), "escalated", roles=("manager",),
               guards=("over_limit",), data="sample.Decision", data_key="decision",
               effects=(ClockEffect("review", "stop"),)),
    Transition("approve", ("escalated",), "approved", roles=("director",),
               data="sample.Decision", data_key="decision",
               effects=(ClockEffect("review", "stop"),)),
    Transition("reject", ("submitted", "escalated"), "rejected", roles=("manager", "director"),
               data="sample.Decision", data_key="decision"),
    Transition("hold", ("submitted",), None, roles=("manager",),
               effects=(ClockEffect("review", "pause"),)),
    Transition("release", ("submitted",), None, roles=("manager",),
               effects=(ClockEffect("review", "resume"),)),
    Transition("cancel", ("*",), "rejected", roles=("clerk",)),
    Transition("escalate", ("submitted",), "escalated", roles=("system",),
               effects=(ClockEffect("review", "stop"),)),
)

CLOCKS = (Clock("review", 5, title=Title("审批期限", "Review period"), reminders=(2,),
                on_expiry="escalate"),)


def definition(version: int = 1) -> WorkflowDefinition:
    return WorkflowDefinition(
        name="purchase", version=version, title=Title("采购审批", "Purchase approval"),
        states=STATES, transitions=TRANSITIONS, clocks=CLOCKS,
        roles=("clerk", "manager", "director"), start_trigger="create")
