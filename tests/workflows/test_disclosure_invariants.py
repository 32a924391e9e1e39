"""Invariants of the disclosure request workflow that hold on every path, whoever acts and when.

A hypothesis-driven random walk: from a registered request, someone holding every human role
repeatedly picks one of ``engine.available_triggers``, fires it with data dated on the current
day (sometimes data the law refuses), while time moves on by a few working days between steps,
sometimes letting the timers fire. After every step:

- 登记制 (source 四(一)): the request carries a register number of its year of receipt;
- 书面答复制 (source 四(一)): a closed request has an outcome and either a served reply or a
  recorded reason (a lapse, 条例 30 / 国办函〔2020〕109号, or a withdrawal), and no live timers;
- 条例 30: the applicant is asked to correct at most once (一次性告知), and corrects at most once;
- 条例 33: the reply period is extended at most once; and it does not run while the request
  waits for a correction (it restarts afterwards, 条例 30), for consulted parties (条例 32, 34) or
  for the fee (国办函〔2020〕109号; the default setting);
- a refused call changes nothing (DESIGN.md, engine principle 10);
- the history verifies (engine principle 5).
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from engine import Engine, WorkflowError
from engine.testing import ManualClock
from engine.timesource import local_date
from tests.workflows.dump import (  # noqa: F401
    EVERYONE,
    ROUTES,
    dump,
    events,
    shared_db_fixture,
    story_in,
)
from tests.workflows.story import REGISTRAR, at, payload
from workflows import register_all
from workflows.disclosure_request.definition import OPEN_STATES, WITHDRAWABLE, definition
from workflows.disclosure_request.outcomes import (
    OUTCOME_CODES,
    PROPOSABLE_CODES,
    OutcomeGroup,
    outcome,
)

NUMBER = re.compile(r"依申〔(\d{4})〕第\d{4}号")
REPLY_NOT_RUNNING = ("awaiting_correction", "consulting", "awaiting_fee")
LAPSE_OUTCOMES = {"correction_lapsed": "other.no_correction", "fee_lapsed": "other.fee_unpaid"}
RARE = ("withdraw", "reply_on_the_spot", "correction_lapsed")
"""Triggers that end a request early: drawn now and then, so that walks also go deep."""
STRIDES = (0, 1, 2, 3, 5, 8, 13, 21)
"""Working days that pass between two steps; the long ones let periods lapse."""
PARTIES = ({"name": "某科技有限公司", "kind": "third_party"},
           {"name": "市发展和改革委员会", "kind": "agency"})


# 撤回: withdrawal from every open state -----------------------------------------------------

@pytest.mark.parametrize("state", WITHDRAWABLE)
def test_withdrawal_from_any_open_state_closes_with_outcome_other(shared_db: str,
                                                                   state: str) -> None:
    """The applicant may withdraw the request at any point before the reply is made; the
    request then closes with a recorded reason and the annual report's 其他处理 (other.other)
    outcome, and its live timers are cancelled. Once replied, the outcome is final (table 三;
    tests/workflows/test_disclosure_final.py)."""
    assert set(ROUTES) == set(OPEN_STATES)
    assert set(OPEN_STATES) - set(WITHDRAWABLE) == {"replied"}
    story = story_in(shared_db, state)
    story.fire("withdraw", "2025-11-04", reason="已通过其他途径获取")
    now = story.now
    assert (now.state, now.closed, now.data["outcome"]) == ("closed", True, "other.other")
    assert now.data["withdrawal"] == {"withdrawn_on": "2025-11-04", "reason": "已通过其他途径获取"}
    assert not story.engine.timers(story.id, status="pending")
    assert story.engine.available_triggers(story.id) == []
    story.engine.verify_history(story.id)


# the random walk ------------------------------------------------------------------------------

def _proposal(draw: Any) -> dict[str, Any]:
    """A proposed outcome with the fields it needs; now and then one is left out."""
    code = draw(st.sampled_from(PROPOSABLE_CODES))
    chosen = outcome(code)
    fields: dict[str, Any] = {"outcome": code, "reasons": "经审查"}
    if chosen.requires_legal_basis:
        fields["legal_basis"] = "《政府信息公开条例》第十四条"
    if chosen.requires_convenience:
        fields["convenience"] = "可向市统计局申请"
    if chosen.group is OutcomeGroup.PARTIALLY_DISCLOSED:
        fields["withheld_parts"] = ["个人信息"]
    if chosen.group in (OutcomeGroup.DISCLOSED, OutcomeGroup.PARTIALLY_DISCLOSED) and draw(
            st.booleans()):
        fields["public_interest"] = "涉及公共安全"
    optional = [k for k in ("legal_basis", "convenience") if k in fields]
    if optional and draw(st.integers(0, 4)) == 0:
        del fields[draw(st.sampled_from(optional))]
    return fields


def _data(draw: Any, trigger: str, day: str, instance_data: dict[str, Any]) -> dict[str, Any]:
    if trigger in ("propose", "reply_on_the_spot"):
        extra = _proposal(draw)
        if trigger == "reply_on_the_spot":
            extra["replied_on"] = day
        return extra
    if trigger == "request_correction":
        return payload(trigger, day, period_days=draw(st.integers(1, 20)))
    if trigger == "consult":
        parties = draw(st.lists(st.sampled_from(PARTIES), min_size=1, max_size=2,
                                unique_by=lambda p: p["name"]))
        return payload(trigger, day, parties=parties)
    if trigger == "receive_opinions":
        consulted = [p["name"] for p in instance_data["consultation"]["parties"]]
        answering = draw(st.lists(st.sampled_from(consulted), min_size=1, unique=True))
        opinions = []
        for name in answering:
            agrees = draw(st.booleans())
            opinions.append({"party": name, "agrees": agrees} if agrees else
                            {"party": name, "agrees": False, "good_reason": draw(st.booleans())})
        return payload(trigger, day, opinions=opinions)
    if trigger == "correction_lapsed":
        return {"on": day}
    return payload(trigger, day)


def _check(engine: Engine, instance_id: str) -> None:
    now = engine.get(instance_id)
    history = engine.history(instance_id)
    number = NUMBER.fullmatch(now.data.get("register_number", ""))
    assert number, now.data.get("register_number")
    assert int(number.group(1)) == date.fromisoformat(now.data["received_on"]).year
    counts = Counter(e.trigger for e in history)
    assert counts["request_correction"] <= 1 and counts["receive_correction"] <= 1
    # one extension under 条例 33 per reply period (a correction restarts it, 条例 30); a longer
    # period set under 条例 35 also extends the clock
    last_restart = max((e.seq for e in history if e.trigger == "receive_correction"), default=0)
    assert sum(e.trigger == "extend" and e.seq > last_restart for e in history) <= 1
    assert counts["extend"] <= 1 + counts["receive_correction"]
    assert counts["set_reply_period"] <= 1
    assert now.deadlines["reply"].extensions <= counts["extend"] + counts["set_reply_period"]
    if now.state in REPLY_NOT_RUNNING:
        assert now.deadlines["reply"].state in ("paused", "stopped"), now.deadlines["reply"]
    if now.closed:
        assert now.data["outcome"] in OUTCOME_CODES
        last = history[-1].trigger
        assert {"service", "lapse", "withdrawal"} & set(now.data)
        if last in LAPSE_OUTCOMES:
            assert now.data["outcome"] == LAPSE_OUTCOMES[last] and "lapse" in now.data
        elif last == "withdraw":
            assert now.data["outcome"] == "other.other" and "withdrawal" in now.data
        else:
            assert last == "serve" and "service" in now.data
        assert not engine.timers(instance_id, status="pending")
    engine.verify_history(instance_id)


@settings(max_examples=25, deadline=None, database=None,
          phases=(Phase.explicit, Phase.reuse, Phase.generate),
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_random_walks_keep_the_invariants(tmp_path_factory: pytest.TempPathFactory,
                                          data: st.DataObject) -> None:
    """Random walks on SQLite (the same engine code runs on PostgreSQL; the refusals and rules
    tests cover both backends). Examples are not shrunk (each costs an engine and a database,
    and shrinking ran into hypothesis' five-minute limit); a failure prints the walk step by
    step instead."""
    draw = data.draw
    received = draw(st.dates(date(2025, 1, 2), date(2025, 12, 31)), label="received_on")
    clock = ManualClock(at(received))
    engine = Engine(f"sqlite:///{tmp_path_factory.mktemp('walk') / 'walk.db'}", clock=clock)
    register_all(engine)
    instance_id = engine.start("disclosure_request", REGISTRAR,
                               payload("register", received.isoformat())).id
    _check(engine, instance_id)
    for _ in range(draw(st.integers(5, 30), label="steps")):
        if engine.get(instance_id).closed:
            break
        triggers = engine.available_triggers(instance_id, EVERYONE)
        common = [t for t in triggers if t not in RARE]
        rare = [t for t in triggers if t in RARE]
        if rare and (not common or draw(st.integers(1, 20)) == 10):  # 1 in 20, unbiased
            trigger = draw(st.sampled_from(rare))
        else:
            trigger = draw(st.sampled_from(common))
        today = local_date(clock.now()).isoformat()
        fields = _data(draw, trigger, today, dict(engine.get(instance_id).data))
        before = dump(engine)
        try:
            engine.fire(instance_id, trigger, EVERYONE, fields)
            note(f"{today} {trigger} {fields} -> {engine.get(instance_id).state}")
        except WorkflowError as refused:
            note(f"{today} {trigger} {fields} refused: {refused}")
            assert dump(engine) == before, f"refused {trigger} changed the tables"
        _check(engine, instance_id)
        days = draw(st.sampled_from(STRIDES))
        later = engine.calendar.add_working_days(local_date(clock.now()), days)
        if draw(st.booleans()):
            fired = engine.advance(at(later))  # the worker fires what fell due meanwhile
            note(f"advance to {later}: {fired} timers -> {engine.get(instance_id).state}")
            _check(engine, instance_id)
        else:
            clock.set(max(at(later), clock.now()))


def test_the_walker_holds_every_human_role_and_not_the_system_one() -> None:
    """The walker holds every role of the definition but not the engine's ``system``: lapses
    only the timers may declare (fee, consultation) stay out of human hands."""
    assert EVERYONE.roles == frozenset(definition().roles)
    assert "system" not in EVERYONE.roles
