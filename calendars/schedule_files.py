"""Schedule files: an agency adds a year itself, one TOML file per year.

When the State Council publishes next year's notice (usually in November), an agency writes it
down as a file like this and points the calendar at it; no new release is needed::

    year = 2027
    source = "国务院办公厅关于2027年部分节假日安排的通知"

    [[holidays]]
    name = "春节"
    dates = ["2027-02-05", "2027-02-06", "2027-02-07"]   # days off

    [[workdays]]
    name = "春节调休"
    dates = ["2027-02-20"]                               # weekend days worked

A file replaces the packaged data for its year. A file with ``extends = "national"`` instead adds
its days on top of the national schedule of its year (local festivals of an autonomous area,
放假办法 第四条, and their local make-up working days); one of each kind may be given for a year.
Loading checks everything at once and raises one `ScheduleFileError` listing every problem, each
with the date as written. A file that cannot be one (not a regular file, more than `MAX_FILE_BYTES`,
not UTF-8, not TOML, nested too deeply for the parser) is a `ScheduleFileError` too.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from calendars.errors import SCHEDULE_DIR_ENV, ScheduleFileError, ScheduleProblem
from calendars.local import extension_problems
from calendars.schedule import NATIONAL, Schedule, schedule_problems

KNOWN_KEYS = frozenset({"year", "source", "extends", "holidays", "workdays"})
ENTRY_KEYS = frozenset({"name", "dates"})
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

StrPath = str | os.PathLike[str]
MAX_FILE_BYTES = 1024 * 1024
"""The largest schedule file read (a year's schedule is about 2 KB)."""


NationalOf = Callable[[int], Schedule | None]


def load_schedule_file(path: StrPath, national: NationalOf | None = None) -> Schedule:
    """Read and check one schedule file; raise `ScheduleFileError` naming every problem.

    For a file that extends the national schedule, `national(year)` (when given and not None)
    is the schedule it is checked against too (`calendars.local.extension_problems`).
    """
    path = Path(path)
    data = read_toml(path)
    problems: list[ScheduleProblem] = []
    year = _year(data, problems)
    source = _source(data, problems)
    extends = _extends(data, problems)
    holidays = _entries(data, "holidays", problems)
    workdays = _entries(data, "workdays", problems)
    schedule = Schedule(
        year=year or 1, source=source or "", holidays=holidays, workdays=workdays, extends=extends
    )
    if year is not None:
        problems.extend(schedule_problems(year, holidays, workdays))
        base = national(year) if national is not None and extends is not None else None
        if base is not None:
            problems.extend(extension_problems(base, schedule))
    if problems or year is None or source is None:
        raise ScheduleFileError(path, problems)
    return schedule


def read_toml(path: StrPath) -> dict[str, Any]:
    """The TOML document of a schedule file, not yet checked; `ScheduleFileError` if it cannot
    be read (missing, not a regular file, larger than `MAX_FILE_BYTES`, not UTF-8) or is not
    TOML a schedule file could be."""
    path = Path(path)
    return _parse(path, _read(path))


def _read(path: Path) -> str:
    """The text of a schedule file: a regular file of at most `MAX_FILE_BYTES` in UTF-8."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise ScheduleFileError(path, [ScheduleProblem("not a regular file")])
        with path.open("rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ScheduleFileError(path, [ScheduleProblem(f"cannot read: {reason}")]) from exc
    if len(raw) > MAX_FILE_BYTES:
        problem = f"larger than {MAX_FILE_BYTES} bytes: not a schedule file (one year's is ~2 KB)"
        raise ScheduleFileError(path, [ScheduleProblem(problem)])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScheduleFileError(path, [ScheduleProblem(f"not UTF-8 text: {exc}")]) from exc


def _parse(path: Path, text: str) -> dict[str, Any]:
    """The TOML document in `text`; `ScheduleFileError` if it is not TOML or nests arrays or
    tables too deeply for the parser (a schedule file nests two levels)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScheduleFileError(path, [ScheduleProblem(f"not valid TOML: {exc}")]) from exc
    except RecursionError as exc:
        problem = "not a schedule file: arrays or tables nested too deeply to read"
        raise ScheduleFileError(path, [ScheduleProblem(problem)]) from exc
    except ValueError as exc:  # a number too long to read
        problem = f"not a schedule file: {str(exc)[:80]}"
        raise ScheduleFileError(path, [ScheduleProblem(problem)]) from exc


def load_schedule_files(paths: Iterable[StrPath]) -> dict[Path, Schedule]:
    """Load several files, by path; two files of one kind for one year are an error naming both.

    A year may have one whole-year file and one file that extends the national schedule.
    """
    schedules: dict[Path, Schedule] = {}
    origin: dict[tuple[int, str | None], Path] = {}
    for path in paths:
        schedule = load_schedule_file(path)
        kind = (schedule.year, schedule.extends)
        if kind in origin:
            what = "local file" if schedule.extends else "file"
            problem = ScheduleProblem(
                f"a second {what} for {schedule.year}: {origin[kind]} has it already"
            )
            raise ScheduleFileError(path, [problem])
        schedules[Path(path)] = schedule
        origin[kind] = Path(path)
    return schedules


def schedule_files_in(directory: StrPath) -> list[Path]:
    """The ``*.toml`` files of a schedule directory, sorted by name."""
    directory = Path(directory)
    if not directory.is_dir():
        what = "it does not exist" if not directory.exists() else "it is a file"
        problem = f"not a directory of schedule files ({what}; expected one YEAR.toml a year)"
        raise ScheduleFileError(directory, [ScheduleProblem(problem)])
    try:
        return sorted(path for path in directory.iterdir() if path.suffix == ".toml")
    except OSError as exc:
        problem = f"cannot list the directory of schedule files: {exc.strerror or exc}"
        raise ScheduleFileError(directory, [ScheduleProblem(problem)]) from exc


def schedule_dir_from_env(environ: Mapping[str, str] | None = None) -> Path | None:
    """The directory named by ``GONGKAI_SCHEDULE_DIR``, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(SCHEDULE_DIR_ENV, "")
    return Path(value) if value.strip() else None


def _year(data: dict[str, Any], problems: list[ScheduleProblem]) -> int | None:
    for key in sorted(set(data) - KNOWN_KEYS):
        problems.append(ScheduleProblem(f"unknown key {key!r} (expected {sorted(KNOWN_KEYS)})"))
    year = data.get("year")
    if year is None:
        problems.append(ScheduleProblem("missing `year`"))
        return None
    if isinstance(year, bool) or not isinstance(year, int) or not dt.MINYEAR <= year <= dt.MAXYEAR:
        problems.append(ScheduleProblem(f"`year` must be a whole number of a year, got {year!r}"))
        return None
    return year


def _extends(data: dict[str, Any], problems: list[ScheduleProblem]) -> str | None:
    extends = data.get("extends")
    if extends is None or extends == NATIONAL:
        return extends
    problems.append(
        ScheduleProblem(f"`extends` must be {NATIONAL!r} (or left out), got {extends!r}")
    )
    return None


def _source(data: dict[str, Any], problems: list[ScheduleProblem]) -> str | None:
    source = data.get("source")
    if source is None:
        problems.append(ScheduleProblem("missing `source` (the notice the dates come from)"))
        return None
    if not isinstance(source, str) or not source.strip():
        problems.append(ScheduleProblem(f"`source` must name the notice, got {source!r}"))
        return None
    return source.strip()


def _entries(data: dict[str, Any], key: str, problems: list[ScheduleProblem]) -> dict[dt.date, str]:
    entries = data.get(key, [])
    if not isinstance(entries, list):
        problems.append(ScheduleProblem(f"`{key}` must be an array of tables ([[{key}]])"))
        return {}
    days: dict[dt.date, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"[[{key}]] #{number}"
        if not isinstance(entry, dict):
            problems.append(ScheduleProblem(f"{where} must be a table with `name` and `dates`"))
            continue
        for extra in sorted(set(entry) - ENTRY_KEYS):
            problems.append(ScheduleProblem(f"{where}: unknown key {extra!r}"))
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(ScheduleProblem(f"{where}: missing or empty `name`"))
            name = ""
        dates = entry.get("dates")
        if not isinstance(dates, list) or not dates:
            problems.append(ScheduleProblem(f"{where}: `dates` must be a non-empty list"))
            continue
        for raw in dates:
            day = _parse_date(raw, where, problems)
            if day is None:
                continue
            if day in days:
                problems.append(ScheduleProblem(f"listed twice in `{key}`", day.isoformat()))
            days[day] = name.strip()
    return days


def _parse_date(raw: object, where: str, problems: list[ScheduleProblem]) -> dt.date | None:
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        return raw
    if isinstance(raw, str) and ISO_DATE.fullmatch(raw.strip()):
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError as exc:
            problems.append(ScheduleProblem(f"{where}: not a date ({exc})", raw))
            return None
    problems.append(ScheduleProblem(f'{where}: not a date (expected "YYYY-MM-DD")', str(raw)))
    return None
