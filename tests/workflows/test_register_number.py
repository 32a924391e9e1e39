"""Register numbers (登记号): every request is registered (登记制, source document 四(一))."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.disclosure_request.register_number import (
    DEFAULT_TEMPLATE,
    RegisterNumberError,
    RegisterNumberFormat,
    format_register_number,
    parse_register_number,
    validate_template,
)


def test_default_format() -> None:
    assert DEFAULT_TEMPLATE == "依申〔{year}〕第{seq:04d}号"
    assert format_register_number(2026, 1) == "依申〔2026〕第0001号"
    assert format_register_number(2026, 123) == "依申〔2026〕第0123号"
    assert format_register_number(2026, 12345) == "依申〔2026〕第12345号"


def test_custom_template() -> None:
    agency = "晋工信依申〔{year}〕{seq:03d}号"
    assert format_register_number(2027, 7, agency) == "晋工信依申〔2027〕007号"
    assert format_register_number(2027, 7, "{year}-{seq}") == "2027-7"
    assert format_register_number(2027, 7, "{year}{seq:04d}") == "20270007"


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("依申第{seq:04d}号", "must contain {year}"),
        ("依申〔{year}〕", "must contain {seq}"),
        ("依申", "must contain {year} and {seq}"),
        ("{year}{seq}{agency}", "only {year} and {seq}"),
        ("{year}{seq}{}", "only {year} and {seq}"),
        ("{year}{seq}{0}", "only {year} and {seq}"),
        ("{year}{seq:x}", "decimal width"),
        ("{year:06d}{seq}", "takes no format"),
        ("{year!r}{seq}", "takes no format"),
        ("{year}-{seq}-{seq}", "more than once"),
        ("{year}{seq", "register number template"),
        ("", "non-empty"),
    ],
)
def test_bad_templates(template: str, why: str) -> None:
    with pytest.raises(RegisterNumberError, match=re.escape(why)):
        validate_template(template)


def test_validate_template_returns_it() -> None:
    assert validate_template(DEFAULT_TEMPLATE) == DEFAULT_TEMPLATE


@pytest.mark.parametrize(("year", "seq"), [(2026, 0), (2026, -1), (99, 1), (10000, 1), (True, 1)])
def test_bad_year_or_sequence(year: int, seq: int) -> None:
    with pytest.raises(RegisterNumberError):
        format_register_number(year, seq)


def test_parse() -> None:
    assert parse_register_number("依申〔2026〕第0001号") == (2026, 1)
    assert parse_register_number(" 依申〔2026〕第12345号 ") == (2026, 12345)
    assert parse_register_number("20270007", "{year}{seq:04d}") == (2027, 7)
    for wrong in ("依申〔2026〕第号", "依申(2026)第0001号", "x", ""):
        with pytest.raises(RegisterNumberError):
            parse_register_number(wrong)


def test_format_value_is_reusable() -> None:
    fmt = RegisterNumberFormat("公开〔{year}〕{seq:05d}")
    assert fmt.format(2026, 42) == "公开〔2026〕00042"
    assert fmt == RegisterNumberFormat("公开〔{year}〕{seq:05d}")
    with pytest.raises(RegisterNumberError):
        RegisterNumberFormat("no fields")


@given(year=st.integers(1000, 9999), seq=st.integers(1, 10**6))
def test_format_then_parse_round_trips(year: int, seq: int) -> None:
    for template in (DEFAULT_TEMPLATE, "{year}{seq:04d}", "{seq}/{year}"):
        fmt = RegisterNumberFormat(template)
        assert fmt.parse(fmt.format(year, seq)) == (year, seq)


@given(year=st.integers(2000, 2100), a=st.integers(1, 9999), b=st.integers(1, 9999))
def test_default_numbers_sort_by_sequence_within_a_year(year: int, a: int, b: int) -> None:
    """Zero padding keeps the register in order when sorted as text (up to 9999 a year)."""
    first, second = format_register_number(year, a), format_register_number(year, b)
    assert (first < second) == (a < b)
