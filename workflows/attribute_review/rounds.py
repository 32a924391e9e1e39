"""How rounds open: the yearly round (a calendar schedule), the request threshold (条例 44).

(a) The yearly round. :func:`schedule_yearly_round` adds the agency's calendar schedule
:data:`YEARLY_SCHEDULE` on the ``n``-th working day of ``month`` (default: the first working day
of December, source document 一(四)), which starts one ``attribute_review_round`` instance per
occurrence — exactly once however many workers share the database, the engine's business key
``"attribute-review-yearly:YYYY-MM-DD"`` sees to it. That instance's start action
(:func:`open_yearly_reviews`) starts, in the same transaction, one ``attribute_review`` per
``on_request`` or ``withheld`` document of the ledger that is issued, unclassified and not already
under review, reason ``yearly``, round the occurrence's year.

(b) The request threshold. :func:`maybe_open_threshold_round` is called by the disclosure
request's counting inside its own transition, after it recorded the request on the ledger: when
the document's requests within the window (:class:`Threshold`: 3 distinct applicants or 5
requests within 365 calendar days, settings) reach the threshold, a round opens at once, reason
``threshold`` — once per window: not if a threshold round opened on the document within the
window, nor while another round is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine import SYSTEM, Engine, Registry, Schedule, ScheduleSpec, TransitionContext
from engine.actor import SYSTEM_ROLE
from workflows.attribute_review import documents
from workflows.attribute_review.conversion import LINK_KIND
from workflows.attribute_review.definition import NAME, ROUND_NAME
from workflows.common.periods import not_over
from workflows.ledger import DocumentRequestRow, DocumentRow

YEARLY_SCHEDULE = "attribute-review-yearly"
"""The name of the agency's yearly round schedule."""

round_rules = Registry(prefix=ROUND_NAME)


@dataclass(frozen=True)
class Threshold:
    """When requests for a document open a round (条例 44; the source gives no numbers):
    ``applicants`` distinct applicants or ``requests`` requests within ``window_days`` calendar
    days up to the day counted."""

    applicants: int = 3
    requests: int = 5
    window_days: int = 365

    def __post_init__(self) -> None:
        for name in ("applicants", "requests", "window_days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"threshold {name} must be a whole number, at least 1, "
                                 f"got {value!r}")


DEFAULT_THRESHOLD = Threshold()


def _open(ctx: TransitionContext, doc_number: str, round_: str, reason: str) -> str:
    return ctx.start(NAME, {"doc_number": doc_number, "round": round_, "reason": reason},
                     link=(LINK_KIND, doc_number), actor=SYSTEM)


@round_rules.guard("round_over_for_system")
def round_over_for_system(ctx: TransitionContext) -> str | None:
    """The round's own clock closes it (``close_round`` in the system role) only after its last
    day, the completion date (31 December by default; source document 一(四)); the office may
    close a round earlier, once its reviews are done."""
    roles = ctx.transition.roles if ctx.transition is not None else ()
    if ctx.actor.role_for(roles) != SYSTEM_ROLE:
        return None
    return not_over(ctx, "round", "yearly round", "source document 一(四)")


@round_rules.action("open_yearly_reviews")
def open_yearly_reviews(ctx: TransitionContext) -> dict[str, Any]:
    """Open a review for every non-public document not already under review (条例 18)."""
    year = str(date.fromisoformat(ctx.data["occurrence"]).year)
    rows = [row for attribute in documents.NON_PUBLIC
            for row in ctx.tables.select(DocumentRow, attribute=attribute)]
    opened = []
    for row in sorted(rows, key=lambda r: str(r["doc_number"])):
        if row["doc_number"] and documents.reviewable(row) is None \
                and not documents.under_review(row):
            _open(ctx, row["doc_number"], year, "yearly")
            opened.append(row["doc_number"])
    return {"round": year, "opened": opened}


def window_counts(ctx: TransitionContext, doc_number: str, on: date,
                  window_days: int) -> tuple[int, int]:
    """(requests, distinct applicants) naming the document in the ``window_days`` calendar days
    up to and including ``on``."""
    since = on - timedelta(days=window_days)
    rows = [row for row in ctx.tables.select(DocumentRequestRow, doc_number=doc_number)
            if since < row["requested_on"] <= on]
    return len(rows), len({row["applicant_key"] for row in rows})


def maybe_open_threshold_round(ctx: TransitionContext, doc_number: str,
                               threshold: Threshold = DEFAULT_THRESHOLD,
                               on: date | None = None) -> str | None:
    """Open a ``threshold`` round on ``doc_number`` if its requests reached ``threshold`` within
    the window ending ``on`` (default: the event's day); the new instance's id, else ``None``.

    Call from an action (it starts a child instance), after recording the request. Nothing opens
    for a document that is not reviewable (not in the ledger, not issued, public, classified),
    already under review, or had a threshold round open within the window. The round is labelled
    with the year of ``on``.
    """
    on = on or ctx.today
    row = documents.document(ctx, doc_number)
    if row is None or documents.reviewable(row) is not None or documents.under_review(row):
        return None
    since = on - timedelta(days=threshold.window_days)
    if documents.opened_since(row, "threshold", since):
        return None
    requests, applicants = window_counts(ctx, doc_number, on, threshold.window_days)
    if requests < threshold.requests and applicants < threshold.applicants:
        return None
    return _open(ctx, doc_number, str(on.year), "threshold")


def schedule_yearly_round(engine: Engine, month: int = 12, n: int = 1) -> Schedule:
    """Schedule the agency's yearly round on the ``n``-th working day of ``month`` (default the
    first working day of December, source document 一(四)); scheduling again with the same
    values changes nothing, with others moves it."""
    return engine.schedule(YEARLY_SCHEDULE, ScheduleSpec.nth_working_day(n, months=(month,)),
                           ROUND_NAME, action="start")
