"""Clock families: one consultation period per consulted party, each counted from the day *that*
party received its letter (条例 32, 34: 15 working days from receipt).

Monday-to-Friday calendar (``tests.engine.helpers.WeekdayCalendar``, no holidays), counted by hand:

* 甲公司 received Mon 2025-03-03: 03-04…03-07 (4), 03-10…03-14 (9), 03-17…03-21 (14), 03-24 (15)
  → due Mon 2025-03-24; reminder 3 working days before, Wed 03-19 09:00; lapse at Tue 03-25 00:00.
* 乙公司 received Wed 2025-03-05: 03-06, 03-07 (2), 03-10…03-14 (7), 03-17…03-21 (12),
  03-24…03-26 (15) → due Wed 2025-03-26; reminder Fri 03-21 09:00; lapse at Thu 03-27 00:00.
* 丙公司 (another request) received Tue 2025-03-04 → due Tue 2025-03-25.

The family's entry, ``deadlines["consultation"]``, is its latest-running member: 乙公司 while it
runs; each member's own deadline is in ``details["members"]``.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from engine import (
    Actor,
    Clock,
    ClockEffect,
    DefinitionError,
    Engine,
    InvalidData,
    Registry,
    State,
    Title,
    Transition,
    WorkflowDefinition,
)
from engine.clocks.deadline import Deadline
from engine.clocks.family import representative
from engine.definition.io import definition_from_json, definition_to_json
from engine.definition.validate import validate
from engine.testing import ManualClock
from tests.engine.helpers import WeekdayCalendar, dump
from tests.engine.test_definition import definitions, names

CLERK = Actor("clerk-1", {"clerk"})
BEIJING = timedelta(hours=8)
A, B = "甲公司", "乙公司"
MEMBER_A, MEMBER_B = f"consultation[{A}]", f"consultation[{B}]"


def beijing(y: int, m: int, d: int, hh: int = 0) -> datetime:
    return datetime(y, m, d, hh, tzinfo=UTC) - BEIJING


class Party(BaseModel):
    name: str
    received_on: str


class Send(BaseModel):
    parties: list[Party]


class AddParty(BaseModel):
    party: str
    received_on: str


class Answer(BaseModel):
    party: str
    answered_on: str


class Lapse(BaseModel):
    party: str
    lapsed_on: str


def registry() -> Registry:
    reg = Registry()
    for name, model in (("Send", Send), ("AddParty", AddParty), ("Answer", Answer),
                        ("Lapse", Lapse)):
        reg.model(f"consult.{name}", model)
    return reg


def consult() -> WorkflowDefinition:
    """``consultation``: 15 working days per party, a reminder 3 days before; a party whose
    period runs out lapses (``lapse``, fired by the system with the party's key)."""
    c = "consultation"
    return WorkflowDefinition(
        name="consult", version=1, title=Title("征求意见（测试）", "Consultation (test)"),
        states=(State("open", kind="initial"), State("consulting"),
                State("decided", kind="terminal")),
        transitions=(
            Transition("register", (), "open", roles=("clerk",)),
            Transition("consult", ("open",), "consulting", roles=("clerk",),
                       data="consult.Send", effects=(ClockEffect(
                           c, "start", each="parties", key_field="name",
                           date_field="received_on"),)),
            Transition("add_party", ("consulting",), None, roles=("clerk",),
                       data="consult.AddParty", effects=(ClockEffect(
                           c, "start", key_field="party", date_field="received_on"),)),
            Transition("answer", ("consulting",), None, roles=("clerk",), data="consult.Answer",
                       effects=(ClockEffect(c, "stop", key_field="party",
                                            date_field="answered_on"),)),
            Transition("lapse", ("consulting",), None, roles=("system",), data="consult.Lapse",
                       effects=(ClockEffect(c, "stop", key_field="party",
                                            date_field="lapsed_on"),)),
            Transition("hold", ("consulting",), None, roles=("clerk",),
                       effects=(ClockEffect(c, "pause"),)),
            Transition("go_on", ("consulting",), None, roles=("clerk",),
                       effects=(ClockEffect(c, "resume"),)),
            Transition("decide", ("consulting",), "decided", roles=("clerk",),
                       effects=(ClockEffect(c, "stop"),)),
        ),
        clocks=(Clock(c, 15, title=Title("征求意见期限", "Consultation period"), family=True,
                      reminders=(3,), on_expiry="lapse", expiry_date_field="lapsed_on",
                      expiry_key_field="party"),),
        roles=("clerk",), start_trigger="register")


class Desk:
    def __init__(self, url: str, calendar: Any = None) -> None:
        self.clock = ManualClock(datetime(2025, 3, 3, 10))
        self.engine = Engine(url, clock=self.clock, calendar=calendar or WeekdayCalendar(),
                             registry=registry())
        self.engine.register(consult())

    def on(self, day: str, hour: int = 10) -> None:
        self.clock.set(datetime.combine(date.fromisoformat(day), datetime.min.time())
                       + timedelta(hours=hour))

    def consulting(self, parties: dict[str, str]) -> str:
        """An instance registered on 03-03, letters recorded on 03-05 (party → receipt day)."""
        iid = self.engine.start("consult", CLERK).id
        self.on("2025-03-05")
        self.send(iid, parties)
        return iid

    def send(self, iid: str, parties: dict[str, str]) -> None:
        self.engine.fire(iid, "consult", CLERK, {"parties": [
            {"name": n, "received_on": d} for n, d in parties.items()]})

    def family(self, instance_id: str) -> Deadline:
        return self.engine.get(instance_id).deadlines["consultation"]

    def pending(self, instance_id: str) -> list[tuple[str, str, datetime, int]]:
        return [(t.clock, t.kind, t.due_at.replace(tzinfo=UTC), t.epoch)
                for t in self.engine.timers(instance_id=instance_id, status="pending")]


BOTH = {A: "2025-03-03", B: "2025-03-05"}


def members(d: Deadline) -> dict[str, tuple[str, date | None]]:
    return {k: (m.state, m.due_date) for k, m in d.details["members"].items()}


# -- each member from its own receipt date ---------------------------------------------------

def test_each_party_has_its_own_period_and_the_family_shows_the_latest(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    fam = desk.family(iid)
    assert (fam.clock, fam.state, fam.due_date, fam.details["member"]) == (
        "consultation", "running", date(2025, 3, 26), B)
    assert members(fam) == {A: ("running", date(2025, 3, 24)), B: ("running", date(2025, 3, 26))}
    assert fam.details["members"][A].clock == MEMBER_A
    # used/left of the member shown: 乙公司, (03-05, 03-05] used 0, 15 left
    assert (fam.used, fam.left) == (0, 15)
    assert set(desk.engine.get(iid).deadlines) == {"consultation"}
    assert desk.pending(iid) == [
        (MEMBER_A, "reminder", beijing(2025, 3, 19, 9), 1),
        (MEMBER_B, "reminder", beijing(2025, 3, 21, 9), 1),
        (MEMBER_A, "automatic", beijing(2025, 3, 25), 1),
        (MEMBER_B, "automatic", beijing(2025, 3, 27), 1),
    ]


def test_an_answer_stops_one_party_and_the_family_shows_the_other(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    desk.engine.fire(iid, "answer", CLERK, {"party": A, "answered_on": "2025-03-10"})
    fam = desk.family(iid)
    assert (fam.state, fam.details["member"], fam.due_date) == ("running", B, date(2025, 3, 26))
    assert members(fam)[A] == ("stopped", date(2025, 3, 24))
    assert {c for c, *_ in desk.pending(iid)} == {MEMBER_B}
    desk.engine.fire(iid, "answer", CLERK, {"party": B, "answered_on": "2025-03-10"})
    fam = desk.family(iid)
    # none runs: the member due latest stands for the family
    assert (fam.state, fam.details["member"], fam.due_date) == ("stopped", B, date(2025, 3, 26))
    assert desk.pending(iid) == []


def test_a_running_member_stands_for_the_family_before_a_later_stopped_one(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    desk.engine.fire(iid, "answer", CLERK, {"party": B, "answered_on": "2025-03-10"})
    fam = desk.family(iid)
    assert (fam.state, fam.details["member"], fam.due_date) == ("running", A, date(2025, 3, 24))


def test_each_member_lapses_on_its_own_with_its_key(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    assert desk.engine.advance(beijing(2025, 3, 28, 10)) == 4
    events = [(e.trigger, e.event_time.replace(tzinfo=UTC), dict(e.data))
              for e in desk.engine.history(iid)[2:]]
    assert events == [
        ("reminder", beijing(2025, 3, 19, 9),
         {"clock": MEMBER_A, "key": A, "due_date": "2025-03-24", "days_before": 3}),
        ("reminder", beijing(2025, 3, 21, 9),
         {"clock": MEMBER_B, "key": B, "due_date": "2025-03-26", "days_before": 3}),
        ("lapse", beijing(2025, 3, 25), {"party": A, "lapsed_on": "2025-03-24"}),
        ("lapse", beijing(2025, 3, 27), {"party": B, "lapsed_on": "2025-03-26"}),
    ]
    fam = desk.family(iid)
    assert members(fam) == {A: ("stopped", date(2025, 3, 24)), B: ("stopped", date(2025, 3, 26))}
    assert not fam.overdue and desk.engine.get(iid).state == "consulting"


def test_pausing_the_family_pauses_every_member_and_resuming_moves_each(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    held = desk.engine.fire(iid, "hold", CLERK).deadlines["consultation"]
    assert {k: s for k, (s, _) in members(held).items()} == {A: "paused", B: "paused"}
    assert desk.pending(iid) == []
    desk.on("2025-03-12")
    desk.engine.fire(iid, "go_on", CLERK)
    # the pause leaves out (03-10, 03-12] = 03-11, 03-12: each due date moves 2 working days
    fam = desk.family(iid)
    assert members(fam) == {A: ("running", date(2025, 3, 26)), B: ("running", date(2025, 3, 28))}
    assert {(c, e) for c, _, _, e in desk.pending(iid)} == {(MEMBER_A, 3), (MEMBER_B, 3)}


def test_a_party_added_later_counts_from_its_own_receipt(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting({A: "2025-03-03"})
    desk.on("2025-03-07")
    # 丙公司 received Thu 03-06: 03-07 (1), 03-10…03-14 (6), 03-17…03-21 (11), 03-24…03-27 (15)
    desk.engine.fire(iid, "add_party", CLERK, {"party": "丙公司", "received_on": "2025-03-06"})
    fam = desk.family(iid)
    assert (fam.details["member"], fam.due_date) == ("丙公司", date(2025, 3, 27))
    assert members(fam)[A] == ("running", date(2025, 3, 24))


def test_closing_the_instance_stops_every_member(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    fam = desk.engine.fire(iid, "decide", CLERK).deadlines["consultation"]
    assert {k: s for k, (s, _) in members(fam).items()} == {A: "stopped", B: "stopped"}
    assert desk.pending(iid) == []


@pytest.mark.parametrize(("trigger", "data", "field"), [
    ("consult", {"parties": [{"name": A, "received_on": "2025-03-03"},
                             {"name": B, "received_on": "2025-03-06"}]}, "parties.1.received_on"),
    ("consult", {"parties": [{"name": "", "received_on": "2025-03-03"}]}, "parties.0.name"),
])
def test_a_refused_member_effect_changes_nothing(db_url: str, trigger: str, data: dict[str, Any],
                                                 field: str) -> None:
    """One party's receipt day after today (or a party without a name) refuses the whole event:
    no member starts, not even the parties that were fine."""
    desk = Desk(db_url)
    inst = desk.engine.start("consult", CLERK)
    desk.on("2025-03-05")
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(inst.id, trigger, CLERK, data)
    assert info.value.errors[0]["field"] == field
    assert dump(desk.engine) == before


def test_a_member_effect_dated_before_its_start_is_refused_and_changes_nothing(db_url: str
                                                                                ) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    desk.engine.fire(iid, "answer", CLERK, {"party": A, "answered_on": "2025-03-10"})
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(iid, "answer", CLERK, {"party": B, "answered_on": "2025-03-04"})
    assert "before 2025-03-05" in info.value.errors[0]["message"]
    assert dump(desk.engine) == before


# -- worklists and recomputation -------------------------------------------------------------

def test_the_worklist_orders_by_the_family_not_by_its_earliest_member(db_url: str) -> None:
    """X's parties are due 03-24 and 03-26 (family: 03-26); Y's single party is due 03-25.
    Y comes first: the family counts as its latest-running member."""
    desk = Desk(db_url)
    x, y = (desk.engine.start("consult", CLERK).id for _ in range(2))
    desk.on("2025-03-05")
    desk.send(x, BOTH)
    desk.send(y, {"丙公司": "2025-03-04"})
    items = desk.engine.worklist(CLERK)
    assert [(i.instance.id, i.deadline.clock, i.deadline.due_date) for i in items
            if i.deadline] == [(y, "consultation", date(2025, 3, 25)),
                               (x, "consultation", date(2025, 3, 26))]


def test_a_calendar_update_moves_each_member_and_its_timers(db_url: str) -> None:
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.engine.calendar = WeekdayCalendar(holidays=[date(2025, 3, 20)])
    assert desk.engine.recompute_deadlines() == 2
    fam = desk.family(iid)
    assert members(fam) == {A: ("running", date(2025, 3, 25)), B: ("running", date(2025, 3, 27))}
    recomputed = [e.data["clock"] for e in desk.engine.history(iid)
                  if e.trigger == "deadline_recomputed"]
    assert sorted(recomputed) == sorted([MEMBER_A, MEMBER_B])
    lapses = [(c, at) for c, k, at, _ in desk.pending(iid) if k == "automatic"]
    assert lapses == [(MEMBER_A, beijing(2025, 3, 26)), (MEMBER_B, beijing(2025, 3, 28))]


# -- the pure choice of the family's entry ---------------------------------------------------

def _d(state: str, due: date | None) -> Deadline:
    return Deadline("c", state, due, 0, 0, False, False)  # type: ignore[arg-type]


def test_the_representative_prefers_running_then_paused_then_the_latest_date() -> None:
    assert representative({"a": _d("running", date(2025, 3, 24)),
                           "b": _d("stopped", date(2025, 4, 1))}) == "a"
    assert representative({"a": _d("expired", date(2025, 3, 24)),
                           "b": _d("running", date(2025, 3, 26))}) == "b"
    assert representative({"a": _d("paused", None), "b": _d("stopped", date(2025, 4, 1))}) == "a"
    assert representative({"a": _d("stopped", date(2025, 3, 24)),
                           "b": _d("stopped", date(2025, 3, 20))}) == "a"


# -- the definition as data ------------------------------------------------------------------

def test_a_family_definition_round_trips_through_json() -> None:
    d = consult()
    text = definition_to_json(d)
    assert definition_from_json(text) == d
    raw = json.loads(text)
    assert raw["clocks"][0]["family"] is True
    assert raw["clocks"][0]["expiry_key_field"] == "party"
    assert raw["transitions"][1]["effects"][0] == {
        "clock": "consultation", "op": "start", "each": "parties", "key_field": "name",
        "date_field": "received_on", "by": None, "max_times": None, "length_field": None}
    validate(d, registry())


def test_every_family_problem_is_reported_at_once() -> None:
    base = consult()
    extra = (
        Transition("invite", ("consulting",), None, roles=("clerk",), data="consult.AddParty",
                   effects=(ClockEffect("consultation", "start", date_field="received_on"),
                            ClockEffect("consultation", "stop", key_field="who"),
                            ClockEffect("reply", "stop", key_field="party"),
                            ClockEffect("consultation", "restart", each="party"))),
        Transition("resend", ("consulting",), None, roles=("clerk",), data="consult.Send",
                   effects=(ClockEffect("consultation", "start", each="parties",
                                        key_field="nom", date_field="received_on"),)),
    )
    clocks = (Clock("consultation", 15, family=True, on_expiry="lapse", expiry_key_field="who"),
        Clock("reply", 20, expiry_key_field="party"), Clock("bad[name]", 5))
    bad = WorkflowDefinition(
        name=base.name, version=1, title=base.title, states=base.states, roles=base.roles,
        start_trigger=base.start_trigger, transitions=base.transitions + extra, clocks=clocks)
    with pytest.raises(DefinitionError) as info:
        validate(bad, registry())
    problems = info.value.problems
    expected = [
        "transition 'invite': start of clock 'consultation': an effect on a clock family needs "
        "a key_field to start a member",
        "transition 'invite': stop of clock 'reply': key_field and each are for clock families "
        "only",
        "transition 'invite': restart of clock 'consultation': each needs a key_field naming "
        "the key in every object",
        "transition 'invite': restart of clock 'consultation': an effect on a clock family "
        "needs a key_field to start a member",
        "clock 'reply': expiry_key_field is for clock families only",
        "clock 'bad[name]': a clock name may not contain '[' or ']'",
        "transition 'invite': clock effect on 'consultation' reads field 'who', which its data "
        "does not have",
        "transition 'resend': clock effect on 'consultation' reads field 'parties[].nom', which "
        "its data does not have",
        "clock 'consultation': its expiry trigger 'lapse' has no field 'who' for the member's key",
    ]
    for problem in expected:
        assert problem in problems
    assert len(problems) == len(expected)


@settings(max_examples=100, deadline=None)
@given(definitions(), st.data())
def test_generated_definitions_with_dates_and_families_round_trip_exactly(
        d: WorkflowDefinition, data: st.DataObject) -> None:
    optional = st.none() | names

    def effect(e: ClockEffect) -> ClockEffect:
        return dataclasses.replace(e, due_field=data.draw(optional),
                                   key_field=data.draw(optional), each=data.draw(optional))

    clocks = tuple(dataclasses.replace(
        c, due_month_day=data.draw(st.none() | st.sampled_from(["12-31", "06-30"])),
        family=data.draw(st.booleans()), expiry_key_field=data.draw(optional))
        for c in d.clocks)
    transitions = tuple(dataclasses.replace(t, effects=tuple(map(effect, t.effects)))
                        for t in d.transitions)
    d = dataclasses.replace(d, clocks=clocks, transitions=transitions)
    text = definition_to_json(d)
    assert definition_from_json(text) == d
    assert definition_to_json(definition_from_json(text)) == text


# -- keys and dates read from each party ------------------------------------------------------

def test_a_key_listed_twice_is_refused_and_changes_nothing(db_url: str) -> None:
    """Two letters to 甲公司 in one list: which receipt day counts? Neither: refused."""
    desk = Desk(db_url)
    inst = desk.engine.start("consult", CLERK)
    desk.on("2025-03-05")
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(inst.id, "consult", CLERK, {"parties": [
            {"name": A, "received_on": "2025-03-03"}, {"name": B, "received_on": "2025-03-04"},
            {"name": A, "received_on": "2025-03-05"}]})
    error = info.value.errors[0]
    assert error["field"] == "parties" and repr(A) in error["message"]
    assert "parties.0.name" in error["message"] and "parties.2.name" in error["message"]
    assert dump(desk.engine) == before


@pytest.mark.parametrize("value", ["yesterday", "20250303", "2025-W10-1", "2025-02-30"])
def test_a_bad_date_in_an_item_is_refused_naming_the_item(db_url: str, value: str) -> None:
    desk = Desk(db_url)
    inst = desk.engine.start("consult", CLERK)
    desk.on("2025-03-05")
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(inst.id, "consult", CLERK, {"parties": [
            {"name": A, "received_on": "2025-03-03"}, {"name": B, "received_on": value}]})
    assert info.value.errors[0]["field"] == "parties.1.received_on"
    assert dump(desk.engine) == before


def test_a_receipt_day_the_calendar_has_no_data_for_is_invalid_data(db_url: str) -> None:
    """The official calendar starts in 2004: a letter 'received' in 1999 is a typing mistake,
    refused on its own field rather than raised as the calendar's error."""
    from calendars import ChinaCalendar

    desk = Desk(db_url, ChinaCalendar())
    inst = desk.engine.start("consult", CLERK)
    desk.on("2025-03-05")
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(inst.id, "consult", CLERK, {"parties": [
            {"name": A, "received_on": "2025-03-03"}, {"name": B, "received_on": "1999-03-03"}]})
    assert info.value.errors[0]["field"] == "parties.1.received_on"
    assert "1999" in info.value.errors[0]["message"]
    assert dump(desk.engine) == before


def test_stopping_a_party_never_consulted_is_refused_naming_the_key(db_url: str) -> None:
    """A mistyped party must not pass silently; stopping one already stopped still passes
    (its lapse may race its answer), and the unkeyed stop still stops whatever runs."""
    desk = Desk(db_url)
    iid = desk.consulting(BOTH)
    desk.on("2025-03-10")
    before = dump(desk.engine)
    with pytest.raises(InvalidData) as info:
        desk.engine.fire(iid, "answer", CLERK, {"party": "nobody", "answered_on": "2025-03-10"})
    error = info.value.errors[0]
    assert error["field"] == "party" and "'nobody'" in error["message"]
    assert repr(A) in error["message"] and repr(B) in error["message"]
    assert dump(desk.engine) == before
    desk.engine.fire(iid, "answer", CLERK, {"party": A, "answered_on": "2025-03-10"})
    desk.engine.fire(iid, "answer", CLERK, {"party": A, "answered_on": "2025-03-10"})
    assert members(desk.family(iid))[A] == ("stopped", date(2025, 3, 24))
    fam = desk.engine.fire(iid, "decide", CLERK).deadlines["consultation"]
    assert {k: s for k, (s, _) in members(fam).items()} == {A: "stopped", B: "stopped"}


@pytest.mark.parametrize("op", ["pause", "resume", "extend", "stop"])
def test_a_keyed_effect_on_a_member_never_started_is_refused(op: str) -> None:
    """Pure: every keyed effect but a start needs a member that was started; the field named
    is the key's, inside its list object where there is one."""
    from engine.clocks.effects import apply_clocks
    from engine.clocks.record import ClockEffectError, ClockRecord

    c = "consultation"
    effect = ClockEffect(c, op, key_field="name", each="parties",  # type: ignore[arg-type]
                         by=5 if op == "extend" else None)
    d = dataclasses.replace(consult(), transitions=consult().transitions + (
        Transition("act", ("consulting",), None, roles=("clerk",), effects=(effect,)),))
    records = {MEMBER_A: ClockRecord(length=15, started_on=date(2025, 3, 3), epoch=1)}
    data = {"parties": [{"name": A}, {"name": "甲公"}]}
    with pytest.raises(ClockEffectError) as info:
        apply_clocks(d, d.transitions[-1], records, data, date(2025, 3, 10), WeekdayCalendar(),
                     entered=False)
    assert info.value.field == "parties.1.name" and "'甲公'" in str(info.value)


def test_the_family_entry_keeps_the_calendar_gap_of_its_member(db_url: str) -> None:
    """On the strict calendar in 2027 the family is still readable, marked provisional."""
    from calendars import ChinaCalendar

    desk = Desk(db_url, ChinaCalendar())
    iid = desk.consulting(BOTH)
    desk.on("2027-01-05")
    for fam in (desk.family(iid), next(desk.engine.find(workflow="consult")).deadlines[
            "consultation"]):
        assert (fam.state, fam.overdue, fam.provisional) == ("expired", True, True)
        assert fam.details["calendar_missing"] == 2027 and fam.details["member"] == B
        assert all(m.details == {"calendar_missing": 2027}
                   for m in fam.details["members"].values())
    [item] = desk.engine.worklist(CLERK)
    assert item.deadline is not None and item.deadline.overdue
