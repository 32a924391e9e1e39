"""The information processing fee against 政府信息公开信息处理费管理办法 (国办函〔2020〕109号).

办法 第三条: progressive (超额累进), by item or by volume, never both for one application.
办法 第四条: by item, per applicant per calendar month: 1–10 free, 11–30 at 100 yuan, then bands of
10 items each 100 yuan dearer. 办法 第五条: by volume: pages 1–30 free, 31–100 at 10, 101–200 at
20, from 201 at 40 yuan a page.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.disclosure_request.fees import (
    FeeError,
    FeeLine,
    FeeMethod,
    assess_fee,
    item_fee,
    item_unit_price,
    page_fee,
    page_unit_price,
)

counts = st.integers(min_value=0, max_value=400)


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300),
     (51, 400), (100, 800), (101, 900)],
)
def test_item_unit_price_band_edges(n: int, price: int) -> None:
    """办法 第四条: 10/11, 30/31, 40/41, 50/51 are the band edges."""
    assert item_unit_price(n) == price


@pytest.mark.parametrize(
    ("n", "price"),
    [(1, 0), (30, 0), (31, 10), (100, 10), (101, 20), (200, 20), (201, 40), (1000, 40)],
)
def test_page_unit_price_band_edges(n: int, price: int) -> None:
    """办法 第五条: 30/31, 100/101, 200/201 are the band edges."""
    assert page_unit_price(n) == price


@pytest.mark.parametrize(
    ("items", "amount"),
    [(1, 0), (10, 0), (11, 100), (30, 2000), (31, 2200), (40, 4000), (41, 4300), (50, 7000)],
)
def test_item_fee_from_start_of_month(items: int, amount: int) -> None:
    """A first application of the month with ``items`` items (国办函〔2020〕109号 第四条)."""
    assert item_fee(0, items).amount == amount


@pytest.mark.parametrize(
    ("pages", "amount"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740), (250, 4700)],
)
def test_page_fee(pages: int, amount: int) -> None:
    """国办函〔2020〕109号 第五条: 70×10 = 700 up to page 100, 100×20 more up to page 200."""
    assert page_fee(pages).amount == amount


def test_month_count_before_this_application() -> None:
    """The month's earlier items move this one into dearer bands; only its own items are charged."""
    assert item_fee(9, 1).amount == 0
    assert item_fee(10, 1).amount == 100
    assert item_fee(29, 2).amount == 100 + 200
    assert item_fee(40, 1).amount == 300
    fee = item_fee(8, 25)
    assert fee.lines == (FeeLine(9, 10, 0), FeeLine(11, 30, 100), FeeLine(31, 33, 200))
    assert fee.amount == 20 * 100 + 3 * 200
    assert fee.units == 25


def test_cumulative_month_equals_one_big_application() -> None:
    """Three applications in one month cost what one application of all their items would."""
    sizes = [4, 12, 20]
    before = 0
    total = 0
    for size in sizes:
        total += item_fee(before, size).amount
        before += size
    assert total == item_fee(0, sum(sizes)).amount


def test_breakdown_states_basis_and_standard() -> None:
    fee = page_fee(120)
    assert fee.method is FeeMethod.BY_PAGE
    assert [(line.first, line.last, line.unit_price) for line in fee.lines] == [
        (1, 30, 0),
        (31, 100, 10),
        (101, 120, 20),
    ]
    text = fee.describe()
    assert "国办函〔2020〕109号" in text and "按量计收" in text
    assert "第31—100页，10元/页，共70页，700元" in text
    assert text.endswith("合计1100元。")
    assert "第11件，100元/件，共1件，100元" in item_fee(10, 1).describe()
    assert page_fee(0).is_free and page_fee(0).lines == ()


def test_assess_fee_one_method_only() -> None:
    """办法 第三条: never both standards for one application."""
    with pytest.raises(FeeError, match="never both"):
        assess_fee(items=3, pages=40)
    with pytest.raises(FeeError, match="either"):
        assess_fee()
    with pytest.raises(FeeError):
        assess_fee(pages=40, items_this_month_before=3)
    assert assess_fee(items=12).amount == 200
    assert assess_fee(items=1, items_this_month_before=30).amount == 200
    assert assess_fee(pages=31).amount == 10


@pytest.mark.parametrize(
    "call",
    [
        lambda: item_fee(-1, 1),
        lambda: item_fee(0, 0),
        lambda: item_fee(0, -3),
        lambda: page_fee(-1),
        lambda: item_unit_price(0),
        lambda: page_unit_price(0),
        lambda: page_fee(True),
        lambda: item_fee(0, 2.0),  # type: ignore[arg-type]
    ],
)
def test_bad_counts_are_refused(call: object) -> None:
    with pytest.raises(FeeError):
        call()  # type: ignore[operator]


@given(before=counts, n=st.integers(min_value=1, max_value=200))
def test_item_fee_monotone_and_marginal(before: int, n: int) -> None:
    """One more item costs exactly that item's band price (超额累进, 国办函〔2020〕109号 3, 4)."""
    smaller = item_fee(before, n).amount
    larger = item_fee(before, n + 1).amount
    assert larger >= smaller
    assert larger - smaller == item_unit_price(before + n + 1)


@given(n=counts)
def test_page_fee_monotone_and_marginal(n: int) -> None:
    """One more page costs exactly that page's band price (国办函〔2020〕109号 第五条)."""
    smaller = page_fee(n).amount
    larger = page_fee(n + 1).amount
    assert larger >= smaller
    assert larger - smaller == page_unit_price(n + 1)


@given(before=counts, a=st.integers(1, 100), b=st.integers(1, 100))
def test_item_fee_split_does_not_change_the_total(before: int, a: int, b: int) -> None:
    """Splitting a month's items over applications neither adds nor saves (per-month counting)."""
    whole = item_fee(before, a + b).amount
    assert item_fee(before, a).amount + item_fee(before + a, b).amount == whole


@given(before=counts, n=st.integers(1, 300))
def test_item_lines_cover_exactly_this_application(before: int, n: int) -> None:
    lines = item_fee(before, n).lines
    assert lines[0].first == before + 1 and lines[-1].last == before + n
    assert all(a.last + 1 == b.first for a, b in zip(lines, lines[1:], strict=False))
    assert all(item_unit_price(line.first) == item_unit_price(line.last) == line.unit_price
               for line in lines)
