"""Clock families: one clock per key, e.g. one consultation period per consulted party.

Each third party (条例 32) or co-producing agency (条例 34) has 15 working days from the day *it*
received its consultation letter, so one request runs several periods of one kind at once. A
family member is stored as a record of its own under ``member_name(clock, key)`` (e.g.
``consultation[甲公司]``), with its own timers and epoch. The snapshot shows the family as one
deadline, ``deadlines["consultation"]``: its latest-running member (see :func:`representative`),
with every member's own deadline in ``details["members"]`` (key → :class:`Deadline`) and the
key of the member shown in ``details["member"]``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from datetime import date

from engine.clocks.deadline import Deadline, WorkingCalendar, deadline
from engine.clocks.record import ClockRecord
from engine.definition.model import WorkflowDefinition, split_member


def members(records: Mapping[str, ClockRecord], clock: str) -> dict[str, str]:
    """key → record name of every member of the family ``clock``, in record order."""
    found = {}
    for name in records:
        family, key = split_member(name)
        if family == clock and key is not None:
            found[key] = name
    return found


def _rank(d: Deadline) -> tuple[bool, bool, date]:
    """Running (or expired but still running) first, then paused, then stopped; then the
    latest due date (a paused unit clock, without one, ranks lowest among its kind)."""
    return (d.state in ("running", "expired"), d.state == "paused", d.due_date or date.min)


def representative(member_deadlines: Mapping[str, Deadline]) -> str:
    """The key of the member that stands for the family: the running member whose due date is
    latest; if none runs, the paused, then the stopped member due latest. Ties go to the
    member started last (the later key in record order)."""
    best = None
    for key, d in member_deadlines.items():
        if best is None or _rank(d) >= _rank(member_deadlines[best]):
            best = key
    assert best is not None, "a family without members has no representative"
    return best


def family_deadline(clock: str, member_deadlines: Mapping[str, Deadline]) -> Deadline:
    """The family's entry: its representative's deadline under the family's name (with its
    ``details``, e.g. ``calendar_missing``, and the family's ``member`` and ``members``)."""
    key = representative(member_deadlines)
    shown = member_deadlines[key]
    return replace(shown, clock=clock, details={**shown.details, "member": key,
                                                "members": dict(member_deadlines)})


def deadlines(definition: WorkflowDefinition, records: Mapping[str, ClockRecord],
              cal: WorkingCalendar, today: date, announced: Collection[str] = ()
              ) -> dict[str, Deadline]:
    """Each started clock's deadline on ``today``; a family as one entry (its members in its
    ``details``). ``announced`` names records whose due date was just announced."""
    out: dict[str, Deadline] = {}
    grouped: dict[str, dict[str, Deadline]] = {}
    for name, rec in records.items():
        if not rec.started_on:
            continue
        clock = definition.clock(name)
        snap = deadline(rec, clock, cal, today, name in announced, name)
        family, key = split_member(name)
        if clock.family and key is not None:
            grouped.setdefault(family, {})[key] = snap
        else:
            out[name] = snap
    for family, group in grouped.items():
        out[family] = family_deadline(family, group)
    return out
