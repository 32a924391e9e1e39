"""The information processing fee (信息处理费) of a disclosure request.

Disclosure on request is free (条例 42), except where the volume or frequency of requests clearly
exceeds a reasonable range; the standard is the 政府信息公开信息处理费管理办法
(国办函〔2020〕109号, cited below as 办法).
The fee is progressive (超额累进, 办法 第三条) and charged either by item or by volume, never both
for one application:

- by item (按件计收, 办法 第四条), counted per applicant over a calendar month: items 1–10 free;
  11–30, 100 yuan each; from item 31 on, bands of 10 items, each band 100 yuan per item more than
  the band before (31–40: 200, 41–50: 300, ...);
- by volume (按量计收, 办法 第五条), counted in pages of one application (including e-mail and
  copies of electronic data): pages 1–30 free; 31–100, 10 yuan a page; 101–200, 20 yuan a page;
  from 201 on, 40 yuan a page.

The result keeps one line per band so a fee notice (收费通知) can state the basis, the standard
and how the amount was reached. Amounts are whole yuan (``int``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "FEE_BASIS",
    "ITEM_BAND_SIZE",
    "ITEM_BAND_STEP",
    "ITEMS_FREE_PER_MONTH",
    "PAGE_BANDS",
    "FeeAssessment",
    "FeeError",
    "FeeLine",
    "FeeMethod",
    "assess_fee",
    "item_fee",
    "item_unit_price",
    "page_fee",
    "page_unit_price",
]

FEE_BASIS = "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
"""The standard every fee notice cites."""

ITEMS_FREE_PER_MONTH = 10
"""Items per applicant per calendar month that are free (办法 第四条(一))."""

ITEM_FIRST_BAND_LAST = 30
ITEM_FIRST_BAND_PRICE = 100
ITEM_BAND_SIZE = 10
"""Above item 30 the price rises every this many items (办法 第四条(三))."""
ITEM_BAND_STEP = 100
"""... by this many yuan per item."""

PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)
"""(first page, last page or ``None`` for open-ended, yuan per page), 办法 第五条."""


class FeeError(ValueError):
    """A fee was asked for with impossible counts, or with both methods at once."""


class FeeMethod(StrEnum):
    """How the fee is counted (办法 第三条): by item (按件计收) or by volume in pages (按量计收)."""

    BY_ITEM = "by_item"
    BY_PAGE = "by_page"


@dataclass(frozen=True, slots=True)
class FeeLine:
    """The charged units falling in one band: units ``first``..``last`` at ``unit_price`` each."""

    first: int
    last: int
    unit_price: int

    @property
    def count(self) -> int:
        """Number of units in this line."""
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        """Yuan charged for this line."""
        return self.count * self.unit_price

    def describe(self, unit: str) -> str:
        """The line as a fee notice states it, e.g. ``第11—30件，100元/件，共20件，2000元``."""
        last = "" if self.first == self.last else f"—{self.last}"
        span = f"第{self.first}{last}{unit}"
        return f"{span}，{self.unit_price}元/{unit}，共{self.count}{unit}，{self.amount}元"


@dataclass(frozen=True, slots=True)
class FeeAssessment:
    """The fee for one application: the method, the total and the breakdown by band.

    ``lines`` lists every band the application's units fall in, free bands included (at 0 yuan),
    so the notice shows what was free as well as what is charged.
    """

    method: FeeMethod
    lines: tuple[FeeLine, ...]

    @property
    def amount(self) -> int:
        """Total in yuan."""
        return sum(line.amount for line in self.lines)

    @property
    def units(self) -> int:
        """Units (items or pages) of this application."""
        return sum(line.count for line in self.lines)

    @property
    def is_free(self) -> bool:
        """Whether nothing is charged."""
        return self.amount == 0

    @property
    def unit(self) -> str:
        """The counting unit in Chinese: 件 or 页."""
        return "件" if self.method is FeeMethod.BY_ITEM else "页"

    def describe(self) -> str:
        """The basis and standard as a fee notice states them, one band per clause."""
        how = "按件计收" if self.method is FeeMethod.BY_ITEM else "按量计收"
        detail = "；".join(line.describe(self.unit) for line in self.lines) or "无"
        return f"依据{FEE_BASIS}{how}：{detail}；合计{self.amount}元。"


def _check_count(name: str, value: int, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise FeeError(f"{name} must be at least {minimum}, got {value}")


def item_unit_price(n: int) -> int:
    """Price in yuan of the ``n``-th item (1-based) of one applicant in one calendar month."""
    _check_count("item number", n, 1)
    if n <= ITEMS_FREE_PER_MONTH:
        return 0
    if n <= ITEM_FIRST_BAND_LAST:
        return ITEM_FIRST_BAND_PRICE
    band = (n - ITEM_FIRST_BAND_LAST - 1) // ITEM_BAND_SIZE + 1
    return ITEM_FIRST_BAND_PRICE + band * ITEM_BAND_STEP


def _item_band_last(n: int) -> int:
    if n <= ITEMS_FREE_PER_MONTH:
        return ITEMS_FREE_PER_MONTH
    if n <= ITEM_FIRST_BAND_LAST:
        return ITEM_FIRST_BAND_LAST
    over = n - ITEM_FIRST_BAND_LAST - 1
    return ITEM_FIRST_BAND_LAST + (over // ITEM_BAND_SIZE + 1) * ITEM_BAND_SIZE


def page_unit_price(n: int) -> int:
    """Price in yuan of the ``n``-th page (1-based) of one application."""
    _check_count("page number", n, 1)
    return next(price for first, last, price in PAGE_BANDS if last is None or n <= last)


def _page_band_last(n: int) -> int | None:
    return next(last for first, last, _ in PAGE_BANDS if last is None or n <= last)


def item_fee(items_this_month_before: int, items: int) -> FeeAssessment:
    """Fee by item (按件计收) for an application of ``items`` items.

    ``items_this_month_before`` is the number of items the same applicant already filed this
    calendar month; only this application's items are charged, at the prices of the places they
    take in the month's count (办法 第四条).
    """
    _check_count("items_this_month_before", items_this_month_before, 0)
    _check_count("items", items, 1)
    lines: list[FeeLine] = []
    first = items_this_month_before + 1
    last_of_application = items_this_month_before + items
    while first <= last_of_application:
        last = min(_item_band_last(first), last_of_application)
        lines.append(FeeLine(first, last, item_unit_price(first)))
        first = last + 1
    return FeeAssessment(FeeMethod.BY_ITEM, tuple(lines))


def page_fee(pages: int) -> FeeAssessment:
    """Fee by volume (按量计收) for an application whose information runs to ``pages`` pages.

    Pages are counted per application, including e-mail and copies of electronic data
    (办法 第五条). Zero pages is free and has no lines.
    """
    _check_count("pages", pages, 0)
    lines: list[FeeLine] = []
    first = 1
    while first <= pages:
        band_last = _page_band_last(first)
        last = pages if band_last is None else min(band_last, pages)
        lines.append(FeeLine(first, last, page_unit_price(first)))
        first = last + 1
    return FeeAssessment(FeeMethod.BY_PAGE, tuple(lines))


def assess_fee(
    *,
    items: int | None = None,
    items_this_month_before: int = 0,
    pages: int | None = None,
) -> FeeAssessment:
    """Fee by exactly one method: give ``items`` (by item) or ``pages`` (by volume), not both.

    The 办法 第三条 forbids charging one application by both standards; asking for both, or for
    neither, is a :class:`FeeError`.
    """
    if items is not None and pages is not None:
        raise FeeError(
            "charge one application by item or by page, never both (国办函〔2020〕109号 第三条)"
        )
    if items is not None:
        return item_fee(items_this_month_before, items)
    if pages is not None:
        if items_this_month_before:
            raise FeeError("items_this_month_before only applies when charging by item")
        return page_fee(pages)
    raise FeeError("give either items (by item) or pages (by volume)")
