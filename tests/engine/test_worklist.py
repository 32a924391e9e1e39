"""The worklist (待办): open instances the actor's roles can act on now, most urgent first —
overdue, then by due date, then those without a running clock — a page at a time.

Monday-to-Friday calendar (``tests.engine.helpers``); "today" is Thu 2025-03-06. Reply periods
of 20 working days (the ``request`` definition) and the purchase sample's 5-day review:

* R1 received Mon 2-3 → 2-4…2-7, 2-10…2-14, 2-17…2-21, 2-24…2-28, 3-3: due Mon 3-3 (overdue);
* R6 received Wed 2-5 → 2-6, 2-7, 2-10…2-28 (17), 3-3, 3-4, 3-5: due Wed 3-5 (overdue);
* R2 received Mon 2-10 → 2-11…2-14, 2-17…3-7 (19), 3-10: due Mon 3-10;
* P1 submitted Tue 3-4 → 3-5, 3-6, 3-7, 3-10, 3-11: review due Tue 3-11;
* R3 received Thu 2-20 → 2-21, 2-24…3-14 (16), 3-17…3-20: due Thu 3-20;
* R4 paused (consultation) and P2 a draft: no running clock, last;
* R5 replied (closed): not listed.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from engine import Actor, Engine
from engine.testing import ManualClock
from tests.engine import sample, timer_defs
from tests.engine.helpers import DIRECTOR, MANAGER, WeekdayCalendar
from tests.engine.timer_defs import CLERK, HEAD

CLERK_ALL = Actor("clerk-2", {"clerk"})  # clerk of both workflows


class Desk:
    def __init__(self, url: str) -> None:
        self.clock = ManualClock(datetime(2025, 2, 3, 10))
        self.engine = Engine(url, clock=self.clock, calendar=WeekdayCalendar(),
                             registry=sample.make_registry())
        self.engine.register(timer_defs.request())
        self.engine.register(sample.definition())
        self.ids: dict[str, str] = {}

    def on(self, day: str) -> None:
        self.clock.set(datetime.combine(date.fromisoformat(day), time(10)))

    def receive(self, name: str, day: str) -> str:
        self.on(day)
        self.ids[name] = self.engine.start("request", CLERK, {"received_on": day},
                                           business_key=name).id
        return self.ids[name]

    def names(self, items: list) -> list[str]:  # type: ignore[type-arg]
        by_id = {v: k for k, v in self.ids.items()}
        return [by_id[i.instance.id] for i in items]


@pytest.fixture
def desk(db_url: str) -> Desk:
    d = Desk(db_url)
    d.receive("R1", "2025-02-03")
    d.receive("R6", "2025-02-05")
    d.receive("R2", "2025-02-10")
    d.receive("R5", "2025-02-12")
    d.receive("R3", "2025-02-20")
    d.receive("R4", "2025-02-25")
    d.on("2025-02-26")
    d.engine.fire(d.ids["R5"], "reply", CLERK, {"replied_on": "2025-02-26"})
    d.on("2025-02-27")
    d.engine.fire(d.ids["R4"], "consult", CLERK, {"sent_on": "2025-02-27"})
    d.on("2025-03-03")
    d.ids["P2"] = d.engine.start("purchase", CLERK, {"item": "chair", "amount": 80}).id
    d.on("2025-03-04")
    d.ids["P1"] = d.engine.start("purchase", CLERK, {"item": "desk", "amount": 300}).id
    d.engine.fire(d.ids["P1"], "submit", CLERK)
    d.on("2025-03-06")
    return d


def test_overdue_first_then_by_due_date_then_without_a_clock(desk: Desk) -> None:
    items = desk.engine.worklist(CLERK_ALL)
    names = desk.names(items)
    assert names[:5] == ["R1", "R6", "R2", "P1", "R3"]
    assert set(names[5:]) == {"R4", "P2"}  # no running clock: last, in a stable order
    assert [(i.deadline.due_date, i.overdue) for i in items[:5]] == [  # type: ignore[union-attr]
        (date(2025, 3, 3), True), (date(2025, 3, 5), True), (date(2025, 3, 10), False),
        (date(2025, 3, 11), False), (date(2025, 3, 20), False)]
    assert [i.deadline for i in items[5:]] == [None, None]
    assert items[0].triggers == ("consult", "reply", "request_correction", "withdraw")
    by_name = dict(zip(names, items, strict=True))
    assert by_name["R4"].triggers == ("receive_opinions", "withdraw")
    assert by_name["P2"].triggers == ("cancel", "submit")
    assert by_name["P1"].triggers == ("cancel",)  # the clerk may only withdraw a submitted one


def test_only_what_the_actors_roles_can_fire(desk: Desk) -> None:
    # The head of the office may only extend (registered requests); the manager decides
    # submitted purchases, which the director may only reject; a visitor never has anything.
    assert desk.names(desk.engine.worklist(HEAD)) == ["R1", "R6", "R2", "R3"]
    assert [i.triggers for i in desk.engine.worklist(HEAD)] == [("extend",)] * 4
    manager = desk.engine.worklist(MANAGER)
    assert desk.names(manager) == ["P1"]
    assert manager[0].triggers == ("approve", "hold", "reject", "release")
    director = desk.engine.worklist(DIRECTOR)
    assert (desk.names(director), director[0].triggers) == (["P1"], ("reject",))
    assert desk.engine.worklist(Actor("visitor", {"visitor"})) == []
    # Once the manager escalates a big purchase, the director may approve it. Its review clock
    # stopped on escalation, so it comes after P1 (review due 3-11).
    big = desk.engine.start("purchase", CLERK, {"item": "car", "amount": 9000}).id
    desk.engine.fire(big, "submit", CLERK)
    desk.engine.fire(big, "approve", MANAGER, {"note": "too big for me"})
    director = desk.engine.worklist(DIRECTOR)
    assert [(i.instance.id, i.triggers) for i in director] == [
        (desk.ids["P1"], ("reject",)), (big, ("approve", "reject"))]


def test_filtered_by_workflow(desk: Desk) -> None:
    assert desk.names(desk.engine.worklist(CLERK_ALL, workflow="purchase"))[0] == "P1"
    assert set(desk.names(desk.engine.worklist(CLERK_ALL, workflow="purchase"))) == {"P1", "P2"}
    assert desk.names(desk.engine.worklist(CLERK_ALL, workflow="request"))[:4] == [
        "R1", "R6", "R2", "R3"]


def test_paged(desk: Desk) -> None:
    full = [i.instance.id for i in desk.engine.worklist(CLERK_ALL)]
    pages = [[i.instance.id for i in desk.engine.worklist(CLERK_ALL, page=p, page_size=3)]
             for p in (1, 2, 3)]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert sum(pages, []) == full
    assert desk.engine.worklist(CLERK_ALL, page=4, page_size=3) == []


def test_closed_instances_leave_the_list_and_time_makes_items_overdue(desk: Desk) -> None:
    desk.engine.fire(desk.ids["R1"], "reply", CLERK, {"replied_on": "2025-03-06"})
    assert "R1" not in desk.names(desk.engine.worklist(CLERK_ALL))
    # Tue 3-11: R2 (due 3-10) is overdue now, P1 (due 3-11) is due today, not overdue.
    desk.on("2025-03-11")
    items = desk.engine.worklist(CLERK_ALL)
    assert [(n, i.overdue) for n, i in zip(desk.names(items), items, strict=True)][:4] == [
        ("R6", True), ("R2", True), ("P1", False), ("R3", False)]
