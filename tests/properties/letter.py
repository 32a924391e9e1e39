"""A tiny workflow for testing the testing toolkit: a letter that waits for an answer.

``send`` starts a 10-working-day ``reply`` period (reminder 3 working days before it ends);
``wait`` parks the letter in ``waiting``, which pauses the period (as a request waiting for a
correction pauses the reply period, 条例 30); ``resume`` goes back; ``answer`` closes it.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from engine import Actor, Clock, ClockEffect, Registry, State, Title, Transition, WorkflowDefinition

CLERK = Actor("clerk-1", "clerk")


class Send(BaseModel):
    model_config = ConfigDict(extra="forbid")
    subject: str = Field(min_length=1, max_length=40)
    copies: int = Field(ge=1, le=5)
    channel: str = Field(pattern=r"post|email")
    urgent: bool = False


class Answer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answered_on: date
    tone: str = "neutral"


def registry() -> Registry:
    reg = Registry()
    reg.model("letter.Send", Send)
    reg.model("letter.Answer", Answer)
    return reg


def definition() -> WorkflowDefinition:
    reply = ClockEffect("reply", "start")
    return WorkflowDefinition(
        name="letter", version=1, title=Title("来信", "Letter"),
        states=(State("open", Title("待复"), "initial"),
                State("waiting", Title("等待"), effects=(ClockEffect("reply", "pause"),)),
                State("answered", Title("已复"), "terminal")),
        transitions=(
            Transition("send", (), "open", roles=("clerk",), data="letter.Send",
                       effects=(reply,)),
            Transition("wait", ("open",), "waiting", roles=("clerk",)),
            Transition("resume", ("waiting",), "open", roles=("clerk",),
                       effects=(ClockEffect("reply", "resume"),)),
            Transition("answer", ("open",), "answered", roles=("clerk", "head"),
                       data="letter.Answer", effects=(ClockEffect("reply", "stop"),)),
        ),
        roles=("clerk", "head"),
        clocks=(Clock("reply", 10, reminders=(3,)),), start_trigger="send")


SEND = {"subject": "关于办理时限的询问", "copies": 1, "channel": "post"}
