"""Small definitions for the clock, timer and worker tests (not domain workflows).

* :func:`request` — a reply period shaped like 条例 33: received, corrected (条例 30: the period
  counts afresh), consultations (条例 32, 34: the clock stops meanwhile), one extension
  (条例 33), reply. Working days, or calendar days for the calendar-day tests. It names no guard,
  action or model, so any process (the ``gongkai`` command line too) can load it from storage.
* :func:`ticket` — one short clock whose expiry fires an automatic transition, with pause,
  resume, restart, extend, stop, a state change that leaves the clock alone, and a close; the
  expiry transition can carry an action that raises (see :func:`ticket_registry`).
* :func:`burst` — three one-calendar-day clocks started on a date given in the data, so a real
  transition can write timers that are already due (the worker tests run on the real clock, whose
  granularity for statutory periods is a day).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from engine import (
    Actor,
    Clock,
    ClockEffect,
    Engine,
    Registry,
    State,
    Title,
    Transition,
    TransitionContext,
)
from engine import WorkflowDefinition as Definition
from engine.timesource import SHANGHAI

CLERK = Actor("clerk-1", {"clerk"})
HEAD = Actor("head-1", {"head"})


# -- request: the reply period -------------------------------------------------------------------

def request(unit: str = "working_days", length: int = 20, extend_by: int = 20,
            name: str = "request") -> Definition:
    reply = "reply"
    states = (
        State("registered", Title("已登记"), "initial"),
        State("correcting", Title("补正中")),
        State("consulting", Title("征求意见中")),
        State("closed", Title("已答复"), "terminal"),
    )
    transitions = (
        Transition("receive", (), "registered", roles=("clerk",),
                   effects=(ClockEffect(reply, "start", date_field="received_on"),)),
        Transition("request_correction", ("registered",), "correcting", roles=("clerk",),
                   effects=(ClockEffect(reply, "pause", date_field="notified_on"),)),
        Transition("receive_correction", ("correcting",), "registered", roles=("clerk",),
                   effects=(ClockEffect(reply, "restart", date_field="received_on"),)),
        Transition("consult", ("registered",), "consulting", roles=("clerk",),
                   effects=(ClockEffect(reply, "pause", date_field="sent_on"),)),
        Transition("receive_opinions", ("consulting",), "registered", roles=("clerk",),
                   effects=(ClockEffect(reply, "resume", date_field="received_on"),)),
        Transition("extend", ("registered",), None, roles=("head",),
                   effects=(ClockEffect(reply, "extend", by=extend_by, max_times=1),)),
        Transition("reply", ("registered",), "closed", roles=("clerk",),
                   effects=(ClockEffect(reply, "stop", date_field="replied_on"),)),
        Transition("withdraw", ("registered", "correcting", "consulting"), "closed",
                   roles=("clerk",)),
    )
    clock = Clock(reply, length, unit=unit, title=Title("答复期限", "Reply period"),  # type: ignore[arg-type]
                  reminders=(5,))
    return Definition(name=name, version=1, title=Title("依申请公开（测试）", "Request (test)"),
                      states=states, transitions=transitions, clocks=(clock,),
                      roles=("clerk", "head"), start_trigger="receive")


# -- ticket: an automatic transition on expiry ----------------------------------------------------

def ticket(expiry_actions: tuple[str, ...] = (), name: str = "ticket") -> Definition:
    """Clock ``answer``: 3 working days, a reminder 1 day before, ``lapse`` fires on expiry."""
    answer = "answer"
    states = (
        State("open", Title("办理中"), "initial"),
        State("waiting", Title("等待中")),
        State("moved", Title("已转办")),
        State("done", Title("已办结"), "terminal"),
        State("lapsed", Title("已逾期"), "terminal"),
    )
    transitions = (
        Transition("create", (), "open", roles=("clerk",),
                   effects=(ClockEffect(answer, "start"),)),
        Transition("wait", ("open",), "waiting", roles=("clerk",),
                   effects=(ClockEffect(answer, "pause"),)),
        Transition("resume", ("waiting",), "open", roles=("clerk",),
                   effects=(ClockEffect(answer, "resume"),)),
        Transition("restart", ("open",), None, roles=("clerk",),
                   effects=(ClockEffect(answer, "restart"),)),
        Transition("extend", ("open",), None, roles=("clerk",),
                   effects=(ClockEffect(answer, "extend", by=2),)),
        Transition("move", ("open",), "moved", roles=("clerk",)),
        Transition("finish", ("open", "moved", "waiting"), "done", roles=("clerk",),
                   effects=(ClockEffect(answer, "stop"),)),
        Transition("close", ("open", "moved", "waiting"), "done", roles=("clerk",)),
        Transition("lapse", ("open", "moved"), "lapsed", roles=("system",),
                   actions=expiry_actions, effects=(ClockEffect(answer, "stop"),)),
    )
    clock = Clock(answer, 3, title=Title("办理期限", "Answer period"), reminders=(1,),
                  on_expiry="lapse", expiry_date_field="lapsed_on")
    return Definition(name=name, version=1, title=Title("工单（测试）", "Ticket (test)"),
                      states=states, transitions=transitions, clocks=(clock,),
                      roles=("clerk",), start_trigger="create")


class Flaky:
    """An action that raises its first ``failures`` calls (``None``: every call), then succeeds."""

    def __init__(self, failures: int | None) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, ctx: TransitionContext) -> dict[str, Any]:
        self.calls += 1
        if self.failures is None or self.calls <= self.failures:
            raise ConnectionError(f"mail gateway unreachable (call {self.calls})")
        return {"notified": True}


def ticket_registry(action: Callable[[TransitionContext], Any]) -> Registry:
    """A registry with ``action`` under the name ``notify_gateway``."""
    reg = Registry()
    reg.action("notify_gateway")(action)
    return reg


# -- burst: timers that are due as soon as they are written -------------------------------------

BURST_CLOCKS = ("a", "b", "c")


def burst() -> Definition:
    """Three one-calendar-day clocks started on ``since``: a and b record an overdue mark on
    expiry, c fires the automatic internal transition ``note``."""
    effects = tuple(ClockEffect(c, "start", date_field="since") for c in BURST_CLOCKS)
    transitions = (
        Transition("begin", (), "open", roles=("clerk",), effects=effects),
        Transition("note", ("open",), None, roles=("system",)),
        Transition("close", ("open",), "closed", roles=("clerk",)),
    )
    clocks = (Clock("a", 1, unit="calendar_days"), Clock("b", 1, unit="calendar_days"),
              Clock("c", 1, unit="calendar_days", on_expiry="note", expiry_date_field="due"))
    return Definition(name="burst", version=1, title=Title("突发（测试）", "Burst (test)"),
                      states=(State("open", kind="initial"), State("closed", kind="terminal")),
                      transitions=transitions, clocks=clocks, roles=("clerk",),
                      start_trigger="begin")


def shanghai_today(now: datetime | None = None) -> date:
    return (now or datetime.now(SHANGHAI)).astimezone(SHANGHAI).date()


def start_due_bursts(engine: Engine, count: int) -> list[str]:
    """``count`` burst instances whose three timers fell due at 00:00 today (Beijing)."""
    since = (shanghai_today(engine.clock.now()) - timedelta(days=2)).isoformat()
    return [engine.start("burst", CLERK, {"since": since}).id for _ in range(count)]


def fire_until_idle(url: str, idle_rounds: int = 3, deadline_s: float = 90.0) -> int:
    """A worker process for the multi-worker test: its own Engine, ``run_due_timers`` in a loop.

    Stops after ``idle_rounds`` rounds in a row found nothing due; returns how many it fired.
    """
    from calendars import ChinaCalendar

    engine = Engine(url, calendar=ChinaCalendar(provisional=True))
    fired, idle, stop_at = 0, 0, time.monotonic() + deadline_s
    try:
        while idle < idle_rounds and time.monotonic() < stop_at:
            n = engine.run_due_timers()
            fired += n
            idle = 0 if n else idle + 1
            if not n:
                time.sleep(0.05)
    finally:
        engine.db.dispose()
    return fired
