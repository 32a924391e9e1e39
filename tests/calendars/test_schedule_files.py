"""Schedule files: an agency adds a year itself (one TOML file a year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calendars import ChinaCalendar, ScheduleFileError, load_schedule_file
from calendars.errors import SCHEDULE_DIR_ENV

from .conftest import WriteSchedule, schedule_toml

SOURCE_2027 = "国务院办公厅关于2027年部分节假日安排的通知（测试用，假设的安排）"

# A made-up 2027 schedule, deliberately unlike the provisional rules (which would give
# 2027-01-18 below): New Year's Day runs Jan 1-3 and Saturday Jan 9 is worked.
HOLIDAYS_2027 = {
    "元旦": ["2027-01-01", "2027-01-02", "2027-01-03"],
    "春节": ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"],
}
WORKDAYS_2027 = {"元旦调休": ["2027-01-09"], "春节调休": ["2027-02-20"]}


@pytest.fixture
def file_2027(write_schedule: WriteSchedule) -> Path:
    return write_schedule(2027, SOURCE_2027, HOLIDAYS_2027, WORKDAYS_2027)


def test_a_valid_file_loads(file_2027: Path) -> None:
    schedule = load_schedule_file(file_2027)
    assert schedule.year == 2027
    assert schedule.source == SOURCE_2027
    assert schedule.holidays[dt.date(2027, 2, 5)] == "春节"
    assert schedule.workdays == {dt.date(2027, 1, 9): "元旦调休", dt.date(2027, 2, 20): "春节调休"}
    assert not schedule.provisional


def test_the_2026_deadline_answers_exactly_from_a_2027_file(file_2027: Path) -> None:
    cal = ChinaCalendar(schedule_files=[file_2027])
    due = cal.add_working_days(dt.date(2026, 12, 20), 20)
    # Dec 21-25, 28-31 (9); Jan 4-8 (14); Saturday Jan 9, worked (15); Jan 11-15 (20).
    assert due == dt.date(2027, 1, 15)
    assert not cal.span_is_provisional(dt.date(2026, 12, 20), due)
    assert not cal.is_provisional(due)
    assert 2027 in cal.official_years()
    assert cal.schedule(2027).source == SOURCE_2027
    assert cal.is_working_day(dt.date(2027, 2, 20))
    assert not cal.is_working_day(dt.date(2027, 2, 8))


def test_a_file_replaces_the_packaged_year(write_schedule: WriteSchedule) -> None:
    path = write_schedule(2025, holidays={"测试": ["2025-03-03"]})
    cal = ChinaCalendar(schedule_files=[path])
    assert not cal.is_working_day(dt.date(2025, 3, 3))
    assert cal.is_working_day(dt.date(2025, 1, 28))  # 春节 of the packaged data is gone
    assert not cal.is_working_day(dt.date(2025, 1, 26))  # and so is its make-up Sunday


def test_schedule_dir_environment_variable(
    monkeypatch: pytest.MonkeyPatch, write_schedule: WriteSchedule, tmp_path: Path
) -> None:
    directory = tmp_path / "schedules"
    write_schedule(2027, SOURCE_2027, HOLIDAYS_2027, WORKDAYS_2027, directory=directory)
    monkeypatch.setenv(SCHEDULE_DIR_ENV, str(directory))
    assert ChinaCalendar().add_working_days(dt.date(2026, 12, 20), 20) == dt.date(2027, 1, 15)
    explicit = ChinaCalendar(schedule_files=[], provisional=True)  # the variable is not read
    assert explicit.schedule(2027).source != SOURCE_2027
    assert 2027 in ChinaCalendar(schedule_dir=directory).official_years()


def test_schedule_dir_that_does_not_exist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SCHEDULE_DIR_ENV, str(tmp_path / "missing"))
    with pytest.raises(ScheduleFileError, match="not a directory"):
        ChinaCalendar()


def test_empty_schedule_dir_variable_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SCHEDULE_DIR_ENV, "")
    assert ChinaCalendar().official_years() == ChinaCalendar(schedule_files=[]).official_years()


def test_two_files_for_one_year(write_schedule: WriteSchedule, file_2027: Path) -> None:
    other = write_schedule(2027, name="other.toml")
    with pytest.raises(ScheduleFileError) as info:
        ChinaCalendar(schedule_files=[file_2027, other])
    assert str(other) in str(info.value) and str(file_2027) in str(info.value)


def test_a_single_path_is_not_a_list(file_2027: Path) -> None:
    with pytest.raises(TypeError, match="list of paths"):
        ChinaCalendar(schedule_files=str(file_2027))


ERRORS = [
    pytest.param(
        dict(year=2027, holidays={"元旦": ["2026-12-31"]}),
        "2026-12-31",
        "outside year 2027",
        id="date-outside-year",
    ),
    pytest.param(
        dict(year=2027, holidays={"春节": ["2027-02-06"]}, workdays={"春节调休": ["2027-02-06"]}),
        "2027-02-06",
        "both as a holiday and as a workday",
        id="holiday-and-workday",
    ),
    pytest.param(
        dict(year=2027, workdays={"春节调休": ["2027-02-22"]}),
        "2027-02-22",
        "must be a Saturday or Sunday, this is a Monday",
        id="workday-on-a-weekday",
    ),
    pytest.param(
        dict(year=2027, holidays={"春节": ["2027-02-30"]}),
        "2027-02-30",
        "not a date",
        id="impossible-date",
    ),
    pytest.param(
        dict(year=2027, holidays={"春节": ["Feb 5 2027"]}),
        "Feb 5 2027",
        "not a date",
        id="unparsable-date",
    ),
    pytest.param(
        dict(year=2027, holidays={"春节": ["2027-02-05", "2027-02-05"]}),
        "2027-02-05",
        "listed twice",
        id="listed-twice",
    ),
    pytest.param(dict(year=None), None, "missing `year`", id="missing-year"),
    pytest.param(dict(year=2027, source=None), None, "missing `source`", id="missing-source"),
    pytest.param(dict(year='"2027"'), None, "`year` must be", id="year-not-a-number"),
]


@pytest.mark.parametrize(("content", "date", "what"), ERRORS)
def test_validation_names_file_date_and_problem(
    write_schedule: WriteSchedule, content: dict[str, object], date: str | None, what: str
) -> None:
    path = write_schedule(name="bad.toml", **content)
    with pytest.raises(ScheduleFileError) as info:
        load_schedule_file(path)
    message = str(info.value)
    assert str(path) in message
    assert what in message
    assert info.value.path == path
    if date is not None:
        assert date in message
        assert info.value.date == date
    with pytest.raises(ScheduleFileError):
        ChinaCalendar(schedule_files=[path])


def test_every_problem_is_reported_together(write_schedule: WriteSchedule) -> None:
    path = write_schedule(
        2027,
        holidays={"元旦": ["2026-12-31"], "春节": ["2027-02-06"]},
        workdays={"春节调休": ["2027-02-06", "2027-02-22"]},
    )
    with pytest.raises(ScheduleFileError) as info:
        load_schedule_file(path)
    assert len(info.value.problems) == 3
    assert "3 problems" in str(info.value)


def test_invalid_toml_and_unknown_keys(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('year = 2027\nsource = "x\n', encoding="utf-8")
    with pytest.raises(ScheduleFileError, match="not valid TOML"):
        load_schedule_file(broken)
    typo = tmp_path / "typo.toml"
    typo.write_text(schedule_toml(2027, "通知") + '\n[[holiday]]\nname = "春节"\n', "utf-8")
    with pytest.raises(ScheduleFileError, match="unknown key 'holiday'"):
        load_schedule_file(typo)
    with pytest.raises(ScheduleFileError, match="cannot read"):
        load_schedule_file(tmp_path / "absent.toml")


def test_toml_dates_are_accepted(write_schedule: WriteSchedule) -> None:
    path = write_schedule(2027, holidays={"元旦": [dt.date(2027, 1, 1)]})
    assert dt.date(2027, 1, 1) in load_schedule_file(path).holidays


@st.composite
def schedules(draw: st.DrawFn) -> tuple[int, dict[dt.date, str], dict[dt.date, str]]:
    year = draw(st.integers(2027, 2099))
    first = dt.date(year, 1, 1)
    length = (dt.date(year, 12, 31) - first).days
    offsets = st.integers(0, length).map(lambda i: first + dt.timedelta(days=i))
    names = st.sampled_from(["元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"])
    off = draw(st.dictionaries(offsets, names, max_size=20))
    weekend = offsets.filter(lambda d: d.weekday() >= 5 and d not in off)
    on = draw(st.dictionaries(weekend, names.map(lambda n: n + "调休"), max_size=6))
    return year, off, on


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(schedules())
def test_schedule_files_round_trip(
    tmp_path: Path, data: tuple[int, dict[dt.date, str], dict[dt.date, str]]
) -> None:
    year, off, on = data
    by_name: dict[tuple[str, str], list[dt.date]] = {}
    for table, days in (("holidays", off), ("workdays", on)):
        for day, name in days.items():
            by_name.setdefault((table, name), []).append(day)
    holidays = {name: dates for (table, name), dates in by_name.items() if table == "holidays"}
    workdays = {name: dates for (table, name), dates in by_name.items() if table == "workdays"}
    path = tmp_path / f"{year}.toml"
    path.write_text(schedule_toml(year, "通知", holidays, workdays), encoding="utf-8")
    schedule = load_schedule_file(path)
    assert (schedule.year, dict(schedule.holidays), dict(schedule.workdays)) == (year, off, on)
    cal = ChinaCalendar(schedule_files=[path])
    for day in [*off, *on, dt.date(year, 6, 15)]:
        expected = day in on or (day.weekday() < 5 and day not in off)
        assert cal.is_working_day(day) == expected
