"""Calendar schedules: "the 1st working day of December at 09:00", "every working day at 09:00".

A :class:`ScheduleSpec` belongs to no instance: it says on which Beijing dates something recurs,
counted over a working-day calendar (工作日, e.g. ``calendars.ChinaCalendar``), and at which
Beijing wall-clock time it is due. It is plain data: frozen, dumped to and loaded from a JSON
dict, and validated on construction and on load with every problem reported at once.

The module is pure: it never reads the wall clock and touches no database. Callers pass the
moment ("now") and the calendar in.

Counting rules:

* ``n > 0``: the n-th working day of the month (1 = first); ``n < 0``: counted from the month's
  end (-1 = last working day). A month with fewer than ``abs(n)`` working days has no occurrence;
  the search moves on to the next allowed month (it never clamps into a neighbouring month).
* Make-up workdays (调休上班, often a Saturday or Sunday) are working days like any other, and
  days off inside a holiday run are not: the calendar decides.
* Occurrence days are Beijing dates; the due moment is that date at ``at`` in Asia/Shanghai.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol, cast, get_args

from engine.errors import ScheduleError
from engine.text import shown
from engine.timesource import SHANGHAI, beijing_moment

ScheduleKind = Literal["nth_working_day", "every_working_day"]

_KINDS: tuple[str, ...] = get_args(ScheduleKind)
_KEYS = frozenset({"kind", "n", "months", "at"})
_MAX_N = 23
"""Largest ``abs(n)``: a month has 20-23 working days (a few more or fewer around holidays)."""
_HORIZON_MONTHS = 37
"""How far occurrences are searched: the starting month and the 36 months (3 years) after it."""
_HORIZON_DAYS = 3 * 366
_DEFAULT_AT = time(9, 0)
_AT_PATTERN = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


class ScheduleCalendar(Protocol):
    """What a schedule needs from a working-day calendar (``calendars.ChinaCalendar`` has it).

    Workalendar semantics: ``add_working_days(d, 1)`` is the first working day *after* ``d``;
    ``sub_working_days(d, 1)`` is the last working day *before* ``d``.
    """

    def is_working_day(self, day: date) -> bool: ...
    def add_working_days(self, day: date, delta: int) -> date: ...
    def sub_working_days(self, day: date, delta: int) -> date: ...


@dataclass(frozen=True)
class ScheduleSpec:
    """When an instance-less job recurs: Beijing dates over a working-day calendar, plus a time.

    ``kind="nth_working_day"``: the ``n``-th working day of each month in ``months`` (1-12;
    empty means every month); negative ``n`` counts from the month's end (-1 = last).
    ``kind="every_working_day"``: every working day (``n`` stays 1, ``months`` empty).
    ``at`` is the Beijing wall-clock time of day, in whole minutes, without tzinfo.

    Construction validates and raises :class:`ScheduleError` listing every problem; ``months``
    is stored sorted, so equal schedules compare equal.
    """

    kind: ScheduleKind
    n: int = 1
    months: tuple[int, ...] = ()
    at: time = _DEFAULT_AT

    def __post_init__(self) -> None:
        problems: list[str] = []
        n = _coerce_n(self.n, problems)
        months = _coerce_months(self.months, problems)
        at = _coerce_at(self.at, problems)
        problems += _field_problems(self.kind, n, months, at)
        if problems:
            raw = {"kind": self.kind, "n": self.n, "months": self.months, "at": self.at}
            raise ScheduleError(raw, problems)
        object.__setattr__(self, "months", tuple(sorted(months or ())))

    # -- constructors and the dict form ------------------------------------------------------

    @classmethod
    def nth_working_day(
        cls, n: int, months: Sequence[int] = (), at: time = _DEFAULT_AT
    ) -> ScheduleSpec:
        """The ``n``-th working day (negative: from the end) of each of ``months`` at ``at``."""
        return cls("nth_working_day", n, tuple(months), at)

    @classmethod
    def every_working_day(cls, at: time = _DEFAULT_AT) -> ScheduleSpec:
        """Every working day at ``at`` (Beijing time)."""
        return cls("every_working_day", 1, (), at)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: ``kind``, ``at`` as "HH:MM", and ``n``/``months`` for nth_working_day."""
        if self.kind == "every_working_day":
            return {"kind": self.kind, "at": _format_at(self.at)}
        return {
            "kind": self.kind,
            "n": self.n,
            "months": list(self.months),
            "at": _format_at(self.at),
        }

    @classmethod
    def from_dict(cls, raw: object) -> ScheduleSpec:
        """Load the JSON form; raises :class:`ScheduleError` listing every problem at once.

        Missing ``n`` means 1, missing ``months`` means every month, missing ``at`` 09:00.
        """
        if not isinstance(raw, Mapping):
            kind_of = type(raw).__name__
            raise ScheduleError(raw, [f"a schedule must be a mapping (JSON object), got {kind_of}"])
        problems = _unknown_key_problems(raw)
        if "kind" not in raw:
            problems.append(f"kind is missing (one of: {', '.join(_KINDS)})")
        n = _coerce_n(raw.get("n", 1), problems)
        months = _coerce_months(raw.get("months", ()), problems)
        at = _parse_at(raw.get("at", _format_at(_DEFAULT_AT)), problems)
        kind = raw.get("kind")
        problems += _field_problems(kind, n, months, at, kind_given="kind" in raw)
        if problems:
            raise ScheduleError(dict(raw), problems)
        assert n is not None and months is not None and at is not None
        return cls(cast(ScheduleKind, kind), n, months, at)

    # -- occurrences --------------------------------------------------------------------------

    def occurrence_on_or_after(self, day: date, cal: ScheduleCalendar) -> date:
        """The first occurrence on or after the Beijing date ``day``.

        Searches at most 3 years ahead; raises :class:`ScheduleError` when nothing occurs in
        that span (e.g. the 23rd working day of February). A ``datetime`` is refused
        (``TypeError``): convert a moment with ``engine.timesource.local_date`` first, so a UTC
        date is never mistaken for a Beijing one.
        """
        if isinstance(day, datetime):
            raise TypeError("occurrence_on_or_after takes a Beijing date, not a datetime")
        if self.kind == "every_working_day":
            return self._working_day_on_or_after(day, cal)
        for offset in range(_HORIZON_MONTHS):
            year, month = _shift_month(day.year, day.month, offset)
            if self.months and month not in self.months:
                continue
            found = self._nth_in_month(year, month, cal)
            if found is not None and found >= day:
                return found
        raise self._no_occurrence(day)

    def next_after(self, moment: datetime, cal: ScheduleCalendar) -> tuple[date, datetime]:
        """The first occurrence due strictly after the aware ``moment``.

        Returns (occurrence day as a Beijing date, due moment as an aware UTC datetime). At
        exactly a due moment the *next* occurrence is returned, so a job that ran at its due
        moment asks again with that moment and never runs twice. Naive datetimes raise
        ``ValueError``: a schedule cannot guess which zone they meant.
        """
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"next_after needs an aware datetime, got naive {moment!r}")
        day = self.occurrence_on_or_after(moment.astimezone(SHANGHAI).date(), cal)
        if self.due_moment(day) <= moment:
            day = self.occurrence_on_or_after(day + timedelta(days=1), cal)
        return day, self.due_moment(day)

    def due_moment(self, day: date) -> datetime:
        """When an occurrence on the Beijing date ``day`` is due: ``at`` Asia/Shanghai, in UTC."""
        return beijing_moment(day, self.at)

    def _working_day_on_or_after(self, day: date, cal: ScheduleCalendar) -> date:
        found = day if cal.is_working_day(day) else cal.add_working_days(day, 1)
        if (found - day).days > _HORIZON_DAYS:
            raise self._no_occurrence(day)
        return found

    def _nth_in_month(self, year: int, month: int, cal: ScheduleCalendar) -> date | None:
        """The n-th (or n-th from last) working day of the month, or None if it has too few.

        Counts from the day before the 1st (or the 1st of the next month) with the calendar's
        add/sub, then checks the result stayed inside the month.
        """
        if self.n > 0:
            found = cal.add_working_days(date(year, month, 1) - timedelta(days=1), self.n)
        else:
            next_year, next_month = _shift_month(year, month, 1)
            found = cal.sub_working_days(date(next_year, next_month, 1), -self.n)
        return found if (found.year, found.month) == (year, month) else None

    def _no_occurrence(self, day: date) -> ScheduleError:
        years = _HORIZON_MONTHS // 12
        return ScheduleError(
            self.to_dict(), [f"no occurrence within {years} years on or after {day.isoformat()}"]
        )

    # -- descriptions -------------------------------------------------------------------------

    def describe(self) -> str:
        """English, e.g. "1st working day of December at 09:00", "every working day at 09:00"."""
        at = _format_at(self.at)
        if self.kind == "every_working_day":
            return f"every working day at {at}"
        return f"{_position_en(self.n)} of {_months_en(self.months)} at {at}"

    def describe_zh(self) -> str:
        """Chinese, e.g. "每年12月第1个工作日 09:00" or "每个工作日 09:00".

        Without months it reads 每月 (every month), e.g. "每月最后一个工作日 09:00"; with months,
        每年 (every year) and the months, e.g. "每年3月、12月倒数第2个工作日 09:00".
        """
        at = _format_at(self.at)
        if self.kind == "every_working_day":
            return f"每个工作日 {at}"
        return f"{_months_zh(self.months)}{_position_zh(self.n)} {at}"


