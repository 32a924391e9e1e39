"""``gongkai calendar …``: check schedule files, show a year, count working days.

`calendar_group` is a click group; the top-level ``gongkai`` command mounts it, and its error
handler (``engine.cli.errors``) reports a `CalendarError` raised here as one line (exit 8), with
the note a command adds (how to give a missing year on the command line).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from calendars.china import ChinaCalendar
from calendars.errors import (
    SCHEDULE_DIR_ENV,
    CalendarDataMissing,
    ScheduleFileError,
)
from calendars.official import official_schedules
from calendars.provisional import can_compute, provisional_schedule
from calendars.schedule import Schedule
from calendars.schedule_files import load_schedule_file, read_toml

F = TypeVar("F", bound=Callable[..., Any])

ISO_DATE = click.DateTime(formats=["%Y-%m-%d"])


def _calendar_options(command: F) -> F:
    command = click.option(
        "--schedule-dir",
        type=click.Path(file_okay=False, path_type=Path),
        envvar=SCHEDULE_DIR_ENV,
        default=None,
        help=f"Directory of schedule files (one YEAR.toml per year) [env: {SCHEDULE_DIR_ENV}].",
    )(command)
    command = click.option(
        "--provisional",
        is_flag=True,
        help="Answer years without an official schedule from the statutory holidays "
        "(全国年节及纪念日放假办法), marked provisional.",
    )(command)
    return command


def _calendar(provisional: bool, schedule_dir: Path | None) -> ChinaCalendar:
    # click has read the environment variable already: with no directory, load no files.
    return ChinaCalendar(provisional=provisional, schedule_files=[], schedule_dir=schedule_dir)


@contextmanager
def _hinted() -> Iterator[None]:
    """A year without a schedule, raised inside, says how to give one on the command line."""
    try:
        yield
    except CalendarDataMissing as exc:
        exc.add_note(f"on the command line: --schedule-dir DIR (or {SCHEDULE_DIR_ENV}) or "
                     "--provisional")
        raise


def _mark(provisional: bool) -> str:
    return "  (provisional)" if provisional else ""


@click.group("calendar")
def calendar_group() -> None:
    """Chinese working days (工作日): holiday schedules and working-day counts."""


@calendar_group.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
def check(files: tuple[Path, ...]) -> None:
    """Validate schedule FILES (one TOML file per year); exit 1 if any has a problem.

    A file with ``extends = "national"`` is also checked against the national schedule of its
    year: a whole-year file among FILES, else the packaged one, else the provisional one
    (statutory holidays of the 放假办法, as ``--provisional`` answers), which the output says.
    Every problem of a file is reported at once.
    """
    national: dict[int, Schedule] = dict(official_schedules())
    failed = 0
    ordered = sorted(files, key=_extends_national)  # whole-year files first
    for path in ordered:
        try:
            schedule = load_schedule_file(path, national=lambda year: _national(national, year))
        except ScheduleFileError as exc:
            failed += 1
            problems = " | ".join(line.strip() for line in str(exc).splitlines() if line.strip())
            click.echo(f"gongkai: error: {type(exc).__name__}: {problems}", err=True)
            continue
        if schedule.extends is None:
            national[schedule.year] = schedule
        click.echo(f"ok: {path}: {_summary(schedule, national)}")
    if failed:
        raise SystemExit(1)


def _national(national: Mapping[int, Schedule], year: int) -> Schedule | None:
    """The national schedule of `year` a local file is checked against, or None."""
    schedule = national.get(year)
    if schedule is None and can_compute(year):
        schedule = provisional_schedule(year)
    return schedule


def _extends_national(path: Path) -> bool:
    try:
        return read_toml(path).get("extends") is not None
    except ScheduleFileError:
        return False


def _summary(schedule: Schedule, national: Mapping[int, Schedule]) -> str:
    counts = (
        f"{len(schedule.holidays)} days off, {len(schedule.workdays)} make-up working days "
        f"({schedule.source})"
    )
    if schedule.extends is None:
        return f"{schedule.year}, {counts}"
    base = _national(national, schedule.year)
    if base is None:
        against = f"no national schedule for {schedule.year} to check against"
    elif base.provisional:
        against = (
            f"no official national schedule for {schedule.year}: checked against the "
            "provisional one (statutory holidays of the 放假办法, as --provisional answers)"
        )
    else:
        against = "checked against the national schedule"
    return f"{schedule.year}, adds to the national schedule: {counts}; {against}"


@calendar_group.command("show")
@click.argument("year", type=int)
@_calendar_options
def show(year: int, provisional: bool, schedule_dir: Path | None) -> None:
    """Print YEAR's days off (放假) and make-up working days (调休上班)."""
    calendar = _calendar(provisional, schedule_dir)
    with _hinted():
        schedule = calendar.schedule(year)
    label = f"{year} (provisional)" if schedule.provisional else str(year)
    click.echo(f"{label}: {schedule.source}")
    _print_days("days off (放假)", schedule.holidays)
    _print_days("make-up working days (调休上班)", schedule.workdays)


def _print_days(title: str, days: Mapping[dt.date, str]) -> None:
    click.echo(f"{title}:")
    if not days:
        click.echo("  none")
    for day, name in days.items():
        click.echo(f"  {day.isoformat()} {day.strftime('%a')}  {name}")


@calendar_group.command("add", context_settings={"ignore_unknown_options": True})
@click.argument("day", type=ISO_DATE, metavar="DAY")
@click.argument("n", type=int)
@_calendar_options
def add(day: dt.datetime, n: int, provisional: bool, schedule_dir: Path | None) -> None:
    """Print the N-th working day after DAY (YYYY-MM-DD; N < 0 counts back)."""
    calendar = _calendar(provisional, schedule_dir)
    start = day.date()
    with _hinted():
        result = calendar.add_working_days(start, n)
    click.echo(f"{result.isoformat()}{_mark(calendar.span_is_provisional(start, result))}")


@calendar_group.command("delta")
@click.argument("start", type=ISO_DATE, metavar="START")
@click.argument("end", type=ISO_DATE, metavar="END")
@click.option("--include-start", is_flag=True, help="Count START too if it is a working day.")
@_calendar_options
def delta(
    start: dt.datetime,
    end: dt.datetime,
    include_start: bool,
    provisional: bool,
    schedule_dir: Path | None,
) -> None:
    """Print the number of working days after START up to and including END."""
    calendar = _calendar(provisional, schedule_dir)
    first, last = start.date(), end.date()
    with _hinted():
        count = calendar.get_working_days_delta(first, last, include_start=include_start)
    click.echo(f"{count}{_mark(calendar.span_is_provisional(first, last))}")
