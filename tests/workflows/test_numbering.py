"""Year-and-sequence numbers shared by the workflows: 文号 (GB/T 9704-2012 7.2.4) and 登记号."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workflows.common.numbering import (
    NumberFormat,
    NumberingError,
    next_number,
    validate_template,
)
from workflows.disclosure_request.register_number import (
    DEFAULT_TEMPLATE,
    RegisterNumberError,
    RegisterNumberFormat,
)

DOCUMENT = "某办发〔{year}〕{seq}号"
"""A 文号: issuing agency's code, full year in 〔〕, sequence unpadded and without 第."""


class Counters:
    """Named counters as the engine keeps them (one row per name, from 1)."""

    def __init__(self) -> None:
        self.values: dict[str, int] = {}

    def next_sequence(self, name: str) -> int:
        self.values[name] = self.values.get(name, 0) + 1
        return self.values[name]


def test_document_number() -> None:
    fmt = NumberFormat(DOCUMENT, "document number")
    assert fmt.format(2026, 7) == "某办发〔2026〕7号"
    assert fmt.format(2026, 123) == "某办发〔2026〕123号"
    assert fmt.parse("某办发〔2026〕7号") == (2026, 7)
    assert fmt.parse(" 某办发〔2026〕123号\n") == (2026, 123)


@pytest.mark.parametrize("number", ["某办发〔2026〕号", "某办发[2026]7号", "某办函〔2026〕7号",
                                    "某办发〔26〕7号", "某办发〔2026〕7", "", "7"])
def test_parse_refuses_what_the_template_does_not_make(number: str) -> None:
    fmt = NumberFormat(DOCUMENT, "document number")
    why = f"is not a document number of the form {DOCUMENT!r}"
    with pytest.raises(NumberingError, match=re.escape(why)):
        fmt.parse(number)


def test_parse_refuses_a_non_string() -> None:
    with pytest.raises(NumberingError):
        NumberFormat(DOCUMENT).parse(7)  # type: ignore[arg-type]


@given(year=st.integers(1000, 9999), seq=st.integers(1, 10**7))
def test_format_then_parse_round_trips(year: int, seq: int) -> None:
    for template in (DOCUMENT, "{year}{seq}", "{seq}{year}", "某办发〔{year}〕{seq:03d}号"):
        fmt = NumberFormat(template)
        assert fmt.parse(fmt.format(year, seq)) == (year, seq)


@pytest.mark.parametrize(
    ("template", "why"),
    [
        ("某办发〔{seq}〕号", "must contain {year}"),
        ("某办发〔{year}〕号", "must contain {seq}"),
        ("某办发", "must contain {year} and {seq}"),
        ("{agency}〔{year}〕{seq}号", "has field {agency}; only {year} and {seq}"),
        ("{year}{seq}{}", "only {year} and {seq}"),
        ("{year}{seq}{0}", "only {year} and {seq}"),
        ("{year}{seq.real}", "has field {seq.real}"),
        ("{year}{seq:x}", "zero-padded decimal width"),
        ("{year}{seq:4d}", "zero-padded decimal width"),
        ("{year}{seq:0}", "zero-padded decimal width"),
        ("{year}{seq:>4}", "zero-padded decimal width"),
        ("{year:04d}{seq}", "takes no format"),
        ("{year!s}{seq}", "takes no format"),
        ("〔{year}〕{seq}〔{year}〕", "{year} more than once"),
        ("某办发〔{year}〕{seq号", "document number template"),
        ("某办发〔{year}〕{seq}}号", "document number template"),
        ("", "a document number template must be a non-empty string"),
    ],
)
def test_bad_templates(template: str, why: str) -> None:
    with pytest.raises(NumberingError, match=re.escape(why)):
        validate_template(template, "document number")
    with pytest.raises(ValueError):
        NumberFormat(template)


def test_validate_template_returns_it() -> None:
    assert validate_template(DOCUMENT) == DOCUMENT


def test_width_pads_with_zeros_and_a_longer_sequence_overflows_it() -> None:
    fmt = NumberFormat("某办发〔{year}〕{seq:03d}号")
    assert fmt.format(2026, 7) == "某办发〔2026〕007号"
    assert fmt.format(2026, 1234) == "某办发〔2026〕1234号"
    assert fmt.parse("某办发〔2026〕1234号") == (2026, 1234)
    assert NumberFormat("{year}-{seq:04}").format(2026, 7) == "2026-0007"
    assert NumberFormat("{year}-{seq:d}").format(2026, 7) == "2026-7"


@given(year=st.integers(2000, 2100), a=st.integers(1, 999), b=st.integers(1, 999))
def test_padded_numbers_sort_by_sequence_within_a_year(year: int, a: int, b: int) -> None:
    fmt = NumberFormat("某办发〔{year}〕{seq:03d}号")
    assert (fmt.format(year, a) < fmt.format(year, b)) == (a < b)


@pytest.mark.parametrize(("year", "seq"), [(2026, 0), (2026, -1), (999, 1), (10000, 1),
                                           (True, 1), (2026, True), (2026.0, 1), ("2026", 1)])
def test_bad_year_or_sequence(year: int, seq: int) -> None:
    with pytest.raises(NumberingError):
        NumberFormat(DOCUMENT).format(year, seq)


def test_kind_is_only_for_messages() -> None:
    assert NumberFormat(DOCUMENT, "document number") == NumberFormat(DOCUMENT)
    assert NumberFormat(DOCUMENT) != NumberFormat("某办函〔{year}〕{seq}号")
    with pytest.raises(NumberingError, match="^a number template"):
        NumberFormat("")


def test_next_number_counts_per_counter_and_year() -> None:
    counters = Counters()
    numbers = [next_number(counters, "某办发", 2026, DOCUMENT) for _ in range(3)]
    assert numbers == ["某办发〔2026〕1号", "某办发〔2026〕2号", "某办发〔2026〕3号"]
    assert next_number(counters, "某办发", 2027, DOCUMENT) == "某办发〔2027〕1号"
    assert next_number(counters, "某办函", 2026, "某办函〔{year}〕{seq}号") == "某办函〔2026〕1号"
    assert counters.values == {"某办发:2026": 3, "某办发:2027": 1, "某办函:2026": 1}


def test_next_number_takes_a_format() -> None:
    counters = Counters()
    fmt = NumberFormat("某办发〔{year}〕{seq:02d}号", "document number")
    assert next_number(counters, "docs", 2026, fmt) == "某办发〔2026〕01号"


@pytest.mark.parametrize(("template", "year"), [("某办发〔{year}〕号", 2026), (DOCUMENT, 26)])
def test_next_number_refuses_before_the_counter_moves(template: str, year: int) -> None:
    counters = Counters()
    with pytest.raises(NumberingError):
        next_number(counters, "某办发", year, template)
    assert counters.values == {}


def test_register_numbers_are_these_numbers() -> None:
    """登记号 are the same numbers with a default template and their own name in messages."""
    assert RegisterNumberError is NumberingError
    fmt = RegisterNumberFormat()
    assert isinstance(fmt, NumberFormat) and fmt.template == DEFAULT_TEMPLATE
    assert next_number(Counters(), "disclosure_request", 2026, fmt) == "依申〔2026〕第0001号"
    with pytest.raises(NumberingError, match="not a register number"):
        fmt.parse("某办发〔2026〕7号")