# -- validation helpers ------------------------------------------------------------------------


def _unknown_key_problems(raw: Mapping[object, object]) -> list[str]:
    unknown = sorted(shown(key) for key in raw if key not in _KEYS)
    if not unknown:
        return []
    return [f"unknown keys {', '.join(unknown)} (allowed: {', '.join(sorted(_KEYS))})"]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _coerce_n(value: object, problems: list[str]) -> int | None:
    """``value`` if it is an int, else None with a problem noted."""
    if _is_int(value):
        return cast(int, value)
    problems.append(f"n must be an integer, got {shown(value)}")
    return None


def _coerce_months(value: object, problems: list[str]) -> tuple[int, ...] | None:
    """The int items of a list/tuple of months; non-ints and non-lists are noted as problems."""
    if not isinstance(value, list | tuple):
        problems.append(f"months must be a list of month numbers 1-12, got {shown(value)}")
        return None
    not_ints = [item for item in value if not _is_int(item)]
    if not_ints:
        problems.append(f"months must be integers 1-12, got {', '.join(map(shown, not_ints[:5]))}")
    return tuple(item for item in value if _is_int(item))


def _coerce_at(value: object, problems: list[str]) -> time | None:
    if isinstance(value, time):
        return value
    problems.append(f"at must be a datetime.time, got {shown(value)}")
    return None


