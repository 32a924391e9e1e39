"""Lapses wait for the end of their period, whoever fires them.

A lapse trigger (``fee_lapsed``, ``consultation_lapsed``, ``correction_lapsed``,
``reasons_lapsed``, ``close_round``) records that a period ran out with nobody acting. The
engine's timer fires it at 00:00 after the last day; an actor firing it earlier is refused by
the trigger's guard, which reads the period's last day from the instance's clocks (the working
days the clock counted, pauses and extensions included) rather than counting again.
"""

from __future__ import annotations

from engine import Deadline, TransitionContext


def period_of(ctx: TransitionContext, clock: str, member: str | None = None) -> Deadline | None:
    """The clock's deadline as the instance stood before this event (a family member's own
    deadline when ``member`` names one), or ``None`` if it never started."""
    period = ctx.deadlines.get(clock)
    if period is None or member is None:
        return period
    found = period.details.get("members", {}).get(member)
    return found if isinstance(found, Deadline) else None


def not_over(ctx: TransitionContext, clock: str, what: str, law: str,
             member: str | None = None) -> str | None:
    """Why ``what`` (the period counted by ``clock``) cannot lapse on the event's day
    (``ctx.today``, a Beijing date): it has not started, it is held, or its last day (a Beijing
    date) has not passed; ``None`` once the period is over. ``law`` is the article cited."""
    period = period_of(ctx, clock, member)
    if period is None:
        return f"the {what} has not started, so it cannot lapse ({law})"
    if period.state == "stopped":
        return None
    if period.due_date is None:
        return (f"the {what} is held (the notice's receipt is not recorded), so it cannot lapse "
                f"({law})")
    if ctx.today <= period.due_date:
        return (f"the {what} ends on {period.due_date} (Beijing date); it lapses only after "
                f"that day ({law})")
    return None
