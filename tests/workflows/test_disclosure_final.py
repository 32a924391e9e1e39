"""A replied outcome is the request's final result (table 三 of the annual report counts it,
国办公开办函〔2021〕30号): nothing that closes the request afterwards rewrites it.

Dates: received in person on Monday 2025-11-03; the reply period (条例 33) is due 2025-12-01.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from engine import Engine, GuardRejected, InvalidTransition, WorkflowDefinition
from engine.testing import ManualClock
from tests.workflows.dump import shared_db_fixture, story_in, unchanged  # noqa: F401
from tests.workflows.story import APPLICANT, REGISTRAR, Story, at
from workflows import register_all
from workflows.disclosure_request.definition import OPEN_STATES, definition

WITHHELD: dict[str, Any] = {"outcome": "withheld.state_secret",
                            "legal_basis": "《政府信息公开条例》第十四条",
                            "reasons": "经保密审查属于国家秘密"}


def _replied_withheld(story: Story) -> Story:
    story.fire("accept", "2025-11-03")
    story.fire("assign", "2025-11-03")
    story.fire("propose", "2025-11-10", **WITHHELD)
    story.fire("approve", "2025-11-11")
    story.fire("reply", "2025-11-12")
    return story


@pytest.mark.parametrize("actor", [APPLICANT, REGISTRAR], ids=["applicant", "registrar"])
def test_no_withdrawal_once_the_reply_is_made(shared_db: str, actor: Any) -> None:
    """Issue 9, item 3: a request replied as withheld (条例 14, 36(3)) cannot be withdrawn
    afterwards and rewritten as 其他处理 (other.other): the refusal changes nothing, and the
    outcome table 三 counts stays 三(三)1 属于国家秘密."""
    story = _replied_withheld(Story(shared_db, "2025-11-03"))
    assert "withdraw" not in story.engine.available_triggers(story.id, actor)
    story.clock.set(at("2025-11-13"))
    with unchanged(story.engine), pytest.raises(InvalidTransition) as refused:
        story.engine.fire(story.id, "withdraw", actor, {"withdrawn_on": "2025-11-13"})
    assert refused.value.valid == ("serve",)
    story.fire("serve", "2025-11-14")
    assert (story.now.state, story.now.data["outcome"]) == ("closed", "withheld.state_secret")


def test_no_withdrawal_after_a_reply_on_the_spot(shared_db: str) -> None:
    """条例 33: a reply on the spot is a reply; its outcome is final too."""
    story = Story(shared_db, "2025-11-03")
    story.fire("reply_on_the_spot", "2025-11-03", outcome="not_processed.publication",
               reasons="属于公开出版物，告知获取途径")
    with unchanged(story.engine), pytest.raises(InvalidTransition):
        story.fire("withdraw", "2025-11-04")
    assert story.now.data["outcome"] == "not_processed.publication"


def test_withdrawal_before_the_reply_still_closes_as_other(shared_db: str) -> None:
    """Until the reply is made the applicant may withdraw, also once the leader decided: the
    decision was never given, so the request counts as 其他处理 (other.other)."""
    story = story_in(shared_db, "decided")
    assert story.now.data["outcome"] == "disclosed"
    story.fire("withdraw", "2025-11-04")
    assert (story.now.state, story.now.data["outcome"]) == ("closed", "other.other")


def _withdrawal_after_reply_allowed() -> WorkflowDefinition:
    """A (wrong) version whose ``withdraw`` also leaves ``replied``: the outcome rule must hold
    whatever the definition lets through."""
    base = definition(2)
    transitions = tuple(replace(t, sources=OPEN_STATES) if t.trigger == "withdraw" else t
                        for t in base.transitions)
    return replace(base, transitions=transitions)


def test_whatever_closes_a_replied_request_never_rewrites_its_outcome(db_url: str) -> None:
    """Table 三 counts the final result: even a definition that let a withdrawal through after
    the reply cannot rewrite the replied outcome; the outcome action refuses it (the engine's
    GuardRejected) and nothing is written."""
    engine = Engine(db_url, clock=ManualClock(at("2025-11-03")))
    register_all(engine)
    engine.register(_withdrawal_after_reply_allowed())  # the latest version: new requests use it
    engine.close()
    story = _replied_withheld(Story(db_url, "2025-11-03"))
    assert story.now.definition_version == 2
    assert "withdraw" in story.engine.available_triggers(story.id, APPLICANT)
    with unchanged(story.engine), pytest.raises(GuardRejected) as refused:
        story.fire("withdraw", "2025-11-13")
    assert refused.value.guard == "disclosure_request.set_outcome"
    assert "withheld.state_secret" in refused.value.reason
    assert story.now.data["outcome"] == "withheld.state_secret"