def _parse_at(value: object, problems: list[str]) -> time | None:
    """An "HH:MM" string (24-hour, 00:00-23:59) as a time, else None with a problem noted."""
    match = _AT_PATTERN.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        problems.append(f"at must be a time of day 'HH:MM' (00:00-23:59), got {shown(value)}")
        return None
    return time(int(match.group(1)), int(match.group(2)))


def _field_problems(
    kind: object,
    n: int | None,
    months: tuple[int, ...] | None,
    at: time | None,
    *,
    kind_given: bool = True,
) -> list[str]:
    """Every problem with already type-checked fields (None = type already reported)."""
    problems: list[str] = []
    if kind_given and kind not in _KINDS:
        problems.append(f"unknown kind {shown(kind)} (one of: {', '.join(_KINDS)})")
    every = kind == "every_working_day"
    if n is not None:
        problems += _n_problems(n, every)
    if months is not None:
        problems += _months_problems(months, every)
    if at is not None:
        problems += _at_problems(at)
    return problems


def _n_problems(n: int, every: bool) -> list[str]:
    if every:
        return [] if n == 1 else [f"n={n} is only for nth_working_day"]
    if n == 0:
        return ["n must not be 0: 1 is the first working day of the month, -1 the last"]
    if abs(n) > _MAX_N:
        return [f"n={n} is out of range: abs(n) must be 1-{_MAX_N} (working days in a month)"]
    return []


def _months_problems(months: tuple[int, ...], every: bool) -> list[str]:
    if every:
        return [] if not months else ["months are only for nth_working_day"]
    problems: list[str] = []
    out_of_range = [m for m in months if not 1 <= m <= 12]
    if out_of_range:
        problems.append(f"months out of range 1-12: {', '.join(map(str, out_of_range))}")
    duplicates = sorted({m for m in months if months.count(m) > 1})
    if duplicates:
        problems.append(f"duplicate months: {', '.join(map(str, duplicates))}")
    return problems


def _at_problems(at: time) -> list[str]:
    problems: list[str] = []
    if at.tzinfo is not None:
        problems.append("at is a Beijing wall-clock time and must have no tzinfo")
    if at.second or at.microsecond:
        problems.append(f"at must be whole minutes (HH:MM), got {at.isoformat()}")
    return problems


# -- small helpers -----------------------------------------------------------------------------


def _shift_month(year: int, month: int, offset: int) -> tuple[int, int]:
    """(year, month) ``offset`` months after the given one."""
    index = year * 12 + (month - 1) + offset
    return index // 12, index % 12 + 1


def _format_at(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def _ordinal(k: int) -> str:
    suffix = "th" if 11 <= k % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def _position_en(n: int) -> str:
    if n > 0:
        return f"{_ordinal(n)} working day"
    return "last working day" if n == -1 else f"{_ordinal(-n)}-to-last working day"


def _months_en(months: tuple[int, ...]) -> str:
    names = [_MONTH_NAMES[m - 1] for m in months]
    if not names:
        return "every month"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _position_zh(n: int) -> str:
    if n > 0:
        return f"第{n}个工作日"
    return "最后一个工作日" if n == -1 else f"倒数第{-n}个工作日"


def _months_zh(months: tuple[int, ...]) -> str:
    return "每月" if not months else "每年" + "、".join(f"{m}月" for m in months)
