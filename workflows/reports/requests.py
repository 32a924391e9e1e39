"""What the annual report needs of each disclosure request, read once from the engine.

A request is *received* on its ``received_on`` (the day the agency received it, 条例 31) and
*finished* on the day it got its final outcome: the reply's ``replied_on`` (a written reply or one
on the spot), the applicant's ``withdrawn_on``, or the last day of a lapsed period (逾期不补正,
逾期未缴费). A reply made in December and served in January counts in December: the form's
notes do not settle it, and the reply date is the one the law's periods end on (条例 33).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine, Instance
from engine.timesource import local_date
from workflows.common.fields import parse_day
from workflows.disclosure_request import NAME as REQUEST_WORKFLOW

__all__ = ["RequestFacts", "request_facts"]


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """One disclosure request as the report counts it (dates are Beijing dates).

    ``reply_due`` is the reply period's last working day as it stood when the reply was made (or
    stands now), ``reply_days`` the working days of the period used (pauses for consultation and
    fees left out, 条例 33), ``fee_paid_on``/``fee_amount`` the information processing fee paid
    (yuan, 国办函〔2020〕109号).
    """

    id: str
    register_number: str
    applicant_type: str
    received_on: dt.date
    finished_on: dt.date | None
    outcome: str | None
    replied_on: dt.date | None = None
    reply_due: dt.date | None = None
    reply_days: int | None = None
    extensions: tuple[dt.date, ...] = ()
    fee_paid_on: dt.date | None = None
    fee_amount: int = 0

    def finished_by(self, day: dt.date) -> bool:
        """Whether the request had its final outcome on or before ``day``."""
        return self.finished_on is not None and self.finished_on <= day


def request_facts(engine: Engine) -> Iterator[RequestFacts]:
    """The facts of every disclosure request of the engine's agency, in id order."""
    for instance in engine.find(REQUEST_WORKFLOW):
        yield _facts(instance)


def _facts(instance: Instance) -> RequestFacts:
    data = instance.data
    reply = data.get("reply") or {}
    replied_on = _date(reply.get("replied_on"))
    clock = instance.deadlines.get("reply")
    return RequestFacts(
        id=instance.id,
        register_number=str(data.get("register_number") or instance.business_key or ""),
        applicant_type=str(data["applicant"]["type"]),
        received_on=parse_day(data["received_on"]),
        finished_on=_finished_on(instance, replied_on),
        outcome=data.get("outcome"),
        replied_on=replied_on,
        reply_due=clock.due_date if clock else None,
        reply_days=clock.used if clock and replied_on else None,
        extensions=tuple(parse_day(e["notified_on"]) for e in data.get("extensions") or ()),
        fee_paid_on=_date((data.get("payment") or {}).get("paid_on")),
        fee_amount=int((data.get("fee") or {}).get("amount") or 0) if data.get("payment") else 0,
    )


def _finished_on(instance: Instance, replied_on: dt.date | None) -> dt.date | None:
    """The reply date, else the withdrawal or lapse date, else (a lapse fired without its date)
    the Beijing day the request closed; ``None`` while it has no final outcome."""
    if replied_on is not None:
        return replied_on
    data: Mapping[str, Any] = instance.data
    withdrawn = _date((data.get("withdrawal") or {}).get("withdrawn_on"))
    ended = withdrawn or _date((data.get("lapse") or {}).get("on"))
    if ended is None and instance.closed_at is not None:
        return local_date(instance.closed_at)
    return ended


def _date(value: Any) -> dt.date | None:
    return None if value is None else parse_day(value)


