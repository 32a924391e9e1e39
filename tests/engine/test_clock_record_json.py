"""A clock record's JSON (written out by hand for speed) is what ``dataclasses.asdict`` gave, key
order included, and reads back to the same record."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

import pytest

from engine.clocks.record import ClockRecord


def _by_asdict(record: ClockRecord) -> dict[str, Any]:
    raw = asdict(record)
    raw["pauses"] = [[p.isoformat(), r.isoformat()] for p, r in record.pauses]
    for key in ("started_on", "paused_on", "stopped_on", "due_on", "fixed_due"):
        raw[key] = raw[key].isoformat() if raw[key] else None
    if raw["fixed_due"] is None:
        del raw["fixed_due"]
    return raw


RECORDS = [
    ClockRecord(20),
    ClockRecord(20, started_on=date(2025, 3, 3), epoch=1, due_on=date(2025, 3, 31)),
    ClockRecord(15, started_on=date(2025, 3, 3), pauses=((date(2025, 3, 5), date(2025, 3, 10)),),
                paused_on=date(2025, 3, 12), extended_by=20, extensions=1,
                stopped_on=date(2025, 4, 1), epoch=4, due_on=date(2025, 4, 30), provisional=True),
    ClockRecord(0, started_on=date(2025, 1, 2), fixed_due=date(2025, 12, 31), epoch=1),
]


@pytest.mark.parametrize("record", RECORDS)
def test_json_is_the_same_as_before_and_reads_back(record: ClockRecord) -> None:
    raw = record.to_json()
    assert list(raw.items()) == list(_by_asdict(record).items())
    assert ClockRecord.from_json(raw) == record
