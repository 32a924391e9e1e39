"""The receipt date of a disclosure request (收到申请之日, 条例 31).

The reply period (条例 33) and the correction notice period (条例 30) count from the day the
agency received the request, and 条例 31 fixes that day by channel:

- in person (当面提交): the day the request was handed in;
- by post needing a signature (邮寄等需要签收的方式): the day the agency signed for it;
- by ordinary letter (平常信函等无需签收的方式): the day the agency confirmed it with the applicant;
- online or by fax (互联网渠道或者政府信息公开工作机构的传真): the day both sides confirmed it.

Each channel therefore has one *channel date* field; this module names it and derives the receipt
date from it, so the data model and any caller agree on the rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "CHANNEL_DATE_FIELDS",
    "DATE_FIELDS",
    "Channel",
    "ReceiptDateError",
    "receipt_date",
]


class Channel(StrEnum):
    """How a request reached the agency (提交方式), as 条例 31 distinguishes them."""

    IN_PERSON = "in_person"
    POST_SIGNED = "post_signed"
    POST_ORDINARY = "post_ordinary"
    ONLINE = "online"
    FAX = "fax"


CHANNEL_DATE_FIELDS: Mapping[Channel, str] = MappingProxyType(
    {
        Channel.IN_PERSON: "handed_in_on",
        Channel.POST_SIGNED: "signed_for_on",
        Channel.POST_ORDINARY: "confirmed_on",
        Channel.ONLINE: "confirmed_on",
        Channel.FAX: "confirmed_on",
    }
)
"""The field holding the date that is the receipt date for each channel (条例 31)."""

DATE_FIELDS: frozenset[str] = frozenset(CHANNEL_DATE_FIELDS.values())
"""Every channel date field."""


class ReceiptDateError(ValueError):
    """The receipt date cannot be fixed: the channel's date is missing or contradicts it."""


def receipt_date(
    channel: Channel | str,
    received_on: dt.date | None = None,
    *,
    handed_in_on: dt.date | None = None,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
) -> dt.date:
    """The receipt date under 条例 31 for a request that came by ``channel``.

    ``received_on`` may be given directly; otherwise it is the channel's date. Given both, they
    must agree. A date field that belongs to another channel is refused, so a record never
    carries a date that did not fix its receipt.
    """
    chosen = Channel(channel)
    given = {
        "handed_in_on": handed_in_on,
        "signed_for_on": signed_for_on,
        "confirmed_on": confirmed_on,
    }
    field = CHANNEL_DATE_FIELDS[chosen]
    stray = sorted(name for name, value in given.items() if value is not None and name != field)
    if stray:
        raise ReceiptDateError(
            f"{', '.join(stray)} does not apply to channel {chosen.value}; "
            f"its receipt date is {field} (条例 31)"
        )
    channel_date = given[field]
    if received_on is not None and channel_date is not None and received_on != channel_date:
        raise ReceiptDateError(
            f"received_on {received_on.isoformat()} contradicts {field} "
            f"{channel_date.isoformat()}: for channel {chosen.value} the receipt date is "
            f"{field} (条例 31)"
        )
    if received_on is not None:
        return received_on
    if channel_date is None:
        raise ReceiptDateError(
            f"channel {chosen.value} needs {field} or received_on to fix the receipt date (条例 31)"
        )
    return channel_date
