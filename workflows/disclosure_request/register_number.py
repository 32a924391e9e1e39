"""Register numbers of disclosure requests (登记号, 登记制).

Every request is registered (有申请必登记, source document 四(一)) and gets a register number made
of the year of receipt and a sequence that restarts each year. The default reads
``依申〔2026〕第0001号``; an agency may use its own template as long as it contains ``{year}`` and
``{seq}`` (with an optional zero-padded width such as ``{seq:05d}``) and nothing else to fill in.

The templates are :mod:`workflows.common.numbering`'s; this module adds the default and the name
("register number") its messages use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from workflows.common.numbering import NumberFormat, NumberingError
from workflows.common.numbering import validate_template as validate_number_template

__all__ = [
    "DEFAULT_TEMPLATE",
    "KIND",
    "RegisterNumberError",
    "RegisterNumberFormat",
    "format_register_number",
    "parse_register_number",
    "validate_template",
]

DEFAULT_TEMPLATE = "依申〔{year}〕第{seq:04d}号"
"""The default register number: year of receipt and a four-digit sequence per year."""

KIND = "register number"
"""What error messages call the number."""

RegisterNumberError = NumberingError
"""An invalid register number template, year, sequence, or number to parse."""


@dataclass(frozen=True, slots=True)
class RegisterNumberFormat(NumberFormat):
    """A validated register number template (the default unless given) that formats and parses."""

    template: str = DEFAULT_TEMPLATE
    kind: str = field(default=KIND, compare=False)


def validate_template(template: str) -> str:
    """Return ``template`` if it is a usable register number template, else raise."""
    return validate_number_template(template, KIND)


def format_register_number(year: int, seq: int, template: str = DEFAULT_TEMPLATE) -> str:
    """The register number for sequence ``seq`` of ``year``, e.g. ``依申〔2026〕第0001号``."""
    return RegisterNumberFormat(template).format(year, seq)


def parse_register_number(number: str, template: str = DEFAULT_TEMPLATE) -> tuple[int, int]:
    """The (year, seq) of a register number, e.g. ``(2026, 1)`` for ``依申〔2026〕第0001号``."""
    return RegisterNumberFormat(template).parse(number)
