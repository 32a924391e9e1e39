"""Numbers made of a year and a yearly sequence: 登记号, 文号 and the like.

Agencies number what they register and what they issue by year: a register number such as
``依申〔2026〕第0001号`` or a document number (发文字号, 文号) such as ``某办发〔2026〕7号``
(GB/T 9704-2012 7.2.4: the full year in 〔〕, then the sequence, unpadded and without 第).

A template is a format string with exactly one ``{year}`` and one ``{seq}`` and nothing else to
fill in; ``{seq}`` may take a zero-padded width such as ``{seq:04d}`` so that numbers of the same
year sort as text (a space-padded width is refused: its numbers would not parse back).
:class:`NumberFormat` checks a template once and then formats and parses numbers;
:func:`next_number` draws the next sequence of a year from the engine's counters and formats it,
inside the transition's transaction.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "NumberFormat",
    "NumberingError",
    "SequenceSource",
    "next_number",
    "validate_template",
]

_FIELDS = ("year", "seq")
_SPECS = {"year": re.compile(r""), "seq": re.compile(r"(?:0[1-9]\d?)?d?")}
"""Allowed format specs: none for the year; for the sequence ``d`` and a zero-padded width."""
_DIGITS = {"year": r"\d{4}", "seq": r"\d+"}
"""How the fields read back: the year as four digits, the sequence as any run of digits."""
_MIN_YEAR = 1000
_MAX_YEAR = 9999


class NumberingError(ValueError):
    """An invalid number template, year, sequence, or number to parse."""


class SequenceSource(Protocol):
    """What :func:`next_number` needs of a transition context: named counters."""

    def next_sequence(self, name: str) -> int:
        """Advance the named counter and return its new value (1 the first time)."""
        ...


def _check_field(template: str, kind: str, name: str, spec: str, conversion: str | None) -> None:
    """Refuse a field other than {year} and {seq}, or a format the parser could not read back."""
    if name not in _FIELDS:
        raise NumberingError(
            f"{kind} template {template!r} has field {{{name}}}; only {{year}} and {{seq}} are "
            "allowed"
        )
    if conversion or not _SPECS[name].fullmatch(spec):
        given = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        raise NumberingError(
            f"{kind} template {template!r}: {{year}} takes no format and {{seq}} only a "
            f"zero-padded decimal width such as :04d; {{{name}}} has {given!r}"
        )


def _parse_template(template: str, kind: str) -> list[tuple[str, str | None]]:
    """Split ``template`` into (literal text, field name or ``None``) pieces; check each field."""
    if not isinstance(template, str) or not template:
        raise NumberingError(f"a {kind} template must be a non-empty string")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise NumberingError(f"{kind} template {template!r}: {exc}") from None
    pieces: list[tuple[str, str | None]] = []
    seen: list[str] = []
    for literal, name, spec, conversion in parsed:
        pieces.append((literal, None))
        if name is None:
            continue
        _check_field(template, kind, name, spec or "", conversion)
        if name in seen:
            raise NumberingError(f"{kind} template {template!r} has {{{name}}} more than once")
        seen.append(name)
        pieces.append(("", name))
    missing = [name for name in _FIELDS if name not in seen]
    if missing:
        raise NumberingError(
            f"{kind} template {template!r} must contain "
            + " and ".join(f"{{{name}}}" for name in missing)
        )
    return pieces


def _piece_regex(text: str, name: str | None) -> str:
    """The regex of one piece: literal text matched as is, a field as its digits."""
    if name is None:
        return re.escape(text)
    return f"(?P<{name}>{_DIGITS[name]})"


def _check_numbers(year: int, seq: int) -> None:
    """A four-digit year and a sequence from 1: anything else is a caller's mistake."""
    for name, value in (("year", year), ("seq", seq)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise NumberingError(f"{name} must be an integer, got {value!r}")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise NumberingError(f"year must have four digits, got {year}")
    if seq < 1:
        raise NumberingError(f"seq starts at 1, got {seq}")


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """A validated ``{year}``/``{seq}`` template that formats and parses numbers.

    ``kind`` names what is numbered (``"register number"``, ``"document number"``) in error
    messages only; two formats with the same template are equal. Parsing reads the year as four
    digits and the sequence as any run of digits, so a sequence that outgrows its width still
    parses, as do templates with no text between the fields (``{year}{seq:04d}``).
    """

    template: str
    kind: str = field(default="number", compare=False)
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pieces = _parse_template(self.template, self.kind)
        regex = "".join(_piece_regex(text, name) for text, name in pieces)
        object.__setattr__(self, "_pattern", re.compile(regex))

    def format(self, year: int, seq: int) -> str:
        """The number for sequence ``seq`` (from 1) of ``year``."""
        _check_numbers(year, seq)
        return self.template.format(year=year, seq=seq)

    def parse(self, number: str) -> tuple[int, int]:
        """The (year, seq) of a number made with this template; surrounding blanks are ignored."""
        match = self._pattern.fullmatch(number.strip()) if isinstance(number, str) else None
        if match is None:
            raise NumberingError(f"{number!r} is not a {self.kind} of the form {self.template!r}")
        return int(match["year"]), int(match["seq"])


def validate_template(template: str, kind: str = "number") -> str:
    """Return ``template`` if it is a usable number template, else raise :class:`NumberingError`."""
    NumberFormat(template, kind)
    return template


def next_number(ctx: SequenceSource, counter: str, year: int,
                template: str | NumberFormat) -> str:
    """Draw the next sequence of ``year`` from ``counter`` and format it with ``template``.

    The engine counter is ``f"{counter}:{year}"``, so every year starts again at 1. The template is
    checked before the counter moves; the counter moves inside the caller's transaction, so a
    refused or failed transition gives its number back.
    """
    fmt = template if isinstance(template, NumberFormat) else NumberFormat(template)
    _check_numbers(year, 1)
    return fmt.format(year, ctx.next_sequence(f"{counter}:{year}"))
