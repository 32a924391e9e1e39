"""The year's metrics as a short plain-text summary: one line per metric, shares as
percentages, targets marked ✓ (met) or ✗ (missed)."""

from __future__ import annotations

from workflows.reports.metrics import Share, YearMetrics

__all__ = ["metrics_text"]


def _share(share: Share) -> str:
    rate = share.rate
    text = f"{share.count}/{share.total}" + ("" if rate is None else f" ({rate:.1%})")
    if share.target is None:
        return text
    mark = {True: " ✓", False: " ✗", None: ""}[share.meets_target]
    return f"{text}, target ≥ {share.target:.0%}{mark}"


def _days(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def metrics_text(metrics: YearMetrics) -> str:
    """The summary of ``metrics`` (see :mod:`workflows.reports.metrics` for definitions)."""
    overdue = ", ".join(metrics.overdue) or "none"
    reviews = ", ".join(f"{result} {n}" for result, n in metrics.reviews.items())
    lines = [
        f"Metrics {metrics.year} (as of {metrics.as_of.isoformat()})",
        f"replies on time (按期答复): {metrics.replies_on_time}",
        f"replies late (逾期答复): {metrics.replies_late}",
        f"working days to reply: median {_days(metrics.reply_days_median)}, "
        f"90th percentile {_days(metrics.reply_days_p90)}",
        f"extensions (延期答复): {metrics.extensions}",
        f"overdue, not finished (超期未办结): {len(metrics.overdue)} ({overdue})",
        f"published within 20 working days (条例 26): {_share(metrics.published_in_time)}",
        f"policies interpreted (政策解读): {_share(metrics.interpretation)}",
        f"diversified interpretation (多元化解读): {_share(metrics.diversified)}",
        f"multi-channel interpretation (多渠道解读): {_share(metrics.multi_channel)}",
        f"re-review rounds closed (动态调整): {metrics.review_rounds}; documents: {reviews}",
    ]
    return "\n".join(lines) + "\n"
