"""The year's working metrics beside the annual report: how promptly and how well the agency
answered requests, published documents, interpreted policies and re-reviewed attributes.

Definitions (Beijing dates; the year is a calendar year):

- replies on time / late: requests replied in the year by / after their reply period's last
  working day (条例 33, extensions included); working days to reply are the days of the reply
  period used (pauses for consultation and fees left out), as median and 90th percentile;
- extensions: extensions notified in the year (条例 33(2)); overdue: requests without a final
  outcome whose reply period ended before the day the metrics are taken (31 December for a past
  year);
- published in time: active documents formed in the year and published within 20 working days
  of forming (条例 26); still unpublished ones past that period count as late;
- interpretation (expected ≥ 90%, source document 二(二)), diversified interpretation (a form
  other than plain text, ≥ 90%) and multi-channel interpretation (on two or more channels,
  ≥ 50%, source document 二(三)): shares of the policy documents (政策文件, 行政规范性文件, 规章)
  first published in the year;
- re-review: rounds closed in the year and documents re-reviewed in the year by result
  (retained, converted to active disclosure, classified; source document 一(四), 条例 18).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from engine import Engine
from engine.timesource import local_date
from workflows.common.fields import parse_day
from workflows.ledger.documents import Document
from workflows.ledger.tables import DocumentRow
from workflows.reports.annual import check_year, scoped
from workflows.reports.requests import RequestFacts, request_facts

__all__ = ["POLICY_KINDS", "Share", "YearMetrics", "year_metrics"]

POLICY_KINDS = ("policy", "normative", "regulation")
"""The ledger kinds that are policy documents to interpret (谁起草、谁解读)."""

PUBLICATION_DAYS = 20
"""条例 26: active information is published within 20 working days of forming or changing."""


@dataclass(frozen=True, slots=True)
class Share:
    """``count`` of ``total``, with the share expected (``target``, 0–1) where one is set."""

    count: int
    total: int
    target: float | None = None

    @property
    def rate(self) -> float | None:
        """``count / total``, or ``None`` when there is nothing to count."""
        return self.count / self.total if self.total else None

    @property
    def meets_target(self) -> bool | None:
        """Whether the rate reaches the target (``None`` without a target or a rate)."""
        rate = self.rate
        return None if self.target is None or rate is None else rate >= self.target


@dataclass(frozen=True)
class YearMetrics:
    """The metrics of one agency's year, taken on ``as_of`` (see the module for definitions)."""

    year: int
    as_of: dt.date
    replies_on_time: int
    replies_late: int
    reply_days_median: float | None
    reply_days_p90: float | None
    extensions: int
    overdue: tuple[str, ...]
    published_in_time: Share
    interpretation: Share
    diversified: Share
    multi_channel: Share
    review_rounds: int
    reviews: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data; each share also gives its ``rate``."""
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        data["overdue"] = list(self.overdue)
        for name in ("published_in_time", "interpretation", "diversified", "multi_channel"):
            data[name]["rate"] = getattr(self, name).rate
        return data


def year_metrics(engine: Engine, year: int, agency: str | None = None) -> YearMetrics:
    """The metrics of ``agency`` (the engine's by default) for ``year``. Raises
    :class:`ReportError` for a year before 2008 or after the engine's current year."""
    today = local_date(engine.clock.now())
    check_year(year, today)
    as_of = min(today, dt.date(year, 12, 31))
    with scoped(engine, agency) as view:
        facts = list(request_facts(view))
        docs = [Document.from_row(r) for r in view.rows(DocumentRow)]
        rounds, reviews = _reviews(view, year)
        published = _published_in_time(view, docs, year, as_of)
    replied = [f for f in facts if f.replied_on and f.replied_on.year == year]
    late = [f for f in replied if f.reply_due and f.replied_on and f.replied_on > f.reply_due]
    days = sorted(f.reply_days for f in replied if f.reply_days is not None)
    return YearMetrics(
        year=year, as_of=as_of, replies_on_time=len(replied) - len(late),
        replies_late=len(late), reply_days_median=statistics.median(days) if days else None,
        reply_days_p90=_p90(days),
        extensions=sum(1 for f in facts for e in f.extensions if e.year == year),
        overdue=tuple(f.register_number for f in facts if _overdue(f, as_of)),
        published_in_time=published, **_interpretation(docs, year),
        review_rounds=rounds, reviews=reviews)


def _p90(days: Sequence[int]) -> float | None:
    if len(days) < 2:
        return float(days[0]) if days else None
    return statistics.quantiles(days, n=10, method="inclusive")[8]


def _overdue(fact: RequestFacts, as_of: dt.date) -> bool:
    return (not fact.finished_by(as_of) and fact.received_on <= as_of
            and fact.reply_due is not None and fact.reply_due < as_of)


def _published_in_time(engine: Engine, docs: Sequence[Document], year: int,
                       as_of: dt.date) -> Share:
    formed = [d for d in docs if d.attribute == "active" and d.doc_number and d.formed_on
              and d.formed_on.year == year]
    in_time = due = 0
    for doc in formed:
        assert doc.formed_on is not None
        last = engine.calendar.add_working_days(doc.formed_on, PUBLICATION_DAYS)
        first = _first_publication(doc)
        if first is not None and first <= last:
            in_time += 1
        if first is not None or last < as_of:
            due += 1
    return Share(in_time, due)


def _first_publication(doc: Document) -> dt.date | None:
    days = [parse_day(p["date"]) for p in doc.publications if p.get("date")]
    return min(days) if days else None


def _interpretation(docs: Sequence[Document], year: int) -> dict[str, Share]:
    policies = [d for d in docs if d.kind in POLICY_KINDS
                and (first := _first_publication(d)) is not None and first.year == year]
    interpreted = [d for d in policies if d.interpretations]
    diversified = [d for d in interpreted
                   if any(f != "text" for i in d.interpretations for f in i.get("forms", ()))]
    multi = [d for d in interpreted
             if len({c for i in d.interpretations for c in i.get("channels", ())}) >= 2]
    total = len(policies)
    return {"interpretation": Share(len(interpreted), total, 0.9),
            "diversified": Share(len(diversified), total, 0.9),
            "multi_channel": Share(len(multi), total, 0.5)}


def _reviews(engine: Engine, year: int) -> tuple[int, dict[str, int]]:
    """Re-review rounds closed in the year and re-reviewed documents by result."""
    rounds = sum(1 for i in engine.find("attribute_review_round", closed=True)
                 if i.closed_at is not None and local_date(i.closed_at).year == year)
    results = Counter(i.state for i in engine.find("attribute_review", closed=True)
                      if i.closed_at is not None and local_date(i.closed_at).year == year)
    return rounds, {s: results.get(s, 0) for s in ("retained", "converted", "classified")}
