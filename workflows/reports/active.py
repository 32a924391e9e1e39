"""Table 二 主动公开政府信息情况: what the agency disclosed of its own motion.

The 规章 and 行政规范性文件 rows come from the document ledger (台账): 本年制发件数 counts the
documents of that kind formed (成文) in the year that hold a 文号 (an abandoned draft gives its
文号 up and is not counted); 本年废止件数 those repealed in the year; 现行有效件数 those formed by
31 December and not repealed by then ("各项数据核定时间点为报告年度的12月31日"). gongkai does not
run licensing, penalty, enforcement or fee procedures, so those rows are the figures the agency
supplies (:class:`AgencyFigures`), or blank when it supplies none.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from workflows.ledger.documents import Document
from workflows.reports.errors import ReportError

__all__ = ["AgencyFigures", "DocumentCounts", "active_table", "load_figures"]


@dataclass(frozen=True, slots=True)
class DocumentCounts:
    """One ledger row of table 二: 本年制发件数, 本年废止件数, 现行有效件数."""

    issued: int
    repealed: int
    in_force: int


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    """The figures of table 二 that gongkai does not hold: decisions taken in the year on
    licences (行政许可), penalties (行政处罚) and enforcement (行政强制) — disclosed or lawfully
    not — and the administrative fees collected (行政事业性收费, in 万元). ``None`` is "not
    supplied"."""

    licensing: int | None = None
    penalty: int | None = None
    enforcement: int | None = None
    fees: Decimal | None = None

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> AgencyFigures:
        """Figures from a mapping with the keys ``licensing``, ``penalty``, ``enforcement``
        (whole numbers ≥ 0) and ``fees`` (万元 ≥ 0); :class:`ReportError` for an unknown key or
        a value that is not such a number."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ReportError(f"unknown agency figures {unknown}; known: {sorted(known)}")
        counts = {k: _count(k, values[k]) for k in ("licensing", "penalty", "enforcement")
                  if values.get(k) is not None}
        fees = None if values.get("fees") is None else _amount(values["fees"])
        return cls(**counts, fees=fees)


def _count(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ReportError(f"agency figure {key!r} must be a whole number ≥ 0, got {value!r}")
    return value


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)) if not isinstance(value, bool) else Decimal("NaN")
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise ReportError(f"agency figure 'fees' must be an amount in 万元 ≥ 0, got {value!r}")
    return amount


def load_figures(path: str | Path) -> AgencyFigures:
    """The agency's figures from a TOML or JSON file (by its suffix); :class:`ReportError` for a
    file that cannot be read or parsed, or figures that do not fit."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
        values = json.loads(text) if file.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError, RecursionError) as exc:
        raise ReportError(f"cannot read agency figures from {file}: {exc}") from None
    if not isinstance(values, dict):
        raise ReportError(f"agency figures in {file} must be a table of numbers")
    return AgencyFigures.from_mapping(values)


def active_table(documents: Iterable[Document], year: int) -> dict[str, DocumentCounts]:
    """Table 二's 规章 (``regulation``) and 行政规范性文件 (``normative``) rows for ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    docs = [d for d in documents if d.doc_number and d.formed_on is not None]
    return {kind: _counts([d for d in docs if d.kind == kind], first, last)
            for kind in ("regulation", "normative")}


def _counts(docs: list[Document], first: dt.date, last: dt.date) -> DocumentCounts:
    def repealed_by(d: Document, day: dt.date) -> bool:
        return d.repealed_on is not None and d.repealed_on <= day

    return DocumentCounts(
        issued=sum(1 for d in docs if d.formed_on and first <= d.formed_on <= last),
        repealed=sum(1 for d in docs if d.repealed_on and first <= d.repealed_on <= last),
        in_force=sum(1 for d in docs if d.formed_on and d.formed_on <= last
                     and not repealed_by(d, last)))
