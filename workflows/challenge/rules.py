"""Guards and actions of the challenge workflow, each citing its rule.

Guards return ``None`` to allow or the reason for refusing. The request and an earlier
reconsideration are read with ``ctx.instance`` inside the transition, so only instances of the
case's own agency are found; dates in the data are ISO strings (Beijing dates).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from engine import Instance, Registry, TransitionContext
from workflows.challenge.definition import NAME, REQUEST_LINK
from workflows.disclosure_request.definition import NAME as REQUEST_WORKFLOW

rules = Registry(prefix=NAME)
guard, action = rules.guard, rules.action


def _request(ctx: TransitionContext) -> Instance | None:
    """The disclosure request the case names, if this agency has it."""
    found = ctx.instance(ctx.data["request_id"])
    return found if found is not None and found.workflow == REQUEST_WORKFLOW else None


def _not_in_future(ctx: TransitionContext, field: str) -> str | None:
    day = date.fromisoformat(ctx.data[field])
    return f"{field} {day} is after today, {ctx.today}" if day > ctx.today else None


@guard("request_of_agency")
def request_of_agency(ctx: TransitionContext) -> str | None:
    """A case is about one of the agency's disclosure requests (条例 51: the applicant challenges
    the agency's handling of it); another agency's request is not found here."""
    request_id = ctx.data["request_id"]
    found = ctx.instance(request_id)
    if found is None:
        return f"this agency has no disclosure request {request_id!r}"
    if found.workflow != REQUEST_WORKFLOW:
        return (f"instance {request_id!r} is a {found.workflow}, not a disclosure request; "
                "a challenge names the request it is about")
    return None


@guard("filed_after_receipt")
def filed_after_receipt(ctx: TransitionContext) -> str | None:
    """A case is filed on a past day or today, and not before the agency received the request
    (收到申请之日, 条例 31): there was nothing to challenge before."""
    request = _request(ctx)
    received = request.data.get("received_on") if request is not None else None
    if received is None:
        return "the request's receipt day (received_on) is not on record"
    filed = date.fromisoformat(ctx.data["filed_on"])
    if filed < date.fromisoformat(received):
        return f"filed_on {filed} is before the request was received, {received}"
    return _not_in_future(ctx, "filed_on")


def _mismatch(ctx: TransitionContext, earlier: Instance, reconsideration_id: str) -> str | None:
    """Why the agency's challenge ``earlier`` is not a reconsideration of this case's request."""
    if earlier.data.get("kind") != "reconsideration":
        return (f"challenge {reconsideration_id!r} is a {earlier.data.get('kind')}, "
                "not a reconsideration")
    if earlier.data.get("request_id") != ctx.data["request_id"]:
        return (f"reconsideration {reconsideration_id!r} is about request "
                f"{earlier.data.get('request_id')!r}, not {ctx.data['request_id']!r}")
    return None


@guard("reconsideration_matches")
def reconsideration_matches(ctx: TransitionContext) -> str | None:
    """The earlier reconsideration of litigation after reconsideration, when named, is this
    agency's reconsideration of the same request, and the suit is filed after it: after its
    decision if it has one, else after its filing (the body failed to decide in time;
    行政诉讼法 第四十五条)."""
    reconsideration_id = ctx.data.get("reconsideration_id")
    if reconsideration_id is None:
        return None
    earlier = ctx.instance(reconsideration_id)
    if earlier is None or earlier.workflow != NAME:
        return f"this agency has no challenge {reconsideration_id!r}"
    problem = _mismatch(ctx, earlier, reconsideration_id)
    if problem is not None:
        return problem
    field = "decided_on" if earlier.data.get("decided_on") else "filed_on"
    if date.fromisoformat(ctx.data["filed_on"]) < date.fromisoformat(earlier.data[field]):
        what = "decided" if field == "decided_on" else "filed"
        return (f"filed_on {ctx.data['filed_on']} is before the reconsideration was {what}, "
                f"{earlier.data[field]} (行政诉讼法 第四十五条)")
    return None


@guard("decided_after_filing")
def decided_after_filing(ctx: TransitionContext) -> str | None:
    """A case is decided on or after the day it was filed, and not in the future."""
    filed = ctx.instance_data["filed_on"]
    if date.fromisoformat(ctx.data["decided_on"]) < date.fromisoformat(filed):
        return f"decided_on {ctx.data['decided_on']} is before the case was filed, {filed}"
    return _not_in_future(ctx, "decided_on")


@action("link_request")
def link_request(ctx: TransitionContext) -> dict[str, Any]:
    """Link the case to its request, so ``engine.find(linked=("disclosure_request", id))``
    lists the request's challenges."""
    ctx.link(REQUEST_LINK, ctx.data["request_id"])
    return {}


__all__ = ["rules"]
