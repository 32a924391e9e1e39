"""Register numbers of disclosure requests (登记号, 登记制).

Every request is registered (有申请必登记, source document 四(一)) and gets a register number made
of the year of receipt and a sequence that restarts each year. The default reads
``依申〔2026〕第0001号``; an agency may use its own template as long as it contains ``{year}`` and
``{seq}`` (with an optional zero-padded width such as ``{seq:05d}``) and nothing else to fill in.
Keeping the sequence itself (one counter per agency and year) is the caller's job.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field

__all__ = [
    "DEFAULT_TEMPLATE",
    "RegisterNumberError",
    "RegisterNumberFormat",
    "format_register_number",
    "parse_register_number",
    "validate_template",
]

DEFAULT_TEMPLATE = "依申〔{year}〕第{seq:04d}号"
"""The default register number: year of receipt and a four-digit sequence per year."""

_FIELDS = ("year", "seq")
_SPECS = {"year": re.compile(r"d?"), "seq": re.compile(r"0?\d{0,2}d?")}
_MIN_YEAR = 1000
_MAX_YEAR = 9999


class RegisterNumberError(ValueError):
    """An invalid register number template, year, sequence, or number to parse."""


def _parse_template(template: str) -> list[tuple[str, str | None]]:
    """Split the template into (literal text, field name or ``None``) pairs, checking each field."""
    if not isinstance(template, str) or not template:
        raise RegisterNumberError("a register number template must be a non-empty string")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise RegisterNumberError(f"register number template {template!r}: {exc}") from None
    pieces: list[tuple[str, str | None]] = []
    seen: list[str] = []
    for literal, name, spec, conversion in parsed:
        pieces.append((literal, None))
        if name is None:
            continue
        if name not in _FIELDS:
            raise RegisterNumberError(
                f"register number template {template!r} has field {{{name}}}; "
                "only {year} and {seq} are allowed"
            )
        if conversion or not _SPECS[name].fullmatch(spec or ""):
            given = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise RegisterNumberError(
                f"register number template {template!r}: {{year}} takes no format and {{seq}} "
                f"only a decimal width such as :04d; {{{name}}} has {given!r}"
            )
        if name in seen:
            raise RegisterNumberError(
                f"register number template {template!r} has {{{name}}} more than once"
            )
        seen.append(name)
        pieces.append(("", name))
    missing = [name for name in _FIELDS if name not in seen]
    if missing:
        raise RegisterNumberError(
            f"register number template {template!r} must contain "
            + " and ".join(f"{{{name}}}" for name in missing)
        )
    return pieces


def _check_numbers(year: int, seq: int) -> None:
    for name, value in (("year", year), ("seq", seq)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RegisterNumberError(f"{name} must be an integer, got {value!r}")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise RegisterNumberError(f"year must have four digits, got {year}")
    if seq < 1:
        raise RegisterNumberError(f"seq starts at 1, got {seq}")


def _piece_regex(text: str, name: str | None) -> str:
    if name is None:
        return re.escape(text)
    digits = r"\d{4}" if name == "year" else r"\d+"
    return f"(?P<{name}>{digits})"


@dataclass(frozen=True, slots=True)
class RegisterNumberFormat:
    """A validated register number template that formats and parses numbers.

    Parsing reads the year as four digits and the sequence as any run of digits, so templates
    such as ``{year}{seq:04d}`` with no text between the fields still parse.
    """

    template: str = DEFAULT_TEMPLATE
    _pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pieces = _parse_template(self.template)
        regex = "".join(_piece_regex(text, name) for text, name in pieces)
        object.__setattr__(self, "_pattern", re.compile(regex))

    def format(self, year: int, seq: int) -> str:
        """The register number for sequence ``seq`` (from 1) of ``year``."""
        _check_numbers(year, seq)
        return self.template.format(year=year, seq=seq)

    def parse(self, number: str) -> tuple[int, int]:
        """The (year, seq) of a register number made with this template."""
        match = self._pattern.fullmatch(number.strip()) if isinstance(number, str) else None
        if match is None:
            raise RegisterNumberError(
                f"{number!r} is not a register number of the form {self.template!r}"
            )
        return int(match["year"]), int(match["seq"])


def validate_template(template: str) -> str:
    """Return ``template`` if it is a usable register number template, else raise."""
    _parse_template(template)
    return template


def format_register_number(year: int, seq: int, template: str = DEFAULT_TEMPLATE) -> str:
    """The register number for sequence ``seq`` of ``year``, e.g. ``依申〔2026〕第0001号``."""
    return RegisterNumberFormat(template).format(year, seq)


def parse_register_number(number: str, template: str = DEFAULT_TEMPLATE) -> tuple[int, int]:
    """The (year, seq) of a register number, e.g. ``(2026, 1)`` for ``依申〔2026〕第0001号``."""
    return RegisterNumberFormat(template).parse(number)
