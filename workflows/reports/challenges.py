"""Table 四 政府信息公开行政复议、行政诉讼情况: reconsiderations and lawsuits over disclosure.

Fed by the ``challenge`` workflow (one instance per case, linked to its request). A case counts
in year N under its result (结果维持, 结果纠正, 其他结果) if it was decided in N, and as 尚未审结
if it was filed by 31 December of N and not decided by then. A lawsuit in which the
reconsideration body is co-defendant is one case of the original actor (the form's rule: "行政复议
机关作为共同被告的行政诉讼案件，只计算原行为主体的案件数量"), so it counts once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from engine import Engine
from workflows.common.fields import parse_day
from workflows.reports.errors import ReportError
from workflows.reports.form import CHALLENGE_BLOCKS, CHALLENGE_COLUMNS, TOTAL

__all__ = ["ChallengeFacts", "challenge_facts", "challenge_table"]

WORKFLOW = "challenge"


@dataclass(frozen=True, slots=True)
class ChallengeFacts:
    """One case: its kind (a block of table 四), filing and decision dates (Beijing) and result."""

    id: str
    request_id: str
    kind: str
    filed_on: dt.date
    result: str | None
    decided_on: dt.date | None


def challenge_facts(engine: Engine) -> list[ChallengeFacts]:
    """Every case of the engine's agency."""
    return [_facts(i.id, i.data) for i in engine.find(WORKFLOW)]


def _facts(instance_id: str, data: Mapping[str, Any]) -> ChallengeFacts:
    decided = data.get("decided_on")
    return ChallengeFacts(instance_id, str(data.get("request_id", "")), str(data["kind"]),
                          parse_day(data["filed_on"]), data.get("result"),
                          None if decided is None else parse_day(decided))


def challenge_table(cases: Iterable[ChallengeFacts], year: int) -> dict[str, dict[str, int]]:
    """Table 四 for ``year``: ``{block: {column: count}}`` with the blocks ``reconsideration``,
    ``litigation`` (未经复议直接起诉), ``litigation_after_reconsideration`` (复议后起诉) and the
    columns ``upheld``, ``corrected``, ``other``, ``pending``, ``total``. Raises
    :class:`ReportError` for a case of a kind or result the form has no cell for."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    table = {block: {column: 0 for column, _ in CHALLENGE_COLUMNS}
             for block, _, _ in CHALLENGE_BLOCKS}
    for case in cases:
        column = _column(case, first, last)
        if column is None:
            continue
        if case.kind not in table or column not in table[case.kind]:
            raise ReportError(f"challenge {case.id}: kind {case.kind!r}, result {column!r} "
                              "have no cell in table 四")
        table[case.kind][column] += 1
        table[case.kind][TOTAL] += 1
    return table


def _column(case: ChallengeFacts, first: dt.date, last: dt.date) -> str | None:
    if case.decided_on is not None and first <= case.decided_on <= last:
        return case.result
    if case.filed_on <= last and (case.decided_on is None or case.decided_on > last):
        return "pending"
    return None
